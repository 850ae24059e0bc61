/*
 * cmd_query.c - `skidx query`, `skidx info` and `skidx verify`: everything
 * that reads an index file and answers on the terminal.
 *
 * `query` has one mode per question: a ranking of a slice's skills (the
 * default), chosen skills across slices (--skill, --by), salaries
 * (--salary), skill premiums (--premium), shares by period (--trend) and
 * growth between two periods (--growth). The numbers come from
 * core/query.c; this file only picks rows and prints them.
 *
 * Compatibility: the CSV/JSON columns of the ranking and --skill modes are
 * stable; --tiers adds `tier`, --ci adds `ci_low`, `ci_high` and `low_n`.
 * The newer modes always carry their flags.
 */
#include "cli/cmd_index.h"
#include "cli/cmds.h"
#include "cli/out.h"
#include "core/match.h"
#include "core/posting.h"
#include "core/query.h"
#include "core/taxonomy.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>


/* The message of a SIGBUS while a mapped index is open: the file was
 * cut short by another process (see SKIDX_OPEN_MAP in skidx.h). Built
 * before the handler is installed, written with write(2) alone. */
static char bus_msg[700];
static size_t bus_len;

static void on_sigbus(int sig)
{
    (void)sig;
    if (write(STDERR_FILENO, bus_msg, bus_len) < 0) {
        /* nothing left to tell */
    }
    _exit(EXIT_DATA);
}

/* Open an index for a query: the posting segments mapped, not copied
 * (SKIDX_OPEN_MAP), with SIGBUS turned into a message and exit 1. */
static int open_index(const char *path, struct skidx_index **idx)
{
    struct skidx_error err;
    skidx_error_clear(&err);
    const int n = snprintf(bus_msg, sizeof(bus_msg),
                           "skidx: cannot read the index '%s': the file was "
                           "cut short while it was read; is another process "
                           "writing it?\n",
                           path);
    bus_len = n < 0 ? 0 : (size_t)n < sizeof(bus_msg) ? (size_t)n
                                                       : sizeof(bus_msg) - 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigbus;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
    /* the heap in huge pages, as for index and match: the index's names
     * and aliases (some MB on a large one) otherwise fault in 4 KiB at a
     * time */
    keep_freed_memory();
    huge_heap();
    skidx_status st = skidx_index_open(
        path, SKIDX_OPEN_VERIFY | SKIDX_OPEN_MAP, idx, &err);
    if (st) {
        cli_report_st("cannot read the index", st, &err);
        return -1;
    }
    return 0;
}

static const char *dim_name(const struct skidx_index *idx, enum skidx_dim d,
                            uint32_t i)
{
    return d == SKIDX_DIM_SKILL  ? skidx_index_skill_name(idx, i)
           : d == SKIDX_DIM_ROLE ? skidx_index_role_name(idx, i)
                                 : skidx_index_level_name(idx, i);
}

/* Does name hold AND, OR or NOT in capitals as a word ("Python AND SQL"
 * given to --skill, which takes names, not expressions)? */
static int bool_words(const char *name)
{
    static const char *const w[] = {"AND", "OR", "NOT"};
    for (const char *p = name; *p; p++) {
        if (p != name && p[-1] != ' ' && p[-1] != '(')
            continue;
        for (size_t i = 0; i < 3; i++) {
            const size_t n = strlen(w[i]);
            if (!strncmp(p, w[i], n) &&
                (p[n] == ' ' || p[n] == '(' || p[n] == '\0'))
                return 1;
        }
    }
    return 0;
}

/* Resolve a name or alias of a skill, role or level (skidx_index_lookup).
 * Unknown: say so (for roles and levels, list the valid names; for a
 * skill given to option opt that reads as an expression, say where
 * expressions go); several: list the candidates. Returns 0 or -1 after
 * the message. */
static int resolve_id(const struct skidx_index *idx, enum skidx_dim d,
                      const char *what, const char *opt, const char *name,
                      uint32_t *out)
{
    uint32_t ids[16], n;
    skidx_index_lookup(idx, d, name, ids, 16, &n);
    if (n == 1) {
        *out = ids[0];
        return 0;
    }
    if (n > 1) {
        fprintf(stderr, "skidx: %s '%s' is ambiguous: it names", what, name);
        for (uint32_t i = 0; i < n && i < 16; i++)
            fprintf(stderr, "%s '%s'", i ? (i + 1 == n ? " and" : ",") : "",
                    dim_name(idx, d, ids[i]));
        if (n > 16)
            fprintf(stderr, " and %u more", n - 16);
        fputs("; give the full name\n", stderr);
        return -1;
    }
    if (d == SKIDX_DIM_SKILL) {
#define UNKNOWN_SKILL                                                        \
    "unknown skill '%s' (names or aliases as in 'skidx export IDX --table " \
    "skill_aliases'; caseless)"
        if (opt && bool_words(name))
            cli_msg(UNKNOWN_SKILL "; %s takes names: for the postings that "
                                  "name A and B, --where 'A AND B'",
                    name, opt);
        else
            cli_msg(UNKNOWN_SKILL, name);
#undef UNKNOWN_SKILL
        return -1;
    }
    const uint32_t all =
        d == SKIDX_DIM_ROLE ? skidx_index_n_roles(idx) : skidx_index_n_levels(idx);
    fprintf(stderr, "skidx: unknown %s '%s'; the index has:", what, name);
    for (uint32_t i = 0; i < all; i++)
        fprintf(stderr, "%s '%s'", i ? "," : "", dim_name(idx, d, i));
    fputc('\n', stderr);
    return -1;
}

/* A role or level option: 'all', '*' or no option mean SKIDX_ANY. */
static int resolve(const struct skidx_index *idx, const char *what,
                   const char *name, int32_t *out)
{
    if (!name || !strcasecmp(name, "all") || !strcmp(name, "*")) {
        *out = SKIDX_ANY;
        return 0;
    }
    uint32_t id;
    if (resolve_id(idx, !strcmp(what, "role") ? SKIDX_DIM_ROLE : SKIDX_DIM_LEVEL,
                   what, NULL, name, &id))
        return -1;
    *out = (int32_t)id;
    return 0;
}

static const char query_usage[] =
    "usage: skidx query IDX [options]\n"
    "\n"
    "Rank the skills of a slice by the share of its postings that mention\n"
    "them, compare chosen skills across roles and levels, or report\n"
    "salaries, premiums, trends and growth.\n"
    "\n"
    "slices and skills:\n"
    "  -r, --role ROLE          slice: one role (default: all)\n"
    "  -s, --level LEVEL        slice: one seniority level (default: all);\n"
    "      --seniority LEVEL    the same\n"
    "  -k, --skill A,B,...      these skills (a comparison, or a filter of\n"
    "                           --premium and --trend); names or aliases\n"
    "                           (a name with a comma, as 'Governance,\n"
    "                           risk and compliance', is read whole)\n"
    "  -b, --by LIST            with --skill, --salary or --premium: one row\n"
    "                           per role, level or (role, level);\n"
    "                           with --trend: month (default) or quarter\n"
    "  -n, --top N              skills to list (default 20; --trend 5;\n"
    "                           --premium: N per slice, default all;\n"
    "                           --growth: N growing, N declining and N\n"
    "                           below --min-count, 10; 0 = all)\n"
    "posting-level (indexes of format 2):\n"
    "      --where EXPR         the postings whose skills satisfy EXPR:\n"
    "                           names or aliases, AND, OR, NOT, parentheses,\n"
    "                           \"quoted names\" (\"PyTorch AND NOT TensorFlow\");\n"
    "                           with --role, --seniority, --from, --to\n"
    "      --company NAME       only this company's postings (caseless)\n"
    "      --location NAME      only postings at this location (caseless)\n"
    "      --country C          only postings in country C (DE, Germany)\n"
    "      --required           EXPR's skills count only where required,\n"
    "                           not named only in a nice-to-have section\n"
    "      --count              print the number of postings, nothing else\n"
    "      --by D               counts by role, seniority, month, quarter,\n"
    "                           company, location or country\n"
    "      --top N              the selection's skills, with their lift\n"
    "      --related SKILL      skills asked with SKILL: counts, P(x|SKILL),\n"
    "                           lift, Jaccard (--top N, default 20)\n"
    "      --salary, --trend    exact salary quartiles; share by month\n"
    "      --list [--limit N]   posting_id, shard, line, columns (100)\n"
    "modes (default: the ranking of one slice):\n"
    "      --salary             postings, salaried, mean and quartiles\n"
    "                           (default --by role,seniority)\n"
    "      --premium            mean salary with each skill against the\n"
    "                           rest of the same slice\n"
    "      --trend              postings and skill shares by month/quarter\n"
    "      --growth             share change between two periods\n"
    "      --from P, --to P     --growth periods: YYYY-MM, YYYY-Qn or\n"
    "                           FIRST:LAST (default: first and last\n"
    "                           --months months)\n"
    "      --months N           --growth window (default 3, at most half\n"
    "                           the months)\n"
    "      --min-count N        --growth: rank a skill only with at least N\n"
    "                           postings in both periods together (default 20)\n"
    "uncertainty and tiers:\n"
    "      --ci                 95 % Wilson interval of every share\n"
    "                           (CSV/JSON: ci_low, ci_high)\n"
    "      --tiers              add the priority tier (CSV/JSON: tier); the\n"
    "                           table always shows it in rankings\n"
    "  -m, --min-postings N     slices (or, for --premium, salaried postings\n"
    "                           on either side) under N are flagged low_n\n"
    "                           and listed after the reliable ones\n"
    "                           (default 30)\n"
    "  -f, --format FMT         table (default), csv, json, jsonl or md; all\n"
    "                           but table are tidy: one row per slice,\n"
    "                           period and skill, shares as fractions,\n"
    "                           columns as in docs/EXPORT.md\n"
    "  -h, --help               this text\n"
    "\n"
    "Tiers: critical >= 60 %, high >= 30 %, medium >= 10 %, else\n"
    "nice-to-have. Names and aliases are caseless, and spaces, '-', '_'\n"
    "and '/' between words are alike; 'all' stands for any role or level.\n";

/* ---- building rows ---- */

#define MAX_COLS 300

struct cols {
    const char *names[MAX_COLS];
    enum col_kind kinds[MAX_COLS];
    size_t n;
};

static void col(struct cols *c, const char *name, enum col_kind k)
{
    if (c->n < MAX_COLS) {
        c->names[c->n] = name;
        c->kinds[c->n++] = k;
    }
}

struct row {
    char buf[MAX_COLS][96];
    const char *p[MAX_COLS];
    size_t n;
};

static void rtxt(struct row *r, const char *s)
{
    if (r->n < MAX_COLS)
        r->p[r->n++] = s ? s : "";
}

