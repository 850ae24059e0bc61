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

/* The version of this header. The library linked at run time tells its own
 * through skidx_version() and skidx_version_number(): a program may compare
 * them with these macros. 0.x versions make no promise of a stable ABI; the
 * shared library's soname (libskidx.so.N) changes whenever the ABI does. */
#define SKIDX_VERSION_MAJOR 0
#define SKIDX_VERSION_MINOR 1
#define SKIDX_VERSION_PATCH 0
#define SKIDX_VERSION_STRING "0.1.0"
#define SKIDX_VERSION_NUMBER                                                  \
    (SKIDX_VERSION_MAJOR * 10000 + SKIDX_VERSION_MINOR * 100 +                \
     SKIDX_VERSION_PATCH)

/* The index format version this library writes (and the newest it reads;
 * it reads versions 1 to 3 too: version 1 without posting-level sections,
 * versions 2 and 3 without the countries of locations). */
#define SKIDX_FORMAT_VERSION 4u

/* The library's version, "MAJOR.MINOR.PATCH" (a static string), and the
 * same as MAJOR * 10000 + MINOR * 100 + PATCH. */
const char *skidx_version(void);
unsigned skidx_version_number(void);

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
    SKIDX_ERR_AMBIGUOUS = 12, /* a name or alias of more than one skill,
                                 role or level */
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

/* Read an index file into memory of its own and validate it: magic,
 * version, section table bounds, and (when `verify` has SKIDX_OPEN_VERIFY,
 * or any bit but SKIDX_OPEN_MAP) every section checksum. Every structure
 * is bounds-checked before use, so a hostile file gives SKIDX_ERR_CORRUPT,
 * never a read outside it. The file is not mapped: another process
 * rewriting it in place cannot crash the reader (SIGBUS); a file that
 * changes while it is read gives SKIDX_ERR_IO ("file changed while
 * reading"). Anything but a regular file (a FIFO, a device) is refused
 * with SKIDX_ERR_IO, without waiting on it.
 * On success *out owns the copy until skidx_index_close().
 *
 * With SKIDX_OPEN_MAP in `verify` (format 3 files), the posting segments
 * are not copied: the parts a query uses (a column, a skill's bitmaps)
 * are read, verified and checked in place, in a read-only mapping of the
 * file, which costs a fraction of a copy on a large index. The price:
 * a process that truncates the file while it is open makes the reader's
 * next touch of a page past the new end raise SIGBUS (the caller should
 * catch it, as `skidx query` does), and one that rewrites it in place
 * can change parts after their check; the values the library indexes
 * with (skill ids, dictionary ids) are copied or checked again, so the
 * answers may then mix old and new bytes but nothing is read outside the
 * index. Without the flag nothing of this can happen. */
#define SKIDX_OPEN_VERIFY 1
#define SKIDX_OPEN_MAP 2
skidx_status skidx_index_open(const char *path, int verify,
                              struct skidx_index **out,
                              struct skidx_error *err);

/* Open an index held in memory (not copied: `data` must outlive the
 * index and must not change while it is open). Same checks as
 * skidx_index_open. `data` needs no alignment: every field is read byte
 * by byte as little-endian, so any address (a buffer inside a larger
 * file, a network packet) will do. */
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

/* "Any role" or "any level": the value to pass as `role` or `level` to the
 * functions below to sum over that dimension. No lookup ever yields it
 * (the find functions write ids >= 0 and report failure by status), and
 * every other negative value, like every id >= the dimension's size, is
 * refused with SKIDX_ERR_USAGE. */
#define SKIDX_ANY (-1)

/* Names. The returned pointers stay valid until skidx_index_close(); the
 * strings are NUL-terminated copies owned by the index. NULL when out of
 * range (the one error these can have). */
const char *skidx_index_skill_name(const struct skidx_index *idx, uint32_t k);
const char *skidx_index_skill_category(const struct skidx_index *idx,
                                       uint32_t k);
