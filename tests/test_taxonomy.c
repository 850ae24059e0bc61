/*
 * test_taxonomy.c - the taxonomy parser (src/core/taxonomy.c): valid files,
 * alias forms, properties, BOM and CRLF, the content hash, and every error,
 * each of which must name the file and the line and quote the alias.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/error.h"
#include "core/match.h"
#include "core/taxonomy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ROLES[] = "role\tOther\t0\nlevel\tMid\t0\n";
static struct skidx_error ERR;

/* Parse (exact-size copies, so ASan sees overreads); returns the status. */
static skidx_status parse_n(const char *sk, size_t sn, const char *ro,
                            size_t rn, struct skidx_taxonomy **t)
{
    char *a = malloc(sn ? sn : 1), *b = malloc(rn ? rn : 1);
    assert_true(a && b);
    memcpy(a, sk, sn);
    memcpy(b, ro, rn);
    skidx_error_clear(&ERR);
    skidx_status st = skidx_taxonomy_parse("tax", a, sn, b, rn, t, &ERR);
    free(a);
    free(b);
    if (st)
        assert_null(*t);
    return st;
}

static skidx_status parse(const char *sk, const char *ro,
                          struct skidx_taxonomy **t)
{
    return parse_n(sk, strlen(sk), ro, strlen(ro), t);
}

/* The parse fails with SKIDX_ERR_TAXONOMY naming file/line, and the
 * message holds `quote` (if given). */
static void expect_error_n(const char *sk, size_t sn, const char *ro,
                           size_t rn, const char *file, uint64_t line,
                           const char *quote)
{
    struct skidx_taxonomy *t = NULL;
    assert_int_equal(parse_n(sk, sn, ro, rn, &t), SKIDX_ERR_TAXONOMY);
    assert_int_equal(ERR.status, SKIDX_ERR_TAXONOMY);
    assert_string_equal(ERR.path, file);
    if (ERR.line != line)
        fprintf(stderr, "line %llu, want %llu: %s\n",
                (unsigned long long)ERR.line, (unsigned long long)line,
                ERR.msg);
    assert_int_equal(ERR.line, line);
    assert_true(ERR.msg[0] != '\0');
    if (quote && !strstr(ERR.msg, quote)) {
        fprintf(stderr, "message '%s' does not hold \"%s\"\n", ERR.msg,
                quote);
        fail();
    }
}

static void expect_skills_error(const char *sk, uint64_t line,
                                const char *quote)
{
    expect_error_n(sk, strlen(sk), ROLES, strlen(ROLES), "tax/skills.tsv",
                   line, quote);
}

static void expect_roles_error(const char *ro, uint64_t line,
                               const char *quote)
{
    static const char sk[] = "Python\tlang\tpython\n";
    expect_error_n(sk, strlen(sk), ro, strlen(ro), "tax/roles.tsv", line,
                   quote);
}

static const struct skidx_alias *find_alias(const struct skidx_alias_set *s,
                                            const char *text)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->a[i].text, text))
            return &s->a[i];
    return NULL;
}

/* ---- valid files ---- */

static const char SKILLS[] =
    "# skidx skills\n"
    "@name\tmy-tax\n"
    "@version\t2026.1\n"
    "\n"
    "Python\tLanguages\tpython\tpy3\n"
    "Go\tLanguages\t=Go\tgolang\n"
    "C\tlanguages\t=C\t!C++\t!=C#\n"
    "Deep Learning\tML\t/deep[- ]?learning/\t=/\\bDL\\b/\t!/deep learning "
    "rate/\n"
    "  Spaced  \t ML \t  machine learning  \n";

static const char ROLES_OK[] =
    "# roles\n"
    "role\tML Engineer\t10\tml engineer\t/machine learning engineer/\n"
    "role\tData Scientist\t20\tdata scientist\n"
    "role\tOther\t99\n"
    "level-field\tSenior\t5\tmid-senior\n"
    "level\tSenior\t10\tsenior\tsr\n"
    "level\tMid\t50\n"
    "level-field\tMid\t5\tassociate\n";

