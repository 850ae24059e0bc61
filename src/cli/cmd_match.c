/*
 * cmd_match.c - `skidx match`: show, posting by posting, the role, level,
 * skills and the alias matches behind them, with the very code `index`
 * counts with (skidx_posting_process).
 */
#include "build/indexer.h"
#include "cli/cmd_index.h"
#include "cli/cmds.h"
#include "cli/corpus_walk.h"
#include "cli/out.h"
#include "cli/tax_open.h"
#include "core/taxonomy.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mctx {
    const struct skidx_compiled *comp;
    struct skidx_taxonomy *tax;    /* comp's, freed after it */
    struct skidx_compiled *owned;  /* comp, freed at the end */
    const char *tax_dir;
    unsigned tax_flags;
    int recompiled; /* the taxonomy was compiled again after a damaged
                       cache file (once a run) */
    struct skidx_worker w;
    struct corpus_walk walk; /* keys, format and skipped records */
    int text_mode;
    enum skidx_engine engine;
    const char *currency;
    uint64_t skipped; /* postings without text */
};

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_value(const struct skidx_value *v)
{
    if (v->type == SKIDX_V_STRING) {
        char *s = malloc(v->len + 1);
        if (!s) {
            fputs("null", stdout);
            return;
        }
        memcpy(s, v->p, v->len);
        s[v->len] = '\0';
        json_string(stdout, s);
        free(s);
    } else if (v->type == SKIDX_V_NUMBER) {
        fwrite(v->p, 1, v->len, stdout);
    } else {
        fputs("null", stdout);
    }
}

static void emit(struct mctx *m, const struct skidx_value *id,
                 const struct skidx_posting_result *r)
{
    const struct skidx_taxonomy *t = m->comp->tax;
    const struct skidx_alias_set *set = &t->skills;
    const struct skidx_match_scratch *s = &m->w.skills;
    printf("{\"id\":");
    print_value(id);
    printf(",\"role\":");
    json_string(stdout, t->role_name[r->role]);
    printf(",\"seniority\":");
    json_string(stdout, t->level_name[r->level]);
    const char **names = calloc(r->n_skills ? r->n_skills : 1, sizeof(*names));
    for (size_t i = 0; names && i < r->n_skills; i++)
        names[i] = t->skill_name[r->skills[i]];
    if (names)
        qsort(names, r->n_skills, sizeof(*names), cmp_names);
    printf(",\"skills\":[");
    for (size_t i = 0; names && i < r->n_skills; i++) {
        if (i)
            putchar(',');
        json_string(stdout, names[i]);
    }
    free(names);
    printf("],\"matches\":[");
    for (size_t i = 0; i < s->n_hits; i++) {
        const struct skidx_hit *h = &s->hits[i];
        const struct skidx_alias *a = &set->a[h->alias];
        if (i)
            putchar(',');
        printf("{\"skill\":");
        json_string(stdout, t->skill_name[h->owner]);
        printf(",\"alias\":");
        char form[8] = "";
        snprintf(form, sizeof(form), "%s%s%s%s",
                 (a->flags & SKIDX_ALIAS_CASE) ? "=" : "",
                 (a->flags & SKIDX_ALIAS_STRICT) ? "~" : "",
                 (a->flags & SKIDX_ALIAS_JOINED) ? "+" : "",
                 (a->flags & SKIDX_ALIAS_REGEX) ? "/" : "");
        size_t n = strlen(form) + a->len + 2;
        char *full = malloc(n);
        if (full && (a->flags & SKIDX_ALIAS_UNSPACED)) {
            /* written as a literal: shown as written, unescaped */
            size_t o = 0;
            for (uint32_t k = 0; k < a->len; k++)
                if (a->text[k] != '\\' || (k && a->text[k - 1] == '\\'))
                    full[o++] = a->text[k];
            full[o] = '\0';
            json_string(stdout, full);
            free(full);
        } else if (full) {
            snprintf(full, n, "%s%s%s", form, a->text,
                     (a->flags & SKIDX_ALIAS_REGEX) ? "/" : "");
            json_string(stdout, full);
            free(full);
        } else {
            json_string(stdout, a->text);
        }
        int sec = skidx_posting_hit_section(&m->w, r, i);
        printf(",\"field\":\"%s\",\"section\":\"%s\",\"start\":%u,"
               "\"end\":%u%s}",
               i < r->title_hits ? "title" : "description",
               sec < 0 ? "title" : skidx_section_name(sec), h->start, h->end,
               (h->flags & SKIDX_HIT_MASKED) ? ",\"masked\":true" : "");
    }
    printf("]}\n");
}

static int match_posting(struct mctx *m, const char *file, uint64_t lineno,
                         const struct skidx_posting *p,
                         const struct skidx_value *id);

