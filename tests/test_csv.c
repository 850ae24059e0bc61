/*
 * test_csv.c - io/csv: the scanner, the header, the record parser and the
 * splitter, on the quoted-field cases of RFC 4180 and on broken records.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/error.h"
#include "io/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct skidx_jsonl_keys keys;

static void header(struct skidx_csv_header *h, char sep, const char *text)
{
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_csv_header_parse(&keys, sep, text, strlen(text), h,
                                            &err),
                     SKIDX_OK);
}

/* Parse one record of `text`; returns the cause. */
static unsigned parse1(const struct skidx_csv_header *h, const char *text,
                       size_t n, struct skidx_jsonl_record *rec,
                       struct skidx_jbuf *jb, size_t *used, uint64_t *nl)
{
    size_t col = 0;
    return skidx_csv_parse(h, text, n, used, nl, rec, jb, &col);
}

static void expect_field(const struct skidx_jsonl_record *rec, unsigned f,
                         const char *want)
{
    if (!want) {
        assert_int_equal(rec->f[f].type, SKIDX_J_ABSENT);
        return;
    }
    assert_int_equal(rec->f[f].type, SKIDX_J_STRING);
    assert_int_equal(rec->f[f].len, strlen(want));
    assert_memory_equal(rec->f[f].ptr, want, strlen(want));
}

static void test_scan(void **state)
{
    (void)state;
    static const char t[] = "a,\"b\n\"\"c\"\"\",d\nnext\n";
    unsigned char st = SKIDX_CSV_FIELD_START;
    int ended;
    size_t k = skidx_csv_scan(&st, ',', t, strlen(t), &ended);
    assert_true(ended);
    assert_int_equal(k, strlen("a,\"b\n\"\"c\"\"\",d\n"));
    /* the same bytes one at a time: same record end */
    st = SKIDX_CSV_FIELD_START;
    size_t at = 0;
    for (;;) {
        const size_t j = skidx_csv_scan(&st, ',', t + at, 1, &ended);
        assert_int_equal(j, 1);
        at++;
        if (ended)
            break;
    }
    assert_int_equal(at, k);
    /* a quote inside an unquoted field does not open quotes */
    static const char u[] = "ab\"c,d\nx\n";
    st = SKIDX_CSV_FIELD_START;
    assert_int_equal(skidx_csv_scan(&st, ',', u, strlen(u), &ended), 7);
    assert_true(ended);
    /* open quotes at the end: no record end */
    static const char o[] = "a,\"b\nc\n";
    st = SKIDX_CSV_FIELD_START;
    assert_int_equal(skidx_csv_scan(&st, ',', o, strlen(o), &ended),
                     strlen(o));
    assert_false(ended);
    assert_int_equal(st, SKIDX_CSV_QUOTED);
}

static void test_header(void **state)
{
    (void)state;
    struct skidx_csv_header h;
    /* BOM, caseless, spaces, quotes, CRLF */
    header(&h, ',', "\xEF\xBB\xBF" "ID, Title ,\"Description\",x\r\n");
    assert_int_equal(h.n_cols, 4);
    assert_int_equal(h.col_of[SKIDX_F_ID], 0);
    assert_int_equal(h.col_of[SKIDX_F_TITLE], 1);
    assert_int_equal(h.col_of[SKIDX_F_DESCRIPTION], 2);
    assert_int_equal(h.col_of[SKIDX_F_COMPANY], -1);
    assert_int_equal(h.field_of[3], -1);
    skidx_csv_header_release(&h);
    /* aliases, the name itself first */
    header(&h, ',', "job_title,company_name,job_description,title,max_salary\n");
    assert_int_equal(h.col_of[SKIDX_F_TITLE], 3);
    assert_int_equal(h.col_of[SKIDX_F_COMPANY], 1);
    assert_int_equal(h.col_of[SKIDX_F_DESCRIPTION], 2);
    assert_int_equal(h.col_of[SKIDX_F_SALARY_MAX], 4);
    skidx_csv_header_release(&h);
    /* --field: a name with a space; a remapped field takes no alias */
    struct skidx_jsonl_keys saved = keys;
    struct skidx_error err;
    assert_int_equal(skidx_jsonl_keys_remap(&keys, "title=Job Title", &err),
                     SKIDX_OK);
    assert_int_equal(skidx_jsonl_keys_remap(&keys, "company=Firm", &err),
                     SKIDX_OK);
    header(&h, ',', "company_name,\"job title\",description\n");
    assert_int_equal(h.col_of[SKIDX_F_TITLE], 1);
    assert_int_equal(h.col_of[SKIDX_F_COMPANY], -1);
    skidx_csv_header_release(&h);
    keys = saved;
    /* TSV */
    header(&h, '\t', "title\tdescription\n");
    assert_int_equal(h.n_cols, 2);
    assert_int_equal(h.col_of[SKIDX_F_DESCRIPTION], 1);
    skidx_csv_header_release(&h);
    /* neither title nor description: refused, naming both */
    static const char bad[] = "name,text\n";
    assert_int_equal(skidx_csv_header_parse(&keys, ',', bad, strlen(bad), &h,
                                            &err),
                     SKIDX_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "no title column"));
    assert_null(h.field_of);
    static const char open_q[] = "title,\"descr\n";
    assert_int_equal(skidx_csv_header_parse(&keys, ',', open_q,
                                            strlen(open_q), &h, &err),
                     SKIDX_ERR_CORRUPT);
}