static void rfmt(struct row *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void rfmt(struct row *r, const char *fmt, ...)
{
    if (r->n >= MAX_COLS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->buf[r->n], sizeof(r->buf[r->n]), fmt, ap);
    va_end(ap);
    r->p[r->n] = r->buf[r->n];
    r->n++;
}

static void ru64(struct row *r, uint64_t v, enum out_format f)
{
    if (f == FMT_TABLE) {
        if (r->n < MAX_COLS) {
            fmt_grouped(v, r->buf[r->n], sizeof(r->buf[r->n]));
            r->p[r->n] = r->buf[r->n];
            r->n++;
        }
    } else
        rfmt(r, "%llu", (unsigned long long)v);
}

/* A share: "45.0%" in tables, 0.450000 in CSV/JSON. */
static void rshare(struct row *r, uint64_t part, uint64_t whole,
                   enum out_format f)
{
    double s = whole ? (double)part / (double)whole : 0.0;
    if (f == FMT_TABLE)
        rfmt(r, "%.1f%%", 100.0 * s);
    else
        rfmt(r, "%.6f", s);
}

/* An amount: grouped whole units in tables; in CSV/JSON the double at
 * full precision (%.17g: it reads back to the same value); empty (null)
 * when negative (nothing to average). */
static void rmoney(struct row *r, double v, enum out_format f)
{
    if (v < 0)
        rtxt(r, f == FMT_TABLE ? "-" : "");
    else if (f == FMT_TABLE)
        ru64(r, (uint64_t)llround(v), f);
    else
        rfmt(r, "%.17g", v);
}

static void rci(struct row *r, uint64_t x, uint64_t n, enum out_format f)
{
    double lo, hi;
    skidx_wilson(x, n, SKIDX_Z95, &lo, &hi);
    if (f == FMT_TABLE)
        rfmt(r, "%.1f-%.1f%%", 100.0 * lo, 100.0 * hi);
    else {
        rfmt(r, "%.6f", lo);
        rfmt(r, "%.6f", hi);
    }
}

/* An id cell: the number, or empty (null) for SKIDX_ANY. */
static void rid(struct row *r, int32_t id)
{
    if (id == SKIDX_ANY)
        rtxt(r, "");
    else
        rfmt(r, "%d", id);
}

/* role_id, role, level_id, level of a slice */
static void col_slice(struct cols *c)
{
    col(c, "role_id", COL_INT);
    col(c, "role", COL_TEXT);
    col(c, "level_id", COL_INT);
    col(c, "level", COL_TEXT);
}

/* The skill's links: ESCO URI, O*NET codes joined by ';'. */
static void col_links(struct cols *c)
{
    col(c, "esco_uri", COL_TEXT);
    col(c, "onet_codes", COL_TEXT);
}

static void rlinks(struct row *r, const struct skidx_index *idx, uint32_t k)
{
    rtxt(r, skidx_index_skill_esco(idx, k));
    if (r->n >= MAX_COLS)
        return;
    char *b = r->buf[r->n];
    size_t o = 0;
    b[0] = '\0';
    for (uint32_t i = 0; i < skidx_n_onet0(idx, k); i++) {
        const char *code = skidx_index_skill_onet(idx, k, i);
        const int w = snprintf(b + o, sizeof(r->buf[0]) - o, "%s%s",
                               i ? ";" : "", code);
        if (w < 0 || (size_t)w >= sizeof(r->buf[0]) - o)
            break; /* NEEDSWORK: more than 10 codes do not fit a cell */
        o += (size_t)w;
    }
    r->p[r->n] = b;
    r->n++;
}

static const char *role_label(const struct skidx_index *idx, int32_t r)
{
    return r < 0 ? "All" : skidx_index_role_name(idx, (uint32_t)r);
}

static const char *level_label(const struct skidx_index *idx, int32_t l)
{
    return l < 0 ? "All" : skidx_index_level_name(idx, (uint32_t)l);
}

struct qopts {
    int32_t role, level;
    int by_role, by_level, by_quarter;
    long top;
    int top_set;
    uint64_t min_postings;
    uint64_t min_count;
    int ci, tiers;
    enum out_format f;
    uint32_t ks[256], nk; /* --skill, resolved */
    const char *from, *to;
    long months;
};

static int emit(struct table *t, enum out_format f)
{
    table_print(t, f, stdout);
    table_release(t);
    return EXIT_OK;
}

/* ---- the ranking of one slice ---- */

static int query_top(const struct skidx_index *idx, const struct qopts *o)
{
    const enum out_format f = o->f;
    uint32_t ns = skidx_index_n_skills(idx), n = 0;
    struct skidx_rank *rk = calloc(ns ? ns : 1, sizeof(*rk));
    struct skidx_cell_stats cell;
    if (!rk || skidx_query_rank(idx, o->role, o->level, rk, &n)) {
        free(rk);
        cli_msg("out of memory");
        return EXIT_DATA;
    }
    skidx_index_cell(idx, o->role, o->level, &cell);
    if (o->top > 0 && (uint32_t)o->top < n)
        n = (uint32_t)o->top;
    const char *rname = role_label(idx, o->role);
    const char *lname = level_label(idx, o->level);
    const int low = cell.postings < o->min_postings;

    struct cols c = {0};
    if (f == FMT_TABLE) {
        col(&c, "rank", COL_INT);
        col(&c, "skill", COL_TEXT);
        col(&c, "category", COL_TEXT);
        col(&c, "postings", COL_INT);
        col(&c, "share", COL_REAL);
        if (o->ci)
            col(&c, "95% CI", COL_REAL);
        col(&c, "tier", COL_TEXT);
    } else {
        col_slice(&c);
        static const char *const mn[] = {"skill_id", "skill", "category",
                                         "rank", "skill_postings",
                                         "slice_postings", "share"};
        static const enum col_kind mk[] = {COL_INT, COL_TEXT, COL_TEXT,
                                           COL_INT, COL_INT,  COL_INT,
                                           COL_REAL};
        for (size_t i = 0; i < 7; i++)
            col(&c, mn[i], mk[i]);
        if (o->tiers)
            col(&c, "tier", COL_TEXT);
        if (o->ci) {
            col(&c, "ci_low", COL_REAL);
            col(&c, "ci_high", COL_REAL);
        }
        col(&c, "low_n", COL_INT);
        col_links(&c);
    }
    struct table t;
    table_init(&t, c.n, c.names, c.kinds);
    for (uint32_t i = 0; i < n; i++) {
        struct row r;
        r.n = 0;
        const uint32_t k = rk[i].skill;
        const char *tier = skidx_tier_name(skidx_tier_of(rk[i].postings,
                                                         cell.postings));
        if (f == FMT_TABLE) {
            rfmt(&r, "%u", i + 1);
            rtxt(&r, skidx_index_skill_name(idx, k));
            rtxt(&r, skidx_index_skill_category(idx, k));
            ru64(&r, rk[i].postings, f);
            rshare(&r, rk[i].postings, cell.postings, f);
            if (o->ci)
                rci(&r, rk[i].postings, cell.postings, f);
            rtxt(&r, tier);
        } else {
            rid(&r, o->role);
            rtxt(&r, rname);
            rid(&r, o->level);
            rtxt(&r, lname);
            rfmt(&r, "%u", k);
            rtxt(&r, skidx_index_skill_name(idx, k));
            rtxt(&r, skidx_index_skill_category(idx, k));
            rfmt(&r, "%u", i + 1);
            ru64(&r, rk[i].postings, f);
            ru64(&r, cell.postings, f);
            rshare(&r, rk[i].postings, cell.postings, f);
            if (o->tiers)
                rtxt(&r, tier);
            if (o->ci)
                rci(&r, rk[i].postings, cell.postings, f);
            rfmt(&r, "%d", low);
            rlinks(&r, idx, k);
        }
        table_add_row(&t, r.p);
    }
    if (f == FMT_TABLE) {
        char buf[32], buf2[32];
        printf("role: %s   level: %s   postings: %s", rname, lname,
               fmt_grouped(cell.postings, buf, sizeof(buf)));
        if (cell.salaried)
            printf("   mean salary: %s (%s salaried)",
                   fmt_grouped((cell.salary_sum + cell.salaried / 2) /
                               cell.salaried,
                           buf2, sizeof(buf2)),
                   fmt_grouped(cell.salaried, buf, sizeof(buf)));
        printf("\n");
        if (low)
            printf("low_n: fewer than %llu postings: the shares below are "
                   "indicative, not a reliable ranking\n",
                   (unsigned long long)o->min_postings);
        printf("\n");
    } else if (low)
        cli_msg("warning: the slice has %llu postings, fewer than "
                "--min-postings %llu: its shares are flagged low_n",
                (unsigned long long)cell.postings,
                (unsigned long long)o->min_postings);
    free(rk);
    return emit(&t, f);
}

/* ---- --skill A,B [--by role,seniority] ---- */

static int query_skills(const struct skidx_index *idx, const struct qopts *o)
{
    const enum out_format f = o->f;
    const uint32_t nr = o->by_role ? skidx_index_n_roles(idx) : 1;
    const uint32_t nl = o->by_level ? skidx_index_n_levels(idx) : 1;
    struct cols c = {0};
    if (f == FMT_TABLE) {
        col(&c, "role", COL_TEXT);
        col(&c, "level", COL_TEXT);
        col(&c, "postings", COL_INT);
        for (uint32_t i = 0; i < o->nk; i++) {
            col(&c, skidx_index_skill_name(idx, o->ks[i]), COL_REAL);
            if (o->tiers)
                col(&c, "tier", COL_TEXT);
        }
        col(&c, "note", COL_TEXT);
    } else {
        col_slice(&c);
        static const char *const mn[] = {"skill_id", "skill",
                                         "slice_postings", "skill_postings",
                                         "share"};
        static const enum col_kind mk[] = {COL_INT, COL_TEXT, COL_INT,
                                           COL_INT, COL_REAL};
        for (size_t i = 0; i < 5; i++)
            col(&c, mn[i], mk[i]);
        if (o->tiers)
            col(&c, "tier", COL_TEXT);
        if (o->ci) {
            col(&c, "ci_low", COL_REAL);
            col(&c, "ci_high", COL_REAL);
        }
        col(&c, "low_n", COL_INT);
        col_links(&c);
    }
    struct table t;
    table_init(&t, c.n, c.names, c.kinds);
    /* reliable slices first, then the flagged ones: never silently
     * interleaved with them */
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t r = 0; r < nr; r++)
            for (uint32_t l = 0; l < nl; l++) {
                const int32_t rr = o->by_role ? (int32_t)r : o->role;
                const int32_t ll = o->by_level ? (int32_t)l : o->level;
                struct skidx_cell_stats cell;
                skidx_index_cell(idx, rr, ll, &cell);
                const int low = cell.postings < o->min_postings;
                if (!cell.postings || low != pass)
                    continue;
                const char *rn = role_label(idx, rr), *ln = level_label(idx, ll);
                if (f == FMT_TABLE) {
                    struct row w;
                    w.n = 0;
                    rtxt(&w, rn);
                    rtxt(&w, ln);
                    ru64(&w, cell.postings, f);
                    for (uint32_t i = 0; i < o->nk; i++) {
                        struct skidx_skill_stats s;
                        skidx_index_skill(idx, rr, ll, o->ks[i], &s);
                        if (o->ci) {
                            double lo, hi;
                            skidx_wilson(s.postings, cell.postings, SKIDX_Z95,
                                         &lo, &hi);
                            rfmt(&w, "%.1f%% [%.1f-%.1f]",
                                 100.0 * (double)s.postings /
                                     (double)cell.postings,
                                 100.0 * lo, 100.0 * hi);
                        } else
                            rshare(&w, s.postings, cell.postings, f);
                        if (o->tiers)
                            rtxt(&w, skidx_tier_name(skidx_tier_of(
                                         s.postings, cell.postings)));
                    }
                    rtxt(&w, low ? "low_n" : "");
                    table_add_row(&t, w.p);
                    continue;
                }
                for (uint32_t i = 0; i < o->nk; i++) {
                    struct skidx_skill_stats s;
                    struct row w;
                    w.n = 0;
                    skidx_index_skill(idx, rr, ll, o->ks[i], &s);
                    rid(&w, rr);
                    rtxt(&w, rn);
                    rid(&w, ll);
                    rtxt(&w, ln);
                    rfmt(&w, "%u", o->ks[i]);
                    rtxt(&w, skidx_index_skill_name(idx, o->ks[i]));
                    ru64(&w, cell.postings, f);
                    ru64(&w, s.postings, f);
                    rshare(&w, s.postings, cell.postings, f);
                    if (o->tiers)
                        rtxt(&w, skidx_tier_name(
                                     skidx_tier_of(s.postings, cell.postings)));
                    if (o->ci)
                        rci(&w, s.postings, cell.postings, f);
                    rfmt(&w, "%d", low);
                    rlinks(&w, idx, o->ks[i]);
                    table_add_row(&t, w.p);
                }
            }
    return emit(&t, f);
}

/* ---- --salary ---- */

static int query_salary(const struct skidx_index *idx, const struct qopts *o)
{
    const enum out_format f = o->f;
    const int by_role = o->by_role, by_level = o->by_level;
    const uint32_t nr = by_role ? skidx_index_n_roles(idx) : 1;
    const uint32_t nl = by_level ? skidx_index_n_levels(idx) : 1;
    struct skidx_index_meta m;
    skidx_index_get_meta(idx, &m);
    struct cols c = {0};
    if (f == FMT_TABLE) {
        col(&c, "role", COL_TEXT);
        col(&c, "level", COL_TEXT);
        col(&c, "postings", COL_INT);
        col(&c, "salaried", COL_INT);
        col(&c, "other_currency", COL_INT);
    } else {
        col_slice(&c);
        col(&c, "slice_postings", COL_INT);
        col(&c, "salaried_postings", COL_INT);
        col(&c, "other_currency_postings", COL_INT);
        col(&c, "salary_sum", COL_INT);
    }
    col(&c, "mean", COL_REAL);
    col(&c, "p25", COL_REAL);
    col(&c, "median", COL_REAL);
    col(&c, "p75", COL_REAL);
    if (f != FMT_TABLE) {
        col(&c, "currency", COL_TEXT);
        col(&c, "bin_width", COL_INT);
        col(&c, "open_ended", COL_INT);
    }
    col(&c, "low_n", f == FMT_TABLE ? COL_TEXT : COL_INT);
    struct table t;
    table_init(&t, c.n, c.names, c.kinds);
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t r = 0; r < nr; r++)
            for (uint32_t l = 0; l < nl; l++) {
                const int32_t rr = by_role ? (int32_t)r : o->role;
                const int32_t ll = by_level ? (int32_t)l : o->level;
                struct skidx_salary s;
                if (skidx_query_salary(idx, rr, ll, &s)) {
                    table_release(&t);
                    cli_msg("out of memory");
                    return EXIT_DATA;
                }
                const int low = s.salaried < o->min_postings;
                if (!s.postings || low != pass)
                    continue;
                struct row w;
                w.n = 0;
                if (f != FMT_TABLE)
                    rid(&w, rr);
                rtxt(&w, role_label(idx, rr));
                if (f != FMT_TABLE)
                    rid(&w, ll);
                rtxt(&w, level_label(idx, ll));
                ru64(&w, s.postings, f);
                ru64(&w, s.salaried, f);
                ru64(&w, s.other_currency, f);
                if (f != FMT_TABLE)
                    ru64(&w, s.salary_sum, f);
                rmoney(&w, s.mean, f);
                const double q[3] = {s.p25, s.median, s.p75};
                for (int i = 0; i < 3; i++) {
                    if (f == FMT_TABLE && (s.open_mask >> i & 1)) {
                        char b[32];
                        rfmt(&w, ">=%s",
                             fmt_grouped((uint64_t)q[i], b, sizeof(b)));
                    } else
                        rmoney(&w, q[i], f);
                }
                if (f != FMT_TABLE) {
                    rtxt(&w, m.salary_currency);
                    rfmt(&w, "%u", s.bin_width);
                    rfmt(&w, "%d", s.open_mask != 0);
                    rfmt(&w, "%d", low);
                } else
                    rtxt(&w, low ? "low_n" : "");
                table_add_row(&t, w.p);
            }
    if (f == FMT_TABLE)
        printf("salaries in %s, annualised; mean exact; quartiles from the "
               "histogram (bins of %u, interpolated within a bin); low_n: "
               "fewer than %llu salaried\n\n",
               m.salary_currency, m.salary_bin_width,
               (unsigned long long)o->min_postings);
    return emit(&t, f);
}

