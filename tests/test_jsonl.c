/*
 * test_jsonl.c - the JSON field extractor (src/io/jsonl.c): keys and
 * remapping, every rule of jsonl.h on small hand-written lines, a large line,
 * and a randomized comparison of the AVX2 and portable scanners.
 *
 * Every input is copied into a buffer of exactly its length, so that
 * AddressSanitizer catches any read past the end of the line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "io/jsonl.h"

/* Internal test hook of jsonl.c: 1 forces the portable scanners, 0 lets the
 * CPU decide. Returns 1 when the AVX2 scanners are in use afterwards. */
int skidx_jsonl_force_scalar_(int on);
int skidx_jsonl_simd_mode_(int mode);

#define OK SKIDX_CAUSE_COUNT
#define BIT(c) (1u << (c))

static struct skidx_jsonl_keys K;
static struct skidx_jbuf S;
static struct skidx_jsonl_record R;
static size_t COL;
static char *LINE; /* exact-size copy of the last input */
static size_t LINE_LEN;

static unsigned parse_n(const char *s, size_t n)
{
    free(LINE);
    LINE = malloc(n ? n : 1);
    assert_non_null(LINE);
    memcpy(LINE, s, n);
    LINE_LEN = n;
    COL = (size_t)-1;
    return skidx_jsonl_parse(&K, LINE, n, &R, &S, &COL);
}

static unsigned parse(const char *s) { return parse_n(s, strlen(s)); }

static int in_line(const char *p)
{
    return p >= LINE && p <= LINE + LINE_LEN;
}

/* Field f is a string equal to want[0..n). */
static void expect_str_n(unsigned f, const char *want, size_t n)
{
    assert_int_equal(R.f[f].type, SKIDX_J_STRING);
    assert_int_equal(R.f[f].len, n);
    if (n)
        assert_memory_equal(R.f[f].ptr, want, n);
}
static void expect_str(unsigned f, const char *want)
{
    expect_str_n(f, want, strlen(want));
}

/* The title of {"title":"<body>"} decodes to `want`, with these fixes. */
static void title_is(const char *body, const char *want, uint32_t fixes)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "{\"title\":\"%s\"}", body);
    assert_int_equal(parse(buf), OK);
    expect_str(SKIDX_F_TITLE, want);
    assert_int_equal(R.fixes, fixes);
}

/* Parsing `s` fails with `cause` at column `col`, and clears the record. */
static void fails_at(const char *s, unsigned cause, size_t col)
{
    assert_int_equal(parse(s), cause);
    assert_int_equal(COL, col);
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++)
        assert_int_equal(R.f[i].type, SKIDX_J_ABSENT);
    assert_int_equal(R.fixes, 0);
}

static int setup(void **state)
{
    (void)state;
    skidx_jsonl_keys_default(&K);
    skidx_jsonl_force_scalar_(0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    skidx_jbuf_release(&S);
    free(LINE);
    LINE = NULL;
    skidx_jsonl_force_scalar_(0);
    return 0;
}

/* ------------------------------------------------------------------------ */

static void test_keys_default(void **state)
{
    (void)state;
    static const char *const names[] = {
        "id", "title", "description", "company", "location", "posted",
        "salary_min", "salary_max", "salary_period", "currency", "seniority"};
    assert_int_equal(sizeof(names) / sizeof(names[0]), SKIDX_F_COUNT);
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++) {
        assert_string_equal(skidx_field_name(i), names[i]);
        assert_string_equal(K.name[i], names[i]);
        assert_int_equal(K.len[i], strlen(names[i]));
    }
    assert_null(skidx_field_name(SKIDX_F_COUNT));
    assert_null(skidx_field_name(~0u));
}

static void test_remap(void **state)
{
    (void)state;
    struct skidx_jsonl_keys k;
    struct skidx_error err;
    skidx_jsonl_keys_default(&k);
    assert_int_equal(skidx_jsonl_keys_remap(&k, "title=job_title", &err),
                     SKIDX_OK);
    assert_string_equal(k.name[SKIDX_F_TITLE], "job_title");
    assert_int_equal(k.len[SKIDX_F_TITLE], 9);
    /* '=' in the key: only the first one splits */
    assert_int_equal(skidx_jsonl_keys_remap(&k, "company=a=b", NULL),
                     SKIDX_OK);
    assert_string_equal(k.name[SKIDX_F_COMPANY], "a=b");

    static const char *const bad[] = {
        "titlejob", "=job", "tittle=x", "Title=x", "title=", "title ",
        "title_=x", "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        skidx_error_clear(&err);
        assert_int_equal(skidx_jsonl_keys_remap(&k, bad[i], &err),
                         SKIDX_ERR_USAGE);
        assert_int_equal(err.status, SKIDX_ERR_USAGE);
        assert_true(err.msg[0] != '\0');
    }
    assert_int_equal(skidx_jsonl_keys_remap(&k, NULL, NULL), SKIDX_ERR_USAGE);

    char spec[200] = "id=";
    memset(spec + 3, 'k', 127);
    spec[130] = '\0';
    assert_int_equal(skidx_jsonl_keys_remap(&k, spec, &err), SKIDX_OK);
    assert_int_equal(k.len[SKIDX_F_ID], 127);
    spec[130] = 'k';
    spec[131] = '\0';
    assert_int_equal(skidx_jsonl_keys_remap(&k, spec, &err), SKIDX_ERR_USAGE);
    assert_int_equal(k.len[SKIDX_F_ID], 127); /* unchanged on failure */
    /* failures left the other fields alone */
    assert_string_equal(k.name[SKIDX_F_TITLE], "job_title");
    assert_string_equal(k.name[SKIDX_F_DESCRIPTION], "description");

    /* the parser follows the mapping */
    K = k;
    assert_int_equal(parse("{\"title\":\"a\",\"job_title\":\"b\"}"), OK);
    expect_str(SKIDX_F_TITLE, "b");
    assert_int_equal(R.fixes, 0);
    /* two fields may read one key */
    assert_int_equal(skidx_jsonl_keys_remap(&K, "location=job_title", NULL),
                     SKIDX_OK);
    assert_int_equal(parse("{\"job_title\":\"b\"}"), OK);
    expect_str(SKIDX_F_TITLE, "b");
    expect_str(SKIDX_F_LOCATION, "b");
    skidx_jsonl_keys_default(&K);
}

/* A key is its field's key only when every byte agrees, at every key
 * length (the comparison takes short keys by overlapping loads): keys of
 * 1 to 40 bytes, and each with one byte changed, in the first and the
 * last of its loads, and before and after the key in the line. */
static void test_key_lengths(void **state)
{
    (void)state;
    char key[48], spec[64], line[160];
    for (size_t n = 1; n <= 40; n++) {
        for (size_t i = 0; i < n; i++)
            key[i] = (char)('a' + (i * 7 + n) % 26);
        key[n] = '\0';
        snprintf(spec, sizeof(spec), "title=%s", key);
        skidx_jsonl_keys_default(&K);
        assert_int_equal(skidx_jsonl_keys_remap(&K, spec, NULL), SKIDX_OK);
        snprintf(line, sizeof(line), "{\"%sx\":\"n\",\"%s\":\"y\"}", key,
                 key);
        assert_int_equal(parse(line), OK);
        expect_str(SKIDX_F_TITLE, "y");
        for (size_t j = 0; j < n; j++) {
            char bad[48];
            memcpy(bad, key, n + 1);
            bad[j] = (char)(bad[j] == 'z' ? 'a' : bad[j] + 1);
            snprintf(line, sizeof(line), "{\"%s\":\"y\"}", bad);
            assert_int_equal(parse(line), OK);
            assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_ABSENT);
        }
        /* a key one byte shorter, the field's key as its prefix */
        snprintf(line, sizeof(line), "{\"%.*s\":\"y\"}", (int)(n - 1), key);
        assert_int_equal(parse(line), OK);
        assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_ABSENT);
    }
    skidx_jsonl_keys_default(&K);
}

