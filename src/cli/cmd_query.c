/*
 * cmd_query.c - `skidx query`, `skidx info` and `skidx verify`: everything
 * that reads an index file.
 */
#include "cli/cmds.h"
#include "cli/out.h"
#include "core/match.h"
#include "core/posting.h"
#include "core/taxonomy.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 1234567 -> "1,234,567" */
static const char *grouped(uint64_t v, char *buf, size_t n)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

static int open_index(const char *path, struct skidx_index **idx)
{
    struct skidx_error err;
    skidx_error_clear(&err);
    if (skidx_index_open(path, 1, idx, &err)) {
        cli_report("cannot read the index", &err);
        return -1;
    }
    return 0;
}

/* Resolve a role or level name; on failure list the valid ones. */
static int resolve(const struct skidx_index *idx, const char *what,
                   const char *name, int32_t *out)
{
    int role = !strcmp(what, "role");
    if (!name || !strcasecmp(name, "all") || !strcmp(name, "*")) {
        *out = -1;
        return 0;
    }
    int32_t id = role ? skidx_index_find_role(idx, name)
                      : skidx_index_find_level(idx, name);
    if (id < 0) {
        uint32_t n = role ? skidx_index_n_roles(idx) : skidx_index_n_levels(idx);
        fprintf(stderr, "skidx: unknown %s '%s'; the index has:", what, name);
        for (uint32_t i = 0; i < n; i++)
            fprintf(stderr, "%s '%s'", i ? "," : "",
                    role ? skidx_index_role_name(idx, i)
                         : skidx_index_level_name(idx, i));
        fputc('\n', stderr);
        return -1;
    }
    *out = id;
    return 0;
}

struct ranked {
    uint32_t k;
    uint64_t postings;
};

static int rank_cmp(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->postings != y->postings)
        return x->postings > y->postings ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

static const char query_usage[] =
    "usage: skidx query IDX [options]\n"
    "\n"
    "Rank the skills of a slice by the share of its postings that mention\n"
    "them, or compare chosen skills across roles and levels.\n"
    "\n"
    "  -r, --role ROLE          slice: one role (default: all)\n"
    "  -s, --seniority LEVEL    slice: one level (default: all)\n"
    "  -n, --top N              skills to list (default 20; 0 = all)\n"
    "  -k, --skill A,B,...      these skills' shares instead of a ranking\n"
    "  -b, --by role,seniority  with --skill: one row per role, level or\n"
    "                           (role, level) cell\n"
    "  -m, --min-postings N     leave out rows with fewer postings (default 1)\n"
    "  -f, --format FMT         table (default), csv or json; CSV and JSON\n"
    "                           are tidy: one row per role, level and skill,\n"
    "                           share as a fraction\n"
    "  -h, --help               this text\n"
    "\n"
    "Names are caseless; 'all' stands for any role or level.\n";

static void fmt_share(char *buf, size_t n, uint64_t part, uint64_t whole,
                      enum out_format f)
{
    double s = whole ? (double)part / (double)whole : 0.0;
    if (f == FMT_TABLE)
        snprintf(buf, n, "%.1f%%", 100.0 * s);
    else
        snprintf(buf, n, "%.6f", s);
}

