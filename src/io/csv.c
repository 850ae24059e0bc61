/*
 * csv.c - CSV/TSV shards: the scanner, the header, the record parser and
 * the splitter (see csv.h for the rules they share).
 *
 * The scanner and the parser are the same four-state machine (FIELD_START,
 * UNQUOTED, QUOTED, QUOTE_SEEN); inside quotes, where job postings spend
 * most of their bytes (the description), both jump to the next quote with
 * memchr. The splitter runs the scanner once over the shard, sequentially,
 * and hands out pieces of whole records that point into the reader's view
 * wherever they can (no copy): only a record cut by a view's end is copied,
 * into `carry`, and handed out on its own. The expensive work, matching,
 * runs on the pieces in parallel.
 */
#include "io/csv.h"
#include "core/error.h"
#include "core/utf8.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* The scanner                                                              */

size_t skidx_csv_scan(unsigned char *state, char sep, const char *p, size_t n,
                      int *ended)
{
    unsigned char s = *state;
    size_t i = 0;
    *ended = 0;
    while (i < n) {
        if (s == SKIDX_CSV_QUOTED) {
            const char *q = memchr(p + i, '"', n - i);
            if (!q) {
                i = n;
                break;
            }
            i = (size_t)(q - p) + 1;
            s = SKIDX_CSV_QUOTE_SEEN;
            continue;
        }
        const char c = p[i++];
        if (c == '\n') {
            s = SKIDX_CSV_FIELD_START;
            *ended = 1;
            break;
        }
        if (c == sep) {
            s = SKIDX_CSV_FIELD_START;
        } else if (c == '"') {
            /* opens quotes at a field's start; doubled inside quotes;
             * text in an unquoted field */
            if (s != SKIDX_CSV_UNQUOTED)
                s = SKIDX_CSV_QUOTED;
        } else {
            s = SKIDX_CSV_UNQUOTED;
        }
    }
    *state = s;
    return i;
}

/* ---------------------------------------------------------------------- */
/* One record                                                               */

struct span {
    size_t off, len;
    int in_scratch; /* off is in the scratch, else in the record */
};

static int scratch_put(struct skidx_jbuf *b, const char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* Length of the maximal invalid UTF-8 subpart at p (p[0] starts no valid
 * sequence): the lead byte and the continuation bytes that fit it. */
static size_t bad_subpart(const unsigned char *p, size_t avail)
{
    const unsigned c = p[0];
    unsigned lo = 0x80, hi = 0xBF;
    size_t need;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 1;
    if (avail < 2 || p[1] < lo || p[1] > hi)
        return 1;
    size_t i = 2;
    while (i <= need && i < avail && (p[i] & 0xC0) == 0x80)
        i++;
    return i; /* a valid sequence would have been accepted by the check */
}

/* s[0..n) into scratch with each maximal invalid subpart as U+FFFD. */
static int repair_utf8(struct skidx_jbuf *b, const char *s, size_t n)
{
    static const char fffd[3] = {(char)0xEF, (char)0xBF, (char)0xBD};
    size_t at = 0;
    while (at < n) {
        const size_t bad = skidx_utf8_check(s + at, n - at);
        if (bad == SIZE_MAX)
            return scratch_put(b, s + at, n - at);
        if (scratch_put(b, s + at, bad) || scratch_put(b, fffd, 3))
            return -1;
        at += bad + bad_subpart((const unsigned char *)s + at + bad,
                                n - at - bad);
    }
    return 0;
}

/* Note a control byte at p[k] (a NUL, or another below 0x20 but TAB, CR,
 * LF), keeping the first of each. */
static inline void note_ctl(const char *p, size_t k, size_t *nul, size_t *ctl)
{
    const unsigned char c = (unsigned char)p[k];
    if (c == 0) {
        if (*nul == SIZE_MAX)
            *nul = k;
    } else if (c != '\t' && c != '\r' && c != '\n' && *ctl == SIZE_MAX) {
        *ctl = k;
    }
}

/* The '\n's in p[from..to), noting control bytes on the way. Quoted text
 * is most of a posting's bytes: 8 at a time, and a byte at a time only in
 * the words that hold a byte below 0x20 (a line break, mostly). */
static size_t scan_ctl(const char *p, size_t from, size_t to, size_t *nul,
                       size_t *ctl)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    size_t nl = 0, k = from;
    for (; k + 8 <= to; k += 8) {
        uint64_t x;
        memcpy(&x, p + k, 8);
        if (!((x - 0x20 * ones) & ~x & high))
            continue; /* no byte below 0x20 */
        for (size_t j = k; j < k + 8; j++)
            if ((unsigned char)p[j] < 0x20) {
                if (p[j] == '\n')
                    nl++;
                else
                    note_ctl(p, j, nul, ctl);
            }
    }
    for (; k < to; k++)
        if ((unsigned char)p[k] < 0x20) {
            if (p[k] == '\n')
                nl++;
            else
                note_ctl(p, k, nul, ctl);
        }
    return nl;
}

