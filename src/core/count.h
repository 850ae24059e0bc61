/*
 * count.h - the count cube and its provenance: what an index holds, in
 * memory. The indexer keeps one per thread and merges them; the writer
 * serialises one; `skidx merge` reads several back and merges them.
 *
 * All counters are unsigned 64-bit integers and salaries are summed in
 * whole currency units, so merging is exact and order-independent: the
 * same postings give the same bytes whatever the thread count.
 *
 * Layout (dense, row-major):
 *   cell c = role * n_levels + level
 *   cell[c*4 + {0,1,2,3}]         postings, salaried, salary_sum, other_currency
 *   hist[c*bins + b]              salaried postings with salary in bin b
 *   cs[(c*n_skills + k)*3 + {0,1,2}]  postings, salaried, salary_sum
 *   cs_rows[c]                    0: cell c's row of cs is all zero
 *   month[m], month_cell[m*n_cells + c], month_skill[m*n_skills + k]
 *     for calendar month month0 + m (year*12 + month-1); the three
 *     tables are views into allocations with room for more months
 *     (mem0, mem_n), grown geometrically
 *
 * The cell x skill table is large (5.7 MB for the default taxonomy) and
 * sparse: it is mapped fresh, so that pages never written cost nothing,
 * and cs_rows says which rows may hold a count, so that merging and
 * writing never read the others. Whoever writes into cs gets the row from
 * skidx_counts_cs_row(), which marks it.
 */
#ifndef SKIDX_CORE_COUNT_H
#define SKIDX_CORE_COUNT_H

#include "core/causes.h"
#include "core/pindex.h"
#include "core/taxonomy.h"
#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

enum skidx_stat {
    SKIDX_STAT_SHARDS = 0,
    SKIDX_STAT_SHARDS_LOST,
    SKIDX_STAT_BYTES_COMPRESSED,
    SKIDX_STAT_BYTES_UNCOMPRESSED,
    SKIDX_STAT_LINES,
    SKIDX_STAT_RECORDS,
    SKIDX_STAT_POSTINGS,
    SKIDX_STAT_DUPLICATES,
    SKIDX_STAT_SKIPPED,
    SKIDX_STAT_REPAIRED,
    SKIDX_STAT_SALARIED,
    SKIDX_STAT_COUNT
};

#define SKIDX_SALARY_BIN_WIDTH 5000u
#define SKIDX_SALARY_BINS 201u /* last bin: 1,000,000 and above */
#define SKIDX_NO_MONTH INT32_MIN

struct skidx_counts {
    uint32_t n_roles, n_levels, n_skills, n_cells;
    uint32_t bins, bin_width;
    uint64_t *cell;
    uint64_t *hist;
    uint64_t *cs;
    uint8_t *cs_rows; /* n_cells flags: 0 when the row of cs is all zero */
    int32_t month0;
    uint32_t n_months;
    uint64_t *month;
    uint64_t *month_cell;
    uint64_t *month_skill;
    /* the memory behind month, month_cell and month_skill (which point
     * into it): rows for months [mem0, mem0 + mem_n), all zero outside
     * [month0, month0 + n_months), so that the range grows into it
     * without a copy; owned, freed by skidx_counts_release() */
    int32_t mem0;
    uint32_t mem_n;
    uint64_t *month_mem, *month_cell_mem, *month_skill_mem;
    uint64_t stats[SKIDX_STAT_COUNT];
    uint64_t causes[SKIDX_CAUSE_COUNT];
};

/* Allocate zeroed tables. SKIDX_ERR_NOMEM or SKIDX_ERR_LIMIT when the
 * dimensions overflow. */
skidx_status skidx_counts_init(struct skidx_counts *c, uint32_t n_roles,
                               uint32_t n_levels, uint32_t n_skills);
void skidx_counts_release(struct skidx_counts *c);

/* Cell `cell`'s row of cs, about to be written for the first time:
 * when cs is mapped, its pages are faulted in at once (count.c). */
void skidx_counts_cs_row_fresh(struct skidx_counts *c, uint32_t cell);

/* Cell `cell`'s row of cs (n_skills x 3 counters), to write into: marks
 * the row as one that may hold counts. cell < c->n_cells. */
static inline uint64_t *skidx_counts_cs_row(struct skidx_counts *c,
                                            uint32_t cell)
{
    if (!c->cs_rows[cell])
        skidx_counts_cs_row_fresh(c, cell);
    c->cs_rows[cell] = 1;
    return c->cs + (size_t)cell * c->n_skills * 3;
}