static int query_top(const struct skidx_index *idx, int32_t role,
                     int32_t level, long top, enum out_format f)
{
    uint32_t ns = skidx_index_n_skills(idx);
    struct skidx_skill_stats *st = calloc(ns, sizeof(*st));
    struct ranked *rk = calloc(ns, sizeof(*rk));
    struct skidx_cell_stats cell;
    if (!st || !rk) {
        free(st);
        free(rk);
        cli_msg("out of memory");
        return EXIT_DATA;
    }
    skidx_index_cell(idx, role, level, &cell);
    skidx_index_slice(idx, role, level, st);
    uint32_t n = 0;
    for (uint32_t k = 0; k < ns; k++)
        if (st[k].postings)
            rk[n++] = (struct ranked){k, st[k].postings};
    qsort(rk, n, sizeof(*rk), rank_cmp);
    if (top > 0 && (uint32_t)top < n)
        n = (uint32_t)top;
    const char *rname = role < 0 ? "All" : skidx_index_role_name(idx, (uint32_t)role);
    const char *lname = level < 0 ? "All" : skidx_index_level_name(idx, (uint32_t)level);

    static const char *const tnames[] = {"rank", "skill", "category",
                                         "postings", "share"};
    static const enum col_kind tkinds[] = {COL_INT, COL_TEXT, COL_TEXT,
                                           COL_INT, COL_REAL};
    static const char *const mnames[] = {"role",  "seniority", "skill",
                                         "category", "rank", "postings",
                                         "slice_postings", "share"};
    static const enum col_kind mkinds[] = {COL_TEXT, COL_TEXT, COL_TEXT,
                                           COL_TEXT, COL_INT,  COL_INT,
                                           COL_INT,  COL_REAL};
    struct table t;
    if (f == FMT_TABLE)
        table_init(&t, 5, tnames, tkinds);
    else
        table_init(&t, 8, mnames, mkinds);
    for (uint32_t i = 0; i < n; i++) {
        char rank[16], post[32], share[32], slice[32];
        uint32_t k = rk[i].k;
        snprintf(rank, sizeof(rank), "%u", i + 1);
        fmt_share(share, sizeof(share), rk[i].postings, cell.postings, f);
        if (f == FMT_TABLE) {
            grouped(rk[i].postings, post, sizeof(post));
            const char *row[] = {rank, skidx_index_skill_name(idx, k),
                                 skidx_index_skill_category(idx, k), post,
                                 share};
            table_add_row(&t, row);
        } else {
            snprintf(post, sizeof(post), "%llu",
                     (unsigned long long)rk[i].postings);
            snprintf(slice, sizeof(slice), "%llu",
                     (unsigned long long)cell.postings);
            const char *row[] = {rname, lname, skidx_index_skill_name(idx, k),
                                 skidx_index_skill_category(idx, k), rank,
                                 post, slice, share};
            table_add_row(&t, row);
        }
    }
    if (f == FMT_TABLE) {
        char buf[32], buf2[32];
        printf("role: %s   seniority: %s   postings: %s", rname, lname,
               grouped(cell.postings, buf, sizeof(buf)));
        if (cell.salaried)
            printf("   mean salary: %s (%s salaried)",
                   grouped((cell.salary_sum + cell.salaried / 2) /
                               cell.salaried,
                           buf2, sizeof(buf2)),
                   grouped(cell.salaried, buf, sizeof(buf)));
        printf("\n\n");
    }
    table_print(&t, f, stdout);
    table_release(&t);
    free(st);
    free(rk);
    return EXIT_OK;
}

/* --skill A,B [--by role,seniority] */
static int query_skills(const struct skidx_index *idx, char *skills,
                        int by_role, int by_level, int32_t role, int32_t level,
                        uint64_t min_postings, enum out_format f)
{
    uint32_t ks[256], nk = 0;
    for (char *tok = strtok(skills, ","); tok; tok = strtok(NULL, ",")) {
        while (*tok == ' ')
            tok++;
        size_t l = strlen(tok);
        while (l && tok[l - 1] == ' ')
            tok[--l] = '\0';
        if (!*tok)
            continue;
        int32_t k = skidx_index_find_skill(idx, tok);
        if (k < 0) {
            cli_msg("unknown skill '%s' (names as in 'skidx query IDX "
                    "--top 0'; caseless)",
                    tok);
            return EXIT_USAGE;
        }
        if (nk == 256) {
            cli_msg("too many skills (256 at most)");
            return EXIT_USAGE;
        }
        ks[nk++] = (uint32_t)k;
    }
    if (!nk) {
        cli_msg("--skill needs at least one skill name");
        return EXIT_USAGE;
    }
    uint32_t nr = by_role ? skidx_index_n_roles(idx) : 1;
    uint32_t nl = by_level ? skidx_index_n_levels(idx) : 1;

    struct table t;
    const char **names = NULL;
    enum col_kind *kinds = NULL;
    size_t ncols;
    if (f == FMT_TABLE) {
        ncols = 3 + nk;
        names = calloc(ncols, sizeof(*names));
        kinds = calloc(ncols, sizeof(*kinds));
        if (!names || !kinds)
            goto nomem;
        names[0] = "role";
        names[1] = "seniority";
        names[2] = "postings";
        kinds[2] = COL_INT;
        for (uint32_t i = 0; i < nk; i++) {
            names[3 + i] = skidx_index_skill_name(idx, ks[i]);
            kinds[3 + i] = COL_REAL;
        }
    } else {
        static const char *const mn[] = {"role", "seniority", "skill",
                                         "postings", "skill_postings",
                                         "share"};
        static const enum col_kind mk[] = {COL_TEXT, COL_TEXT, COL_TEXT,
                                           COL_INT,  COL_INT,  COL_REAL};
        ncols = 6;
        names = calloc(ncols, sizeof(*names));
        kinds = calloc(ncols, sizeof(*kinds));
        if (!names || !kinds)
            goto nomem;
        memcpy(names, mn, sizeof(mn));
        memcpy(kinds, mk, sizeof(mk));
    }
    table_init(&t, ncols, names, kinds);
    for (uint32_t r = 0; r < nr; r++)
        for (uint32_t l = 0; l < nl; l++) {
            int32_t rr = by_role ? (int32_t)r : role;
            int32_t ll = by_level ? (int32_t)l : level;
            struct skidx_cell_stats cell;
            skidx_index_cell(idx, rr, ll, &cell);
            if (cell.postings < min_postings || !cell.postings)
                continue;
            const char *rn = rr < 0 ? "All" : skidx_index_role_name(idx, (uint32_t)rr);
            const char *ln = ll < 0 ? "All" : skidx_index_level_name(idx, (uint32_t)ll);
            char post[32];
            if (f == FMT_TABLE) {
                char shares[256][16];
                const char *row[3 + 256];
                row[0] = rn;
                row[1] = ln;
                row[2] = grouped(cell.postings, post, sizeof(post));
                for (uint32_t i = 0; i < nk; i++) {
                    struct skidx_skill_stats s;
                    skidx_index_skill(idx, rr, ll, ks[i], &s);
                    fmt_share(shares[i], sizeof(shares[i]), s.postings,
                              cell.postings, f);
                    row[3 + i] = shares[i];
                }
                table_add_row(&t, row);
            } else {
                snprintf(post, sizeof(post), "%llu",
                         (unsigned long long)cell.postings);
                for (uint32_t i = 0; i < nk; i++) {
                    struct skidx_skill_stats s;
                    char sp[32], sh[32];
                    skidx_index_skill(idx, rr, ll, ks[i], &s);
                    snprintf(sp, sizeof(sp), "%llu",
                             (unsigned long long)s.postings);
                    fmt_share(sh, sizeof(sh), s.postings, cell.postings, f);
                    const char *row[] = {rn, ln,
                                         skidx_index_skill_name(idx, ks[i]),
                                         post, sp, sh};
                    table_add_row(&t, row);
                }
            }
        }
    table_print(&t, f, stdout);
    table_release(&t);
    free(names);
    free(kinds);
    return EXIT_OK;
nomem:
    free(names);
    free(kinds);
    cli_msg("out of memory");
    return EXIT_DATA;
}

