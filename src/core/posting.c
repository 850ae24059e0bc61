/*
 * posting.c - classify, match, date, salary and duplicate key of one
 * posting (rules in posting.h).
 */
#include "core/posting.h"
#include "core/hash_fast.h"
#include "core/causes.h"
#include "core/count.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/section_lead.h"
#include "core/simd.h"

#include <math.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

skidx_status skidx_compiled_create(const struct skidx_taxonomy *t,
                                   struct skidx_compiled **out,
                                   struct skidx_error *err)
{
    struct skidx_compiled *c = calloc(1, sizeof(*c));
    skidx_status st;
    *out = NULL;
    if (!c)
        return SKIDX_ERR_NOMEM;
    c->tax = t;
    if ((st = skidx_matcher_create(&t->skills, t->n_skills, &c->skills, err)) ||
        (st = skidx_matcher_create(&t->roles, t->n_roles, &c->roles, err)) ||
        (st = skidx_matcher_create(&t->levels, t->n_levels, &c->levels, err)) ||
        (st = skidx_matcher_create(&t->level_fields, t->n_levels,
                                   &c->level_fields, err))) {
        skidx_compiled_free(c);
        return st;
    }
    *out = c;
    return SKIDX_OK;
}

void skidx_compiled_free(struct skidx_compiled *c)
{
    if (!c)
        return;
    skidx_matcher_free(c->skills);
    skidx_matcher_free(c->roles);
    skidx_matcher_free(c->levels);
    skidx_matcher_free(c->level_fields);
    free(c);
}

typedef size_t (*norm_fn)(const unsigned char *, size_t, char *, int *);
static norm_fn pick_norm(void);

skidx_status skidx_worker_init(struct skidx_worker *w,
                               const struct skidx_compiled *c)
{
    memset(w, 0, sizeof(*w));
    w->norm_fn = pick_norm();
    /* XXH3 gives the same value on every path: the fastest */
    w->hash_fn = skidx_xxh3_pick(SKIDX_SIMD_BEST);
    w->sec_simd = skidx_simd_mode(SKIDX_SIMD_BEST);
    if (skidx_match_scratch_init(&w->skills, c->skills) ||
        skidx_match_scratch_init(&w->roles, c->roles) ||
        skidx_match_scratch_init(&w->levels, c->levels) ||
        skidx_match_scratch_init(&w->level_fields, c->level_fields)) {
        skidx_worker_release(w);
        return SKIDX_ERR_NOMEM;
    }
    return SKIDX_OK;
}

void skidx_worker_release(struct skidx_worker *w)
{
    skidx_match_scratch_release(&w->skills);
    skidx_match_scratch_release(&w->roles);
    skidx_match_scratch_release(&w->levels);
    skidx_match_scratch_release(&w->level_fields);
    free(w->norm);
    free(w->skill_ids);
    free(w->keep_bits);
    free(w->pref_bits);
    free(w->req_bits);
    free(w->pref_ids);
    skidx_sections_release(&w->sections);
    free(w->drop);
    free(w->skip);
    free(w->memo);
    memset(w, 0, sizeof(*w));
}

/* ---- classification ---- */

static inline int is_ws(unsigned char c);

/* The winning owner among the positive hits of the last scan, or -1. */
static int64_t best_rule(const struct skidx_matcher *m,
                         const struct skidx_match_scratch *s)
{
    const struct skidx_alias_set *set = skidx_matcher_aliases(m);
    int64_t best = -1;
    uint32_t best_prio = 0;
    for (size_t i = 0; i < s->n_hits; i++) {
        const struct skidx_alias *a = &set->a[s->hits[i].alias];
        if (best < 0 || a->prio < best_prio ||
            (a->prio == best_prio && a->owner < (uint32_t)best)) {
            best = a->owner;
            best_prio = a->prio;
        }
    }
    return best;
}

/* ---- the opening a title names first ----
 *
 * A title may list several openings ("Backend Engineer, Product Engineer,
 * Devrel"; "Senior/Staff Frontend Engineer"; "OSS Engineer; Lead
 * Designer; Sr. Product Manager") or carry other fields ("Acme | Senior
 * Backend Engineer | Remote"). The labelling rule of tests/real is that
 * the first opening named decides role and level, so the classifier reads
 * only the part of the title that names it:
 * 1. Segments, at ';', '|' and line breaks outside brackets: the first
 *    segment that holds a role noun (role_nouns[]: Engineer, Developer,
 *    Analyst, Entwickler, Ingénieur, ...) is read, or the whole title
 *    when none does.
 * 2. Items of that segment, at ',', '/', a free-standing '&' or '+', the
 *    words and/or/und/oder/et/ou, and "-to-", outside brackets; a '/'
 *    between two acronyms ("AI/ML", "UI/UX", "FI/CO") does not cut.
 * 3. If no item holds a noun, the whole segment is read. If the first
 *    does, it is read with the items without a noun that follow it, up to
 *    the next item with one: those qualify it ("Software Engineer, Machine
 *    Learning", "Data Scientist, New Grad"). If the first item has no
 *    noun and at most three words:
 *    - when it names a level and no role ("Junior/Senior Data Engineer",
 *      "Senior/Staff Engineer"), the level is its, the role the next
 *      item's (with its qualifiers);
 *    - else it shares the noun of the next item, and what follows the
 *      noun: "Software/Data Engineer" reads "Software Engineer", "Senior
 *      Backend, ML, AI Research Engineers" "Senior Backend Engineers",
 *      when that names a role; when it does not ("Diversity and Inclusion
 *      Data Analyst") the first item qualifies the next, and both are
 *      read together.
 *    A longer first item without a noun (a company name before the
 *    opening) reads the whole segment.
 * A title with one opening is read whole, as before. Han text has no
 * nouns in the list, so Chinese titles are always read whole. */

struct span {
    size_t a, b;
};

static int title_word_byte(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
           (ch >= 'A' && ch <= 'Z') || ch >= 0x80;
}

/* Role nouns, lower case. Compounds: the noun may end a longer word
 * (German "Softwareentwickler", "Projektmanager"); each noun once. */
#define NOUN(w, compound) {w, sizeof(w) - 1, compound}
static const struct {
    const char *w;
    size_t len;
    int compound;
} role_nouns[] = {
    NOUN("engineer", 0),     NOUN("developer", 0),    NOUN("scientist", 0),
    NOUN("analyst", 0),      NOUN("designer", 0),     NOUN("architect", 0),
    NOUN("programmer", 0),   NOUN("researcher", 0),   NOUN("consultant", 0),
    NOUN("specialist", 0),   NOUN("administrator", 0), NOUN("technician", 0),
    NOUN("writer", 0),       NOUN("recruiter", 0),    NOUN("advocate", 0),
    NOUN("director", 0),     NOUN("officer", 0),
    NOUN("owner", 0),        NOUN("representative", 0), NOUN("coordinator", 0),
    NOUN("founder", 0),      NOUN("cofounder", 0),    NOUN("swe", 0),
    NOUN("sde", 0),          NOUN("sre", 0),          NOUN("mle", 0),
    NOUN("dba", 0),
    /* German */
    NOUN("entwickler", 1),   NOUN("ingenieur", 1),    NOUN("informatiker", 1),
    NOUN("architekt", 1),    NOUN("berater", 1),      NOUN("programmierer", 1),
    NOUN("wissenschaftler", 1), NOUN("analytiker", 1), NOUN("tester", 1),
    NOUN("manager", 1),      NOUN("leiter", 1),
    /* French */
    NOUN("ing\xc3\xa9nieur", 0), NOUN("d\xc3\xa9veloppeur", 0),
    NOUN("d\xc3\xa9veloppeuse", 0), NOUN("developpeur", 0), NOUN("developpeuse", 0),
    NOUN("analyste", 0),     NOUN("architecte", 0),   NOUN("chercheur", 0),
    NOUN("chercheuse", 0),   NOUN("chef", 0),         NOUN("cheffe", 0),
    NOUN("administrateur", 0), NOUN("technicien", 0), NOUN("concepteur", 0),
    /* Spanish */
    NOUN("ingeniero", 0),    NOUN("ingeniera", 0),    NOUN("desarrollador", 0),
    NOUN("desarrolladora", 0), NOUN("analista", 0),   NOUN("programador", 0),
    NOUN("programadora", 0), NOUN("cient\xc3\xad" "fico", 0),
    NOUN("cient\xc3\xad" "fica", 0), NOUN("arquitecto", 0), NOUN("arquitecta", 0),
    NOUN("consultor", 0),    NOUN("consultora", 0),
};
#undef NOUN

/* Endings a noun may take: plurals and feminine forms. */
static const struct {
    const char *e;
    size_t len;
} noun_endings[] = {{"", 0}, {"s", 1}, {"es", 2}, {"e", 1}, {"in", 2},
                    {"innen", 5}};

