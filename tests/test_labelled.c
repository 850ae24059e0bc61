/*
 * test_labelled.c - precision and recall of the default taxonomy on
 * labelled job-posting sentences, and accuracy of the role and level
 * classification on labelled titles (tests/labelled/). Prints the figures
 * and every miss; fails below precision 0.97, recall 0.95, or on any title
 * classified otherwise than labelled.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/posting.h"
#include "core/taxonomy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAX_DIR SKIDX_SOURCE_DIR "/taxonomy"
#define LAB_DIR SKIDX_SOURCE_DIR "/tests/labelled"

struct fixture {
    struct skidx_taxonomy *tax;
    struct skidx_compiled *comp;
    struct skidx_worker w;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct skidx_error err;
    skidx_error_clear(&err);
    if (!f)
        return -1;
    if (skidx_taxonomy_load(TAX_DIR, &f->tax, &err) ||
        skidx_compiled_create(f->tax, &f->comp, &err) ||
        skidx_worker_init(&f->w, f->comp)) {
        fprintf(stderr, "taxonomy: %s:%llu: %s\n", err.path,
                (unsigned long long)err.line, err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    skidx_worker_release(&f->w);
    skidx_compiled_free(f->comp);
    skidx_taxonomy_free(f->tax);
    free(f);
    return 0;
}

static int32_t find_skill(const struct skidx_taxonomy *t, const char *name)
{
    for (uint32_t i = 0; i < t->n_skills; i++)
        if (!strcmp(t->skill_name[i], name))
            return (int32_t)i;
    return -1;
}

static int32_t find_in(char *const *names, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return (int32_t)i;
    return -1;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static void sentences(void **state)
{
    struct fixture *f = *state;
    FILE *fp = fopen(LAB_DIR "/sentences.tsv", "r");
    assert_non_null(fp);
    char *line = NULL;
    size_t cap = 0;
    unsigned long tp = 0, fp_n = 0, fn = 0, n_sent = 0, lineno = 0;
    uint8_t *want = calloc(f->tax->n_skills, 1);
    assert_non_null(want);
    while (getline(&line, &cap, fp) >= 0) {
        lineno++;
        chomp(line);
        if (!line[0] || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab); /* every labelled line has two columns */
        *tab = '\0';
        const char *text = line, *labels = tab + 1;
        memset(want, 0, f->tax->n_skills);
        char *copy = strdup(labels);
        for (char *tok = strtok(copy, ";"); tok; tok = strtok(NULL, ";")) {
            while (*tok == ' ')
                tok++;
            if (!*tok)
                continue;
            int32_t k = find_skill(f->tax, tok);
            if (k < 0)
                fail_msg("sentences.tsv:%lu: label '%s' is not a skill of "
                         "the taxonomy",
                         lineno, tok);
            want[k] = 1;
        }
        free(copy);
        skidx_match_reset(&f->w.skills);
        assert_int_equal(skidx_match_text(f->comp->skills, &f->w.skills, text,
                                          strlen(text), SKIDX_ENGINE_WORDS),
                         SKIDX_OK);
        uint8_t *got = calloc(f->tax->n_skills, 1);
        assert_non_null(got);
        for (size_t i = 0; i < f->w.skills.n_owners; i++)
            got[f->w.skills.owners[i]] = 1;
        for (uint32_t k = 0; k < f->tax->n_skills; k++) {
            if (got[k] && want[k])
                tp++;
            else if (got[k]) {
                fp_n++;
                printf("  false positive  %-22s sentences.tsv:%lu  %s\n",
                       f->tax->skill_name[k], lineno, text);
            } else if (want[k]) {
                fn++;
                printf("  false negative  %-22s sentences.tsv:%lu  %s\n",
                       f->tax->skill_name[k], lineno, text);
            }
        }
        free(got);
        n_sent++;
    }
    free(line);
    free(want);
    fclose(fp);
    double precision = tp + fp_n ? (double)tp / (double)(tp + fp_n) : 0;
    double recall = tp + fn ? (double)tp / (double)(tp + fn) : 0;
    printf("sentences: %lu, labels %lu; true positives %lu, false positives "
           "%lu, false negatives %lu\n",
           n_sent, tp + fn, tp, fp_n, fn);
    printf("micro precision %.4f, micro recall %.4f\n", precision, recall);
    assert_true(n_sent >= 400);
    assert_true(precision >= 0.97);
    assert_true(recall >= 0.95);
}