/* ---- --premium ---- */

struct prem_row {
    int32_t role, level;
    uint32_t skill;
    struct skidx_premium p;
    int low;
};

static int prem_cmp(const void *a, const void *b)
{
    const struct prem_row *x = a, *y = b;
    if (x->role != y->role)
        return x->role < y->role ? -1 : 1;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    if (x->low != y->low)
        return x->low ? 1 : -1;
    if (x->p.premium != y->p.premium)
        return x->p.premium > y->p.premium ? -1 : 1;
    return (x->skill > y->skill) - (x->skill < y->skill);
}

static int query_premium(const struct skidx_index *idx, const struct qopts *o)
{
    const enum out_format f = o->f;
    const uint32_t nr = o->by_role ? skidx_index_n_roles(idx) : 1;
    const uint32_t nl = o->by_level ? skidx_index_n_levels(idx) : 1;
    const uint32_t ns = skidx_index_n_skills(idx);
    size_t cap = (size_t)nr * nl * (o->nk ? o->nk : ns), n = 0;
    struct prem_row *rows = calloc(cap ? cap : 1, sizeof(*rows));
    if (!rows) {
        cli_msg("out of memory");
        return EXIT_DATA;
    }
    for (uint32_t r = 0; r < nr; r++)
        for (uint32_t l = 0; l < nl; l++) {
            const int32_t rr = o->by_role ? (int32_t)r : o->role;
            const int32_t ll = o->by_level ? (int32_t)l : o->level;
            const uint32_t nk = o->nk ? o->nk : ns;
            for (uint32_t i = 0; i < nk; i++) {
                struct prem_row *p = &rows[n];
                p->role = rr;
                p->level = ll;
                p->skill = o->nk ? o->ks[i] : i;
                skidx_query_premium(idx, rr, ll, p->skill, &p->p);
                if (!p->p.with_salaried)
                    continue; /* nothing to compare */
                p->low = p->p.with_salaried < o->min_postings ||
                         p->p.without_salaried < o->min_postings;
                n++;
            }
        }
    qsort(rows, n, sizeof(*rows), prem_cmp);
    if (!n) {
        /* an empty table says nothing of why: say it (the answer stands,
         * exit 0) */
        struct skidx_index_meta m;
        skidx_index_get_meta(idx, &m);
        cli_msg("note: no salaried posting (in %s) of the slice names %s: "
                "no premium to show",
                m.salary_currency,
                o->nk == 1 ? "the skill" : o->nk ? "the skills" : "a skill");
    }
    struct cols c = {0};
    if (f == FMT_TABLE) {
        col(&c, "role", COL_TEXT);
        col(&c, "level", COL_TEXT);
    } else {
        col_slice(&c);
        col(&c, "skill_id", COL_INT);
    }
    col(&c, "skill", COL_TEXT);
    col(&c, "with_salaried", COL_INT);
    col(&c, "mean_with", COL_REAL);
    col(&c, "without_salaried", COL_INT);
    col(&c, "mean_without", COL_REAL);
    col(&c, "premium", COL_REAL);
    col(&c, f == FMT_TABLE ? "premium_%" : "premium_ratio", COL_REAL);
    col(&c, "low_n", f == FMT_TABLE ? COL_TEXT : COL_INT);
    struct table t;
    table_init(&t, c.n, c.names, c.kinds);
    /* -n: the first N of each slice (its reliable rows come first) */
    const long top = o->top_set ? o->top : 0;
    long shown = 0;
    for (size_t i = 0; i < n; i++) {
        const struct prem_row *p = &rows[i];
        const int both = p->p.with_salaried && p->p.without_salaried;
        if (i && (p->role != rows[i - 1].role || p->level != rows[i - 1].level))
            shown = 0;
        if (top > 0 && shown >= top)
            continue;
        shown++;
        struct row w;
        w.n = 0;
        if (f != FMT_TABLE)
            rid(&w, p->role);
        rtxt(&w, role_label(idx, p->role));
        if (f != FMT_TABLE)
            rid(&w, p->level);
        rtxt(&w, level_label(idx, p->level));
        if (f != FMT_TABLE)
            rfmt(&w, "%u", p->skill);
        rtxt(&w, skidx_index_skill_name(idx, p->skill));
        ru64(&w, p->p.with_salaried, f);
        rmoney(&w, p->p.mean_with, f);
        ru64(&w, p->p.without_salaried, f);
        rmoney(&w, p->p.mean_without, f);
        if (!both) {
            rtxt(&w, f == FMT_TABLE ? "-" : "");
            rtxt(&w, f == FMT_TABLE ? "-" : "");
        } else if (f == FMT_TABLE) {
            rfmt(&w, "%+.0f", p->p.premium);
            rfmt(&w, "%+.1f%%", 100.0 * p->p.premium_ratio);
        } else {
            rfmt(&w, "%.17g", p->p.premium);
            rfmt(&w, "%.17g", p->p.premium_ratio);
        }
        if (f == FMT_TABLE)
            rtxt(&w, p->low ? "low_n" : "");
        else
            rfmt(&w, "%d", p->low);
        table_add_row(&t, w.p);
    }
    free(rows);
    if (f == FMT_TABLE)
        printf("premium = mean salary of the slice's salaried postings that "
               "mention the skill - mean of the others; low_n: fewer than "
               "%llu salaried on a side\n\n",
               (unsigned long long)o->min_postings);
    return emit(&t, f);
}

/* ---- --trend ---- */

/* The skills of a trend: --skill, else the top N of the whole index. */
static uint32_t trend_skills(const struct skidx_index *idx,
                             const struct qopts *o, uint32_t *ks)
{
    if (o->nk) {
        memcpy(ks, o->ks, o->nk * sizeof(*ks));
        return o->nk;
    }
    uint32_t ns = skidx_index_n_skills(idx), n = 0;
    struct skidx_rank *rk = calloc(ns ? ns : 1, sizeof(*rk));
    if (!rk || skidx_query_rank(idx, -1, -1, rk, &n)) {
        free(rk);
        return 0;
    }
    long top = o->top_set ? o->top : 5;
    if (top > 0 && (uint32_t)top < n)
        n = (uint32_t)top;
    if (n > 256)
        n = 256;
    for (uint32_t i = 0; i < n; i++)
        ks[i] = rk[i].skill;
    free(rk);
    return n;
}

static int query_trend(const struct skidx_index *idx, const struct qopts *o)
{
    const enum out_format f = o->f;
    const enum skidx_period_unit u =
        o->by_quarter ? SKIDX_PERIOD_QUARTER : SKIDX_PERIOD_MONTH;
    uint32_t ks[256];
    const uint32_t nk = trend_skills(idx, o, ks);
    const uint32_t np = skidx_period_count(idx, u);
    if (!np) {
        cli_msg("the index holds no dated posting: no trend");
        return EXIT_DATA;
    }
    struct cols c = {0};
    col(&c, o->by_quarter ? "quarter" : "month", COL_TEXT);
    col(&c, f == FMT_TABLE ? "postings" : "slice_postings", COL_INT);
    if (f == FMT_TABLE) {
        for (uint32_t i = 0; i < nk; i++)
            col(&c, skidx_index_skill_name(idx, ks[i]), COL_REAL);
        col(&c, "note", COL_TEXT);
    } else {
        col(&c, "skill_id", COL_INT);
        col(&c, "skill", COL_TEXT);
        col(&c, "skill_postings", COL_INT);
        col(&c, "share", COL_REAL);
        if (o->ci) {
            col(&c, "ci_low", COL_REAL);
            col(&c, "ci_high", COL_REAL);
        }
        col(&c, "low_n", COL_INT);
    }
    struct table t;
    table_init(&t, c.n, c.names, c.kinds);
    for (uint32_t p = 0; p < np; p++) {
        uint32_t m0, m1;
        char label[16];
        skidx_period_range(idx, u, p, &m0, &m1);
        skidx_period_label(idx, u, p, label, sizeof(label));
        const uint64_t tot = skidx_range_postings0(idx, m0, m1);
        const int low = tot < o->min_postings;
        if (f == FMT_TABLE) {
            struct row w;
            w.n = 0;
            rtxt(&w, label);
            ru64(&w, tot, f);
            for (uint32_t i = 0; i < nk; i++)
                rshare(&w, skidx_range_skill0(idx, m0, m1, ks[i]), tot, f);
            rtxt(&w, low ? "low_n" : "");
            table_add_row(&t, w.p);
            continue;
        }
        for (uint32_t i = 0; i < nk; i++) {
            const uint64_t x = skidx_range_skill0(idx, m0, m1, ks[i]);
            struct row w;
            w.n = 0;
            rtxt(&w, label);
            ru64(&w, tot, f);
            rfmt(&w, "%u", ks[i]);
            rtxt(&w, skidx_index_skill_name(idx, ks[i]));
            ru64(&w, x, f);
            rshare(&w, x, tot, f);
            if (o->ci)
                rci(&w, x, tot, f);
            rfmt(&w, "%d", low);
            table_add_row(&t, w.p);
        }
    }
    if (f == FMT_TABLE)
        printf("share of the dated postings of each %s that mention the "
               "skill (undated postings are left out)\n\n",
               o->by_quarter ? "quarter" : "month");
    return emit(&t, f);
}

/* ---- --growth ---- */

/* "YYYY-MM", "YYYY-Qn" or "FIRST:LAST" of those -> month indexes
 * [m0, m1) of the index. -1 with a message when out of range. */
static int parse_period(const struct skidx_index *idx, const char *opt,
                        const char *s, uint32_t *m0, uint32_t *m1)
{
    struct skidx_index_meta meta;
    skidx_index_get_meta(idx, &meta);
    char a[32], b[32];
    const char *colon = strchr(s, ':');
    if (colon) {
        snprintf(a, sizeof(a), "%.*s", (int)(colon - s), s);
        snprintf(b, sizeof(b), "%s", colon + 1);
    } else {
        snprintf(a, sizeof(a), "%s", s);
        snprintf(b, sizeof(b), "%s", s);
    }
    int32_t lo, hi, q;
    if (!skidx_month_parse(a, &lo))
        ;
    else if (!skidx_quarter_parse(a, &q))
        lo = q * 3;
    else
        goto bad;
    if (!skidx_month_parse(b, &hi))
        ;
    else if (!skidx_quarter_parse(b, &q))
        hi = q * 3 + 2;
    else
        goto bad;
    const int32_t first = meta.first_month;
    const int32_t last = first + (int32_t)skidx_index_n_months(idx) - 1;
    if (hi < lo) {
        cli_msg("invalid %s '%s': the period ends before it starts", opt, s);
        return -1;
    }
    if (lo < first)
        lo = first;
    if (hi > last)
        hi = last;
    if (lo > hi) {
        char f0[16], f1[16];
        skidx_month_label(first, f0, sizeof(f0));
        skidx_month_label(last, f1, sizeof(f1));
        cli_msg("%s '%s' lies outside the index's months (%s to %s)", opt, s,
                f0, f1);
        return -1;
    }
    *m0 = (uint32_t)(lo - first);
    *m1 = (uint32_t)(hi - first + 1);
    return 0;
bad:
    cli_msg("invalid %s '%s': YYYY-MM, YYYY-Qn or FIRST:LAST", opt, s);
    return -1;
}