static void test_basic_record(void **state)
{
    (void)state;
    const char *s =
        "{\"id\":\"a1\",\"title\":\"ML Engineer\",\"description\":\"Build "
        "models.\",\"company\":\"Acme\",\"location\":\"Paris\",\"posted\":"
        "\"2025-01-02\",\"salary_min\":100000,\"salary_max\":1.5e5,"
        "\"salary_period\":\"year\",\"currency\":\"EUR\",\"seniority\":null,"
        "\"other\":{\"x\":[1,2,{\"title\":\"no\"}]}}";
    assert_int_equal(parse(s), OK);
    assert_int_equal(R.fixes, 0);
    expect_str(SKIDX_F_ID, "a1");
    expect_str(SKIDX_F_TITLE, "ML Engineer");
    expect_str(SKIDX_F_DESCRIPTION, "Build models.");
    expect_str(SKIDX_F_COMPANY, "Acme");
    expect_str(SKIDX_F_LOCATION, "Paris");
    expect_str(SKIDX_F_POSTED, "2025-01-02");
    assert_int_equal(R.f[SKIDX_F_SALARY_MIN].type, SKIDX_J_NUMBER);
    assert_int_equal(R.f[SKIDX_F_SALARY_MIN].len, 6);
    assert_memory_equal(R.f[SKIDX_F_SALARY_MIN].ptr, "100000", 6);
    assert_int_equal(R.f[SKIDX_F_SALARY_MAX].type, SKIDX_J_NUMBER);
    assert_memory_equal(R.f[SKIDX_F_SALARY_MAX].ptr, "1.5e5", 5);
    expect_str(SKIDX_F_SALARY_PERIOD, "year");
    expect_str(SKIDX_F_CURRENCY, "EUR");
    assert_int_equal(R.f[SKIDX_F_SENIORITY].type, SKIDX_J_NULL);
    /* strings without escapes are zero-copy */
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++)
        assert_true(in_line(R.f[i].ptr));

    /* whitespace everywhere JSON allows it; missing fields stay absent */
    assert_int_equal(parse(" \t{ \"title\" : \"x\" ,\n\"a\" : [ ] , \"b\":{ } "
                           "} \r\n "),
                     OK);
    expect_str(SKIDX_F_TITLE, "x");
    assert_int_equal(R.f[SKIDX_F_DESCRIPTION].type, SKIDX_J_ABSENT);
    assert_null(R.f[SKIDX_F_DESCRIPTION].ptr);
    assert_int_equal(parse("{}"), OK);
    assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_ABSENT);
    /* empty string */
    assert_int_equal(parse("{\"title\":\"\"}"), OK);
    expect_str(SKIDX_F_TITLE, "");
}

static void test_escapes(void **state)
{
    (void)state;
    title_is("a\\nb\\tc\\\"d\\\\e\\/f\\bg\\fh\\ri",
             "a\nb\tc\"d\\e/f\bg\fh\ri", 0);
    assert_false(in_line(R.f[SKIDX_F_TITLE].ptr));
    assert_true(R.f[SKIDX_F_TITLE].ptr >= S.data &&
                R.f[SKIDX_F_TITLE].ptr < S.data + S.len);
    title_is("\\u0041\\u00e9\\u00E9\\u20ac", "A\xC3\xA9\xC3\xA9\xE2\x82\xAC",
             0);
    title_is("\\u007f\\u0080\\u07FF\\u0800\\uFFFF",
             "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF", 0);
    /* escaped NUL decodes to a 0 byte (not a raw NUL) */
    assert_int_equal(parse("{\"title\":\"a\\u0000b\"}"), OK);
    expect_str_n(SKIDX_F_TITLE, "a\0b", 3);
    /* escapes at the very start and end */
    title_is("\\n", "\n", 0);
    title_is("\\\\\\\\", "\\\\", 0);
}

static void test_surrogates(void **state)
{
    (void)state;
    title_is("\\uD83D\\uDE00", "\xF0\x9F\x98\x80", 0);
    title_is("x\\ud834\\udd1ey", "x\xF0\x9D\x84\x9Ey", 0);
    title_is("\\uDBFF\\uDFFF", "\xF4\x8F\xBF\xBF", 0);
    title_is("\\uD800\\uDC00", "\xF0\x90\x80\x80", 0);
    const uint32_t lone = BIT(SKIDX_FIX_LONE_SURROGATE);
    title_is("\\uD800", "\xEF\xBF\xBD", lone);
    title_is("a\\uD800b", "a\xEF\xBF\xBD" "b", lone);
    title_is("\\uDC00", "\xEF\xBF\xBD", lone);
    title_is("\\uDE00\\uD83D", "\xEF\xBF\xBD\xEF\xBF\xBD", lone);
    title_is("\\uD800\\uD800\\uDC00", "\xEF\xBF\xBD\xF0\x90\x80\x80", lone);
    title_is("\\uD800\\n", "\xEF\xBF\xBD\n", lone);
    title_is("\\uD800\\u0041", "\xEF\xBF\xBD" "A", lone);
    /* a lone half followed by a broken escape: still a bad string */
    fails_at("{\"title\":\"\\uD800\\u12\"}", SKIDX_SKIP_BAD_STRING, 16);
    fails_at("{\"title\":\"\\uD800\\uDC0\"}", SKIDX_SKIP_BAD_STRING, 16);
    /* in a value nobody wants it needs no repair */
    assert_int_equal(parse("{\"x\":\"\\uD800\",\"title\":\"t\"}"), OK);
    assert_int_equal(R.fixes, 0);
}

static void test_invalid_escapes(void **state)
{
    (void)state;
    fails_at("{\"title\":\"a\\x\"}", SKIDX_SKIP_BAD_STRING, 11);
    fails_at("{\"title\":\"\\u12\"}", SKIDX_SKIP_BAD_STRING, 10);
    fails_at("{\"title\":\"\\u12G4\"}", SKIDX_SKIP_BAD_STRING, 10);
    fails_at("{\"title\":\"\\U0041\"}", SKIDX_SKIP_BAD_STRING, 10);
    fails_at("{\"title\":\"\\'\"}", SKIDX_SKIP_BAD_STRING, 10);
    fails_at("{\"x\":\"\\a\"}", SKIDX_SKIP_BAD_STRING, 6);
    fails_at("{\"x\":[\"ok\",\"\\u00\"]}", SKIDX_SKIP_BAD_STRING, 12);
    fails_at("{\"ti\\qtle\":1}", SKIDX_SKIP_BAD_STRING, 4);
    /* a backslash as the last byte of the line, or \u cut by the end */
    fails_at("{\"title\":\"ab\\", SKIDX_SKIP_BAD_STRING, 12);
    fails_at("{\"x\":\"ab\\", SKIDX_SKIP_BAD_STRING, 8);
    fails_at("{\"x\":\"ab\\u00", SKIDX_SKIP_BAD_STRING, 8);
    fails_at("{\"title\":\"\\uD800\\u", SKIDX_SKIP_BAD_STRING, 16);
}

static void test_unterminated(void **state)
{
    (void)state;
    /* the column is the opening quote */
    fails_at("{\"title\":\"abc", SKIDX_SKIP_BAD_STRING, 9);
    fails_at("{\"title\":\"abc\\\"}", SKIDX_SKIP_BAD_STRING, 9);
    fails_at("{\"x\":\"abc}", SKIDX_SKIP_BAD_STRING, 5);
    fails_at("{\"tit", SKIDX_SKIP_BAD_STRING, 1);
    fails_at("{\"ti\\ntle", SKIDX_SKIP_BAD_STRING, 1);
    fails_at("\"abc", SKIDX_SKIP_BAD_STRING, 0);
    /* long enough for the vector loop */
    char buf[300];
    memcpy(buf, "{\"description\":\"", 16);
    memset(buf + 16, 'a', 200);
    buf[216] = '\0';
    fails_at(buf, SKIDX_SKIP_BAD_STRING, 15);
}