static void test_records(void **state)
{
    (void)state;
    struct skidx_csv_header h;
    header(&h, ',', "id,title,description,salary_min\n");
    struct skidx_jsonl_record rec;
    struct skidx_jbuf jb = {0};
    size_t used;
    uint64_t nl;
    const char *t;

    /* plain, with CRLF */
    t = "7,ML Engineer,Python and SQL,100000\r\nnext";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_CAUSE_COUNT);
    assert_int_equal(used, strlen("7,ML Engineer,Python and SQL,100000\r\n"));
    assert_int_equal(nl, 1);
    expect_field(&rec, SKIDX_F_ID, "7");
    expect_field(&rec, SKIDX_F_TITLE, "ML Engineer");
    expect_field(&rec, SKIDX_F_DESCRIPTION, "Python and SQL");
    expect_field(&rec, SKIDX_F_SALARY_MIN, "100000");
    expect_field(&rec, SKIDX_F_COMPANY, NULL);

    /* quoted: commas, doubled quotes, line breaks (CRLF kept inside) */
    t = "1,\"Engineer, \"\"ML\"\"\",\"Line one\r\nLine two,\n\nend\",\r\n";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_CAUSE_COUNT);
    assert_int_equal(used, strlen(t));
    assert_int_equal(nl, 4);
    expect_field(&rec, SKIDX_F_TITLE, "Engineer, \"ML\"");
    expect_field(&rec, SKIDX_F_DESCRIPTION, "Line one\r\nLine two,\n\nend");
    expect_field(&rec, SKIDX_F_SALARY_MIN, NULL); /* empty: absent */

    /* empty fields and a quoted empty field */
    t = ",,\"\",\n";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_CAUSE_COUNT);
    expect_field(&rec, SKIDX_F_ID, NULL);
    expect_field(&rec, SKIDX_F_DESCRIPTION, NULL);

    /* text after the closing quote and a stray quote are text */
    t = "1,\"ab\"cd,x\"y\"z,5\n";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_CAUSE_COUNT);
    expect_field(&rec, SKIDX_F_TITLE, "abcd");
    expect_field(&rec, SKIDX_F_DESCRIPTION, "x\"y\"z");

    /* wrong field counts */
    t = "1,a,b\n";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_SKIP_CSV_FIELDS);
    assert_int_equal(used, strlen(t));
    t = "1,a,b,c,d\n";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_SKIP_CSV_FIELDS);
    expect_field(&rec, SKIDX_F_TITLE, NULL);

    /* a quote still open at the end of the data */
    t = "1,a,\"never closed\nmore,\"\"x\n";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_SKIP_CSV_QUOTE);
    assert_int_equal(used, strlen(t));
    assert_int_equal(nl, 2);

    /* blank records */
    t = "\n";
    assert_int_equal(parse1(&h, t, 1, &rec, &jb, &used, &nl), SKIDX_CSV_BLANK);
    t = "  \r\n";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_CSV_BLANK);

    /* NUL and control bytes, even inside quotes */
    static const char nul[] = "1,\"a\0b\",c,d\n";
    assert_int_equal(parse1(&h, nul, sizeof(nul) - 1, &rec, &jb, &used, &nl),
                     SKIDX_SKIP_NUL_BYTE);
    t = "1,a\x01,c,d\n";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_SKIP_CONTROL_CHAR);
    t = "1,a\tb,c,d\n"; /* TAB is text */
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_CAUSE_COUNT);

    /* invalid UTF-8 in a wanted field: U+FFFD per maximal subpart, also
     * in a field built from doubled quotes */
    t = "1,caf\xC3,\"\"\"x\xE2\x82\"\"\",\n";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_CAUSE_COUNT);
    assert_true(rec.fixes & (1u << SKIDX_FIX_INVALID_UTF8));
    expect_field(&rec, SKIDX_F_TITLE, "caf\xEF\xBF\xBD");
    expect_field(&rec, SKIDX_F_DESCRIPTION, "\"x\xEF\xBF\xBD\"");

    /* the last record without '\n' ends at the data's end */
    t = "1,a,b,c";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_CAUSE_COUNT);
    assert_int_equal(used, strlen(t));
    assert_int_equal(nl, 0);
    expect_field(&rec, SKIDX_F_SALARY_MIN, "c");
    skidx_csv_header_release(&h);

    /* TSV: commas are text */
    header(&h, '\t', "title\tdescription\n");
    t = "a, b\t\"c\td\"\n";
    assert_int_equal(parse1(&h, t, strlen(t), &rec, &jb, &used, &nl),
                     SKIDX_CAUSE_COUNT);
    expect_field(&rec, SKIDX_F_TITLE, "a, b");
    expect_field(&rec, SKIDX_F_DESCRIPTION, "c\td");
    skidx_csv_header_release(&h);
    skidx_jbuf_release(&jb);
}