unsigned skidx_csv_parse(const struct skidx_csv_header *h, const char *p,
                         size_t n, size_t *used, uint64_t *newlines,
                         struct skidx_jsonl_record *out,
                         struct skidx_jbuf *scratch, size_t *err_col)
{
    struct span sp[SKIDX_F_COUNT];
    memset(out, 0, sizeof(*out));
    memset(sp, 0, sizeof(sp));
    scratch->len = 0;
    const char sep = h->sep;
    size_t i = 0, col = 0, nl = 0;
    size_t nul = SIZE_MAX, ctl = SIZE_MAX;
    int blank = 1;
    for (;;) {
        const size_t fstart = i;
        const int32_t f = col < h->n_cols ? h->field_of[col] : -1;
        struct span v = {fstart, 0, 0};
        if (i < n && p[i] == '"') {
            /* quoted: doubled quotes are one; then any text up to the
             * separator is kept after it */
            blank = 0;
            i++;
            size_t seg = i, qend;
            int building = 0;
            size_t boff = scratch->len;
            for (;;) {
                const char *q = memchr(p + i, '"', n - i);
                const size_t e = q ? (size_t)(q - p) : n;
                nl += scan_ctl(p, i, e, &nul, &ctl);
                if (!q) {
                    /* quotes still open at the end of the data */
                    memset(out, 0, sizeof(*out));
                    *used = n;
                    *newlines = nl;
                    if (err_col)
                        *err_col = fstart;
                    return SKIDX_SKIP_CSV_QUOTE;
                }
                if (e + 1 < n && p[e + 1] == '"') {
                    if (f >= 0) {
                        if (scratch_put(scratch, p + seg, e + 1 - seg))
                            return SKIDX_CAUSE_COUNT + 1;
                        building = 1;
                    }
                    i = e + 2;
                    seg = i;
                    continue;
                }
                qend = e;
                i = e + 1;
                break;
            }
            const size_t tstart = i;
            while (i < n && p[i] != sep && p[i] != '\n') {
                if ((unsigned char)p[i] < 0x20)
                    note_ctl(p, i, &nul, &ctl);
                i++;
            }
            size_t tend = i;
            if (i < n && p[i] == '\n' && tend > tstart && p[tend - 1] == '\r')
                tend--;
            if (f >= 0) {
                if (!building && tend == tstart) {
                    v.off = seg;
                    v.len = qend - seg;
                } else {
                    if (scratch_put(scratch, p + seg, qend - seg) ||
                        scratch_put(scratch, p + tstart, tend - tstart))
                        return SKIDX_CAUSE_COUNT + 1;
                    v.off = boff;
                    v.len = scratch->len - boff;
                    v.in_scratch = 1;
                }
            }
        } else {
            while (i < n && p[i] != sep && p[i] != '\n') {
                const unsigned char c = (unsigned char)p[i];
                if (c < 0x20)
                    note_ctl(p, i, &nul, &ctl);
                if (c != ' ' && c != '\t' && c != '\r')
                    blank = 0;
                i++;
            }
            size_t tend = i;
            if (i < n && p[i] == '\n' && tend > fstart && p[tend - 1] == '\r')
                tend--;
            v.len = tend - fstart;
        }
        if (f >= 0)
            sp[f] = v;
        col++;
        if (i < n && p[i] == sep) {
            i++;
            continue;
        }
        if (i < n) { /* '\n' */
            i++;
            nl++;
        }
        break;
    }
    *used = i;
    *newlines = nl;
    if (blank && col == 1)
        return SKIDX_CSV_BLANK;
    if (nul != SIZE_MAX || ctl != SIZE_MAX) {
        if (err_col)
            *err_col = nul != SIZE_MAX ? nul : ctl;
        return nul != SIZE_MAX ? SKIDX_SKIP_NUL_BYTE : SKIDX_SKIP_CONTROL_CHAR;
    }
    if (col != h->n_cols) {
        if (err_col)
            *err_col = SIZE_MAX;
        return SKIDX_SKIP_CSV_FIELDS;
    }
    /* UTF-8: wanted values only, repaired into scratch */
    for (unsigned k = 0; k < SKIDX_F_COUNT; k++) {
        if (h->col_of[k] < 0 || sp[k].len == 0)
            continue;
        const char *s0 = sp[k].in_scratch ? scratch->data + sp[k].off
                                          : p + sp[k].off;
        if (skidx_utf8_check(s0, sp[k].len) == SIZE_MAX)
            continue;
        const size_t off = scratch->len;
        /* s0 may point into the scratch, which repair may move: copy its
         * place first */
        const size_t src_off = sp[k].off;
        const int src_scr = sp[k].in_scratch;
        if (src_scr) {
            /* repair from a stable copy at the end */
            char *tmp = malloc(sp[k].len);
            if (!tmp)
                return SKIDX_CAUSE_COUNT + 1;
            memcpy(tmp, scratch->data + src_off, sp[k].len);
            const int bad = repair_utf8(scratch, tmp, sp[k].len);
            free(tmp);
            if (bad)
                return SKIDX_CAUSE_COUNT + 1;
        } else if (repair_utf8(scratch, p + src_off, sp[k].len)) {
            return SKIDX_CAUSE_COUNT + 1;
        }
        sp[k].off = off;
        sp[k].len = scratch->len - off;
        sp[k].in_scratch = 1;
        out->fixes |= 1u << SKIDX_FIX_INVALID_UTF8;
    }
    for (unsigned k = 0; k < SKIDX_F_COUNT; k++) {
        if (sp[k].len == 0) {
            out->f[k].type = SKIDX_J_ABSENT;
            continue;
        }
        out->f[k].ptr = sp[k].in_scratch ? scratch->data + sp[k].off
                                         : p + sp[k].off;
        out->f[k].len = sp[k].len;
        out->f[k].type = SKIDX_J_STRING;
    }
    return SKIDX_CAUSE_COUNT;
}