static void titles(void **state)
{
    struct fixture *f = *state;
    FILE *fp = fopen(LAB_DIR "/titles.tsv", "r");
    assert_non_null(fp);
    char *line = NULL;
    size_t cap = 0;
    unsigned long n = 0, right = 0, role_ok = 0, level_ok = 0, lineno = 0;
    while (getline(&line, &cap, fp) >= 0) {
        lineno++;
        chomp(line);
        if (!line[0] || line[0] == '#')
            continue;
        char *t1 = strchr(line, '\t');
        assert_non_null(t1);
        *t1 = '\0';
        char *t2 = strchr(t1 + 1, '\t');
        assert_non_null(t2);
        *t2 = '\0';
        const char *title = line, *role = t1 + 1, *level = t2 + 1;
        int32_t want_r = find_in(f->tax->role_name, f->tax->n_roles, role);
        int32_t want_l = find_in(f->tax->level_name, f->tax->n_levels, level);
        if (want_r < 0 || want_l < 0)
            fail_msg("titles.tsv:%lu: unknown role '%s' or level '%s'", lineno,
                     role, level);
        uint32_t r, l;
        assert_int_equal(skidx_classify(f->comp, &f->w, title, strlen(title),
                                        NULL, 0, &r, &l),
                         SKIDX_OK);
        role_ok += r == (uint32_t)want_r;
        level_ok += l == (uint32_t)want_l;
        if (r == (uint32_t)want_r && l == (uint32_t)want_l)
            right++;
        else
            printf("  wrong  titles.tsv:%lu  %-50s got %s / %s, want %s / %s\n",
                   lineno, title, f->tax->role_name[r], f->tax->level_name[l],
                   role, level);
        n++;
    }
    free(line);
    fclose(fp);
    double acc = n ? (double)right / (double)n : 0;
    printf("titles: %lu; role right %lu, level right %lu, both right %lu\n",
           n, role_ok, level_ok, right);
    printf("title accuracy (role and level) %.4f\n", acc);
    assert_true(n >= 300);
    /* each title is the test of a rule: all of them hold */
    assert_int_equal(right, n);
}

/* Whole descriptions with headings: the skills that count (the title is
 * empty), through the code `index` counts with. Prints every miss; fails
 * on any. */
static void sections(void **state)
{
    struct fixture *f = *state;
    FILE *fp = fopen(LAB_DIR "/sections.tsv", "r");
    assert_non_null(fp);
    char *line = NULL;
    size_t cap = 0;
    unsigned long n = 0, wrong = 0, lineno = 0;
    uint8_t *want = calloc(f->tax->n_skills, 1);
    assert_non_null(want);
    while (getline(&line, &cap, fp) >= 0) {
        lineno++;
        chomp(line);
        if (!line[0] || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        /* "\n" -> line break */
        char *text = strdup(line);
        size_t k = 0;
        for (size_t i = 0; line[i]; i++) {
            if (line[i] == '\\' && line[i + 1] == 'n') {
                text[k++] = '\n';
                i++;
            } else {
                text[k++] = line[i];
            }
        }
        text[k] = '\0';
        memset(want, 0, f->tax->n_skills);
        char *copy = strdup(tab + 1);
        for (char *tok = strtok(copy, ";"); tok; tok = strtok(NULL, ";")) {
            int32_t s = find_skill(f->tax, tok);
            if (s < 0)
                fail_msg("sections.tsv:%lu: label '%s' is not a skill",
                         lineno, tok);
            want[s] = 1;
        }
        free(copy);
        struct skidx_posting p;
        memset(&p, 0, sizeof(p));
        p.v[SKIDX_P_DESCRIPTION] =
            (struct skidx_value){text, k, SKIDX_V_STRING};
        struct skidx_posting_result r;
        unsigned skip = 0;
        assert_int_equal(skidx_posting_process(f->comp, &f->w, &p, "USD", 0,
                                               SKIDX_ENGINE_WORDS, &r, &skip),
                         SKIDX_OK);
        uint8_t *got = calloc(f->tax->n_skills, 1);
        assert_non_null(got);
        for (size_t i = 0; i < r.n_skills; i++)
            got[r.skills[i]] = 1;
        int bad = 0;
        for (uint32_t s = 0; s < f->tax->n_skills; s++)
            if (got[s] != want[s]) {
                printf("  %s  %-22s sections.tsv:%lu\n",
                       got[s] ? "counted, should not" : "missed         ",
                       f->tax->skill_name[s], lineno);
                bad = 1;
            }
        wrong += bad;
        free(got);
        free(text);
        n++;
    }
    free(line);
    free(want);
    fclose(fp);
    printf("section descriptions: %lu, wrong %lu\n", n, wrong);
    assert_true(n >= 20);
    assert_int_equal(wrong, 0);
}

static void taxonomy_size(void **state)
{
    struct fixture *f = *state;
    size_t aliases = skidx_alias_set_count(&f->tax->skills, 0);
    printf("taxonomy: %u skills, %zu aliases, %u categories\n",
           f->tax->n_skills, aliases, f->tax->n_cats);
    assert_true(f->tax->n_skills >= 1000);
    assert_true(aliases >= 4000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(taxonomy_size),
        cmocka_unit_test(sentences),
        cmocka_unit_test(titles),
        cmocka_unit_test(sections),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
