/*
 * skidx.h - the public API of libskidx: open a skill-demand index file,
 * check it, and answer questions on it.
 *
 * The CLI (`skidx`) is this library's first user; other tools link it with
 * `pkg-config --cflags --libs skidx`. The file format itself is specified in
 * docs/FORMAT.md, so a reader can also be written without this library.
 *
 * Conventions:
 * - Every function that can fail returns a skidx_status; SKIDX_OK is 0.
 *   Details of a failure go into a `struct skidx_error` the caller supplies
 *   (it may be NULL when the caller does not want them).
 * - Objects made by `*_create`/`*_open` are released by the matching
 *   `*_free`/`*_close`; passing NULL to those is a no-op.
 * - Nothing in the library prints or exits.
 * - A `struct skidx_index` is read-only once opened and may be shared by
 *   threads; the query functions keep no hidden state.
 */
#ifndef SKIDX_H
#define SKIDX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SKIDX_FORMAT_VERSION 1u

/* Stable error codes: the numbers never change meaning. */
typedef enum skidx_status {
    SKIDX_OK = 0,
    SKIDX_ERR_NOMEM = 1,    /* an allocation failed */
    SKIDX_ERR_IO = 2,       /* open/read/write/rename failed (errno in msg) */
    SKIDX_ERR_CORRUPT = 3,  /* bytes that break the format: index, zstd, JSON */
    SKIDX_ERR_VERSION = 4,  /* index format version this library can't read */
    SKIDX_ERR_USAGE = 5,    /* an argument the caller should not have passed */
    SKIDX_ERR_TAXONOMY = 6, /* a taxonomy file is invalid */
    SKIDX_ERR_HYPERSCAN = 7,/* Hyperscan refused to compile or scan */
    SKIDX_ERR_NOTFOUND = 8, /* a named role, level, skill or file not found */
    SKIDX_ERR_MISMATCH = 9, /* indexes built with different taxonomies */
    SKIDX_ERR_LIMIT = 10,   /* a size limit was reached (record, count) */
    SKIDX_ERR_INTERRUPTED = 11, /* stopped by a signal */
} skidx_status;

/* A short, static, lowercase description of a status code. */
const char *skidx_strerror(skidx_status st);

/* Where and why something failed. All fields are optional: unknown paths
 * are "", unknown line and offset are UINT64_MAX. */
struct skidx_error {
    skidx_status status;
    char path[512];   /* file concerned */
    uint64_t line;    /* 1-based line within that file */
    uint64_t offset;  /* byte offset within that file */
    char msg[512];    /* lowercase, no final period */
};

/* Reset an error to "nothing known". */
void skidx_error_clear(struct skidx_error *err);

/* ---------------------------------------------------------------------- */
/* Reading an index                                                         */

struct skidx_index;

/* Map an index file read-only and validate it: magic, version, section
 * table bounds, and (when `verify` is non-zero) every section checksum.
 * Every structure is bounds-checked against the mapping before use, so a
 * hostile file gives SKIDX_ERR_CORRUPT, never a read outside it.
 * On success *out owns the mapping until skidx_index_close(). */
skidx_status skidx_index_open(const char *path, int verify,
                              struct skidx_index **out,
                              struct skidx_error *err);

/* Open an index held in memory (not copied: `data` must outlive the
 * index). Same checks as skidx_index_open. */
skidx_status skidx_index_open_mem(const void *data, size_t size, int verify,
                                  struct skidx_index **out,
                                  struct skidx_error *err);

void skidx_index_close(struct skidx_index *idx);

/* Dimensions of the count cube. */
uint32_t skidx_index_n_skills(const struct skidx_index *idx);
uint32_t skidx_index_n_categories(const struct skidx_index *idx);
uint32_t skidx_index_n_roles(const struct skidx_index *idx);
uint32_t skidx_index_n_levels(const struct skidx_index *idx);
uint32_t skidx_index_n_months(const struct skidx_index *idx);

/* Names. The returned pointers stay valid until skidx_index_close(); the
 * strings are NUL-terminated copies owned by the index. NULL when out of
 * range. */
const char *skidx_index_skill_name(const struct skidx_index *idx, uint32_t k);
const char *skidx_index_skill_category(const struct skidx_index *idx,
                                       uint32_t k);
const char *skidx_index_role_name(const struct skidx_index *idx, uint32_t r);
const char *skidx_index_level_name(const struct skidx_index *idx, uint32_t s);