static void test_valid(void **state)
{
    (void)state;
    struct skidx_taxonomy *t = NULL;
    assert_int_equal(parse(SKILLS, ROLES_OK, &t), SKIDX_OK);
    assert_string_equal(t->name, "my-tax");
    assert_string_equal(t->version, "2026.1");
    assert_string_equal(t->skills_path, "tax/skills.tsv");
    assert_string_equal(t->roles_path, "tax/roles.tsv");
    assert_int_equal(t->n_skills, 5);
    assert_string_equal(t->skill_name[0], "Python");
    assert_string_equal(t->skill_name[4], "Spaced");
    /* categories are caseless: "languages" is "Languages" */
    assert_int_equal(t->n_cats, 2);
    assert_int_equal(t->skill_cat[0], t->skill_cat[2]);
    assert_string_equal(t->cat_name[t->skill_cat[4]], "ML");
    assert_int_equal(t->skills.n, 11);
    assert_int_equal(skidx_alias_set_count(&t->skills, 0), 8);
    assert_int_equal(skidx_alias_set_count(&t->skills, 1), 3);

    const struct skidx_alias *a = find_alias(&t->skills, "Go");
    assert_non_null(a);
    assert_int_equal(a->flags, SKIDX_ALIAS_CASE);
    assert_int_equal(a->owner, 1);
    assert_int_equal(a->line, 6);
    assert_int_equal(a->len, 2);
    a = find_alias(&t->skills, "C#");
    assert_non_null(a);
    assert_int_equal(a->flags, SKIDX_ALIAS_NEG | SKIDX_ALIAS_CASE);
    a = find_alias(&t->skills, "deep[- ]?learning");
    assert_non_null(a);
    assert_int_equal(a->flags, SKIDX_ALIAS_REGEX);
    a = find_alias(&t->skills, "\\bDL\\b");
    assert_non_null(a);
    assert_int_equal(a->flags, SKIDX_ALIAS_REGEX | SKIDX_ALIAS_CASE);
    a = find_alias(&t->skills, "deep learning rate");
    assert_non_null(a);
    assert_int_equal(a->flags, SKIDX_ALIAS_REGEX | SKIDX_ALIAS_NEG);
    a = find_alias(&t->skills, "machine learning"); /* trimmed */
    assert_non_null(a);
    assert_int_equal(a->owner, 4);
    assert_int_equal(a->line, 9);

    /* roles: order of first line, fallback, priorities, pending level */
    assert_int_equal(t->n_roles, 3);
    assert_string_equal(t->role_name[t->role_fallback], "Other");
    assert_int_equal(t->n_levels, 2);
    assert_string_equal(t->level_name[0], "Senior");
    assert_string_equal(t->level_name[1], "Mid");
    assert_int_equal(t->level_default, 1);
    a = find_alias(&t->roles, "data scientist");
    assert_non_null(a);
    assert_int_equal(a->prio, 20);
    assert_int_equal(a->owner, 1);
    a = find_alias(&t->level_fields, "mid-senior");
    assert_non_null(a);
    assert_int_equal(a->owner, 0); /* named before its level line */
    assert_int_equal(a->prio, 5);
    a = find_alias(&t->level_fields, "associate");
    assert_non_null(a);
    assert_int_equal(a->owner, 1);
    assert_int_equal(t->levels.n, 2);

    /* everything compiles */
    struct skidx_matcher *m = NULL;
    struct skidx_error err;
    assert_int_equal(skidx_matcher_create(&t->skills, t->n_skills, &m, &err),
                     SKIDX_OK);
    skidx_matcher_free(m);
    assert_int_equal(skidx_matcher_create(&t->roles, t->n_roles, &m, &err),
                     SKIDX_OK);
    skidx_matcher_free(m);
    skidx_taxonomy_free(t);
    skidx_taxonomy_free(NULL);
}

/* A trailing TAB (an empty last alias) and a BOM starting a line other
 * than the first are errors naming the file and line, in both files. */