/* A record's fields (JSON or CSV) as a posting and its id. */
static int match_record(void *arg, const char *file, uint64_t lineno,
                        const struct skidx_jsonl_record *r)
{
    struct mctx *m = arg;
    struct skidx_posting p;
    struct skidx_value id;
    skidx_jsonl_to_posting(r, &p);
    id.p = r->f[SKIDX_F_ID].ptr;
    id.len = r->f[SKIDX_F_ID].len;
    id.type = r->f[SKIDX_F_ID].type == SKIDX_J_STRING   ? SKIDX_V_STRING
              : r->f[SKIDX_F_ID].type == SKIDX_J_NUMBER ? SKIDX_V_NUMBER
                                                        : SKIDX_V_ABSENT;
    return match_posting(m, file, lineno, &p, &id);
}

static int match_line(struct mctx *m, const char *file, uint64_t lineno,
                      const char *line, size_t n)
{
    struct skidx_posting p;
    struct skidx_value id = {0};
    char idbuf[32];
    memset(&p, 0, sizeof(p));
    if (m->text_mode) {
        p.v[SKIDX_P_TITLE] = (struct skidx_value){line, n, SKIDX_V_STRING};
        snprintf(idbuf, sizeof(idbuf), "%llu", (unsigned long long)lineno);
        id = (struct skidx_value){idbuf, strlen(idbuf), SKIDX_V_NUMBER};
    } else {
        return corpus_walk_json_line(&m->walk, file, lineno, line, n);
    }
    return match_posting(m, file, lineno, &p, &id);
}

/* The taxonomy of m->tax_dir opened with `flags` (cli_taxonomy_open),
 * taking the place of the one in use, if any, with a worker of its own.
 * 0, or -1 when it failed (said). */
static int use_taxonomy(struct mctx *m, unsigned flags)
{
    struct skidx_taxonomy *tax = NULL;
    struct skidx_compiled *comp = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    skidx_status st = cli_taxonomy_open(m->tax_dir, flags, &tax, &comp, &err);
    if (st) {
        cli_report_st("invalid taxonomy", st, &err);
        skidx_taxonomy_free(tax);
        return -1;
    }
    skidx_worker_release(&m->w);
    skidx_compiled_free(m->owned);
    skidx_taxonomy_free(m->tax);
    m->owned = comp;
    m->comp = comp;
    m->tax = tax;
    if (skidx_worker_init(&m->w, comp)) {
        cli_msg("out of memory");
        return -1;
    }
    return 0;
}

static int match_posting(struct mctx *m, const char *file, uint64_t lineno,
                         const struct skidx_posting *p,
                         const struct skidx_value *id)
{
    struct skidx_posting_result r;
    unsigned skip = 0;
    skidx_status st = skidx_posting_process(m->comp, &m->w, p, m->currency, 1,
                                            m->engine, &r, &skip);
    if (st && st != SKIDX_ERR_CORRUPT && !m->recompiled &&
        cli_taxonomy_damaged(m->comp, 1)) {
        /* a Hyperscan database of the cache file did not rebuild on its
         * first scan (the file is named and removed): the taxonomy is
         * compiled and this posting matched again. What was printed
         * before came from databases that did rebuild, so the output is
         * the compiled taxonomy's whole. */
        /* through the cache: a file that is there again is refused
         * unless every database in it rebuilds, and the next run loads
         * what this one writes */
        m->recompiled = 1;
        if (use_taxonomy(m, m->tax_flags | CLI_TAX_ALL_DBS))
            return -1;
        st = skidx_posting_process(m->comp, &m->w, p, m->currency, 1,
                                   m->engine, &r, &skip);
    }
    if (st == SKIDX_ERR_CORRUPT) {
        fprintf(stderr, "skidx: %s:%llu: skipped record: %s\n", file,
                (unsigned long long)lineno, skidx_cause_text(skip));
        m->skipped++;
        return 0;
    }
    if (st) {
        cli_msg("%s:%llu: %s", file, (unsigned long long)lineno,
                skidx_strerror(st));
        return -1;
    }
    emit(m, id, &r);
    return 0;
}

static int match_stream(struct mctx *m, const char *name, FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t no = 0;
    int rc = 0;
    while (!rc && (n = getline(&line, &cap, in)) >= 0) {
        no++;
        size_t len = (size_t)n;
        if (len && line[len - 1] == '\n')
            len--;
        if (len && line[len - 1] == '\r')
            len--;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == len)
            continue;
        rc = match_line(m, name, no, line, len);
    }
    free(line);
    return rc;
}