const char *skidx_index_role_name(const struct skidx_index *idx, uint32_t r);
const char *skidx_index_level_name(const struct skidx_index *idx, uint32_t s);

/* What a name is looked up among. */
enum skidx_dim { SKIDX_DIM_SKILL = 0, SKIDX_DIM_ROLE = 1, SKIDX_DIM_LEVEL = 2 };

/* Look up a name or an alias. Names and aliases compare caseless (ASCII)
 * and separator-insensitive: a run of spaces, hyphens, underscores and
 * slashes counts as one space, and none at either end counts ("machine
 * learning" = "Machine-Learning" = "machine_learning"). A canonical name
 * wins over aliases: when exactly one name matches, that is the answer.
 * Otherwise the literal aliases of the taxonomy count (skills.tsv aliases;
 * the title and seniority-field words of roles.tsv for roles and levels),
 * as stored in the index (docs/FORMAT.md, sections 16-18; an index
 * written before them resolves names only).
 *
 * skidx_index_lookup writes up to `cap` matching ids (ascending) to `ids`
 * and the number of matches to *n (0: none; more than one: ambiguous, and
 * the ids are the candidates). Errors: SKIDX_ERR_USAGE (unknown dim).
 * The find functions write the one id to *id and return SKIDX_OK, or
 * return SKIDX_ERR_NOTFOUND (no match) or SKIDX_ERR_AMBIGUOUS (several:
 * list them with skidx_index_lookup), leaving *id untouched. */
skidx_status skidx_index_lookup(const struct skidx_index *idx,
                                enum skidx_dim dim, const char *name,
                                uint32_t *ids, uint32_t cap, uint32_t *n);
skidx_status skidx_index_find_skill(const struct skidx_index *idx,
                                    const char *name, uint32_t *id);
skidx_status skidx_index_find_role(const struct skidx_index *idx,
                                   const char *name, uint32_t *id);
skidx_status skidx_index_find_level(const struct skidx_index *idx,
                                    const char *name, uint32_t *id);

/* The literal aliases of skill/role/level `id` as stored in the index:
 * skidx_index_n_aliases writes their number to *n (0 when the index holds
 * none for it) and returns SKIDX_ERR_USAGE (and 0) for an id or dim out of
 * range; skidx_index_alias gives the i-th (NULL out of range). Owned by
 * the index, valid until skidx_index_close(). */
skidx_status skidx_index_n_aliases(const struct skidx_index *idx,
                                   enum skidx_dim dim, uint32_t id,
                                   uint32_t *n);
const char *skidx_index_alias(const struct skidx_index *idx,
                              enum skidx_dim dim, uint32_t id, uint32_t i);

/* Links of skill k to standard classifications (taxonomy/FORMAT.md): its
 * ESCO concept URI ("" when none, NULL when k is out of range) and its
 * O*NET commodity codes (8 digits each; skidx_index_skill_n_onet writes
 * how many to *n, SKIDX_ERR_USAGE for k out of range). Owned by the
 * index, valid until skidx_index_close(). */
const char *skidx_index_skill_esco(const struct skidx_index *idx, uint32_t k);
skidx_status skidx_index_skill_n_onet(const struct skidx_index *idx,
                                      uint32_t k, uint32_t *n);
const char *skidx_index_skill_onet(const struct skidx_index *idx, uint32_t k,
                                   uint32_t i);

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
 * of causes. Cause names are read from the index (an index may hold
 * causes this library does not know): they are owned by the index and
 * valid until skidx_index_close(); NULL when i is out of range. */
uint32_t skidx_index_n_causes(const struct skidx_index *idx);
const char *skidx_index_cause_name(const struct skidx_index *idx, uint32_t i);
/* The records of cause i into *out. Errors: SKIDX_ERR_USAGE when i >=
 * n_causes (*out = 0). */
skidx_status skidx_index_cause_count(const struct skidx_index *idx,
                                     uint32_t i, uint64_t *out);