static void test_trailing_tab_and_late_bom(void **state)
{
    (void)state;
    expect_skills_error("Python\tlang\tpython\tpy\t\n", 1, "trailing TAB");
    expect_skills_error("Python\tlang\tpython\nSQL\tdb\tsql\t\r\n", 2,
                        "trailing TAB");
    expect_roles_error("role\tOther\t0\nrole\tML\t1\tml engineer\t\n"
                       "level\tMid\t0\n",
                       2, "trailing TAB");
    expect_roles_error("role\tOther\t0\t\nlevel\tMid\t0\n", 1,
                       "trailing TAB");
    expect_skills_error("Python\tlang\tpython\n\xEF\xBB\xBFSQL\tdb\tsql\n", 2,
                        "BOM");
    expect_skills_error("# c\n\xEF\xBB\xBF# comment\nSQL\tdb\tsql\n", 2, "BOM");
    expect_roles_error("role\tOther\t0\n\xEF\xBB\xBFlevel\tMid\t0\n", 2,
                       "BOM");
    /* one at the start of the file is still accepted (with a comment) */
    struct skidx_taxonomy *t = NULL;
    assert_int_equal(parse("\xEF\xBB\xBF# c\nPython\tlang\tpython\n", ROLES,
                           &t),
                     SKIDX_OK);
    skidx_taxonomy_free(t);
}

static void test_defaults_bom_crlf(void **state)
{
    (void)state;
    struct skidx_taxonomy *t = NULL, *u = NULL, *v = NULL;
    static const char plain[] = "Python\tlang\tpython\tpy\n";
    assert_int_equal(parse(plain, ROLES, &t), SKIDX_OK);
    assert_string_equal(t->name, "unnamed");
    assert_string_equal(t->version, "");
    /* BOM on the first line of both files */
    static const char bom_sk[] = "\xEF\xBB\xBFPython\tlang\tpython\tpy\n";
    static const char bom_ro[] = "\xEF\xBB\xBFrole\tOther\t0\nlevel\tMid\t0\n";
    assert_int_equal(parse(bom_sk, bom_ro, &u), SKIDX_OK);
    assert_string_equal(u->skill_name[0], "Python");
    assert_int_equal(u->hash, t->hash);
    skidx_taxonomy_free(u);
    /* CRLF: no '\r' left in the last alias or anywhere */
    static const char crlf_sk[] = "Python\tlang\tpython\tpy\r\n";
    static const char crlf_ro[] = "role\tOther\t0\r\nlevel\tMid\t0\r\n";
    assert_int_equal(parse(crlf_sk, crlf_ro, &v), SKIDX_OK);
    assert_string_equal(v->skills.a[1].text, "py");
    assert_int_equal(v->skills.a[1].len, 2);
    assert_string_equal(v->role_name[0], "Other");
    assert_string_equal(v->level_name[0], "Mid");
    assert_int_equal(v->hash, t->hash);
    skidx_taxonomy_free(v);
    /* no final newline */
    assert_int_equal(parse("Python\tlang\tpython\tpy", "role\tOther\t0\n"
                           "level\tMid\t0", &v), SKIDX_OK);
    assert_int_equal(v->hash, t->hash);
    skidx_taxonomy_free(v);
    skidx_taxonomy_free(t);
}

static uint64_t hash_of(const char *sk, const char *ro)
{
    struct skidx_taxonomy *t = NULL;
    skidx_status st = parse(sk, ro, &t);
    if (st)
        fprintf(stderr, "%s:%llu: %s\n", ERR.path,
                (unsigned long long)ERR.line, ERR.msg);
    assert_int_equal(st, SKIDX_OK);
    uint64_t h = t->hash;
    skidx_taxonomy_free(t);
    return h;
}