static const char match_usage[] =
    "usage: skidx match [options] [FILE...]\n"
    "\n"
    "Print one JSON object per posting: its id, role, seniority, skills\n"
    "(canonical names, sorted) and every alias match behind them, with the\n"
    "field, the section (title, none before the first heading, or the\n"
    "heading's kind: requirements, preferred, responsibilities, other,\n"
    "company, benefits, legal, apply; matches in the last four do not\n"
    "count) and the byte range [start, end) in the field's unescaped text.\n"
    "Reads JSON Lines from standard input, and from files JSON Lines, CSV\n"
    "or TSV (by name, as 'skidx index' does; plain, zstd or gzip).\n"
    "\n"
    "  -t, --taxonomy DIR       skills.tsv and roles.tsv (default: %s)\n"
    "      --text               each input line is plain text (title and\n"
    "                           skills from the same line)\n"
    "  -f, --field FIELD=KEY    as for 'skidx index'\n"
    "      --format jsonl|csv|tsv  as for 'skidx index' (files only)\n"
    "      --engine words|oracle  literal matching engine\n"
    "      --no-cache           compile the taxonomy, bypassing the\n"
    "                           compiled-taxonomy cache (as SKIDX_CACHE=off)\n"
    "  -h, --help               this text\n"
    "\n"
    "Exit 1 if a record was skipped (each is reported on stderr).\n";

int cmd_match(int argc, char **argv)
{
    static const struct option lo[] = {
        {"taxonomy", required_argument, 0, 't'},
        {"text", no_argument, 0, 1},
        {"field", required_argument, 0, 'f'},
        {"engine", required_argument, 0, 2},
        {"format", required_argument, 0, 3},
        {"no-cache", no_argument, 0, 4},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    struct mctx m;
    const char *tax_dir = skidx_taxonomy_default_dir();
    struct skidx_error err;
    unsigned tax_flags = 0;
    int c;
    memset(&m, 0, sizeof(m));
    m.currency = "USD";
    corpus_walk_init(&m.walk, match_record, &m);
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:f:h", lo, NULL)) != -1) {
        switch (c) {
        case 't': tax_dir = optarg; break;
        case 1: m.text_mode = 1; break;
        case 4: tax_flags |= CLI_TAX_NO_CACHE; break;
        case 'f':
            skidx_error_clear(&err);
            if (skidx_jsonl_keys_remap_once(&m.walk.keys, optarg, &err)) {
                cli_msg("invalid --field '%s': %s", optarg, err.msg);
                return EXIT_USAGE;
            }
            break;
        case 2:
            if (!strcmp(optarg, "words"))
                m.engine = SKIDX_ENGINE_WORDS;
            else if (!strcmp(optarg, "oracle"))
                m.engine = SKIDX_ENGINE_ORACLE;
            else {
                cli_msg("invalid --engine '%s': words or oracle", optarg);
                return EXIT_USAGE;
            }
            break;
        case 3:
            if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "ndjson"))
                m.walk.format = SKIDX_FORMAT_JSONL;
            else if (!strcmp(optarg, "csv"))
                m.walk.format = SKIDX_FORMAT_CSV;
            else if (!strcmp(optarg, "tsv"))
                m.walk.format = SKIDX_FORMAT_TSV;
            else {
                cli_msg("invalid --format '%s': jsonl, csv or tsv", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            printf(match_usage, skidx_taxonomy_default_dir());
            return EXIT_OK;
        default:
            fprintf(stderr, match_usage, skidx_taxonomy_default_dir());
            return EXIT_USAGE;
        }
    }
    keep_freed_memory();
    huge_heap();
    m.tax_dir = tax_dir;
    m.tax_flags = tax_flags;
    int rc = use_taxonomy(&m, tax_flags);
    if (!rc && optind == argc) {
        rc = match_stream(&m, "<stdin>", stdin);
    } else {
        for (int i = optind; i < argc && !rc; i++) {
            if (!strcmp(argv[i], "-"))
                rc = match_stream(&m, "<stdin>", stdin);
            else if (m.text_mode) {
                FILE *f = fopen(argv[i], "r");
                if (!f) {
                    cli_msg("cannot open '%s'", argv[i]);
                    rc = -1;
                } else {
                    rc = match_stream(&m, argv[i], f);
                    fclose(f);
                }
            } else {
                rc = corpus_walk_file(&m.walk, argv[i]);
            }
        }
    }
    /* standard output is flushed and checked at exit (cli_close_stdout) */
    skidx_worker_release(&m.w);
    corpus_walk_release(&m.walk);
    skidx_compiled_free(m.owned);
    skidx_taxonomy_free(m.tax);
    return rc || m.skipped || m.walk.skipped ? EXIT_DATA : EXIT_OK;
}
