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
 *   error    a positive alias that a negative of its own skill cancels
 *            wholly (the same text); a warning where a case-sensitive
 *            negative cancels only the alias as written;
 *   error    a positive literal that does not find its skill in a text
 *            that is the alias alone (in lower case too, when caseless):
 *            a negative regex, or a rule of the text model, drops it (the
 *            skills' matcher is compiled for this);
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
 *
 * With --corpus, lint reads postings instead (no index: the files are
 * read record by record as `skidx match` reads them) and reports the
 * skills whose matches lie mostly in sections that do not count (company,
 * benefits, legal, apply): an alias that matches mostly in "our values"
 * or "what we offer" is one that also matches in senses nobody asked for
 * ("integrity", "ownership", "flexibility"). Counting is per match, after
 * negatives; masked matches (URLs, file names) are left out.
 */
#include "cli/cmds.h"
#include "cli/corpus_walk.h"
#include "cli/out.h"
#include "cli/table.h"
#include "core/error.h"
#include "core/match.h"
#include "core/posting.h"
#include "core/taxonomy.h"
#include "io/shard.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char lint_usage[] =
    "usage: skidx taxonomy lint [DIR] [--words FILE] [--no-words]\n"
    "       skidx taxonomy lint [DIR] --corpus PATH [--corpus PATH...] "
    "[options]\n"
    "\n"
    "Report what loads but is likely wrong in a taxonomy (default: %s):\n"
    "skills without aliases, aliases two skills share and aliases that a\n"
    "negative of their own skill cancels or that do not find their skill in\n"
    "a text of their own (errors; a warning where a negative cancels only\n"
    "the form as written), caseless aliases that are common\n"
    "English words (warnings), case-sensitive ones that are capitalised\n"
    "English words (notes). One line a finding,\n"
    "FILE:LINE: KIND: message. Exit 1 if there is an error.\n"
    "\n"
    "      --words FILE   word list, one word a line (default:\n"
    "                     /usr/share/dict/words when it exists)\n"
    "      --no-words     skip the word-list checks\n"
    "  -h, --help         this text\n"
    "\n"
    "With --corpus, read postings instead and list the skills whose matches\n"
    "lie mostly in sections that do not count (company, benefits, legal,\n"
    "apply: taxonomy/FORMAT.md, sections.tsv), with example postings, most\n"
    "such matches first; an alias that matches mostly in \"our values\" or\n"
    "\"what we offer\" likely matches senses nobody asks for. No index is\n"
    "built and the alias checks above are not run. Exit 0 whatever is\n"
    "listed; 1 if a file cannot be read or a record was skipped (each is\n"
    "reported on stderr).\n"
    "\n"
    "      --corpus PATH        a corpus file or directory (JSON Lines, CSV,\n"
    "                           TSV; plain, zstd or gzip; as 'skidx index'\n"
    "                           reads them); repeatable\n"
    "      --threshold F        list a skill when at least this fraction of\n"
    "                           its matches do not count (default 0.5)\n"
    "      --min-matches N      ... and it has at least N such matches\n"
    "                           (default 3)\n"
    "      --examples N         example postings a skill (default 3)\n"
    "      --format FMT         table (default), csv, json, jsonl or md\n"
    "  -f, --field FIELD=KEY    as for 'skidx index'\n"
    "      --corpus-format jsonl|csv|tsv  read every file in one format\n";

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

/* The literal aliases of s but those with a flag in `skip`, keyed by
 * their caseless form (alias_key) and sorted, so that aliases matching
 * the same text are runs of equal keys; NULL when out of memory. */
static struct keyed *keyed_aliases(const struct skidx_alias_set *s,
                                   unsigned skip, size_t *n_out)
{
    struct keyed *kv = calloc(s->n ? s->n : 1, sizeof *kv);
    size_t n = 0;
    for (size_t i = 0; kv && i < s->n; i++) {
        if (s->a[i].flags & (skip | SKIDX_ALIAS_REGEX))
            continue;
        if (!(kv[n].key = alias_key(&s->a[i], 1))) {
            while (n)
                free(kv[--n].key);
            free(kv);
            return NULL;
        }
        kv[n++].alias = (uint32_t)i;
    }
    if (kv)
        qsort(kv, n, sizeof *kv, cmp_keyed);
    *n_out = n;
    return kv;
}

static void keyed_free(struct keyed *kv, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(kv[i].key);
    free(kv);
}

/* The end of the run of equal keys that starts at i. */
static size_t key_run(const struct keyed *kv, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && !strcmp(kv[j].key, kv[i].key))
        j++;
    return j;
}

