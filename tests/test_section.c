/*
 * test_section.c - the section splitter (src/core/section.c) with the
 * default taxonomy/sections.tsv: headings in each language, lead-ins,
 * markdown and HTML headings, glued headings, headings that must not be
 * seen, sections.tsv errors, and the same sections on every SIMD path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/section.h"
#include "core/simd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECTIONS SKIDX_SOURCE_DIR "/taxonomy/sections.tsv"

static struct skidx_section_rules R;
static struct skidx_sections S;

/* The three paths every comparison takes: portable C, AVX2, and the
 * widest this CPU has (AVX-512 BW for the anchor search, with VBMI2 for
 * the candidate scan, where it exists). */
static const int kPaths[3] = {SKIDX_SIMD_SCALAR, SKIDX_SIMD_AVX2,
                              SKIDX_SIMD_BEST};

static int setup(void **state)
{
    (void)state;
    FILE *fp = fopen(SECTIONS, "rb");
    if (!fp)
        return -1;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    struct skidx_error err;
    skidx_error_clear(&err);
    if (skidx_section_rules_parse(&R, SECTIONS, buf, n, &err)) {
        fprintf(stderr, "%s:%llu: %s\n", err.path,
                (unsigned long long)err.line, err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    skidx_section_rules_release(&R);
    skidx_sections_release(&S);
    return 0;
}

/* a and b hold the same headings (start, body, kind) */
static void expect_same_sections(const struct skidx_sections *a,
                                 const struct skidx_sections *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->s[i].start, b->s[i].start);
        assert_int_equal(a->s[i].body, b->s[i].body);
        assert_int_equal(a->s[i].kind, b->s[i].kind);
    }
}

/* "kind@heading-text|..." of `text`, on path `simd`. */
static const char *describe(const char *text, int simd)
{
    static char out[4096];
    size_t k = 0;
    out[0] = '\0';
    assert_int_equal(skidx_sections_split(&R, text, strlen(text), &S, simd),
                     SKIDX_OK);
    for (size_t i = 0; i < S.n; i++) {
        const struct skidx_section *s = &S.s[i];
        assert_true(s->start < s->body || s->body == s->start);
        assert_true(s->body <= strlen(text));
        if (i)
            assert_true(S.s[i - 1].start < s->start);
        k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%s@%.*s",
                              i ? "|" : "", skidx_section_name(s->kind),
                              (int)(s->body - s->start), text + s->start);
    }
    return out;
}

#define EXPECT(text, want)                                                    \
    do {                                                                      \
        const char *got_ = describe(text, SKIDX_SIMD_BEST);                   \
        if (strcmp(got_, want))                                               \
            fprintf(stderr, "text: %s\n got: %s\nwant: %s\n", text, got_,     \
                    want);                                                    \
        assert_string_equal(got_, want);                                      \
    } while (0)

static void english(void **state)
{
    (void)state;
    EXPECT("We build tools.\nRequirements\n- Python\n\nBenefits\n- Gym\n",
           "requirements@Requirements|benefits@Benefits");
    EXPECT("Intro.\nWhat you'll need:\nSQL\nWhat we offer:\nLunch",
           "requirements@What you'll need:|benefits@What we offer:");
    /* typographic apostrophe, capitals, markdown and bullets */
    EXPECT("x\n**What you\xE2\x80\x99ll do**\nstuff\n## BENEFITS\nmore",
           "responsibilities@What you\xE2\x80\x99ll do**"
           "|benefits@BENEFITS");
    EXPECT("x\n\xE2\x80\xA2 Nice to have: Rust\n3. Preferred\nGo",
           "preferred@Nice to have:|preferred@Preferred");
    /* an emoji (with or without a variation selector) before a heading
     * is a bullet */
    EXPECT("x\n\xF0\x9F\x9A\x80 Requirements:\nSQL\n"
           "\xF0\x9F\x8E\x81\xEF\xB8\x8F Benefits\nGym",
           "requirements@Requirements:|benefits@Benefits");
    EXPECT("x. \xF0\x9F\x92\xBC What you'll need: SQL",
           "requirements@What you'll need:");
    EXPECT("x\nQualifications:\nSQL\nAbout us\nWe are\nEqual Opportunity\nz",
           "requirements@Qualifications:|company@About us"
           "|legal@Equal Opportunity");
    EXPECT("x\nHow to apply\nmail\nApplication process:\nz",
           "apply@How to apply|apply@Application process:");
    EXPECT("x\nResponsibilities\ny\nWho we are\nz\nPerks:\nfree",
           "responsibilities@Responsibilities|company@Who we are"
           "|benefits@Perks:");
    EXPECT("x\nBonus:\nKafka\nNice-to-have\nz",
           "preferred@Bonus:|preferred@Nice-to-have");
}

static void about(void **state)
{
    (void)state;
    /* "About <Company>" is the company; explicit headings beat it */
    EXPECT("x\nAbout Acme Corp\nWe sell Python tools.",
           "company@About Acme Corp");
    EXPECT("x\nAbout Acme:\nWe sell.", "company@About Acme:");
    EXPECT("About the job\nWe need Go.", "responsibilities@About the job");
    EXPECT("x\nAbout the role\ny\nAbout you\nz",
           "responsibilities@About the role|requirements@About you");
    /* not headings */
    EXPECT("x\nAbout 50% travel is required.\n", "");
    EXPECT("x\nAbout our product: it is fast and it uses Python.\n", "");
    EXPECT("x\nAbout Acme Corp and its many friends across the world\n", "");
}

static void html(void **state)
{
    (void)state;
    EXPECT("Intro<br><br>Requirements<br>\xE2\x80\xA2 SQL<br><br>Benefits<br>"
           "\xE2\x80\xA2 Gym",
           "requirements@Requirements|benefits@Benefits");
    EXPECT("<p>Intro</p><p><strong>What we offer</strong></p><ul><li>Gym"
           "</li></ul><h3>Requirements:</h3><p>SQL</p>",
           "benefits@What we offer</strong></p>|requirements@Requirements:");
    /* an inline tag is not a line start */
    EXPECT("We <b>Benefits</b> of x", "");
    /* tags before a line's heading text, as skip_prefix() passes over
     * them (line_prefix() takes the short ones itself): a tag ends at
     * its first '>' and not at a '<' or a line break; '>' alone is a
     * mark */
    EXPECT("x\n<<>Benefits\nmore", "");
    EXPECT("x\n<>>Benefits\nmore", "benefits@Benefits");
    EXPECT("x\n<\n>Benefits\nmore", "benefits@Benefits");
    EXPECT("x\n<a>Benefits\nmore", "benefits@Benefits");
    EXPECT("x\n<a b>Benefits\nmore", "benefits@Benefits");
    EXPECT("x<li>Perks", "benefits@Perks");
    EXPECT("x\n<li", "");
    EXPECT("x\n<b><i>Perks</i></b>\ny", "benefits@Perks</i></b>");
    EXPECT("x\n<1>Perks\ny", "benefits@Perks");
    EXPECT("x\n- <p>Perks\ny", "benefits@Perks");
    EXPECT("x\n\xE2\x80\xA2 <li>Perks\ny", "benefits@Perks");
}

static void glued(void **state)
{
    (void)state;
    /* line breaks lost: a lead-in with a colon after a sentence end */
    EXPECT("We are a great team.Requirements: Python and SQL. Benefits: gym",
           "requirements@Requirements:|benefits@Benefits:");
    EXPECT("We are a great team. What you'll need: Go", 
           "requirements@What you'll need:");
    /* lower-to-upper case change */
    EXPECT("Join the teamRequirements: SQL", "requirements@Requirements:");
    EXPECT("x\nAbout UsWe are a platform", "company@About Us");
    /* without a colon or line break nothing is seen */
    EXPECT("We are a great team. Requirements Python and SQL", "");
}