static void test_control_bytes(void **state)
{
    (void)state;
    /* a raw TAB is tolerated and kept; DEL is an ordinary byte */
    title_is("a\tb\x7F", "a\tb\x7F", 0);
    assert_true(in_line(R.f[SKIDX_F_TITLE].ptr));
    title_is("\t", "\t", 0);
    title_is("a\\n\tb\t", "a\n\tb\t", 0); /* TAB while copying */
    assert_int_equal(parse("{\"x\":\"a\tb\",\"ti\ttle\":1,\"t\\u0069\ttle\":2}"),
                     OK);
    assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_ABSENT);
    fails_at("{\"title\":\"a\nb\"}", SKIDX_SKIP_CONTROL_CHAR, 11);
    fails_at("{\"title\":\"a\rb\"}", SKIDX_SKIP_CONTROL_CHAR, 11);
    fails_at("{\"title\":\"\x01\"}", SKIDX_SKIP_CONTROL_CHAR, 10);
    fails_at("{\"x\":\"\x1F\"}", SKIDX_SKIP_CONTROL_CHAR, 6);
    fails_at("{\"a\x1b\":1}", SKIDX_SKIP_CONTROL_CHAR, 3);
    fails_at("{\"title\":\"\\n\x02\"}", SKIDX_SKIP_CONTROL_CHAR, 12);
    /* each kind of string: wanted (in place, after UTF-8, after an escape),
     * unwanted value, key (plain and with an escape), inside an array */
    fails_at("{\"title\":\"\xC3\xA9\x1F\"}", SKIDX_SKIP_CONTROL_CHAR, 12);
    fails_at("{\"x\":[\"ok\",\"a\x0B\"]}", SKIDX_SKIP_CONTROL_CHAR, 13);
    fails_at("{\"t\\u0069\x10tle\":1}", SKIDX_SKIP_CONTROL_CHAR, 9);
    fails_at("{\"description\":\"\\\"\x7F\x08\"}", SKIDX_SKIP_CONTROL_CHAR, 19);
    /* an unterminated string is still a bad string, not a control byte */
    fails_at("{\"title\":\"a", SKIDX_SKIP_BAD_STRING, 9);
    /* after a long run (vector path), and in the scalar tail */
    char buf[300];
    memcpy(buf, "{\"description\":\"", 16);
    memset(buf + 16, 'a', 200);
    buf[16 + 150] = '\x03';
    memcpy(buf + 216, "\"}", 3);
    fails_at(buf, SKIDX_SKIP_CONTROL_CHAR, 166);
}

static void test_nul_byte(void **state)
{
    (void)state;
    assert_int_equal(parse_n("{\"title\":\"a\0b\"}", 15),
                     SKIDX_SKIP_NUL_BYTE);
    assert_int_equal(COL, 11);
    assert_int_equal(parse_n("{\"x\":1}\0", 8), SKIDX_SKIP_NUL_BYTE);
    assert_int_equal(COL, 7);
    assert_int_equal(parse_n("\0{}", 3), SKIDX_SKIP_NUL_BYTE);
    assert_int_equal(COL, 0);
    assert_int_equal(parse_n("{\"x\":\"\0\"}", 9), SKIDX_SKIP_NUL_BYTE);
    assert_int_equal(COL, 6);
    /* the NUL wins over an earlier fault */
    assert_int_equal(parse_n("{\"x\":tru, \"y\":\"\0\"}", 18),
                     SKIDX_SKIP_NUL_BYTE);
    assert_int_equal(COL, 15);
    assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_ABSENT);
}

static void test_bom_crlf(void **state)
{
    (void)state;
    assert_int_equal(parse("\xEF\xBB\xBF{\"title\":\"t\"}"), OK);
    expect_str(SKIDX_F_TITLE, "t");
    assert_int_equal(parse("\xEF\xBB\xBF {\"title\":\"t\"}\r"), OK);
    expect_str(SKIDX_F_TITLE, "t");
    assert_int_equal(parse("{\"title\":\"t\"}\r"), OK);
    expect_str(SKIDX_F_TITLE, "t");
    /* only at the very start, only once */
    fails_at(" \xEF\xBB\xBF{}", SKIDX_SKIP_NOT_JSON, 1);
    fails_at("\xEF\xBB\xBF\xEF\xBB\xBF{}", SKIDX_SKIP_NOT_JSON, 3);
    fails_at("\xEF\xBB\xBF", SKIDX_SKIP_NOT_JSON, 3);
    fails_at("\xEF\xBB{}", SKIDX_SKIP_NOT_JSON, 0);
    fails_at("\r", SKIDX_SKIP_NOT_JSON, 1);
}

static void test_nested_values(void **state)
{
    (void)state;
    const char *s = "{\"title\":{\"a\":[1,\"}\",{\"b\":null}],\"c\":\"]\"},"
                    "\"description\":[ true , [] , {} ],\"x\":[[[{}]]],"
                    "\"company\":[]}";
    assert_int_equal(parse(s), OK);
    assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_OBJECT);
    const char *o = "{\"a\":[1,\"}\",{\"b\":null}],\"c\":\"]\"}";
    assert_int_equal(R.f[SKIDX_F_TITLE].len, strlen(o));
    assert_memory_equal(R.f[SKIDX_F_TITLE].ptr, o, strlen(o));
    assert_int_equal(R.f[SKIDX_F_DESCRIPTION].type, SKIDX_J_ARRAY);
    assert_int_equal(R.f[SKIDX_F_DESCRIPTION].len, 18);
    assert_memory_equal(R.f[SKIDX_F_DESCRIPTION].ptr, "[ true , [] , {} ]",
                        18);
    assert_int_equal(R.f[SKIDX_F_COMPANY].type, SKIDX_J_ARRAY);
    assert_int_equal(R.f[SKIDX_F_COMPANY].len, 2);
    /* a wanted key inside a nested object is not a field */
    assert_int_equal(parse("{\"x\":{\"title\":\"no\"},\"y\":[{\"title\":1}]}"),
                     OK);
    assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_ABSENT);
    /* broken nested values are found even where nobody looks */
    fails_at("{\"x\":[1,2,]}", SKIDX_SKIP_NOT_JSON, 10);
    fails_at("{\"x\":[1 2]}", SKIDX_SKIP_NOT_JSON, 8);
    fails_at("{\"x\":{\"a\" 1}}", SKIDX_SKIP_NOT_JSON, 10);
    fails_at("{\"x\":{\"a\":1,}}", SKIDX_SKIP_NOT_JSON, 12);
    fails_at("{\"x\":{1:2}}", SKIDX_SKIP_NOT_JSON, 6);
    fails_at("{\"x\":[1,2}", SKIDX_SKIP_NOT_JSON, 9);
    fails_at("{\"x\":{\"a\":1]}", SKIDX_SKIP_NOT_JSON, 11);
    fails_at("{\"title\":[1,", SKIDX_SKIP_NOT_JSON, 12);
    fails_at("{\"title\":{\"a\":\"b\\z\"}}", SKIDX_SKIP_BAD_STRING, 16);
}

static void test_numbers(void **state)
{
    (void)state;
    static const char *const good[] = {
        "0", "-0", "1e5", "1E5", "1e+5", "1E-05", "-1.5e-3", "123",
        "0.0", "-0.25", "10", "9007199254740993", "1.0E+2",
    };
    char buf[128];
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        snprintf(buf, sizeof(buf), "{\"salary_min\":%s,\"x\":%s}", good[i],
                 good[i]);
        assert_int_equal(parse(buf), OK);
        assert_int_equal(R.f[SKIDX_F_SALARY_MIN].type, SKIDX_J_NUMBER);
        assert_int_equal(R.f[SKIDX_F_SALARY_MIN].len, strlen(good[i]));
        assert_memory_equal(R.f[SKIDX_F_SALARY_MIN].ptr, good[i],
                            strlen(good[i]));
    }
    static const char *const bad[] = {
        "01", "1.", ".5", "-", "+1", "1e", "1e+", "--1", "0x10", "Infinity",
        "NaN", "-.5", "1.e5", "00", "-01", "1e5.0", "1_000", "1.5.2",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(buf, sizeof(buf), "{\"salary_min\":%s}", bad[i]);
        assert_int_equal(parse(buf), SKIDX_SKIP_NOT_JSON);
        snprintf(buf, sizeof(buf), "{\"x\":[%s]}", bad[i]);
        assert_int_equal(parse(buf), SKIDX_SKIP_NOT_JSON);
    }
    fails_at("{\"x\":01}", SKIDX_SKIP_NOT_JSON, 6);
    fails_at("{\"x\":1.}", SKIDX_SKIP_NOT_JSON, 7);
    fails_at("{\"x\":-}", SKIDX_SKIP_NOT_JSON, 6);
    /* a number cut by the end of the line */
    fails_at("{\"x\":1", SKIDX_SKIP_NOT_JSON, 6);
    fails_at("{\"x\":-", SKIDX_SKIP_NOT_JSON, 6);
    fails_at("{\"x\":1e", SKIDX_SKIP_NOT_JSON, 7);
}