/* Are a and b the same as written (separators taken as one, case kept)?
 * -1 when out of memory. */
static int same_written(const struct skidx_alias *a,
                        const struct skidx_alias *b)
{
    char *ka = alias_key(a, 0), *kb = alias_key(b, 0);
    const int same = ka && kb ? !strcmp(ka, kb) : -1;
    free(ka);
    free(kb);
    return same;
}

/* Aliases of different skills that match the same text. Every positive
 * literal is keyed by its folded form; within a group of equal folded keys
 * two aliases of different skills collide unless both are case-sensitive
 * and differ as written. */
static int check_shared(const struct skidx_taxonomy *t, struct findings *fs)
{
    const struct skidx_alias_set *s = &t->skills;
    size_t n;
    struct keyed *kv = keyed_aliases(s, SKIDX_ALIAS_NEG, &n);
    if (!kv)
        return -1;
    int rc = 0;
    for (size_t i = 0, j; i < n && !rc; i = j) {
        j = key_run(kv, n, i);
        for (size_t x = i; x < j && !rc; x++)
            for (size_t y = x + 1; y < j && !rc; y++) {
                const struct skidx_alias *a = &s->a[kv[x].alias];
                const struct skidx_alias *b = &s->a[kv[y].alias];
                if (a->owner == b->owner)
                    continue;
                if ((a->flags & SKIDX_ALIAS_CASE) &&
                    (b->flags & SKIDX_ALIAS_CASE)) {
                    const int same = same_written(a, b);
                    if (same <= 0) {
                        rc = same;
                        continue;
                    }
                }
                rc = add_finding(fs, b->line, F_ERROR,
                                 "alias '%s' of '%s' matches the same text "
                                 "as alias '%s' of '%s' (line %u)",
                                 b->text, t->skill_name[b->owner], a->text,
                                 t->skill_name[a->owner], a->line);
            }
    }
    keyed_free(kv, n);
    return rc;
}

/* Does a's separator rule make it match one written form only: no space
 * between its words, or '~' (taxonomy/FORMAT.md, "Separators")? */
static int fixed_form(const struct skidx_alias *a)
{
    return (a->flags & SKIDX_ALIAS_STRICT) || !memchr(a->text, ' ', a->len);
}

/* Does negative q match every separator form of alias p (their keys being
 * equal)? A flexible q matches them all, and p's words joined only when it
 * is '+' too; a fixed q only its own, which must then be p's only one. */
static int covers_forms(const struct skidx_alias *p,
                        const struct skidx_alias *q)
{
    if ((p->flags & SKIDX_ALIAS_JOINED) && !(q->flags & SKIDX_ALIAS_JOINED))
        return 0;
    if (!fixed_form(q))
        return 1;
    if (!fixed_form(p) || p->len != q->len)
        return 0;
    for (uint32_t i = 0; i < p->len; i++)
        if (tolower((unsigned char)p->text[i]) !=
            tolower((unsigned char)q->text[i]))
            return 0;
    return 1;
}

/* Positive literals that a negative of their own skill cancels: a
 * negative matching the same text (caseless, or case-sensitive where the
 * alias is too and both are written alike) cancels every match of the
 * alias, which can then never count (an error); a case-sensitive negative
 * written as a caseless alias is written cancels that form only, leaving
 * the alias's other cases (a warning). Such pairs come from two edits
 * that did not see each other (`KI-Tools` added where `!=KI-Tools` was).
 */
