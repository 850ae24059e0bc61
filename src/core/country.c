/*
 * country.c - the country a location names, from the table
 * src/core/countries.tsv (compiled in: gen/countries_table.inc, made by
 * CMakeLists.txt). The rules are README's "Countries" and docs/FORMAT.md's
 * Location_Countries:
 *
 * - The location is scanned left to right for the forms of the table
 *   (names of countries, regions and cities; abbreviations), each as whole
 *   words: the characters on either side of it are not letters or digits
 *   (Latin, Greek, Cyrillic, Hebrew, Arabic, Devanagari and Thai letters
 *   count; CJK ideographs, kana and Hangul do not, so 北京 is found in
 *   北京海淀区). At each place the longest form wins ("New South Wales"
 *   over "Wales", "New Mexico" over "Mexico"), and the scan goes on after
 *   it. Names compare ASCII-caseless; abbreviations (USA, U.K.) and codes
 *   with their case.
 * - A comma-separated part after the first that is a region's two-letter
 *   code, alone or before a postal code ("TX", "NY 10001", "ON M5V 2T6"),
 *   names its country.
 * - A flag (two regional indicator symbols, 🇫🇷) names its country.
 * - Each thing found names a set of countries (one, or several when the
 *   table lists the form for several codes: Georgia, Perth). The location's
 *   country is the one country in all of these sets; when there is none
 *   (nothing found, or "Berlin or London") or more than one ("Perth"
 *   alone), the location has no country. Nothing is guessed.
 *
 * The table is indexed once (pthread_once): the forms by their first byte,
 * ASCII lower-cased, longest first; the codes in a 26 x 26 bit set.
 */
#include "skidx.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum cty_kind { CTY_COUNTRY, CTY_ALIAS, CTY_REGION, CTY_CITY, CTY_ABBR,
                CTY_RABBR, CTY_CODE };

struct cty_form {
    char code[3];
    enum cty_kind kind;
    const char *form;
};

static const struct cty_form table[] = {
#include "countries_table.inc"
};
#define N_FORMS (sizeof(table) / sizeof(table[0]))

#define N_CODES (26 * 26)
#define SET_WORDS ((N_CODES + 63) / 64)

struct cty_set {
    uint64_t w[SET_WORDS];
};

/* the index of the table, built once */
static struct {
    uint16_t *order;      /* form ids: by first byte (folded), longest first */
    uint32_t first[257];  /* order[first[b] .. first[b+1]): first byte b */
    uint32_t *len;        /* of each form */
    const char *name[N_CODES]; /* the `country` form of each code */
    int ok;
} ix;
static pthread_once_t ix_once = PTHREAD_ONCE_INIT;