static void not_headings(void **state)
{
    (void)state;
    EXPECT("Our requirements are simple: Python.", "");
    EXPECT("x\nRequirements are simple: Python.\n", "");
    EXPECT("x\nBenefits of our approach include speed.\n", "");
    EXPECT("We offer our customers the best tools: Python.", "");
    EXPECT("x\nThe skills you need include SQL\n", "");
    EXPECT("Time: 10:30. Note: bring Python.", "");
    EXPECT("", "");
    EXPECT("No headings in this text, only Python and SQL.\n\nAnd more.",
           "");
}

static void lead_in_sentences(void **state)
{
    (void)state;
    /* "<Name> is an equal opportunity employer" opens a paragraph */
    EXPECT("x\n\nAcme Corp is an equal opportunity employer. We value Python.",
           "legal@Acme Corp is an equal opportunity employer");
    EXPECT("<p>x</p><p>Data &amp; AI GmbH is an equal opportunity employer.",
           "legal@Data &amp; AI GmbH is an equal opportunity employer");
    EXPECT("x<br><br>Acme is an equal opportunity employer.",
           "legal@Acme is an equal opportunity employer");
    EXPECT("x\nAcme Corp is an equal opportunity employer.", "");
    EXPECT("x\nWe are an equal opportunity employer and value all.",
           "legal@We are an equal opportunity employer");
    EXPECT("x\nAll qualified applicants will receive consideration for "
           "employment.",
           "legal@All qualified applicants will receive consideration");
    /* a tag inside the name, its last mark 44 and 56 bytes after the
     * line start (lead-ins are tried where no tag mark lies 60 bytes or
     * more after the line start before the anchor), and at 57 with the
     * literal at 60, the last place it is tried */
    EXPECT("<p>x</p><p>Acme Widgets Worldwide Holdings Intl<b>Co</b>rp is an "
           "equal opportunity employer.",
           "legal@Acme Widgets Worldwide Holdings Intl<b>Co</b>rp is an "
           "equal opportunity employer");
    EXPECT("<p>x</p><p>Acme Widgets Worldwide Holdings InternationalGrou<b>p"
           "</b>s is an equal opportunity employer.",
           "legal@Acme Widgets Worldwide Holdings InternationalGrou<b>p</b>s "
           "is an equal opportunity employer");
    EXPECT("<p>x</p><p>Acme Widgets Worldwide Holdings InternationalGroup<b>"
           "p</b>s is an equal opportunity employer.",
           "legal@Acme Widgets Worldwide Holdings InternationalGroup<b>p</b>s "
           "is an equal opportunity employer");
    EXPECT("<p>x</p><p>Acme Widgets Worldwide Holdings InternationalGroupp<b>"
           "p</b>s is an equal opportunity employer.", "");
    /* in a sentence's middle it is no lead-in */
    EXPECT("x\nWe know that Acme Corp is an equal opportunity employer.", "");
}

static void german_french_spanish(void **state)
{
    (void)state;
    EXPECT("Text\nIhre Aufgaben\nx\nIhr Profil:\ny\nWir bieten\nz\nÜber uns\n",
           "responsibilities@Ihre Aufgaben|requirements@Ihr Profil:"
           "|benefits@Wir bieten|company@Über uns");
    EXPECT("Text\nDEIN PROFIL\nx\nANFORDERUNGEN:\ny\n\xC3\x9c" "BER UNS\n",
           "requirements@DEIN PROFIL|requirements@ANFORDERUNGEN:"
           "|company@\xC3\x9c" "BER UNS");
    EXPECT("Texte\nVos missions\nx\nProfil recherché :\ny\nNous offrons\nz\n"
           "Qui sommes-nous ?\nw\nAvantages\n",
           "responsibilities@Vos missions|requirements@Profil recherché :"
           "|benefits@Nous offrons|company@Qui sommes-nous ?"
           "|benefits@Avantages");
    EXPECT("Texto\nRequisitos:\nx\nResponsabilidades\ny\nOfrecemos\nz\n"
           "Sobre nosotros\n",
           "requirements@Requisitos:|responsibilities@Responsabilidades"
           "|benefits@Ofrecemos|company@Sobre nosotros");
}

static void chinese(void **state)
{
    (void)state;
    EXPECT("介绍\n岗位职责：\n1.负责\n任职要求：\n2.熟悉Python\n福利待遇\n五险一金",
           "responsibilities@岗位职责：|requirements@任职要求："
           "|benefits@福利待遇");
    /* brackets and numbering */
    EXPECT("介绍\n【岗位要求】\nx\n一、公司简介\ny\n（二）加分项：\nz",
           "requirements@岗位要求】|company@公司简介|preferred@加分项：");
    /* no line breaks: after '。', glued to the previous words, 【】 */
    EXPECT("我们是一家公司。工作职责：负责开发；熟悉SQL负责数据分析任职资格：本科"
           "【公司介绍】我们",
           "responsibilities@工作职责：|requirements@任职资格："
           "|company@公司介绍】");
    EXPECT("介绍\n岗位职责1.负责开发", "responsibilities@岗位职责");
    EXPECT("介绍\n工作职责包括开发\n", "");
}

static void kind_at(void **state)
{
    (void)state;
    const char *t = "Intro Python\nAbout us\nWe Python\nRequirements\nSQL";
    describe(t, SKIDX_SIMD_BEST);
    assert_int_equal(S.n, 2);
    assert_true(S.excluded);
    assert_int_equal(skidx_sections_kind_at(&S, 6), SKIDX_SEC_NONE);
    assert_int_equal(skidx_sections_kind_at(&S, 13), SKIDX_SEC_COMPANY);
    assert_int_equal(skidx_sections_kind_at(&S, 25), SKIDX_SEC_COMPANY);
    assert_int_equal(
        skidx_sections_kind_at(&S, (uint32_t)(strstr(t, "SQL") - t)),
        SKIDX_SEC_REQUIREMENTS);
    describe("x\nRequirements\nSQL", SKIDX_SIMD_BEST);
    assert_false(S.excluded);
    assert_int_equal(skidx_sections_split(NULL, t, strlen(t), &S, 0),
                     SKIDX_OK);
    assert_int_equal(S.n, 0);
    assert_int_equal(skidx_sections_kind_at(&S, 20), SKIDX_SEC_NONE);
    /* every offset of 1 to 6 sections (before the first, at each start,
     * inside each, in the last) against a walk through them */
    struct skidx_section secs[6];
    struct skidx_sections k = {.s = secs, .n = 0, .cap = 6};
    for (size_t n = 1; n <= 6; n++) {
        k.n = n;
        for (size_t i = 0; i < n; i++) {
            secs[i].start = (uint32_t)(3 + 5 * i);
            secs[i].body = secs[i].start;
            secs[i].kind = (uint8_t)(1 + i);
            secs[i].rule = 0;
        }
        for (uint32_t off = 0; off < 40; off++) {
            int want = SKIDX_SEC_NONE;
            for (size_t i = 0; i < n; i++)
                if (secs[i].start <= off)
                    want = secs[i].kind;
            assert_int_equal(skidx_sections_kind_at(&k, off), want);
        }
    }
    assert_string_equal(skidx_section_name(SKIDX_SEC_LEGAL), "legal");
    assert_true(skidx_section_counts(SKIDX_SEC_PREFERRED));
    assert_false(skidx_section_counts(SKIDX_SEC_APPLY));
}

/* Every byte below `end` has the same class in a as in the full split S:
 * counting or not, preferred or not (what split mode 2 keeps). */
static void expect_same_class(const struct skidx_sections *a, size_t end)
{
    for (uint32_t off = 0; off < end; off++) {
        int ka = skidx_sections_kind_at(a, off);
        int ks = skidx_sections_kind_at(&S, off);
        assert_int_equal(skidx_section_counts(ka), skidx_section_counts(ks));
        assert_int_equal(ka == SKIDX_SEC_PREFERRED,
                         ks == SKIDX_SEC_PREFERRED);
    }
}

/* Random texts of headings, candidate bytes and prose: the AVX2 and the
 * portable pass give the same sections, and the counting mode the same
 * counts. */