static int check_cancelled(const struct skidx_taxonomy *t,
                           struct findings *fs, unsigned char *dead)
{
    const struct skidx_alias_set *s = &t->skills;
    size_t n;
    struct keyed *kv = keyed_aliases(s, 0, &n);
    if (!kv)
        return -1;
    int rc = 0;
    for (size_t i = 0, j; i < n && !rc; i = j) {
        j = key_run(kv, n, i);
        for (size_t x = i; x < j && !rc; x++)
            for (size_t y = i; y < j && !rc; y++) {
                const struct skidx_alias *p = &s->a[kv[x].alias];
                const struct skidx_alias *q = &s->a[kv[y].alias];
                if ((p->flags & SKIDX_ALIAS_NEG) ||
                    !(q->flags & SKIDX_ALIAS_NEG) || p->owner != q->owner ||
                    !covers_forms(p, q))
                    continue;
                int kind = F_ERROR;
                if (q->flags & SKIDX_ALIAS_CASE) {
                    const int same = same_written(p, q);
                    if (same <= 0) {
                        rc = same;
                        continue;
                    }
                    kind = p->flags & SKIDX_ALIAS_CASE ? F_ERROR : F_WARNING;
                }
                dead[kv[x].alias] |= kind == F_ERROR;
                rc = add_finding(fs, p->line, kind,
                                 kind == F_ERROR
                                     ? "alias '%s' of '%s' can never count: "
                                       "its negative '%s' cancels every "
                                       "match"
                                     : "alias '%s' of '%s' is cancelled as "
                                       "written by its negative '=%s': only "
                                       "its other cases count",
                                 p->text, t->skill_name[p->owner], q->text);
            }
    }
    keyed_free(kv, n);
    return rc;
}

/* Positive literals that do not find their own skill in a text that is
 * the alias alone: a negative of the skill (literal or regex) that covers
 * it, or a rule of the text model (a masked span, a folded form) drops
 * every match, so the alias can never count (an error). The skills'
 * matcher is compiled for it (a second or two for the default taxonomy).
 * Regex aliases and those of scripts without spaces (kept as regexes)
 * have no text of their own and are not tried. Returns -1 when out of
 * memory, 1 with `err` filled when the matcher does not compile. */