static int query_growth(const struct skidx_index *idx, const struct qopts *o)
{
    const enum out_format f = o->f;
    const uint32_t nm = skidx_index_n_months(idx);
    uint32_t a0, a1, b0, b1;
    if (nm < 2 && !(o->from && o->to)) {
        cli_msg("growth needs at least two months of dated postings");
        return EXIT_DATA;
    }
    uint32_t win =
        o->months > 0 ? (uint32_t)o->months : (nm / 2 < 3 ? nm / 2 : 3);
    if (win > nm / 2 && !(o->from && o->to)) {
        cli_msg("--months %ld: the index holds %u months, so at most %u", o->months,
                nm, nm / 2);
        return EXIT_USAGE;
    }
    a0 = 0, a1 = win, b0 = nm - win, b1 = nm;
    if (o->from && parse_period(idx, "--from", o->from, &a0, &a1))
        return EXIT_USAGE;
    if (o->to && parse_period(idx, "--to", o->to, &b0, &b1))
        return EXIT_USAGE;
    const uint32_t ns = skidx_index_n_skills(idx);
    struct skidx_growth *g = calloc(ns ? ns : 1, sizeof(*g));
    uint32_t n, nrk;
    if (!g) {
        cli_msg("out of memory");
        return EXIT_DATA;
    }
    skidx_query_growth(idx, a0, a1, b0, b1, o->min_count, g, &n, &nrk);
    char la[40], lb[40], x0[16], x1[16];
    struct skidx_index_meta meta;
    skidx_index_get_meta(idx, &meta);
    skidx_month_label(meta.first_month + (int32_t)a0, x0, sizeof(x0));
    skidx_month_label(meta.first_month + (int32_t)a1 - 1, x1, sizeof(x1));
    snprintf(la, sizeof(la), a1 - a0 > 1 ? "%s:%s" : "%s", x0, x1);
    skidx_month_label(meta.first_month + (int32_t)b0, x0, sizeof(x0));
    skidx_month_label(meta.first_month + (int32_t)b1 - 1, x1, sizeof(x1));
    snprintf(lb, sizeof(lb), b1 - b0 > 1 ? "%s:%s" : "%s", x0, x1);

    struct cols c = {0};
    const int hum = f == FMT_TABLE;
    col(&c, "direction", COL_TEXT);
    col(&c, "rank", COL_INT);
    if (!hum)
        col(&c, "skill_id", COL_INT);
    col(&c, "skill", COL_TEXT);
    if (!hum) {
        col(&c, "period_from", COL_TEXT);
        col(&c, "period_to", COL_TEXT);
    }
    col(&c, hum ? "from_postings" : "from_skill_postings", COL_INT);
    col(&c, hum ? "from_total" : "from_slice_postings", COL_INT);
    col(&c, "from_share", COL_REAL);
    col(&c, hum ? "to_postings" : "to_skill_postings", COL_INT);
    col(&c, hum ? "to_total" : "to_slice_postings", COL_INT);
    col(&c, "to_share", COL_REAL);
    col(&c, f == FMT_TABLE ? "change_pp" : "change", COL_REAL);
    col(&c, f == FMT_TABLE ? "relative" : "relative_change", COL_REAL);
    struct table t;
    table_init(&t, c.n, c.names, c.kinds);
    const long top = o->top_set ? o->top : 10;
    /* growing: ranked with change > 0, from the top; declining: ranked
     * with change < 0, from the bottom; then the skills under the
     * threshold, flagged and unranked */
    for (int dir = 0; dir < 3; dir++) {
        long shown = 0;
        /* the unranked ones: at most -n of them too (default 10) */
        for (uint32_t j = 0; j < n && !(dir == 2 && top > 0 && shown >= top);
             j++) {
            const struct skidx_growth *x =
                dir == 1 ? &g[nrk - 1 - (j < nrk ? j : 0)] : &g[j];
            if (dir == 0 && (j >= nrk || !(x->change > 0)))
                break;
            if (dir == 1 && (j >= nrk || !(x->change < 0)))
                break;
            if (dir == 2 && (x->ranked || f == FMT_TABLE))
                continue; /* the table only counts them, below */
            if (dir < 2 && top > 0 && shown >= top)
                break;
            shown++;
            struct row w;
            w.n = 0;
            rtxt(&w, dir == 0   ? "growing"
                     : dir == 1 ? "declining"
                                : "below_min_count");
            if (dir < 2)
                rfmt(&w, "%ld", shown);
            else
                rtxt(&w, "");
            if (!hum)
                rfmt(&w, "%u", x->skill);
            rtxt(&w, skidx_index_skill_name(idx, x->skill));
            if (f != FMT_TABLE) {
                rtxt(&w, la);
                rtxt(&w, lb);
            }
            ru64(&w, x->a_count, f);
            ru64(&w, x->a_total, f);
            rshare(&w, x->a_count, x->a_total, f);
            ru64(&w, x->b_count, f);
            ru64(&w, x->b_total, f);
            rshare(&w, x->b_count, x->b_total, f);
            if (f == FMT_TABLE) {
                rfmt(&w, "%+.1f", 100.0 * x->change);
                if (isinf(x->ratio))
                    rtxt(&w, "new");
                else
                    rfmt(&w, "%+.0f%%", 100.0 * x->ratio);
            } else {
                rfmt(&w, "%.6f", x->change);
                /* from a share of 0: +inf, written "inf" (CSV) and null
                 * (JSON, which has no infinity) */
                if (isinf(x->ratio))
                    rtxt(&w, "inf");
                else
                    rfmt(&w, "%.6f", x->ratio);
            }
            table_add_row(&t, w.p);
        }
    }
    if (f == FMT_TABLE)
        printf("from %s (%llu dated postings) to %s (%llu); change in "
               "percentage points of share; ranked: skills with at least %llu "
               "postings in both periods together\n\n",
               la, (unsigned long long)(n ? g[0].a_total : skidx_range_postings0(idx, a0, a1)),
               lb, (unsigned long long)(n ? g[0].b_total : skidx_range_postings0(idx, b0, b1)),
               (unsigned long long)o->min_count);
    free(g);
    if (f == FMT_TABLE && n > nrk) {
        table_print(&t, f, stdout);
        table_release(&t);
        printf("\n%u more skills have fewer postings and are not ranked "
               "(--format csv lists up to --top of them as "
               "below_min_count)\n",
               n - nrk);
        return EXIT_OK;
    }
    return emit(&t, f);
}

/* The skills of a comma-separated --skill list. A name may hold a comma
 * ("Governance, risk and compliance"): at each item the longest run of
 * items up to the next ones that names one skill is taken whole, else
 * the item alone (resolve_id() says what is wrong with it). Runs of up
 * to eight items are tried: no name holds more commas. */
static int parse_skills(const struct skidx_index *idx, const char *list,
                        struct qopts *o)
{
    enum { MAX_ITEMS = 1024 };
    size_t at[MAX_ITEMS + 1], n = 0; /* item k: list[at[k], at[k+1] - 1) */
    at[n++] = 0;
    for (size_t i = 0; list[i]; i++)
        if (list[i] == ',') {
            if (n == MAX_ITEMS) {
                cli_msg("too many skills (256 at most)");
                return -1;
            }
            at[n++] = i + 1;
        }
    const size_t len = strlen(list);
    char *buf = malloc(len + 1);
    if (!buf) {
        cli_msg("out of memory");
        return -1;
    }
    for (size_t k = 0; k < n;) {
        size_t take = 1;
        uint32_t id = 0;
        int found = 0;
        for (size_t j = n - k > 8 ? k + 8 : n; j > k && !found; j--) {
            /* items k..j-1 as written, blanks around them trimmed */
            size_t a = at[k], b = j < n ? at[j] - 1 : len;
            while (a < b && list[a] == ' ')
                a++;
            while (b > a && list[b - 1] == ' ')
                b--;
            memcpy(buf, list + a, b - a);
            buf[b - a] = '\0';
            if (j == k + 1) {
                if (!*buf)
                    break; /* an empty item: passed over */
                if (resolve_id(idx, SKIDX_DIM_SKILL, "skill", "--skill", buf,
                               &id)) {
                    free(buf);
                    return -1;
                }
                found = 1;
            } else {
                uint32_t ids[2], m = 0;
                skidx_index_lookup(idx, SKIDX_DIM_SKILL, buf, ids, 2, &m);
                if (m == 1) {
                    id = ids[0];
                    take = j - k;
                    found = 1;
                }
            }
        }
        k += take;
        if (!found)
            continue;
        if (o->nk == 256) {
            cli_msg("too many skills (256 at most)");
            free(buf);
            return -1;
        }
        o->ks[o->nk++] = id;
    }
    free(buf);
    if (!o->nk) {
        cli_msg("--skill needs at least one skill name");
        return -1;
    }
    return 0;
}

enum { MODE_TOP, MODE_SKILLS, MODE_SALARY, MODE_PREMIUM, MODE_TREND,
       MODE_GROWTH };
enum { OPT_SALARY = 256, OPT_PREMIUM, OPT_TREND, OPT_GROWTH, OPT_FROM,
       OPT_TO, OPT_MONTHS, OPT_MIN_COUNT, OPT_CI, OPT_TIERS, OPT_WHERE,
       OPT_COUNT, OPT_LIST, OPT_LIMIT, OPT_COMPANY, OPT_LOCATION,
       OPT_REQUIRED, OPT_RELATED, OPT_COUNTRY };

/* ---- posting-level queries (--where and its filters) ---- */

struct wopts {
    const char *where, *company, *location, *by, *related, *country;
    int count, list, required, salary, trend, limit_set;
    uint64_t limit;
};

enum { BY_NONE, BY_ROLE, BY_LEVEL, BY_MONTH, BY_QUARTER, BY_COMPANY,
       BY_LOCATION, BY_COUNTRY };

struct group {
    const char *key; /* company or location: owned by the index */
    int64_t id;      /* role, level, month or quarter; country: its code
                        as (A-Z) * 26 + (A-Z), INT64_MAX for none */
    uint64_t sel, slice;
    uint64_t id2;    /* --salary: the group's place before sorting */
};

/* floor(m / 3): the quarter of calendar month m */
static int32_t floor_div3(int32_t m)
{
    return (m - (((m % 3) + 3) % 3)) / 3;
}

/* "YYYY-Qn" of quarter q (year*4 + quarter-1) */
static void quarter_label(int64_t q, char *buf, size_t n)
{
    snprintf(buf, n, "%lld-Q%lld",
             (long long)(q >= 0 ? q / 4 : -((-q + 3) / 4)),
             (long long)(((q % 4) + 4) % 4 + 1));
}

static int group_cmp(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    if (x->sel != y->sel)
        return x->sel > y->sel ? -1 : 1;
    if (x->key && y->key)
        return strcmp(x->key, y->key);
    return x->id < y->id ? -1 : x->id > y->id;
}

static int key_cmp(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    return x->key ? strcmp(x->key, y->key)
                  : (x->id < y->id ? -1 : x->id > y->id);
}

/* A month/quarter bound: YYYY-MM or YYYY-Qn; `end` takes a quarter's last
 * month. */
static int parse_bound(const char *opt, const char *s, int end, int32_t *m)
{
    int32_t q;
    if (!skidx_month_parse(s, m))
        return 0;
    if (!skidx_quarter_parse(s, &q)) {
        *m = q * 3 + (end ? 2 : 0);
        return 0;
    }
    cli_msg("invalid %s '%s': YYYY-MM or YYYY-Qn", opt, s);
    return -1;
}

/* A posting-level call failed: out of memory, or a segment it read is
 * damaged (the index says which). EXIT_DATA after the message. */
static int pq_fail(const struct skidx_index *idx, skidx_status st)
{
    struct skidx_error err;
    skidx_error_clear(&err);
    if (st != SKIDX_ERR_NOMEM &&
        (st = skidx_index_check_postings(idx, &err)) != SKIDX_OK)
        cli_report_st("cannot read the index", st, &err);
    else
        cli_msg("out of memory");
    return EXIT_DATA;
}

/* The group of posting `pi` along `by` (BY_NONE: one group). */
static void group_of(const struct skidx_index *idx, int by,
                     const struct skidx_posting_info *pi, struct group *x)
{
    /* roles and levels by name too: ties then go by name */
    x->key = by == BY_COMPANY    ? pi->company
             : by == BY_LOCATION ? pi->location
             : by == BY_ROLE     ? skidx_index_role_name(idx, pi->role)
             : by == BY_LEVEL    ? skidx_index_level_name(idx, pi->level)
                                 : NULL;
    x->id = by == BY_NONE          ? 0
            : by == BY_ROLE        ? pi->role
            : by == BY_LEVEL       ? pi->level
            : by == BY_COUNTRY     ? (pi->country[0]
                                          ? (pi->country[0] - 'A') * 26 +
                                                (pi->country[1] - 'A')
                                          : INT64_MAX)
            : pi->month == INT32_MIN ? INT64_MAX
            : by == BY_MONTH       ? pi->month
                                   : (int64_t)floor_div3(pi->month);
}