static void simd_paths_agree(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "Requirements", "\n", ":", "<br>", "</p>", "About us", "\xEF\xBC\x9A",
        "\xE3\x80\x91", "\xE3\x80\x90", "岗位职责", " ", ". ", "Python ",
        "What we offer", "**", "## ", "<", "\xE3", "\xEF\xBC", "Benefits",
        "team", "Acme Corp is an equal opportunity employer", "About Acme",
        "\xE2\x80\xA2 ", "1. ", "一、", "nice-to-have", "\r\n",
        "\nRequirements\n", "\nBenefits:", "\n岗位职责：", "<br>About Acme<br>",
        "\n## Perks\n", ".Responsibilities:", "\nAcme is an equal opportunity "
        "employer",
        /* the fast paths: blanks in a rule's words, tags in capitals,
         * bullets, the lead-ins' anchor word in other cases */
        "What  we offer", "What-we offer", "WHAT WE OFFER", "<LI>", "</Li>",
        "<DIV>", "<P>", "\n- Benefits\n", "\n* Requirements\n",
        "\n\xE2\x80\xA2 Benefits\n", "\n\nAcme Ltd is proud to be an EQUAL "
        "opportunity employer", "Equal", "\n\nAcme Corp provides equal "
        "employment opportunities",
        /* preferred and counting headings in a row, for the modes that
         * look only for a heading of another class; a line that is both
         * a counting heading and a lead-in ("stack is..."), camel-case
         * and prefix colons */
        "\nNice to have\n", "\nPreferred:", "\nSkills\n", "\nExperience\n",
        "\n\nStack is an equal opportunity employer", "teamBenefits:",
        "\n- Skills\n", "\n1.:", "\n- Benefits:",
        /* the lead-ins' anchor looked for forward, on the line of the
         * line start: breaks ('\r' alone too) between, and prose longer
         * than the vector steps before it */
        "\r", "Acme Corp\ris an equal opportunity employer",
        "lorem ipsum dolor sit amet consectetur adipiscing elit sed do "
        "eiusmod tempor ", "\n\nAcme Corp is an equal", " opportunity "
        "employer", "<p>Acme is an equal opportunity employer</p>",
        /* a key's rules told apart by their canonical bytes (blanks,
         * no-break spaces, '@', '[' in the first 32 bytes); short tags
         * before a heading and a tag that ends right before one; a tag
         * cut short */
        "What we\xC2\xA0offer", "What you@ll do", "What you[ll] need",
        "What we  offer:", "<li>What we offer", "\n<p>Benefits",
        "<h3>Perks</h3>", "<b>", "<1>", "<li", "\n<li>Benefits\n",
        "</li><li>Who we are", "<<>Benefits", "<\n>Perks", "<>>Benefits",
        "\nWhat we  offer\n"};
    const size_t np = sizeof(parts) / sizeof(parts[0]);
    char *text = malloc(8192);
    struct skidx_sections a = {0};
    uint64_t seed = 12345;
    size_t total = 0, fewer = 0, shorter = 0, fewer2 = 0;
    assert_non_null(text);
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        int k = (int)(seed % 60);
        for (int i = 0; i < k; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            const char *p = parts[(seed >> 33) % np];
            size_t l = strlen(p);
            if (n + l >= 8192)
                break;
            memcpy(text + n, p, l);
            n += l;
        }
        assert_int_equal(
            skidx_sections_split(&R, text, n, &a, SKIDX_SIMD_SCALAR),
            SKIDX_OK);
        for (int pk = 1; pk < 3; pk++) { /* AVX2, then the best */
            assert_int_equal(skidx_sections_split(&R, text, n, &S, kPaths[pk]),
                             SKIDX_OK);
            assert_int_equal(a.n, S.n);
            assert_int_equal(a.excluded, S.excluded);
            for (size_t i = 0; i < a.n; i++) {
                assert_int_equal(a.s[i].start, S.s[i].start);
                assert_int_equal(a.s[i].body, S.s[i].body);
                assert_int_equal(a.s[i].kind, S.s[i].kind);
                assert_true(a.s[i].body <= n);
            }
        }
        total += a.n;
        /* looking only for what decides counts counts the same */
        assert_int_equal(
            skidx_sections_split_mode(&R, text, n, &a, SKIDX_SIMD_BEST, 0),
            SKIDX_OK);
        assert_true(a.n <= S.n);
        assert_int_equal(a.excluded, S.excluded);
        for (uint32_t off = 0; off < n; off++)
            assert_int_equal(
                skidx_section_counts(skidx_sections_kind_at(&a, off)),
                skidx_section_counts(skidx_sections_kind_at(&S, off)));
        fewer += S.n - a.n;
        /* mode 2: the same class (counting, preferred) of every byte */
        assert_int_equal(
            skidx_sections_split_mode(&R, text, n, &a, SKIDX_SIMD_BEST, 2),
            SKIDX_OK);
        assert_true(a.n <= S.n);
        assert_int_equal(a.excluded, S.excluded);
        expect_same_class(&a, n);
        fewer2 += S.n - a.n;
        /* looking only up to a byte: the same kinds up to it */
        size_t upto = n ? (size_t)(seed >> 20) % n : 0;
        assert_int_equal(skidx_sections_split_upto(&R, text, n, &a,
                                                   SKIDX_SIMD_BEST, 0, upto),
                         SKIDX_OK);
        for (uint32_t off = 0; off <= upto && off < n; off++)
            assert_int_equal(
                skidx_section_counts(skidx_sections_kind_at(&a, off)),
                skidx_section_counts(skidx_sections_kind_at(&S, off)));
        if (!a.excluded)
            for (uint32_t off = 0; off <= upto && off < n; off++)
                assert_true(skidx_section_counts(
                    skidx_sections_kind_at(&S, off)));
        assert_int_equal(skidx_sections_split_upto(&R, text, n, &a,
                                                   SKIDX_SIMD_SCALAR, 1, upto),
                         SKIDX_OK);
        for (uint32_t off = 0; off <= upto && off < n; off++)
            assert_int_equal(skidx_sections_kind_at(&a, off),
                             skidx_sections_kind_at(&S, off));
        shorter += a.n < S.n;
        assert_int_equal(skidx_sections_split_upto(&R, text, n, &a,
                                                   SKIDX_SIMD_SCALAR, 2, upto),
                         SKIDX_OK);
        expect_same_class(&a, upto < n ? upto + 1 : n);
    }
    printf("mode 2 skipped %zu headings\n", fewer2);
    assert_true(fewer2 > 0);
    printf("split up to a byte found fewer headings in %zu texts\n",
           shorter);
    assert_true(shorter > 0);
    printf("counting mode skipped %zu headings\n", fewer);
    assert_true(fewer > 0);
    printf("simd paths agree on 3000 texts, %zu headings\n", total);
    assert_true(total > 300);
    skidx_sections_release(&a);
    free(text);
}

/* Blocks dense with candidate bytes (up to 64 in a block, runs across
 * the scans' 1024-byte windows), at every offset, before and between
 * headings: every path finds the same headings at the same bytes (the
 * AVX-512 scan writes a block's positions 16 at a time). */
static void dense_candidates(void **state)
{
    (void)state;
    static const char *const runs[] = {":", "\n:", "<:", ":\n", "\n\n:",
                                       "\xEF\xBC\x9A", "<\n", "::x"};
    static const char tail[] = "\nBenefits\nPerks.\nRequirements:\nPython\n";
    char *text = malloc(8192);
    struct skidx_sections a = {0};
    size_t total = 0;
    assert_non_null(text);
    for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++)
        for (size_t len = 1; len <= 1100; len = len < 80 ? len + 13 : len * 2)
            for (size_t off = 0; off < 64; off += 7) {
                size_t n = 0;
                memset(text, 'x', off);
                n = off;
                for (int rep = 0; rep < 2; rep++) {
                    for (size_t i = 0; i < len && n + 64 < 4096; i++) {
                        size_t l = strlen(runs[r]);
                        memcpy(text + n, runs[r], l);
                        n += l;
                    }
                    memcpy(text + n, tail, sizeof(tail) - 1);
                    n += sizeof(tail) - 1;
                }
                assert_int_equal(skidx_sections_split(&R, text, n, &a,
                                                      SKIDX_SIMD_SCALAR),
                                 SKIDX_OK);
                assert_true(a.n >= 2);
                for (int pk = 1; pk < 3; pk++) {
                    assert_int_equal(
                        skidx_sections_split(&R, text, n, &S, kPaths[pk]),
                        SKIDX_OK);
                    expect_same_sections(&a, &S);
                }
                total += a.n;
            }
    printf("dense candidate blocks: %zu headings, the same on every path\n",
           total);
    skidx_sections_release(&a);
    free(text);
}