static int check_alone(const struct skidx_taxonomy *t, struct findings *fs,
                       const unsigned char *dead, struct skidx_error *err)
{
    const struct skidx_alias_set *s = &t->skills;
    struct skidx_matcher *m = NULL;
    skidx_status st = skidx_matcher_create(s, t->n_skills, &m, err);
    if (st)
        return st == SKIDX_ERR_NOMEM ? -1 : 1;
    struct skidx_match_scratch sc;
    if (skidx_match_scratch_init(&sc, m)) {
        skidx_matcher_free(m);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < s->n && !rc; i++) {
        const struct skidx_alias *a = &s->a[i];
        if ((a->flags & (SKIDX_ALIAS_NEG | SKIDX_ALIAS_REGEX)) || dead[i])
            continue; /* (dead: check_cancelled() said so) */
        /* as written, then (a caseless alias) in lower case: a
         * case-sensitive negative that cancels only the written form is
         * check_cancelled()'s warning, not this error */
        int found = 0;
        for (int pass = 0; pass < 2 && !found && !rc; pass++) {
            if (pass && (a->flags & SKIDX_ALIAS_CASE))
                break;
            char *low = NULL;
            if (pass) {
                if (!(low = malloc(a->len ? a->len : 1))) {
                    rc = -1;
                    break;
                }
                for (uint32_t k = 0; k < a->len; k++)
                    low[k] = (char)tolower((unsigned char)a->text[k]);
            }
            skidx_match_reset(&sc);
            st = skidx_match_text(m, &sc, pass ? low : a->text, a->len,
                                  SKIDX_ENGINE_WORDS);
            free(low);
            if (st) {
                rc = st == SKIDX_ERR_NOMEM ? -1 : 1;
                if (rc > 0) {
                    char q[SKIDX_QUOTE];
                    skidx_fail(err, st, t->skills_path, a->line,
                               SKIDX_NOOFF, "alias '%s': %s",
                               skidx_quote(a->text, a->len, q),
                               skidx_strerror(st));
                }
                break;
            }
            for (size_t k = 0; k < sc.n_owners && !found; k++)
                found = sc.owners[k] == a->owner;
        }
        if (!found && !rc)
            rc = add_finding(fs, a->line, F_ERROR,
                             "alias '%s' of '%s' can never count: in a text "
                             "of its own it does not find its skill (a "
                             "negative of the skill or a rule of the text "
                             "model drops it)",
                             a->text, t->skill_name[a->owner]);
    }
    skidx_match_scratch_release(&sc);
    skidx_matcher_free(m);
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


/* ---- --corpus: where each skill's matches fall ------------------------- */

#define SNIP_SIDE 48 /* bytes of context on each side of a match */

struct lint_example {
    const char *file; /* a path of the shard list (outlives the report) */
    uint64_t line;
    char *id;         /* the posting's id, or NULL */
    uint8_t kind;     /* section kind */
    char *snippet;
};

struct skill_tally {
    uint64_t by_kind[SKIDX_SEC_COUNT + 1]; /* [SKIDX_SEC_COUNT]: title */
    uint64_t excluded_postings;
    struct lint_example *ex;
    uint32_t n_ex;
};

struct lint_corpus {
    const struct skidx_compiled *comp;
    struct skidx_worker w;
    struct skill_tally *tally; /* per skill */
    uint32_t max_examples;
    uint64_t postings, no_text;
    uint64_t *seen; /* per skill: the number (from 1) of the last posting
                       with an excluded match, so that a posting counts
                       once in excluded_postings and gives one example */
    int oom;
};

static uint64_t tally_excluded(const struct skill_tally *t)
{
    return t->by_kind[SKIDX_SEC_COMPANY] + t->by_kind[SKIDX_SEC_BENEFITS] +
           t->by_kind[SKIDX_SEC_LEGAL] + t->by_kind[SKIDX_SEC_APPLY];
}

static uint64_t tally_all(const struct skill_tally *t)
{
    uint64_t n = 0;
    for (int k = 0; k <= SKIDX_SEC_COUNT; k++)
        n += t->by_kind[k];
    return n;
}

/* text[start..end) with SNIP_SIDE bytes around it, cut at UTF-8 character
 * starts, whitespace and control runs as one space, the match in [[ ]]. */
static char *make_snippet(const char *text, size_t len, uint32_t start,
                          uint32_t end)
{
    size_t a = start > SNIP_SIDE ? start - SNIP_SIDE : 0;
    size_t b = (size_t)end + SNIP_SIDE < len ? (size_t)end + SNIP_SIDE : len;
    while (a > 0 && a < start && ((unsigned char)text[a] & 0xC0) == 0x80)
        a++;
    while (b < len && b > end && ((unsigned char)text[b] & 0xC0) == 0x80)
        b--;
    char *o = malloc((b - a) + 16);
    if (!o)
        return NULL;
    size_t n = 0;
    int space = 0;
    if (a > 0)
        n += (size_t)sprintf(o, "...");
    /* at most: "..." + text + 2 x 2 marker bytes + "..." + NUL */
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)text[i];
        if (i == start || i == end) {
            if (space && n)
                o[n++] = ' ';
            space = 0;
            o[n++] = i == start ? '[' : ']';
            o[n++] = i == start ? '[' : ']';
        }
        if (c < 0x20 || c == 0x7f || c == ' ') {
            space = 1;
            continue;
        }
        if (space && n)
            o[n++] = ' ';
        space = 0;
        o[n++] = (char)c;
    }
    if (b == end)
        o[n++] = ']', o[n++] = ']';
    if (b < len)
        n += (size_t)sprintf(o + n, "...");
    o[n] = '\0';
    return o;
}

/* The record's id (at most 64 bytes, controls as spaces), or NULL. */
static char *id_text(const struct skidx_jsonl_record *rec)
{
    const struct skidx_jvalue *v = &rec->f[SKIDX_F_ID];
    if (v->type != SKIDX_J_STRING && v->type != SKIDX_J_NUMBER)
        return NULL;
    size_t n = v->len < 64 ? v->len : 64;
    while (n > 0 && n < v->len && ((unsigned char)v->ptr[n] & 0xC0) == 0x80)
        n--;
    char *s = malloc(n + 1);
    if (s) {
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)v->ptr[i];
            s[i] = c < 0x20 ? ' ' : (char)c;
        }
        s[n] = '\0';
    }
    return s;
}