static void test_literals(void **state)
{
    (void)state;
    assert_int_equal(
        parse("{\"title\":true,\"description\":false,\"company\":null}"), OK);
    assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_TRUE);
    assert_int_equal(R.f[SKIDX_F_TITLE].len, 4);
    assert_int_equal(R.f[SKIDX_F_DESCRIPTION].type, SKIDX_J_FALSE);
    assert_int_equal(R.f[SKIDX_F_DESCRIPTION].len, 5);
    assert_int_equal(R.f[SKIDX_F_COMPANY].type, SKIDX_J_NULL);
    assert_memory_equal(R.f[SKIDX_F_COMPANY].ptr, "null", 4);
    fails_at("{\"x\":tru}", SKIDX_SKIP_NOT_JSON, 5);
    fails_at("{\"x\":True}", SKIDX_SKIP_NOT_JSON, 5);
    fails_at("{\"x\":nul", SKIDX_SKIP_NOT_JSON, 5);
    fails_at("{\"x\":nulll}", SKIDX_SKIP_NOT_JSON, 9);
    fails_at("{\"x\":falsey}", SKIDX_SKIP_NOT_JSON, 10);
    fails_at("{\"x\":'a'}", SKIDX_SKIP_NOT_JSON, 5);
    fails_at("{\"x\":}", SKIDX_SKIP_NOT_JSON, 5);
    fails_at("{\"x\":", SKIDX_SKIP_NOT_JSON, 5);
}

static void test_duplicates(void **state)
{
    (void)state;
    assert_int_equal(parse("{\"title\":\"a\",\"title\":\"b\"}"), OK);
    expect_str(SKIDX_F_TITLE, "b");
    assert_int_equal(R.fixes, BIT(SKIDX_FIX_DUPLICATE_KEY));
    /* last wins whatever the types; escaped spelling is the same key */
    assert_int_equal(parse("{\"title\":\"a\\n\",\"ti\\u0074le\":7}"), OK);
    assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_NUMBER);
    assert_memory_equal(R.f[SKIDX_F_TITLE].ptr, "7", 1);
    assert_int_equal(R.fixes, BIT(SKIDX_FIX_DUPLICATE_KEY));
    /* unwanted keys may repeat freely */
    assert_int_equal(parse("{\"x\":1,\"x\":2,\"title\":\"t\"}"), OK);
    assert_int_equal(R.fixes, 0);
    /* scratch values of an overwritten duplicate do not leak into others */
    assert_int_equal(parse("{\"title\":\"\\u0041\",\"company\":\"\\u0042\","
                           "\"title\":\"\\u0043\"}"),
                     OK);
    expect_str(SKIDX_F_TITLE, "C");
    expect_str(SKIDX_F_COMPANY, "B");
}

static void test_escaped_keys(void **state)
{
    (void)state;
    assert_int_equal(parse("{\"ti\\u0074le\":\"t\"}"), OK);
    expect_str(SKIDX_F_TITLE, "t");
    assert_int_equal(parse("{\"\\u0074\\u0069\\u0074\\u006C\\u0065\":\"t\"}"),
                     OK);
    expect_str(SKIDX_F_TITLE, "t");
    assert_int_equal(parse("{\"\\/title\":\"t\"}"), OK);
    assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_ABSENT);
    /* a key whose decoded form is too long for any mapping never matches */
    char buf[1200];
    size_t n = 0;
    n += (size_t)sprintf(buf + n, "{\"");
    for (int i = 0; i < 150; i++)
        n += (size_t)sprintf(buf + n, "\\u0061");
    n += (size_t)sprintf(buf + n, "\":1,\"title\":\"t\"}");
    assert_int_equal(parse(buf), OK);
    expect_str(SKIDX_F_TITLE, "t");
    /* a mapped key that needs escapes in the line */
    assert_int_equal(skidx_jsonl_keys_remap(&K, "title=job \"title\"\xC3\xA9",
                                            NULL),
                     SKIDX_OK);
    assert_int_equal(parse("{\"job \\\"title\\\"\\u00e9\":\"t\"}"), OK);
    expect_str(SKIDX_F_TITLE, "t");
    assert_int_equal(parse("{\"job \\\"title\\\"\xC3\xA9\":\"u\"}"), OK);
    expect_str(SKIDX_F_TITLE, "u");
    /* 127-byte key, escaped at the end */
    char key[140];
    memset(key, 'k', 127);
    key[127] = '\0';
    char spec[160];
    snprintf(spec, sizeof(spec), "title=%s", key);
    assert_int_equal(skidx_jsonl_keys_remap(&K, spec, NULL), SKIDX_OK);
    snprintf(buf, sizeof(buf), "{\"%.126s\\u006b\":\"v\"}", key);
    assert_int_equal(parse(buf), OK);
    expect_str(SKIDX_F_TITLE, "v");
    snprintf(buf, sizeof(buf), "{\"%.127s\\u006b\":\"v\"}", key);
    assert_int_equal(parse(buf), OK);
    assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_ABSENT);
    skidx_jsonl_keys_default(&K);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    const uint32_t bad = BIT(SKIDX_FIX_INVALID_UTF8);
#define R3 "\xEF\xBF\xBD"
    /* valid multi-byte text stays in place */
    title_is("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF",
             "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF", 0);
    assert_true(in_line(R.f[SKIDX_F_TITLE].ptr));
    title_is("\xED\x9F\xBF\xEE\x80\x80", "\xED\x9F\xBF\xEE\x80\x80", 0);
    /* one U+FFFD per maximal invalid subpart */
    title_is("a\xFF" "b", "a" R3 "b", bad);
    title_is("\xC0\x80", R3 R3, bad);               /* overlong NUL */
    title_is("\xC1\xBF", R3 R3, bad);               /* overlong */
    title_is("\xE0\x80\xAF", R3 R3 R3, bad);        /* overlong 3-byte */
    title_is("\xF0\x80\x80\xAF", R3 R3 R3 R3, bad); /* overlong 4-byte */
    title_is("\xED\xA0\x80", R3 R3 R3, bad);        /* UTF-8 surrogate */
    title_is("\xF4\x90\x80\x80", R3 R3 R3 R3, bad); /* > U+10FFFF */
    title_is("\xF5\x80", R3 R3, bad);
    title_is("\x80", R3, bad);                      /* lone continuation */
    title_is("\xE2\x82x", R3 "x", bad);             /* truncated */
    title_is("\xF0\x9F\x98x", R3 "x", bad);
    title_is("\xE2\x82", R3, bad);                  /* cut by the quote */
    title_is("\xF0\x9F\x98", R3, bad);
    title_is("\xC3", R3, bad);
    title_is("\xE2\x82\\n", R3 "\n", bad);          /* cut by an escape */
    title_is("\xC3\xA9\xFF\xC3\xA9", "\xC3\xA9" R3 "\xC3\xA9", bad);
    title_is("\xFE\xFF", R3 R3, bad);
    /* elsewhere it is tolerated: unwanted values, keys */
    assert_int_equal(parse("{\"x\":\"\xFF\xC0\",\"\xFF\":[\"\xED\xA0\x80\"],"
                           "\"title\":\"t\"}"),
                     OK);
    assert_int_equal(R.fixes, 0);
    expect_str(SKIDX_F_TITLE, "t");
    /* the fix bits combine */
    title_is("\\uD800\xFF", R3 R3, bad | BIT(SKIDX_FIX_LONE_SURROGATE));