/* Rules from a sections.tsv text, which must parse. */
static void parse_tsv(struct skidx_section_rules *r, const char *tsv)
{
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_section_rules_parse(r, "x", tsv, strlen(tsv), &err),
                     SKIDX_OK);
}

/* One heading line's kind with rules `R2` on both paths, "" for none;
 * mode 2 gives every byte the same class. */
static const char *line_kind(const struct skidx_section_rules *r2,
                             const char *heading)
{
    static char text[256];
    struct skidx_sections a = {0}, b = {0};
    int n = snprintf(text, sizeof(text), "Intro text.\n%s\nbody", heading);
    assert_true(n > 0 && (size_t)n < sizeof(text));
    assert_int_equal(skidx_sections_split(r2, text, (size_t)n, &a,
                                          SKIDX_SIMD_SCALAR),
                     SKIDX_OK);
    assert_int_equal(skidx_sections_split(r2, text, (size_t)n, &b,
                                          SKIDX_SIMD_BEST),
                     SKIDX_OK);
    expect_same_sections(&a, &b);
    assert_true(a.n <= 1);
    const char *kind = a.n ? skidx_section_name(a.s[0].kind) : "";
    if (a.n)
        assert_int_equal(a.s[0].start, 12);
    assert_int_equal(skidx_sections_split_mode(r2, text, (size_t)n, &b,
                                               SKIDX_SIMD_BEST, 2),
                     SKIDX_OK);
    for (uint32_t off = 0; off < (uint32_t)n; off++) {
        int ka = skidx_sections_kind_at(&a, off);
        int kb = skidx_sections_kind_at(&b, off);
        assert_int_equal(skidx_section_counts(ka), skidx_section_counts(kb));
        assert_int_equal(ka == SKIDX_SEC_PREFERRED, kb == SKIDX_SEC_PREFERRED);
    }
    skidx_sections_release(&a);
    skidx_sections_release(&b);
    return kind;
}

/* Each case {heading, kind} as line_kind() reads it with rules r2 ("" for
 * none); a wrong case is named on stderr before the assertion fails. */
static void check_line_kinds(const struct skidx_section_rules *r2,
                             const char *const (*cases)[2], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = line_kind(r2, cases[i][0]);
        if (strcmp(got, cases[i][1]))
            fprintf(stderr, "'%s': got '%s', want '%s'\n", cases[i][0], got,
                    cases[i][1]);
        assert_string_equal(got, cases[i][1]);
    }
}

/* The filters before any rule is compared (the first three and six
 * bytes, as a rule's blanks, hyphens, apostrophes and Latin-1 capitals
 * read) and the rules' first 32 bytes compared eight at a time: every
 * spelling a rule takes passes them, near misses do not match. */
static void prefix_filters(void **state)
{
    (void)state;
    static const char tsv[] =
        "requirements\tabq\tabcde f\tabcdef\twe are\tit's us\t\xC3\x9C" "ber uns\t"
        "wxyz\tvw xy\t"
        "a very long heading of more than thirty two bytes\n"
        "benefits\tabcdefghijklmnop qrstuvwxyzabcdef\tx y\tabcdefghijklmno "
        "pqrstuvwxyzabcde f\n"
        "preferred\tnice to have\tabcdefgh ij\n";
    struct skidx_section_rules r2 = {0};
    parse_tsv(&r2, tsv);
    static const char *const cases[][2] = {
        {"ABCDE F", "requirements"},  {"abcde\tf", "requirements"},
        {"abcde  f", "requirements"}, {"abcde-f", "requirements"},
        {"abcde\xC2\xA0" "f", "requirements"},
        {"ABCDEF", "requirements"},   {"abcdeg", ""},
        {"abcde g", ""},              {"ABQ", "requirements"},
        {"abq:", "requirements"},     {"abq x", ""},
        {"We  are", "requirements"},  {"We-are", "requirements"},
        {"We\t are", "requirements"}, {"We ar", ""},
        {"It\xE2\x80\x99s us", "requirements"}, {"It`s us", "requirements"},
        {"It's  us", "requirements"}, {"Its us", ""},
        {"\xC3\x9C" "ber uns", "requirements"},
        {"\xC3\x9C" "BER UNS", "requirements"}, {"Uber uns", ""},
        {"A very long heading of more than thirty two bytes", "requirements"},
        {"A very long heading of more than  thirty two bytes", "requirements"},
        {"A very long heading\tof more than thirty-two bytes", "requirements"},
        {"A very long heading of more than thirty two bytez", ""},
        {"A very long heading of more than thirty two byte", ""},
        {"ABCDEFGHIJKLMNOP QRSTUVWXYZABCDEF", "benefits"},
        {"abcdefghijklmnop  qrstuvwxyzabcdef", "benefits"},
        {"abcdefghijklmnop-qrstuvwxyzabcdef", "benefits"},
        {"abcdefghijklmnop qrstuvwxyzabcdeg", ""},
        {"abcdefghijklmnoq qrstuvwxyzabcdef", ""},
        {"abcdefghijklmno pqrstuvwxyzabcde f", "benefits"},
        {"abcdefghijklmno pqrstuvwxyzabcde  f", "benefits"},
        {"abcdefghijklmno pqrstuvwxyzabcde g", ""},
        {"abcdefghijklmno pqrstuvwxyzabcdef", ""},
        {"X  y", "benefits"},          {"x-Y", "benefits"},
        {"Nice to have", "preferred"}, {"Nice  to have", "preferred"},
        {"nice to hav", ""},          {"ABCDEFGH IJ", "preferred"},
        {"abcdefgh\tij", "preferred"}, {"abcdefgh  ij", "preferred"},
        {"abcdefgh ik", ""},
        /* rules of three to five canonical bytes: two bits of their
         * own in the word of their first three (bit 0 set), tested by
         * the text's first three, four and five */
        {"WXYZ", "requirements"},     {"wxyz:", "requirements"},
        {"Wxyz**", "requirements"},   {"wxy", ""},
        {"wxyzRest", "requirements"}, {"wxyzz", ""},
        {"abqDef", "requirements"},   {"Vw  xy", "requirements"},
        {"vw-xy:", "requirements"},   {"VW\txy", "requirements"},
        {"vw x", ""},                 {"vwxy", ""},
    };
    check_line_kinds(&r2, cases, sizeof(cases) / sizeof(cases[0]));
    skidx_section_rules_release(&r2);
}

/* Rules that share their first two words are compared only where their
 * first canonical bytes (up to 24) begin the text: every spelling of the
 * rule that fits passes that test (apostrophes, blanks, hyphens, Latin-1
 * capitals, a text that ends or a colon that stops within 24 bytes), the
 * longest rule that fits wins, and a byte a rule holds ('_', '@', '[')
 * does not end the text's canonical bytes. */