#define N_NOUNS (sizeof(role_nouns) / sizeof(role_nouns[0]))
#define N_ENDINGS (sizeof(noun_endings) / sizeof(noun_endings[0]))

/* The nouns by their last byte: noun_of[noun_at[c] .. noun_at[c + 1])
 * end in byte c, in role_nouns[] order; noun_end[c]: some noun with some
 * ending ends in c (a word ending otherwise is no noun). */
_Static_assert(N_NOUNS < 256, "noun_of[] holds bytes");
static uint8_t noun_of[N_NOUNS];
static uint8_t noun_at[257];
static uint8_t noun_end[256];
/* noun_tail: bit tail3() of the last three bytes of each noun with each
 * ending (nouns and endings are at least three bytes together); a word
 * whose bit is clear ends in no noun. The low five bits of a byte are
 * the same in either case of an ASCII letter. */
static uint64_t noun_tail[1u << 15 >> 6];

static unsigned tail3(const char *end)
{
    return ((unsigned char)end[-3] & 31u) << 10 |
           ((unsigned char)end[-2] & 31u) << 5 | ((unsigned char)end[-1] & 31u);
}

/* Built on first use (title_focus(), through nouns_once), so that
 * commands that never classify a title do not pay for it. */
static pthread_once_t nouns_once = PTHREAD_ONCE_INIT;

static void init_nouns(void)
{
    /* a counting sort by last byte, stable: role_nouns[] order within */
    unsigned at[257] = {0};
    for (size_t i = 0; i < N_NOUNS; i++)
        at[(unsigned char)role_nouns[i].w[role_nouns[i].len - 1] + 1]++;
    for (unsigned c = 0; c < 256; c++)
        at[c + 1] += at[c];
    for (unsigned c = 0; c <= 256; c++)
        noun_at[c] = (uint8_t)at[c];
    for (size_t i = 0; i < N_NOUNS; i++)
        noun_of[at[(unsigned char)role_nouns[i].w[role_nouns[i].len - 1]]++] =
            (uint8_t)i;
    for (size_t i = 0; i < N_NOUNS; i++)
        for (size_t e = 0; e < N_ENDINGS; e++) {
            size_t m = noun_endings[e].len;
            unsigned char c = m ? (unsigned char)noun_endings[e].e[m - 1]
                                : (unsigned char)role_nouns[i].w[role_nouns[i].len - 1];
            noun_end[c] = 1;
            char word[48];
            size_t k = role_nouns[i].len;
            memcpy(word, role_nouns[i].w, k);
            memcpy(word + k, noun_endings[e].e, m);
            const unsigned b = tail3(word + k + m);
            noun_tail[b >> 6] |= 1ull << (b & 63);
        }
}

/* Does the word w[0..n) (any case; ASCII folded) end in a role noun, and
 * is it one unless the noun is a compound ending? Only the nouns whose
 * last byte ends the stem are compared. */
static int is_role_noun(const char *w, size_t n)
{
    char low[48];
    if (n < 3 || n >= sizeof(low))
        return 0;
    unsigned char last = (unsigned char)w[n - 1];
    if (!noun_end[last >= 'A' && last <= 'Z' ? last + 32 : last])
        return 0;
    const unsigned b = tail3(w + n);
    if (!(noun_tail[b >> 6] >> (b & 63) & 1))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)w[i];
        low[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    for (size_t e = 0; e < N_ENDINGS; e++) {
        size_t m = noun_endings[e].len;
        if (m >= n || memcmp(low + n - m, noun_endings[e].e, m))
            continue;
        size_t stem = n - m; /* the noun ends at low[stem] */
        unsigned char c = (unsigned char)low[stem - 1];
        for (size_t j = noun_at[c]; j < noun_at[c + 1]; j++) {
            size_t i = noun_of[j];
            size_t k = role_nouns[i].len;
            if (k > stem || (!role_nouns[i].compound && k != stem))
                continue;
            const char *at = low + stem - k;
            if (at[0] == role_nouns[i].w[0] && !memcmp(at, role_nouns[i].w, k))
                return 1;
        }
    }
    return 0;
}

/* The last role noun word in t[s.a..s.b), as a span; b == a when none.
 * Counts the words in *words when not NULL. */