/* ---------------------------------------------------------------------- */
/* The header                                                               */

static const char *const alias_id[] = {"job_id", "job id", "posting_id",
                                       "jobid", NULL};
static const char *const alias_title[] = {"job_title", "job title",
                                          "jobtitle", "position",
                                          "position_title", NULL};
static const char *const alias_description[] = {
    "job_description", "job description", "jobdescription",
    "description_text", "job_summary", NULL};
static const char *const alias_company[] = {"company_name", "company name",
                                            "employer", "employer_name",
                                            NULL};
static const char *const alias_location[] = {"job_location", "job location",
                                             NULL};
static const char *const alias_posted[] = {"date_posted", "posted_date",
                                           "posting_date", "listed_time",
                                           "job_posted_date", NULL};
static const char *const alias_salary_min[] = {"min_salary", "minimum_salary",
                                               "salary_from", NULL};
static const char *const alias_salary_max[] = {"max_salary", "maximum_salary",
                                               "salary_to", NULL};
static const char *const alias_salary_period[] = {"pay_period",
                                                  "salary_interval", NULL};
static const char *const alias_currency[] = {"salary_currency", NULL};
static const char *const alias_seniority[] = {
    "formatted_experience_level", "experience_level", "seniority_level",
    "job_level", NULL};
static const char *const alias_none[] = {NULL};

