/*
 * pindex.h - the posting-level index (docs/FORMAT.md, version 2, sections
 * POSTINGS, SEGMENTS and SOURCES): per posting its columns, per skill the
 * Roaring bitmap of the postings that count it, in segments of at most
 * SKIDX_SEG_ROWS postings.
 *
 * Three parts, no I/O:
 * - building: a raw segment takes posting rows in corpus order (cheap
 *   appends: columns, strings, (skill, row) pairs) and is encoded once
 *   full into the bytes of one segment (CRoaring builds the bitmaps,
 *   written in the portable Roaring serialization);
 * - the store: the encoded segments of a model, in order, with the list
 *   of source shards;
 * - reading: a view of the three sections of a file, every byte checked
 *   (bitmaps included, by a decoder of our own, so that hostile bytes
 *   never reach a library that trusts them) before anything reads them.
 *
 * A segment is self-contained (row numbers, dictionaries and bitmaps are
 * local to it), so segments concatenate: posting number p of an index is
 * row p % SKIDX_SEG_ROWS of segment p / SKIDX_SEG_ROWS.
 */
#ifndef SKIDX_CORE_PINDEX_H
#define SKIDX_CORE_PINDEX_H

#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

#define SKIDX_SEG_ROWS 65536u
#define SKIDX_NO_STRING UINT32_MAX /* Company/Location: none */
#define SKIDX_SEG_HEAD 16u

/* The parts of a version-3 segment (docs/FORMAT.md, SEGMENTS), each
 * under its own checksum in the segment's head, in the order of the
 * Part_Checksums: the nine columns, the entry table, the
 * dictionaries (in version 4 with the locations' countries), then one part per skill entry (its two bitmaps),
 * SKIDX_PART_BITMAP + e for entry e. */
enum skidx_seg_part {
    SKIDX_PART_DEDUP,
    SKIDX_PART_LINE,
    SKIDX_PART_CELL,
    SKIDX_PART_MONTH,
    SKIDX_PART_SALARY,
    SKIDX_PART_COMPANY,
    SKIDX_PART_LOCATION,
    SKIDX_PART_SHARD,
    SKIDX_PART_STATUS, /* Salary_Status and the padding after it */
    SKIDX_PART_ENTRIES,
    SKIDX_PART_DICTS,  /* the company and location dictionaries (and, in
                          version 4, Location_Countries) */
    SKIDX_PART_BITMAP, /* first bitmap part; = the fixed parts' count */
};

/* The head of a version-3 segment with b entries: the 16-byte header,
 * 11 + b part checksums, the head's own checksum. */
static inline uint64_t skidx_seg_head_len(uint32_t version, uint32_t b)
{
    return version >= 3 ? SKIDX_SEG_HEAD + 8 * ((uint64_t)SKIDX_PART_BITMAP + b) + 8
                        : SKIDX_SEG_HEAD;
}

/* Salary status of a posting (column Salary_Status). */
enum skidx_salary_status {
    SKIDX_SAL_NONE = 0,  /* no usable salary */
    SKIDX_SAL_INDEX = 1, /* in the index currency: Salary holds it */
    SKIDX_SAL_OTHER = 2, /* in another currency: Salary holds it, unconverted */
};

/* One posting, as the builder takes it. Strings need not be
 * NUL-terminated; they are copied. */
struct skidx_prow {
    uint64_t dedup, line;
    uint32_t cell, shard, salary;
    int32_t month; /* calendar month (year*12 + month-1), or INT32_MIN */
    uint8_t status;
    const char *company, *location; /* NULL: none */
    uint32_t company_len, location_len;
    const uint32_t *skills; /* sorted, distinct */
    uint32_t n_skills;
    const uint32_t *pref;   /* of those, the ones named only in preferred
                               sections; sorted */
    uint32_t n_pref;
};

/* ---- building ---- */

struct skidx_pseg_raw;
skidx_status skidx_pseg_raw_create(struct skidx_pseg_raw **out);
void skidx_pseg_raw_free(struct skidx_pseg_raw *r);
void skidx_pseg_raw_reset(struct skidx_pseg_raw *r);
uint32_t skidx_pseg_raw_rows(const struct skidx_pseg_raw *r);
/* Bytes held for the rows' skills and strings (their capacity). */
size_t skidx_pseg_raw_capacity(const struct skidx_pseg_raw *r);
/* Append a row (the segment must hold fewer than SKIDX_SEG_ROWS).
 * SKIDX_ERR_NOMEM, SKIDX_ERR_LIMIT (a string over 1 MiB is cut, not an
 * error; strings of one segment over 4 GiB are). */
