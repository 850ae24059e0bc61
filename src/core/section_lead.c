/*
 * section_lead.c - the company lead paragraphs and company name of posts
 * that open with a "Company | Role | Place" line (rules in
 * section_lead.h).
 */
#include "core/section_lead.h"
#include "core/utf8.h"

#include <string.h>
#include <strings.h>

/* The code point at s[i] (i < n) and its length; invalid UTF-8 reads as
 * one byte that is no word character. */
static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s + i;
    const size_t left = n - i;
    *len = 1;
    if (u[0] < 0x80)
        return u[0];
    size_t k = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 0;
    if (!k || k > left || skidx_utf8_check(s + i, k) != SIZE_MAX)
        return 0xFFFD;
    uint32_t cp = u[0] & (0x7F >> k);
    for (size_t j = 1; j < k; j++)
        cp = cp << 6 | (u[j] & 0x3F);
    *len = k;
    return cp;
}

/* A word of a paragraph, ASCII-folded; longer words are kept as their
 * first bytes with `len` their true length. */
struct word {
    char w[16];
    size_t len;
    size_t at; /* offset of its first byte */
};

static int word_is(const struct word *w, const char *s)
{
    const size_t n = strlen(s);
    return w->len == n && !memcmp(w->w, s, n);
}

/* One-word cues: the paragraph addresses the candidate or the role. */
static int cue_word(const struct word *w)
{
    static const char *const words[] = {
        "you",       "your",         "yours",     "join",
        "hiring",    "seeking",      "role",      "roles",
        "position",  "positions",    "candidate", "candidates",
        "requirement", "requirements", "stack",   "apply",
        "ideal"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (word_is(w, words[i]))
            return 1;
    /* responsibility, responsibilities */
    return w->len >= 14 && !memcmp(w->w, "responsibilit", 13);
}

/* The offset in p[0..n) of the first cue word or phrase (its first
 * word), or n when there is none. */
static size_t cue_at(const char *p, size_t n)
{
    struct word hist[3]; /* hist[0] the current word, [1] and [2] before */
    memset(hist, 0, sizeof(hist));
    size_t i = 0;
    while (i < n) {
        size_t l;
        uint32_t cp = cp_at(p, n, i, &l);
        if (!skidx_cp_is_word(cp)) {
            i += l;
            continue;
        }
        hist[2] = hist[1];
        hist[1] = hist[0];
        struct word *w = &hist[0];
        w->len = 0;
        w->at = i;
        while (i < n) {
            cp = cp_at(p, n, i, &l);
            if (!skidx_cp_is_word(cp))
                break;
            for (size_t k = 0; k < l; k++, w->len++)
                if (w->len < sizeof(w->w)) {
                    unsigned char c = (unsigned char)p[i + k];
                    w->w[w->len] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
                }
            i += l;
        }
        if (cue_word(w))
            return w->at;
        if (((word_is(w, "for") || word_is(w, "to")) &&
             word_is(&hist[1], "looking")) ||
            (word_is(&hist[1], "we") &&
             (word_is(w, "need") || word_is(w, "want") ||
              word_is(w, "use"))))
            return hist[1].at;
        if ((word_is(w, "with") && word_is(&hist[1], "work") &&
             word_is(&hist[2], "we")) ||
            (word_is(w, "using") && word_is(&hist[2], "we") &&
             (word_is(&hist[1], "re") || word_is(&hist[1], "are"))))
            return hist[2].at;
        if (word_is(w, "tech")) {
            size_t j = i;
            while (j < n && (p[j] == ' ' || p[j] == '\t'))
                j++;
            if (j < n && p[j] == ':')
                return w->at;
        }
    }
    return n;
}

/* The end of the last sentence of p[0..n) that ends before n: just after
 * a '.', '!' or '?' followed by a space, TAB or line break; 0 if none. */
static size_t last_sentence_end(const char *p, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if ((p[i] == '.' || p[i] == '!' || p[i] == '?') && i + 1 < n &&
            (p[i + 1] == ' ' || p[i + 1] == '\t' || p[i + 1] == '\n' ||
             p[i + 1] == '\r'))
            return i + 1;
    return 0;
}

static int is_blank_line(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return 0;
    return 1;
}

/* The bytes trim_name() takes off: spaces and markdown marks, and NUL
 * (as strchr() of the marks finds their terminator). */
static inline int is_mark(char c)
{
    switch (c) {
    case ' ': case '\t': case '\r': case '\n': case '*': case '#': case '>':
    case '_': case '-': case ',': case '\0':
        return 1;
    default:
        return 0;
    }
}

/* Trim name[0..*n) of spaces and markdown marks at both ends, and cut it
 * before a '('. Returns the new start. */
static const char *trim_name(const char *s, size_t *n)
{
    size_t a = 0, b = *n;
    const void *paren = memchr(s, '(', b);
    if (paren)
        b = (size_t)((const char *)paren - s);
    while (a < b && is_mark(s[a]))
        a++;
    while (b > a && is_mark(s[b - 1]))
        b--;
    *n = b - a;
    return s + a;
}

int skidx_lead_find(const char *text, size_t len, struct skidx_lead *out)
{
    memset(out, 0, sizeof(*out));
    if (len >= UINT32_MAX)
        return 0;
    const char *nl = memchr(text, '\n', len);
    if (!nl)
        return 0;
    const size_t first = (size_t)(nl - text);
    size_t s = 0;
    while (s < first && (text[s] == ' ' || text[s] == '\t'))
        s++;
    if (s < first && text[s] == '|')
        return 0; /* a table row */
    const char *bar1 = memchr(text + s, '|', first - s);
    if (!bar1 || !memchr(bar1 + 1, '|', (size_t)(nl - bar1 - 1)))
        return 0;
    size_t nn = (size_t)(bar1 - text);
    const char *name = trim_name(text, &nn);
    out->name = (uint32_t)(name - text);
    out->name_len = (uint32_t)nn;

    /* the lead: paragraphs up to the first that holds a cue */
    size_t start = first + 1, end = start, at = start, pstart = 0, pend = 0;
    int inpara = 0;
    while (at <= len) {
        const char *e = at < len ? memchr(text + at, '\n', len - at) : NULL;
        const size_t lend = e ? (size_t)(e - text) : len;
        const int blank = is_blank_line(text + at, lend - at);
        if (!blank) {
            if (!inpara)
                pstart = at;
            inpara = 1;
            pend = lend;
        }
        if ((blank || lend == len) && inpara) {
            const size_t cue = cue_at(text + pstart, pend - pstart);
            if (cue < pend - pstart) {
                /* the sentences before the cue's are still the lead */
                const size_t cut = last_sentence_end(text + pstart, cue);
                if (cut) {
                    if (end == first + 1)
                        start = pstart;
                    end = pstart + cut;
                }
                break;
            }
            if (end == first + 1)
                start = pstart;
            end = pend;
            inpara = 0;
        }
        if (lend == len)
            break;
        at = lend + 1;
    }
    out->start = (uint32_t)start;
    out->end = (uint32_t)end;
    return 1;
}

/* Does a sentence boundary lie at text[i]? A line break or a tag's
 * bracket, or '.', '!' or '?' before a space, TAB, line break or tag. */
static int boundary_at(const char *t, size_t n, size_t i)
{
    const char c = t[i];
    if (c == '\n' || c == '<' || c == '>')
        return 1;
    return (c == '.' || c == '!' || c == '?') &&
           (i + 1 == n || t[i + 1] == ' ' || t[i + 1] == '\t' ||
            t[i + 1] == '\r' || t[i + 1] == '\n' || t[i + 1] == '<');
}

int skidx_lead_background(const char *text, size_t len, size_t at)
{
    enum { REACH = 600 }; /* a longer sentence is read in part */
    if (at >= len)
        return 0;
    size_t a = at, b = at;
    while (a > 0 && at - a < REACH && !boundary_at(text, len, a - 1))
        a--;
    while (b < len && b - at < REACH && !boundary_at(text, len, b))
        b++;
    struct word prev, w;
    memset(&prev, 0, sizeof(prev));
    memset(&w, 0, sizeof(w));
    size_t i = a;
    while (i < b) {
        size_t l;
        uint32_t cp = cp_at(text, b, i, &l);
        if (!skidx_cp_is_word(cp)) {
            i += l;
            continue;
        }
        prev = w;
        w.len = 0;
        w.at = i;
        while (i < b) {
            cp = cp_at(text, b, i, &l);
            if (!skidx_cp_is_word(cp))
                break;
            for (size_t k = 0; k < l; k++, w.len++)
                if (w.len < sizeof(w.w)) {
                    unsigned char c = (unsigned char)text[i + k];
                    w.w[w.len] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
                }
            i += l;
        }
        if (word_is(&w, "investor") || word_is(&w, "investors"))
            return 1;
        if ((word_is(&prev, "founders") || word_is(&prev, "cofounders")) &&
            word_is(&w, "of"))
            return 1;
        if (word_is(&prev, "formerly") &&
            (word_is(&w, "at") || word_is(&w, "of") || word_is(&w, "with")))
            return 1;
    }
    return 0;
}

/* Does s[0..n) equal the lower-case ASCII word w[0..n), ASCII caseless?
 * (as strncasecmp(s, w, n) == 0 in the C locale, w holding no NUL) */
static int lower_eq(const char *s, const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)w[i])
            return 0;
    }
    return 1;
}