static void test_hash(void **state)
{
    (void)state;
    uint64_t h = hash_of("Python\tlang\tpython\nGo\tlang\t=Go\n", ROLES);
    /* comments, blank lines, spacing around fields: same content */
    assert_true(hash_of("# c\n\nPython\tlang\tpython\n# x\n\n"
                        "Go \t lang\t =Go \n\n",
                        "# r\nrole\tOther\t0\n\nlevel\tMid\t0\n# e\n") == h);
    assert_true(hash_of("Python\tlang\tpython\r\nGo\tlang\t=Go\r\n", ROLES) ==
                h);
    /* any change in content changes it */
    assert_true(hash_of("Python\tlang\tpythons\nGo\tlang\t=Go\n", ROLES) != h);
    assert_true(hash_of("Python\tlang\tpython\nGo\tlang\tGo\n", ROLES) != h);
    assert_true(hash_of("Python\tlang\tpython\nGo\tlang\t=Go\t!=Go!\n",
                        ROLES) != h);
    assert_true(hash_of("Python\tlang\t/python/\nGo\tlang\t=Go\n", ROLES) !=
                h);
    assert_true(hash_of("Python\tlang\tpython\nGo\tlangs\t=Go\n", ROLES) != h);
    assert_true(hash_of("Python\tlang\tpython\nGO\tlang\t=Go\n", ROLES) != h);
    assert_true(hash_of("Go\tlang\t=Go\nPython\tlang\tpython\n", ROLES) != h);
    assert_true(hash_of("@name\tx\nPython\tlang\tpython\nGo\tlang\t=Go\n",
                        ROLES) != h);
    assert_true(hash_of("@version\t1\nPython\tlang\tpython\nGo\tlang\t=Go\n",
                        ROLES) != h);
    /* the fallback's priority decides nothing; a rule's priority does */
    assert_true(hash_of("Python\tlang\tpython\nGo\tlang\t=Go\n",
                        "role\tOther\t1\nlevel\tMid\t0\n") == h);
    assert_true(hash_of("Python\tlang\tpython\nGo\tlang\t=Go\n",
                        "role\tOther\t0\nlevel\tMid\t0\nrole\tX\t1\tx\n") !=
                hash_of("Python\tlang\tpython\nGo\tlang\t=Go\n",
                        "role\tOther\t0\nlevel\tMid\t0\nrole\tX\t2\tx\n"));
    assert_true(hash_of("Python\tlang\tpython\nGo\tlang\t=Go\n",
                        "role\tOther\t0\nlevel\tMid\t0\nrole\tX\t1\tx\n") !=
                h);
}

/* ---- separator markers ---- */

static void test_separator_markers(void **state)
{
    (void)state;
    struct skidx_taxonomy *t = NULL;
    assert_int_equal(parse("TS\tml\t+time series\t~go to market\t=+Big Data"
                           "\t+~=x\tfront end\tscikit-learn\t+front-end\n",
                           ROLES, &t),
                     SKIDX_ERR_TAXONOMY); /* '~' with '+' */
    assert_true(strstr(ERR.msg, "'+~=x'") != NULL);
    assert_int_equal(parse("TS\tml\t+time series\t~go to market\t=+Big Data"
                           "\tfront end\tscikit-learn\t+front-end\t~+\n",
                           ROLES, &t),
                     SKIDX_ERR_TAXONOMY); /* '~' then '+' */
    assert_int_equal(parse("TS\tml\t+time series\t~go to market\t=+Big Data"
                           "\tfront end\tscikit-learn\t+front-end\n",
                           ROLES, &t),
                     SKIDX_OK);
    const struct skidx_alias *a = find_alias(&t->skills, "time series");
    assert_non_null(a);
    assert_int_equal(a->flags, SKIDX_ALIAS_JOINED);
    assert_true(skidx_alias_flexible(a));
    a = find_alias(&t->skills, "go to market");
    assert_int_equal(a->flags, SKIDX_ALIAS_STRICT);
    assert_false(skidx_alias_flexible(a));
    a = find_alias(&t->skills, "Big Data");
    assert_int_equal(a->flags, SKIDX_ALIAS_JOINED | SKIDX_ALIAS_CASE);
    assert_true(skidx_alias_flexible(find_alias(&t->skills, "front end")));
    assert_false(skidx_alias_flexible(find_alias(&t->skills, "scikit-learn")));
    assert_true(skidx_alias_flexible(find_alias(&t->skills, "front-end")));
    skidx_taxonomy_free(t);
    /* on a regex they mean nothing: refused */
    expect_skills_error("A\tb\t~/x y/\n", 1, "'~/x y/'");
    expect_skills_error("A\tb\ta\t!+/x y/\n", 1, "'!+/x y/'");
    /* and they are content: the hash changes */
    assert_true(hash_of("A\tb\tx y\n", ROLES) != hash_of("A\tb\t~x y\n", ROLES));
    assert_true(hash_of("A\tb\tx y\n", ROLES) != hash_of("A\tb\t+x y\n", ROLES));
    /* @camel-split: on or off, in the hash only when on */
    expect_skills_error("@camel-split\tyes\nA\tb\ta\n", 1, "'yes'");
    assert_int_equal(parse("@camel-split\ton\nA\tb\ta\n", ROLES, &t),
                     SKIDX_OK);
    assert_int_equal(t->skills.camel_split, 1);
    skidx_taxonomy_free(t);
    assert_true(hash_of("@camel-split\toff\nA\tb\ta\n", ROLES) ==
                hash_of("A\tb\ta\n", ROLES));
    assert_true(hash_of("@camel-split\ton\nA\tb\ta\n", ROLES) !=
                hash_of("A\tb\ta\n", ROLES));
}