static struct span last_noun(const char *t, struct span s, size_t *words)
{
    struct span r = {s.a, s.a};
    size_t nw = 0;
    for (size_t i = s.a; i < s.b;) {
        if (!title_word_byte((unsigned char)t[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < s.b && title_word_byte((unsigned char)t[j]))
            j++;
        nw++;
        if (is_role_noun(t + i, j - i))
            r = (struct span){i, j};
        i = j;
    }
    if (words)
        *words = nw;
    return r;
}

static int is_acronym(const char *t, size_t a, size_t b)
{
    if (b <= a || b - a > 4)
        return 0;
    for (size_t i = a; i < b; i++) {
        unsigned char ch = (unsigned char)t[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
            return 0;
    }
    return 1;
}

/* Length of a bracket at t[i] (1 or 3 bytes), +: opening, -: closing, 0:
 * none. ASCII brackets and the full-width （）. */
static int bracket_at(const char *t, size_t i, size_t n, size_t *len)
{
    unsigned char ch = (unsigned char)t[i];
    *len = 1;
    if (ch == '(' || ch == '[' || ch == '{')
        return 1;
    if (ch == ')' || ch == ']' || ch == '}')
        return -1;
    if (ch == 0xEF && i + 2 < n && (unsigned char)t[i + 1] == 0xBC &&
        ((unsigned char)t[i + 2] == 0x88 || (unsigned char)t[i + 2] == 0x89)) {
        *len = 3;
        return (unsigned char)t[i + 2] == 0x88 ? 1 : -1;
    }
    return 0;
}

/* Is t[i] (outside brackets) a cut: 2 for a segment end, 1 for an item
 * end, 0 for neither; *len is the separator's length. */
static int cut_at(const char *t, size_t i, struct span s, size_t *len)
{
    unsigned char ch = (unsigned char)t[i];
    *len = 1;
    if (ch == ';' || ch == '|' || ch == '\n' || ch == '\r')
        return 2;
    if (ch == 0xEF && i + 2 < s.b && (unsigned char)t[i + 1] == 0xBC &&
        (unsigned char)t[i + 2] == 0x9B) { /* ； */
        *len = 3;
        return 2;
    }
    if (ch == ',') /* not inside a number (150,000) */
        return !(i > s.a && i + 1 < s.b && t[i - 1] >= '0' &&
                 t[i - 1] <= '9' && t[i + 1] >= '0' && t[i + 1] <= '9');
    if (ch == '/') {
        size_t l = i, r = i + 1;
        while (l > s.a && title_word_byte((unsigned char)t[l - 1]))
            l--;
        while (r < s.b && title_word_byte((unsigned char)t[r]))
            r++;
        return !(is_acronym(t, l, i) && is_acronym(t, i + 1, r));
    }
    if ((ch == '&' || ch == '+') && i > s.a && i + 1 < s.b &&
        t[i - 1] == ' ' && t[i + 1] == ' ')
        return 1;
    if (ch == 0xE3 && i + 2 < s.b && (unsigned char)t[i + 1] == 0x80 &&
        (unsigned char)t[i + 2] == 0x81) { /* 、 */
        *len = 3;
        return 1;
    }
    if (ch == 0xEF && i + 2 < s.b && (unsigned char)t[i + 1] == 0xBC &&
        ((unsigned char)t[i + 2] == 0x8C || (unsigned char)t[i + 2] == 0x8F)) {
        *len = 3; /* ， ／ */
        return 1;
    }
    if (ch == '-' && i + 3 < s.b && (t[i + 1] | 32) == 't' &&
        (t[i + 2] | 32) == 'o' && t[i + 3] == '-') {
        *len = 4; /* senior-to-principal */
        return 1;
    }
    if (ch == ' ' && (i == s.a || t[i - 1] != ' ') && i + 1 < s.b &&
        ((t[i + 1] | 32) == 'a' || (t[i + 1] | 32) == 'o' ||
         (t[i + 1] | 32) == 'u' || (t[i + 1] | 32) == 'e')) {
        /* (the first letter of one of the words, either case) */
        static const struct {
            char w[5];
            uint8_t len;
        } words[] = {{"and", 3}, {"or", 2},  {"und", 3},
                     {"oder", 4}, {"et", 2}, {"ou", 2}};
        for (size_t k = 0; k < sizeof(words) / sizeof(*words); k++) {
            size_t m = words[k].len, j = 0;
            if (i + 1 + m >= s.b)
                continue;
            /* (b | 32) is a lower-case letter only for that letter in
             * either case: an ASCII caseless compare */
            while (j < m && (t[i + 1 + j] | 32) == words[k].w[j])
                j++;
            if (j == m && t[i + 1 + m] == ' ') {
                *len = m + 2;
                return 1;
            }
        }
    }
    return 0;
}

static struct span trim_span(const char *t, struct span s)
{
    while (s.a < s.b && is_ws((unsigned char)t[s.a]))
        s.a++;
    while (s.b > s.a && is_ws((unsigned char)t[s.b - 1]))
        s.b--;
    return s;
}

/* The bytes bracket_at() or cut_at() may take: all others are neither
 * (length 1). */
static const uint8_t title_mark[256] = {
    ['('] = 1, ['['] = 1, ['{'] = 1, [')'] = 1, [']'] = 1, ['}'] = 1,
    [';'] = 1, ['|'] = 1, ['\n'] = 1, ['\r'] = 1, [','] = 1, ['/'] = 1,
    ['&'] = 1, ['+'] = 1, ['-'] = 1, [' '] = 1, [0xE3] = 1, [0xEF] = 1,
};

/* Split t[s.a..s.b) at cuts of at least `level` (outside brackets) into
 * at most `max` spans; returns how many. *minor (when not NULL): some
 * cut below `level` was seen outside brackets. */
static size_t split_title(const char *t, struct span s, int level,
                          struct span *out, size_t max, int *minor)
{
    size_t k = 0, start = s.a;
    int depth = 0, below = 0;
    for (size_t i = s.a; i < s.b;) {
        size_t len;
        if (!title_mark[(unsigned char)t[i]]) {
            i++; /* neither a bracket nor a cut (most bytes) */
            continue;
        }
        int br = bracket_at(t, i, s.b, &len);
        if (br) {
            depth += br;
            if (depth < 0)
                depth = 0;
            i += len;
            continue;
        }
        int cut = depth ? 0 : cut_at(t, i, s, &len);
        below |= cut && cut < level;
        if (cut >= level) {
            if (k + 1 < max)
                out[k++] = trim_span(t, (struct span){start, i});
            else
                break; /* the rest joins the last span */
            start = i + len;
        }
        i += len ? len : 1;
    }
    out[k++] = trim_span(t, (struct span){start, s.b});
    if (minor)
        *minor = below;
    return k;
}

#define TITLE_ITEMS 16

/* Does t[0..n) match a rule of matcher m (scratch sc)? */
static skidx_status names_rule(const struct skidx_matcher *m,
                               struct skidx_match_scratch *sc, const char *t,
                               size_t n, int *yes)
{
    skidx_match_reset(sc);
    SKIDX_FORWARD(skidx_match_text(m, sc, t, n, SKIDX_ENGINE_WORDS));
    *yes = best_rule(m, sc) >= 0;
    return SKIDX_OK;
}

/* The texts to classify: the role from *rp, the level from *lp (spans of
 * t, or built in buf of cap bytes). */
struct focus {
    const char *rp, *lp;
    size_t rlen, llen;
};

static skidx_status title_focus(const struct skidx_compiled *c,
                                struct skidx_worker *w, const char *t,
                                size_t n, char *buf, size_t cap,
                                struct focus *f)
{
    struct span all = {0, n}, seg = all, parts[TITLE_ITEMS];
    int yes, items;
    size_t np = split_title(t, all, 2, parts, TITLE_ITEMS, &items);
    f->rp = f->lp = t;
    f->rlen = f->llen = n;
    if (np == 1 && !items)
        return SKIDX_OK; /* one segment of one item: the whole title */
    pthread_once(&nouns_once, init_nouns);
    if (np > 1) {
        size_t i;
        for (i = 0; i < np; i++) {
            if (last_noun(t, parts[i], NULL).b > parts[i].a)
                break;
            SKIDX_FORWARD(names_rule(c->roles, &w->roles, t + parts[i].a,
                                     parts[i].b - parts[i].a, &yes));
            if (yes)
                break;
        }
        if (i == np)
            return SKIDX_OK;
        seg = parts[i];
    }
    size_t ni = split_title(t, seg, 1, parts, TITLE_ITEMS, NULL);
    size_t first = ni, words = 0;
    f->rp = f->lp = t + seg.a;
    f->rlen = f->llen = seg.b - seg.a;
    if (ni == 1)
        return SKIDX_OK;
    for (size_t i = 0; i < ni && first == ni; i++)
        if (last_noun(t, parts[i], NULL).b > parts[i].a)
            first = i;
    if (first == ni)
        return SKIDX_OK;
    /* the item with a noun runs to the next item with one */
    size_t end = seg.b;
    for (size_t i = first + 1; i < ni; i++)
        if (last_noun(t, parts[i], NULL).b > parts[i].a) {
            end = parts[i].a;
            break;
        }
    while (end > seg.a && !title_word_byte((unsigned char)t[end - 1]) &&
           t[end - 1] != ')' && t[end - 1] != '.')
        end--;
    if (first == 0) {
        f->rlen = f->llen = end - seg.a;
        return SKIDX_OK;
    }
    last_noun(t, parts[0], &words);
    if (words == 0 || words > 3)
        return SKIDX_OK; /* a company name or the like: the whole segment */
    const char *p0 = t + parts[0].a;
    size_t a = parts[0].b - parts[0].a;
    int lev, rol;
    SKIDX_FORWARD(names_rule(c->levels, &w->levels, p0, a, &lev));
    SKIDX_FORWARD(names_rule(c->roles, &w->roles, p0, a, &rol));
    if (lev && !rol) {
        /* levels named as alternatives ("Junior/Senior Data Engineer"):
         * the first level, the role of the opening */
        f->lp = p0;
        f->llen = a;
        f->rp = t + parts[first].a;
        f->rlen = end - parts[first].a;
        return SKIDX_OK;
    }
    /* the first item shares the noun (and what follows it) */
    struct span noun = last_noun(t, parts[first], NULL);
    size_t b = end > noun.a ? end - noun.a : 0;
    if (a + 1 + b > cap)
        return SKIDX_OK;
    memcpy(buf, p0, a);
    buf[a] = ' ';
    memcpy(buf + a + 1, t + noun.a, b);
    SKIDX_FORWARD(names_rule(c->roles, &w->roles, buf, a + 1 + b, &rol));
    if (rol) {
        f->rp = f->lp = buf;
        f->rlen = f->llen = a + 1 + b;
    } else {
        /* the shared noun names no role ("Diversity and Inclusion Data
         * Analyst", "Real World Science, Data Scientist"): the first item
         * qualifies the opening; read them together */
        f->rp = f->lp = p0;
        f->rlen = f->llen = end - parts[0].a;
    }
    return SKIDX_OK;
}

/* What the title alone decides: its role rule's owner (or -1) and its
 * level rule's owner (or -1, when the seniority field is read). */
static skidx_status title_rules(const struct skidx_compiled *c,
                                struct skidx_worker *w, const char *title,
                                size_t title_len, int32_t *role,
                                int32_t *level)
{
    char buf[512];
    struct focus f;
    SKIDX_FORWARD(title_focus(c, w, title, title_len, buf, sizeof(buf), &f));
    skidx_match_reset(&w->roles);
    SKIDX_FORWARD(skidx_match_text(c->roles, &w->roles, f.rp, f.rlen,
                                   SKIDX_ENGINE_WORDS));
    *role = (int32_t)best_rule(c->roles, &w->roles);
    skidx_match_reset(&w->levels);
    SKIDX_FORWARD(skidx_match_text(c->levels, &w->levels, f.lp, f.llen,
                                   SKIDX_ENGINE_WORDS));
    *level = (int32_t)best_rule(c->levels, &w->levels);
    return SKIDX_OK;
}

/* The level the seniority field names (or -1): the whole field, trimmed,
 * must be one alias: job boards publish a fixed vocabulary ("Mid-Senior
 * level"); free words ("lead", "senior developer needed") are not a
 * level. */
static skidx_status field_rule(const struct skidx_compiled *c,
                               struct skidx_worker *w, const char *seniority,
                               size_t seniority_len, int32_t *level)
{
    size_t lo = 0, hi = seniority_len;
    while (lo < hi && is_ws((unsigned char)seniority[lo]))
        lo++;
    while (hi > lo && is_ws((unsigned char)seniority[hi - 1]))
        hi--;
    skidx_match_reset(&w->level_fields);
    SKIDX_FORWARD(skidx_match_text(c->level_fields, &w->level_fields,
                                   seniority, seniority_len,
                                   SKIDX_ENGINE_WORDS));
    struct skidx_match_scratch *s = &w->level_fields;
    size_t k = 0;
    for (size_t i = 0; i < s->n_hits; i++)
        if (s->hits[i].start == lo && s->hits[i].end == hi)
            s->hits[k++] = s->hits[i];
    s->n_hits = k;
    *level = (int32_t)best_rule(c->level_fields, s);
    return SKIDX_OK;
}

/* The memo (w->memo): the answers of title_rules() for recent titles, in
 * sets of MEMO_WAYS entries chosen by the XXH3 of the title and replaced
 * oldest first, and those of field_rule() for recent seniority fields
 * alike. An entry holds its text and answers only the same text,
 * byte for byte: the answers depend on the text and the compiled taxonomy
 * alone (w->memo_c), never on the hash. Titles are kept in two tables
 * by length: most are short, and a short entry is one cache line, so the
 * same memory holds twice the titles of one table of long entries. */
#define MEMO_SHORT_N 4096
#define MEMO_LONG_N 512
#define MEMO_WAYS 4
#define MEMO_SHORT_SETS (MEMO_SHORT_N / MEMO_WAYS)
#define MEMO_LONG_SETS (MEMO_LONG_N / MEMO_WAYS)
#define MEMO_SHORT 47 /* titles up to this long: one line an entry */
#define MEMO_TITLE 110 /* longer titles are not kept */
#define MEMO_FIELDS 64
#define MEMO_FIELD_SETS (MEMO_FIELDS / MEMO_WAYS)
#define MEMO_FIELD 54 /* longer fields are not kept */
/* an entry of either title table (MEMO_SHORT_SIZE or MEMO_LONG_SIZE
 * bytes): the text runs to its end */
struct memo_title {
    uint64_t key;
    int32_t role, level;
    uint8_t len;
    char text[];
};
#define MEMO_SHORT_SIZE 64  /* one cache line */
#define MEMO_LONG_SIZE 128  /* two */
_Static_assert(offsetof(struct memo_title, text) + MEMO_SHORT <=
                   MEMO_SHORT_SIZE,
               "a short title fits its entry");
_Static_assert(offsetof(struct memo_title, text) + MEMO_TITLE <=
                   MEMO_LONG_SIZE,
               "a long title fits its entry");
struct memo_field {
    int32_t level;
    uint8_t len;
    char text[MEMO_FIELD];
};
struct skidx_title_memo {
    _Alignas(64) unsigned char s[MEMO_SHORT_N][MEMO_SHORT_SIZE];
    _Alignas(64) unsigned char l[MEMO_LONG_N][MEMO_LONG_SIZE];
    struct memo_field f[MEMO_FIELDS];
    /* per set: fill_ways() ways hold entries, way fill % MEMO_WAYS is
     * replaced next; only these are cleared, the entries never read
     * before they are written */
    uint8_t fill_s[MEMO_SHORT_SETS], fill_l[MEMO_LONG_SETS],
        fill_f[MEMO_FIELD_SETS];
};

static unsigned fill_ways(uint8_t fill)
{
    return fill < MEMO_WAYS ? fill : MEMO_WAYS;
}

/* The fill after an entry is written at way fill % MEMO_WAYS: it counts
 * up to MEMO_WAYS, then cycles through MEMO_WAYS .. 2 * MEMO_WAYS - 1. */
static uint8_t fill_next(uint8_t fill)
{
    return (uint8_t)(fill < MEMO_WAYS ? fill + 1
                                      : MEMO_WAYS + (fill - MEMO_WAYS + 1) %
                                                        MEMO_WAYS);
}

/* The memo set a title of n bytes (n <= MEMO_TITLE) whose hash is key
 * reads: its first entry (*e, entries *size bytes apart) and its fill. */
static uint8_t *memo_title_set(struct skidx_title_memo *memo, size_t n,
                               uint64_t key, unsigned char **e, size_t *size)
{
    const int shrt = n <= MEMO_SHORT;
    const size_t set = (size_t)(key % (shrt ? MEMO_SHORT_SETS
                                            : MEMO_LONG_SETS));
    *size = shrt ? MEMO_SHORT_SIZE : MEMO_LONG_SIZE;
    *e = shrt ? memo->s[set * MEMO_WAYS] : memo->l[set * MEMO_WAYS];
    return shrt ? &memo->fill_s[set] : &memo->fill_l[set];
}

/* *has_key: the title's hash when the caller has it (memo_prefetch),
 * else NULL */
static skidx_status memo_title_rules(const struct skidx_compiled *c,
                                     struct skidx_worker *w, const char *t,
                                     size_t n, const uint64_t *has_key,
                                     int32_t *role, int32_t *level)
{
    if (!w->memo || n > MEMO_TITLE)
        return title_rules(c, w, t, n, role, level);
    const uint64_t key = has_key ? *has_key : n ? w->hash_fn(t, n) : 0;
    unsigned char *e;
    size_t size;
    uint8_t *fill = memo_title_set(w->memo, n, key, &e, &size);
    for (unsigned i = 0; i < fill_ways(*fill); i++) {
        const struct memo_title *m = (const struct memo_title *)(e + i * size);
        if (m->key == key && m->len == n && (!n || !memcmp(m->text, t, n))) {
            *role = m->role;
            *level = m->level;
            return SKIDX_OK;
        }
    }
    SKIDX_FORWARD(title_rules(c, w, t, n, role, level));
    struct memo_title *m =
        (struct memo_title *)(e + (size_t)(*fill % MEMO_WAYS) * size);
    *fill = fill_next(*fill);
    m->key = key;
    m->role = *role;
    m->level = *level;
    m->len = (uint8_t)n;
    if (n)
        memcpy(m->text, t, n);
    return SKIDX_OK;
}

static skidx_status memo_field_rule(const struct skidx_compiled *c,
                                    struct skidx_worker *w, const char *f,
                                    size_t n, int32_t *level)
{
    if (!w->memo || n > MEMO_FIELD)
        return field_rule(c, w, f, n, level);
    const size_t set = (size_t)(w->hash_fn(f, n) % MEMO_FIELD_SETS);
    struct memo_field *e = &w->memo->f[set * MEMO_WAYS];
    for (unsigned i = 0; i < fill_ways(w->memo->fill_f[set]); i++)
        if (e[i].len == n && !memcmp(e[i].text, f, n)) {
            *level = e[i].level;
            return SKIDX_OK;
        }
    SKIDX_FORWARD(field_rule(c, w, f, n, level));
    struct memo_field *m = &e[w->memo->fill_f[set] % MEMO_WAYS];
    w->memo->fill_f[set] = fill_next(w->memo->fill_f[set]);
    m->level = *level;
    m->len = (uint8_t)n;
    memcpy(m->text, f, n);
    return SKIDX_OK;
}

/* Start loading the memo set a lookup of title t[0..n) reads (its four
 * entries and its fill), so that classify_title() a little later finds
 * them in the cache: the 320 KB of entries are mostly out of it by the
 * next posting (the key compare of a lookup was most of classify's time
 * on a 2-vCPU EPYC VM). Returns 1 with the title's hash in *key, or 0
 * (no memo yet, or a title the memo does not keep). No effect on any
 * result. */
static int memo_prefetch(const struct skidx_compiled *c,
                         const struct skidx_worker *w, const char *t,
                         size_t n, uint64_t *key)
{
    if (!w->memo || w->memo_c != c || !n || n > MEMO_TITLE)
        return 0;
    *key = w->hash_fn(t, n);
    unsigned char *e;
    size_t size;
    __builtin_prefetch(memo_title_set(w->memo, n, *key, &e, &size));
    for (unsigned i = 0; i < MEMO_WAYS; i++)
        __builtin_prefetch(e + i * size);
    return 1;
}

/* skidx_classify(), with the title's hash when has_key is not NULL */
static skidx_status classify_title(const struct skidx_compiled *c,
                                   struct skidx_worker *w, const char *title,
                                   size_t title_len, const char *seniority,
                                   size_t seniority_len,
                                   const uint64_t *has_key, uint32_t *role,
                                   uint32_t *level)
{
    if (!seniority)
        seniority_len = 0;
    if (!title)
        title_len = 0;
    if (w->memo_c != c) {
        free(w->memo);
        w->memo = NULL;
        w->memo_c = c;
    }
    if (!w->memo &&
        (w->memo = aligned_alloc(64, sizeof(*w->memo)))) {
        /* (NULL when out of memory: every title is read) */
        memset(w->memo->fill_s, 0, sizeof(w->memo->fill_s));
        memset(w->memo->fill_l, 0, sizeof(w->memo->fill_l));
        memset(w->memo->fill_f, 0, sizeof(w->memo->fill_f));
    }
    int32_t r, l;
    SKIDX_FORWARD(memo_title_rules(c, w, title, title_len, has_key, &r, &l));
    *role = r < 0 ? c->tax->role_fallback : (uint32_t)r;
    if (l < 0 && seniority_len)
        SKIDX_FORWARD(memo_field_rule(c, w, seniority, seniority_len, &l));
    *level = l < 0 ? c->tax->level_default : (uint32_t)l;
    return SKIDX_OK;
}

skidx_status skidx_classify(const struct skidx_compiled *c,
                            struct skidx_worker *w, const char *title,
                            size_t title_len, const char *seniority,
                            size_t seniority_len, uint32_t *role,
                            uint32_t *level)
{
    return classify_title(c, w, title, title_len, seniority, seniority_len,
                          NULL, role, level);
}

/* The section kind of description hit i of the last posting: company
 * when it is company text the section rules cannot see (mark_company). */
static int hit_kind(const struct skidx_worker *w,
                    const struct skidx_posting_result *r, size_t i)
{
    (void)r;
    if (w->any_drop && w->drop[i])
        return SKIDX_SEC_COMPANY;
    return skidx_sections_kind_at(&w->sections, w->skills.hits[i].start);
}

/* Mark the description hits that are company text the section rules
 * cannot see (core/section_lead.h): those in the lead paragraphs of a
 * "Company | Role | Place" post before its first heading, those in its
 * sentences about investors and past employers, and those
 * whose text is the company's name (the company field or the header
 * line's first field). *any: some hit was marked. */
static skidx_status mark_company(struct skidx_worker *w,
                                 const struct skidx_posting_result *out,
                                 const struct skidx_value *desc,
                                 const struct skidx_value *company,
                                 const struct skidx_lead *lead, int *any)
{
    *any = 0;
    const size_t n = w->skills.n_hits;
    if (n <= out->title_hits)
        return SKIDX_OK;
    if (n > w->cap_drop) {
        uint8_t *d = realloc(w->drop, n * 2);
        if (!d)
            return SKIDX_ERR_NOMEM;
        w->drop = d;
        w->cap_drop = n * 2;
    }
    uint32_t lead_end = 0;
    if (lead) {
        lead_end = lead->end;
        if (w->sections.n && w->sections.s[0].start < lead_end)
            lead_end = w->sections.s[0].start;
    }
    struct skidx_lead_name field, header;
    skidx_lead_name_init(&field, company->p, company->len);
    skidx_lead_name_init(&header, lead ? desc->p + lead->name : NULL,
                         lead ? lead->name_len : 0);
    /* bit l: some form of either name is l bytes long (bit 63: 63 or
     * more); a hit of another length is neither name, and is not
     * compared */
    uint64_t lens = 0;
    for (unsigned i = 0; i < field.n; i++)
        lens |= 1ull << (field.len[i] < 63 ? field.len[i] : 63);
    for (unsigned i = 0; i < header.n; i++)
        lens |= 1ull << (header.len[i] < 63 ? header.len[i] : 63);
    for (size_t i = 0; i < n; i++) {
        const struct skidx_hit *h = &w->skills.hits[i];
        int d = 0;
        if (i >= out->title_hits) {
            const char *t = desc->p + h->start;
            const size_t tl = h->end - h->start;
            d = (lead && h->start >= lead->start && h->start < lead_end) ||
                ((lens >> (tl < 63 ? tl : 63) & 1) &&
                 (skidx_lead_name_is(&field, t, tl) ||
                  skidx_lead_name_is(&header, t, tl))) ||
                (lead && skidx_lead_background(desc->p, desc->len, h->start));
        }
        w->drop[i] = (uint8_t)d;
        *any |= d;
    }
    w->any_drop = *any;
    return SKIDX_OK;
}

int skidx_posting_hit_section(const struct skidx_worker *w,
                              const struct skidx_posting_result *r, size_t i)
{
    if (i < r->title_hits)
        return -1;
    return hit_kind(w, r, i);
}

/* ---- dates ---- */

static int digits(const char *p, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days since 1970-01-01 -> year and month (proleptic Gregorian). */
static void civil_from_days(int64_t z, int *y, int *m)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (mm <= 2));
    *m = mm;
}

static int plain_number(const char *p, size_t n, double *out)
{
    char buf[64];
    size_t k = 0;
    int seen_digit = 0;
    while (n && (*p == ' '))
        p++, n--;
    while (n && p[n - 1] == ' ')
        n--;
    if (!n || n >= sizeof(buf))
        return -1;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (ch == ',')
            continue;
        if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
              ch == '+' || ch == 'e' || ch == 'E'))
            return -1;
        seen_digit |= ch >= '0' && ch <= '9';
        buf[k++] = ch;
    }
    buf[k] = '\0';
    if (!seen_digit)
        return -1;
    char *end;
    double v = strtod(buf, &end);
    if (*end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int skidx_parse_month(const struct skidx_value *v, int32_t *month)
{
    int y, m;
    if (v->type == SKIDX_V_STRING && v->len >= 7 && v->p[4] == '-' &&
        !digits(v->p, 4, &y) && !digits(v->p + 5, 2, &m)) {
        if (v->len > 7 && v->p[7] != '-')
            return -1;
    } else if (v->type == SKIDX_V_NUMBER || v->type == SKIDX_V_STRING) {
        double t;
        if (plain_number(v->p, v->len, &t) || t < 0 || t > 1e15)
            return -1;
        if (t > 1e11)
            t /= 1000.0;
        civil_from_days((int64_t)floor(t / 86400.0), &y, &m);
    } else {
        return -1;
    }
    if (y < 1990 || y > 2100 || m < 1 || m > 12)
        return -1;
    *month = y * 12 + (m - 1);
    return 0;
}

int skidx_parse_amount(const struct skidx_value *v, double *amount)
{
    if (v->type != SKIDX_V_NUMBER && v->type != SKIDX_V_STRING)
        return -1;
    return plain_number(v->p, v->len, amount);
}

static int period_factor(const struct skidx_value *v, double *f)
{
    static const struct {
        const char *name;
        double factor;
    } periods[] = {
        {"year", 1},    {"yearly", 1},  {"annual", 1}, {"annually", 1},
        {"month", 12},  {"monthly", 12}, {"week", 52},  {"weekly", 52},
        {"day", 260},   {"daily", 260},  {"hour", 2080}, {"hourly", 2080},
    };
    if (v->type == SKIDX_V_ABSENT || (v->type == SKIDX_V_STRING && !v->len)) {
        *f = 1;
        return 0;
    }
    if (v->type != SKIDX_V_STRING)
        return -1;
    for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++)
        if (strlen(periods[i].name) == v->len &&
            !strncasecmp(periods[i].name, v->p, v->len)) {
            *f = periods[i].factor;
            return 0;
        }
    return -1;
}