/* One posting: its cell, month (SKIDX_NO_MONTH when undated), salary
 * (annualised whole units; < 0 when none), whether the salary is in the
 * index currency (else it is only counted in other_currency), and its
 * distinct skills. */
skidx_status skidx_counts_add(struct skidx_counts *c, uint32_t cell,
                              int32_t month, int64_t salary, int same_currency,
                              const uint32_t *skills, size_t n_skills);

/* Take one posting off the tables (the inverse of skidx_counts_add; the
 * month must be in the range). SKIDX_ERR_CORRUPT, with nothing changed,
 * when a counter would go below zero: the posting was never counted. */
skidx_status skidx_counts_sub(struct skidx_counts *c, uint32_t cell,
                              int32_t month, int64_t salary, int same_currency,
                              const uint32_t *skills, size_t n_skills);

/* Narrow the month range to its first and last month with postings (none:
 * no months). */
void skidx_counts_trim_months(struct skidx_counts *c);

/* dst += src. Dimensions must agree (SKIDX_ERR_MISMATCH); months are
 * united. */
skidx_status skidx_counts_merge(struct skidx_counts *dst,
                                const struct skidx_counts *src);

/* Widen the month range to take in calendar months [first, first + n)
 * (exposed for the reader); the new months count zero. The memory behind
 * the tables grows by at least half its months when it must grow, so
 * adding months one by one copies each row O(1) times on average (and
 * takes twenty years at once when the month x skill table of five
 * years would be mapped and that of twenty stays within 64 MiB: then a
 * corpus's rows never move); the
 * range spans at most 12,000 months (SKIDX_ERR_LIMIT). */
skidx_status skidx_counts_month_range(struct skidx_counts *c, int32_t first,
                                      uint32_t n);

/* Everything the index file holds besides the counts. Strings owned. */
struct skidx_model {
    struct skidx_counts counts;
    char *tool_version;
    char *taxonomy_name;
    char *taxonomy_version;
    char *currency;
    uint64_t taxonomy_hash;
    uint32_t n_cats;
    char **cat_names;
    char **skill_names;
    uint32_t *skill_cat;
    char **role_names;
    char **level_names;
    uint32_t n_lost;
    char **lost_paths;
    uint64_t *lost_records;
    uint64_t *lost_offsets; /* byte of the fault, UINT64_MAX when unknown */
    char **lost_causes;     /* what went wrong ("" when unknown) */
    /* the optional owner tables (docs/FORMAT.md sections 16-20), in
     * section order; a table with first == NULL is not written */
    struct skidx_owner_strings tabs[5];
    /* posting-level sections (format version 2); post.present == 0: a
     * version-1 file without them (a merge of version-1 indexes) */
    struct skidx_pstore post;
};

/* The owner tables of a model, in the order of their sections. */
enum skidx_model_tab {
    SKIDX_TAB_SKILL_ALIASES = 0, /* literal aliases of each skill */
    SKIDX_TAB_ROLE_ALIASES,      /* literal title aliases of each role */
    SKIDX_TAB_LEVEL_ALIASES,     /* literal title and field aliases */
    SKIDX_TAB_SKILL_ESCO,        /* ESCO URI of each skill */
    SKIDX_TAB_SKILL_ONET,        /* O*NET codes of each skill */
    SKIDX_MODEL_TABS
};

struct skidx_taxonomy;
/* A model with empty counts shaped by the taxonomy. */
skidx_status skidx_model_init(struct skidx_model *m,
                              const struct skidx_taxonomy *t,
                              const char *tool_version, const char *currency);
void skidx_model_release(struct skidx_model *m);

/* Record a shard lost with the records read before the fault, the byte
 * offset of the fault (UINT64_MAX when unknown) and its cause (copied; NULL
 * is taken as ""). */
skidx_status skidx_model_add_lost(struct skidx_model *m, const char *path,
                                  uint64_t records, uint64_t offset,
                                  const char *cause);

/* dst += src: same taxonomy hash and currency, else SKIDX_ERR_MISMATCH
 * (with a message). Lost shards are appended. */
skidx_status skidx_model_merge(struct skidx_model *dst,
                               const struct skidx_model *src,
                               struct skidx_error *err);

#endif