/* @onet: and @esco: columns after the aliases: stored by skill, part of
 * the hash (only when a taxonomy has links: one without keeps the hash it
 * had before links existed). */
static void test_links(void **state)
{
    (void)state;
    struct skidx_taxonomy *t = NULL;
    const char *sk = "Python\tlang\tpython\t@onet:43232306\t"
                     "@esco:https://data.europa.eu/esco/skill/abc\t"
                     "@onet:43232408\n"
                     "Go\tlang\t=Go\n"
                     "SQL\tlang\tsql\t@esco:http://x.org/s\n";
    assert_int_equal(parse(sk, ROLES, &t), SKIDX_OK);
    assert_int_equal(t->n_skills, 3);
    assert_int_equal(t->onet.first[1], 2);
    assert_int_equal(t->onet.first[3], 2);
    assert_string_equal(t->onet.v[0], "43232306");
    assert_string_equal(t->onet.v[1], "43232408");
    assert_int_equal(t->esco.first[1], 1);
    assert_int_equal(t->esco.first[2], 1);
    assert_string_equal(t->esco.v[0], "https://data.europa.eu/esco/skill/abc");
    assert_string_equal(t->esco.v[1], "http://x.org/s");
    /* links are not aliases */
    assert_null(find_alias(&t->skills, "@onet:43232306"));
    skidx_taxonomy_free(t);

    const uint64_t h = hash_of("Python\tlang\tpython\nGo\tlang\t=Go\n", ROLES);
    assert_true(hash_of("Python\tlang\tpython\t@onet:43232306\n"
                        "Go\tlang\t=Go\n", ROLES) != h);
    assert_true(hash_of("Python\tlang\tpython\t@onet:43232306\n"
                        "Go\tlang\t=Go\n", ROLES) !=
                hash_of("Python\tlang\tpython\n"
                        "Go\tlang\t=Go\t@onet:43232306\n", ROLES));
    assert_true(hash_of("Python\tlang\tpython\t@esco:http://a/b\n"
                        "Go\tlang\t=Go\n", ROLES) !=
                hash_of("Python\tlang\tpython\t@esco:http://a/c\n"
                        "Go\tlang\t=Go\n", ROLES));

    /* malformed links name file and line */
    expect_skills_error("Python\tlang\tpython\nGo\tlang\t=Go\t@onet:4323\n",
                        2, "@onet:4323");
    expect_skills_error("Go\tlang\t=Go\t@onet:4323230x\n", 1, "8 digits");
    expect_skills_error("Go\tlang\t=Go\t@esco:ftp://x/y\n", 1, "http(s)");
    expect_skills_error("Go\tlang\t=Go\t@esco:http://x/ y\n", 1,
                        "@esco:http://x/ y");
    expect_skills_error("Go\tlang\t=Go\t@esco:http://a\t@esco:http://b\n", 1,
                        "at most one");
    expect_skills_error("Go\tlang\t=Go\t@onet:43232306\t@onet:43232306\n", 1,
                        "twice");
    expect_skills_error("Go\tlang\t=Go\t@xyz:1\n", 1, "'@xyz:'");
    expect_skills_error("Go\tlang\t=Go\t@onet:43232306\tgolang\n", 1,
                        "after a link");
    /* a skill needs an alias besides its links */
    expect_skills_error("Go\tlang\t@onet:43232306\n", 1, "no alias");
}

/* ---- errors in skills.tsv ---- */