/* ---- duplicate key ----
 *
 * Normalisation: ASCII lower case, each run of whitespace (space, TAB, CR,
 * LF) becomes one space, leading and trailing whitespace dropped. The
 * scalar loop is the definition; the AVX2 and AVX-512 paths give the
 * same bytes (a test compares them). */

static inline int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Normalise s[0..n) into o; *space = "the last byte emitted was a space or
 * nothing was emitted yet". Returns bytes written (<= n). */
static size_t norm_scalar(const unsigned char *s, size_t n, char *o,
                          int *space)
{
    size_t k = 0;
    int sp = *space;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = s[i];
        if (is_ws(ch)) {
            if (!sp)
                o[k++] = ' ';
            sp = 1;
        } else {
            o[k++] = (char)((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
            sp = 0;
        }
    }
    *space = sp;
    return k;
}

#if defined(__x86_64__)
#include <immintrin.h>

/* norm_pick[m]: the positions of the bits set in m, in order (the rest
 * 0x80, which PSHUFB turns into 0): the shuffle that packs the bytes of
 * an 8-byte group that mask m keeps. Built once (norm_pick_once) by
 * pick_norm_mode() before norm_avx2 is handed out. */
static uint8_t norm_pick[256][8];
static pthread_once_t norm_pick_once = PTHREAD_ONCE_INIT;

static void init_norm_pick(void)
{
    for (unsigned m = 0; m < 256; m++) {
        unsigned k = 0;
        for (unsigned b = 0; b < 8; b++)
            if (m >> b & 1)
                norm_pick[m][k++] = (uint8_t)b;
        while (k < 8)
            norm_pick[m][k++] = 0x80;
    }
}

/* One 32-byte block c of norm_avx2: its bytes lower-cased (ASCII) with
 * whitespace as ' ' (the result), and in *wm a bit for each whitespace
 * byte. Whitespace is found with one PSHUFB: the table holds, at each low
 * nibble, the one whitespace byte with that nibble (0x20, 0x09, 0x0A,
 * 0x0D) and elsewhere a byte no input with that nibble equals (so a 0
 * byte is not whitespace). */
__attribute__((target("avx2"), always_inline)) static inline __m256i
norm_block(__m256i c, uint32_t *wm)
{
    const __m256i wstab = _mm256_setr_epi8(
        0x20, -1, -1, -1, -1, -1, -1, -1, -1, 0x09, 0x0A, -1, -1, 0x0D, -1, 0,
        0x20, -1, -1, -1, -1, -1, -1, -1, -1, 0x09, 0x0A, -1, -1, 0x0D, -1, 0);
    const __m256i k3f = _mm256_set1_epi8(0x3F), kz = _mm256_set1_epi8(-102);
    const __m256i k20 = _mm256_set1_epi8(0x20);
    const __m256i ws = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(wstab, c), c);
    *wm = (uint32_t)_mm256_movemask_epi8(ws);
    /* 'A'..'Z' + 0x3F are -128..-103: below -102 as signed bytes */
    const __m256i up = _mm256_cmpgt_epi8(kz, _mm256_add_epi8(c, k3f));
    const __m256i lo = _mm256_or_si256(c, _mm256_and_si256(up, k20));
    return _mm256_blendv_epi8(lo, k20, ws);
}