static int lint_record(void *arg, const char *file, uint64_t line,
                       const struct skidx_jsonl_record *rec)
{
    struct lint_corpus *lc = arg;
    struct skidx_posting p;
    struct skidx_posting_result r;
    unsigned skip = 0;
    skidx_jsonl_to_posting(rec, &p);
    skidx_status st = skidx_posting_process(lc->comp, &lc->w, &p, "USD", 1,
                                            SKIDX_ENGINE_WORDS, &r, &skip);
    if (st == SKIDX_ERR_CORRUPT) { /* no title and no description */
        lc->no_text++;
        return 0;
    }
    if (st) {
        cli_msg("%s:%llu: %s", file, (unsigned long long)line,
                skidx_strerror(st));
        return -1;
    }
    lc->postings++;
    const struct skidx_match_scratch *s = &lc->w.skills;
    const struct skidx_value *desc = &p.v[SKIDX_P_DESCRIPTION];
    for (size_t i = 0; i < s->n_hits; i++) {
        const struct skidx_hit *h = &s->hits[i];
        if (h->flags & SKIDX_HIT_MASKED)
            continue;
        const int sec = skidx_posting_hit_section(&lc->w, &r, i);
        struct skill_tally *t = &lc->tally[h->owner];
        t->by_kind[sec < 0 ? SKIDX_SEC_COUNT : sec]++;
        if (sec < 0 || skidx_section_counts(sec) ||
            lc->seen[h->owner] == lc->postings)
            continue;
        lc->seen[h->owner] = lc->postings;
        t->excluded_postings++;
        if (t->n_ex >= lc->max_examples)
            continue;
        if (!t->ex && !(t->ex = calloc(lc->max_examples, sizeof *t->ex))) {
            lc->oom = 1;
            return -1;
        }
        char *snip = make_snippet(desc->p, desc->len, h->start, h->end);
        if (!snip) {
            lc->oom = 1;
            return -1;
        }
        uint32_t d = 0; /* a repost gives no second example */
        while (d < t->n_ex && strcmp(t->ex[d].snippet, snip))
            d++;
        if (d < t->n_ex) {
            free(snip);
            continue;
        }
        struct lint_example *e = &t->ex[t->n_ex];
        e->file = file;
        e->line = line;
        e->kind = (uint8_t)sec;
        e->id = id_text(rec);
        e->snippet = snip;
        t->n_ex++;
    }
    return 0;
}

struct lint_corpus_opts {
    double threshold;
    uint64_t min_matches;
    uint32_t examples;
    enum out_format fmt;
    struct corpus_walk walk; /* keys and input format */
};

static const struct skidx_taxonomy *sort_tax;
static const struct skill_tally *sort_tally;

static int cmp_listed(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const uint64_t ex = tally_excluded(&sort_tally[x]),
                   ey = tally_excluded(&sort_tally[y]);
    if (ex != ey)
        return ex > ey ? -1 : 1;
    return strcmp(sort_tax->skill_name[x], sort_tax->skill_name[y]);
}

static const char *const corpus_cols[] = {
    "skill",           "category",         "matches",
    "counted_matches", "excluded_matches", "excluded_share",
    "company_matches", "benefits_matches", "legal_matches",
    "apply_matches",   "excluded_postings", "examples"};
static const enum col_kind corpus_kinds[] = {
    COL_TEXT, COL_TEXT, COL_INT, COL_INT, COL_INT, COL_REAL,
    COL_INT,  COL_INT,  COL_INT, COL_INT, COL_INT, COL_TEXT};

/* "FILE:LINE id ID [kind] snippet" */
static char *example_text(const struct lint_example *e)
{
    const char *fmt = e->id ? "%s:%llu id %s [%s] %s" : "%s:%llu%s [%s] %s";
    int n = snprintf(NULL, 0, fmt, e->file, (unsigned long long)e->line,
                     e->id ? e->id : "", skidx_section_name(e->kind),
                     e->snippet);
    char *o = n < 0 ? NULL : malloc((size_t)n + 1);
    if (o)
        snprintf(o, (size_t)n + 1, fmt, e->file, (unsigned long long)e->line,
                 e->id ? e->id : "", skidx_section_name(e->kind),
                 e->snippet);
    return o;
}