/* The label of a group's key into buf (or the key itself). */
static const char *group_label(int by, const struct group *x, char *buf,
                               size_t n)
{
    if (by == BY_ROLE || by == BY_LEVEL || by == BY_COMPANY ||
        by == BY_LOCATION)
        return x->key;
    if (by == BY_COUNTRY) {
        /* no country: an empty label, as --by location has for none */
        if (x->id == INT64_MAX)
            buf[0] = '\0';
        else
            snprintf(buf, n, "%c%c", (char)('A' + x->id / 26),
                     (char)('A' + x->id % 26));
        return buf;
    }
    if (x->id == INT64_MAX)
        snprintf(buf, n, "undated");
    else if (by == BY_MONTH)
        skidx_month_label((int32_t)x->id, buf, n);
    else
        quarter_label(x->id, buf, n);
    return buf;
}

static const char *by_name(int by)
{
    static const char *const names[] = {"",        "role",    "level",
                                        "month",   "quarter", "company",
                                        "location", "country"};
    return names[by];
}

/* ---- --related SKILL: co-occurrence in the selection ---- */

struct rel_row {
    uint32_t skill;
    uint64_t both, each;
};

static int rel_cmp(const void *a, const void *b)
{
    const struct rel_row *x = a, *y = b;
    if (x->both != y->both)
        return x->both > y->both ? -1 : 1;
    return x->skill < y->skill ? -1 : x->skill > y->skill;
}

static int where_related(const struct skidx_index *idx, const struct qopts *o,
                         const struct wopts *wo, const struct skidx_pset *sel)
{
    uint32_t k;
    if (resolve_id(idx, SKIDX_DIM_SKILL, "skill", "--related", wo->related,
                   &k))
        return EXIT_USAGE;
    const uint32_t ns = skidx_index_n_skills(idx);
    uint64_t *both = calloc(ns, sizeof(*both)), *each = calloc(ns, sizeof(*each));
    struct rel_row *rows = calloc(ns, sizeof(*rows));
    uint64_t with_k = 0;
    const skidx_status st =
        !both || !each || !rows
            ? SKIDX_ERR_NOMEM
            : skidx_pset_related(idx, sel, k, both, each, &with_k);
    if (st) {
        free(both);
        free(each);
        free(rows);
        return pq_fail(idx, st);
    }
    const uint64_t n_sel = skidx_pset_count(sel);
    uint32_t n = 0;
    for (uint32_t j = 0; j < ns; j++)
        if (j != k && both[j])
            rows[n++] = (struct rel_row){j, both[j], each[j]};
    qsort(rows, n, sizeof(*rows), rel_cmp);
    static const char *const cols[] = {
        "rank", "skill_id", "skill", "pair_postings", "skill_postings",
        "anchor_postings", "selected_postings", "conditional_share", "share",
        "lift", "jaccard"};
    static const enum col_kind kinds[] = {COL_INT, COL_INT, COL_TEXT,
                                          COL_INT, COL_INT, COL_INT,
                                          COL_INT, COL_REAL, COL_REAL,
                                          COL_REAL, COL_REAL};
    struct table t;
    table_init(&t, 11, cols, kinds);
    int rc = EXIT_OK;
    for (uint32_t i = 0; i < n && (o->top == 0 || i < (uint32_t)o->top); i++) {
        const struct rel_row *r = &rows[i];
        char c[11][32];
        snprintf(c[0], 32, "%u", i + 1);
        snprintf(c[1], 32, "%u", r->skill);
        snprintf(c[3], 32, "%llu", (unsigned long long)r->both);
        snprintf(c[4], 32, "%llu", (unsigned long long)r->each);
        snprintf(c[5], 32, "%llu", (unsigned long long)with_k);
        snprintf(c[6], 32, "%llu", (unsigned long long)n_sel);
        snprintf(c[7], 32, "%.6f", (double)r->both / (double)with_k);
        snprintf(c[8], 32, "%.6f", (double)r->each / (double)n_sel);
        snprintf(c[9], 32, "%.4f",
                 (double)r->both * (double)n_sel /
                     ((double)with_k * (double)r->each));
        snprintf(c[10], 32, "%.6f",
                 (double)r->both / (double)(with_k + r->each - r->both));
        const char *row[] = {c[0], c[1], skidx_index_skill_name(idx, r->skill),
                             c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]};
        if (table_add_row(&t, row)) {
            rc = EXIT_DATA;
            break;
        }
    }
    free(both);
    free(each);
    free(rows);
    if (rc) {
        table_release(&t);
        cli_msg("out of memory");
        return rc;
    }
    if (o->f == FMT_TABLE)
        printf("%llu of %llu selected postings ask for %s; the skills asked "
               "together with it\n\n",
               (unsigned long long)with_k, (unsigned long long)n_sel,
               skidx_index_skill_name(idx, k));
    return emit(&t, o->f);
}

/* ---- --salary: exact statistics of the selection's salaries ---- */

struct sal_item {
    struct group g;
    uint32_t salary;
    uint8_t status;
};

static int sal_cmp(const void *a, const void *b)
{
    const struct sal_item *x = a, *y = b;
    const int c = key_cmp(&x->g, &y->g);
    if (c)
        return c;
    if (x->status != y->status)
        return x->status < y->status ? -1 : 1;
    return x->salary < y->salary ? -1 : x->salary > y->salary;
}

/* The q-quantile of sorted v[0..n) (n > 0): linear interpolation between
 * the closest ranks, rank q * (n - 1) from 0 (R type 7, numpy's default,
 * Python's statistics.quantiles(method="inclusive")). */
static double quantile(const uint32_t *v, uint64_t n, double q)
{
    const double pos = q * (double)(n - 1);
    const uint64_t lo = (uint64_t)pos;
    if (lo + 1 >= n)
        return v[n - 1];
    return (double)v[lo] + (pos - (double)lo) * ((double)v[lo + 1] - (double)v[lo]);
}

static int where_salary(const struct skidx_index *idx, const struct qopts *o,
                        int by, const struct skidx_pset *sel)
{
    const enum out_format f = o->f;
    const uint64_t n = skidx_pset_count(sel);
    struct sal_item *it = calloc(n ? n : 1, sizeof(*it));
    uint32_t *v = calloc(n ? n : 1, sizeof(*v));
    if (!it || !v) {
        free(it);
        free(v);
        cli_msg("out of memory");
        return EXIT_DATA;
    }
    uint64_t cur = 0, p, m = 0;
    while (skidx_pset_next(sel, &cur, &p)) {
        struct skidx_posting_info pi;
        const skidx_status st = skidx_index_posting(idx, p, &pi);
        if (st) {
            free(it);
            free(v);
            return pq_fail(idx, st);
        }
        group_of(idx, by, &pi, &it[m].g);
        it[m].salary = pi.salary;
        it[m++].status = (uint8_t)pi.salary_status;
    }
    qsort(it, m, sizeof(*it), sal_cmp);
    /* fold runs of one key into groups: counts in g.sel (postings) and
     * g.slice (salaried); the salaries of group i start at v[start[i]] */
    struct group *gs = calloc(m ? m : 1, sizeof(*gs));
    uint64_t *other = calloc(m ? m : 1, sizeof(*other));
    uint64_t *start = calloc(m ? m : 1, sizeof(*start));
    if (!gs || !other || !start) {
        free(it);
        free(v);
        free(gs);
        free(other);
        free(start);
        cli_msg("out of memory");
        return EXIT_DATA;
    }
    uint64_t ng = 0, nv = 0;
    for (uint64_t i = 0; i < m; i++) {
        if (!ng || key_cmp(&gs[ng - 1], &it[i].g)) {
            gs[ng] = it[i].g;
            gs[ng].sel = gs[ng].slice = 0;
            /* the group's index in the unsorted order, for its salaries */
            start[ng] = nv;
            gs[ng].id2 = ng;
            ng++;
        }
        struct group *x = &gs[ng - 1];
        x->sel++;
        /* salary_status: 1 the index currency, 2 another (skidx.h) */
        if (it[i].status == 1) {
            v[nv++] = it[i].salary;
            x->slice++;
        } else if (it[i].status == 2)
            other[ng - 1]++;
    }
    const int timed = by == BY_MONTH || by == BY_QUARTER;
    if (by != BY_NONE && !timed)
        qsort(gs, ng, sizeof(*gs), group_cmp);
    struct skidx_index_meta meta;
    skidx_index_get_meta(idx, &meta);
    struct cols c = {0};
    if (by == BY_ROLE || by == BY_LEVEL)
        col(&c, by == BY_ROLE ? "role_id" : "level_id", COL_INT);
    if (by != BY_NONE)
        col(&c, by_name(by), COL_TEXT);
    col(&c, "selected_postings", COL_INT);
    col(&c, "salaried_postings", COL_INT);
    col(&c, "other_currency_postings", COL_INT);
    col(&c, "no_salary_postings", COL_INT);
    col(&c, "min", COL_REAL);
    col(&c, "p25", COL_REAL);
    col(&c, "median", COL_REAL);
    col(&c, "p75", COL_REAL);
    col(&c, "max", COL_REAL);
    col(&c, "mean", COL_REAL);
    col(&c, "currency", COL_TEXT);
    struct table t;
    table_init(&t, c.n, c.names, c.kinds);
    for (uint64_t i = 0; i < ng; i++) {
        const struct group *x = &gs[i];
        const uint64_t g = x->id2, ns = x->slice;
        const uint32_t *sv = v + start[g];
        struct row w;
        w.n = 0;
        char lb[32];
        if (by == BY_ROLE || by == BY_LEVEL)
            rfmt(&w, "%lld", (long long)x->id);
        if (by != BY_NONE)
            rtxt(&w, group_label(by, x, lb, sizeof(lb)));
        ru64(&w, x->sel, f);
        ru64(&w, ns, f);
        ru64(&w, other[g], f);
        ru64(&w, x->sel - ns - other[g], f);
        if (ns) {
            long double sum = 0;
            for (uint64_t j = 0; j < ns; j++)
                sum += sv[j];
            rmoney(&w, sv[0], f);
            rmoney(&w, quantile(sv, ns, 0.25), f);
            rmoney(&w, quantile(sv, ns, 0.5), f);
            rmoney(&w, quantile(sv, ns, 0.75), f);
            rmoney(&w, sv[ns - 1], f);
            rmoney(&w, (double)(sum / (long double)ns), f);
        } else
            for (int j = 0; j < 6; j++)
                rmoney(&w, -1, f);
        rtxt(&w, meta.salary_currency);
        table_add_row(&t, w.p);
    }
    free(it);
    free(v);
    free(gs);
    free(other);
    free(start);
    if (f == FMT_TABLE)
        printf("annualised salaries in %s of the selected postings; exact "
               "quartiles (linear between ranks); postings in another "
               "currency or without a salary are counted, not averaged\n\n",
               meta.salary_currency);
    return emit(&t, f);
}

/* ---- --trend: the selection's share of the slice, period by period ---- */

static int where_trend(const struct skidx_index *idx, const struct qopts *o,
                       const struct skidx_filter *fl, int quarter,
                       const struct skidx_pset *sel,
                       const struct skidx_pset *slice)
{
    struct skidx_index_meta meta;
    skidx_index_get_meta(idx, &meta);
    const uint32_t nm = skidx_index_n_months(idx);
    if (!nm) {
        cli_msg("the index holds no dated posting: no trend");
        return EXIT_DATA;
    }
    /* months of the index, clipped to --from/--to */
    int32_t m0 = meta.first_month, m1 = meta.first_month + (int32_t)nm - 1;
    if (fl->month_from > m0)
        m0 = fl->month_from;
    if (fl->month_to < m1)
        m1 = fl->month_to;
    if (quarter) {
        m0 = floor_div3(m0);
        m1 = floor_div3(m1);
    }
    const uint64_t np = m1 >= m0 ? (uint64_t)(m1 - m0) + 1 : 0;
    uint64_t *cs = calloc(np ? np : 1, sizeof(*cs)),
             *cl = calloc(np ? np : 1, sizeof(*cl));
    if (!cs || !cl) {
        free(cs);
        free(cl);
        cli_msg("out of memory");
        return EXIT_DATA;
    }
    uint64_t cur = 0, p, undated = 0;
    while (skidx_pset_next(slice, &cur, &p)) {
        struct skidx_posting_info pi;
        const skidx_status st = skidx_index_posting(idx, p, &pi);
        if (st) {
            free(cs);
            free(cl);
            return pq_fail(idx, st);
        }
        if (pi.month == INT32_MIN) {
            undated++;
            continue;
        }
        const int32_t k = quarter ? floor_div3(pi.month) : pi.month;
        if (k < m0 || k > m1)
            continue;
        cl[k - m0]++;
        cs[k - m0] += (uint64_t)skidx_pset_has(sel, p);
    }
    const char *cols[] = {quarter ? "quarter" : "month", "selected_postings",
                          "slice_postings", "share"};
    static const enum col_kind kinds[] = {COL_TEXT, COL_INT, COL_INT,
                                          COL_REAL};
    struct table t;
    table_init(&t, 4, cols, kinds);
    for (uint64_t i = 0; i < np; i++) {
        struct row w;
        w.n = 0;
        char lb[32];
        const int32_t k = m0 + (int32_t)i;
        if (quarter)
            quarter_label(k, lb, sizeof(lb));
        else
            skidx_month_label(k, lb, sizeof(lb));
        rtxt(&w, lb);
        ru64(&w, cs[i], o->f);
        ru64(&w, cl[i], o->f);
        rshare(&w, cs[i], cl[i], o->f);
        table_add_row(&t, w.p);
    }
    free(cs);
    free(cl);
    if (o->f == FMT_TABLE)
        printf("share of the slice's dated postings of each %s that the "
               "selection holds (%llu undated postings left out)\n\n",
               quarter ? "quarter" : "month", (unsigned long long)undated);
    return emit(&t, o->f);
}