/* The bytes of block lo that mask `keep` keeps, packed to out: each
 * 8-byte group with a PSHUFB from norm_pick[] and an 8-byte store (out
 * needs 8 bytes of room past the count). Returns how many. */
__attribute__((target("avx2,popcnt"), always_inline)) static inline size_t
norm_pack(__m256i lo, uint32_t keep, char *out)
{
    const __m128i k8 = _mm_set1_epi8(8);
    const __m128i h[2] = {_mm256_castsi256_si128(lo),
                          _mm256_extracti128_si256(lo, 1)};
    size_t k = 0;
    for (int g = 0; g < 4; g++) {
        const unsigned m = keep >> (8 * g) & 0xFF;
        __m128i idx = _mm_loadl_epi64((const __m128i *)norm_pick[m]);
        if (g & 1)
            idx = _mm_add_epi8(idx, k8); /* 0x80 + 8 stays negative */
        _mm_storel_epi64((__m128i *)(out + k),
                         _mm_shuffle_epi8(h[g >> 1], idx));
        k += (size_t)__builtin_popcount(m);
    }
    return k;
}

/* 32 bytes a step (norm_block). A block in which no whitespace byte
 * follows another (most prose) is stored whole; any other is packed by
 * norm_pack(). Every store ends at or before s + i + 32 mapped to o
 * (output never outruns input), within the n bytes of room. The last
 * n % 32 bytes (all of a short field) are a block of their own, read
 * from and packed into local copies, so that nothing is read or written
 * past the field. */
