/*
 * cmd_taxonomy.c - `skidx taxonomy lint`: review a taxonomy before users
 * find its mistakes.
 *
 * The loader already refuses what cannot work (an alias given twice, a bad
 * form); lint reports what loads but is likely wrong:
 *
 *   error    a skill with no positive alias (it can never match: the
 *            canonical name is matched only when it is also an alias);
 *   error    two skills whose aliases match the same text: equal after
 *            case folding where either is caseless, or equal as written
 *            where both are case-sensitive, once the separators between
 *            words (space, hyphen, underscore, slash) are taken as one;
 *   warning  a caseless alias that is a common English word of the word
 *            list (default /usr/share/dict/words, Debian's wamerican): it
 *            matches "go", "swift", "spark" in every sense, so it wants an
 *            '=' (case-sensitive form), negatives, or a qualified form;
 *   note     a case-sensitive alias that is an English word written with a
 *            capital (sentence starts still match it).
 *
 * Output is one line a finding, `FILE:LINE: KIND: message`, sorted by file
 * and line, then a summary line on stderr. Exit 1 when there is an error,
 * 0 otherwise (warnings do not fail), 2 on usage errors.
 */
#include "cli/cmds.h"
#include "cli/out.h"
#include "core/taxonomy.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char lint_usage[] =
    "usage: skidx taxonomy lint [DIR] [--words FILE] [--no-words]\n"
    "\n"
    "Report what loads but is likely wrong in a taxonomy (default: %s):\n"
    "skills without aliases and aliases two skills share (errors), caseless\n"
    "aliases that are common English words (warnings), case-sensitive ones\n"
    "that are capitalised English words (notes). One line a finding,\n"
    "FILE:LINE: KIND: message. Exit 1 if there is an error.\n"
    "\n"
    "      --words FILE   word list, one word a line (default:\n"
    "                     /usr/share/dict/words when it exists)\n"
    "      --no-words     skip the word-list checks\n"
    "  -h, --help         this text\n";

/* ---- a small open-addressing set of strings --------------------------- */

struct sset {
    char **slot;
    size_t cap, n;
};

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int sset_grow(struct sset *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 1024;
    char **ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slot[i])
            continue;
        size_t j = str_hash(s->slot[i]) & (ncap - 1);
        while (ns[j])
            j = (j + 1) & (ncap - 1);
        ns[j] = s->slot[i];
    }
    free(s->slot);
    s->slot = ns;
    s->cap = ncap;
    return 0;
}

/* Add a copy of w; returns 0 (also when present) or -1 out of memory. */
static int sset_add(struct sset *s, const char *w)
{
    if ((s->n + 1) * 4 > s->cap * 3 && sset_grow(s))
        return -1;
    size_t j = str_hash(w) & (s->cap - 1);
    while (s->slot[j]) {
        if (!strcmp(s->slot[j], w))
            return 0;
        j = (j + 1) & (s->cap - 1);
    }
    if (!(s->slot[j] = strdup(w)))
        return -1;
    s->n++;
    return 0;
}

static int sset_has(const struct sset *s, const char *w)
{
    if (!s->cap)
        return 0;
    size_t j = str_hash(w) & (s->cap - 1);
    while (s->slot[j]) {
        if (!strcmp(s->slot[j], w))
            return 1;
        j = (j + 1) & (s->cap - 1);
    }
    return 0;
}

static void sset_release(struct sset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    memset(s, 0, sizeof *s);
}

/* ---- findings --------------------------------------------------------- */

enum { F_ERROR = 0, F_WARNING, F_NOTE };
static const char *const kind_name[] = {"error", "warning", "note"};

struct finding {
    uint32_t line;
    int kind;
    char *msg;
};

struct findings {
    struct finding *f;
    size_t n, cap;
    size_t count[3];
};

static int add_finding(struct findings *fs, uint32_t line, int kind,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int add_finding(struct findings *fs, uint32_t line, int kind,
                       const char *fmt, ...)
{
    if (fs->n == fs->cap) {
        size_t ncap = fs->cap ? fs->cap * 2 : 64;
        struct finding *nf = realloc(fs->f, ncap * sizeof *nf);
        if (!nf)
            return -1;
        fs->f = nf;
        fs->cap = ncap;
    }
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = r < 0 ? NULL : malloc((size_t)r + 1);
    if (!msg)
        return -1;
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)r + 1, fmt, ap);
    va_end(ap);
    fs->f[fs->n++] = (struct finding){line, kind, msg};
    fs->count[kind]++;
    return 0;
}

static int cmp_finding(const void *a, const void *b)
{
    const struct finding *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    return strcmp(x->msg, y->msg);
}

/* ---- the checks ------------------------------------------------------- */

/* The text an alias matches, as a key: separators between words (runs of
 * space, '-', '_', '/') become one space; caseless aliases are folded to
 * lower case (ASCII, as the matcher folds), case-sensitive ones keep their
 * case and get a marker so that they only meet caseless keys through the
 * folded probe below. */
