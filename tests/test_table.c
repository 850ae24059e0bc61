/*
 * test_table.c - the CLI's one table layer (src/cli/table.c): every
 * printer on one table with the awkward cells (commas, quotes, line
 * breaks, pipes, empty numbers, inf, non-ASCII), and the column registry.
 */
#include "cli/table.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char *print(const struct table *t, enum out_format f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    table_print(t, f, m);
    assert_int_equal(fclose(m), 0);
    return buf;
}

static const char *const NAMES[] = {"skill", "skill_postings", "share",
                                    "relative_change"};
static const enum col_kind KINDS[] = {COL_TEXT, COL_INT, COL_REAL, COL_REAL};

static void build(struct table *t)
{
    table_init(t, 4, NAMES, KINDS);
    const char *r1[] = {"C, \"C++\"", "12", "0.5", "inf"};
    const char *r2[] = {"a|b\nc", "3", "", "-0.25"};
    const char *r3[] = {"Größe", "1000", "1.000000", NULL};
    assert_int_equal(table_add_row(t, r1), 0);
    assert_int_equal(table_add_row(t, r2), 0);
    assert_int_equal(table_add_row(t, r3), 0);
}

static void test_printers(void **state)
{
    (void)state;
    struct table t;
    build(&t);
    char *s = print(&t, FMT_CSV);
    assert_string_equal(s, "skill,skill_postings,share,relative_change\n"
                           "\"C, \"\"C++\"\"\",12,0.5,inf\n"
                           "\"a|b\nc\",3,,-0.25\n"
                           "Größe,1000,1.000000,\n");
    free(s);
    s = print(&t, FMT_JSON);
    assert_string_equal(
        s, "[\n"
           " {\"skill\": \"C, \\\"C++\\\"\", \"skill_postings\": 12, "
           "\"share\": 0.5, \"relative_change\": null},\n"
           " {\"skill\": \"a|b\\nc\", \"skill_postings\": 3, \"share\": null, "
           "\"relative_change\": -0.25},\n"
           " {\"skill\": \"Größe\", \"skill_postings\": 1000, \"share\": "
           "1.000000, \"relative_change\": null}\n]\n");
    free(s);
    s = print(&t, FMT_JSONL);
    assert_string_equal(
        s, "{\"skill\": \"C, \\\"C++\\\"\", \"skill_postings\": 12, "
           "\"share\": 0.5, \"relative_change\": null}\n"
           "{\"skill\": \"a|b\\nc\", \"skill_postings\": 3, \"share\": null, "
           "\"relative_change\": -0.25}\n"
           "{\"skill\": \"Größe\", \"skill_postings\": 1000, \"share\": "
           "1.000000, \"relative_change\": null}\n");
    free(s);
    s = print(&t, FMT_MD);
    assert_string_equal(s,
                        "| skill | skill_postings | share | relative_change |\n"
                        "|---|---:|---:|---:|\n"
                        "| C, \"C++\" | 12 | 0.5 | inf |\n"
                        "| a\\|b c | 3 |  | -0.25 |\n"
                        "| Größe | 1000 | 1.000000 |  |\n");
    free(s);
    s = print(&t, FMT_HTML);
    assert_string_equal(
        s, "<table>\n<tr><th>skill</th><th class=\"n\">skill_postings</th>"
           "<th class=\"n\">share</th><th class=\"n\">relative_change</th>"
           "</tr>\n"
           "<tr><td>C, &quot;C++&quot;</td><td class=\"n\">12</td>"
           "<td class=\"n\">0.5</td><td class=\"n\">inf</td></tr>\n"
           "<tr><td>a|b\nc</td><td class=\"n\">3</td><td class=\"n\"></td>"
           "<td class=\"n\">-0.25</td></tr>\n"
           "<tr><td>Größe</td><td class=\"n\">1000</td>"
           "<td class=\"n\">1.000000</td><td class=\"n\"></td></tr>\n"
           "</table>\n");
    free(s);
    /* Markdown markup in a cell is escaped */
    {
        struct table m;
        static const char *const n1[] = {"skill"};
        static const enum col_kind k1[] = {COL_TEXT};
        table_init(&m, 1, n1, k1);
        const char *r[] = {"a*b`c\\d"};
        assert_int_equal(table_add_row(&m, r), 0);
        char *x = print(&m, FMT_MD);
        assert_string_equal(x, "| skill |\n|---|\n| a\\*b\\`c\\\\d |\n");
        free(x);
        table_release(&m);
    }
    /* aligned text: numbers right, text left, widths in characters */
    s = print(&t, FMT_TABLE);
    assert_non_null(strstr(s, "skill     skill_postings     share  "
                              "relative_change\n"));
    assert_non_null(strstr(s, "\nGröße               1000  1.000000"));
    /* a line break in a cell does not break the row */
    assert_non_null(strstr(s, "\na|b c                  3            "
                              "          -0.25\n"));
    free(s);
    table_release(&t);

    /* an empty table: the header only, or an empty array */
    table_init(&t, 4, NAMES, KINDS);
    s = print(&t, FMT_CSV);
    assert_string_equal(s, "skill,skill_postings,share,relative_change\n");
    free(s);
    s = print(&t, FMT_JSON);
    assert_string_equal(s, "[]\n");
    free(s);
    s = print(&t, FMT_JSONL);
    assert_string_equal(s, "");
    free(s);
    table_release(&t);
}

static void test_registry(void **state)
{
    (void)state;
    size_t n;
    const struct column_def *r = column_registry(&n);
    assert_true(n > 40);
    for (size_t i = 0; i < n; i++) {
        assert_true(r[i].name[0] && r[i].meaning[0]);
        assert_ptr_equal(column_find(r[i].name), &r[i]); /* no duplicate */
    }
    /* the ambiguous names of before are not columns any more */
    static const char *const gone[] = {"postings", "seniority", "from",
                                       "to", "salaried", "from_postings",
                                       "from_total", "other_currency"};
    for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
        assert_null(column_find(gone[i]));
    struct table t;
    static const char *const bad[] = {"skill", "postings"};
    table_init(&t, 2, bad, KINDS);
    assert_string_equal(table_unregistered(&t), "postings");
    table_init(&t, 4, NAMES, KINDS);
    assert_null(table_unregistered(&t));
    enum out_format f;
    assert_int_equal(parse_format("jsonl", &f), 0);
    assert_int_equal(f, FMT_JSONL);
    assert_int_equal(parse_format("markdown", &f), 0);
    assert_int_equal(f, FMT_MD);
    assert_int_equal(parse_format("xml", &f), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printers),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