static void shared_words(void **state)
{
    (void)state;
    static const char tsv[] =
        "requirements\twhat you'll need\twhat you need\twhat you'll\t"
        "what you will need to succeed in the long walk\twhat you_x\n"
        "benefits\twhat you'll get\twhat you will need\t"
        "what you will need to succeed in the long run\twhat you@home\n"
        "preferred\twhat you'll do\t\xC3\xBC" "ber die rolle\t\xC3\xBC"
        "ber die\twhat you[x]\n";
    struct skidx_section_rules r2 = {0};
    parse_tsv(&r2, tsv);
    static const char *const cases[][2] = {
        {"What You'll Need", "requirements"},
        {"What You\xE2\x80\x99ll Need", "requirements"},
        {"What You\xE2\x80\x98ll Need", "requirements"},
        {"What You`ll Need", "requirements"},
        {"What  You'll\tNeed", "requirements"},
        {"What  you'll need", "requirements"},
        {"What you'll  get", "benefits"},
        {"What-you'll need", "requirements"},
        {"What\xC2\xA0you'll need", "requirements"},
        {"What you'll need:", "requirements"},
        {"What you'll need**", "requirements"},
        {"What You'll Get", "benefits"},
        {"What You\xE2\x80\x99ll Get", "benefits"},
        {"What You'll Do", "preferred"},
        {"What You'll", "requirements"},
        {"What You'll Be", ""},
        {"What You'll Nee", ""},
        {"What you need", "requirements"},
        {"What you will need", "benefits"},
        {"What you will need to succeed in the long run", "benefits"},
        {"What you will need to succeed in the long walk", "requirements"},
        {"What you will need to succeed in  the long walk", "requirements"},
        {"What you will need to succeed in the long", ""},
        {"What you will need to succeed in the long runs", ""},
        {"What you_x", "requirements"},
        {"What you@home", "benefits"},
        {"What you[x]", "preferred"},
        {"What you[y]", ""},
        {"\xC3\x9C" "BER DIE ROLLE", "preferred"},
        {"\xC3\x9C" "ber die", "preferred"},
        {"\xC3\xBC" "ber  die-Rolle", "preferred"},
    };
    check_line_kinds(&r2, cases, sizeof(cases) / sizeof(cases[0]));
    /* the text ends within 24 bytes of the heading; a colon stops it */
    static const char *const texts[][3] = {
        {"Intro text.\nWhat You'll Do", "preferred", "12"},
        {"Intro text.\nWhat You\xE2\x80\x99ll", "requirements", "12"},
        {"Intro text.\nWhat you will need", "benefits", "12"},
        {"Intro text. What You'll Do: Python", "preferred", "12"},
        {"Intro text. What You\xE2\x80\x99ll Get: AWS", "benefits", "12"},
        {"Intro text. What You'll: x", "requirements", "12"},
        {"Intro text.What you will need to succeed in the long walk: x",
         "requirements", "11"},
    };
    struct skidx_sections a = {0};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        for (int simd = 0; simd < 3; simd++) {
            assert_int_equal(
                skidx_sections_split(&r2, texts[i][0], strlen(texts[i][0]),
                                     &a,
                                     kPaths[simd]),
                SKIDX_OK);
            if (a.n != 1 || strcmp(skidx_section_name(a.s[0].kind),
                                   texts[i][1]))
                fprintf(stderr, "'%s': %zu sections\n", texts[i][0], a.n);
            assert_int_equal(a.n, 1);
            assert_string_equal(skidx_section_name(a.s[0].kind), texts[i][1]);
            assert_int_equal(a.s[0].start, (uint32_t)atoi(texts[i][2]));
        }
    skidx_sections_release(&a);
    skidx_section_rules_release(&r2);
}

/* text[0..n) split on the portable and the best path: one Benefits
 * heading starting at `at` when `want`, none otherwise (`what` names the
 * case on stderr when the count differs). */
static void expect_benefits(const char *text, size_t n, int want, size_t at,
                            struct skidx_sections *a, const char *what)
{
    for (int simd = 0; simd < 3; simd++) {
        assert_int_equal(skidx_sections_split(&R, text, n, a,
                                              kPaths[simd]),
                         SKIDX_OK);
        if (a->n != (size_t)want)
            fprintf(stderr, "%s: %zu\n", what, a->n);
        assert_int_equal(a->n, (size_t)want);
        if (want) {
            assert_int_equal(a->s[0].start, at);
            assert_int_equal(a->s[0].kind, SKIDX_SEC_BENEFITS);
        }
    }
}

/* A heading at every offset of texts of 0 to 130 bytes (around the
 * AVX2 pass's 32- and 64-byte steps): after a line break and after a
 * sentence end with a colon, found exactly when it fits, on both paths. */
static void block_boundaries(void **state)
{
    (void)state;
    static const char filler[] = "lorem ipsum dolor sit amet consectetur "
                                 "adipiscing elit sed do eiusmod tempor "
                                 "incididunt ut labore et dolore magna aliqua"
                                 " ut enim ad minim veniam quis nostrud";
    char text[160];
    struct skidx_sections a = {0};
    size_t found = 0;
    for (int form = 0; form < 2; form++)
        for (size_t n = 0; n <= 130; n++)
            for (size_t k = 0; k <= n; k++) {
                /* form 0: "...\nBenefits\n...", 1: "... . Benefits: ..." */
                memcpy(text, filler, k);
                const char *h = form ? ". Benefits: " : "\nBenefits\n";
                size_t hl = strlen(h), at = k + (form ? 2 : 1);
                for (size_t i = k; i < n; i++)
                    text[i] = i - k < hl ? h[i - k] : 'x';
                /* form 0 needs "Benefits" whole, form 1 its colon too */
                int want = at + 8 + (size_t)form <= n;
                char what[64];
                snprintf(what, sizeof(what), "form %d, n %zu, k %zu", form,
                         n, k);
                expect_benefits(text, n, want, at, &a, what);
                found += (size_t)want;
            }
    assert_true(found > 10000);
    skidx_sections_release(&a);
}

/* A lead-in ("Acme ... is proud to be an equal opportunity employer")
 * on a line of its own after a blank line, at many offsets of a text,
 * split up to every byte on both paths: the kinds up to that byte are
 * the whole split's (the lead-ins' anchor is looked for only up to the
 * line break after the last line start tried), and the lead-in is
 * found whenever it starts at or before that byte. */
static void lead_in_upto(void **state)
{
    (void)state;
    static const char filler[] = "lorem ipsum dolor sit amet consectetur "
                                 "adipiscing elit sed do eiusmod tempor";
    /* five words of a name: the anchor 64 bytes after the line start */
    static const char lead[] = "\n\nAcme Widgets Worldwide Holdings "
                               "International is proud to be an equal "
                               "opportunity employer and more";
    char text[320];
    struct skidx_sections a = {0}, whole = {0};
    size_t found = 0;
    for (int form = 0; form < 3; form++)
        for (size_t k = 0; k + sizeof(lead) < sizeof(filler) + 40; k += 3) {
            /* form 1: CRLF line breaks; form 2: the name, then "is an
             * equal..." on the next line (no lead-in) */
            size_t n = 0;
            for (size_t i = 0; i < k; i++)
                text[n++] = filler[i % (sizeof(filler) - 1)];
            size_t at = n + 2 + (form == 1 ? 2 : 0);
            for (const char *c = lead; *c; c++) {
                if (form == 1 && *c == '\n')
                    text[n++] = '\r';
                if (form == 2 && c > lead + 2 && !strncmp(c, " is ", 4)) {
                    text[n++] = '\n';
                    continue;
                }
                text[n++] = *c;
            }
            memcpy(text + n, "\nx\n", 3);
            n += 3;
            assert_int_equal(skidx_sections_split(&R, text, n, &whole,
                                                  SKIDX_SIMD_SCALAR),
                             SKIDX_OK);
            assert_int_equal(whole.n, form == 2 ? 0u : 1u);
            if (whole.n) {
                assert_int_equal(whole.s[0].start, at);
                assert_int_equal(whole.s[0].kind, SKIDX_SEC_LEGAL);
            }
            for (size_t upto = 0; upto < n; upto++)
                for (int simd = 0; simd < 3; simd++) {
                    assert_int_equal(
                        skidx_sections_split_upto(
                            &R, text, n, &a,
                            kPaths[simd], 1,
                            upto),
                        SKIDX_OK);
                    for (uint32_t off = 0; off <= upto; off++)
                        assert_int_equal(skidx_sections_kind_at(&a, off),
                                         skidx_sections_kind_at(&whole, off));
                    if (whole.n && at <= upto) {
                        assert_true(a.n >= 1);
                        found++;
                    }
                }
        }
    assert_true(found > 1000);
    skidx_sections_release(&a);
    skidx_sections_release(&whole);
}

