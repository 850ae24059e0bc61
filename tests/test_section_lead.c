/*
 * test_section_lead.c - the header line, lead paragraphs and company
 * name of "Company | Role | Place" posts (src/core/section_lead.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/section_lead.h"

#include <stdio.h>
#include <string.h>

static int find(const char *text, struct skidx_lead *l)
{
    return skidx_lead_find(text, strlen(text), l);
}

/* the lead's text, for comparing */
static char buf[512];
static const char *lead_text(const char *text, const struct skidx_lead *l)
{
    memcpy(buf, text + l->start, l->end - l->start);
    buf[l->end - l->start] = '\0';
    return buf;
}

static const char *name_text(const char *text, const struct skidx_lead *l)
{
    memcpy(buf, text + l->name, l->name_len);
    buf[l->name_len] = '\0';
    return buf;
}

static void test_header(void **state)
{
    (void)state;
    struct skidx_lead l;
    /* two bars on the first line: a header; its first field is the name */
    const char *t = "** Acme (YC W21) | Backend Engineer | Remote\n\nAcme "
                    "sells dashboards.\n\nYou will write Go.";
    assert_int_equal(find(t, &l), 1);
    assert_string_equal(name_text(t, &l), "Acme");
    assert_string_equal(lead_text(t, &l), "Acme sells dashboards.");
    /* one bar, no line break, a table row: no header */
    assert_int_equal(find("Acme | Remote\n\nAcme sells dashboards.", &l), 0);
    assert_int_equal(l.end, 0);
    assert_int_equal(find("Acme | Engineer | Remote", &l), 0);
    assert_int_equal(find("| Acme | Engineer | Remote |\n\nAcme sells.", &l),
                     0);
    assert_int_equal(find("Requirements\nAcme | Engineer | Remote\nX", &l),
                     0);
    /* a header alone has an empty lead */
    t = "Acme | Engineer | Remote\n";
    assert_int_equal(find(t, &l), 1);
    assert_int_equal(l.start, l.end);
}

static void test_lead_ends(void **state)
{
    (void)state;
    struct skidx_lead l;
    /* lines of one paragraph go together; paragraphs until one with a
     * cue; the cue paragraph and all after it are not lead */
    const char *t = "Acme | Engineer | Remote\nAcme builds maps.\nFunded by "
                    "Foo.\n\n  \nWe have 10 customers.\n\nThe role: Go.\n\n"
                    "Acme sells maps.";
    assert_int_equal(find(t, &l), 1);
    assert_string_equal(lead_text(t, &l),
                        "Acme builds maps.\nFunded by Foo.\n\n  \n"
                        "We have 10 customers.");
    /* in the paragraph of the first cue, the sentences before the cue's
     * sentence are still the lead */
    t = "Acme | Engineer | Remote\n\nAcme builds maps. Backed by Foo! We "
        "are hiring. You code.\n\nMore.";
    assert_int_equal(find(t, &l), 1);
    assert_string_equal(lead_text(t, &l), "Acme builds maps. Backed by Foo!");
    t = "Acme | Engineer | Remote\n\nAcme builds maps.\n\nWe map.Join us, "
        "v1.2 is out.\n\nMore.";
    assert_int_equal(find(t, &l), 1);
    assert_string_equal(lead_text(t, &l), "Acme builds maps.");
    /* each cue, caseless and as a whole word, ends the lead at once */
    static const char *const cues[] = {
        "You", "your", "YOURS", "join", "Hiring", "seeking", "role",
        "roles", "position", "positions", "candidate", "candidates",
        "requirement", "Requirements", "responsibility",
        "responsibilities", "stack", "apply", "ideal", "looking  for",
        "We need", "we want", "we use", "we're using", "we are using",
        "we work with", "Tech :", "you’ll", "looking to"};
    for (size_t i = 0; i < sizeof(cues) / sizeof(cues[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text),
                 "Acme | Engineer | Remote\n\nAcme, %s maps.\n\nMore.",
                 cues[i]);
        assert_int_equal(find(text, &l), 1);
        if (l.start != l.end)
            fail_msg("cue '%s' did not end the lead", cues[i]);
    }
    /* not cues: parts of words, other words */
    static const char *const not_cues[] = {
        "young", "yourself", "joined", "roleplay", "stacks", "tech",
        "technology: maps", "looking", "we", "use", "using it",
        "ideally"};
    for (size_t i = 0; i < sizeof(not_cues) / sizeof(not_cues[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text),
                 "Acme | Engineer | Remote\n\nAcme %s maps.\n\nYou code.",
                 not_cues[i]);
        char want[64];
        snprintf(want, sizeof(want), "Acme %s maps.", not_cues[i]);
        assert_int_equal(find(text, &l), 1);
        if (strcmp(lead_text(text, &l), want))
            fail_msg("'%s' ended the lead", not_cues[i]);
    }
    /* CRLF text: '\r' lines are blank */
    t = "Acme | Engineer | Remote\r\nAcme builds maps.\r\n\r\nYou code.\r\n";
    assert_int_equal(find(t, &l), 1);
    assert_string_equal(lead_text(t, &l), "Acme builds maps.\r");
    /* invalid UTF-8 is read as non-word bytes */
    t = "Acme | Engineer | Remote\n\nAcme \xff\xfeyou\xc3 maps.\n\nMore.";
    assert_int_equal(find(t, &l), 1);
    assert_int_equal(l.start, l.end);
}

