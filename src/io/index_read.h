/*
 * index_read.h - internal extras of the index reader (the public part is
 * in skidx.h): turning a validated index back into a model, for merge.
 */
#ifndef SKIDX_IO_INDEX_READ_H
#define SKIDX_IO_INDEX_READ_H

#include "core/count.h"
#include "core/pindex.h"
#include "skidx.h"

/* Copy everything the index holds into a fresh model (released by the
 * caller with skidx_model_release). */
skidx_status skidx_index_to_model(const struct skidx_index *idx,
                                  struct skidx_model *m);

/* The posting-level sections of a version-2 index; NULL for a version-1
 * index. Valid until skidx_index_close(). Only the directory and the
 * sources are checked at open: a segment may be read only after
 * skidx_index_pseg returned it, or skidx_index_check_postings returned
 * SKIDX_OK. */
const struct skidx_pview *skidx_index_pview(const struct skidx_index *idx);

/* Segment k of a version-2 or -3 index, all of it read, verified and checked on first
 * use (thread-safe). SKIDX_ERR_CORRUPT or SKIDX_ERR_IO with err naming
 * the index and the segment (a failure sticks), SKIDX_ERR_USAGE (k out of
 * range, version 1), SKIDX_ERR_NOMEM. */
skidx_status skidx_index_pseg(const struct skidx_index *idx, uint32_t k,
                              const struct skidx_pseg_view **out,
                              struct skidx_error *err);

/* Less of segment k, for a query that needs only some of it (a version-3
 * index reads, verifies and checks only those bytes; a version-2 index
 * checks the whole segment, as skidx_index_pseg). _head: the head and
 * skill entry table (rows, n_ent, ent, and where every part lies);
 * _part: one part besides (enum skidx_seg_part, or SKIDX_PART_BITMAP + e
 * for entry e's bitmaps), after which its fields may be read. Errors and
 * thread-safety as skidx_index_pseg. */
skidx_status skidx_index_pseg_head(const struct skidx_index *idx, uint32_t k,
                                   const struct skidx_pseg_view **out,
                                   struct skidx_error *err);
skidx_status skidx_index_pseg_part(const struct skidx_index *idx, uint32_t k,
                                   uint32_t part, struct skidx_error *err);

/* The index's months: first_month .. first_month + n_months - 1. */
void skidx_index_month_range(const struct skidx_index *idx,
                             int32_t *first_month, uint32_t *n_months);

#endif