static int query_where(const struct skidx_index *idx, const struct qopts *o,
                       const struct wopts *wo)
{
    struct skidx_error err;
    skidx_error_clear(&err);
    struct skidx_index_meta meta;
    skidx_index_get_meta(idx, &meta);
    if (meta.format_version < 2) {
        cli_msg("the index is of format version %u, without posting-level "
                "sections (written by 'skidx index --no-postings' or an "
                "older skidx): re-index the corpus without --no-postings "
                "to use --where", meta.format_version);
        return EXIT_DATA;
    }
    int by = BY_NONE;
    if (wo->by) {
        static const char *const names[] = {
            "",        "role",     "seniority", "month",
            "quarter", "company", "location",  "country"};
        for (int i = 1; i < 8; i++)
            if (!strcmp(wo->by, names[i]))
                by = i;
        if (!strcmp(wo->by, "level"))
            by = BY_LEVEL;
        if (by == BY_NONE) {
            cli_msg("invalid --by '%s' with --where: role, seniority, month, "
                    "quarter, company, location or country", wo->by);
            return EXIT_USAGE;
        }
    }
    char cc[3] = "";
    if (wo->country) {
        const skidx_status cs = skidx_country_resolve(wo->country, cc);
        if (cs) {
            cli_msg("unknown country '%s': an ISO 3166-1 alpha-2 code (DE) "
                    "or a country's name (Germany, Deutschland)%s",
                    wo->country,
                    cs == SKIDX_ERR_AMBIGUOUS ? " that names one country"
                                              : "");
            return EXIT_USAGE;
        }
    }
    if ((wo->country || by == BY_COUNTRY) && !skidx_index_has_countries(idx)) {
        cli_msg("the index is of format version %u, which has no country "
                "column: re-index the corpus with this skidx, or write a "
                "new index with 'skidx merge IDX -o NEW.skidx', to use %s",
                meta.format_version,
                wo->country ? "--country" : "--by country");
        return EXIT_DATA;
    }
    struct skidx_filter fl;
    skidx_filter_init(&fl);
    fl.role = o->role;
    fl.level = o->level;
    fl.company = wo->company;
    fl.location = wo->location;
    fl.country = wo->country ? cc : NULL;
    fl.required = wo->required;
    if ((o->from && parse_bound("--from", o->from, 0, &fl.month_from)) ||
        (o->to && parse_bound("--to", o->to, 1, &fl.month_to)))
        return EXIT_USAGE;
    if (fl.month_from > fl.month_to) {
        cli_msg("--from %s is after --to %s", o->from, o->to);
        return EXIT_USAGE;
    }
    struct skidx_where *w = NULL;
    if (wo->where) {
        skidx_status st = skidx_where_compile(idx, wo->where, &w, &err);
        if (st) {
            cli_msg("invalid --where: %s", err.msg);
            if (st != SKIDX_ERR_NOMEM) {
                fprintf(stderr, "  %s\n  %*s^\n", wo->where,
                        (int)(err.offset < 1000 ? err.offset : 0), "");
            }
            return st == SKIDX_ERR_NOMEM ? EXIT_DATA : EXIT_USAGE;
        }
    }
    struct skidx_pset *sel = NULL, *slice = NULL;
    struct skidx_filter plain = fl;
    plain.required = 0;
    skidx_status st = skidx_select(idx, w, &fl, &sel, &err);
    /* the slice without the expression: not for a count or a list */
    if (!st && !wo->count && !wo->list)
        st = skidx_select(idx, NULL, &plain, &slice, &err);
    skidx_where_free(w);
    int rc = EXIT_OK;
    if (st) {
        cli_report_st("cannot read the index", st, &err);
        rc = EXIT_DATA;
        goto out;
    }
    const uint64_t n_sel = skidx_pset_count(sel), n_slice = skidx_pset_count(slice);
    char a[32], b[32], c[32], d[32], e[32], g[32], h[32], k[32];
    if (wo->count) {
        printf("%llu\n", (unsigned long long)n_sel);
        goto out;
    }
    if (wo->list) {
        static const char *const cols[] = {
            "posting_id", "shard", "line", "role_id", "role", "level_id",
            "level", "month", "company", "location", "country", "salary"};
        static const enum col_kind kinds[] = {
            COL_INT, COL_TEXT, COL_INT, COL_INT, COL_TEXT, COL_INT,
            COL_TEXT, COL_TEXT, COL_TEXT, COL_TEXT, COL_TEXT, COL_INT};
        struct table t;
        table_init(&t, 12, cols, kinds);
        uint64_t cur = 0, p, shown = 0;
        while ((!wo->limit || shown < wo->limit) &&
               skidx_pset_next(sel, &cur, &p)) {
            struct skidx_posting_info pi;
            const skidx_status ps = skidx_index_posting(idx, p, &pi);
            if (ps) {
                table_release(&t);
                rc = pq_fail(idx, ps);
                goto out;
            }
            snprintf(a, sizeof(a), "%llu", (unsigned long long)p);
            snprintf(b, sizeof(b), "%llu", (unsigned long long)pi.line);
            snprintf(e, sizeof(e), "%u", pi.role);
            snprintf(g, sizeof(g), "%u", pi.level);
            c[0] = '\0';
            if (pi.month != INT32_MIN)
                skidx_month_label(pi.month, c, sizeof(c));
            d[0] = '\0';
            if (pi.salary_status == 1)
                snprintf(d, sizeof(d), "%u", pi.salary);
            const char *row[] = {a, pi.shard, b, e,
                                 skidx_index_role_name(idx, pi.role), g,
                                 skidx_index_level_name(idx, pi.level), c,
                                 pi.company, pi.location, pi.country, d};
            if (table_add_row(&t, row)) {
                table_release(&t);
                cli_msg("out of memory");
                rc = EXIT_DATA;
                goto out;
            }
            shown++;
        }
        rc = emit(&t, o->f);
        goto out;
    }
    if (wo->related) {
        rc = where_related(idx, o, wo, sel);
        goto out;
    }
    if (wo->salary) {
        rc = where_salary(idx, o, by, sel);
        goto out;
    }
    if (wo->trend) {
        rc = where_trend(idx, o, &fl, by == BY_QUARTER, sel, slice);
        goto out;
    }
    if (o->top_set) {
        const uint32_t ns = skidx_index_n_skills(idx);
        uint64_t *cs = calloc(ns, sizeof(*cs)), *cl = calloc(ns, sizeof(*cl));
        uint32_t *order = calloc(ns, sizeof(*order));
        skidx_status qs = !cs || !cl || !order ? SKIDX_ERR_NOMEM : SKIDX_OK;
        if (!qs)
            qs = skidx_pset_skills(idx, sel, 0, cs);
        if (!qs)
            qs = skidx_pset_skills(idx, slice, 0, cl);
        if (qs) {
            free(cs);
            free(cl);
            free(order);
            rc = pq_fail(idx, qs);
            goto out;
        }
        uint32_t n = 0;
        for (uint32_t i = 0; i < ns; i++)
            if (cs[i])
                order[n++] = i;
        /* by postings, then id: a stable insertion order (n is small) */
        for (uint32_t i = 1; i < n; i++)
            for (uint32_t j = i; j > 0 && cs[order[j]] > cs[order[j - 1]]; j--) {
                const uint32_t x = order[j];
                order[j] = order[j - 1];
                order[j - 1] = x;
            }
        static const char *const cols[] = {"rank", "skill_id", "skill",
                                           "skill_postings",
                                           "selected_postings", "share",
                                           "slice_share", "lift"};
        static const enum col_kind kinds[] = {COL_INT, COL_INT, COL_TEXT,
                                              COL_INT, COL_INT, COL_REAL,
                                              COL_REAL, COL_REAL};
        struct table t;
        table_init(&t, 8, cols, kinds);
        for (uint32_t i = 0; i < n && (o->top == 0 || i < (uint32_t)o->top);
             i++) {
            const uint32_t s = order[i];
            const double sh = (double)cs[s] / (double)n_sel;
            const double ssh = n_slice ? (double)cl[s] / (double)n_slice : 0;
            snprintf(a, sizeof(a), "%u", i + 1);
            snprintf(b, sizeof(b), "%u", s);
            snprintf(c, sizeof(c), "%llu", (unsigned long long)cs[s]);
            snprintf(d, sizeof(d), "%llu", (unsigned long long)n_sel);
            snprintf(e, sizeof(e), "%.6f", sh);
            snprintf(g, sizeof(g), "%.6f", ssh);
            if (ssh > 0)
                snprintf(h, sizeof(h), "%.4f", sh / ssh);
            else
                h[0] = '\0';
            const char *row[] = {a, b, skidx_index_skill_name(idx, s), c, d,
                                 e, g, h};
            table_add_row(&t, row);
        }
        free(cs);
        free(cl);
        free(order);
        rc = emit(&t, o->f);
        goto out;
    }
    if (by == BY_NONE) {
        static const char *const cols[] = {"selected_postings",
                                           "slice_postings", "share"};
        static const enum col_kind kinds[] = {COL_INT, COL_INT, COL_REAL};
        struct table t;
        table_init(&t, 3, cols, kinds);
        snprintf(a, sizeof(a), "%llu", (unsigned long long)n_sel);
        snprintf(b, sizeof(b), "%llu", (unsigned long long)n_slice);
        snprintf(c, sizeof(c), "%.6f",
                 n_slice ? (double)n_sel / (double)n_slice : 0.0);
        const char *row[] = {a, b, c};
        table_add_row(&t, row);
        rc = emit(&t, o->f);
        goto out;
    }
    /* --by: one group per value of the slice's postings */
    {
        struct group *gs = calloc(n_slice ? n_slice : 1, sizeof(*gs));
        if (!gs) {
            cli_msg("out of memory");
            rc = EXIT_DATA;
            goto out;
        }
        uint64_t cur = 0, p, n = 0;
        while (skidx_pset_next(slice, &cur, &p)) {
            struct skidx_posting_info pi;
            const skidx_status ps = skidx_index_posting(idx, p, &pi);
            if (ps) {
                free(gs);
                rc = pq_fail(idx, ps);
                goto out;
            }
            struct group *x = &gs[n++];
            group_of(idx, by, &pi, x);
            x->slice = 1;
            x->sel = (uint64_t)skidx_pset_has(sel, p);
        }
        /* sort by key, fold runs into one group each */
        qsort(gs, n, sizeof(*gs), key_cmp);
        uint64_t m = 0;
        for (uint64_t i = 0; i < n; i++) {
            if (m && !key_cmp(&gs[m - 1], &gs[i])) {
                gs[m - 1].sel += gs[i].sel;
                gs[m - 1].slice += gs[i].slice;
            } else {
                gs[m++] = gs[i];
            }
        }
        const int timed = by == BY_MONTH || by == BY_QUARTER;
        if (!timed)
            qsort(gs, m, sizeof(*gs), group_cmp);
        const int ids = by == BY_ROLE || by == BY_LEVEL;
        const char *kname = by_name(by);
        const char *cols[5];
        enum col_kind kinds[5];
        size_t nc = 0;
        if (ids) {
            cols[nc] = by == BY_ROLE ? "role_id" : "level_id";
            kinds[nc++] = COL_INT;
        }
        cols[nc] = kname;
        kinds[nc++] = COL_TEXT;
        cols[nc] = "selected_postings";
        kinds[nc++] = COL_INT;
        cols[nc] = "slice_postings";
        kinds[nc++] = COL_INT;
        cols[nc] = "share";
        kinds[nc++] = COL_REAL;
        struct table t;
        table_init(&t, nc, cols, kinds);
        for (uint64_t i = 0; i < m; i++) {
            const struct group *x = &gs[i];
            const char *label = group_label(by, x, a, sizeof(a));
            if (ids)
                snprintf(k, sizeof(k), "%lld", (long long)x->id);
            snprintf(b, sizeof(b), "%llu", (unsigned long long)x->sel);
            snprintf(c, sizeof(c), "%llu", (unsigned long long)x->slice);
            snprintf(d, sizeof(d), "%.6f", (double)x->sel / (double)x->slice);
            const char *row[5];
            size_t r = 0;
            if (ids)
                row[r++] = k;
            row[r++] = label;
            row[r++] = b;
            row[r++] = c;
            row[r++] = d;
            table_add_row(&t, row);
        }
        free(gs);
        rc = emit(&t, o->f);
    }
out:
    skidx_pset_free(sel);
    skidx_pset_free(slice);
    return rc;
}