static void test_name(void **state)
{
    (void)state;
#define IS(s, name) skidx_lead_is_name(s, strlen(s), name, strlen(name))
    assert_true(IS("Snowflake", "Snowflake"));
    assert_true(IS("snowflake", " **Snowflake** "));
    assert_true(IS("Notion", "Notion Labs"));
    assert_true(IS("Notion", "Notion Labs, Inc."));
    assert_true(IS("Kuzco", "Kuzco, Inc. (https://kuzco.xyz)"));
    assert_true(IS("iGenius", "iGenius.ai"));
    assert_true(IS("iGenius.ai", "iGenius.ai"));
    assert_true(IS("Sage Intacct", "Sage Intacct"));
    assert_true(IS("Acme", "Acme Software Group"));
    /* a part of the name that is not a generic tail is no name */
    assert_false(IS("Sage", "Sage Intacct"));
    assert_false(IS("Intacct", "Sage Intacct"));
    assert_false(IS("Genomics", "10x Genomics"));
    assert_false(IS("C", "C+R Research"));
    assert_false(IS("Python", "Python Labs Data"));
    assert_true(IS("Labs", "Labs"));
    assert_true(IS("Labs", "Labs Inc"));
    assert_false(IS("Snowflake", ""));
    assert_false(IS("", "Snowflake"));
    assert_false(IS("Snowflake Inc", "Snowflake"));
    assert_true(IS("ai", " AI "));
    /* each generic tail and web suffix, caseless; no near miss */
    assert_true(IS("Acme", "Acme TECHNOLOGIES"));
    assert_true(IS("Acme", "Acme Technology Corporation"));
    assert_true(IS("Acme", "Acme Gmbh Ltd. LLC Corp. co."));
    assert_true(IS("Acme", "Acme Systems Co"));
    assert_true(IS("Acme", "Acme.IO"));
    assert_true(IS("Acme.Tech", "Acme.Tech Inc."));
    assert_false(IS("Acme", "Acme Technologie"));
    assert_false(IS("Acme", "Acme Corps"));
    assert_false(IS("Acme", "Acme.iox"));
    /* each web suffix, any case; a '.' at another length is none */
    static const char *const web[] = {".ai",  ".IO",  ".Com", ".DEV",
                                      ".tecH", ".co", ".aPP", ".XYZ"};
    for (size_t i = 0; i < sizeof(web) / sizeof(web[0]); i++) {
        char nb[32];
        snprintf(nb, sizeof(nb), "Acme%s", web[i]);
        if (!IS("acme", nb) || !IS(nb, nb))
            fail_msg("'%s'", nb);
        snprintf(nb, sizeof(nb), "a.b%s", web[i]);
        if (!IS("a.b", nb) || IS("a", nb))
            fail_msg("'%s'", nb);
    }
    assert_false(IS("Acme", "Acme.xy"));
    assert_false(IS("Acme.", "Acme.tec"));
    assert_false(IS("Ac", "Ac.e.ai"));
    /* a NUL byte at either end is trimmed like a space; inside a word it
     * is no generic tail's byte */
    assert_true(skidx_lead_is_name("Acme", 4, "\0Acme\0", 6));
    assert_false(skidx_lead_is_name("Acme", 4, "Acme inc\0 Labs", 14));
    assert_true(skidx_lead_is_name("Acme inc\0", 9, "Acme inc\0 Labs", 14));
    assert_true(skidx_lead_is_name("Acme inc\0x", 10, "Acme inc\0x", 10));
#undef IS
    /* one prepared name asked many times: the same answers in any
     * order */
    const char *name = "**Notion Labs, Inc.** (notion.so)";
    static const struct {
        const char *s;
        int is;
    } asks[] = {{"Zebra", 0},        {"Notion Labs, Inc.", 1},
                {"NOTION", 1},       {"Notion Labs", 1},
                {"Notion Labs, In", 0}, {"Notio", 0},
                {"notion labs, inc.", 1}, {"Labs", 0}};
    for (size_t first = 0; first < sizeof(asks) / sizeof(asks[0]); first++) {
        struct skidx_lead_name nm;
        skidx_lead_name_init(&nm, name, strlen(name));
        for (size_t k = 0; k < sizeof(asks) / sizeof(asks[0]); k++) {
            const size_t j = (first + k) % (sizeof(asks) / sizeof(asks[0]));
            const size_t n = strlen(asks[j].s);
            if (skidx_lead_name_is(&nm, asks[j].s, n) != asks[j].is)
                fail_msg("'%s' (asked after %zu others)", asks[j].s, k);
        }
    }
    struct skidx_lead_name none;
    skidx_lead_name_init(&none, NULL, 0);
    assert_false(skidx_lead_name_is(&none, "x", 1));
}