__attribute__((target("avx2,popcnt"))) static size_t
norm_avx2(const unsigned char *s, size_t n, char *o, int *space)
{
    size_t i = 0, k = 0;
    uint32_t sp = *space != 0, wm;
    for (; i + 32 <= n; i += 32) {
        const __m256i lo =
            norm_block(_mm256_loadu_si256((const __m256i *)(s + i)), &wm);
        const uint32_t drop = wm & (wm << 1 | sp);
        sp = wm >> 31;
        if (!drop) {
            _mm256_storeu_si256((__m256i *)(o + k), lo);
            k += 32;
            continue;
        }
        k += norm_pack(lo, ~drop, o + k);
    }
    if (i < n) {
        /* the last n - i < 32 bytes: copied into a block (the rest 0, no
         * whitespace, not kept), packed into `out` and copied to o + k */
        const size_t m = n - i;
        const uint32_t live = (1u << m) - 1;
        unsigned char in[32] = {0};
        char out[40];
        memcpy(in, s + i, m);
        const __m256i lo =
            norm_block(_mm256_loadu_si256((const __m256i *)in), &wm);
        wm &= live;
        const uint32_t keep = ~(wm & (wm << 1 | sp)) & live;
        sp = wm >> (m - 1) & 1;
        const size_t kk = norm_pack(lo, keep, out);
        memcpy(o + k, out, kk);
        k += kk;
    }
    *space = (int)sp;
    return k;
}

/* 64 bytes a step with no fallback: the whitespace bytes that follow
 * whitespace are dropped with a byte compress (AVX-512 VBMI2). Full
 * blocks store 64 bytes at o + k <= o + i (output never outruns input);
 * the last block stores only what it keeps. */
__attribute__((target("avx512f,avx512bw,avx512vbmi2,bmi,bmi2,popcnt")))
static size_t norm_avx512(const unsigned char *s, size_t n, char *o,
                          int *space)
{
    size_t k = 0;
    uint64_t sp = (uint64_t)(*space != 0);
    const __m512i kA = _mm512_set1_epi8('A'), k25 = _mm512_set1_epi8(25);
    const __m512i k20 = _mm512_set1_epi8(0x20), kt = _mm512_set1_epi8('\t');
    const __m512i kn = _mm512_set1_epi8('\n'), kr = _mm512_set1_epi8('\r');
    for (size_t i = 0; i < n; i += 64) {
        size_t m = n - i < 64 ? n - i : 64;
        __mmask64 live = m == 64 ? ~0ull : (1ull << m) - 1;
        /* a whole block by a plain load: with the masked load for every
         * block this loop ran at a third of norm_avx2()'s speed on the
         * AMD EPYC VMs where the text was not in cache (skidx-bench norm,
         * BENCHMARKS.md); on text just written, as the indexer's, alike */
        __m512i c = m == 64 ? _mm512_loadu_si512((const void *)(s + i))
                            : _mm512_maskz_loadu_epi8(live, s + i);
        uint64_t ws = (uint64_t)(_mm512_cmpeq_epi8_mask(c, k20) |
                                 _mm512_cmpeq_epi8_mask(c, kt) |
                                 _mm512_cmpeq_epi8_mask(c, kn) |
                                 _mm512_cmpeq_epi8_mask(c, kr)) & live;
        uint64_t keep = ~(ws & (ws << 1 | sp)) & live;
        __mmask64 up = _mm512_cmple_epu8_mask(_mm512_sub_epi8(c, kA), k25);
        __m512i lo = _mm512_mask_add_epi8(c, up, c, k20);
        lo = _mm512_mask_mov_epi8(lo, ws, k20);
        __m512i out = _mm512_maskz_compress_epi8(keep, lo);
        size_t cnt = (size_t)__builtin_popcountll(keep);
        if (m == 64)
            _mm512_storeu_si512((void *)(o + k), out);
        else
            _mm512_mask_storeu_epi8(o + k, cnt == 64 ? ~0ull
                                                     : (1ull << cnt) - 1,
                                    out);
        k += cnt;
        sp = ws >> (m - 1) & 1;
    }
    *space = (int)sp;
    return k;
}
#endif

/* mode: an enum skidx_simd_mode (core/simd.h). */
static norm_fn pick_norm_mode(int mode)
{
#if defined(__x86_64__)
    mode = skidx_simd_mode(mode);
    if (mode == SKIDX_SIMD_SCALAR)
        return norm_scalar;
    if (mode == SKIDX_SIMD_BEST && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vbmi2") &&
        __builtin_cpu_supports("bmi2"))
        return norm_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) {
        pthread_once(&norm_pick_once, init_norm_pick);
        return norm_avx2;
    }
#else
    (void)mode;
#endif
    return norm_scalar;
}

static norm_fn pick_norm(void)
{
    return pick_norm_mode(SKIDX_SIMD_BEST);
}

size_t skidx_normalize(const char *s, size_t n, char *out, int simd)
{
    int sp = 1;
    norm_fn f = pick_norm_mode(simd);
    size_t k = f((const unsigned char *)s, n, out, &sp);
    if (k && out[k - 1] == ' ')
        k--;
    return k;
}

static skidx_status norm_append(struct skidx_worker *w, size_t *at,
                                const struct skidx_value *v)
{
    norm_fn norm = w->norm_fn;
    size_t len = v->type == SKIDX_V_STRING ? v->len : 0;
    size_t need = *at + len + 1;
    if (need > w->cap_norm) {
        size_t cap = need > 2 * w->cap_norm ? need : 2 * w->cap_norm;
        char *p = realloc(w->norm, cap);
        if (!p)
            return SKIDX_ERR_NOMEM;
        w->norm = p;
        w->cap_norm = cap;
    }
    char *o = w->norm + *at;
    int sp = 1; /* trims leading whitespace */
    size_t k = norm((const unsigned char *)v->p, len, o, &sp);
    if (k && o[k - 1] == ' ')
        k--;
    o[k++] = '\x1f'; /* field separator */
    *at += k;
    return SKIDX_OK;
}

/* The skills of the last posting named in a preferred section and in no
 * other place that counts (title, untitled text, requirements,
 * responsibilities, other): out->pref. */