/* A random text of 1 to maxk parts (a linear congruential *seed), into
 * text (cap bytes, not NUL-terminated); returns its length. */
static size_t random_text(const char *const *parts, size_t np, int maxk,
                          uint64_t *seed, char *text, size_t cap)
{
    size_t n = 0;
    int k = 1 + (int)(*seed % (uint64_t)maxk);
    for (int i = 0; i < k; i++) {
        *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
        const char *p = parts[(*seed >> 33) % np];
        size_t l = strlen(p);
        if (n + l >= cap)
            break;
        memcpy(text + n, p, l);
        n += l;
    }
    return n;
}

/* Two splits of one text gave the same sections. */
static void assert_same_sections(const struct skidx_sections *a,
                                 const struct skidx_sections *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->excluded, b->excluded);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->s[i].start, b->s[i].start);
        assert_int_equal(a->s[i].body, b->s[i].body);
        assert_int_equal(a->s[i].rule, b->s[i].rule);
    }
}

/* What both_ways() found: every split's headings (three modes, three
 * paths), and the lead-ins of mode 1 on each path. */
struct tally {
    size_t headings;
    size_t leads[3];
};

/* text[0..n) split by rules ra into a and by rules rb into b (b freed
 * first when fresh: a new sections object, so a new heading memo), in
 * the three modes and on the three paths: the same sections each time. */
static void both_ways(const struct skidx_section_rules *ra,
                      const struct skidx_section_rules *rb, int fresh,
                      const char *text, size_t n, struct skidx_sections *a,
                      struct skidx_sections *b, struct tally *t)
{
    for (int mode = 0; mode < 3; mode++)
        for (int simd = 0; simd < 3; simd++) {
            assert_int_equal(
                skidx_sections_split_mode(ra, text, n, a, kPaths[simd], mode),
                SKIDX_OK);
            if (fresh)
                skidx_sections_release(b);
            assert_int_equal(
                skidx_sections_split_mode(rb, text, n, b, kPaths[simd], mode),
                SKIDX_OK);
            assert_same_sections(a, b);
            t->headings += a->n;
            for (size_t i = 0; i < a->n && mode == 1; i++)
                t->leads[simd] +=
                    (ra->r[a->s[i].rule].flags & SKIDX_SECR_LEAD_WILD) != 0;
        }
}

/* The AVX2 scan drops a '\n' followed by another (an empty line) before
 * candidate() sees it, by the masks of a 64-byte block. Texts of runs
 * of one to three line breaks ("\n", "\r\n") between headings, lead-ins
 * and prose, shifted by 0 to 130 bytes so that each pair falls on
 * every offset of a block, its ends included, and cut at every length
 * near the text's end: the same sections on both paths, in the three
 * modes. Fails when the filter drops the second '\n' of a pair (the
 * line start after it) or keeps its mask across a block's edge. */
static void empty_lines(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "\n", "\n\n", "\n\n\n", "\r\n", "Requirements", "Benefits:",
        "What we offer", "\n- Skills", "<br>",
        "Acme Corp is an equal opportunity employer", "lorem ipsum dolor ",
        "x"};
    const size_t np = sizeof(parts) / sizeof(parts[0]);
    char text[512];
    struct skidx_sections a = {0}, b = {0};
    uint64_t seed = 99;
    size_t found = 0;
    for (int round = 0; round < 400; round++) {
        size_t n = (size_t)round % 131;
        memset(text, 'x', n);
        for (int i = 0; i < 24; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            const char *p = parts[(seed >> 33) % np];
            size_t l = strlen(p);
            if (n + l >= sizeof(text))
                break;
            memcpy(text + n, p, l);
            n += l;
        }
        for (size_t cut = n > 70 ? n - 70 : 0; cut <= n; cut++)
            for (int mode = 0; mode < 3; mode++) {
                assert_int_equal(skidx_sections_split_mode(
                                     &R, text, cut, &a, SKIDX_SIMD_SCALAR,
                                     mode),
                                 SKIDX_OK);
                assert_int_equal(skidx_sections_split_mode(
                                     &R, text, cut, &b, SKIDX_SIMD_BEST,
                                     mode),
                                 SKIDX_OK);
                assert_same_sections(&a, &b);
                found += a.n;
            }
    }
    printf("empty lines: %zu headings on both paths\n", found);
    assert_true(found > 1000);
    skidx_sections_release(&a);
    skidx_sections_release(&b);
}

/* A capitalised line start tries the lead-ins only when no '<' or '>'
 * lies before the anchor 60 bytes or more after it (anchor_tags 0):
 * random texts of names, tags, lead-ins and prose at every distance
 * give the same sections, on both paths and in the three modes, as
 * with that test off; and such lead-ins are found (name and lead-in
 * after "<p>", "<li>" and line breaks, tags inside the name). */
static void lead_in_tags(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "<p>", "</p>", "<li>", "</li>", "<br><br>", "\n\n", "\n", " ",
        "Acme ", "Acme<b>Corp</b> ", "Widgets ", "Data &amp; AI ", "GmbH ",
        "is an equal opportunity employer",
        " is proud to be an equal opportunity employer", "equal", "<i>",
        "</i>", "x", "We ",
        "lorem ipsum dolor sit amet consectetur ", "Holdings International ",
        "provides equal employment opportunities", "Benefits\n", "\nPerks\n",
        "<h3>Requirements</h3>", ". ", "<", ">", "Worldwide Holdings ",
        "Intl<i>Gro</i>up ", "Acme Widgets Worldwide Holdings Intl<b>Co</b>rp "};
    const size_t np = sizeof(parts) / sizeof(parts[0]);
    struct skidx_section_rules off = R;
    off.anchor_tags = 1;
    assert_int_equal(R.anchor_tags, 0);
    char text[1024];
    struct skidx_sections a = {0}, b = {0};
    uint64_t seed = 77;
    struct tally t = {0};
    for (int round = 0; round < 4000; round++) {
        const size_t n = random_text(parts, np, 30, &seed, text, sizeof(text));
        both_ways(&R, &off, 0, text, n, &a, &b, &t);
    }
    const size_t legal = t.leads[1] + t.leads[2];
    printf("lead-in tags: %zu lead-ins found\n", legal);
    assert_true(legal > 100);
    skidx_sections_release(&a);
    skidx_sections_release(&b);
}

/* The lead-in range of anchor_seek() reaches the line starts that the
 * tag test would pass (a '<' or '>' LEAD_REACH bytes or more after q
 * before the anchor), and no further: on HTML without line breaks, a
 * line start after the one that looked for the anchor, its name cut by
 * a '<' at every distance before " is an equal opportunity employer",
 * gives the same sections as with the tag test off; the lead-ins whose
 * literal begins within reach are found. */
static void lead_in_tag_reach(void **state)
{
    (void)state;
    struct skidx_section_rules off = R;
    off.anchor_tags = 1;
    char text[512];
    struct skidx_sections a = {0}, b = {0};
    struct tally t = {0};
    for (int k = 0; k < 80; k++)
        for (int v = 0; v < 3; v++) {
            static const char *const cut[] = {"<", "<i", "x<"};
            int n = snprintf(text, sizeof(text),
                             "<p>Intro text</p><p>Acme%.*s Corp%s is an "
                             "equal opportunity employer</p><p>More</p>",
                             k,
                             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                             cut[v]);
            assert_true(n > 0 && (size_t)n < sizeof(text));
            both_ways(&R, &off, 0, text, (size_t)n, &a, &b, &t);
        }
    assert_true(t.leads[0] > 10);
    skidx_sections_release(&a);
    skidx_sections_release(&b);
}