const char *const *skidx_csv_aliases(unsigned field)
{
    switch (field) {
    case SKIDX_F_ID: return alias_id;
    case SKIDX_F_TITLE: return alias_title;
    case SKIDX_F_DESCRIPTION: return alias_description;
    case SKIDX_F_COMPANY: return alias_company;
    case SKIDX_F_LOCATION: return alias_location;
    case SKIDX_F_POSTED: return alias_posted;
    case SKIDX_F_SALARY_MIN: return alias_salary_min;
    case SKIDX_F_SALARY_MAX: return alias_salary_max;
    case SKIDX_F_SALARY_PERIOD: return alias_salary_period;
    case SKIDX_F_CURRENCY: return alias_currency;
    case SKIDX_F_SENIORITY: return alias_seniority;
    default: return alias_none;
    }
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

/* Caseless equality of a header name (trimmed) and a key. */
static int name_eq(const char *a, size_t na, const char *b, size_t nb)
{
    while (na > 0 && (*a == ' ' || *a == '\t')) {
        a++;
        na--;
    }
    while (na > 0 && (a[na - 1] == ' ' || a[na - 1] == '\t'))
        na--;
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

void skidx_csv_header_release(struct skidx_csv_header *h)
{
    if (!h)
        return;
    free(h->field_of);
    memset(h, 0, sizeof(*h));
}

skidx_status skidx_csv_header_parse(const struct skidx_jsonl_keys *keys,
                                    char sep, const char *rec, size_t len,
                                    struct skidx_csv_header *h,
                                    struct skidx_error *err)
{
    memset(h, 0, sizeof(*h));
    h->sep = sep;
    for (unsigned k = 0; k < SKIDX_F_COUNT; k++)
        h->col_of[k] = -1;
    if (len >= 3 && memcmp(rec, "\xEF\xBB\xBF", 3) == 0) {
        rec += 3;
        len -= 3;
    }
    /* Columns: parse the header as a record with every column wanted, one
     * column at a time through a header of one column that wants it.
     * Simpler: walk the fields with the scanner's rules here. */
    struct name {
        size_t off, len;
        int in_buf;
    } *names = NULL;
    size_t n = 0, cap = 0;
    struct skidx_jbuf buf = {0};
    size_t i = 0;
    skidx_status st = SKIDX_OK;
    int ended = 0;
    while (!ended && st == SKIDX_OK) {
        /* one field: quoted or not */
        size_t off = i, flen = 0;
        int in_buf = 0;
        if (i < len && rec[i] == '"') {
            in_buf = 1;
            off = buf.len;
            i++;
            for (;;) {
                if (i >= len) {
                    st = skidx_fail(err, SKIDX_ERR_CORRUPT, NULL, 1,
                                    SKIDX_NOOFF,
                                    "CSV header: a quoted name is not "
                                    "closed");
                    break;
                }
                if (rec[i] == '"') {
                    if (i + 1 < len && rec[i + 1] == '"') {
                        if (scratch_put(&buf, "\"", 1))
                            st = SKIDX_ERR_NOMEM;
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (scratch_put(&buf, rec + i, 1))
                    st = SKIDX_ERR_NOMEM;
                i++;
            }
            /* text after the quotes is kept, up to the separator */
            while (st == SKIDX_OK && i < len && rec[i] != sep &&
                   rec[i] != '\n') {
                if (rec[i] != '\r' && scratch_put(&buf, rec + i, 1))
                    st = SKIDX_ERR_NOMEM;
                i++;
            }
            flen = buf.len - off;
        } else {
            while (i < len && rec[i] != sep && rec[i] != '\n')
                i++;
            flen = i - off;
            if (flen > 0 && rec[off + flen - 1] == '\r')
                flen--;
        }
        if (i >= len || rec[i] == '\n')
            ended = 1;
        else
            i++; /* the separator */
        if (st != SKIDX_OK)
            break;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            struct name *p = realloc(names, cap * sizeof(*p));
            if (!p) {
                st = SKIDX_ERR_NOMEM;
                break;
            }
            names = p;
        }
        names[n++] = (struct name){off, flen, in_buf};
        if (n > SKIDX_CSV_MAX_COLUMNS) {
            st = skidx_fail(err, SKIDX_ERR_CORRUPT, NULL, 1, SKIDX_NOOFF,
                            "CSV header: more than %d columns",
                            SKIDX_CSV_MAX_COLUMNS);
            break;
        }
    }
    if (st == SKIDX_ERR_NOMEM)
        skidx_fail(err, SKIDX_ERR_NOMEM, NULL, SKIDX_NOLINE, SKIDX_NOOFF,
                   "out of memory reading a CSV header");
    if (st == SKIDX_OK) {
        h->n_cols = n;
        h->field_of = malloc(n * sizeof(*h->field_of));
        if (!h->field_of)
            st = skidx_fail(err, SKIDX_ERR_NOMEM, NULL, SKIDX_NOLINE,
                            SKIDX_NOOFF, "out of memory reading a CSV header");
    }
    if (st == SKIDX_OK) {
        for (size_t c = 0; c < n; c++)
            h->field_of[c] = -1;
        for (unsigned k = 0; k < SKIDX_F_COUNT; k++) {
            const char *dflt = skidx_field_name(k);
            const int is_default = strlen(dflt) == keys->len[k] &&
                                   memcmp(dflt, keys->name[k], keys->len[k]) ==
                                       0;
            const char *const *al = skidx_csv_aliases(k);
            /* the key, then (on its default key) each alias in turn */
            for (int a = -1; h->col_of[k] < 0; a++) {
                const char *want;
                size_t wlen;
                if (a < 0) {
                    want = keys->name[k];
                    wlen = keys->len[k];
                } else {
                    if (!is_default || !al[a])
                        break;
                    want = al[a];
                    wlen = strlen(want);
                }
                for (size_t c = 0; c < n; c++) {
                    const char *nm = names[c].len == 0 ? ""
                                     : names[c].in_buf ? buf.data + names[c].off
                                                       : rec + names[c].off;
                    if (h->field_of[c] < 0 &&
                        name_eq(nm, names[c].len, want, wlen)) {
                        h->col_of[k] = (int)c;
                        h->field_of[c] = (int32_t)k;
                        break;
                    }
                }
            }
        }
        if (h->col_of[SKIDX_F_TITLE] < 0 &&
            h->col_of[SKIDX_F_DESCRIPTION] < 0)
            st = skidx_fail(err, SKIDX_ERR_CORRUPT, NULL, 1, SKIDX_NOOFF,
                            "CSV header names no title column ('%s') and no "
                            "description column ('%s'): see --field",
                            keys->name[SKIDX_F_TITLE],
                            keys->name[SKIDX_F_DESCRIPTION]);
    }
    free(names);
    skidx_jbuf_release(&buf);
    if (st != SKIDX_OK)
        skidx_csv_header_release(h);
    return st;
}

/* ---------------------------------------------------------------------- */
/* The splitter                                                             */

struct skidx_csv_splitter {
    char sep;
    size_t max;
    const struct skidx_jsonl_keys *keys;
    unsigned char st;        /* scanner state after the bytes consumed */
    /* the record in progress, begun in an earlier view */
    int in_record;
    int skipping;            /* too long: its bytes are not kept */
    char *carry;
    size_t carry_len, carry_cap;
    uint64_t carry_line;     /* its first line */
    int have_header;
    struct skidx_csv_header hdr;
    /* a dropped record, handed out with the next piece */
    unsigned drop_cause;
    uint64_t drop_line;
    /* what was fed */
    int fed, at_eof;
    const char *data;
    size_t len, pos;
    uint64_t line;           /* line number at data[pos] */
    const uint64_t *long_lines;
    size_t n_long, li;
    char *clean;             /* a view with long lines emptied */
    size_t clean_cap;
    uint64_t *longs;         /* their numbers */
    size_t longs_cap;
    char *held;              /* the carry handed out (double buffer) */
    size_t held_cap;
    uint64_t told_line;      /* lines before it were in earlier pieces */
};

static uint64_t count_nl(const char *p, size_t n)
{
    uint64_t k = 0;
    const char *e = p + n;
    while (p < e) {
        const char *q = memchr(p, '\n', (size_t)(e - p));
        if (!q)
            break;
        k++;
        p = q + 1;
    }
    return k;
}

skidx_status skidx_csv_splitter_create(char sep, size_t max_record,
                                       const struct skidx_jsonl_keys *keys,
                                       struct skidx_csv_splitter **out)
{
    struct skidx_csv_splitter *sp = calloc(1, sizeof(*sp));
    *out = sp;
    if (!sp)
        return SKIDX_ERR_NOMEM;
    sp->sep = sep;
    sp->max = max_record ? max_record : (size_t)4 << 20;
    sp->keys = keys;
    sp->drop_cause = SKIDX_CAUSE_COUNT;
    sp->told_line = 1;
    sp->line = 1;
    return SKIDX_OK;
}

void skidx_csv_splitter_free(struct skidx_csv_splitter *sp)
{
    if (!sp)
        return;
    skidx_csv_header_release(&sp->hdr);
    free(sp->carry);
    free(sp->clean);
    free(sp->longs);
    free(sp->held);
    free(sp);
}

const struct skidx_csv_header *
skidx_csv_splitter_header(const struct skidx_csv_splitter *sp)
{
    return sp->have_header ? &sp->hdr : NULL;
}

void skidx_csv_splitter_feed(struct skidx_csv_splitter *sp,
                             const struct skidx_chunk *v)
{
    sp->fed = 1;
    sp->pos = 0;
    sp->li = 0;
    sp->n_long = 0;
    if (!v) {
        sp->at_eof = 1;
        sp->data = NULL;
        sp->len = 0;
        return;
    }
    sp->data = v->data;
    sp->len = v->len;
    sp->line = v->first_line;
    sp->long_lines = v->long_lines;
    sp->n_long = v->n_long;
}

/* The view has lines too long to hold: copy it with each emptied (its
 * '\n' stays, so line numbers hold). Such a line's record is dropped. */
static int clean_view(struct skidx_csv_splitter *sp)
{
    if (sp->clean_cap < sp->len) {
        free(sp->clean);
        sp->clean = malloc(sp->len);
        sp->clean_cap = sp->clean ? sp->len : 0;
        if (!sp->clean)
            return -1;
    }
    if (sp->longs_cap < sp->n_long) {
        free(sp->longs);
        sp->longs = malloc(sp->n_long * sizeof(*sp->longs));
        sp->longs_cap = sp->longs ? sp->n_long : 0;
        if (!sp->longs)
            return -1;
    }
    memcpy(sp->longs, sp->long_lines, sp->n_long * sizeof(*sp->longs));
    size_t o = 0, k = 0;
    uint64_t line = sp->line;
    const char *p = sp->data, *e = sp->data + sp->len;
    while (p < e) {
        const char *q = memchr(p, '\n', (size_t)(e - p));
        const size_t n = q ? (size_t)(q - p) : (size_t)(e - p);
        if (!(k < sp->n_long && sp->longs[k] == line)) {
            memcpy(sp->clean + o, p, n);
            o += n;
        } else {
            k++;
        }
        if (!q)
            break;
        sp->clean[o++] = '\n';
        p = q + 1;
        line++;
    }
    sp->data = sp->clean;
    sp->len = o;
    sp->long_lines = sp->longs;
    return 0;
}

/* Is one of the long lines in [from, to)? Consumes those before `to`. */
static int long_in(struct skidx_csv_splitter *sp, uint64_t from, uint64_t to)
{
    int hit = 0;
    while (sp->li < sp->n_long && sp->long_lines[sp->li] < to) {
        hit |= sp->long_lines[sp->li] >= from;
        sp->li++;
    }
    return hit;
}

static int carry_add(struct skidx_csv_splitter *sp, const char *p, size_t n)
{
    if (sp->carry_len + n > sp->carry_cap) {
        size_t cap = sp->carry_cap ? sp->carry_cap : 65536;
        while (cap < sp->carry_len + n)
            cap *= 2;
        char *c = realloc(sp->carry, cap);
        if (!c)
            return -1;
        sp->carry = c;
        sp->carry_cap = cap;
    }
    memcpy(sp->carry + sp->carry_len, p, n);
    sp->carry_len += n;
    return 0;
}

static skidx_status nomem(struct skidx_error *err)
{
    return skidx_fail(err, SKIDX_ERR_NOMEM, NULL, SKIDX_NOLINE, SKIDX_NOOFF,
                      "out of memory splitting CSV records");
}

/* A piece of data[0..len), whose first record starts at first_line, and
 * which ends before end_line; its n_lines are every line since the last
 * piece (the header's, a dropped record's too). */
static void piece_set(struct skidx_csv_splitter *sp, struct skidx_csv_piece *pc,
                      const char *data, size_t len, uint64_t first_line,
                      uint64_t end_line)
{
    memset(pc, 0, sizeof(*pc));
    pc->chunk.data = (char *)data;
    pc->chunk.len = len;
    pc->chunk.first_line = first_line;
    pc->chunk.n_lines = end_line - sp->told_line;
    sp->told_line = end_line;
    pc->chunk.borrowed = 1;
    pc->drop_cause = sp->drop_cause;
    pc->drop_line = sp->drop_line;
    sp->drop_cause = SKIDX_CAUSE_COUNT;
}

/* Only blank space (and a BOM) in rec[0..len)? */
static int blank_record(const char *rec, size_t len)
{
    if (len >= 3 && memcmp(rec, "\xEF\xBB\xBF", 3) == 0) {
        rec += 3;
        len -= 3;
    }
    for (size_t i = 0; i < len; i++)
        if (rec[i] != ' ' && rec[i] != '\t' && rec[i] != '\r' && rec[i] != '\n')
            return 0;
    return 1;
}

/* A whole header record in rec[0..len): parse it. */
static skidx_status take_header(struct skidx_csv_splitter *sp, const char *rec,
                                size_t len, struct skidx_error *err)
{
    SKIDX_FORWARD(skidx_csv_header_parse(sp->keys, sp->sep, rec, len,
                                         &sp->hdr, err));
    sp->have_header = 1;
    return SKIDX_OK;
}

skidx_status skidx_csv_splitter_next(struct skidx_csv_splitter *sp,
                                     struct skidx_csv_piece *pc, int *got,
                                     struct skidx_error *err)
{
    *got = 0;
    if (!sp->fed)
        return SKIDX_OK;
    if (sp->at_eof) {
        sp->fed = 0;
        if (sp->in_record) {
            /* a record still open at the end: its quotes never closed */
            sp->in_record = 0;
            if (!sp->have_header)
                return skidx_fail(err, SKIDX_ERR_CORRUPT, NULL, 1,
                                  SKIDX_NOOFF,
                                  "CSV header: a quoted name is not closed "
                                  "before the end of the file");
            sp->drop_cause = SKIDX_SKIP_CSV_QUOTE;
            sp->drop_line = sp->carry_line;
            sp->skipping = 0;
            sp->carry_len = 0;
        }
        if (sp->drop_cause != SKIDX_CAUSE_COUNT || sp->line > sp->told_line) {
            piece_set(sp, pc, "", 0, sp->line, sp->line);
            *got = 1;
        }
        return SKIDX_OK;
    }
    if (sp->pos == 0 && sp->n_long > 0 && sp->data != sp->clean &&
        clean_view(sp))
        return nomem(err);
    for (;;) {
        if (sp->pos >= sp->len) {
            sp->fed = 0;
            if (sp->drop_cause != SKIDX_CAUSE_COUNT) {
                piece_set(sp, pc, "", 0, sp->line, sp->line);
                *got = 1;
            }
            return SKIDX_OK;
        }
        if (sp->in_record || !sp->have_header) {
            /* continue (or begin) a record held in carry */
            if (!sp->in_record) {
                sp->in_record = 1;
                sp->carry_len = 0;
                sp->carry_line = sp->line;
                sp->skipping = 0;
                sp->st = SKIDX_CSV_FIELD_START;
            }
            int ended;
            const char *p = sp->data + sp->pos;
            const size_t k = skidx_csv_scan(&sp->st, sp->sep, p,
                                            sp->len - sp->pos, &ended);
            const uint64_t nl = count_nl(p, k);
            if (long_in(sp, sp->line, sp->line + nl))
                sp->skipping = 1;
            if (!sp->skipping && sp->carry_len + k > sp->max)
                sp->skipping = 1;
            if (sp->skipping)
                sp->carry_len = 0;
            else if (carry_add(sp, p, k))
                return nomem(err);
            sp->pos += k;
            sp->line += nl;
            if (!ended)
                continue; /* the view ends inside it */
            sp->in_record = 0;
            if (!sp->have_header) {
                if (sp->skipping)
                    return skidx_fail(err, SKIDX_ERR_CORRUPT, NULL, 1,
                                      SKIDX_NOOFF,
                                      "CSV header longer than "
                                      "--max-record-bytes");
                if (blank_record(sp->carry, sp->carry_len)) {
                    sp->carry_len = 0; /* blank lines before the header */
                    continue;
                }
                SKIDX_FORWARD(take_header(sp, sp->carry, sp->carry_len, err));
                sp->carry_len = 0;
                continue;
            }
            if (sp->skipping) {
                sp->skipping = 0;
                sp->drop_cause = SKIDX_SKIP_TOO_LONG;
                sp->drop_line = sp->carry_line;
                continue; /* handed out with the records after it */
            }
            /* hand the carried record out alone, from a buffer of its own
             * (carry is written again before the piece is done with) */
            if (sp->held_cap < sp->carry_len) {
                free(sp->held);
                sp->held = malloc(sp->carry_len);
                sp->held_cap = sp->held ? sp->carry_len : 0;
                if (!sp->held)
                    return nomem(err);
            }
            memcpy(sp->held, sp->carry, sp->carry_len);
            piece_set(sp, pc, sp->held, sp->carry_len, sp->carry_line,
                      sp->line);
            sp->carry_len = 0;
            *got = 1;
            return SKIDX_OK;
        }
        /* at a record's start in the view: take whole records in place */
        const size_t start = sp->pos;
        const uint64_t start_line = sp->line;
        size_t at = start;
        uint64_t line = start_line;
        int stop_long = 0;
        while (at < sp->len) {
            int ended;
            unsigned char st = SKIDX_CSV_FIELD_START;
            const size_t k = skidx_csv_scan(&st, sp->sep, sp->data + at,
                                            sp->len - at, &ended);
            if (!ended)
                break; /* the view ends inside it: carried */
            if (sp->n_long > 0) {
                const uint64_t nl = count_nl(sp->data + at, k);
                if (long_in(sp, line, line + nl) || k > sp->max + 1) {
                    stop_long = 1;
                    break;
                }
                line += nl;
            } else if (k > sp->max + 1) {
                stop_long = 1;
                break;
            }
            at += k;
        }
        if (sp->n_long == 0)
            line = start_line + count_nl(sp->data + start, at - start);
        sp->pos = at;
        sp->line = line;
        if (stop_long || at < sp->len) {
            /* the next record begins here: too long, or cut by the view's
             * end; the carry path takes it (and drops it when too long) */
            sp->in_record = 1;
            sp->carry_len = 0;
            sp->carry_line = line;
            sp->skipping = stop_long;
            sp->st = SKIDX_CSV_FIELD_START;
        }
        if (at > start || sp->drop_cause != SKIDX_CAUSE_COUNT) {
            piece_set(sp, pc, sp->data + start, at - start, start_line,
                      line);
            *got = 1;
            return SKIDX_OK;
        }
    }
}
