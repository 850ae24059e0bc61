/*
 * count.c - per-thread count tables, their exact merge, and the model
 * (dictionaries + provenance) around them.
 */
#include "core/count.h"
#include "core/error.h"
#include "core/taxonomy.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int mul_ok(uint64_t a, uint64_t b, uint64_t lim, uint64_t *out)
{
    if (a && b > lim / a)
        return 0;
    *out = a * b;
    return *out <= lim;
}

/* Tables of at least this many bytes are mapped from the kernel. */
#define MAPPED_TABLE ((size_t)1 << 20)

/* A zeroed table of n counters. A large one is mapped fresh: its pages
 * cost nothing until written (calloc would clear memory it reuses from
 * the heap, where cmd_index keeps blocks up to 32 MiB, touching every
 * page: 5.7 MB per thread for the default taxonomy). */
static uint64_t *table_alloc(size_t n)
{
    if (n * sizeof(uint64_t) < MAPPED_TABLE)
        return calloc(n ? n : 1, sizeof(uint64_t));
    void *p = mmap(NULL, n * sizeof(uint64_t), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_NOHUGEPAGE
    /* Where transparent huge pages are "always", one write would fault
     * in (and clear) 2 MiB of the table instead of 4 KiB: a sparse
     * table would cost its whole size per thread. Advice only: a
     * kernel without it maps small pages anyway. */
    (void)madvise(p, n * sizeof(uint64_t), MADV_NOHUGEPAGE);
#endif
    return p;
}

/* Fault in the pages under [p, p + n) of a mapped table, writable, in
 * one call (Linux >= 5.14; elsewhere they fault as touched). A row of
 * the cell x skill table is written a few counters at a time in no
 * order, and each of its 4 KiB pages faulted on its own, some twice (a
 * read maps the zero page, the write then copies it), and the writer
 * read the pages no count fell in: 1,439 page faults per thread at
 * 4 shards of the default taxonomy (all of its 5.9 MB) and 387 for the
 * month x skill rows, the most of any part of a run after the heap; the
 * kernel's part of a fault costs some 10 us on a VM. Prefaulting a row
 * when it is first written takes one call per row and still touches no
 * row that holds nothing. The pages at the span's ends may hold the
 * next rows' first counters: they are the row's as well. */
static void prefault_span(const void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    const uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    if (!n || !pg)
        return;
    const uintptr_t a = (uintptr_t)p & ~(pg - 1);
    const uintptr_t b = ((uintptr_t)p + n + pg - 1) & ~(pg - 1);
    (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

static void table_free(uint64_t *t, size_t n)
{
    if (!t)
        return;
    if (n * sizeof(uint64_t) < MAPPED_TABLE)
        free(t);
    else
        munmap(t, n * sizeof(uint64_t));
}

/* Whether a table of n counters is mapped (table_alloc). */
static int is_mapped(size_t n)
{
    return n * sizeof(uint64_t) >= MAPPED_TABLE;
}

void skidx_counts_cs_row_fresh(struct skidx_counts *c, uint32_t cell)
{
    const size_t row = (size_t)c->n_skills * 3;
    if (is_mapped((size_t)c->n_cells * row))
        prefault_span(c->cs + (size_t)cell * row, row * sizeof(uint64_t));
}

/* Months [m, m + n) of the month x skill table (m counted from month0),
 * about to be written: prefaulted when the table is mapped. */
static void month_skill_fresh(struct skidx_counts *c, size_t m, size_t n)
{
    if (is_mapped((size_t)c->mem_n * c->n_skills))
        prefault_span(c->month_skill + m * c->n_skills,
                      n * c->n_skills * sizeof(uint64_t));
}

skidx_status skidx_counts_init(struct skidx_counts *c, uint32_t n_roles,
                               uint32_t n_levels, uint32_t n_skills)
{
    /* at most 2^27 counters (1 GiB) in the cell x skill table: far above
     * any real taxonomy, and a bound on what a hostile index can ask for */
    uint64_t cells, cs;
    memset(c, 0, sizeof(*c));
    if (!n_roles || !n_levels || !n_skills ||
        !mul_ok(n_roles, n_levels, 1u << 20, &cells) ||
        !mul_ok(cells, (uint64_t)n_skills * 3, (uint64_t)1 << 27, &cs))
        return SKIDX_ERR_LIMIT;
    c->n_roles = n_roles;
    c->n_levels = n_levels;
    c->n_skills = n_skills;
    c->n_cells = (uint32_t)cells;
    c->bins = SKIDX_SALARY_BINS;
    c->bin_width = SKIDX_SALARY_BIN_WIDTH;
    c->month0 = 0;
    c->cell = calloc(cells * 4, sizeof(uint64_t));
    c->hist = calloc(cells * c->bins, sizeof(uint64_t));
    c->cs = table_alloc(cs);
    c->cs_rows = calloc(cells, 1);
    if (!c->cell || !c->hist || !c->cs || !c->cs_rows) {
        skidx_counts_release(c);
        return SKIDX_ERR_NOMEM;
    }
    return SKIDX_OK;
}

void skidx_counts_release(struct skidx_counts *c)
{
    free(c->cell);
    free(c->hist);
    table_free(c->cs, (size_t)c->n_cells * c->n_skills * 3);
    free(c->cs_rows);
    table_free(c->month_mem, c->mem_n);
    table_free(c->month_cell_mem, (size_t)c->mem_n * c->n_cells);
    table_free(c->month_skill_mem, (size_t)c->mem_n * c->n_skills);
    memset(c, 0, sizeof(*c));
}

/* The month tables' memory: rows for months [c->mem0, c->mem0 +
 * c->mem_n); month, month_cell and month_skill view the rows of
 * [month0, month0 + n_months) in it. */
static void month_views(struct skidx_counts *c)
{
    const size_t off = c->n_months ? (size_t)(c->month0 - c->mem0) : 0;
    c->month = c->month_mem + off;
    c->month_cell = c->month_cell_mem + off * c->n_cells;
    c->month_skill = c->month_skill_mem + off * c->n_skills;
}

/* New memory for months [new0, new0 + newn) of a table of `width`
 * counters a row, holding the old view's rows (months [old0, old0 +
 * oldn)); zero elsewhere. NULL when out of memory (the old is kept). */
static uint64_t *regrow(const uint64_t *view, size_t width, int32_t old0,
                        uint32_t oldn, int32_t new0, uint32_t newn)
{
    uint64_t *n = table_alloc((size_t)newn * width);
    if (!n)
        return NULL;
    if (oldn) {
        uint64_t *to = n + (size_t)(old0 - new0) * width;
        if (is_mapped((size_t)newn * width))
            prefault_span(to, (size_t)oldn * width * sizeof(uint64_t));
        memcpy(to, view, (size_t)oldn * width * sizeof(uint64_t));
    }
    return n;
}

#define MAX_MONTHS (12 * 1000)
#define FREE_ROOM_MONTHS (12 * 20)
#define FREE_ROOM_BYTES ((size_t)64 << 20)

skidx_status skidx_counts_month_range(struct skidx_counts *c, int32_t first,
                                      uint32_t n)
{
    if (!n)
        return SKIDX_OK;
    int64_t lo = first, hi = (int64_t)first + n; /* [lo, hi) */
    if (c->n_months) {
        if (c->month0 < lo)
            lo = c->month0;
        if ((int64_t)c->month0 + c->n_months > hi)
            hi = (int64_t)c->month0 + c->n_months;
        if (lo == c->month0 && hi == (int64_t)c->month0 + c->n_months)
            return SKIDX_OK;
    }
    if (hi - lo > MAX_MONTHS)
        return SKIDX_ERR_LIMIT;
    if (c->mem_n && lo >= c->mem0 && hi <= (int64_t)c->mem0 + c->mem_n) {
        /* room enough: the months outside the old range are zero */
        c->month0 = (int32_t)lo;
        c->n_months = (uint32_t)(hi - lo);
        month_views(c);
        return SKIDX_OK;
    }
    /* Grow to half as many months again as before (a year at first,
     * at most twice the range), most of the room on the side the range
     * grew: months arrive in corpus order, often running forwards or
     * backwards in time, and a quarter on the other side keeps a range
     * that grows both ways from copying at each step. Tables of 1 MiB
     * and more are mapped, so room never written costs no memory. */
    const int64_t span = hi - lo;
    int64_t want = (int64_t)c->mem_n + c->mem_n / 2;
    if (want > 2 * span)
        want = 2 * span;
    if (want < 12)
        want = 12;
    if (want > MAX_MONTHS)
        want = MAX_MONTHS;
    if (want < span)
        want = span;
    /* Room that is mapped costs nothing until written, and each copy
     * above writes every row again into fresh pages (a page fault each
     * 4 KiB: most of what counting cost in a corpus whose 58 months came
     * in random order). So when the month x skill table of five years
     * is mapped anyway and twenty years of it stay within
     * FREE_ROOM_BYTES, take twenty years at once, ten each side of the
     * first month: a corpus's months then never move. (A smaller table
     * stays on the heap, whose huge pages fault in a few times; mapped
     * room would fault each 4 KiB page: 692 -> 834 faults on issue 11's
     * taxonomy of 1,262 skills, where the copies are small.) */
    const size_t widest =
        c->n_skills > c->n_cells ? c->n_skills : c->n_cells;
    if (want < FREE_ROOM_MONTHS &&
        (size_t)(FREE_ROOM_MONTHS / 4) * c->n_skills * sizeof(uint64_t) >=
            MAPPED_TABLE &&
        (size_t)FREE_ROOM_MONTHS * widest * sizeof(uint64_t) <=
            FREE_ROOM_BYTES)
        want = FREE_ROOM_MONTHS;
    const int64_t room = want - span;
    const int down = c->n_months && lo < c->month0;
    const int up = c->n_months && hi > (int64_t)c->month0 + c->n_months;
    int64_t a0 = lo - room / 2;
    if (down && !up)
        a0 = lo - (room - room / 4);
    else if (up && !down)
        a0 = lo - room / 4;
    if (a0 < INT32_MIN + 1)
        a0 = INT32_MIN + 1; /* SKIDX_NO_MONTH is no month */
    if (a0 + want > INT32_MAX)
        a0 = INT32_MAX - want;
    const int32_t new0 = (int32_t)a0;
    const uint32_t newn = (uint32_t)want;
    uint64_t *m = regrow(c->month, 1, c->month0, c->n_months, new0, newn);
    uint64_t *mc = regrow(c->month_cell, c->n_cells, c->month0, c->n_months,
                          new0, newn);
    uint64_t *ms = regrow(c->month_skill, c->n_skills, c->month0,
                          c->n_months, new0, newn);
    if (!m || !mc || !ms) {
        table_free(m, newn);
        table_free(mc, (size_t)newn * c->n_cells);
        table_free(ms, (size_t)newn * c->n_skills);
        return SKIDX_ERR_NOMEM;
    }
    table_free(c->month_mem, c->mem_n);
    table_free(c->month_cell_mem, (size_t)c->mem_n * c->n_cells);
    table_free(c->month_skill_mem, (size_t)c->mem_n * c->n_skills);
    c->month_mem = m;
    c->month_cell_mem = mc;
    c->month_skill_mem = ms;
    c->mem0 = new0;
    c->mem_n = newn;
    c->month0 = (int32_t)lo;
    c->n_months = (uint32_t)(hi - lo);
    month_views(c);
    return SKIDX_OK;
}

skidx_status skidx_counts_add(struct skidx_counts *c, uint32_t cell,
                              int32_t month, int64_t salary, int same_currency,
                              const uint32_t *skills, size_t n_skills)
{
    uint64_t *cl = c->cell + (size_t)cell * 4;
    int salaried = salary >= 0 && same_currency;
    cl[0]++;
    c->stats[SKIDX_STAT_POSTINGS]++;
    if (salary >= 0 && !same_currency)
        cl[3]++;
    if (salaried) {
        uint64_t b = (uint64_t)salary / c->bin_width;
        if (b >= c->bins)
            b = c->bins - 1;
        cl[1]++;
        cl[2] += (uint64_t)salary;
        c->hist[(size_t)cell * c->bins + b]++;
        c->stats[SKIDX_STAT_SALARIED]++;
    }
    uint64_t *row = skidx_counts_cs_row(c, cell);
    for (size_t i = 0; i < n_skills; i++) {
        uint64_t *e = row + (size_t)skills[i] * 3;
        e[0]++;
        if (salaried) {
            e[1]++;
            e[2] += (uint64_t)salary;
        }
    }
    if (month != SKIDX_NO_MONTH) {
        if (!c->n_months || month < c->month0 ||
            month >= c->month0 + (int32_t)c->n_months)
            SKIDX_FORWARD(skidx_counts_month_range(c, month, 1));
        size_t mi = (size_t)(month - c->month0);
        if (!c->month[mi]) /* the month's first posting here */
            month_skill_fresh(c, mi, 1);
        c->month[mi]++;
        c->month_cell[mi * c->n_cells + cell]++;
        uint64_t *ms = c->month_skill + mi * c->n_skills;
        for (size_t i = 0; i < n_skills; i++)
            ms[skills[i]]++;
    }
    return SKIDX_OK;
}

skidx_status skidx_counts_sub(struct skidx_counts *c, uint32_t cell,
                              int32_t month, int64_t salary, int same_currency,
                              const uint32_t *skills, size_t n_skills)
{
    if (cell >= c->n_cells)
        return SKIDX_ERR_CORRUPT;
    uint64_t *cl = c->cell + (size_t)cell * 4;
    const int salaried = salary >= 0 && same_currency;
    const int other = salary >= 0 && !same_currency;
    uint64_t b = 0;
    size_t mi = 0;
    if (salaried) {
        b = (uint64_t)salary / c->bin_width;
        if (b >= c->bins)
            b = c->bins - 1;
    }
    uint64_t *row = c->cs + (size_t)cell * c->n_skills * 3;
    /* check everything first: nothing changes on an error */
    if (!cl[0] || !c->stats[SKIDX_STAT_POSTINGS] || (other && !cl[3]) ||
        (salaried && (!cl[1] || cl[2] < (uint64_t)salary ||
                      !c->hist[(size_t)cell * c->bins + b] ||
                      !c->stats[SKIDX_STAT_SALARIED])))
        return SKIDX_ERR_CORRUPT;
    for (size_t i = 0; i < n_skills; i++) {
        const uint64_t *e = row + (size_t)skills[i] * 3;
        if (skills[i] >= c->n_skills || !e[0] ||
            (salaried && (!e[1] || e[2] < (uint64_t)salary)))
            return SKIDX_ERR_CORRUPT;
    }
    if (month != SKIDX_NO_MONTH) {
        if (!c->n_months || month < c->month0 ||
            month >= c->month0 + (int32_t)c->n_months)
            return SKIDX_ERR_CORRUPT;
        mi = (size_t)(month - c->month0);
        if (!c->month[mi] || !c->month_cell[mi * c->n_cells + cell])
            return SKIDX_ERR_CORRUPT;
        for (size_t i = 0; i < n_skills; i++)
            if (!c->month_skill[mi * c->n_skills + skills[i]])
                return SKIDX_ERR_CORRUPT;
    }
    cl[0]--;
    c->stats[SKIDX_STAT_POSTINGS]--;
    if (other)
        cl[3]--;
    if (salaried) {
        cl[1]--;
        cl[2] -= (uint64_t)salary;
        c->hist[(size_t)cell * c->bins + b]--;
        c->stats[SKIDX_STAT_SALARIED]--;
    }
    for (size_t i = 0; i < n_skills; i++) {
        uint64_t *e = row + (size_t)skills[i] * 3;
        e[0]--;
        if (salaried) {
            e[1]--;
            e[2] -= (uint64_t)salary;
        }
    }
    if (month != SKIDX_NO_MONTH) {
        c->month[mi]--;
        c->month_cell[mi * c->n_cells + cell]--;
        for (size_t i = 0; i < n_skills; i++)
            c->month_skill[mi * c->n_skills + skills[i]]--;
    }
    return SKIDX_OK;
}

void skidx_counts_trim_months(struct skidx_counts *c)
{
    uint32_t lo = 0, hi = c->n_months;
    while (lo < hi && !c->month[lo])
        lo++;
    while (hi > lo && !c->month[hi - 1])
        hi--;
    if (lo == 0 && hi == c->n_months)
        return;
    /* the view narrows; the rows it drops are cleared, as memory outside
     * the view must be (a month without postings counts nothing in a
     * consistent table; this holds the rest to it too) */
    const size_t drop[2][2] = {{0, lo}, {hi, c->n_months}};
    for (int i = 0; i < 2; i++) {
        const size_t a = drop[i][0], n = drop[i][1] - a;
        memset(c->month + a, 0, n * sizeof(uint64_t));
        memset(c->month_cell + a * c->n_cells, 0,
               n * c->n_cells * sizeof(uint64_t));
        memset(c->month_skill + a * c->n_skills, 0,
               n * c->n_skills * sizeof(uint64_t));
    }
    const uint32_t n = hi - lo;
    c->month0 = n ? c->month0 + (int32_t)lo : 0;
    c->n_months = n;
    month_views(c);
}

/* d += s, writing only where s is not zero: the tables are sparse and
 * mostly untouched zero pages, and a write to one costs a page fault. */
static void add_vec(uint64_t *d, const uint64_t *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t any = s[i] | s[i + 1] | s[i + 2] | s[i + 3] | s[i + 4] |
                       s[i + 5] | s[i + 6] | s[i + 7];
        if (!any)
            continue;
        for (size_t k = i; k < i + 8; k++)
            d[k] += s[k];
    }
    for (; i < n; i++)
        d[i] += s[i];
}

skidx_status skidx_counts_merge(struct skidx_counts *dst,
                                const struct skidx_counts *src)
{
    if (dst->n_roles != src->n_roles || dst->n_levels != src->n_levels ||
        dst->n_skills != src->n_skills || dst->bins != src->bins ||
        dst->bin_width != src->bin_width)
        return SKIDX_ERR_MISMATCH;
    size_t cells = dst->n_cells;
    add_vec(dst->cell, src->cell, cells * 4);
    add_vec(dst->hist, src->hist, cells * dst->bins);
    /* only the rows that may hold counts: the others are all zero */
    for (uint32_t k = 0; k < dst->n_cells; k++)
        if (src->cs_rows[k])
            add_vec(skidx_counts_cs_row(dst, k),
                    src->cs + (size_t)k * dst->n_skills * 3,
                    (size_t)dst->n_skills * 3);
    if (src->n_months) {
        SKIDX_FORWARD(
            skidx_counts_month_range(dst, src->month0, src->n_months));
        size_t off = (size_t)(src->month0 - dst->month0);
        add_vec(dst->month + off, src->month, src->n_months);
        add_vec(dst->month_cell + off * cells, src->month_cell,
                (size_t)src->n_months * cells);
        month_skill_fresh(dst, off, src->n_months);
        add_vec(dst->month_skill + off * dst->n_skills, src->month_skill,
                (size_t)src->n_months * dst->n_skills);
    }
    add_vec(dst->stats, src->stats, SKIDX_STAT_COUNT);
    /* a plain loop: add_vec inlined with a constant multiple of 8 makes
     * GCC 12 warn of an impossible iteration */
    for (size_t k = 0; k < SKIDX_CAUSE_COUNT; k++)
        dst->causes[k] += src->causes[k];
    return SKIDX_OK;
}

/* ---- model ---- */

static char *sdup(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

static char **dup_names(char *const *v, uint32_t n)
{
    char **o = calloc(n ? n : 1, sizeof(*o));
    if (!o)
        return NULL;
    for (uint32_t i = 0; i < n; i++)
        if (!(o[i] = sdup(v[i]))) {
            while (i--)
                free(o[i]);
            free(o);
            return NULL;
        }
    return o;
}

static void free_names(char **v, uint32_t n)
{
    if (!v)
        return;
    for (uint32_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The positive literal aliases of one or two alias sets, by owner. */
static skidx_status literal_table(struct skidx_owner_strings *o,
                                  uint32_t n_owners,
                                  const struct skidx_alias_set *a,
                                  const struct skidx_alias_set *b)
{
    const size_t cap = a->n + (b ? b->n : 0);
    uint32_t *own = calloc(cap ? cap : 1, sizeof(*own));
    const char **txt = calloc(cap ? cap : 1, sizeof(*txt));
    size_t n = 0;
    skidx_status st = SKIDX_ERR_NOMEM;
    if (own && txt) {
        for (int s = 0; s < 2; s++) {
            const struct skidx_alias_set *set = s ? b : a;
            for (size_t i = 0; set && i < set->n; i++) {
                const struct skidx_alias *x = &set->a[i];
                if (x->flags & (SKIDX_ALIAS_NEG | SKIDX_ALIAS_REGEX))
                    continue;
                own[n] = x->owner;
                txt[n++] = x->text;
            }
        }
        st = skidx_owner_strings_build(o, n_owners, own, txt, n);
    }
    free(own);
    free(txt);
    return st;
}

skidx_status skidx_model_init(struct skidx_model *m,
                              const struct skidx_taxonomy *t,
                              const char *tool_version, const char *currency)
{
    memset(m, 0, sizeof(*m));
    skidx_status st =
        skidx_counts_init(&m->counts, t->n_roles, t->n_levels, t->n_skills);
    if (st)
        return st;
    m->tool_version = sdup(tool_version);
    m->taxonomy_name = sdup(t->name);
    m->taxonomy_version = sdup(t->version);
    m->currency = sdup(currency);
    m->taxonomy_hash = t->hash;
    m->n_cats = t->n_cats;
    m->cat_names = dup_names(t->cat_name, t->n_cats);
    m->skill_names = dup_names(t->skill_name, t->n_skills);
    m->skill_cat = calloc(t->n_skills, sizeof(uint32_t));
    m->role_names = dup_names(t->role_name, t->n_roles);
    m->level_names = dup_names(t->level_name, t->n_levels);
    if (!m->tool_version || !m->taxonomy_name || !m->taxonomy_version ||
        !m->currency || !m->cat_names || !m->skill_names || !m->skill_cat ||
        !m->role_names || !m->level_names) {
        skidx_model_release(m);
        return SKIDX_ERR_NOMEM;
    }
    memcpy(m->skill_cat, t->skill_cat, t->n_skills * sizeof(uint32_t));
    const struct skidx_alias_set *sets[3][2] = {
        {&t->skills, NULL}, {&t->roles, NULL}, {&t->levels, &t->level_fields}};
    const uint32_t owners[3] = {t->n_skills, t->n_roles, t->n_levels};
    for (int i = 0; i < 3 && !st; i++)
        st = literal_table(&m->tabs[i], owners[i], sets[i][0], sets[i][1]);
    if (!st)
        st = skidx_owner_strings_copy(&m->tabs[SKIDX_TAB_SKILL_ESCO], &t->esco);
    if (!st)
        st = skidx_owner_strings_copy(&m->tabs[SKIDX_TAB_SKILL_ONET], &t->onet);
    if (st)
        skidx_model_release(m);
    return st;
}

void skidx_model_release(struct skidx_model *m)
{
    free_names(m->cat_names, m->n_cats);
    free_names(m->skill_names, m->counts.n_skills);
    free_names(m->role_names, m->counts.n_roles);
    free_names(m->level_names, m->counts.n_levels);
    free_names(m->lost_paths, m->n_lost);
    free_names(m->lost_causes, m->n_lost);
    free(m->skill_cat);
    free(m->lost_records);
    free(m->lost_offsets);
    free(m->tool_version);
    free(m->taxonomy_name);
    free(m->taxonomy_version);
    free(m->currency);
    for (int i = 0; i < SKIDX_MODEL_TABS; i++)
        skidx_owner_strings_release(&m->tabs[i]);
    skidx_pstore_release(&m->post);
    skidx_counts_release(&m->counts);
    memset(m, 0, sizeof(*m));
}

skidx_status skidx_model_add_lost(struct skidx_model *m, const char *path,
                                  uint64_t records, uint64_t offset,
                                  const char *cause)
{
    const size_t n = (size_t)m->n_lost + 1;
    char **p = realloc(m->lost_paths, n * sizeof(*p));
    if (!p)
        return SKIDX_ERR_NOMEM;
    m->lost_paths = p;
    char **c = realloc(m->lost_causes, n * sizeof(*c));
    if (!c)
        return SKIDX_ERR_NOMEM;
    m->lost_causes = c;
    uint64_t *r = realloc(m->lost_records, n * sizeof(*r));
    if (!r)
        return SKIDX_ERR_NOMEM;
    m->lost_records = r;
    uint64_t *o = realloc(m->lost_offsets, n * sizeof(*o));
    if (!o)
        return SKIDX_ERR_NOMEM;
    m->lost_offsets = o;
    if (!(p[m->n_lost] = sdup(path)))
        return SKIDX_ERR_NOMEM;
    if (!(c[m->n_lost] = sdup(cause ? cause : ""))) {
        free(p[m->n_lost]);
        return SKIDX_ERR_NOMEM;
    }
    r[m->n_lost] = records;
    o[m->n_lost] = offset;
    m->n_lost++;
    return SKIDX_OK;
}

skidx_status skidx_model_merge(struct skidx_model *dst,
                               const struct skidx_model *src,
                               struct skidx_error *err)
{
    if (dst->taxonomy_hash != src->taxonomy_hash)
        return skidx_fail(err, SKIDX_ERR_MISMATCH, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF,
                          "built with different taxonomies ('%s' %s "
                          "%016llx and '%s' %s %016llx)",
                          dst->taxonomy_name, dst->taxonomy_version,
                          (unsigned long long)dst->taxonomy_hash,
                          src->taxonomy_name, src->taxonomy_version,
                          (unsigned long long)src->taxonomy_hash);
    if (strcmp(dst->currency, src->currency))
        return skidx_fail(err, SKIDX_ERR_MISMATCH, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF,
                          "salary currencies differ ('%s' and '%s')",
                          dst->currency, src->currency);
    skidx_status st = skidx_counts_merge(&dst->counts, &src->counts);
    if (st == SKIDX_ERR_MISMATCH)
        return skidx_fail(err, st, NULL, SKIDX_NOLINE, SKIDX_NOOFF,
                          "count tables have different shapes");
    if (st)
        return st;
    for (uint32_t i = 0; i < src->n_lost; i++)
        SKIDX_FORWARD(skidx_model_add_lost(dst, src->lost_paths[i],
                                           src->lost_records[i],
                                           src->lost_offsets[i],
                                           src->lost_causes[i]));
    /* the same taxonomy, so the same tables: an index written before they
     * were stored lacks them, and takes them from the other */
    for (int i = 0; i < SKIDX_MODEL_TABS; i++)
        if (!dst->tabs[i].first && src->tabs[i].first)
            SKIDX_FORWARD(skidx_owner_strings_copy(&dst->tabs[i], &src->tabs[i]));
    return SKIDX_OK;
}