skidx_status skidx_pseg_raw_add(struct skidx_pseg_raw *r,
                                const struct skidx_prow *row);
/* Encode the rows (at least one) into one segment's bytes (*out
 * malloc'd, freed by the caller). n_skills bounds the skill ids. */
skidx_status skidx_pseg_encode(const struct skidx_pseg_raw *r,
                               uint32_t n_skills, uint8_t **out,
                               size_t *len);

/* ---- the store of a model ---- */

struct skidx_pseg_bytes {
    uint8_t *p;
    size_t len;
    uint32_t rows;
};

/* Where a store hands its segments as they complete: the bytes of the
 * next segment in order (valid during the call; the store frees them
 * after). SKIDX_OK, or an error that put() then returns. */
typedef skidx_status (*skidx_pstore_sink_fn)(void *arg, const uint8_t *p,
                                             size_t len);

struct skidx_pstore {
    int present;       /* the model has posting-level sections */
    uint64_t n_postings;
    uint32_t n_segs, cap_segs;
    struct skidx_pseg_bytes *segs; /* p == NULL once given to the sink */
    uint32_t n_sources;
    char **sources;
    /* With a sink (set before the first put; NULL: the store keeps every
     * segment), segments 0, 1, 2, ... are given to it, in order, as soon
     * as each and all before it are there, and their bytes freed: the
     * store keeps only their sizes and rows, so memory stays flat in the
     * corpus size. n_sunk: the segments given so far. */
    skidx_pstore_sink_fn sink;
    void *sink_arg;
    uint32_t n_sunk;
};

/* Put segment k (taking `p`); slots may be filled in any order.
 * SKIDX_ERR_NOMEM (p is then freed); with a sink, SKIDX_ERR_USAGE for a
 * segment already given to it, or the sink's error. */
skidx_status skidx_pstore_put(struct skidx_pstore *s, uint32_t k, uint8_t *p,
                              size_t len, uint32_t rows);
skidx_status skidx_pstore_add_source(struct skidx_pstore *s,
                                     const char *path);
void skidx_pstore_release(struct skidx_pstore *s);

/* ---- reading ---- */

struct skidx_pseg_view {
    const uint8_t *base;
    uint32_t version; /* of the file: 2, 3 or 4 */
    uint64_t size;
    uint64_t gap;   /* padding bytes before it (zero when checked) */
    uint64_t first; /* posting number of row 0 */
    uint32_t rows, n_ent, n_comp, n_loc;
    const uint8_t *dedup, *line, *cell, *month, *salary, *company,
        *location, *shard, *status, *ent;
    uint64_t *bm; /* 2 per entry: offsets (from base) of All and Pref
                     bitmaps; UINT64_MAX for an empty Pref */
    char **comp, **loc; /* NUL-terminated copies */
    const uint8_t *loc_cc; /* version 4: 2 bytes per location (its ISO
                              code, or 0 0); NULL in versions 2 and 3 */
    char *blob, *blob_loc;
    /* version 3: where each part lies (from base), set by
     * skidx_pseg_head; bitmap parts are bm[2e] .. bm_end[e] */
    uint64_t part_at[SKIDX_PART_BITMAP], part_len[SKIDX_PART_BITMAP];
    uint64_t *bm_end;
    /* per part (SKIDX_PART_BITMAP + n_ent): 1 once checked; atomic,
     * for index_read.c's lazy checks (NULL before the head is) */
    uint8_t *ok;
    uint8_t head_ok; /* atomic likewise */
    /* version 3: the entry table copied out by skidx_pseg_head (ent
     * points here), so that its skill ids stay the ones checked even
     * when base is a mapping of a file that changes */
    uint8_t *ent_own;
};

struct skidx_pview {
    uint64_t n_postings;
    uint32_t n_segs, seg_rows;
    struct skidx_pseg_view *segs;
    uint32_t n_sources;
    char **sources;
    char *sources_blob;
    const uint8_t *data; /* the SEGMENTS section */
    uint32_t version;    /* Format_Version: 2, 3 or 4 */
};

/* Validate and parse the sections POSTINGS (`dir`), SEGMENTS (`data`)
 * and SOURCES (`src`) against the index's dimensions: the directory and
 * the sources, then every segment (skidx_pseg_check). SKIDX_ERR_CORRUPT
 * with a message in `msg` naming the segment and what is wrong;
 * SKIDX_ERR_NOMEM. */
