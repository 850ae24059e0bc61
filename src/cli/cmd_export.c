/*
 * cmd_export.c - `skidx export`: every table of an index in tidy form
 * (one row per observation, one column per variable), as CSV files in a
 * directory or one JSON object of arrays. docs/EXPORT.md documents every
 * column. Only non-zero count rows are written (the index is sparse in
 * the same way); dictionaries and causes are written whole.
 */
#include "cli/cmds.h"
#include "cli/out.h"
#include "core/query.h"
#include "io/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char export_usage[] =
    "usage: skidx export IDX [--format csv|json] [-o DIR|FILE] [--table NAME]\n"
    "\n"
    "Write every table of the index in tidy form (docs/EXPORT.md):\n"
    "meta, skills, skill_aliases, roles, levels, cells, cell_skills,\n"
    "salary_hist, months, month_cells, month_skills, causes, lost.\n"
    "\n"
    "  -f, --format FMT   csv (default): one NAME.csv per table in DIR;\n"
    "                     json: one object {\"NAME\": [rows...]} in FILE;\n"
    "                     with --table, also jsonl or md\n"
    "  -o, --output PATH  DIR for csv, FILE for json (default: standard\n"
    "                     output); replaced atomically. An existing DIR may\n"
    "                     hold only TABLE.csv files; its parent must exist\n"
    "  -t, --table NAME   only this table, to PATH or standard output\n"
    "  -h, --help         this text\n";

static const char *const table_names[] = {
    "meta",        "skills", "skill_aliases", "roles",       "levels",
    "cells",       "cell_skills", "salary_hist", "months", "month_cells",
    "month_skills", "causes", "lost"};
enum { N_TABLES = sizeof(table_names) / sizeof(table_names[0]) };

/* A row of up to 12 cells, formatted into fixed buffers. */
struct xrow {
    char b[12][48];
    const char *p[12];
    int n;
};

static void xs(struct xrow *r, const char *s) { r->p[r->n++] = s ? s : ""; }

static void xu(struct xrow *r, uint64_t v)
{
    snprintf(r->b[r->n], sizeof(r->b[r->n]), "%llu", (unsigned long long)v);
    r->p[r->n] = r->b[r->n];
    r->n++;
}

static void xi(struct xrow *r, int64_t v)
{
    snprintf(r->b[r->n], sizeof(r->b[r->n]), "%lld", (long long)v);
    r->p[r->n] = r->b[r->n];
    r->n++;
}

#define ADD(t, r)                                                             \
    do {                                                                      \
        if (table_add_row((t), (r).p))                                        \
            return -1;                                                        \
    } while (0)

static int t_meta(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {"key", "value"};
    static const enum col_kind k[] = {COL_TEXT, COL_TEXT};
    table_init(t, 2, n, k);
    struct skidx_index_meta m;
    skidx_index_get_meta(x, &m);
    const uint32_t nm = skidx_index_n_months(x);
    char first[16] = "", last[16] = "", hash[24];
    if (nm) {
        skidx_month_label(m.first_month, first, sizeof(first));
        skidx_month_label(m.first_month + (int32_t)nm - 1, last, sizeof(last));
    }
    snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)m.taxonomy_hash);
    struct {
        const char *key;
        const char *s;
        uint64_t v;
    } kv[] = {
        {"format_version", NULL, m.format_version},
        {"tool_version", m.tool_version, 0},
        {"taxonomy_name", m.taxonomy_name, 0},
        {"taxonomy_version", m.taxonomy_version, 0},
        {"taxonomy_hash", hash, 0},
        {"shards", NULL, m.shards},
        {"shards_lost", NULL, m.shards_lost},
        {"bytes_compressed", NULL, m.bytes_compressed},
        {"bytes_uncompressed", NULL, m.bytes_uncompressed},
        {"lines", NULL, m.lines},
        {"records", NULL, m.records},
        {"postings", NULL, m.postings},
        {"duplicates", NULL, m.duplicates},
        {"skipped", NULL, m.skipped},
        {"repaired", NULL, m.repaired},
        {"salaried", NULL, m.salaried},
        {"salary_currency", m.salary_currency, 0},
        {"salary_bin_width", NULL, m.salary_bin_width},
        {"salary_bins", NULL, m.salary_bins},
        {"first_month", first, 0},
        {"last_month", last, 0},
        {"months", NULL, nm},
        {"skills", NULL, skidx_index_n_skills(x)},
        {"categories", NULL, skidx_index_n_categories(x)},
        {"roles", NULL, skidx_index_n_roles(x)},
        {"levels", NULL, skidx_index_n_levels(x)},
    };
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
        struct xrow r = {.n = 0};
        xs(&r, kv[i].key);
        if (kv[i].s)
            xs(&r, kv[i].s);
        else
            xu(&r, kv[i].v);
        ADD(t, r);
    }
    return 0;
}

