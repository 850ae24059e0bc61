/*
 * pmerge.h - the exact merge of posting-level sections (`skidx merge`):
 * the postings of each input, in input order, appended to the output's
 * segments; a posting whose duplicate key an earlier input (or an earlier
 * posting) already holds is a repost, dropped, and taken off the count
 * cube, as one indexing run of the inputs' corpora in that order would
 * have done. So merging the indexes of consecutive parts of a corpus
 * gives the bytes of the index of the whole.
 */
#ifndef SKIDX_CORE_PMERGE_H
#define SKIDX_CORE_PMERGE_H

#include "core/count.h"
#include "core/pindex.h"

struct skidx_pmerge {
    struct skidx_pseg_raw *raw; /* the open output segment */
    uint32_t next_seg;          /* its number */
    uint64_t *keys;             /* duplicate keys seen (open addressing;
                                   0 marks an empty slot, key 0 is kept in
                                   has_zero) */
    size_t cap, n;
    int has_zero;
    uint64_t dropped;           /* reposts dropped */
    uint32_t *row_first, *pairs; /* scratch: skills of one segment's rows */
    size_t cap_pairs;
    uint64_t *bits;             /* scratch: two row bitsets */
};

void skidx_pmerge_init(struct skidx_pmerge *pm);
void skidx_pmerge_release(struct skidx_pmerge *pm);

/* Append the postings of `v` (an index with dst's taxonomy and currency,
 * whose cube skidx_model_merge has already added into dst, unless it is
 * the first input, whose model dst is) to dst->post, and its shards to
 * dst->post's sources. A repost is dropped: its counts are subtracted
 * from dst->counts (postings, salaries, histogram, cell x skill, months)
 * and it counts as a duplicate. The index's segments must have been
 * checked first (skidx_index_check_postings(): they are read when first
 * used); SKIDX_ERR_USAGE when one was not. SKIDX_ERR_NOMEM,
 * SKIDX_ERR_CORRUPT (a posting that is not in dst's cube: the inputs
 * disagree). */
skidx_status skidx_pmerge_add(struct skidx_pmerge *pm, struct skidx_model *dst,
                              const struct skidx_pview *v);

/* Encode the last segment; when reposts were dropped, trim the month
 * range to the months that still hold postings. */
skidx_status skidx_pmerge_finish(struct skidx_pmerge *pm,
                                 struct skidx_model *dst);

#endif