/* ---- the splitter ---- */

struct split_out {
    char text[1 << 16];
    size_t len;
    uint64_t lines;
    unsigned drops[8];
    uint64_t drop_lines[8];
    size_t n_drops;
    skidx_status st;
};

/* Feed `text` (whole lines) in views cut after the lines listed in cuts,
 * with the given lines marked long (emptied as the reader does); collect
 * the pieces, checking each holds whole records starting at its line. */
static void split(const char *text, size_t max, const size_t *cuts,
                  size_t n_cuts, const uint64_t *longs, size_t n_longs,
                  struct split_out *o)
{
    memset(o, 0, sizeof(*o));
    struct skidx_csv_splitter *sp = NULL;
    assert_int_equal(skidx_csv_splitter_create(',', max, &keys, &sp),
                     SKIDX_OK);
    const size_t n = strlen(text);
    size_t at = 0;
    uint64_t line = 1;
    struct skidx_jbuf jb = {0};
    for (size_t c = 0; c <= n_cuts + 1; c++) {
        struct skidx_chunk v;
        memset(&v, 0, sizeof(v));
        uint64_t ll[8];
        size_t nll = 0;
        char vbuf[1 << 16];
        if (c <= n_cuts) {
            /* lines [line, cut) */
            const size_t end_line = c < n_cuts ? cuts[c] : SIZE_MAX;
            size_t vlen = 0;
            v.first_line = line;
            while (at < n && line < end_line) {
                const char *q = memchr(text + at, '\n', n - at);
                const size_t k = (size_t)(q - text) + 1 - at;
                int is_long = 0;
                for (size_t i = 0; i < n_longs; i++)
                    is_long |= longs[i] == line;
                if (is_long) {
                    ll[nll++] = line;
                    vbuf[vlen++] = '\n';
                } else {
                    memcpy(vbuf + vlen, text + at, k);
                    vlen += k;
                }
                at += k;
                line++;
                v.n_lines++;
            }
            if (v.n_lines == 0)
                continue;
            v.data = vbuf;
            v.len = vlen;
            v.long_lines = ll;
            v.n_long = nll;
            skidx_csv_splitter_feed(sp, &v);
        } else {
            skidx_csv_splitter_feed(sp, NULL);
        }
        for (;;) {
            struct skidx_csv_piece pc;
            int got;
            struct skidx_error err;
            o->st = skidx_csv_splitter_next(sp, &pc, &got, &err);
            if (o->st || !got)
                break;
            if (pc.drop_cause != SKIDX_CAUSE_COUNT) {
                assert_true(o->n_drops < 8);
                o->drops[o->n_drops] = pc.drop_cause;
                o->drop_lines[o->n_drops++] = pc.drop_line;
            }
            o->lines += pc.chunk.n_lines;
            /* whole records: each parses to its '\n' */
            const struct skidx_csv_header *h = skidx_csv_splitter_header(sp);
            assert_non_null(h);
            size_t p = 0;
            while (p < pc.chunk.len) {
                size_t used;
                uint64_t nl;
                struct skidx_jsonl_record rec;
                const unsigned cause =
                    skidx_csv_parse(h, pc.chunk.data + p, pc.chunk.len - p,
                                    &used, &nl, &rec, &jb, NULL);
                assert_int_not_equal(cause, SKIDX_SKIP_CSV_QUOTE);
                assert_int_equal(pc.chunk.data[p + used - 1], '\n');
                p += used;
            }
            assert_true(o->len + pc.chunk.len < sizeof(o->text));
            memcpy(o->text + o->len, pc.chunk.data, pc.chunk.len);
            o->len += pc.chunk.len;
        }
        if (o->st)
            break;
    }
    o->text[o->len] = 0;
    skidx_jbuf_release(&jb);
    skidx_csv_splitter_free(sp);
}