static void test_skills_errors(void **state)
{
    (void)state;
    /* missing columns */
    expect_skills_error("Python\tlang\tpython\nGo\tlang\n", 2, NULL);
    expect_skills_error("Python\tlang\tpython\nGo\n", 2, NULL);
    expect_skills_error("Python\t\tpython\n", 1, NULL);
    expect_skills_error("\tlang\tpython\n", 1, NULL);
    /* no alias, only a trailing TAB */
    expect_skills_error("Python\tlang\t\n", 1, "trailing TAB");
    expect_skills_error("Python\tlang\t!python\n", 1, "'Python'");
    /* empty aliases */
    expect_skills_error("# c\nPython\tlang\tpython\t\tpy\n", 2, "''");
    expect_skills_error("Python\tlang\tpython\t=\n", 1, "'='");
    expect_skills_error("Python\tlang\tpython\t!\n", 1, "'!'");
    expect_skills_error("Python\tlang\tpython\t//\n", 1, "'//'");
    expect_skills_error("Python\tlang\tpython\t   \n", 1, "'   '");
    /* no ASCII letter or digit */
    expect_skills_error("Dash\tp\t\xE2\x80\x94\n", 1, "'\xE2\x80\x94'");
    expect_skills_error("A\tb\ta\nPlus\tp\tc\t++\n", 2, "'++'");
    expect_skills_error("Plus\tp\tplus\t!=++\n", 1, "'!=++'");
    expect_skills_error("U\tp\t\xC3\xBC\xC3\xA9\n", 1, "'\xC3\xBC\xC3\xA9'");
    /* a Han literal is fine; one that ends with a Latin letter is not */
    expect_skills_error("U\tp\t\xE6\x95\xB0\xC3\xBC\n", 1,
                        "'\xE6\x95\xB0\xC3\xBC'");
    /* duplicate skills, caseless */
    expect_skills_error("Python\tlang\tpython\n\nPYTHON\tlang\tpy\n", 3,
                        "'PYTHON'");
    /* a positive alias of two skills: caseless */
    expect_skills_error("Python\tlang\tpython\nSnake\tzoo\tPython\n", 2,
                        "'Python'");
    expect_skills_error("A\tx\tfoo\nB\tx\tbar\nC\tx\tbaz\tFOO\n", 3, "'FOO'");
    /* case-sensitive vs caseless overlap, either way round */
    expect_skills_error("Go\tlang\t=Go\nGame\tx\tgo\n", 2, "'go'");
    expect_skills_error("Game\tx\tgo\nGo\tlang\t=Go\n", 2, "'Go'");
    /* both case-sensitive and equal */
    expect_skills_error("Go\tlang\t=Go\nGame\tx\t=Go\n", 2, "'Go'");
    /* the same regex twice */
    expect_skills_error("A\tx\t/a+b/\nB\tx\t/a+b/\n", 2, "'a+b'");
    /* invalid UTF-8 and NUL */
    expect_skills_error("Python\tlang\tpython\nBad\tx\tb\xFFz\n", 2, NULL);
    expect_skills_error("Python\tlang\tpython\nBad\tx\t\xC3\n", 2, NULL);
    expect_skills_error("A\tx\ta\nB\tx\tb\n\xED\xA0\x80\tx\tc\n", 3, NULL);
    {
        static const char nul[] = "Python\tlang\tpython\nN\tx\tn\0ul\n";
        expect_error_n(nul, sizeof(nul) - 1, ROLES, strlen(ROLES),
                       "tax/skills.tsv", 2, NULL);
    }
    /* properties */
    expect_skills_error("@name\n", 1, NULL);
    expect_skills_error("Python\tlang\tpython\n@colour\tblue\n", 2,
                        "'@colour'");
}

static void test_allowed_overlaps(void **state)
{
    (void)state;
    struct skidx_taxonomy *t = NULL;
    /* =Go and =GO are different case-sensitive aliases */
    assert_int_equal(parse("Go\tlang\t=Go\nGoo\tx\t=GO\n", ROLES, &t),
                     SKIDX_OK);
    skidx_taxonomy_free(t);
    /* one skill may list the same alias twice; negatives may repeat */
    assert_int_equal(parse("Go\tlang\tgo\tGo\t!go\nR\tx\t=R\t!go\n", ROLES,
                           &t), SKIDX_OK);
    skidx_taxonomy_free(t);
    /* a regex and a literal with the same text are different patterns */
    assert_int_equal(parse("A\tx\tab\nB\tx\t/ab/\n", ROLES, &t), SKIDX_OK);
    skidx_taxonomy_free(t);
}