/* Shards recorded as lost: path, and records read before the fault. */
uint32_t skidx_index_n_lost(const struct skidx_index *idx);
const char *skidx_index_lost_path(const struct skidx_index *idx, uint32_t i);
skidx_status skidx_index_lost_records(const struct skidx_index *idx,
                                      uint32_t i, uint64_t *out);
/* Where and why shard i was lost: the byte offset of the fault in the
 * shard file into *out (UINT64_MAX when unknown), and its message
 * ("truncated zstd frame"); NULL when the index does not say (written
 * before the fault was recorded, or i out of range). Valid until
 * skidx_index_close(). lost_records and lost_offset: SKIDX_ERR_USAGE when
 * i >= n_lost (*out = 0, or UINT64_MAX for the offset). */
skidx_status skidx_index_lost_offset(const struct skidx_index *idx,
                                     uint32_t i, uint64_t *out);
const char *skidx_index_lost_cause(const struct skidx_index *idx, uint32_t i);

/* One (role, level) cell. */
struct skidx_cell_stats {
    uint64_t postings;       /* postings in the cell */
    uint64_t salaried;       /* with a salary in the index currency */
    uint64_t salary_sum;     /* sum of annualised salaries, whole units */
    uint64_t other_currency; /* salaried in another currency (not averaged) */
};
/* Sum over all cells whose role matches `role` and level matches `level`;
 * SKIDX_ANY stands for "any". Errors (here and in every function below
 * that takes a role, level, skill or month): SKIDX_ERR_USAGE for an id
 * out of range or a negative other than SKIDX_ANY; *out is then zeroed. */
skidx_status skidx_index_cell(const struct skidx_index *idx, int32_t role,
                              int32_t level, struct skidx_cell_stats *out);

/* The same for the postings that mention skill k. */
struct skidx_skill_stats {
    uint64_t postings;
    uint64_t salaried;
    uint64_t salary_sum;
};
skidx_status skidx_index_skill(const struct skidx_index *idx, int32_t role,
                               int32_t level, uint32_t k,
                               struct skidx_skill_stats *out);

/* Skill stats of every skill at once for the slice (role, level),
 * SKIDX_ANY = any: out[k] for k < n_skills (the array is overwritten). One
 * pass over the slice's entries: the way to rank skills. */
skidx_status skidx_index_slice(const struct skidx_index *idx, int32_t role,
                               int32_t level, struct skidx_skill_stats *out);

/* Salary histogram of the cells (role, level), SKIDX_ANY = any: adds the
 * counts into bins[0..salary_bins-1]; bin i holds salaries in
 * [i*width, (i+1)*width), the last bin everything above. */
skidx_status skidx_index_salary_hist(const struct skidx_index *idx,
                                     int32_t role, int32_t level,
                                     uint64_t *bins);

/* Months: postings dated in month m (0 <= m < n_months, calendar month
 * first_month + m), of those the postings of the cells (role, level), and
 * the postings that mention skill k; into *out (0 on error). */
skidx_status skidx_index_month_postings(const struct skidx_index *idx,
                                        uint32_t m, uint64_t *out);
skidx_status skidx_index_month_cell(const struct skidx_index *idx,
                                    uint32_t m, int32_t role, int32_t level,
                                    uint64_t *out);
skidx_status skidx_index_month_skill(const struct skidx_index *idx,
                                     uint32_t m, uint32_t k, uint64_t *out);

/* ---------------------------------------------------------------------- */
/* Queries (src/core/query.c): statistics computed from the accessors     */
/* above. Pure functions of the index: thread-safe on a shared index.      */

/* z of a two-sided 95 % interval. */
#define SKIDX_Z95 1.959963984540054

/* Wilson score interval of the proportion x/n at normal quantile z
 * (SKIDX_Z95 for 95 %). n == 0 gives [0, 1]. */
void skidx_wilson(uint64_t x, uint64_t n, double z, double *lo, double *hi);