#undef R3
}

static void test_trailing_and_top_level(void **state)
{
    (void)state;
    fails_at("{} x", SKIDX_SKIP_NOT_JSON, 3);
    fails_at("{}}", SKIDX_SKIP_NOT_JSON, 2);
    fails_at("{},", SKIDX_SKIP_NOT_JSON, 2);
    fails_at("{}{}", SKIDX_SKIP_NOT_JSON, 2);
    fails_at("{\"title\":\"t\"} \"x\"", SKIDX_SKIP_NOT_JSON, 14);
    fails_at("", SKIDX_SKIP_NOT_JSON, 0);
    fails_at("   \t ", SKIDX_SKIP_NOT_JSON, 5);
    fails_at("[1,2]", SKIDX_SKIP_NOT_OBJECT, 0);
    fails_at("  \"str\" ", SKIDX_SKIP_NOT_OBJECT, 2);
    fails_at("42", SKIDX_SKIP_NOT_OBJECT, 0);
    fails_at("true", SKIDX_SKIP_NOT_OBJECT, 0);
    fails_at("null", SKIDX_SKIP_NOT_OBJECT, 0);
    fails_at("[{\"title\":\"t\"}]", SKIDX_SKIP_NOT_OBJECT, 0);
    fails_at("[1,2", SKIDX_SKIP_NOT_JSON, 4);
    fails_at("[1] 2", SKIDX_SKIP_NOT_JSON, 4);
    fails_at("hello", SKIDX_SKIP_NOT_JSON, 0);
    fails_at("\"abc\\x\"", SKIDX_SKIP_BAD_STRING, 4);
    fails_at("{", SKIDX_SKIP_NOT_JSON, 1);
    fails_at("{\"title\":\"t\"", SKIDX_SKIP_NOT_JSON, 12);
    fails_at("{\"title\":\"t\",}", SKIDX_SKIP_NOT_JSON, 13);
    fails_at("{,}", SKIDX_SKIP_NOT_JSON, 1);
    fails_at("{title:1}", SKIDX_SKIP_NOT_JSON, 1);
    fails_at("{'title':1}", SKIDX_SKIP_NOT_JSON, 1);
    fails_at("{\"title\" \"t\"}", SKIDX_SKIP_NOT_JSON, 9);
    fails_at("{\"title\":\"t\" \"x\":1}", SKIDX_SKIP_NOT_JSON, 13);
    fails_at("{\"a\":1;\"b\":2}", SKIDX_SKIP_NOT_JSON, 6);
    /* a broken tail rejects the whole record, fields already read included */
    fails_at("{\"title\":\"t\",\"description\":\"d\",\"x\":[}",
             SKIDX_SKIP_NOT_JSON, 36);
    /* form feed and vertical tab are not JSON whitespace */
    fails_at("{\f}", SKIDX_SKIP_NOT_JSON, 1);
    fails_at("\v{}", SKIDX_SKIP_NOT_JSON, 0);
}

static void nest(char *buf, unsigned depth, const char *open,
                 const char *close)
{
    /* {"x": + (depth - 1) containers around a 0 */
    size_t n = 0;
    n += (size_t)sprintf(buf, "{\"x\":");
    for (unsigned i = 1; i < depth; i++)
        n += (size_t)sprintf(buf + n, "%s", open);
    n += (size_t)sprintf(buf + n, "0");
    for (unsigned i = 1; i < depth; i++)
        n += (size_t)sprintf(buf + n, "%s", close);
    sprintf(buf + n, "}");
}

static void test_depth(void **state)
{
    (void)state;
    static char buf[1 << 16];
    /* the top object counts as level 1 */
    nest(buf, SKIDX_JSONL_MAX_DEPTH, "[", "]");
    assert_int_equal(parse(buf), OK);
    nest(buf, SKIDX_JSONL_MAX_DEPTH, "{\"a\":", "}");
    assert_int_equal(parse(buf), OK);
    nest(buf, SKIDX_JSONL_MAX_DEPTH, "[{\"a\":", "}]");
    assert_int_equal(parse(buf), SKIDX_SKIP_TOO_DEEP);
    nest(buf, SKIDX_JSONL_MAX_DEPTH + 1, "[", "]");
    assert_int_equal(parse(buf), SKIDX_SKIP_TOO_DEEP);
    assert_int_equal(COL, 5 + SKIDX_JSONL_MAX_DEPTH - 1);
    /* same limit for wanted values */
    nest(buf, SKIDX_JSONL_MAX_DEPTH + 1, "[", "]");
    memcpy(buf, "{\"t\":", 5);
    assert_int_equal(skidx_jsonl_keys_remap(&K, "title=t", NULL), SKIDX_OK);
    assert_int_equal(parse(buf), SKIDX_SKIP_TOO_DEEP);
    nest(buf, SKIDX_JSONL_MAX_DEPTH, "[", "]");
    memcpy(buf, "{\"t\":", 5);
    assert_int_equal(parse(buf), OK);
    assert_int_equal(R.f[SKIDX_F_TITLE].type, SKIDX_J_ARRAY);
    assert_int_equal(R.f[SKIDX_F_TITLE].len,
                     2 * (SKIDX_JSONL_MAX_DEPTH - 1) + 1);
    skidx_jsonl_keys_default(&K);
    /* very deep, never closed: no recursion, no crash */
    memset(buf, '[', sizeof(buf) - 1);
    buf[0] = '{';
    memcpy(buf + 1, "\"x\":", 4);
    buf[sizeof(buf) - 1] = '\0';
    assert_int_equal(parse(buf), SKIDX_SKIP_TOO_DEEP);
    /* a top-level array deeper than the limit */
    memset(buf, '[', 100);
    buf[100] = '\0';
    assert_int_equal(parse(buf), SKIDX_SKIP_TOO_DEEP);
    assert_int_equal(COL, SKIDX_JSONL_MAX_DEPTH);
}

/* Several values in the scratch, the last one forcing it to grow: earlier
 * pointers must still be right. */
static void test_scratch_growth(void **state)
{
    (void)state;
    skidx_jbuf_release(&S);
    const size_t big = 1u << 20;
    char *s = malloc(big * 2 + 200);
    assert_non_null(s);
    size_t n = (size_t)sprintf(s, "{\"title\":\"a\\tb\",\"description\":\"");
    for (size_t i = 0; i < big; i += 2) {
        s[n++] = '\\';
        s[n++] = 'n';
    }
    n += (size_t)sprintf(s + n, "\",\"company\":\"\\u00e9\"}");
    assert_int_equal(parse_n(s, n), OK);
    expect_str(SKIDX_F_TITLE, "a\tb");
    expect_str(SKIDX_F_COMPANY, "\xC3\xA9");
    assert_int_equal(R.f[SKIDX_F_DESCRIPTION].len, big / 2);
    for (size_t i = 0; i < big / 2; i++)
        if (R.f[SKIDX_F_DESCRIPTION].ptr[i] != '\n')
            fail_msg("byte %zu", i);
    /* the scratch is reused, not grown, by a smaller line */
    const size_t cap = S.cap;
    assert_int_equal(parse("{\"title\":\"\\u0041\"}"), OK);
    expect_str(SKIDX_F_TITLE, "A");
    assert_int_equal(S.cap, cap);
    free(s);
    skidx_jbuf_release(&S);
    assert_null(S.data);
    assert_int_equal(S.cap, 0);
    skidx_jbuf_release(&S); /* twice is fine */
}