static void test_bad_regex(void **state)
{
    (void)state;
    struct skidx_taxonomy *t = NULL;
    struct skidx_matcher *m = NULL;
    static const char sk[] = "# c\nA\tx\ta\nB\tx\tb\t/(unclosed/\nC\tx\tc\n";
    assert_int_equal(parse(sk, ROLES, &t), SKIDX_OK);
    skidx_error_clear(&ERR);
    assert_int_equal(skidx_matcher_create(&t->skills, t->n_skills, &m, &ERR),
                     SKIDX_ERR_TAXONOMY);
    assert_null(m);
    assert_string_equal(ERR.path, "tax/skills.tsv");
    assert_int_equal(ERR.line, 3);
    assert_non_null(strstr(ERR.msg, "(unclosed"));
    skidx_taxonomy_free(t);
    /* in roles.tsv: the roles file and line */
    static const char ro[] = "role\tOther\t0\nlevel\tMid\t0\n"
                             "role\tX\t1\t/[z-a]/\n";
    assert_int_equal(parse("A\tx\ta\n", ro, &t), SKIDX_OK);
    skidx_error_clear(&ERR);
    assert_int_equal(skidx_matcher_create(&t->roles, t->n_roles, &m, &ERR),
                     SKIDX_ERR_TAXONOMY);
    assert_string_equal(ERR.path, "tax/roles.tsv");
    assert_int_equal(ERR.line, 3);
    assert_non_null(strstr(ERR.msg, "[z-a]"));
    skidx_taxonomy_free(t);
}

/* ---- errors in roles.tsv ---- */

static void test_roles_errors(void **state)
{
    (void)state;
    /* unknown rule kind (kinds are exact words) */
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\nrol\tX\t1\tx\n", 3,
                       "'rol'");
    expect_roles_error("Role\tOther\t0\nlevel\tMid\t0\n", 1, "'Role'");
    /* too few columns, missing name */
    expect_roles_error("role\tOther\t0\nlevel\tMid\n", 2, NULL);
    expect_roles_error("role\t\t0\nlevel\tMid\t0\n", 1, NULL);
    /* bad priorities */
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\nrole\tX\tabc\tx\n", 3,
                       "'abc'");
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\nrole\tX\t-1\tx\n", 3,
                       "'-1'");
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\nrole\tX\t\tx\n", 3,
                       NULL);
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\nrole\tX\t1.5\tx\n", 3,
                       "'1.5'");
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\n"
                       "role\tX\t99999999999\tx\n", 3, "'99999999999'");
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\n"
                       "role\tX\t12345678901234567890\tx\n", 3, NULL);
    /* two fallbacks */
    expect_roles_error("role\tOther\t9\nlevel\tMid\t0\nrole\tMisc\t9\n", 3,
                       "'Other'");
    expect_roles_error("role\tOther\t9\nlevel\tMid\t0\n\nlevel\tAny\t9\n", 4,
                       "'Mid'");
    /* no fallback: the file is named, no line applies */
    expect_roles_error("role\tOther\t0\nlevel\tSenior\t1\tsenior\n",
                       UINT64_MAX, NULL);
    expect_roles_error("role\tDS\t0\tdata scientist\nlevel\tMid\t0\n",
                       UINT64_MAX, NULL);
    expect_roles_error("", UINT64_MAX, NULL);
    /* a level-field rule naming an unknown level, or with no alias */
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\n"
                       "level-field\tSenior\t1\tsenior\n", 3, "'Senior'");
    expect_roles_error("role\tOther\t0\nlevel-field\tLead\t1\tlead\n"
                       "level\tMid\t0\n", 2, "'Lead'");
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\n"
                       "level-field\tMid\t1\n", 3, NULL);
    /* alias errors carry the roles file */
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\nrole\tX\t1\t==\n", 3,
                       "'=='");
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\nrole\tX\t1\tx\n"
                       "role\tY\t1\tX\n", 4, "'X'");
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\nlevel\tSr\t1\tsr\n"
                       "level\tSenior\t1\tSR\n", 4, "'SR'");
    expect_roles_error("role\tOther\t0\nlevel\tMid\t0\nrole\tX\t1\t\xC0\xAF\n",
                       3, NULL);
    /* a role line's alias may repeat across priorities of one role */
    struct skidx_taxonomy *t = NULL;
    assert_int_equal(parse("A\tx\ta\n", "role\tX\t1\tx\nrole\tX\t2\tx\n"
                           "role\tOther\t9\nlevel\tMid\t0\n", &t), SKIDX_OK);
    assert_int_equal(t->n_roles, 2);
    skidx_taxonomy_free(t);
}