/* The O*NET codes of skill i joined by ';' into buf. */
static const char *onet_codes(const struct skidx_index *x, uint32_t i,
                              char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (uint32_t j = 0; j < skidx_n_onet0(x, i) && o < n; j++) {
        const int w = snprintf(buf + o, n - o, "%s%s", j ? ";" : "",
                               skidx_index_skill_onet(x, i, j));
        if (w < 0)
            break;
        o += (size_t)w;
    }
    return buf;
}

static int t_skills(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {"skill_id", "skill", "category",
                                    "esco_uri", "onet_codes"};
    static const enum col_kind k[] = {COL_INT, COL_TEXT, COL_TEXT, COL_TEXT,
                                      COL_TEXT};
    table_init(t, 5, n, k);
    char codes[1024];
    for (uint32_t i = 0; i < skidx_index_n_skills(x); i++) {
        struct xrow r = {.n = 0};
        xu(&r, i);
        xs(&r, skidx_index_skill_name(x, i));
        xs(&r, skidx_index_skill_category(x, i));
        xs(&r, skidx_index_skill_esco(x, i));
        xs(&r, onet_codes(x, i, codes, sizeof(codes)));
        ADD(t, r);
    }
    return 0;
}

static int t_skill_aliases(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {"skill_id", "skill", "alias"};
    static const enum col_kind k[] = {COL_INT, COL_TEXT, COL_TEXT};
    table_init(t, 3, n, k);
    for (uint32_t i = 0; i < skidx_index_n_skills(x); i++)
        for (uint32_t j = 0; j < skidx_n_aliases0(x, SKIDX_DIM_SKILL, i);
             j++) {
            struct xrow r = {.n = 0};
            xu(&r, i);
            xs(&r, skidx_index_skill_name(x, i));
            xs(&r, skidx_index_alias(x, SKIDX_DIM_SKILL, i, j));
            ADD(t, r);
        }
    return 0;
}

/* Every role, postings or not, in the taxonomy's order. */
static int t_roles(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {"role_id", "role", "slice_postings"};
    static const enum col_kind k[] = {COL_INT, COL_TEXT, COL_INT};
    table_init(t, 3, n, k);
    for (uint32_t i = 0; i < skidx_index_n_roles(x); i++) {
        struct skidx_cell_stats c;
        skidx_index_cell(x, (int32_t)i, SKIDX_ANY, &c);
        struct xrow r = {.n = 0};
        xu(&r, i);
        xs(&r, skidx_index_role_name(x, i));
        xu(&r, c.postings);
        ADD(t, r);
    }
    return 0;
}

/* Every level, in the taxonomy's order (that of roles.tsv's first lines,
 * which is not a seniority order: sort by your own rank if you need one). */
static int t_levels(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {"level_id", "level", "level_order",
                                    "slice_postings"};
    static const enum col_kind k[] = {COL_INT, COL_TEXT, COL_INT, COL_INT};
    table_init(t, 4, n, k);
    for (uint32_t i = 0; i < skidx_index_n_levels(x); i++) {
        struct skidx_cell_stats c;
        skidx_index_cell(x, SKIDX_ANY, (int32_t)i, &c);
        struct xrow r = {.n = 0};
        xu(&r, i);
        xs(&r, skidx_index_level_name(x, i));
        xu(&r, (uint64_t)i + 1);
        xu(&r, c.postings);
        ADD(t, r);
    }
    return 0;
}

/* role_id, role, level_id, level of cell (ro, l) */
static void xcell(struct xrow *r, const struct skidx_index *x, uint32_t ro,
                  uint32_t l)
{
    xu(r, ro);
    xs(r, skidx_index_role_name(x, ro));
    xu(r, l);
    xs(r, skidx_index_level_name(x, l));
}