static int code_id(const char *c)
{
    if (c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z')
        return -1;
    return (c[0] - 'A') * 26 + (c[1] - 'A');
}

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static int caseless(enum cty_kind k)
{
    return k != CTY_ABBR && k != CTY_RABBR && k != CTY_CODE;
}

static int by_len_desc(const void *a, const void *b)
{
    const uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    const unsigned char fx = fold((unsigned char)table[x].form[0]),
                        fy = fold((unsigned char)table[y].form[0]);
    if (fx != fy)
        return fx < fy ? -1 : 1;
    if (ix.len[x] != ix.len[y])
        return ix.len[x] > ix.len[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

static void ix_build(void)
{
    ix.order = malloc(N_FORMS * sizeof(*ix.order));
    ix.len = malloc(N_FORMS * sizeof(*ix.len));
    if (!ix.order || !ix.len)
        return;
    for (uint32_t i = 0; i < N_FORMS; i++) {
        ix.order[i] = (uint16_t)i;
        ix.len[i] = (uint32_t)strlen(table[i].form);
        const int c = code_id(table[i].code);
        if (table[i].kind == CTY_COUNTRY && c >= 0 && !ix.name[c])
            ix.name[c] = table[i].form;
    }
    qsort(ix.order, N_FORMS, sizeof(*ix.order), by_len_desc);
    uint32_t at = 0;
    for (uint32_t b = 0; b < 256; b++) {
        ix.first[b] = at;
        while (at < N_FORMS &&
               fold((unsigned char)table[ix.order[at]].form[0]) == b)
            at++;
    }
    ix.first[256] = at;
    ix.ok = 1;
}

static int ix_ready(void)
{
    pthread_once(&ix_once, ix_build);
    return ix.ok;
}

/* The code point at s[i] (of n bytes) and its byte length in *l; a
 * malformed byte is U+FFFD (no letter), length 1. */
static uint32_t cp_at(const unsigned char *s, size_t n, size_t i, size_t *l)
{
    const unsigned char c = s[i];
    const size_t k =
        c < 0x80 ? 1 : c >= 0xF8 ? 0 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3
                                   : c >= 0xC0 ? 2 : 0;
    *l = 1;
    if (k == 1)
        return c;
    if (k == 0 || k > n - i)
        return 0xFFFD;
    uint32_t cp = k == 2 ? c & 0x1F : k == 3 ? c & 0x0F : c & 0x07;
    for (size_t j = 1; j < k; j++) {
        if ((s[i + j] & 0xC0) != 0x80)
            return 0xFFFD;
        cp = cp << 6 | (s[i + j] & 0x3F);
    }
    *l = k;
    return cp;
}

/* A letter or digit of a script written with spaces between words. */
static int word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || ((cp | 32) >= 'a' && (cp | 32) <= 'z');
    return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x300 && cp <= 0x52F) || /* marks, Greek, Cyrillic */
           (cp >= 0x591 && cp <= 0x6FF) || /* Hebrew, Arabic */
           (cp >= 0x900 && cp <= 0x97F) || /* Devanagari */
           (cp >= 0xE00 && cp <= 0xE7F) || /* Thai */
           (cp >= 0x1E00 && cp <= 0x1EFF); /* Latin extended additional */
}

/* Whether position i of s starts a word (i == 0, or the character before
 * it is not a word character). */
static int word_start(const unsigned char *s, size_t i)
{
    if (i == 0)
        return 1;
    size_t j = i - 1;
    while (j > 0 && (s[j] & 0xC0) == 0x80 && i - j < 4)
        j--;
    size_t l;
    return !word_cp(cp_at(s, i, j, &l));
}

static int word_end(const unsigned char *s, size_t n, size_t i)
{
    size_t l;
    return i >= n || !word_cp(cp_at(s, n, i, &l));
}

static void set_add(struct cty_set *s, const char *code)
{
    const int c = code_id(code);
    if (c >= 0)
        s->w[c / 64] |= 1ull << (c % 64);
}

/* The longest forms at s[i..n) (a word start): their countries into *out;
 * returns the length matched, 0 for none. */
static size_t match_at(const unsigned char *s, size_t n, size_t i,
                       struct cty_set *out)
{
    const unsigned char b = fold(s[i]);
    size_t best = 0;
    for (uint32_t o = ix.first[b]; o < ix.first[b + 1]; o++) {
        const uint16_t f = ix.order[o];
        const size_t len = ix.len[f];
        if (len < best)
            break; /* longest first: no longer one is left */
        if (table[f].kind == CTY_CODE || len > n - i)
            continue;
        const unsigned char *p = (const unsigned char *)table[f].form;
        size_t j = 0;
        if (caseless(table[f].kind)) {
            while (j < len && fold(s[i + j]) == fold(p[j]))
                j++;
        } else {
            while (j < len && s[i + j] == p[j])
                j++;
        }
        if (j < len || !word_end(s, n, i + len))
            continue;
        if (!best)
            memset(out, 0, sizeof(*out));
        best = len;
        set_add(out, table[f].code);
    }
    return best;
}

/* A part after a comma, s[a..b): a region's code, alone or before a
 * postal code? Its countries into *out; 1 when it is one. */
static int code_part(const unsigned char *s, size_t a, size_t b,
                     struct cty_set *out)
{
    while (a < b && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    if (b - a < 2 || s[a] < 'A' || s[a] > 'Z' || s[a + 1] < 'A' ||
        s[a + 1] > 'Z')
        return 0;
    if (b - a > 2) {
        /* "NY 10001", "ON M5V 2T6": a space, then capitals, digits,
         * spaces and hyphens with at least one digit */
        int digit = 0;
        if (s[a + 2] != ' ')
            return 0;
        for (size_t i = a + 3; i < b; i++) {
            const unsigned char c = s[i];
            if (c >= '0' && c <= '9')
                digit = 1;
            else if (!(c >= 'A' && c <= 'Z') && c != ' ' && c != '-')
                return 0;
        }
        if (!digit)
            return 0;
    }
    int found = 0;
    for (uint32_t o = ix.first[fold(s[a])]; o < ix.first[fold(s[a]) + 1]; o++) {
        const uint16_t f = ix.order[o];
        if (table[f].kind == CTY_CODE && table[f].form[0] == (char)s[a] &&
            table[f].form[1] == (char)s[a + 1]) {
            if (!found)
                memset(out, 0, sizeof(*out));
            found = 1;
            set_add(out, table[f].code);
        }
    }
    return found;
}

static void set_and(struct cty_set *acc, const struct cty_set *x, int *have)
{
    for (int w = 0; w < SET_WORDS; w++)
        acc->w[w] = *have ? acc->w[w] & x->w[w] : x->w[w];
    *have = 1;
}

int skidx_location_country(const char *loc, size_t n, char out[3])
{
    out[0] = '\0';
    if (!loc || !ix_ready())
        return 0;
    const unsigned char *s = (const unsigned char *)loc;
    struct cty_set acc, x;
    int have = 0;
    memset(&acc, 0, sizeof(acc));
    /* codes: the parts after the first comma */
    size_t a = 0;
    while (a < n && s[a] != ',')
        a++;
    while (a < n) {
        size_t b = a + 1;
        while (b < n && s[b] != ',')
            b++;
        if (code_part(s, a + 1, b, &x))
            set_and(&acc, &x, &have);
        a = b;
    }
    /* names, abbreviations and flags, left to right */
    for (size_t i = 0; i < n;) {
        size_t l;
        const uint32_t cp = cp_at(s, n, i, &l);
        if (cp >= 0x1F1E6 && cp <= 0x1F1FF && i + l < n) {
            size_t l2;
            const uint32_t cp2 = cp_at(s, n, i + l, &l2);
            if (cp2 >= 0x1F1E6 && cp2 <= 0x1F1FF) {
                const char c[3] = {(char)('A' + cp - 0x1F1E6),
                                   (char)('A' + cp2 - 0x1F1E6), 0};
                if (ix.name[code_id(c)]) {
                    memset(&x, 0, sizeof(x));
                    set_add(&x, c);
                    set_and(&acc, &x, &have);
                }
                i += l + l2;
                continue;
            }
        }
        if (word_start(s, i)) {
            const size_t m = match_at(s, n, i, &x);
            if (m) {
                set_and(&acc, &x, &have);
                i += m;
                continue;
            }
        }
        i += l;
    }
    if (!have)
        return 0;
    int found = -1;
    for (int w = 0; w < SET_WORDS; w++) {
        if (!acc.w[w])
            continue;
        if (found >= 0 || (acc.w[w] & (acc.w[w] - 1)))
            return 0; /* more than one */
        found = w * 64 + __builtin_ctzll(acc.w[w]);
    }
    if (found < 0)
        return 0;
    out[0] = (char)('A' + found / 26);
    out[1] = (char)('A' + found % 26);
    out[2] = '\0';
    return 1;
}

skidx_status skidx_country_resolve(const char *name, char out[3])
{
    out[0] = '\0';
    if (!name || !ix_ready())
        return SKIDX_ERR_NOTFOUND;
    size_t n = strlen(name);
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        n--;
    while (n && (*name == ' ' || *name == '\t'))
        name++, n--;
    if (n == 2) {
        const char c[3] = {(char)(fold((unsigned char)name[0]) - 32),
                           (char)(fold((unsigned char)name[1]) - 32), 0};
        const int id = code_id(c);
        if (id >= 0 && ix.name[id]) {
            memcpy(out, c, 3);
            return SKIDX_OK;
        }
    }
    /* a name of one country: country, alias or abbr, caseless */
    const char *hit = NULL;
    for (size_t i = 0; i < N_FORMS; i++) {
        const enum cty_kind k = table[i].kind;
        if (k != CTY_COUNTRY && k != CTY_ALIAS && k != CTY_ABBR)
            continue;
        if (ix.len[i] != n)
            continue;
        size_t j = 0;
        while (j < n && fold((unsigned char)name[j]) ==
                            fold((unsigned char)table[i].form[j]))
            j++;
        if (j < n)
            continue;
        if (hit && strcmp(hit, table[i].code))
            return SKIDX_ERR_AMBIGUOUS;
        hit = table[i].code;
    }
    if (!hit)
        return SKIDX_ERR_NOTFOUND;
    memcpy(out, hit, 3);
    return SKIDX_OK;
}

const char *skidx_country_name(const char *code)
{
    if (!code || !ix_ready() || strlen(code) != 2)
        return NULL;
    const int c = code_id(code);
    return c < 0 ? NULL : ix.name[c];
}