static void test_load_missing(void **state)
{
    (void)state;
    struct skidx_taxonomy *t = (struct skidx_taxonomy *)1;
    skidx_error_clear(&ERR);
    assert_int_equal(skidx_taxonomy_load("/nonexistent/skidx-tax", &t, &ERR),
                     SKIDX_ERR_IO);
    assert_null(t);
    assert_string_equal(ERR.path, "/nonexistent/skidx-tax/skills.tsv");
}


/* Strings by owner: grouped in owner order, each owner's in their order
 * without repeats; the table and its copy each hold their strings in the
 * one block after the pointers (one allocation, freed with them). */
static void test_owner_strings(void **state)
{
    (void)state;
    const uint32_t own[] = {2, 0, 2, 0, 2, 1, 0};
    const char *const txt[] = {"z", "a", "y", "b", "z", "", "a"};
    struct skidx_owner_strings o, c;
    assert_int_equal(skidx_owner_strings_build(&o, 4, own, txt, 7), SKIDX_OK);
    assert_int_equal(o.n_owners, 4);
    const uint32_t first[] = {0, 2, 3, 5, 5};
    const char *const want[] = {"a", "b", "", "z", "y"};
    for (int i = 0; i < 5; i++)
        assert_int_equal(o.first[i], first[i]);
    for (int i = 0; i < 5; i++)
        assert_string_equal(o.v[i], want[i]);
    assert_ptr_equal(o.v[0], (char *)(o.v + 5));
    assert_ptr_equal(o.v[4], o.v[3] + 2);
    assert_int_equal(skidx_owner_strings_copy(&c, &o), SKIDX_OK);
    skidx_owner_strings_release(&o);
    assert_null(o.v);
    for (int i = 0; i < 5; i++)
        assert_string_equal(c.v[i], want[i]);
    assert_ptr_equal(c.v[0], (char *)(c.v + 5));
    assert_int_equal(c.first[4], 5);
    skidx_owner_strings_release(&c);
    /* no strings at all */
    assert_int_equal(skidx_owner_strings_build(&o, 3, NULL, NULL, 0), SKIDX_OK);
    assert_int_equal(o.first[3], 0);
    assert_int_equal(skidx_owner_strings_copy(&c, &o), SKIDX_OK);
    assert_int_equal(c.first[3], 0);
    skidx_owner_strings_release(&o);
    skidx_owner_strings_release(&c);
}

/* skidx_quote(): short texts whole (no NUL needed after them), long ones
 * as head "..." tail, never cut inside a UTF-8 character. */
static void test_quote(void **state)
{
    (void)state;
    char q[SKIDX_QUOTE];
    assert_string_equal(skidx_quote("pytorchXXXX", 7, q), "pytorch");
    char s[600];
    for (int pad = 0; pad < 3; pad++) {
        /* pad ASCII bytes, then three-byte characters (E6 95 B0, "数") */
        size_t n = 0;
        for (int i = 0; i < pad; i++)
            s[n++] = 'x';
        while (n + 3 <= 500) {
            s[n++] = (char)0xE6;
            s[n++] = (char)0x95;
            s[n++] = (char)0xB0;
        }
        s[n++] = '/';
        const char *r = skidx_quote(s, n, q);
        size_t m = strlen(r);
        assert_true(m < SKIDX_QUOTE);
        const char *dots = strstr(r, "...");
        assert_non_null(dots);
        /* the head is a whole prefix of s, the tail a whole suffix */
        size_t h = (size_t)(dots - r), t = m - h - 3;
        assert_true(h >= 117 && h <= 120);
        assert_memory_equal(r, s, h);
        assert_true(t >= 58 && t <= 60);
        assert_memory_equal(r + h + 3, s + n - t, t);
        /* both cuts fall before a character's first byte */
        assert_true(((unsigned char)s[h] & 0xC0) != 0x80);
        assert_true(((unsigned char)s[n - t] & 0xC0) != 0x80);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_defaults_bom_crlf),
        cmocka_unit_test(test_trailing_tab_and_late_bom),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_separator_markers),
        cmocka_unit_test(test_skills_errors),
        cmocka_unit_test(test_allowed_overlaps),
        cmocka_unit_test(test_bad_regex),
        cmocka_unit_test(test_roles_errors),
        cmocka_unit_test(test_load_missing),
        cmocka_unit_test(test_owner_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