/* The memo of short lines' headings (kept across texts) gives what a
 * split without it gives: random texts of heading lines, near misses
 * and their tails (a closing tag cut by a line break, blanks, colons,
 * case changes), split by one sections object used for every text and
 * by a new one each time, on both paths and in the three modes. */
static void heading_memo(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "\n", "\r\n", "Requirements", "Benefits", "What we offer",
        "What  we offer", "About us", "About Acme", "About UsWe", "Perks",
        "</b", ">", "</b>", ":", " ", "  ", "\t", "x", "Python", ".",
        "We are an equal opportunity employer", "We are committed",
        "Nice to have", "**", "<", "\xC2\xA0", "\xE2\x80\x99", "ll",
        "What you", "\n- ", "\n\n", "Salary range", "\xEF\xBC\x9A"};
    const size_t np = sizeof(parts) / sizeof(parts[0]);
    char text[512];
    struct skidx_sections a = {0}, b = {0};
    uint64_t seed = 99;
    struct tally t = {0};
    for (int round = 0; round < 6000; round++) {
        const size_t n = random_text(parts, np, 40, &seed, text, sizeof(text));
        both_ways(&R, &R, 1, text, n, &a, &b, &t);
    }
    const size_t hits = t.headings;
    assert_true(hits > 10000);
    skidx_sections_release(&a);
    skidx_sections_release(&b);
}

/* The memo of line-start headings on lines that end at a tag (HTML
 * without line breaks): a line up to its first '<' that does not open a
 * closing tag is remembered, closing tags before it included. Random
 * texts of headings, tags, closing tags cut before their '>' or by a
 * line break, and text give the same sections with the memo kept across
 * texts as with a fresh one, in every mode, on both paths. */
static void heading_memo_tags(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "<br>", "<li>", "</li>", "<ul>", "</ul>", "<strong>", "</strong>",
        "</b", "</b>", ">", "<", "</", "/", "\n", "<p>", "</p>",
        "Requirements", "Benefits", "What we offer", "About us",
        "About Acme", "About Acme Corp", "Perks", "Why join us?",
        "Nice to have", "What you\xE2\x80\x99ll do", "Experience",
        "Experience with", " ", ":", "x", "Python", ".", "**", "- ",
        "\xE2\x80\xA2 ", "We are an equal opportunity employer", "Tech",
        "stack", "\xC2\xA0", "\xEF\xBC\x9A", "<b>", "</h3>", "<h3>"};
    const size_t np = sizeof(parts) / sizeof(parts[0]);
    char text[768];
    struct skidx_sections a = {0}, b = {0};
    uint64_t seed = 1234;
    struct tally t = {0};
    for (int round = 0; round < 6000; round++) {
        const size_t n = random_text(parts, np, 60, &seed, text, sizeof(text));
        both_ways(&R, &R, 1, text, n, &a, &b, &t);
    }
    const size_t hits = t.headings;
    printf("heading memo, tags: %zu headings\n", hits);
    assert_true(hits > 10000);
    skidx_sections_release(&a);
    skidx_sections_release(&b);
}

/* The prefix filter passes every line start where a rule could begin:
 * random texts of the default rules shorter than six bytes ("Perks",
 * "Tech", "EEO"), their neighbours and near misses, glued, cut by a
 * colon or a text's end, give on both paths the same sections as with
 * every bit of every filter word set (the filter passing all; mode 1,
 * where the words of every rule are read), and in modes 0 and 2 the
 * same class at every byte. */
static void prefix_filter_random(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "\n", "\r\n", "Perks", "perk", "Tech", "TECH", "Tools", "Tasks",
        "Hours", "Stack", "EEO", "Plus", "Bonus", "Apply", "Legal", "Perks:",
        "Tech stack", "Bonus points", ":", " ", "-", "x", "Xy", "s", "We",
        "Requirements", "Benefits", "Perks & benefits", "\xEF\xBC\x9A",
        "<li>", "</li>", ". ", "\n\n", "Tec", "Bon", "Applying"};
    const size_t np = sizeof(parts) / sizeof(parts[0]);
    struct skidx_section_rules all = R;
    memset(all.pf, 0xFF, sizeof(all.pf));
    memset(all.pf_nz, 0xFF, sizeof(all.pf_nz));
    char text[256];
    struct skidx_sections a = {0}, b = {0};
    uint64_t seed = 5;
    size_t hits = 0;
    for (int round = 0; round < 3000; round++) {
        const size_t n = random_text(parts, np, 16, &seed, text, sizeof(text));
        for (int simd = 0; simd < 3; simd++) {
            const int path = kPaths[simd];
            assert_int_equal(
                skidx_sections_split_mode(&all, text, n, &b, path, 1),
                SKIDX_OK);
            for (int mode = 0; mode < 3; mode++) {
                assert_int_equal(
                    skidx_sections_split_mode(&R, text, n, &a, path, mode),
                    SKIDX_OK);
                if (mode == 1) {
                    assert_same_sections(&a, &b);
                    hits += a.n;
                    continue;
                }
                for (uint32_t off = 0; off < (uint32_t)n; off++) {
                    const int ka = skidx_sections_kind_at(&a, off);
                    const int kb = skidx_sections_kind_at(&b, off);
                    assert_int_equal(skidx_section_counts(ka),
                                     skidx_section_counts(kb));
                    if (mode == 2)
                        assert_int_equal(ka == SKIDX_SEC_PREFERRED,
                                         kb == SKIDX_SEC_PREFERRED);
                }
            }
        }
    }
    printf("prefix filter: %zu headings\n", hits);
    assert_true(hits > 1000);
    skidx_sections_release(&a);
    skidx_sections_release(&b);
}

/* A colon's look-back (64 bytes, one window of the AVX2 pass): a
 * sentence end (". ", "。", a line break) at every distance before
 * "Benefits:", the heading glued to 0-70 lower-case letters after it
 * ("teamBenefits:"): found exactly when the mark lies within reach, at
 * the same place on both paths. */
static void colon_look_back(void **state)
{
    (void)state;
    static const char filler[] = "lorem ipsum dolor sit amet consectetur "
                                 "adipiscing elit sed do eiusmod tempor";
    static const char *const marks[] = {". ", "\xE3\x80\x82", "\n"};
    char text[256];
    struct skidx_sections a = {0};
    size_t found = 0, missed = 0;
    for (int mk = 0; mk < 3; mk++)
        for (size_t pre = 0; pre < 70; pre += 3)
            for (size_t k = 0; k <= 70; k++) {
                size_t n = 0;
                for (size_t i = 0; i < pre; i++)
                    text[n++] = filler[i % (sizeof(filler) - 1)];
                size_t ml = strlen(marks[mk]);
                /* the byte a boundary mark ends with */
                size_t last = n + (mk == 1 ? 2 : 0);
                memcpy(text + n, marks[mk], ml);
                n += ml;
                for (size_t i = 0; i < k; i++)
                    text[n++] = (char)('a' + i % 26);
                size_t at = n;
                memcpy(text + n, "Benefits: x", 11);
                n += 11;
                size_t e = at + 8;
                int want = e <= 64 || last >= e - 64;
                char what[64];
                snprintf(what, sizeof(what), "mark %d, pre %zu, k %zu", mk,
                         pre, k);
                expect_benefits(text, n, want, at, &a, what);
                found += (size_t)want;
                missed += (size_t)!want;
            }
    printf("colon look-back: %zu found, %zu out of reach\n", found, missed);
    assert_true(found > 1500 && missed > 300);
    skidx_sections_release(&a);
}

/* Two rules of one text and other kinds (a lead-in "about..." that
 * counts, "about *" that does not): the line start takes the first, and
 * the colon's look-back later finds the second at the same start. The
 * counting modes must leave that start to the first, as the whole split
 * does, and count the line and what follows it (found by fuzz_sections;
 * the counting split used to drop the first heading unrecorded, since it
 * changed no count, and then take the look-back's). */
/* The counting splits (modes 0 and 2) of t[0..n) on path kPaths[pk] give
 * every byte the count of the whole split `whole` (text number i, for
 * the message); `b` is their result's room. */