static int t_cells(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {
        "role_id",        "role",      "level_id",          "level",
        "slice_postings", "salaried_postings", "salary_sum",
        "other_currency_postings"};
    static const enum col_kind k[] = {COL_INT, COL_TEXT, COL_INT, COL_TEXT,
                                      COL_INT, COL_INT,  COL_INT, COL_INT};
    table_init(t, 8, n, k);
    for (uint32_t ro = 0; ro < skidx_index_n_roles(x); ro++)
        for (uint32_t l = 0; l < skidx_index_n_levels(x); l++) {
            struct skidx_cell_stats c;
            skidx_index_cell(x, (int32_t)ro, (int32_t)l, &c);
            if (!c.postings)
                continue;
            struct xrow r = {.n = 0};
            xcell(&r, x, ro, l);
            xu(&r, c.postings);
            xu(&r, c.salaried);
            xu(&r, c.salary_sum);
            xu(&r, c.other_currency);
            ADD(t, r);
        }
    return 0;
}

static int t_cell_skills(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {
        "role_id",  "role",           "level_id",          "level",
        "skill_id", "skill",          "skill_postings",    "salaried_postings",
        "salary_sum"};
    static const enum col_kind k[] = {COL_INT, COL_TEXT, COL_INT,
                                      COL_TEXT, COL_INT, COL_TEXT,
                                      COL_INT, COL_INT,  COL_INT};
    table_init(t, 9, n, k);
    const uint32_t ns = skidx_index_n_skills(x);
    struct skidx_skill_stats *st = calloc(ns ? ns : 1, sizeof(*st));
    if (!st)
        return -1;
    for (uint32_t ro = 0; ro < skidx_index_n_roles(x); ro++)
        for (uint32_t l = 0; l < skidx_index_n_levels(x); l++) {
            skidx_index_slice(x, (int32_t)ro, (int32_t)l, st);
            for (uint32_t s = 0; s < ns; s++) {
                if (!st[s].postings)
                    continue;
                struct xrow r = {.n = 0};
                xcell(&r, x, ro, l);
                xu(&r, s);
                xs(&r, skidx_index_skill_name(x, s));
                xu(&r, st[s].postings);
                xu(&r, st[s].salaried);
                xu(&r, st[s].salary_sum);
                if (table_add_row(t, r.p)) {
                    free(st);
                    return -1;
                }
            }
        }
    free(st);
    return 0;
}

static int t_salary_hist(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {"role_id", "role",  "level_id",
                                    "level",   "bin",   "lower",
                                    "upper",   "salaried_postings"};
    static const enum col_kind k[] = {COL_INT, COL_TEXT, COL_INT, COL_TEXT,
                                      COL_INT, COL_INT,  COL_INT, COL_INT};
    table_init(t, 8, n, k);
    struct skidx_index_meta m;
    skidx_index_get_meta(x, &m);
    uint64_t *bins = calloc(m.salary_bins ? m.salary_bins : 1, sizeof(*bins));
    if (!bins)
        return -1;
    for (uint32_t ro = 0; ro < skidx_index_n_roles(x); ro++)
        for (uint32_t l = 0; l < skidx_index_n_levels(x); l++) {
            memset(bins, 0, m.salary_bins * sizeof(*bins));
            skidx_index_salary_hist(x, (int32_t)ro, (int32_t)l, bins);
            for (uint32_t b = 0; b < m.salary_bins; b++) {
                if (!bins[b])
                    continue;
                struct xrow r = {.n = 0};
                xcell(&r, x, ro, l);
                xu(&r, b);
                xu(&r, (uint64_t)b * m.salary_bin_width);
                if (b + 1 < m.salary_bins)
                    xu(&r, (uint64_t)(b + 1) * m.salary_bin_width);
                else
                    xs(&r, ""); /* open-ended: null in JSON */
                xu(&r, bins[b]);
                if (table_add_row(t, r.p)) {
                    free(bins);
                    return -1;
                }
            }
        }
    free(bins);
    return 0;
}

static int t_months(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {"month", "slice_postings"};
    static const enum col_kind k[] = {COL_TEXT, COL_INT};
    table_init(t, 2, n, k);
    struct skidx_index_meta m;
    skidx_index_get_meta(x, &m);
    for (uint32_t i = 0; i < skidx_index_n_months(x); i++) {
        struct xrow r = {.n = 0};
        skidx_month_label(m.first_month + (int32_t)i, r.b[11], sizeof(r.b[11]));
        xs(&r, r.b[11]);
        xu(&r, skidx_month_postings0(x, i));
        ADD(t, r);
    }
    return 0;
}