skidx_status skidx_pview_parse(struct skidx_pview *v, const uint8_t *dir,
                               uint64_t dir_size, const uint8_t *data,
                               uint64_t data_size, const uint8_t *src,
                               uint64_t src_size, uint32_t n_cells,
                               uint32_t n_skills, int32_t first_month,
                               uint32_t n_months, char *msg, size_t msg_len);
/* The first half of skidx_pview_parse, for a reader that checks segments
 * when first used: the sources and the directory (every segment's place
 * and size within `data_size`; the bytes of `data` are not read, so they
 * may arrive later). A segment's fields other than base, size, gap, first
 * and rows are set by skidx_pseg_check, which must succeed before
 * anything reads the segment. */
skidx_status skidx_pview_parse_dir(struct skidx_pview *v, const uint8_t *dir,
                                   uint64_t dir_size, const uint8_t *data,
                                   uint64_t data_size, const uint8_t *src,
                                   uint64_t src_size, char *msg,
                                   size_t msg_len);
/* The version of the segments' encoding (2, 3 or 4, the file's), set by
 * skidx_pview_parse / _parse_dir callers before any check; parse_dir
 * sets SKIDX_FORMAT_VERSION, the current one. */

/* ---- version 3: a segment checked part by part ----
 *
 * skidx_pseg_head_span gives the bytes the head needs (from base: the
 * padding before it is base - gap .. base): 0 .. head_len, then the
 * entry table ent_at .. ent_at + ent_len, which it finds from the
 * 16-byte header (those bytes must be present). skidx_pseg_head checks
 * the padding, header, head checksum (with verify) and entry table
 * (checksum with verify, order and ranges) and places every part;
 * skidx_pseg_part_span and skidx_pseg_part_check then give and check
 * one part (its checksum with verify, then its values; SALARY reads
 * STATUS, which must have been checked). Errors as skidx_pview_parse,
 * naming the segment and the column or skill (skill_name(k) when given,
 * else its id). Not thread-safe for one segment: the caller
 * serialises. */
skidx_status skidx_pseg_head_span(const struct skidx_pview *v, uint32_t k,
                                  uint64_t *head_len, uint64_t *ent_at,
                                  uint64_t *ent_len, char *msg,
                                  size_t msg_len);
skidx_status skidx_pseg_head(struct skidx_pview *v, uint32_t k,
                             uint32_t n_skills, int verify, char *msg,
                             size_t msg_len);
void skidx_pseg_part_span(const struct skidx_pseg_view *s, uint32_t part,
                          uint64_t *at, uint64_t *len);
skidx_status skidx_pseg_part_check(struct skidx_pview *v, uint32_t k,
                                   uint32_t part, uint32_t n_cells,
                                   int32_t first_month, uint32_t n_months,
                                   int verify,
                                   const char *const *skill_names,
                                   char *msg, size_t msg_len);
/* The name of a part for messages ("column Cell", "company dictionary");
 * a bitmap part is named by the caller. */
const char *skidx_pseg_part_name(uint32_t part);
/* Fill in the part checksums and the head checksum of a version-3
 * segment p[0..len) whose other bytes are final (the encoder's and the
 * merge's last step). SKIDX_ERR_USAGE when its layout does not hold. */
skidx_status skidx_pseg_seal(uint8_t *p, size_t len);
/* Check segment k of a view from skidx_pview_parse_dir (its padding, its
 * columns against the dimensions, every bitmap, its dictionaries) and set
 * its fields. Not thread-safe for one k: the caller serialises. Errors as
 * skidx_pview_parse. */
skidx_status skidx_pseg_check(struct skidx_pview *v, uint32_t k,
                              uint32_t n_cells, uint32_t n_skills,
                              int32_t first_month, uint32_t n_months,
                              char *msg, size_t msg_len);
void skidx_pview_release(struct skidx_pview *v);

/* Decode a portable Roaring bitmap at p[0..avail) whose values must all
 * be below `limit` (<= 65536): OR its values into bits[0..1024) (when
 * bits is not NULL), its byte length into *used and its cardinality into
 * *card. 0, or -1 when the bytes are not a valid bitmap (or a value is
 * out of range). */
int skidx_roaring_decode(const uint8_t *p, size_t avail, uint32_t limit,
                         uint64_t *bits, size_t *used, uint64_t *card);

/* The words of a segment's row bitset. */
#define SKIDX_SEG_WORDS (SKIDX_SEG_ROWS / 64)

#endif