/* Priority tiers of a skill's share in a slice. The rule, exact in
 * integers (no rounding): critical when x/n >= 60 %, high >= 30 %,
 * medium >= 10 %, else nice-to-have (also when n == 0). */
enum skidx_tier {
    SKIDX_TIER_NICE = 0,
    SKIDX_TIER_MEDIUM = 1,
    SKIDX_TIER_HIGH = 2,
    SKIDX_TIER_CRITICAL = 3,
};
enum skidx_tier skidx_tier_of(uint64_t x, uint64_t n);
/* "critical", "high", "medium", "nice-to-have": static strings. */
const char *skidx_tier_name(enum skidx_tier t);

/* The default reliability threshold: a slice with fewer postings than this
 * is flagged (its shares are shown, not ranked as if reliable). */
#define SKIDX_MIN_POSTINGS_DEFAULT 30u

/* The q-quantile (0 <= q <= 1) of a salary histogram of `n_bins` bins of
 * `width` (bin i = [i*width, (i+1)*width), the last bin open-ended).
 * With N the histogram total, the target rank is t = q*N; the quantile
 * lies in the first bin whose cumulative count reaches t, and within it
 * salaries are taken as spread evenly: lo + width * (t - before) / count.
 * When that bin is the open-ended last one, the result is its lower bound
 * and *open (if not NULL) is set to 1, else 0. Returns -1 when N == 0. */
double skidx_hist_quantile(const uint64_t *bins, uint32_t n_bins,
                           uint32_t width, double q, int *open);

/* Salary statistics of the slice (role, level), SKIDX_ANY = any. The
 * mean is exact (sum / salaried, whole currency units); the quartiles come
 * from the histogram, with the resolution of one bin
 * (meta.salary_bin_width). `open_mask` has bit 0, 1, 2 set when p25,
 * median, p75 fell in the open-ended last bin (the value is then a lower
 * bound). Values are -1 when nothing is salaried. Errors: SKIDX_ERR_NOMEM,
 * SKIDX_ERR_USAGE (a bad id). */
struct skidx_salary {
    uint64_t postings;
    uint64_t salaried;
    uint64_t salary_sum;
    uint64_t other_currency;
    double mean, p25, median, p75;
    uint32_t bin_width;
    unsigned open_mask;
};
skidx_status skidx_query_salary(const struct skidx_index *idx, int32_t role,
                                int32_t level, struct skidx_salary *out);

/* A skill's salary premium in the slice (role, level): the mean salary of
 * the salaried postings that mention skill k ("with") against the other
 * salaried postings of the same slice ("without" = slice - with).
 * premium = mean_with - mean_without; premium_ratio = premium /
 * mean_without. Means are -1 (and the premium 0) when a side is empty. */
struct skidx_premium {
    uint64_t with_postings;
    uint64_t with_salaried, with_sum;
    uint64_t without_salaried, without_sum;
    double mean_with, mean_without, premium, premium_ratio;
};
skidx_status skidx_query_premium(const struct skidx_index *idx,
                                 int32_t role, int32_t level, uint32_t k,
                                 struct skidx_premium *out);

/* A skill ranked within a slice. */
struct skidx_rank {
    uint32_t skill;
    uint64_t postings;     /* slice postings that mention it */
    uint64_t slice;        /* slice postings */
};
/* Rank every skill mentioned in the slice (role, level) by postings,
 * descending, ties by skill id. Writes up to n_skills entries to out
 * (caller-allocated, n_skills long) and their number to *n_out; 0 also
 * when nothing matched. Errors: SKIDX_ERR_NOMEM, SKIDX_ERR_USAGE (a bad
 * id). */
skidx_status skidx_query_rank(const struct skidx_index *idx, int32_t role,
                              int32_t level, struct skidx_rank *out,
                              uint32_t *n_out);

/* Periods for trends: calendar months or quarters covering the index's
 * months. A period is a half-open range [m0, m1) of month indexes (0 =
 * the index's first month), clipped to the months the index holds. */