static void modes_count_alike(const struct skidx_section_rules *r,
                              const char *t, size_t n,
                              const struct skidx_sections *whole,
                              struct skidx_sections *b, int pk, size_t i)
{
    for (int mode = 0; mode < 3; mode += 2) {
        assert_int_equal(skidx_sections_split_mode(r, t, n, b, kPaths[pk],
                                                   mode),
                         SKIDX_OK);
        for (uint32_t off = 0; off < n; off++)
            if (skidx_section_counts(skidx_sections_kind_at(whole, off)) !=
                skidx_section_counts(skidx_sections_kind_at(b, off)))
                fail_msg("text %zu, path %d, mode %d: byte %u", i, pk, mode,
                         off);
    }
}

static void same_start_other_kind(void **state)
{
    (void)state;
    static const char tsv[] = "preferred\tabout...\nbenefits\tabout *\n";
    static const char *const texts[] = {
        "Intro.\nAbout Foo: we use Python\nMore.\n",
        "Intro.\n# About Acme Corp: we use Python\nMore text.\n",
        "Intro.\nBenefits are few.\nAbout Foo Bar: x\nPython\n",
        "<p>Intro.</p><p>About Foo: we use Python</p><p>More.</p>"};
    struct skidx_section_rules r2 = {0};
    parse_tsv(&r2, tsv);
    struct skidx_sections a = {0}, b = {0};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        const char *t = texts[i];
        const size_t n = strlen(t);
        const char *body = strstr(t, "we use") ? strstr(t, "we use")
                                               : strstr(t, "Python");
        for (int pk = 0; pk < 3; pk++) {
            assert_int_equal(skidx_sections_split(&r2, t, n, &a, kPaths[pk]),
                             SKIDX_OK);
            /* the whole split: the lead-in, which counts */
            assert_true(skidx_section_counts(
                skidx_sections_kind_at(&a, (uint32_t)(body - t))));
            modes_count_alike(&r2, t, n, &a, &b, pk, i);
        }
    }
    skidx_sections_release(&a);
    skidx_sections_release(&b);
    skidx_section_rules_release(&r2);
}

/* A block tag holding a line break or a colon leads to the line start
 * after it before the candidates inside it are taken; those are in the
 * tag and start nothing, so headings are taken in the order of their
 * starts and the counting split (modes 0 and 2) gives every byte the
 * count of the whole split. Before, "Benefits:" inside the tag was taken
 * after "Requirements" behind it, whose counting heading the counting
 * split had not looked for, and "Python" was excluded there while the
 * whole split counted it. */
static void tag_holding_line_break(void **state)
{
    (void)state;
    static const char tsv[] = "benefits\tbenefits\nrequirements\t"
                              "requirements\ncompany\tabout\n";
    static const char *const texts[] = {
        "<li class=\"a\"\nBenefits:>Requirements\nPython\n",
        "<li\nabout\xEF\xBC\x9A>about\nPython\n",
        "Intro.<p style=\"x\nBenefits: y\">Requirements</p>Python",
        "<li>Benefits</li>\n<li data-x=\"a:b\">Requirements</li>Python"};
    struct skidx_section_rules r2 = {0};
    parse_tsv(&r2, tsv);
    struct skidx_sections a = {0}, b = {0};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        const char *t = texts[i];
        const size_t n = strlen(t);
        const uint32_t py = (uint32_t)(strstr(t, "Python") - t);
        for (int pk = 0; pk < 3; pk++) {
            assert_int_equal(skidx_sections_split(&r2, t, n, &a, kPaths[pk]),
                             SKIDX_OK);
            /* nothing inside a tag is a heading */
            for (size_t k = 0; k < a.n; k++) {
                const char *lt = NULL;
                for (const char *c = t; c < t + a.s[k].start; c++)
                    if (*c == '<')
                        lt = c;
                    else if (*c == '>')
                        lt = NULL;
                if (lt)
                    fail_msg("text %zu: a heading at %u inside a tag", i,
                             a.s[k].start);
            }
            if (i != 1 && !skidx_section_counts(skidx_sections_kind_at(&a, py)))
                fail_msg("text %zu, path %d: Python does not count", i, pk);
            modes_count_alike(&r2, t, n, &a, &b, pk, i);
        }
    }
    skidx_sections_release(&a);
    skidx_sections_release(&b);
    skidx_section_rules_release(&r2);
}

static void expect_error(const char *tsv, uint64_t line, const char *msg)
{
    struct skidx_section_rules r = {0};
    struct skidx_error err;
    skidx_error_clear(&err);
    skidx_status st = skidx_section_rules_parse(&r, "tax/sections.tsv", tsv,
                                                strlen(tsv), &err);
    if (st != SKIDX_ERR_TAXONOMY || !strstr(err.msg, msg))
        fprintf(stderr, "'%s': status %d, %llu: %s\n", tsv, (int)st,
                (unsigned long long)err.line, err.msg);
    assert_int_equal(st, SKIDX_ERR_TAXONOMY);
    assert_int_equal(err.line, line);
    assert_string_equal(err.path, "tax/sections.tsv");
    assert_non_null(strstr(err.msg, msg));
    skidx_section_rules_release(&r);
}

static void rules_errors(void **state)
{
    (void)state;
    expect_error("# c\nperks\tPerks\n", 2, "unknown section kind 'perks'");
    expect_error("benefits\tPerks\nbenefits\tGym\tperks\n", 2,
                 "heading 'perks' is listed twice (line 1)");
    expect_error("legal\t* is fine\n", 1, "needs a lead-in sentence");
    expect_error("legal\ta * b\n", 1, "bad heading 'a * b'");
    expect_error("company\n", 1, "with no heading");
    expect_error("company\t\tx\n", 1, "bad heading ''");
    expect_error("company\tok\ncompany\t\xC3\x28\n", 2, "invalid UTF-8");
    /* a good file: folded, markers parsed */
    struct skidx_section_rules r = {0};
    struct skidx_error err;
    const char *ok = "\xEF\xBB\xBF# c\r\ncompany\tAbout *\t\xC3\x9C" "ber UNS\t"
                     "* is an EOE...\r\n";
    assert_int_equal(skidx_section_rules_parse(&r, "x", ok, strlen(ok), &err),
                     SKIDX_OK);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.n_lead, 1);
    int seen = 0;
    for (size_t i = 0; i < r.n; i++) {
        if (!strcmp(r.r[i].text, "\xC3\xBC" "ber uns"))
            seen |= 1;
        if (!strcmp(r.r[i].text, "about") &&
            r.r[i].flags == SKIDX_SECR_TAIL_WILD)
            seen |= 2;
        if (!strcmp(r.r[i].text, "is an eoe") &&
            r.r[i].flags == (SKIDX_SECR_LEAD_WILD | SKIDX_SECR_SENTENCE))
            seen |= 4;
    }
    assert_int_equal(seen, 7);
    skidx_section_rules_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(english),
        cmocka_unit_test(about),
        cmocka_unit_test(html),
        cmocka_unit_test(glued),
        cmocka_unit_test(not_headings),
        cmocka_unit_test(lead_in_sentences),
        cmocka_unit_test(german_french_spanish),
        cmocka_unit_test(chinese),
        cmocka_unit_test(kind_at),
        cmocka_unit_test(simd_paths_agree),
        cmocka_unit_test(dense_candidates),
        cmocka_unit_test(prefix_filters),
        cmocka_unit_test(shared_words),
        cmocka_unit_test(block_boundaries),
        cmocka_unit_test(lead_in_upto),
        cmocka_unit_test(lead_in_tags),
        cmocka_unit_test(empty_lines),
        cmocka_unit_test(lead_in_tag_reach),
        cmocka_unit_test(heading_memo),
        cmocka_unit_test(heading_memo_tags),
        cmocka_unit_test(prefix_filter_random),
        cmocka_unit_test(colon_look_back),
        cmocka_unit_test(same_start_other_kind),
        cmocka_unit_test(tag_holding_line_break),
        cmocka_unit_test(rules_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