static char *alias_key(const struct skidx_alias *a, int fold)
{
    char *k = malloc((size_t)a->len + 1);
    if (!k)
        return NULL;
    size_t o = 0;
    int sep = 0;
    for (uint32_t i = 0; i < a->len; i++) {
        unsigned char c = (unsigned char)a->text[i];
        int is_sep = c == ' ' || c == '-' || c == '_' || c == '/';
        /* a separator counts as such only between two word characters;
         * "C/C++" or "-" at an end stays as written */
        if (is_sep && o > 0 && i + 1 < a->len &&
            isalnum((unsigned char)a->text[i + 1]) &&
            isalnum((unsigned char)k[o - 1])) {
            sep = 1;
            continue;
        }
        if (sep) {
            k[o++] = ' ';
            sep = 0;
        }
        k[o++] = fold ? (char)tolower(c) : (char)c;
    }
    k[o] = '\0';
    return k;
}

struct keyed {
    char *key;
    uint32_t alias;
};

static int cmp_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->alias < y->alias ? -1 : x->alias > y->alias;
}

/* Aliases of different skills that match the same text. Every positive
 * literal is keyed by its folded form; within a group of equal folded keys
 * two aliases of different skills collide unless both are case-sensitive
 * and differ as written. */
static int check_shared(const struct skidx_taxonomy *t, struct findings *fs)
{
    const struct skidx_alias_set *s = &t->skills;
    struct keyed *kv = calloc(s->n ? s->n : 1, sizeof *kv);
    if (!kv)
        return -1;
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct skidx_alias *a = &s->a[i];
        if (a->flags & (SKIDX_ALIAS_NEG | SKIDX_ALIAS_REGEX))
            continue;
        if (!(kv[n].key = alias_key(a, 1))) {
            rc = -1;
            goto out;
        }
        kv[n++].alias = (uint32_t)i;
    }
    qsort(kv, n, sizeof *kv, cmp_keyed);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && !strcmp(kv[j].key, kv[i].key))
            j++;
        for (size_t x = i; x < j; x++)
            for (size_t y = x + 1; y < j; y++) {
                const struct skidx_alias *a = &s->a[kv[x].alias];
                const struct skidx_alias *b = &s->a[kv[y].alias];
                if (a->owner == b->owner)
                    continue;
                if ((a->flags & SKIDX_ALIAS_CASE) &&
                    (b->flags & SKIDX_ALIAS_CASE)) {
                    char *ka = alias_key(a, 0), *kb = alias_key(b, 0);
                    int same = ka && kb && !strcmp(ka, kb);
                    free(ka);
                    free(kb);
                    if (!ka || !kb) {
                        rc = -1;
                        goto out;
                    }
                    if (!same)
                        continue;
                }
                if (add_finding(fs, b->line, F_ERROR,
                                "alias '%s' of '%s' matches the same text as "
                                "alias '%s' of '%s' (line %u)",
                                b->text, t->skill_name[b->owner], a->text,
                                t->skill_name[a->owner], a->line)) {
                    rc = -1;
                    goto out;
                }
            }
        i = j;
    }
out:
    for (size_t i = 0; i < n; i++)
        free(kv[i].key);
    free(kv);
    return rc;
}

static int check_unaliased(const struct skidx_taxonomy *t,
                           const uint32_t *skill_line, struct findings *fs)
{
    const struct skidx_alias_set *s = &t->skills;
    unsigned char *has = calloc(t->n_skills ? t->n_skills : 1, 1);
    if (!has)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        if (!(s->a[i].flags & SKIDX_ALIAS_NEG))
            has[s->a[i].owner] = 1;
    int rc = 0;
    for (uint32_t k = 0; k < t->n_skills && !rc; k++)
        if (!has[k])
            rc = add_finding(fs, skill_line[k], F_ERROR,
                             "skill '%s' has no positive alias: it can never "
                             "match",
                             t->skill_name[k]);
    free(has);
    return rc;
}

static int load_words(const char *path, struct sset *words)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char buf[256];
    int rc = 0;
    while (fgets(buf, sizeof buf, f)) {
        size_t l = strcspn(buf, "\r\n");
        buf[l] = '\0';
        if (l < 2 || strchr(buf, '\'')) /* "go's" and one letters: no */
            continue;
        if (sset_add(words, buf)) {
            rc = -2;
            break;
        }
    }
    if (ferror(f) && !rc)
        rc = -1;
    fclose(f);
    return rc;
}

static int is_plain_word(const char *s)
{
    for (; *s; s++)
        if (!isalpha((unsigned char)*s))
            return 0;
    return 1;
}