enum skidx_period_unit { SKIDX_PERIOD_MONTH = 0, SKIDX_PERIOD_QUARTER = 1 };
uint32_t skidx_period_count(const struct skidx_index *idx,
                            enum skidx_period_unit u);
/* Errors: SKIDX_ERR_USAGE when p >= skidx_period_count() (then *m0 = *m1
 * = 0, and the label is ""). */
skidx_status skidx_period_range(const struct skidx_index *idx,
                                enum skidx_period_unit u, uint32_t p,
                                uint32_t *m0, uint32_t *m1);
/* "2025-03" or "2025-Q1" into buf (>= 8 bytes; truncated otherwise). */
skidx_status skidx_period_label(const struct skidx_index *idx,
                                enum skidx_period_unit u, uint32_t p,
                                char *buf, size_t n);
/* Dated postings in months [m0, m1), and those that mention skill k, into
 * *out. Errors: SKIDX_ERR_USAGE when m0 > m1, m1 > n_months or k is out of
 * range (*out = 0). */
skidx_status skidx_range_postings(const struct skidx_index *idx, uint32_t m0,
                                  uint32_t m1, uint64_t *out);
skidx_status skidx_range_skill(const struct skidx_index *idx, uint32_t m0,
                               uint32_t m1, uint32_t k, uint64_t *out);

/* A skill's share in two periods A = [a0, a1) and B = [b0, b1) (month
 * indexes) and the change between them. change = share_b - share_a (a
 * fraction: 0.10 is ten percentage points); ratio = share_b / share_a - 1
 * (relative growth; +inf when share_a is 0 and share_b is not, 0 when
 * both are 0). `ranked` is 1 when a_count + b_count >= the threshold. */
struct skidx_growth {
    uint32_t skill;
    uint64_t a_count, a_total, b_count, b_total;
    double share_a, share_b, change, ratio;
    int ranked;
};
/* Growth of every skill mentioned in A or B, into out (caller-allocated,
 * n_skills long): first the ranked ones by change descending (fastest
 * growing first), then the ones under `min_count`, same order; ties by
 * skill id. *n_out = entries written, *n_ranked = ranked ones. Errors:
 * SKIDX_ERR_USAGE when a range is empty or out of the index's months. */
skidx_status skidx_query_growth(const struct skidx_index *idx, uint32_t a0,
                                uint32_t a1, uint32_t b0, uint32_t b1,
                                uint64_t min_count, struct skidx_growth *out,
                                uint32_t *n_out, uint32_t *n_ranked);

/* ---------------------------------------------------------------------- */
/* Posting-level queries (format version 2; docs/FORMAT.md, sections       */
/* 21-23): boolean expressions over skills, filters on posting columns.    */
/* Pure functions of the index: thread-safe on a shared index.             */

/* The postings the index holds one by one; 0 for a version-1 index (its
 * cube only: posting-level queries on it give SKIDX_ERR_VERSION). */
uint64_t skidx_index_n_postings(const struct skidx_index *idx);

/* The posting-level sections are read and checked when first used, not
 * by skidx_index_open: each segment of postings (its section's checksum
 * when `verify` was set, then its structure) before the first value of
 * it is read. A query that meets a damaged segment fails with
 * SKIDX_ERR_CORRUPT (or SKIDX_ERR_IO: the file changed since it was
 * opened), its message naming the index and the segment; it never
 * answers from it. This checks every segment now: SKIDX_OK, or the
 * first failure (the same one every later call, and every posting-level
 * query, gives). Thread-safe. */
skidx_status skidx_index_check_postings(const struct skidx_index *idx,
                                        struct skidx_error *err);

/* A compiled skill expression: names or aliases of skills (resolved as
 * skidx_index_lookup does), AND, OR, NOT (any case), parentheses, and
 * "double-quoted" names. An unquoted name runs over spaces up to the next
 * operator or parenthesis ("Hugging Face AND NOT TensorFlow"); NOT binds
 * tighter than AND, AND tighter than OR. */