static void test_large_line(void **state)
{
    (void)state;
    const size_t body = 8u << 20;
    char *s = malloc(body + 200);
    char *want = malloc(body);
    assert_non_null(s);
    assert_non_null(want);
    /* zero-copy: ASCII and valid UTF-8 only */
    size_t n = (size_t)sprintf(s, "{\"id\":1,\"description\":\"");
    size_t w = 0;
    uint32_t x = 12345;
    while (w < body) {
        x = x * 1103515245u + 12345u;
        if ((x >> 16) % 97 == 0 && w + 2 <= body) {
            want[w++] = '\xC3';
            want[w++] = '\xA9';
        } else {
            want[w++] = (char)('a' + (x >> 16) % 26);
        }
    }
    memcpy(s + n, want, w);
    n += w;
    n += (size_t)sprintf(s + n, "\",\"title\":\"t\"}");
    assert_int_equal(parse_n(s, n), OK);
    expect_str_n(SKIDX_F_DESCRIPTION, want, w);
    assert_true(in_line(R.f[SKIDX_F_DESCRIPTION].ptr));
    expect_str(SKIDX_F_TITLE, "t");
    /* copying: an escape at the very end sends all of it to the scratch */
    n -= strlen("\",\"title\":\"t\"}");
    n += (size_t)sprintf(s + n, "\\n\"}");
    assert_int_equal(parse_n(s, n), OK);
    assert_int_equal(R.f[SKIDX_F_DESCRIPTION].len, w + 1);
    assert_false(in_line(R.f[SKIDX_F_DESCRIPTION].ptr));
    assert_memory_equal(R.f[SKIDX_F_DESCRIPTION].ptr, want, w);
    assert_int_equal(R.f[SKIDX_F_DESCRIPTION].ptr[w], '\n');
    free(s);
    free(want);
}

/* ------------------------------------------------------------------------ */
/* AVX2 against the portable scanners                                        */

static uint64_t rng_state = UINT64_C(0x9E3779B97F4A7C15);
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)((rng_state >> 32) % n);
}

struct gen {
    char *b;
    size_t n, cap;
};
static void put(struct gen *g, const char *s, size_t n)
{
    if (g->n + n > g->cap)
        return; /* a bounded generator: the rest is dropped */
    memcpy(g->b + g->n, s, n);
    g->n += n;
}
static void puts_(struct gen *g, const char *s) { put(g, s, strlen(s)); }

static void gen_string(struct gen *g)
{
    static const char *const frag[] = {
        "lorem ipsum dolor sit amet, ", "Python", "\\n", "\\t", "\\\"",
        "\\\\", "\\/", "\\u00e9", "\\uD83D\\uDE00", "\\uD800", "\\uDC00x",
        "\xC3\xA9", "\xE2\x80\xA2 ", "\xF0\x9F\x98\x80", "\xFF", "\xC0\x80",
        "\xED\xA0\x80", "\xE2\x82", "\x80", "\t", "{}[],:", "0123456789",
        "\xF4\x90\x80\x80", "\\u12", "\x01", "\\b\\f\\r",
    };
    const unsigned nf = sizeof(frag) / sizeof(frag[0]);
    put(g, "\"", 1);
    const unsigned parts = rnd(4) == 0 ? rnd(200) : rnd(12);
    for (unsigned i = 0; i < parts; i++) {
        const unsigned k = rnd(10) < 6 ? rnd(2) : rnd(nf);
        /* keep the rare breakers rare */
        if ((k == 23 || k == 24) && rnd(8))
            continue;
        if (k == 0) {
            /* a run of plain text of random length crosses block edges */
            const unsigned len = rnd(150);
            for (unsigned c = 0; c < len; c++) {
                const char ch = (char)('a' + rnd(26));
                put(g, &ch, 1);
            }
        } else {
            puts_(g, frag[k]);
        }
    }
    put(g, "\"", 1);
}

static void gen_value(struct gen *g, unsigned depth)
{
    switch (rnd(depth > 3 ? 5 : 8)) {
    case 0: case 1: case 2:
        gen_string(g);
        break;
    case 3: {
        static const char *const nums[] = {"0", "-0", "12", "1.5e-3", "01",
                                           "1.", "-", "1e5", "123456789"};
        puts_(g, nums[rnd(9)]);
        break;
    }
    case 4: {
        static const char *const lit[] = {"true", "false", "null", "nul"};
        puts_(g, lit[rnd(4)]);
        break;
    }
    case 5: case 6: {
        const int obj = rnd(2);
        puts_(g, obj ? "{" : "[");
        const unsigned n = rnd(4);
        for (unsigned i = 0; i < n; i++) {
            if (i)
                puts_(g, rnd(2) ? "," : " , ");
            if (obj) {
                gen_string(g);
                puts_(g, ":");
            }
            gen_value(g, depth + 1);
        }
        puts_(g, obj ? "}" : "]");
        break;
    }
    default:
        gen_string(g);
    }
}

static void gen_record(struct gen *g)
{
    static const char *const keys[] = {
        "\"id\"", "\"title\"", "\"description\"", "\"company\"",
        "\"location\"", "\"posted\"", "\"salary_min\"", "\"salary_max\"",
        "\"salary_period\"", "\"currency\"", "\"seniority\"", "\"other\"",
        "\"ti\\u0074le\"", "\"x\"", "\"job_title\"",
    };
    g->n = 0;
    if (rnd(20) == 0)
        puts_(g, "\xEF\xBB\xBF");
    puts_(g, "{");
    const unsigned n = rnd(14);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            puts_(g, ",");
        puts_(g, keys[rnd(sizeof(keys) / sizeof(keys[0]))]);
        puts_(g, rnd(4) ? ":" : " : ");
        gen_value(g, 1);
    }
    puts_(g, "}");
    if (rnd(10) == 0)
        puts_(g, "\r");
}

static void mutate(struct gen *g)
{
    static const char special[] = {'"', '\\', '\0', '\n', '\x80', '\xFF',
                                   '{', '}', '[', ']', ',', ':', 'u', '\x1f'};
    const unsigned m = rnd(3) == 0 ? rnd(4) : 0;
    for (unsigned i = 0; i < m && g->n; i++) {
        const size_t at = rnd((uint32_t)g->n);
        switch (rnd(4)) {
        case 0:
            g->b[at] = (char)rnd(256);
            break;
        case 1:
            g->b[at] = special[rnd(sizeof(special))];
            break;
        case 2:
            g->n = at; /* truncate */
            break;
        default:
            if (g->n < g->cap) {
                memmove(g->b + at + 1, g->b + at, g->n - at);
                g->b[at] = special[rnd(sizeof(special))];
                g->n++;
            }
        }
    }
}

struct snap {
    unsigned r;
    size_t col;
    uint32_t fixes;
    uint8_t type[SKIDX_F_COUNT];
    size_t len[SKIDX_F_COUNT];
    char *bytes[SKIDX_F_COUNT];
};

static void take(struct snap *s, unsigned r, size_t col,
                 const struct skidx_jsonl_record *rec)
{
    s->r = r;
    s->col = col;
    s->fixes = rec->fixes;
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++) {
        s->type[i] = rec->f[i].type;
        s->len[i] = rec->f[i].len;
        s->bytes[i] = malloc(rec->f[i].len + 1);
        if (rec->f[i].len)
            memcpy(s->bytes[i], rec->f[i].ptr, rec->f[i].len);
    }
}

static void drop(struct snap *s)
{
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++)
        free(s->bytes[i]);
}