/* Print the listed skills; 0, or -1 out of memory. */
static int corpus_report(const struct skidx_taxonomy *t,
                         const struct lint_corpus *lc,
                         const struct lint_corpus_opts *o, size_t n_files)
{
    uint32_t *list = malloc((t->n_skills ? t->n_skills : 1) * sizeof *list);
    if (!list)
        return -1;
    uint32_t n = 0;
    uint64_t matched = 0;
    for (uint32_t k = 0; k < t->n_skills; k++) {
        const struct skill_tally *ta = &lc->tally[k];
        const uint64_t all = tally_all(ta), ex = tally_excluded(ta);
        matched += all > 0;
        if (all && ex >= o->min_matches &&
            (double)ex >= o->threshold * (double)all)
            list[n++] = k;
    }
    sort_tax = t;
    sort_tally = lc->tally;
    qsort(list, n, sizeof *list, cmp_listed);
    int rc = 0;
    if (o->fmt == FMT_TABLE) {
        printf("%u skill%s with %.0f %% or more of %llu+ matches in sections "
               "that do not count (%llu postings, %zu file%s):\n",
               n, n == 1 ? "" : "s", o->threshold * 100,
               (unsigned long long)o->min_matches,
               (unsigned long long)lc->postings, n_files,
               n_files == 1 ? "" : "s");
        for (uint32_t i = 0; i < n; i++) {
            const struct skill_tally *ta = &lc->tally[list[i]];
            const uint64_t all = tally_all(ta), ex = tally_excluded(ta);
            printf("\n%s (%s): %llu of %llu matches (%.0f %%) do not count, "
                   "in %llu postings: company %llu, benefits %llu, legal "
                   "%llu, apply %llu\n",
                   t->skill_name[list[i]], t->cat_name[t->skill_cat[list[i]]],
                   (unsigned long long)ex, (unsigned long long)all,
                   100.0 * (double)ex / (double)all,
                   (unsigned long long)ta->excluded_postings,
                   (unsigned long long)ta->by_kind[SKIDX_SEC_COMPANY],
                   (unsigned long long)ta->by_kind[SKIDX_SEC_BENEFITS],
                   (unsigned long long)ta->by_kind[SKIDX_SEC_LEGAL],
                   (unsigned long long)ta->by_kind[SKIDX_SEC_APPLY]);
            for (uint32_t e = 0; e < ta->n_ex; e++) {
                char *x = example_text(&ta->ex[e]);
                if (!x) {
                    rc = -1;
                    break;
                }
                printf("    %s\n", x);
                free(x);
            }
        }
    } else {
        struct table tb;
        table_init(&tb, sizeof corpus_cols / sizeof *corpus_cols, corpus_cols,
                   corpus_kinds);
        for (uint32_t i = 0; i < n && !rc; i++) {
            const struct skill_tally *ta = &lc->tally[list[i]];
            const uint64_t all = tally_all(ta), ex = tally_excluded(ta);
            char num[9][32];
            snprintf(num[0], 32, "%llu", (unsigned long long)all);
            snprintf(num[1], 32, "%llu", (unsigned long long)(all - ex));
            snprintf(num[2], 32, "%llu", (unsigned long long)ex);
            snprintf(num[3], 32, "%.4f", (double)ex / (double)all);
            for (int k = 0; k < 4; k++)
                snprintf(num[4 + k], 32, "%llu",
                         (unsigned long long)ta->by_kind[SKIDX_SEC_COMPANY + k]);
            snprintf(num[8], 32, "%llu",
                     (unsigned long long)ta->excluded_postings);
            /* the examples, one a line */
            size_t cap = 1, len = 0;
            char *exs = calloc(1, 1);
            for (uint32_t e = 0; exs && e < ta->n_ex; e++) {
                char *x = example_text(&ta->ex[e]);
                char *g = x ? realloc(exs, cap + strlen(x) + 1) : NULL;
                if (!g) {
                    free(x);
                    free(exs);
                    exs = NULL;
                    break;
                }
                exs = g;
                cap += strlen(x) + 1;
                len += (size_t)sprintf(exs + len, "%s%s", e ? "\n" : "", x);
                free(x);
            }
            const char *cells[] = {t->skill_name[list[i]],
                                   t->cat_name[t->skill_cat[list[i]]],
                                   num[0], num[1], num[2], num[3], num[4],
                                   num[5], num[6], num[7], num[8], exs};
            if (!exs || table_add_row(&tb, cells))
                rc = -1;
            free(exs);
        }
        if (!rc)
            table_print(&tb, o->fmt, stdout);
        table_release(&tb);
    }
    cli_msg("taxonomy lint --corpus: %llu postings, %llu skills matched, %u "
            "listed",
            (unsigned long long)lc->postings, (unsigned long long)matched, n);
    free(list);
    return rc;
}