struct skidx_where;
/* Errors: SKIDX_ERR_USAGE (syntax), SKIDX_ERR_NOTFOUND (unknown skill),
 * SKIDX_ERR_AMBIGUOUS (a name of several skills; the message lists them),
 * SKIDX_ERR_LIMIT (nested deeper than 64 or longer than 4096 terms),
 * SKIDX_ERR_NOMEM; err->offset is the 0-based byte of the expression
 * where it went wrong, err->msg says what. *out is freed with
 * skidx_where_free. */
skidx_status skidx_where_compile(const struct skidx_index *idx,
                                 const char *expr, struct skidx_where **out,
                                 struct skidx_error *err);
void skidx_where_free(struct skidx_where *w);

/* Filters on the columns of the postings; skidx_filter_init sets "any". */
struct skidx_filter {
    int32_t role, level;      /* SKIDX_ANY or an id */
    int32_t month_from;       /* calendar months (year*12 + month-1), */
    int32_t month_to;         /* inclusive; INT32_MIN / INT32_MAX: open.
                                 A bound excludes undated postings. */
    const char *company;      /* NULL: any; else equal, ASCII caseless */
    const char *location;     /* the same */
    int required;             /* the expression's skills count only where
                                 they are required: not named only in a
                                 preferred (nice-to-have) section */
    const char *country;      /* NULL: any; else an ISO 3166-1 alpha-2
                                 code (any case): the postings whose
                                 location names that country (format 4;
                                 skidx_country_resolve turns a name into
                                 a code) */
};
void skidx_filter_init(struct skidx_filter *f);

/* A set of postings (by posting number). */
struct skidx_pset;
/* The postings that satisfy `w` (NULL: every posting) and `f` (NULL: no
 * filter) into *out, freed with skidx_pset_free. Errors:
 * SKIDX_ERR_VERSION (a version-1 index; a country filter on an index of
 * format 2 or 3, which has no countries: the message says to re-index),
 * SKIDX_ERR_USAGE (an id out of range, from > to, a country that is not
 * two letters), SKIDX_ERR_NOMEM. */
skidx_status skidx_select(const struct skidx_index *idx,
                          const struct skidx_where *w,
                          const struct skidx_filter *f,
                          struct skidx_pset **out, struct skidx_error *err);
uint64_t skidx_pset_count(const struct skidx_pset *s);
/* Iterate in posting order: start with *cursor = 0; each call writes the
 * next posting number to *posting and returns 1, or returns 0 at the end. */
int skidx_pset_next(const struct skidx_pset *s, uint64_t *cursor,
                    uint64_t *posting);
/* Whether posting p is in the set (0 when out of range). */
int skidx_pset_has(const struct skidx_pset *s, uint64_t p);
void skidx_pset_free(struct skidx_pset *s);

/* The columns of posting p. Strings are owned by the index, valid until
 * skidx_index_close(); "" when the posting has none. Errors:
 * SKIDX_ERR_VERSION, SKIDX_ERR_USAGE (p out of range), SKIDX_ERR_CORRUPT
 * or SKIDX_ERR_IO (its segment is damaged; or, with SKIDX_OPEN_MAP, the
 * file was rewritten in place since its check and a value is now out of
 * range). */
struct skidx_posting_info {
    uint32_t role, level;
    int32_t month;          /* calendar month; INT32_MIN when undated */
    uint32_t salary;        /* annualised, whole units; 0 when none */
    int salary_status;      /* 0 none, 1 index currency, 2 another */
    const char *company, *location;
    const char *shard;      /* the shard path, as given to skidx index */
    uint64_t line;          /* 1-based line in the shard */
    uint64_t dedup;         /* the duplicate key */
    char country[3];        /* the ISO 3166-1 alpha-2 code of the country
                               its location names ("DE"), "" when none or
                               when the index has no countries (format
                               2 or 3: skidx_index_has_countries) */
};
skidx_status skidx_index_posting(const struct skidx_index *idx, uint64_t p,
                                 struct skidx_posting_info *out);