/* Returned strings are valid UTF-8: decode them strictly. */
static int valid_utf8(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const unsigned c = p[i];
        unsigned long cp;
        size_t k;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1F;
            k = 1;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0F;
            k = 2;
        } else if ((c & 0xF8) == 0xF0) {
            cp = c & 0x07;
            k = 3;
        } else {
            return 0;
        }
        if (i + k >= n)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + j] & 0x3F);
        }
        static const unsigned long min[4] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static void test_simd_vs_scalar(void **state)
{
    (void)state;
    const int have_avx2 = skidx_jsonl_force_scalar_(0);
    if (!have_avx2)
        print_message("note: no AVX2 here, both runs use the portable path\n");
    struct gen g = {malloc(1 << 16), 0, 1 << 16};
    assert_non_null(g.b);
    struct skidx_jbuf s1 = {0}, s2 = {0}, s3 = {0};
    unsigned counts[SKIDX_CAUSE_COUNT + 2] = {0};
    uint32_t fixes_seen = 0;
    const unsigned rounds = 40000;
    for (unsigned it = 0; it < rounds; it++) {
        gen_record(&g);
        mutate(&g);
        /* exact-size copy: ASan sees any over-read */
        char *line = malloc(g.n ? g.n : 1);
        assert_non_null(line);
        memcpy(line, g.b, g.n);
        struct skidx_jsonl_record r1, r2, r3;
        size_t c1 = 0, c2 = 0, c3 = 0;
        /* the best scanners (AVX-512 string copy where the CPU has it),
         * the portable ones, and AVX2 alone */
        skidx_jsonl_simd_mode_(0);
        const unsigned a = skidx_jsonl_parse(&K, line, g.n, &r1, &s1, &c1);
        skidx_jsonl_simd_mode_(1);
        const unsigned b = skidx_jsonl_parse(&K, line, g.n, &r2, &s2, &c2);
        skidx_jsonl_simd_mode_(2);
        const unsigned c = skidx_jsonl_parse(&K, line, g.n, &r3, &s3, &c3);
        struct snap x, y, z;
        take(&x, a, c1, &r1);
        take(&y, b, c2, &r2);
        take(&z, c, c3, &r3);
        if (x.r != y.r || x.col != y.col || x.fixes != y.fixes ||
            z.r != y.r || z.col != y.col || z.fixes != y.fixes)
            fail_msg("round %u: best %u@%zu fixes %x, scalar %u@%zu fixes %x, "
                     "avx2 %u@%zu fixes %x",
                     it, x.r, x.col, x.fixes, y.r, y.col, y.fixes, z.r, z.col,
                     z.fixes);
        for (unsigned i = 0; i < SKIDX_F_COUNT; i++) {
            assert_int_equal(x.type[i], y.type[i]);
            assert_int_equal(x.len[i], y.len[i]);
            assert_memory_equal(x.bytes[i], y.bytes[i], x.len[i]);
            assert_int_equal(z.type[i], y.type[i]);
            assert_int_equal(z.len[i], y.len[i]);
            assert_memory_equal(z.bytes[i], y.bytes[i], z.len[i]);
            if (x.type[i] == SKIDX_J_STRING) {
                assert_true(valid_utf8((const unsigned char *)x.bytes[i],
                                       x.len[i]));
                /* pointers into the line or into the scratch */
                const char *p = r1.f[i].ptr;
                assert_true((p >= line && p + x.len[i] <= line + g.n) ||
                            (p >= s1.data && p + x.len[i] <= s1.data + s1.len));
            }
        }
        assert_true(a <= SKIDX_CAUSE_COUNT);
        if (a < SKIDX_CAUSE_COUNT)
            assert_true(x.col <= g.n);
        counts[a]++;
        fixes_seen |= x.fixes;
        drop(&x);
        drop(&y);
        drop(&z);
        free(line);
    }
    skidx_jsonl_force_scalar_(0);
    /* the generator reached the interesting outcomes */
    assert_true(counts[SKIDX_CAUSE_COUNT] > rounds / 10);
    assert_true(counts[SKIDX_SKIP_NOT_JSON] > 0);
    assert_true(counts[SKIDX_SKIP_BAD_STRING] > 0);
    assert_true(counts[SKIDX_SKIP_NUL_BYTE] > 0);
    assert_true(fixes_seen & BIT(SKIDX_FIX_INVALID_UTF8));
    assert_true(fixes_seen & BIT(SKIDX_FIX_LONE_SURROGATE));
    assert_true(fixes_seen & BIT(SKIDX_FIX_DUPLICATE_KEY));
    skidx_jbuf_release(&s1);
    skidx_jbuf_release(&s2);
    skidx_jbuf_release(&s3);
    free(g.b);
}

/* skidx_jsonl_parse_first() on a line followed by '\n' and more text (a
 * record, a half record, nothing) gives what skidx_jsonl_parse() gives
 * on the line alone: the cause, column, fixes and fields, and the line's
 * length, whether it found the end itself or parsed again; also where
 * the text ends with the line, and where its reach is below the line. */
static void test_parse_first(void **state)
{
    (void)state;
    struct gen g = {malloc(1 << 16), 0, 1 << 16};
    assert_non_null(g.b);
    static const char *const tails[] = {
        "", "{\"title\":\"x\"}", "{\"title\":\"unterminated", "\n\n",
        " garbage", "\"", "}", "\\u0041\"}"};
    const size_t ntails = sizeof(tails) / sizeof(tails[0]);
    struct skidx_jbuf s1 = {0}, s2 = {0};
    unsigned counts[SKIDX_CAUSE_COUNT + 2] = {0}, lines = 0;
    for (unsigned it = 0; it < 40000; it++) {
        gen_record(&g);
        mutate(&g);
        if (memchr(g.b, '\n', g.n))
            continue; /* a line never holds its '\n' */
        const char *tail = tails[it % ntails];
        const size_t tl = strlen(tail);
        const int bare = it % 16 == 15; /* the text ends with the line */
        const size_t tn = g.n + (bare ? 0 : 1 + tl);
        char *text = malloc(tn ? tn : 1), *line = malloc(g.n ? g.n : 1);
        assert_non_null(text);
        assert_non_null(line);
        memcpy(line, g.b, g.n);
        memcpy(text, g.b, g.n);
        if (!bare) {
            text[g.n] = '\n';
            memcpy(text + g.n + 1, tail, tl);
        }
        /* a reach below the line's length now and then: parsed again */
        const size_t reach = it % 7 == 3 && g.n > 2 ? g.n / 2 : SIZE_MAX;
        struct skidx_jsonl_record r1, r2;
        size_t c1 = 0, c2 = 0, n = SIZE_MAX;
        const unsigned a = skidx_jsonl_parse(&K, line, g.n, &r1, &s1, &c1);
        const unsigned b =
            skidx_jsonl_parse_first(&K, text, tn, reach, &r2, &s2, &c2, &n);
        struct snap x, y;
        take(&x, a, c1, &r1);
        take(&y, b, c2, &r2);
        if (x.r != y.r || x.col != y.col || x.fixes != y.fixes || n != g.n)
            fail_msg("round %u: line %u@%zu fixes %x, first %u@%zu fixes %x, "
                     "length %zu of %zu",
                     it, x.r, x.col, x.fixes, y.r, y.col, y.fixes, n, g.n);
        for (unsigned i = 0; i < SKIDX_F_COUNT; i++) {
            assert_int_equal(x.type[i], y.type[i]);
            assert_int_equal(x.len[i], y.len[i]);
            assert_memory_equal(x.bytes[i], y.bytes[i], x.len[i]);
        }
        counts[a]++;
        lines++;
        drop(&x);
        drop(&y);
        free(text);
        free(line);
    }
    /* usable records and faults both met */
    assert_true(counts[SKIDX_CAUSE_COUNT] > lines / 10);
    assert_true(counts[SKIDX_SKIP_NOT_JSON] > 0);
    assert_true(counts[SKIDX_SKIP_BAD_STRING] > 0);
    assert_true(counts[SKIDX_SKIP_CONTROL_CHAR] > 0);
    /* white space around the record, a BOM, '\r' before the '\n' */
    static const char *const ok[] = {
        "{\"title\":\"a\"}", "  {\"title\" : \"a\" }\t\r",
        "\xEF\xBB\xBF{\"title\":\"a\\n\"}", "{}"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char text[64];
        const size_t l = strlen(ok[i]);
        memcpy(text, ok[i], l);
        static const char next[] = "\n{\"title\":1}";
        memcpy(text + l, next, sizeof(next) - 1);
        struct skidx_jsonl_record r;
        size_t n = 0, col = 0;
        assert_int_equal(skidx_jsonl_parse_first(&K, text, l + sizeof(next) - 1,
                                                 SIZE_MAX,
                                                 &r, &s2, &col, &n),
                         SKIDX_CAUSE_COUNT);
        assert_int_equal(n, l);
    }
    skidx_jbuf_release(&s1);
    skidx_jbuf_release(&s2);
    free(g.b);
}