/* Is w[0..wl) a generic tail of a company name (Inc, Labs, GmbH ...),
 * caseless? Only the tails of its length are compared. */
static int generic_tail(const char *w, size_t wl)
{
    if (wl == 2)
        return lower_eq(w, "ai", 2) || lower_eq(w, "co", 2);
    if (wl == 3)
        return lower_eq(w, "inc", 3) || lower_eq(w, "lab", 3) ||
               lower_eq(w, "ltd", 3) || lower_eq(w, "llc", 3) ||
               lower_eq(w, "co.", 3);
    if (wl == 4)
        return lower_eq(w, "inc.", 4) || lower_eq(w, "labs", 4) ||
               lower_eq(w, "ltd.", 4) || lower_eq(w, "gmbh", 4) ||
               lower_eq(w, "corp", 4);
    if (wl == 5)
        return lower_eq(w, "corp.", 5) || lower_eq(w, "group", 5);
    return (wl == 7 && lower_eq(w, "systems", 7)) ||
           (wl == 8 && lower_eq(w, "software", 8)) ||
           (wl == 10 && lower_eq(w, "technology", 10)) ||
           (wl == 11 && lower_eq(w, "corporation", 11)) ||
           (wl == 12 && lower_eq(w, "technologies", 12));
}

void skidx_lead_name_init(struct skidx_lead_name *nm, const char *name,
                          size_t name_len)
{
    nm->p = name;
    nm->n = 0;
    if (!name_len)
        return;
    const char *t = trim_name(name, &name_len);
    size_t m = name_len;
    nm->p = t;
    if (!m)
        return;
    nm->len[nm->n++] = (uint32_t)m;
    /* the web suffixes by length, each with its '.': at most one is the
     * name's end (two of one length differ, and one of k bytes has its
     * '.' where a longer one has a letter), so only the lengths with a
     * '.' k bytes before the end are compared */
    static const char *const web[6][5] = {
        [3] = {".ai", ".io", ".co", NULL},
        [4] = {".com", ".dev", ".app", ".xyz", NULL},
        [5] = {".tech", NULL}};
    for (size_t k = 3; k <= 5; k++) {
        if (m <= k || t[m - k] != '.')
            continue;
        const char *const *w = web[k];
        while (*w && !lower_eq(t + m - k, *w, k))
            w++;
        if (*w) {
            m -= k;
            nm->len[nm->n++] = (uint32_t)m;
            break;
        }
    }
    while (nm->n < sizeof(nm->len) / sizeof(nm->len[0])) {
        size_t b = m;
        while (b && t[b - 1] != ' ')
            b--;
        if (!b)
            return; /* one word left */
        const char *w = t + b;
        size_t wl = m - b;
        if (wl && w[wl - 1] == ',')
            wl--;
        if (!generic_tail(w, wl))
            return;
        m = b;
        while (m && (t[m - 1] == ' ' || t[m - 1] == ','))
            m--;
        if (!m)
            return;
        nm->len[nm->n++] = (uint32_t)m;
    }
}

int skidx_lead_name_is(const struct skidx_lead_name *nm, const char *s,
                       size_t n)
{
    for (unsigned i = 0; i < nm->n; i++)
        if (n == nm->len[i] && !strncasecmp(s, nm->p, n))
            return 1;
    return 0;
}

int skidx_lead_is_name(const char *s, size_t n, const char *name,
                       size_t name_len)
{
    struct skidx_lead_name nm;
    skidx_lead_name_init(&nm, name, name_len);
    return skidx_lead_name_is(&nm, s, n);
}