static skidx_status find_pref(const struct skidx_compiled *c,
                              struct skidx_worker *w,
                              struct skidx_posting_result *out)
{
    const size_t words = (c->tax->n_skills + 63) / 64;
    if (words > w->cap_pref) {
        uint64_t *a = realloc(w->pref_bits, words * sizeof(*a));
        if (a)
            w->pref_bits = a;
        uint64_t *b = realloc(w->req_bits, words * sizeof(*b));
        if (b)
            w->req_bits = b;
        if (!a || !b)
            return SKIDX_ERR_NOMEM;
        w->cap_pref = words;
    }
    if (out->n_skills > w->cap_pref_ids) {
        uint32_t *ids = realloc(w->pref_ids, out->n_skills * sizeof(*ids));
        if (!ids)
            return SKIDX_ERR_NOMEM;
        w->pref_ids = ids;
        w->cap_pref_ids = out->n_skills;
    }
    memset(w->pref_bits, 0, words * sizeof(uint64_t));
    memset(w->req_bits, 0, words * sizeof(uint64_t));
    for (size_t i = 0; i < w->skills.n_hits; i++) {
        const struct skidx_hit *h = &w->skills.hits[i];
        if (h->flags & SKIDX_HIT_MASKED)
            continue;
        const int kind =
            i < out->title_hits ? SKIDX_SEC_NONE : hit_kind(w, out, i);
        if (kind == SKIDX_SEC_PREFERRED)
            w->pref_bits[h->owner / 64] |= 1ull << (h->owner % 64);
        else if (skidx_section_counts(kind))
            w->req_bits[h->owner / 64] |= 1ull << (h->owner % 64);
    }
    size_t k = 0;
    for (size_t i = 0; i < out->n_skills; i++) {
        const uint32_t s = out->skills[i];
        if ((w->pref_bits[s / 64] >> (s % 64) & 1) &&
            !(w->req_bits[s / 64] >> (s % 64) & 1))
            w->pref_ids[k++] = s;
    }
    out->pref = w->pref_ids;
    out->n_pref = k;
    return SKIDX_OK;
}

/* ---- the whole posting ---- */

/* Test hook (skidx_posting_set_skip): 0 = the lazy split, no skipping. */
static int skip_first = 1;

void skidx_posting_set_skip(int on)
{
    skip_first = on;
    skidx_match_set_skip(on);
}

/* With w->want_pref: does the description (w->sections as split so
 * far) have a preferred section? */
static int pref_section(const struct skidx_worker *w)
{
    for (size_t i = 0; w->want_pref && i < w->sections.n; i++)
        if (w->sections.s[i].kind == SKIDX_SEC_PREFERRED)
            return 1;
    return 0;
}

/* The description's sections that do not count (w->sections, split
 * whole) as skip ranges in w->skip, *n of them. */
static skidx_status skip_ranges(struct skidx_worker *w, size_t len,
                                size_t *n)
{
    const struct skidx_sections *S = &w->sections;
    if (S->n > w->cap_skip) {
        uint32_t *v = realloc(w->skip, 2 * S->n * sizeof(*v));
        if (!v)
            return SKIDX_ERR_NOMEM;
        w->skip = v;
        w->cap_skip = S->n;
    }
    *n = skidx_sections_skip_ranges(S, len, w->skip);
    return SKIDX_OK;
}

/* The month, salary and their fixes of posting p into out. */
static void posting_fields(const struct skidx_posting *p, const char *currency,
                           struct skidx_posting_result *out)
{
    /* month */
    out->month = SKIDX_NO_MONTH;
    if (p->v[SKIDX_P_POSTED].type != SKIDX_V_ABSENT &&
        !(p->v[SKIDX_P_POSTED].type == SKIDX_V_OTHER)) {
        int32_t m;
        if (skidx_parse_month(&p->v[SKIDX_P_POSTED], &m) == 0)
            out->month = m;
        else
            out->fixes |= 1u << SKIDX_FIX_BAD_DATE;
    } else if (p->v[SKIDX_P_POSTED].type == SKIDX_V_OTHER &&
               !(p->v[SKIDX_P_POSTED].len == 4 &&
                 !memcmp(p->v[SKIDX_P_POSTED].p, "null", 4))) {
        out->fixes |= 1u << SKIDX_FIX_BAD_DATE;
    }

    /* salary */
    out->salary = -1;
    {
        const struct skidx_value *lo = &p->v[SKIDX_P_SALARY_MIN];
        const struct skidx_value *hi = &p->v[SKIDX_P_SALARY_MAX];
        int has_lo = lo->type == SKIDX_V_NUMBER || lo->type == SKIDX_V_STRING;
        int has_hi = hi->type == SKIDX_V_NUMBER || hi->type == SKIDX_V_STRING;
        int junk_lo = lo->type == SKIDX_V_OTHER &&
                      !(lo->len == 4 && !memcmp(lo->p, "null", 4));
        int junk_hi = hi->type == SKIDX_V_OTHER &&
                      !(hi->len == 4 && !memcmp(hi->p, "null", 4));
        if (lo->type == SKIDX_V_STRING && !lo->len)
            has_lo = 0;
        if (hi->type == SKIDX_V_STRING && !hi->len)
            has_hi = 0;
        if (junk_lo || junk_hi) {
            out->fixes |= 1u << SKIDX_FIX_BAD_SALARY;
        } else if (has_lo || has_hi) {
            double a = 0, b = 0, f = 1;
            if ((has_lo && skidx_parse_amount(lo, &a)) ||
                (has_hi && skidx_parse_amount(hi, &b)) ||
                period_factor(&p->v[SKIDX_P_SALARY_PERIOD], &f)) {
                out->fixes |= 1u << SKIDX_FIX_BAD_SALARY;
            } else {
                double mid = has_lo && has_hi ? (a + b) / 2 : has_lo ? a : b;
                double annual = mid * f;
                if (!(annual >= 1000.0 && annual <= 100000000.0))
                    out->fixes |= 1u << SKIDX_FIX_BAD_SALARY;
                else
                    out->salary = (int64_t)llround(annual);
            }
        }
        const struct skidx_value *cur = &p->v[SKIDX_P_CURRENCY];
        out->same_currency = 1;
        if (cur->type == SKIDX_V_STRING && cur->len) {
            const char *s = cur->p;
            size_t n = cur->len;
            while (n && *s == ' ')
                s++, n--;
            while (n && s[n - 1] == ' ')
                n--;
            out->same_currency =
                n == strlen(currency) && !strncasecmp(s, currency, n);
        }
    }
}

/* The duplicate key of a posting (its title, company and description,
 * normalised) into *key. */
static skidx_status posting_key(struct skidx_worker *w,
                                const struct skidx_posting *q, uint64_t *key)
{
    size_t at = 0;
    SKIDX_FORWARD(norm_append(w, &at, &q->v[SKIDX_P_TITLE]));
    SKIDX_FORWARD(norm_append(w, &at, &q->v[SKIDX_P_COMPANY]));
    SKIDX_FORWARD(norm_append(w, &at, &q->v[SKIDX_P_DESCRIPTION]));
    *key = w->hash_fn(w->norm, at); /* in memory only */
    return SKIDX_OK;
}

/* The slot of w->dup_seen where key k would be. */
static inline const uint64_t *dup_slot(const struct skidx_worker *w,
                                       uint64_t k)
{
    return w->dup_seen + skidx_dup_slot(k, w->dup_mask);
}

/* Does w->dup_seen hold key k? */
static int dup_seen(const struct skidx_worker *w, uint64_t k)
{
    return __atomic_load_n(dup_slot(w, k), __ATOMIC_RELAXED) ==
           skidx_dup_stored(k);
}

/* The ids of the set bits of b (plus base) to ids[k..], ascending: four
 * written at once whether b has them or not (bit 63 set for ctz's sake
 * turns a missing one into a harmless base + 63 past the new k, which
 * counts only the real ones), so there is no branch on how many bits a
 * word holds, which followed the posting and was mispredicted; ids
 * needs 4 slots of slack past the last id. Returns the new k. */
static inline size_t put_ids(uint32_t *ids, size_t k, uint64_t b,
                             uint32_t base)
{
    uint32_t *o = ids + k;
    do {
        for (int j = 0; j < 4; j++) {
            o[j] = base + (uint32_t)__builtin_ctzll(b | 1ull << 63);
            k += b != 0;
            b &= b - 1;
        }
        o += 4;
    } while (b);
    return k;
}