static int check_words(const struct skidx_taxonomy *t,
                       const struct sset *words, struct findings *fs)
{
    const struct skidx_alias_set *s = &t->skills;
    for (size_t i = 0; i < s->n; i++) {
        const struct skidx_alias *a = &s->a[i];
        if ((a->flags & (SKIDX_ALIAS_NEG | SKIDX_ALIAS_REGEX)) ||
            !is_plain_word(a->text))
            continue;
        char lower[128];
        if (a->len >= sizeof lower)
            continue;
        for (uint32_t j = 0; j <= a->len; j++)
            lower[j] = (char)tolower((unsigned char)a->text[j]);
        if (!sset_has(words, lower))
            continue;
        if (!(a->flags & SKIDX_ALIAS_CASE)) {
            if (add_finding(fs, a->line, F_WARNING,
                            "caseless alias '%s' of '%s' is a common English "
                            "word: make it case-sensitive ('=%s'), add "
                            "negatives or use a qualified form",
                            a->text, t->skill_name[a->owner], a->text))
                return -1;
        } else if (isupper((unsigned char)a->text[0]) &&
                   !strcmp(lower + 1, a->text + 1) &&
                   add_finding(fs, a->line, F_NOTE,
                               "case-sensitive alias '%s' of '%s' is an "
                               "English word with a capital: it matches at "
                               "the start of sentences",
                               a->text, t->skill_name[a->owner])) {
            return -1;
        }
    }
    return 0;
}

/* The line of each skill: the smallest line among its aliases, which is the
 * skill's own line (all aliases of a skill sit on it). Skills without any
 * alias have none; they get line 0 and are sorted first. */
static uint32_t *skill_lines(const struct skidx_taxonomy *t)
{
    uint32_t *l = calloc(t->n_skills ? t->n_skills : 1, sizeof *l);
    if (!l)
        return NULL;
    for (size_t i = 0; i < t->skills.n; i++) {
        const struct skidx_alias *a = &t->skills.a[i];
        if (!l[a->owner] || a->line < l[a->owner])
            l[a->owner] = a->line;
    }
    return l;
}

static int lint(int argc, char **argv)
{
    static const struct option lo[] = {
        {"words", required_argument, 0, 'w'},
        {"no-words", no_argument, 0, 'n'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *words_path = NULL;
    int no_words = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'w':
            words_path = optarg;
            break;
        case 'n':
            no_words = 1;
            break;
        case 'h':
            printf(lint_usage, skidx_taxonomy_default_dir());
            return EXIT_OK;
        default:
            fprintf(stderr, lint_usage, skidx_taxonomy_default_dir());
            return EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        cli_msg("taxonomy lint takes one directory");
        return EXIT_USAGE;
    }
    const char *dir =
        optind < argc ? argv[optind] : skidx_taxonomy_default_dir();

    struct skidx_error err = {0};
    struct skidx_taxonomy *t = NULL;
    if (skidx_taxonomy_load(dir, &t, &err)) {
        cli_report("invalid taxonomy", &err);
        return EXIT_DATA;
    }
    struct findings fs = {0};
    struct sset words = {0};
    int rc = EXIT_OK, oom = 0;
    uint32_t *lines = skill_lines(t);
    if (!lines) {
        oom = 1;
        goto done;
    }
    if (!no_words) {
        const char *wp = words_path ? words_path : "/usr/share/dict/words";
        int r = load_words(wp, &words);
        if (r == -2) {
            oom = 1;
            goto done;
        }
        if (r == -1) {
            if (words_path) {
                cli_msg("cannot read word list '%s': %s", wp, strerror(errno));
                rc = EXIT_USAGE;
                goto done;
            }
            cli_msg("no word list at '%s' (install wamerican, or give "
                    "--words FILE): common-word checks skipped",
                    wp);
        }
    }
    if (check_unaliased(t, lines, &fs) || check_shared(t, &fs) ||
        (words.n && check_words(t, &words, &fs))) {
        oom = 1;
        goto done;
    }
    qsort(fs.f, fs.n, sizeof *fs.f, cmp_finding);
    for (size_t i = 0; i < fs.n; i++)
        printf("%s:%u: %s: %s\n", t->skills_path, fs.f[i].line,
               kind_name[fs.f[i].kind], fs.f[i].msg);
    cli_msg("taxonomy lint: %s: %u skills, %zu aliases: %zu errors, %zu "
            "warnings, %zu notes",
            dir, t->n_skills, skidx_alias_set_count(&t->skills, 0),
            fs.count[F_ERROR], fs.count[F_WARNING], fs.count[F_NOTE]);
    if (fs.count[F_ERROR])
        rc = EXIT_DATA;
done:
    if (oom) {
        cli_msg("cannot lint taxonomy: out of memory");
        rc = EXIT_DATA;
    }
    for (size_t i = 0; i < fs.n; i++)
        free(fs.f[i].msg);
    free(fs.f);
    free(lines);
    sset_release(&words);
    skidx_taxonomy_free(t);
    return rc;
}

static const char taxonomy_usage[] =
    "usage: skidx taxonomy lint [DIR] [options]\n"
    "\n"
    "Commands on a taxonomy directory (skills.tsv, roles.tsv):\n"
    "  lint    report skills without aliases, aliases two skills share,\n"
    "          and aliases that are common English words\n"
    "\n"
    "'skidx taxonomy lint --help' gives the options.\n";

int cmd_taxonomy(int argc, char **argv)
{
    if (argc < 2) {
        fputs(taxonomy_usage, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(taxonomy_usage, stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "lint"))
        return lint(argc - 1, argv + 1);
    cli_msg("unknown taxonomy command '%s'", argv[1]);
    fputs(taxonomy_usage, stderr);
    return EXIT_USAGE;
}