static int t_month_cells(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {"month", "role_id", "role", "level_id",
                                    "level", "slice_postings"};
    static const enum col_kind k[] = {COL_TEXT, COL_INT, COL_TEXT,
                                      COL_INT,  COL_TEXT, COL_INT};
    table_init(t, 6, n, k);
    struct skidx_index_meta m;
    skidx_index_get_meta(x, &m);
    for (uint32_t i = 0; i < skidx_index_n_months(x); i++)
        for (uint32_t ro = 0; ro < skidx_index_n_roles(x); ro++)
            for (uint32_t l = 0; l < skidx_index_n_levels(x); l++) {
                uint64_t v = skidx_month_cell0(x, i, (int32_t)ro, (int32_t)l);
                if (!v)
                    continue;
                struct xrow r = {.n = 0};
                skidx_month_label(m.first_month + (int32_t)i, r.b[11],
                                  sizeof(r.b[11]));
                xs(&r, r.b[11]);
                xcell(&r, x, ro, l);
                xu(&r, v);
                ADD(t, r);
            }
    return 0;
}

static int t_month_skills(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {"month", "skill_id", "skill",
                                    "skill_postings"};
    static const enum col_kind k[] = {COL_TEXT, COL_INT, COL_TEXT, COL_INT};
    table_init(t, 4, n, k);
    struct skidx_index_meta m;
    skidx_index_get_meta(x, &m);
    for (uint32_t i = 0; i < skidx_index_n_months(x); i++)
        for (uint32_t s = 0; s < skidx_index_n_skills(x); s++) {
            uint64_t v = skidx_month_skill0(x, i, s);
            if (!v)
                continue;
            struct xrow r = {.n = 0};
            skidx_month_label(m.first_month + (int32_t)i, r.b[11],
                              sizeof(r.b[11]));
            xs(&r, r.b[11]);
            xu(&r, s);
            xs(&r, skidx_index_skill_name(x, s));
            xu(&r, v);
            ADD(t, r);
        }
    return 0;
}

static int t_causes(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {"cause", "records"};
    static const enum col_kind k[] = {COL_TEXT, COL_INT};
    table_init(t, 2, n, k);
    for (uint32_t i = 0; i < skidx_index_n_causes(x); i++) {
        struct xrow r = {.n = 0};
        xs(&r, skidx_index_cause_name(x, i));
        xu(&r, skidx_cause_count0(x, i));
        ADD(t, r);
    }
    return 0;
}

static int t_lost(const struct skidx_index *x, struct table *t)
{
    static const char *const n[] = {"path", "records", "byte", "fault"};
    static const enum col_kind k[] = {COL_TEXT, COL_INT, COL_INT, COL_TEXT};
    table_init(t, 4, n, k);
    for (uint32_t i = 0; i < skidx_index_n_lost(x); i++) {
        struct xrow r = {.n = 0};
        const uint64_t at = skidx_lost_offset0(x, i);
        xs(&r, skidx_index_lost_path(x, i));
        xi(&r, (int64_t)skidx_lost_records0(x, i));
        xi(&r, at == UINT64_MAX ? -1 : (int64_t)at);
        xs(&r, skidx_index_lost_cause(x, i));
        ADD(t, r);
    }
    return 0;
}

static int (*const builders[N_TABLES])(const struct skidx_index *,
                                       struct table *) = {
    t_meta,          t_skills,      t_skill_aliases, t_roles,
    t_levels,        t_cells,       t_cell_skills,   t_salary_hist,
    t_months,        t_month_cells, t_month_skills,  t_causes,
    t_lost};

/* An existing export directory is replaced whole, so it may hold only
 * the files an export writes (N.csv for a table N); anything else is the
 * user's and is never removed. */
static int export_dir_ok(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT; /* a new one, or cli_check_output said */
    struct dirent *e;
    int ok = 1;
    while (ok && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        ok = 0;
        for (int i = 0; i < N_TABLES && !ok; i++) {
            const size_t n = strlen(table_names[i]);
            ok = !strncmp(e->d_name, table_names[i], n) &&
                 !strcmp(e->d_name + n, ".csv");
        }
        if (!ok)
            cli_msg("refusing to replace '%s': it holds '%s', which an "
                    "export does not write",
                    dir, e->d_name);
    }
    closedir(d);
    return ok;
}