/* lint --corpus: read the shards, tally, report. */
static int lint_corpus(const char *dir, const struct skidx_shard_list *sl,
                       struct lint_corpus_opts *o)
{
    struct skidx_error err = {0};
    struct skidx_taxonomy *t = NULL;
    struct skidx_compiled *comp = NULL;
    skidx_status st = skidx_taxonomy_load(dir, &t, &err);
    if (!st)
        st = skidx_compiled_create(t, &comp, &err);
    if (st) {
        cli_report_st("invalid taxonomy", st, &err);
        skidx_taxonomy_free(t);
        return EXIT_DATA;
    }
    struct lint_corpus lc;
    memset(&lc, 0, sizeof lc);
    lc.comp = comp;
    lc.max_examples = o->examples;
    int rc = EXIT_OK;
    const size_t ns = t->n_skills ? t->n_skills : 1;
    lc.tally = calloc(ns, sizeof *lc.tally);
    lc.seen = calloc(ns, sizeof *lc.seen);
    if (!lc.tally || !lc.seen || skidx_worker_init(&lc.w, comp)) {
        lc.oom = 1;
        goto done;
    }
    o->walk.on_record = lint_record;
    o->walk.arg = &lc;
    for (size_t i = 0; i < sl->n; i++)
        if (corpus_walk_file(&o->walk, sl->paths[i])) {
            rc = EXIT_DATA;
            goto done;
        }
    if (corpus_report(t, &lc, o, sl->n))
        lc.oom = 1;
    else if (o->walk.skipped || lc.no_text) {
        cli_msg("taxonomy lint --corpus: %llu records skipped, %llu without "
                "title or description",
                (unsigned long long)o->walk.skipped,
                (unsigned long long)lc.no_text);
        rc = EXIT_DATA;
    }
done:
    if (lc.oom) {
        cli_msg("cannot lint taxonomy: out of memory");
        rc = EXIT_DATA;
    }
    for (uint32_t k = 0; lc.tally && k < t->n_skills; k++) {
        for (uint32_t e = 0; e < lc.tally[k].n_ex; e++) {
            free(lc.tally[k].ex[e].id);
            free(lc.tally[k].ex[e].snippet);
        }
        free(lc.tally[k].ex);
    }
    free(lc.tally);
    free(lc.seen);
    skidx_worker_release(&lc.w);
    skidx_compiled_free(comp);
    skidx_taxonomy_free(t);
    return rc;
}