/* For every skill k, how many postings of the set count it, into
 * counts[0..n_skills) (overwritten); with `required`, only where the
 * skill is required (not named only in preferred sections). One pass over
 * the bitmaps of the set's segments: the way to rank the skills of a
 * selection. Errors: SKIDX_ERR_VERSION, SKIDX_ERR_NOMEM. */
skidx_status skidx_pset_skills(const struct skidx_index *idx,
                               const struct skidx_pset *s, int required,
                               uint64_t *counts);

/* The postings of `s` that count skill k (with `required`, only where it
 * is required) into *out, a new set freed with skidx_pset_free. Errors:
 * SKIDX_ERR_VERSION, SKIDX_ERR_USAGE (k out of range), SKIDX_ERR_NOMEM. */
skidx_status skidx_pset_with_skill(const struct skidx_index *idx,
                                   const struct skidx_pset *s, uint32_t k,
                                   int required, struct skidx_pset **out);

/* Co-occurrence with skill k in the set `s`: for every skill j, both[j]
 * the postings of s that count k and j, each[j] those that count j
 * (arrays of n_skills, overwritten; both[k] = each[k] = *with_k, the
 * postings of s that count k). Conditional share P(j | k) = both[j] /
 * *with_k, lift = both[j] * count(s) / (*with_k * each[j]), Jaccard =
 * both[j] / (*with_k + each[j] - both[j]). Errors as
 * skidx_pset_with_skill. */
skidx_status skidx_pset_related(const struct skidx_index *idx,
                                const struct skidx_pset *s, uint32_t k,
                                uint64_t *both, uint64_t *each,
                                uint64_t *with_k);

/* Whether posting p counts skill k (*out 1 or 0), and whether only in
 * preferred sections (*pref_only). Errors: SKIDX_ERR_VERSION,
 * SKIDX_ERR_USAGE. */
skidx_status skidx_index_posting_skill(const struct skidx_index *idx,
                                       uint64_t p, uint32_t k, int *out,
                                       int *pref_only);

/* ---------------------------------------------------------------------- */
/* Countries (format version 4): the country a posting's location names,   */
/* by a table compiled into the library (src/core/countries.tsv; README,   */
/* "Countries"). The index stores each location's code, so reading it      */
/* needs no table: skidx_index_posting gives it, a filter selects by it.   */

/* Whether the index holds the country of each location (format 4): 1, or
 * 0 (formats 1 to 3; re-indexing, or skidx merge, adds it). */
int skidx_index_has_countries(const struct skidx_index *idx);

/* The country that the location loc[0..len) (UTF-8, need not be
 * NUL-terminated) names, as skidx index stores it: its ISO 3166-1
 * alpha-2 code and a NUL into out ("Austin, TX" -> "US", "北京-朝阳区"
 * -> "CN"); "" when it names none ("Remote", "EMEA") or more than one
 * ("Berlin or London", "Perth" alone). Returns 1 when it names one, else
 * 0. Thread-safe. */
int skidx_location_country(const char *loc, size_t len, char out[3]);

/* A country a user names: an ISO 3166-1 alpha-2 code of the table (any
 * case: "de") or a name of the country (its English name, another name,
 * native or official, or an abbreviation: "Deutschland", "USA"; ASCII
 * caseless; not a region or city), its code and a NUL into out. Errors:
 * SKIDX_ERR_NOTFOUND (out = ""). Thread-safe. */
skidx_status skidx_country_resolve(const char *name, char out[3]);

/* The English short name of the country of an ISO code ("Germany" for
 * "DE"), a static string; NULL when the table does not know the code. */
const char *skidx_country_name(const char *code);

#ifdef __cplusplus
}
#endif
#endif /* SKIDX_H */