int cmd_export(int argc, char **argv)
{
    static const struct option lo[] = {{"format", required_argument, 0, 'f'},
                                       {"output", required_argument, 0, 'o'},
                                       {"table", required_argument, 0, 't'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *out = NULL, *only = NULL;
    enum out_format fmt = FMT_CSV;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:t:h", lo, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (parse_format(optarg, &fmt) || fmt == FMT_TABLE) {
                cli_msg("invalid --format '%s': csv, json, jsonl or md",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case 'o': out = optarg; break;
        case 't': only = optarg; break;
        case 'h': fputs(export_usage, stdout); return EXIT_OK;
        default: fputs(export_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        cli_msg(optind >= argc ? "no index given" : "one index at a time");
        fputs(export_usage, stderr);
        return EXIT_USAGE;
    }
    int which = -1;
    if (only) {
        for (int i = 0; i < N_TABLES; i++)
            if (!strcmp(only, table_names[i]))
                which = i;
        if (which < 0) {
            cli_msg("unknown table '%s' (see 'skidx export --help')", only);
            return EXIT_USAGE;
        }
    }
    if ((fmt == FMT_JSONL || fmt == FMT_MD) && !only) {
        cli_msg("--format %s writes one table: give --table NAME",
                fmt == FMT_JSONL ? "jsonl" : "md");
        return EXIT_USAGE;
    }
    const int per_file = fmt == FMT_CSV && !only;
    if (per_file && !out) {
        cli_msg("a CSV export writes one file per table: give -o DIR (or "
                "--table NAME for one table on standard output)");
        return EXIT_USAGE;
    }
    if (out && (cli_check_output(out, per_file,
                                 (const char *const *)argv + optind, 1) ||
                (per_file && !export_dir_ok(out))))
        return EXIT_USAGE;
    cli_install_signals(0, NULL);
    struct skidx_index *idx;
    struct skidx_error err;
    skidx_error_clear(&err);
    skidx_status st = skidx_index_open(argv[optind], 1, &idx, &err);
    if (st) {
        cli_report_st("cannot read the index", st, &err);
        return EXIT_DATA;
    }
    /* the output is a temporary file (directory) renamed over the target
     * when complete */
    struct skidx_atomic tmp;
    if (per_file) {
        skidx_error_clear(&err);
        st = skidx_atomic_open(&tmp, out, 1, &err);
        if (st) {
            cli_report_st("cannot write", st, &err);
            skidx_index_close(idx);
            return st == SKIDX_ERR_USAGE ? EXIT_USAGE : EXIT_DATA;
        }
    }
    FILE *f = stdout;
    if (!per_file && out && !(f = cli_out_open(&tmp, out))) {
        skidx_index_close(idx);
        return EXIT_DATA;
    }
    int rc = EXIT_OK, first = 1;
    if (fmt == FMT_JSON && !only)
        fputs("{", f);
    for (int i = 0; i < N_TABLES && rc == EXIT_OK; i++) {
        if (which >= 0 && i != which)
            continue;
        struct table t;
        if (builders[i](idx, &t)) {
            table_release(&t);
            cli_msg("out of memory");
            rc = EXIT_DATA;
            break;
        }
        if (per_file) {
            char name[64];
            snprintf(name, sizeof(name), "%s.csv", table_names[i]);
            const int fd = skidx_atomic_dir_create(&tmp, name);
            FILE *g = fd < 0 ? NULL : fdopen(fd, "w");
            if (!g) {
                cli_msg("cannot write '%s/%s': %s", out, name,
                        strerror(errno));
                if (fd >= 0)
                    close(fd);
                rc = EXIT_DATA;
            } else {
                table_print(&t, FMT_CSV, g);
                if (fflush(g) || ferror(g) | fclose(g)) {
                    cli_msg("cannot write '%s/%s': %s", out, name,
                            strerror(errno ? errno : EIO));
                    rc = EXIT_DATA;
                }
            }
        } else if (fmt == FMT_JSON && !only) {
            fputs(first ? "\n" : ",\n", f);
            json_string(f, table_names[i]);
            fputs(": ", f);
            table_print(&t, FMT_JSON, f);
            /* table_print ends with "]\n": drop nothing, JSON allows it */
        } else
            table_print(&t, fmt, f);
        first = 0;
        table_release(&t);
    }
    if (fmt == FMT_JSON && !only)
        fputs("}\n", f);
    /* standard output is checked at exit (cli_close_stdout) */
    if (per_file) {
        skidx_error_clear(&err);
        if (rc != EXIT_OK)
            skidx_atomic_abort(&tmp);
        else if ((st = skidx_atomic_commit(&tmp, &err))) {
            cli_report_st(NULL, st, &err);
            rc = EXIT_DATA;
        }
    } else if (f != stdout) {
        if (rc != EXIT_OK)
            cli_out_abort(&tmp, f);
        else if (cli_out_commit(&tmp, f))
            rc = EXIT_DATA;
    }
    if (rc != EXIT_OK && out)
        cli_msg("'%s' not written (an old one is left as it was)", out);
    skidx_index_close(idx);
    return rc;
}