/* Every rule above also holds on the portable path. */
/* Every escape and UTF-8 form the string copy decodes itself, at every
 * position of a 32- and 64-byte block and across the block's end, twice
 * in one string (so the second one is met inside the copy loop), on each
 * path: the decoded bytes and fix bits are the ones spelled out here, and
 * a fault is reported at the same column. */
static void test_copy_positions(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
        unsigned cause; /* OK, or the skip cause (at the first one) */
        uint32_t fixes;
    } forms[] = {
        {"\\n", "\n", OK, 0},
        {"\\r\\n", "\r\n", OK, 0},
        {"\\t", "\t", OK, 0},
        {"\\\\", "\\", OK, 0},
        {"\\\"", "\"", OK, 0},
        {"\\/", "/", OK, 0},
        {"\\b\\f", "\b\f", OK, 0},
        {"\\u0041", "A", OK, 0},
        {"\\u00e9", "\xC3\xA9", OK, 0},
        {"\\u2019", "\xE2\x80\x99", OK, 0},
        {"\\uFFFF", "\xEF\xBF\xBF", OK, 0},
        {"\\u0000", "\0", OK, 0},
        {"\\uD83D\\uDE00", "\xF0\x9F\x98\x80", OK, 0},
        {"\\uD800", "\xEF\xBF\xBD", OK, BIT(SKIDX_FIX_LONE_SURROGATE)},
        {"\\uDC00", "\xEF\xBF\xBD", OK, BIT(SKIDX_FIX_LONE_SURROGATE)},
        {"\xC3\xA9", "\xC3\xA9", OK, 0},
        {"\xE2\x80\x99", "\xE2\x80\x99", OK, 0},
        {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", OK, 0},
        {"\xFF", "\xEF\xBF\xBD", OK, BIT(SKIDX_FIX_INVALID_UTF8)},
        {"\xE2\x82", "\xEF\xBF\xBD", OK, BIT(SKIDX_FIX_INVALID_UTF8)},
        {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", OK,
         BIT(SKIDX_FIX_INVALID_UTF8)},
        /* each bound of the lead bytes and of the second byte's ranges,
         * a stray continuation byte, and Chinese text (whole sequences
         * are copied by the block, cut ones by the byte) */
        {"\xC2\x80\xDF\xBF", "\xC2\x80\xDF\xBF", OK, 0},
        {"\xC1\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD", OK,
         BIT(SKIDX_FIX_INVALID_UTF8)},
        {"\xE0\xA0\x80", "\xE0\xA0\x80", OK, 0},
        {"\xE0\x9F\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", OK,
         BIT(SKIDX_FIX_INVALID_UTF8)},
        {"\xED\x9F\xBF", "\xED\x9F\xBF", OK, 0},
        {"\xF0\x90\x80\x80", "\xF0\x90\x80\x80", OK, 0},
        {"\xF0\x8F\xBF\xBF",
         "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", OK,
         BIT(SKIDX_FIX_INVALID_UTF8)},
        {"\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF", OK, 0},
        {"\xF4\x90\x80\x80",
         "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", OK,
         BIT(SKIDX_FIX_INVALID_UTF8)},
        {"\xF5\x80", "\xEF\xBF\xBD\xEF\xBF\xBD", OK,
         BIT(SKIDX_FIX_INVALID_UTF8)},
        {"a\x80" "b", "a\xEF\xBF\xBD" "b", OK, BIT(SKIDX_FIX_INVALID_UTF8)},
        {"\xC3\xA9\xA9", "\xC3\xA9\xEF\xBF\xBD", OK,
         BIT(SKIDX_FIX_INVALID_UTF8)},
        {"\xE6\x95\xB0\xE6\x8D\xAE\xE5\x88\x86\xE6\x9E\x90",
         "\xE6\x95\xB0\xE6\x8D\xAE\xE5\x88\x86\xE6\x9E\x90", OK, 0},
        {"\\x", "", SKIDX_SKIP_BAD_STRING, 0},
        {"\\u12G4", "", SKIDX_SKIP_BAD_STRING, 0},
        {"\x01", "", SKIDX_SKIP_CONTROL_CHAR, 0},
    };
    const int have_avx2 = skidx_jsonl_force_scalar_(0);
    if (!have_avx2)
        print_message("note: no AVX2 here, every run uses the portable path\n");
    char line[512], want[512];
    for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
        const size_t il = strlen(forms[f].in);
        const size_t ol = forms[f].out[0] ? strlen(forms[f].out) : 1;
        /* after a "\\n" (the copy), and for a form without a backslash
         * also alone (a string read in place while it needs no change) */
        const int plain = !memchr(forms[f].in, '\\', il);
        for (unsigned pad = 0; pad < 80 * (plain ? 2 : 1); pad++) {
            const int esc = pad < 80;
            for (unsigned gap = 0; gap < 70; gap += 23) {
                /* "...aaa" escape(s) in the middle of plain text */
                size_t n = 0, w = 0;
                n += (size_t)sprintf(line, esc ? "{\"description\":\"x\\n"
                                               : "{\"description\":\"x");
                want[w++] = 'x';
                if (esc)
                    want[w++] = '\n';
                for (unsigned i = 0; i < pad % 80; i++)
                    line[n++] = want[w++] = (char)('a' + i % 26);
                memcpy(line + n, forms[f].in, il);
                n += il;
                memcpy(want + w, forms[f].out, ol);
                w += ol;
                for (unsigned i = 0; i < gap; i++)
                    line[n++] = want[w++] = 'g';
                memcpy(line + n, forms[f].in, il);
                n += il;
                memcpy(want + w, forms[f].out, ol);
                w += ol;
                for (unsigned i = 0; i < 40; i++)
                    line[n++] = want[w++] = 'z';
                n += (size_t)sprintf(line + n, "\"}");
                /* the column of the first fault: after "{..:\"x\\n" + pad */
                const size_t col =
                    strlen(esc ? "{\"description\":\"x\\n"
                               : "{\"description\":\"x") +
                    pad % 80;
                for (int mode = 0; mode <= 2; mode++) {
                    skidx_jsonl_simd_mode_(mode);
                    if (S.data) /* no bytes left from the run before */
                        memset(S.data, 0x55, S.cap);
                    const unsigned r = parse_n(line, n);
                    if (r != forms[f].cause)
                        fail_msg("form %zu pad %u gap %u mode %d: cause %u, "
                                 "want %u", f, pad, gap, mode, r,
                                 forms[f].cause);
                    if (r != OK) {
                        assert_int_equal(COL, col);
                        continue;
                    }
                    expect_str_n(SKIDX_F_DESCRIPTION, want, w);
                    assert_int_equal(R.fixes, forms[f].fixes);
                }
            }
        }
    }
    skidx_jsonl_force_scalar_(0);
}

static void test_scalar_path_rules(void **state)
{
    skidx_jsonl_force_scalar_(1);
    test_escapes(state);
    test_surrogates(state);
    test_invalid_escapes(state);
    test_unterminated(state);
    test_control_bytes(state);
    test_nul_byte(state);
    test_invalid_utf8(state);
    test_large_line(state);
    skidx_jsonl_force_scalar_(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_default),
        cmocka_unit_test(test_remap),
        cmocka_unit_test(test_key_lengths),
        cmocka_unit_test(test_basic_record),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_surrogates),
        cmocka_unit_test(test_invalid_escapes),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_control_bytes),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_bom_crlf),
        cmocka_unit_test(test_nested_values),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_escaped_keys),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_trailing_and_top_level),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_scratch_growth),
        cmocka_unit_test(test_large_line),
        cmocka_unit_test(test_scalar_path_rules),
        cmocka_unit_test(test_simd_vs_scalar),
        cmocka_unit_test(test_parse_first),
        cmocka_unit_test(test_copy_positions),
    };
    return cmocka_run_group_tests_name("jsonl", tests, setup, teardown);
}