static void test_splitter(void **state)
{
    (void)state;
    static const char csv[] =
        "title,description\r\n"                 /* 1 */
        "A,\"one\n"                              /* 2 */
        "two, \"\"three\"\"\n"                   /* 3 */
        "four\"\n"                               /* 4 */
        "B,plain\n"                              /* 5 */
        "\n"                                     /* 6 */
        "C,\"x\"\n"                              /* 7 */
        "D,\"\n"                                 /* 8 */
        "\n"                                     /* 9 */
        "\"\n"                                   /* 10 */
        "E,e\n";                                 /* 11 */
    const char *body = strchr(csv, '\n') + 1;
    /* every way to cut it into two or three views: the same records */
    for (size_t a = 2; a <= 12; a++)
        for (size_t b = a; b <= 12; b++) {
            const size_t cuts[2] = {a, b};
            struct split_out o;
            split(csv, 0, cuts, 2, NULL, 0, &o);
            assert_int_equal(o.st, SKIDX_OK);
            assert_string_equal(o.text, body);
            assert_int_equal(o.lines, 11); /* the header's too */
            assert_int_equal(o.n_drops, 0);
        }
    /* too long: record 2-4 (40 bytes) dropped at any cut, the rest kept */
    for (size_t a = 2; a <= 12; a++) {
        struct split_out o;
        split(csv, 24, &a, 1, NULL, 0, &o);
        assert_int_equal(o.st, SKIDX_OK);
        assert_int_equal(o.n_drops, 1);
        assert_int_equal(o.drops[0], SKIDX_SKIP_TOO_LONG);
        assert_int_equal(o.drop_lines[0], 2);
        assert_string_equal(o.text, strstr(csv, "B,plain"));
        assert_int_equal(o.lines, 11);
    }
    /* a line the reader found too long (line 3): its record is dropped */
    {
        const size_t cut = 4;
        const uint64_t lg = 3;
        struct split_out o;
        split(csv, 0, &cut, 1, &lg, 1, &o);
        assert_int_equal(o.st, SKIDX_OK);
        assert_int_equal(o.n_drops, 1);
        assert_int_equal(o.drop_lines[0], 2);
        assert_string_equal(o.text, strstr(csv, "B,plain"));
    }
    /* a quote never closed: the rest of the file is one dropped record */
    static const char open_q[] = "title,description\nA,a\nB,\"b\nC,c\nD,d\n";
    for (size_t a = 2; a <= 6; a++) {
        struct split_out o;
        split(open_q, 0, &a, 1, NULL, 0, &o);
        assert_int_equal(o.st, SKIDX_OK);
        assert_string_equal(o.text, "A,a\n");
        assert_int_equal(o.n_drops, 1);
        assert_int_equal(o.drops[0], SKIDX_SKIP_CSV_QUOTE);
        assert_int_equal(o.drop_lines[0], 3);
        assert_int_equal(o.lines, 5);
    }
    /* blank lines (and a BOM) before the header are skipped */
    {
        struct split_out o;
        split("\xEF\xBB\xBF\r\n\ntitle,description\nA,a\n", 0, NULL, 0, NULL, 0,
              &o);
        assert_int_equal(o.st, SKIDX_OK);
        assert_string_equal(o.text, "A,a\n");
        assert_int_equal(o.lines, 4);
    }
    /* a header only; a header never closed; a header too long */
    struct split_out o;
    split("title,description\n", 0, NULL, 0, NULL, 0, &o);
    assert_int_equal(o.st, SKIDX_OK);
    assert_int_equal(o.len, 0);
    assert_int_equal(o.lines, 1);
    split("title,\"description\n", 0, NULL, 0, NULL, 0, &o);
    assert_int_equal(o.st, SKIDX_ERR_CORRUPT);
    split("title,description,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nA,b,c\n", 16,
          NULL, 0, NULL, 0, &o);
    assert_int_equal(o.st, SKIDX_ERR_CORRUPT);
}

int main(void)
{
    skidx_jsonl_keys_default(&keys);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_splitter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