int cmd_query(int argc, char **argv)
{
    static const struct option lo[] = {
        {"role", required_argument, 0, 'r'},
        {"seniority", required_argument, 0, 's'},
        {"level", required_argument, 0, 's'},
        {"top", required_argument, 0, 'n'},
        {"skill", required_argument, 0, 'k'},
        {"by", required_argument, 0, 'b'},
        {"min-postings", required_argument, 0, 'm'},
        {"format", required_argument, 0, 'f'},
        {"salary", no_argument, 0, OPT_SALARY},
        {"premium", no_argument, 0, OPT_PREMIUM},
        {"trend", no_argument, 0, OPT_TREND},
        {"growth", no_argument, 0, OPT_GROWTH},
        {"from", required_argument, 0, OPT_FROM},
        {"to", required_argument, 0, OPT_TO},
        {"months", required_argument, 0, OPT_MONTHS},
        {"min-count", required_argument, 0, OPT_MIN_COUNT},
        {"ci", no_argument, 0, OPT_CI},
        {"tiers", no_argument, 0, OPT_TIERS},
        {"where", required_argument, 0, OPT_WHERE},
        {"count", no_argument, 0, OPT_COUNT},
        {"list", no_argument, 0, OPT_LIST},
        {"limit", required_argument, 0, OPT_LIMIT},
        {"company", required_argument, 0, OPT_COMPANY},
        {"location", required_argument, 0, OPT_LOCATION},
        {"country", required_argument, 0, OPT_COUNTRY},
        {"required", no_argument, 0, OPT_REQUIRED},
        {"related", required_argument, 0, OPT_RELATED},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *role_s = NULL, *level_s = NULL, *skills = NULL, *by = NULL;
    struct qopts o;
    memset(&o, 0, sizeof(o));
    o.top = 20;
    o.min_postings = SKIDX_MIN_POSTINGS_DEFAULT;
    o.min_count = 20;
    o.f = FMT_TABLE;
    int mode = MODE_TOP, modes = 0, c;
    struct wopts wo;
    memset(&wo, 0, sizeof(wo));
    wo.limit = 100;
    int wmode = 0; /* a posting-level option was given */
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:s:n:k:b:m:f:h", lo, NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 'r': role_s = optarg; break;
        case 's': level_s = optarg; break;
        case 'n':
            if (cli_parse_u64("--top", optarg, 0, INT32_MAX, &v))
                return EXIT_USAGE;
            o.top = (long)v;
            o.top_set = 1;
            break;
        case 'k':
            if (cli_check_list("--skill", optarg))
                return EXIT_USAGE;
            skills = optarg;
            break;
        case 'b':
            if (cli_check_list("--by", optarg))
                return EXIT_USAGE;
            by = optarg;
            break;
        case 'm':
            if (cli_parse_u64("--min-postings", optarg, 0, UINT64_MAX,
                              &o.min_postings))
                return EXIT_USAGE;
            break;
        case OPT_MIN_COUNT:
            if (cli_parse_u64("--min-count", optarg, 0, UINT64_MAX,
                              &o.min_count))
                return EXIT_USAGE;
            break;
        case OPT_MONTHS:
            if (cli_parse_u64("--months", optarg, 1, 100000, &v))
                return EXIT_USAGE;
            o.months = (long)v;
            break;
        case 'f':
            if (parse_format(optarg, &o.f)) {
                cli_msg("invalid --format '%s': table, csv, json, jsonl or md",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_SALARY: mode = MODE_SALARY, modes++; break;
        case OPT_PREMIUM: mode = MODE_PREMIUM, modes++; break;
        case OPT_TREND: mode = MODE_TREND, modes++; break;
        case OPT_GROWTH: mode = MODE_GROWTH, modes++; break;
        case OPT_FROM: o.from = optarg; break;
        case OPT_TO: o.to = optarg; break;
        case OPT_CI: o.ci = 1; break;
        case OPT_TIERS: o.tiers = 1; break;
        case OPT_WHERE: wo.where = optarg, wmode = 1; break;
        case OPT_COUNT: wo.count = 1, wmode = 1; break;
        case OPT_LIST: wo.list = 1, wmode = 1; break;
        case OPT_COMPANY: wo.company = optarg, wmode = 1; break;
        case OPT_LOCATION: wo.location = optarg, wmode = 1; break;
        case OPT_COUNTRY: wo.country = optarg, wmode = 1; break;
        case OPT_REQUIRED: wo.required = 1, wmode = 1; break;
        case OPT_RELATED: wo.related = optarg, wmode = 1; break;
        case OPT_LIMIT:
            if (cli_parse_u64("--limit", optarg, 0, UINT64_MAX, &wo.limit))
                return EXIT_USAGE;
            wo.limit_set = 1;
            break;
        case 'h': fputs(query_usage, stdout); return EXIT_OK;
        default: fputs(query_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        cli_msg(optind >= argc ? "no index given" : "one index at a time");
        fputs(query_usage, stderr);
        return EXIT_USAGE;
    }
    if (modes > 1) {
        cli_msg("--salary, --premium, --trend and --growth: one at a time");
        return EXIT_USAGE;
    }
    if (wo.limit_set && !wo.list) {
        cli_msg("--limit goes with --list");
        return EXIT_USAGE;
    }
    if (wmode) {
        /* --salary and --trend on a selection: from the postings */
        wo.salary = mode == MODE_SALARY;
        wo.trend = mode == MODE_TREND;
        if (mode == MODE_PREMIUM || mode == MODE_GROWTH || skills ||
            o.months || o.ci || o.tiers) {
            cli_msg("--where, --count, --list, --related, --company, "
                    "--location, --country and --required go with --role, "
                    "--seniority, "
                    "--from, --to, --by, --top, --salary, --trend and "
                    "--format only");
            return EXIT_USAGE;
        }
        if (wo.count + wo.list + (wo.related != NULL) + wo.salary +
                wo.trend + (o.top_set && !wo.related) +
                (by != NULL && !wo.salary && !wo.trend) >
            1) {
            cli_msg("--count, --list, --related, --salary, --trend, --top "
                    "and --by: one at a time (--by also goes with --salary "
                    "and --trend, --top with --related)");
            return EXIT_USAGE;
        }
        if (by && strchr(by, ',')) {
            cli_msg("--by with --where takes one of role, seniority, month, "
                    "quarter, company, location, country");
            return EXIT_USAGE;
        }
        if (wo.trend && by && strcmp(by, "month") && strcmp(by, "quarter")) {
            cli_msg("--trend goes by month or quarter");
            return EXIT_USAGE;
        }
        wo.by = by;
        struct skidx_index *widx;
        if (open_index(argv[optind], &widx))
            return EXIT_DATA;
        o.role = o.level = SKIDX_ANY;
        int wrc = resolve(widx, "role", role_s, &o.role) ||
                          resolve(widx, "level", level_s, &o.level)
                      ? EXIT_USAGE
                      : query_where(widx, &o, &wo);
        skidx_index_close(widx);
        return wrc;
    }
    if (mode == MODE_TOP && skills)
        mode = MODE_SKILLS;
    if ((o.from || o.to || o.months) && mode != MODE_GROWTH) {
        cli_msg("--from, --to and --months go with --growth");
        return EXIT_USAGE;
    }
    if (by) {
        char *copy = strdup(by), *save = NULL;
        if (!copy) {
            cli_msg("out of memory");
            return EXIT_DATA;
        }
        for (char *tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            if (!strcmp(tok, "role"))
                o.by_role = 1;
            else if (!strcmp(tok, "seniority") || !strcmp(tok, "level"))
                o.by_level = 1;
            else if (!strcmp(tok, "quarter"))
                o.by_quarter = 1;
            else if (!strcmp(tok, "month"))
                ;
            else {
                cli_msg("invalid --by '%s': role, level, month or quarter",
                        tok);
                free(copy);
                return EXIT_USAGE;
            }
        }
        free(copy);
        const int cells = o.by_role || o.by_level;
        const int time = strstr(by, "month") || o.by_quarter;
        if (mode == MODE_TREND ? cells
                               : time || mode == MODE_TOP || mode == MODE_GROWTH) {
            cli_msg(mode == MODE_TREND ? "--trend goes by month or quarter"
                    : mode == MODE_TOP || mode == MODE_GROWTH
                        ? "--by needs --skill, --salary, --premium or --trend"
                        : "--by month or quarter goes with --trend");
            return EXIT_USAGE;
        }
    } else if (mode == MODE_SALARY) {
        /* every cell, except along a dimension the user fixed */
        o.by_role = !role_s;
        o.by_level = !level_s;
    }
    struct skidx_index *idx;
    if (open_index(argv[optind], &idx))
        return EXIT_DATA;
    o.role = o.level = SKIDX_ANY;
    int rc;
    if (resolve(idx, "role", role_s, &o.role) ||
        resolve(idx, "level", level_s, &o.level) ||
        (skills && parse_skills(idx, skills, &o)))
        rc = EXIT_USAGE;
    else if (mode == MODE_SKILLS)
        rc = query_skills(idx, &o);
    else if (mode == MODE_SALARY)
        rc = query_salary(idx, &o);
    else if (mode == MODE_PREMIUM)
        rc = query_premium(idx, &o);
    else if (mode == MODE_TREND)
        rc = query_trend(idx, &o);
    else if (mode == MODE_GROWTH)
        rc = query_growth(idx, &o);
    else
        rc = query_top(idx, &o);
    skidx_index_close(idx);
    return rc;
}

/* ---- info ---- */

static void month_str(int32_t m, char *buf, size_t n)
{
    snprintf(buf, n, "%04d-%02d", m / 12, m % 12 + 1);
}

static int info_taxonomy(const char *dir)
{
    struct skidx_taxonomy *t = NULL;
    struct skidx_compiled *c = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    skidx_status st = skidx_taxonomy_load(dir, &t, &err);
    if (!st)
        st = skidx_compiled_create(t, &c, &err);
    if (st) {
        cli_report_st("invalid taxonomy", st, &err);
        skidx_taxonomy_free(t);
        return EXIT_DATA;
    }
    struct skidx_matcher_stats s, r, l, lf;
    skidx_matcher_get_stats(c->skills, &s);
    skidx_matcher_get_stats(c->roles, &r);
    skidx_matcher_get_stats(c->levels, &l);
    skidx_matcher_get_stats(c->level_fields, &lf);
    printf("taxonomy      %s %s (hash %016llx)\n", t->name, t->version,
           (unsigned long long)t->hash);
    printf("directory     %s\n", t->dir);
    printf("skills        %u in %u categories\n", t->n_skills, t->n_cats);
    size_t pos_regex = 0, neg_regex = 0;
    for (size_t i = 0; i < t->skills.n; i++) {
        unsigned f = t->skills.a[i].flags;
        pos_regex += (f & (SKIDX_ALIAS_REGEX | SKIDX_ALIAS_NEG)) ==
                     SKIDX_ALIAS_REGEX;
        neg_regex += (f & (SKIDX_ALIAS_REGEX | SKIDX_ALIAS_NEG)) ==
                     (SKIDX_ALIAS_REGEX | SKIDX_ALIAS_NEG);
    }
    printf("aliases       %zu (%zu literal, %zu regex), %zu negative (%zu "
           "regex)\n",
           skidx_alias_set_count(&t->skills, 0),
           skidx_alias_set_count(&t->skills, 0) - pos_regex, pos_regex,
           skidx_alias_set_count(&t->skills, 1), neg_regex);
    printf("roles         %u (%zu rules), levels %u (%zu title rules, %zu "
           "field rules)\n",
           t->n_roles, t->roles.n, t->n_levels, t->levels.n,
           t->level_fields.n);
    printf("word engine   %zu heads, %zu candidates, word mask: %s\n",
           s.heads, s.candidates, s.simd);
    printf("hyperscan     %zu bytes of skill regexes (%zu negative "
           "databases, one per skill; %zu scanned only around the skill's "
           "hits), %zu of title rules\n",
           s.hs_bytes, s.neg_groups, s.neg_windowed,
           r.hs_bytes + l.hs_bytes + lf.hs_bytes);
    printf("regex scans   %zu positive regexes near their gate words, %zu "
           "around a word they hold, %zu on text holding a literal they "
           "hold, %zu (with the unspaced literals) only on text holding "
           "their scripts' lead bytes, %zu on every text; %zu negative "
           "regexes only from their gate words, %zu found by the scans of a "
           "positive one of the same text\n",
           s.gated, s.windowed, s.lit, s.high,
           pos_regex - s.gated - s.high - s.windowed - s.lit, s.neg_gated,
           s.neg_twins);
    /* two properties a regex can take away, each worth 6-15 % of the
     * instructions of an index run (BENCHMARKS.md, fifteenth session;
     * taxonomy/FORMAT.md, Speed) */
    if (s.skip_ok)
        printf("skipping      the word loop passes over the sections that "
               "do not count (every word window reaches a bounded way "
               "back)\n");
    else
        printf("skipping      off: a regex's word window reaches back to "
               "the text's start (an unbounded repeat such as [ ,/]+ "
               "before its word; bound it, e.g. {1,3}), so the sections "
               "that do not count are matched too\n");
    if (!s.high)
        printf("non-ASCII     no regex or literal needs a database of "
               "its own\n");
    else if (!(s.high_leads & SKIDX_LEADS_BELOW_CJK))
        printf("non-ASCII     its database is scanned only on texts holding "
               "CJK, kana or Hangul characters\n");
    else
        printf("non-ASCII     its database is scanned on every text with an "
               "accented Latin, Greek or Cyrillic letter: a positive regex "
               "needs one outside a group (write it in one, e.g. (?:\xC3\xA9))"
               "\n");
    printf("compile time  %.1f ms (skills), %.1f ms (roles and levels)\n",
           s.compile_seconds * 1e3,
           (r.compile_seconds + l.compile_seconds + lf.compile_seconds) *
               1e3);
    printf("\ncategory                               skills\n");
    for (uint32_t ci = 0; ci < t->n_cats; ci++) {
        uint32_t n = 0;
        for (uint32_t k = 0; k < t->n_skills; k++)
            n += t->skill_cat[k] == ci;
        printf("%-38s %7u\n", t->cat_name[ci], n);
    }
    skidx_compiled_free(c);
    skidx_taxonomy_free(t);
    return EXIT_OK;
}

static const char info_usage[] =
    "usage: skidx info IDX [--format table|json]\n"
    "       skidx info --taxonomy DIR\n"
    "\n"
    "Print an index's metadata and corpus statistics (what was read, what\n"
    "was skipped and why, the postings by role and level), or a taxonomy's\n"
    "size and compile cost.\n";

/* info's column of level l: as wide as its name, 10 to 24 bytes. */
static int level_width(const struct skidx_index *idx, uint32_t l)
{
    const size_t n = strlen(skidx_index_level_name(idx, l));
    return n < 10 ? 10 : n > 24 ? 24 : (int)n;
}

int cmd_info(int argc, char **argv)
{
    static const struct option lo[] = {
        {"taxonomy", required_argument, 0, 't'},
        {"format", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *tax = NULL;
    enum out_format fmt = FMT_TABLE;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:f:h", lo, NULL)) != -1) {
        switch (c) {
        case 't': tax = optarg; break;
        case 'f':
            if (parse_format(optarg, &fmt) || fmt == FMT_CSV) {
                cli_msg("invalid --format '%s': table or json", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': fputs(info_usage, stdout); return EXIT_OK;
        default: fputs(info_usage, stderr); return EXIT_USAGE;
        }
    }
    if (tax && optind == argc)
        return info_taxonomy(tax);
    if (optind + 1 != argc) {
        cli_msg("give one index (or --taxonomy DIR)");
        fputs(info_usage, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    struct skidx_index *idx;
    if (open_index(path, &idx))
        return EXIT_DATA;
    struct skidx_index_meta m;
    struct stat sb;
    skidx_index_get_meta(idx, &m);
    uint64_t fsize = stat(path, &sb) ? 0 : (uint64_t)sb.st_size;
    uint32_t nm = skidx_index_n_months(idx);
    struct skidx_cell_stats all;
    skidx_index_cell(idx, -1, -1, &all);
    char a[32], b[32], m0[16], m1[16];
    if (nm) {
        month_str(m.first_month, m0, sizeof(m0));
        month_str(m.first_month + (int32_t)nm - 1, m1, sizeof(m1));
    }
    if (fmt == FMT_JSON) {
        printf("{\"index\": ");
        json_string(stdout, path);
        printf(", \"bytes\": %llu, \"format_version\": %u, \"tool_version\": ",
               (unsigned long long)fsize, m.format_version);
        json_string(stdout, m.tool_version);
        printf(", \"taxonomy\": ");
        json_string(stdout, m.taxonomy_name);
        printf(", \"taxonomy_version\": ");
        json_string(stdout, m.taxonomy_version);
        printf(", \"taxonomy_hash\": \"%016llx\"",
               (unsigned long long)m.taxonomy_hash);
        printf(", \"shards\": %llu, \"shards_lost\": %llu, "
               "\"bytes_compressed\": %llu, \"bytes_uncompressed\": %llu, "
               "\"lines\": %llu, \"records\": %llu, \"postings\": %llu, "
               "\"duplicates\": %llu, \"skipped\": %llu, \"repaired\": %llu, "
               "\"salaried\": %llu, \"salary_currency\": ",
               (unsigned long long)m.shards, (unsigned long long)m.shards_lost,
               (unsigned long long)m.bytes_compressed,
               (unsigned long long)m.bytes_uncompressed,
               (unsigned long long)m.lines, (unsigned long long)m.records,
               (unsigned long long)m.postings,
               (unsigned long long)m.duplicates,
               (unsigned long long)m.skipped, (unsigned long long)m.repaired,
               (unsigned long long)m.salaried);
        json_string(stdout, m.salary_currency);
        printf(", \"other_currency\": %llu, \"first_month\": ",
               (unsigned long long)all.other_currency);
        if (nm)
            json_string(stdout, m0);
        else
            fputs("null", stdout);
        printf(", \"last_month\": ");
        if (nm)
            json_string(stdout, m1);
        else
            fputs("null", stdout);
        printf(", \"skills\": %u, \"categories\": %u, \"roles\": %u, "
               "\"levels\": %u, \"causes\": {",
               skidx_index_n_skills(idx), skidx_index_n_categories(idx),
               skidx_index_n_roles(idx), skidx_index_n_levels(idx));
        for (uint32_t i = 0; i < skidx_index_n_causes(idx); i++) {
            if (i)
                fputs(", ", stdout);
            json_string(stdout, skidx_index_cause_name(idx, i));
            printf(": %llu",
                   (unsigned long long)skidx_cause_count0(idx, i));
        }
        printf("}, \"lost\": [");
        for (uint32_t i = 0; i < skidx_index_n_lost(idx); i++) {
            printf("%s{\"path\": ", i ? ", " : "");
            json_string(stdout, skidx_index_lost_path(idx, i));
            printf(", \"records\": %llu, \"byte\": ",
                   (unsigned long long)skidx_lost_records0(idx, i));
            const uint64_t at = skidx_lost_offset0(idx, i);
            if (at == UINT64_MAX)
                printf("null");
            else
                printf("%llu", (unsigned long long)at);
            printf(", \"fault\": ");
            if (skidx_index_lost_cause(idx, i))
                json_string(stdout, skidx_index_lost_cause(idx, i));
            else
                printf("null");
            printf("}");
        }
        printf("]}\n");
        skidx_index_close(idx);
        return EXIT_OK;
    }
    printf("index         %s (%s bytes, format %u)\n", path,
           fmt_grouped(fsize, a, sizeof(a)), m.format_version);
    printf("built by      skidx %s\n", m.tool_version);
    printf("taxonomy      %s %s (hash %016llx)\n", m.taxonomy_name,
           m.taxonomy_version, (unsigned long long)m.taxonomy_hash);
    printf("shards        %llu indexed, %llu lost\n",
           (unsigned long long)m.shards, (unsigned long long)m.shards_lost);
    printf("input         %.1f MB read, %.1f MB of text (JSON Lines or CSV)\n",
           m.bytes_compressed / 1e6, m.bytes_uncompressed / 1e6);
    printf("lines         %s (%s records)\n", fmt_grouped(m.lines, a, sizeof(a)),
           fmt_grouped(m.records, b, sizeof(b)));
    printf("postings      %s counted\n", fmt_grouped(m.postings, a, sizeof(a)));
    printf("duplicates    %s reposts counted once\n",
           fmt_grouped(m.duplicates, a, sizeof(a)));
    printf("skipped       %s records\n", fmt_grouped(m.skipped, a, sizeof(a)));
    printf("repaired      %s records\n", fmt_grouped(m.repaired, a, sizeof(a)));
    printf("salaries      %s in %s", fmt_grouped(m.salaried, a, sizeof(a)),
           m.salary_currency);
    printf(", %s in other currencies (counted, not averaged)\n",
           fmt_grouped(all.other_currency, b, sizeof(b)));
    printf("salary bins   %u of %u %s\n", m.salary_bins, m.salary_bin_width,
           m.salary_currency);
    if (nm)
        printf("period        %s to %s (%u months)\n", m0, m1, nm);
    else
        printf("period        no dated posting\n");
    printf("dimensions    %u skills in %u categories, %u roles, %u levels\n",
           skidx_index_n_skills(idx), skidx_index_n_categories(idx),
           skidx_index_n_roles(idx), skidx_index_n_levels(idx));
    int any = 0;
    for (uint32_t i = 0; i < skidx_index_n_causes(idx); i++) {
        uint64_t n = skidx_cause_count0(idx, i);
        if (!n)
            continue;
        if (!any++)
            printf("\nskipped or repaired, by cause:\n");
        printf("  %-16s %s\n", skidx_index_cause_name(idx, i),
               fmt_grouped(n, a, sizeof(a)));
    }
    for (uint32_t i = 0; i < skidx_index_n_lost(idx); i++) {
        const uint64_t at = skidx_lost_offset0(idx, i);
        const char *why = skidx_index_lost_cause(idx, i);
        printf("%slost shard    %s (after %llu records)", i ? "" : "\n",
               skidx_index_lost_path(idx, i),
               (unsigned long long)skidx_lost_records0(idx, i));
        if (at != UINT64_MAX)
            printf(" at byte %llu", (unsigned long long)at);
        if (why)
            printf(": %s", why);
        putchar('\n');
    }

    /* postings by role and level */
    /* each column as wide as its name ("Staff/Principal", not
     * "Staff/Prin"), 10 to 24 bytes; the roles' column 26 to 40 */
    uint32_t nr = skidx_index_n_roles(idx), nl = skidx_index_n_levels(idx);
    int rw = 26;
    for (uint32_t r = 0; r < nr; r++) {
        const size_t n = strlen(skidx_index_role_name(idx, r));
        if ((int)n > rw)
            rw = n > 40 ? 40 : (int)n;
    }
    printf("\n%-*s", rw, "postings by role, level");
    for (uint32_t l = 0; l < nl; l++) {
        const int w = level_width(idx, l);
        printf(" %*.*s", w, w, skidx_index_level_name(idx, l));
    }
    printf(" %10s\n", "all");
    for (uint32_t r = 0; r < nr; r++) {
        struct skidx_cell_stats cs;
        printf("%-*.*s", rw, rw, skidx_index_role_name(idx, r));
        for (uint32_t l = 0; l < nl; l++) {
            skidx_index_cell(idx, (int32_t)r, (int32_t)l, &cs);
            printf(" %*llu", level_width(idx, l), (unsigned long long)cs.postings);
        }
        skidx_index_cell(idx, (int32_t)r, -1, &cs);
        printf(" %10llu\n", (unsigned long long)cs.postings);
    }
    skidx_index_close(idx);
    return EXIT_OK;
}

/* ---- verify ---- */

int cmd_verify(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *o = argc < 2 ? stderr : stdout;
        fputs("usage: skidx verify IDX...\n\n"
              "Check each index: header, section table, every section's "
              "xxh3-64\nchecksum and every structure's bounds. Exit 1 if any "
              "fails.\n",
              o);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    int rc = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        struct skidx_index *idx;
        struct skidx_error err;
        skidx_error_clear(&err);
        if (skidx_index_open(argv[i], 1, &idx, &err)) {
            cli_report("verify failed", &err);
            rc = EXIT_DATA;
            continue;
        }
        /* open leaves the segments for their first use: check them all */
        if (skidx_index_check_postings(idx, &err)) {
            cli_report("verify failed", &err);
            skidx_index_close(idx);
            rc = EXIT_DATA;
            continue;
        }
        struct skidx_index_meta m;
        skidx_index_get_meta(idx, &m);
        printf("%s: ok (format %u, %llu postings, taxonomy %016llx)\n",
               argv[i], m.format_version, (unsigned long long)m.postings,
               (unsigned long long)m.taxonomy_hash);
        skidx_index_close(idx);
    }
    return rc;
}