static int lint(int argc, char **argv)
{
    static const struct option lo[] = {
        {"words", required_argument, 0, 'w'},
        {"no-words", no_argument, 0, 'n'},
        {"corpus", required_argument, 0, 'c'},
        {"threshold", required_argument, 0, 'T'},
        {"min-matches", required_argument, 0, 'm'},
        {"examples", required_argument, 0, 'e'},
        {"format", required_argument, 0, 'F'},
        {"field", required_argument, 0, 'f'},
        {"corpus-format", required_argument, 0, 'C'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *words_path = NULL;
    int no_words = 0, c, urc = EXIT_OK;
    struct skidx_shard_list sl;
    struct skidx_error err = {0};
    struct lint_corpus_opts co;
    memset(&sl, 0, sizeof sl);
    memset(&co, 0, sizeof co);
    co.threshold = 0.5;
    co.min_matches = 3;
    co.examples = 3;
    co.fmt = FMT_TABLE;
    corpus_walk_init(&co.walk, NULL, NULL);
    optind = 1;
    while (!urc && (c = getopt_long(argc, argv, "f:h", lo, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'c':
            skidx_error_clear(&err);
            if (skidx_shard_list_add(&sl, optarg, &err)) {
                cli_report("cannot read corpus", &err);
                urc = EXIT_DATA;
            }
            break;
        case 'T':
            errno = 0;
            co.threshold = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(co.threshold >= 0) ||
                co.threshold > 1) {
                cli_msg("invalid --threshold '%s': a fraction from 0 to 1",
                        optarg);
                urc = EXIT_USAGE;
            }
            break;
        case 'm':
        case 'e': {
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-' ||
                v > (c == 'e' ? 1000u : UINT32_MAX)) {
                cli_msg("invalid --%s '%s': a whole number%s",
                        c == 'e' ? "examples" : "min-matches", optarg,
                        c == 'e' ? " up to 1000" : "");
                urc = EXIT_USAGE;
            } else if (c == 'e') {
                co.examples = (uint32_t)v;
            } else {
                co.min_matches = v;
            }
            break;
        }
        case 'F':
            if (parse_format(optarg, &co.fmt)) {
                cli_msg("invalid --format '%s': table, csv, json, jsonl or "
                        "md",
                        optarg);
                urc = EXIT_USAGE;
            }
            break;
        case 'f':
            skidx_error_clear(&err);
            if (skidx_jsonl_keys_remap_once(&co.walk.keys, optarg, &err)) {
                cli_msg("invalid --field '%s': %s", optarg, err.msg);
                urc = EXIT_USAGE;
            }
            break;
        case 'C':
            if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "ndjson"))
                co.walk.format = SKIDX_FORMAT_JSONL;
            else if (!strcmp(optarg, "csv"))
                co.walk.format = SKIDX_FORMAT_CSV;
            else if (!strcmp(optarg, "tsv"))
                co.walk.format = SKIDX_FORMAT_TSV;
            else {
                cli_msg("invalid --corpus-format '%s': jsonl, csv or tsv",
                        optarg);
                urc = EXIT_USAGE;
            }
            break;
        case 'w':
            words_path = optarg;
            break;
        case 'n':
            no_words = 1;
            break;
        case 'h':
            printf(lint_usage, skidx_taxonomy_default_dir());
            urc = -1;
            break;
        default:
            fprintf(stderr, lint_usage, skidx_taxonomy_default_dir());
            urc = EXIT_USAGE;
        }
    }
    if (!urc && argc - optind > 1) {
        cli_msg("taxonomy lint takes one directory");
        urc = EXIT_USAGE;
    }
    const char *dir =
        optind < argc ? argv[optind] : skidx_taxonomy_default_dir();
    if (!urc && sl.n)
        urc = lint_corpus(dir, &sl, &co);
    else if (!urc)
        urc = -2; /* the alias checks below */
    if (urc != -2) {
        skidx_shard_list_release(&sl);
        corpus_walk_release(&co.walk);
        return urc == -1 ? EXIT_OK : urc;
    }

    struct skidx_taxonomy *t = NULL;
    if (skidx_taxonomy_load(dir, &t, &err)) {
        cli_report("invalid taxonomy", &err);
        return EXIT_DATA;
    }
    struct findings fs = {0};
    struct sset words = {0};
    int rc = EXIT_OK, oom = 0;
    unsigned char *dead = NULL; /* aliases check_cancelled() found dead */
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
    dead = calloc(t->skills.n ? t->skills.n : 1, 1);
    if (!dead || check_unaliased(t, lines, &fs) || check_shared(t, &fs) ||
        check_cancelled(t, &fs, dead) ||
        (words.n && check_words(t, &words, &fs))) {
        oom = 1;
        goto done;
    }
    int alone = check_alone(t, &fs, dead, &err);
    if (alone > 0) {
        cli_report("cannot lint taxonomy", &err);
        rc = EXIT_DATA;
        goto done;
    }
    if (alone < 0) {
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
    free(dead);
    sset_release(&words);
    skidx_taxonomy_free(t);
    return rc;
}

static const char taxonomy_usage[] =
    "usage: skidx taxonomy lint [DIR] [options]\n"
    "\n"
    "Commands on a taxonomy directory (skills.tsv, roles.tsv):\n"
    "  lint    report skills without aliases, aliases two skills share,\n"
    "          aliases their own negatives cancel, and aliases that are\n"
    "          common English words\n"
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