skidx_status skidx_posting_process(const struct skidx_compiled *c,
                                   struct skidx_worker *w,
                                   const struct skidx_posting *p,
                                   const char *currency, int want_hits,
                                   enum skidx_engine engine,
                                   struct skidx_posting_result *out,
                                   unsigned *skip_cause)
{
    struct skidx_posting q = *p;
    memset(out, 0, sizeof(*out));
    /* wrong types: a text field that is not a string is ignored */
    static const int text_fields[] = {SKIDX_P_TITLE, SKIDX_P_DESCRIPTION,
                                      SKIDX_P_COMPANY, SKIDX_P_SENIORITY,
                                      SKIDX_P_CURRENCY};
    for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++) {
        struct skidx_value *v = &q.v[text_fields[i]];
        if (v->type != SKIDX_V_ABSENT && v->type != SKIDX_V_STRING) {
            if (v->type != SKIDX_V_OTHER || v->len != 4 ||
                memcmp(v->p, "null", 4))
                out->fixes |= 1u << SKIDX_FIX_WRONG_TYPE;
            v->type = SKIDX_V_ABSENT;
            v->len = 0;
        }
    }
    const struct skidx_value *title = &q.v[SKIDX_P_TITLE];
    const struct skidx_value *desc = &q.v[SKIDX_P_DESCRIPTION];
    if (!title->len && !desc->len) {
        *skip_cause = SKIDX_SKIP_NO_TEXT;
        return SKIDX_ERR_CORRUPT;
    }
    const struct skidx_value *sen = &q.v[SKIDX_P_SENIORITY];
    /* the duplicate key first: a repeat of a posting before it (one the
     * caller's dup_seen holds) is not read further; its slot loads while
     * the memo's lines and the lead paragraphs below are looked at */
    SKIDX_FORWARD(posting_key(w, &q, &out->dedup));
    const int check_dup = w->dup_seen && !want_hits;
    if (check_dup)
        __builtin_prefetch(dup_slot(w, out->dedup));
    /* classified after the title's skills: the memo's lines load
     * meanwhile */
    uint64_t title_key;
    const int has_key = memo_prefetch(c, w, title->p, title->len, &title_key);

    /* sections: when some part of the description does not count, every
     * hit is kept and filtered by the section it lies in. For counting
     * alone (no hits wanted) the skills are matched first: only the
     * headings up to the last description hit of a skill the title does
     * not name can change a count or make a skill preferred-only, so the
     * split stops there, and a description without such a hit is not
     * split at all. */
    /* company text the section rules cannot see: the lead paragraphs of
     * a "Company | Role | Place" post and the company's own name
     * (core/section_lead.h); such a post is split whole */
    const struct skidx_value *company = &q.v[SKIDX_P_COMPANY];
    struct skidx_lead lead;
    const int has_lead = desc->len && skidx_lead_find(desc->p, desc->len,
                                                      &lead);
    w->any_drop = 0;
    /* For counting alone, the description is split first and the word
     * loop passes over the text well inside the sections that do not
     * count (skidx_match_scratch.skip): often half of a posting (company,
     * benefits, legal text), whose hits would all be dropped. The split
     * after the skills, up to their last hit (lazy), is the way without
     * skipping (skidx_posting_set_skip(0), for tests). */
    int lazy = !want_hits && !skip_first && c->tax->sections.n && desc->len &&
               !has_lead;
    int filter = 0;
    w->sections.n = 0;
    w->sections.excluded = 0;
    size_t n_skip = 0;
    if (!lazy) {
        SKIDX_FORWARD(skidx_sections_split_mode(
            &c->tax->sections, desc->p, desc->len, &w->sections, w->sec_simd,
            want_hits || has_lead ? 1 : w->want_pref ? 2 : 0));
        filter = w->sections.excluded;
        if (filter && !want_hits)
            SKIDX_FORWARD(skip_ranges(w, desc->len, &n_skip));
    }
    /* the repeat check after the split: its slot, a cache miss, loads
     * while the split runs (a repeat's split, rare, is wasted) */
    if (check_dup && dup_seen(w, out->dedup)) {
        out->known_dup = 1;
        posting_fields(&q, currency, out);
        return SKIDX_OK;
    }

    /* skills */
    w->skills.sort_hits = want_hits;
    /* (a preferred section needs every hit: find_pref) */
    w->skills.count_only = !want_hits && !filter && !lazy && !has_lead &&
                           !company->len && !pref_section(w);
    w->skills.keep_masked = want_hits; /* shown, flagged, not counted */
    skidx_match_reset(&w->skills);
    if (title->len)
        SKIDX_FORWARD(skidx_match_text(c->skills, &w->skills, title->p,
                                       title->len, engine));
    out->title_hits = w->skills.n_hits;
    size_t title_owners = w->skills.n_owners;
    SKIDX_FORWARD(classify_title(c, w, title->p, title->len, sen->p,
                                 sen->len, has_key ? &title_key : NULL,
                                 &out->role, &out->level));
    if (desc->len) {
        w->skills.skip = w->skip;
        w->skills.n_skip = n_skip;
        const skidx_status st = skidx_match_text(c->skills, &w->skills,
                                                 desc->p, desc->len, engine);
        w->skills.n_skip = 0;
        SKIDX_FORWARD(st);
    }
    if (lazy) {
        /* the last hit whose section may decide a count (masked hits are
         * not kept here: keep_masked is off) */
        size_t upto = 0, any = 0;
        if (title_owners <= 4) {
            /* the same without a branch per hit: upto is the greatest
             * start of a hit whose owner the title does not name, and
             * the (at most four) title owners are compared at once
             * (UINT32_MAX is no owner) */
            uint32_t t[4] = {UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX};
            for (size_t k = 0; k < title_owners; k++)
                t[k] = w->skills.owners[k];
            for (size_t i = out->title_hits; i < w->skills.n_hits; i++) {
                const struct skidx_hit *h = &w->skills.hits[i];
                const uint32_t o = h->owner;
                const size_t cand =
                    (o != t[0]) & (o != t[1]) & (o != t[2]) & (o != t[3]);
                any |= cand;
                upto = cand && h->start > upto ? h->start : upto;
            }
        } else {
            for (size_t i = out->title_hits; i < w->skills.n_hits; i++) {
                const struct skidx_hit *h = &w->skills.hits[i];
                size_t k = 0;
                while (k < title_owners && w->skills.owners[k] != h->owner)
                    k++;
                if (k < title_owners || (any && h->start <= upto))
                    continue;
                upto = h->start;
                any = 1;
            }
        }
        if (any) {
            SKIDX_FORWARD(skidx_sections_split_upto(
                &c->tax->sections, desc->p, desc->len, &w->sections,
                w->sec_simd, w->want_pref ? 2 : 0, upto));
            filter = w->sections.excluded;
        }
    }
    if (desc->len && (has_lead || company->len)) {
        int any;
        SKIDX_FORWARD(mark_company(w, out, desc, company,
                                   has_lead ? &lead : NULL, &any));
        filter |= any;
    }
    /* a preferred section: which skills only it names */
    const int pref = pref_section(w);
    /* (4 slots of slack for the ids' writes below) */
    if (w->skills.n_owners + 4 > w->cap_ids) {
        size_t cap = w->skills.n_owners * 2 + 4;
        uint32_t *ids = realloc(w->skill_ids, cap * sizeof(*ids));
        if (!ids)
            return SKIDX_ERR_NOMEM;
        w->skill_ids = ids;
        w->cap_ids = cap;
    }
    /* sorted ids straight from the owner bitset: a few words to scan */
    {
        size_t k = 0, words = (c->tax->n_skills + 63) / 64;
        uint64_t busy = 0; /* the words of bits that hold a skill */
        const uint64_t *bits = w->skills.owner_bits;
        size_t n_owners = w->skills.n_owners;
        if (filter) {
            if (words > w->cap_keep) {
                uint64_t *kb = realloc(w->keep_bits, words * sizeof(*kb));
                if (!kb)
                    return SKIDX_ERR_NOMEM;
                w->keep_bits = kb;
                w->cap_keep = words;
            }
            memset(w->keep_bits, 0, words * sizeof(*w->keep_bits));
            for (size_t i = 0; i < w->skills.n_hits; i++) {
                const struct skidx_hit *h = &w->skills.hits[i];
                if (h->flags & SKIDX_HIT_MASKED)
                    continue; /* shown by match, never counted */
                if (i < out->title_hits ||
                    skidx_section_counts(hit_kind(w, out, i))) {
                    w->keep_bits[h->owner / 64] |= 1ull << (h->owner % 64);
                    busy |= 1ull << (h->owner / 64 & 63);
                }
            }
            bits = w->keep_bits;
            n_owners = SIZE_MAX;
        } else if (words <= 64) {
            for (size_t i = 0; i < n_owners; i++)
                busy |= 1ull << (w->skills.owners[i] / 64 & 63);
        }
        /* Only the words that hold an owner are visited (`busy`, a bit
         * a word, when the taxonomy has at most 64 words of skills):
         * visiting all 57 words of the default taxonomy's 3,621 skills
         * took some 2 % of the instructions of indexing (cg-work.sh).
         * Ids ascend either way. */
        uint32_t *const ids = w->skill_ids;
        if (words <= 64) {
            for (; busy; busy &= busy - 1) {
                const size_t wi = (size_t)__builtin_ctzll(busy);
                k = put_ids(ids, k, bits[wi], (uint32_t)(wi * 64));
            }
        } else {
            for (size_t wi = 0; wi < words && k < n_owners; wi++)
                k = put_ids(ids, k, bits[wi], (uint32_t)(wi * 64));
        }
        out->n_skills = k;
    }
    out->skills = w->skill_ids;
    out->pref = w->pref_ids;
    out->n_pref = 0;
    if (pref)
        SKIDX_FORWARD(find_pref(c, w, out));

    posting_fields(&q, currency, out);
    return SKIDX_OK;
}