static void test_background(void **state)
{
    (void)state;
#define BG(t, word) skidx_lead_background(t, strlen(t), \
                                          (size_t)(strstr(t, word) - (t)))
    const char *t = "Acme | Engineer | Remote\n\nYou will write Go. We are "
                    "backed by investors including the founders of Slack. "
                    "You know SQL.";
    assert_true(BG(t, "Slack"));
    assert_true(BG(t, "backed"));
    assert_false(BG(t, "Go."));
    assert_false(BG(t, "SQL"));
    /* each cue, caseless, as whole words */
    assert_true(BG("Engineers formerly at Google and AWS.", "AWS"));
    assert_true(BG("Team: FORMERLY OF Stripe", "Stripe"));
    assert_true(BG("formerly with Palantir", "Palantir"));
    assert_true(BG("Our investor Sam Altman (OpenAI)", "OpenAI"));
    assert_true(BG("by the cofounders of Vercel", "Vercel"));
    assert_false(BG("Founders and engineers use Kafka.", "Kafka"));
    assert_false(BG("We were formerly a Rails shop.", "Rails"));
    assert_false(BG("investorship with Kafka", "Kafka"));
    /* a sentence ends at a line break, a tag, or .!? before a space */
    assert_false(BG("Our investors are great\nWe use Kafka", "Kafka"));
    assert_false(BG("investors<p>We use Kafka", "Kafka"));
    assert_false(BG("investors</b> Kafka", "Kafka"));
    assert_false(BG("Backed by investors! Kafka", "Kafka"));
    assert_true(BG("investors at acme.io use Kafka", "Kafka"));
    /* a hit at or past the end is none */
    assert_false(skidx_lead_background("investors", 9, 9));
    assert_false(skidx_lead_background("", 0, 0));
#undef BG
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_lead_ends),
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_background),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