int cmd_query(int argc, char **argv)
{
    static const struct option lo[] = {
        {"role", required_argument, 0, 'r'},
        {"seniority", required_argument, 0, 's'},
        {"top", required_argument, 0, 'n'},
        {"skill", required_argument, 0, 'k'},
        {"by", required_argument, 0, 'b'},
        {"min-postings", required_argument, 0, 'm'},
        {"format", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *role_s = NULL, *level_s = NULL;
    char *skills = NULL, *by = NULL;
    long top = 20;
    unsigned long long min_postings = 1;
    enum out_format fmt = FMT_TABLE;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:s:n:k:b:m:f:h", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'r': role_s = optarg; break;
        case 's': level_s = optarg; break;
        case 'n':
            top = strtol(optarg, &end, 10);
            if (*end || top < 0) {
                cli_msg("invalid --top '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'k': skills = optarg; break;
        case 'b': by = optarg; break;
        case 'm':
            min_postings = strtoull(optarg, &end, 10);
            if (*end || optarg[0] == '-') {
                cli_msg("invalid --min-postings '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'f':
            if (parse_format(optarg, &fmt)) {
                cli_msg("invalid --format '%s': table, csv or json", optarg);
                return EXIT_USAGE;
            }
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
    int by_role = 0, by_level = 0;
    if (by) {
        char *copy = strdup(by);
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
            if (!strcmp(tok, "role"))
                by_role = 1;
            else if (!strcmp(tok, "seniority") || !strcmp(tok, "level"))
                by_level = 1;
            else {
                cli_msg("invalid --by '%s': role, seniority or both", tok);
                free(copy);
                return EXIT_USAGE;
            }
        }
        free(copy);
        if (!skills) {
            cli_msg("--by needs --skill");
            return EXIT_USAGE;
        }
    }
    struct skidx_index *idx;
    if (open_index(argv[optind], &idx))
        return EXIT_DATA;
    int32_t role = -1, level = -1;
    int rc;
    if (resolve(idx, "role", role_s, &role) ||
        resolve(idx, "seniority", level_s, &level))
        rc = EXIT_USAGE;
    else if (skills)
        rc = query_skills(idx, skills, by_role, by_level, role, level,
                          min_postings, fmt);
    else
        rc = query_top(idx, role, level, top, fmt);
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
    if (skidx_taxonomy_load(dir, &t, &err) ||
        skidx_compiled_create(t, &c, &err)) {
        cli_report("invalid taxonomy", &err);
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
    printf("aliases       %zu (%zu literal, %zu regex), %zu negative\n",
           skidx_alias_set_count(&t->skills, 0), s.literals - s.negatives +
               0, s.regexes, skidx_alias_set_count(&t->skills, 1));
    printf("roles         %u (%zu rules), levels %u (%zu title rules, %zu "
           "field rules)\n",
           t->n_roles, t->roles.n, t->n_levels, t->levels.n,
           t->level_fields.n);
    printf("word engine   %zu heads, %zu candidates, word mask: %s\n",
           s.heads, s.candidates, s.simd);
    printf("hyperscan     %zu bytes of skill regexes, %zu of title rules\n",
           s.hs_bytes, r.hs_bytes + l.hs_bytes + lf.hs_bytes);
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
                   (unsigned long long)skidx_index_cause_count(idx, i));
        }
        printf("}, \"lost\": [");
        for (uint32_t i = 0; i < skidx_index_n_lost(idx); i++) {
            printf("%s{\"path\": ", i ? ", " : "");
            json_string(stdout, skidx_index_lost_path(idx, i));
            printf(", \"records\": %llu}",
                   (unsigned long long)skidx_index_lost_records(idx, i));
        }
        printf("]}\n");
        skidx_index_close(idx);
        return EXIT_OK;
    }
    printf("index         %s (%s bytes, format %u)\n", path,
           grouped(fsize, a, sizeof(a)), m.format_version);
    printf("built by      skidx %s\n", m.tool_version);
    printf("taxonomy      %s %s (hash %016llx)\n", m.taxonomy_name,
           m.taxonomy_version, (unsigned long long)m.taxonomy_hash);
    printf("shards        %llu indexed, %llu lost\n",
           (unsigned long long)m.shards, (unsigned long long)m.shards_lost);
    printf("input         %.1f MB read, %.1f MB of JSON Lines\n",
           m.bytes_compressed / 1e6, m.bytes_uncompressed / 1e6);
    printf("lines         %s (%s records)\n", grouped(m.lines, a, sizeof(a)),
           grouped(m.records, b, sizeof(b)));
    printf("postings      %s counted\n", grouped(m.postings, a, sizeof(a)));
    printf("duplicates    %s reposts counted once\n",
           grouped(m.duplicates, a, sizeof(a)));
    printf("skipped       %s records\n", grouped(m.skipped, a, sizeof(a)));
    printf("repaired      %s records\n", grouped(m.repaired, a, sizeof(a)));
    printf("salaries      %s in %s", grouped(m.salaried, a, sizeof(a)),
           m.salary_currency);
    printf(", %s in other currencies (counted, not averaged)\n",
           grouped(all.other_currency, b, sizeof(b)));
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
        uint64_t n = skidx_index_cause_count(idx, i);
        if (!n)
            continue;
        if (!any++)
            printf("\nskipped or repaired, by cause:\n");
        printf("  %-16s %s\n", skidx_index_cause_name(idx, i),
               grouped(n, a, sizeof(a)));
    }
    for (uint32_t i = 0; i < skidx_index_n_lost(idx); i++)
        printf("%slost shard    %s (after %llu records)\n", i ? "" : "\n",
               skidx_index_lost_path(idx, i),
               (unsigned long long)skidx_index_lost_records(idx, i));

    /* postings by role and level */
    uint32_t nr = skidx_index_n_roles(idx), nl = skidx_index_n_levels(idx);
    printf("\n%-26s", "postings by role, level");
    for (uint32_t l = 0; l < nl; l++)
        printf(" %10.10s", skidx_index_level_name(idx, l));
    printf(" %10s\n", "all");
    for (uint32_t r = 0; r < nr; r++) {
        struct skidx_cell_stats cs;
        printf("%-26.26s", skidx_index_role_name(idx, r));
        for (uint32_t l = 0; l < nl; l++) {
            skidx_index_cell(idx, (int32_t)r, (int32_t)l, &cs);
            printf(" %10llu", (unsigned long long)cs.postings);
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
        struct skidx_index_meta m;
        skidx_index_get_meta(idx, &m);
        printf("%s: ok (format %u, %llu postings, taxonomy %016llx)\n",
               argv[i], m.format_version, (unsigned long long)m.postings,
               (unsigned long long)m.taxonomy_hash);
        skidx_index_close(idx);
    }
    return rc;
}