/* Look a name up, caseless. Returns the id, or -1. */
int32_t skidx_index_find_skill(const struct skidx_index *idx, const char *name);
int32_t skidx_index_find_role(const struct skidx_index *idx, const char *name);
int32_t skidx_index_find_level(const struct skidx_index *idx, const char *name);

/* Corpus statistics and provenance, as stored in the metadata section. */
struct skidx_index_meta {
    uint32_t format_version;
    const char *tool_version;     /* owned by the index */
    const char *taxonomy_name;    /* owned by the index */
    const char *taxonomy_version; /* owned by the index */
    uint64_t taxonomy_hash;
    uint64_t shards;              /* shards indexed */
    uint64_t shards_lost;         /* shards that failed (--keep-going) */
    uint64_t bytes_compressed;    /* bytes of shard files read */
    uint64_t bytes_uncompressed;  /* bytes of JSON Lines text */
    uint64_t lines;               /* lines read, blank ones included */
    uint64_t records;             /* non-blank lines */
    uint64_t postings;            /* records counted (after skips and dedup) */
    uint64_t duplicates;          /* exact reposts not counted again */
    uint64_t skipped;             /* records skipped, all causes */
    uint64_t repaired;            /* records kept after a documented repair */
    uint64_t salaried;            /* postings with a usable salary */
    uint32_t salary_bin_width;    /* histogram resolution, currency units */
    uint32_t salary_bins;         /* number of histogram bins */
    const char *salary_currency;  /* currency averaged (others counted) */
    int32_t first_month;          /* months since 0000-01 (year*12+month-1) */
};
void skidx_index_get_meta(const struct skidx_index *idx,
                          struct skidx_index_meta *out);

/* Skipped/repaired counts by cause, in a stable order. Returns the number
 * of causes; names are static strings. */
uint32_t skidx_index_n_causes(const struct skidx_index *idx);
const char *skidx_index_cause_name(const struct skidx_index *idx, uint32_t i);
uint64_t skidx_index_cause_count(const struct skidx_index *idx, uint32_t i);

/* Shards recorded as lost: path, and records read before the fault. */
uint32_t skidx_index_n_lost(const struct skidx_index *idx);
const char *skidx_index_lost_path(const struct skidx_index *idx, uint32_t i);
uint64_t skidx_index_lost_records(const struct skidx_index *idx, uint32_t i);

/* One (role, level) cell. */
struct skidx_cell_stats {
    uint64_t postings;       /* postings in the cell */
    uint64_t salaried;       /* with a salary in the index currency */
    uint64_t salary_sum;     /* sum of annualised salaries, whole units */
    uint64_t other_currency; /* salaried in another currency (not averaged) */
};
/* Sum over all cells whose role matches `role` and level matches `level`;
 * -1 stands for "any". */
void skidx_index_cell(const struct skidx_index *idx, int32_t role,
                      int32_t level, struct skidx_cell_stats *out);

/* The same for the postings that mention skill k. */
struct skidx_skill_stats {
    uint64_t postings;
    uint64_t salaried;
    uint64_t salary_sum;
};
void skidx_index_skill(const struct skidx_index *idx, int32_t role,
                       int32_t level, uint32_t k,
                       struct skidx_skill_stats *out);

/* Skill stats of every skill at once for the slice (role, level), -1 =
 * any: out[k] for k < n_skills (the array is overwritten). One pass over
 * the slice's entries: the way to rank skills. */
void skidx_index_slice(const struct skidx_index *idx, int32_t role,
                       int32_t level, struct skidx_skill_stats *out);

/* Salary histogram of the cells (role, level), -1 = any: adds the counts
 * into bins[0..salary_bins-1]; bin i holds salaries in
 * [i*width, (i+1)*width), the last bin everything above. */
void skidx_index_salary_hist(const struct skidx_index *idx, int32_t role,
                             int32_t level, uint64_t *bins);

/* Months: postings dated in month m (0 <= m < n_months, calendar month
 * first_month + m), and of those the postings that mention skill k. */
uint64_t skidx_index_month_postings(const struct skidx_index *idx, uint32_t m);
uint64_t skidx_index_month_cell(const struct skidx_index *idx, uint32_t m,
                                int32_t role, int32_t level);
uint64_t skidx_index_month_skill(const struct skidx_index *idx, uint32_t m,
                                 uint32_t k);

#ifdef __cplusplus
}
#endif
#endif /* SKIDX_H */
