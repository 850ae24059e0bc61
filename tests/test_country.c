/*
 * test_country.c - the country a location names (skidx_location_country,
 * src/core/country.c, with the table src/core/countries.tsv): real
 * location strings, each with the code checked by hand, among them the
 * ones that must give no country (they name none, or two); every form of
 * the table found alone; the names `--country` accepts; and the library
 * API on an index of the sample (each posting's country, the country
 * filter against a count over the postings) and on one of format 3.
 */
#include "skidx.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct loc_case {
    const char *loc, *want; /* "" : no country */
};

/* From tests/real/{en-a,eu,zh}/postings.jsonl, tests/corpora_real
 * (Glassdoor), corpora/sample and skidx-gen, each read by hand. */
static const struct loc_case real[] = {
    /* US: city and state code, state name, country name */
    {"San Francisco, CA", "US"},
    {"New York, NY", "US"},
    {"Austin, TX", "US"},
    {"Herndon, VA", "US"},
    {"Washington, DC", "US"},
    {"St Louis, MO", "US"},
    {"West Des Moines, IA", "US"},
    {"Aurora, OR", "US"},
    {"Kent, OH", "US"},       /* Kent (England) is not in the table */
    {"Cambridge, MA", "US"},  /* nor Cambridge (England) */
    {"Vienna, VA", "US"},     /* nor Vienna: only Wien names Austria */
    {"South Jordan, UT", "US"}, /* the longest form, not Jordan */
    {"Georgia, United States", "US"}, /* Georgia: GE or US; with US */
    {"Chandler, Arizona, United States", "US"},
    {"Minnesota, United States", "US"},
    {"New York, United States", "US"},
    {"Utah", "US"},
    {"United States", "US"},
    {"Remote - US", "US"},
    {"United States (Remote)", "US"},
    {"Mountain View, California, United States", "US"},
    {"San José, CA", "US"},
    {"Raleigh-Durham, NC", "US"},
    {"New York, NY 10001", "US"},
    /* GB: England, Scotland, Wales, Northern Ireland, UK */
    {"Edinburgh, Scotland, UK", "GB"},
    {"Belfast, Northern Ireland, UK", "GB"},
    {"Cardiff, Wales, UK", "GB"},
    {"London, England, UK", "GB"},
    {"London Area, United Kingdom", "GB"},
    {"Greater Bristol Area, United Kingdom", "GB"},
    {"Perth, Scotland, UK", "GB"}, /* Perth: AU or GB; with Scotland */
    {"England, United Kingdom", "GB"},
    {"Northern Ireland, United Kingdom", "GB"}, /* not Ireland */
    {"Manchester, UK", "GB"},
    {"Edinburgh, Scotland", "GB"},
    {"Glasgow", "GB"},
    {"Leeds", "GB"},
    {"London, England, United Kingdom", "GB"},
    /* Europe */
    {"Berlin", "DE"},
    {"Munich", "DE"},
    {"Cologne", "DE"},
    {"Düsseldorf", "DE"},
    {"Mannheim", "DE"},
    {"Remote,Munich, Germany", "DE"},
    {"Remote,Nürnberg, Germany", "DE"},
    {"Remote,Erkrath, Germany", "DE"},
    {"München, Bayern, Deutschland", "DE"},
    {"Berlin, Germany", "DE"},
    {"Remote,Paris, France", "FR"},
    {"Remote,Saint-Antonin-sur-Bayon, France", "FR"},
    {"Remote,Vélizy-Villacoublay, France", "FR"},
    {"remote,Lyon \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7", "FR"}, /* flag */
    {"Paris, Île-de-France, France", "FR"},
    {"Madrid, Madrid (España)", "ES"},
    {"Las Rozas De Madrid, Madrid (España)", "ES"},
    {"Madrid, España", "ES"},
    {"Remote,Schaerbeek, Belgium", "BE"},
    {"Amsterdam, Netherlands", "NL"},
    {"Dublin, Ireland", "IE"},
    {"Kraków, Poland", "PL"},
    {"Stockholm, Sweden", "SE"},
    /* elsewhere */
    {"Remote,Montréal, Canada", "CA"},
    {"Toronto, ON", "CA"},
    {"Montréal, QC", "CA"},
    {"Vancouver, BC", "CA"},
    {"Remote,Tunis, Tunisia", "TN"},
    {"Remote,Rabat, Morocco", "MA"},
    {"Bengaluru, Karnataka, India", "IN"},
    {"Hyderabad, Telangana, India", "IN"},
    {"Gurugram, Haryana", "IN"},
    {"成都", "CN"},
    {"上海-浦东新区", "CN"},
    {"深圳南山区朗科大厦", "CN"},
    {"北京海淀区百度科技园", "CN"},
    {"北京-CBD", "CN"},
    {"广州-珠江新城", "CN"},
    /* no country: none named */
    {"Remote", ""},
    {"Remote, Europe", ""},
    {"Anywhere", ""},
    {"Worldwide", ""},
    {"EMEA", ""},
    {"Essen", ""},      /* a German city not in the table */
    {"Wutöschingen", ""},
    {"Manchester", ""}, /* England or New Hampshire */
    {"Birmingham", ""}, /* England or Alabama */
    {"", ""},
    /* no country: two named */
    {"Perth", ""},              /* Australia or Scotland */
    {"Georgia", ""},            /* the country or the state */
    {"Paris, TX", ""},          /* France and a US state code */
    {"Berlin, DE", ""},         /* DE after a comma is Delaware */
    {"London, ON", ""},         /* Ontario */
    {"Toronto, ON, CA", ""},    /* CA after a comma is California */
    {"Germany / Austria", ""},
    {"Berlin or London", ""},
    {"Hong Kong, China", ""},   /* HK and CN are two codes */
};

static void test_real_locations(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
        char cc[3] = "??";
        const int r = skidx_location_country(real[i].loc, strlen(real[i].loc),
                                             cc);
        if (strcmp(cc, real[i].want) || r != (real[i].want[0] != '\0')) {
            fprintf(stderr, "'%s': want '%s', got '%s' (%d)\n", real[i].loc,
                    real[i].want, cc, r);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Case and word boundaries: names caseless, abbreviations and codes with
 * their case, never inside a word; the string need not end in a NUL. */
static void test_rules(void **state)
{
    (void)state;
    char cc[3];
    assert_int_equal(skidx_location_country("GERMANY", 7, cc), 1);
    assert_string_equal(cc, "DE");
    assert_int_equal(skidx_location_country("Indiana", 7, cc), 1);
    assert_string_equal(cc, "US"); /* not India */
    assert_int_equal(skidx_location_country("Nigeria", 7, cc), 1);
    assert_string_equal(cc, "NG"); /* not Niger */
    assert_int_equal(skidx_location_country("Sydney NSW 2000", 15, cc), 1);
    assert_string_equal(cc, "AU");
    assert_int_equal(skidx_location_country("Sydney, New South Wales", 23, cc), 1);
    assert_string_equal(cc, "AU"); /* not Wales */
    assert_int_equal(skidx_location_country("Santa Fe, New Mexico", 20, cc), 1);
    assert_string_equal(cc, "US"); /* not Mexico */
    assert_int_equal(skidx_location_country("join us", 7, cc), 0);
    assert_int_equal(skidx_location_country("Columbus", 8, cc), 0);
    assert_int_equal(skidx_location_country("Austin, tx", 10, cc), 1);
    assert_string_equal(cc, "US"); /* Austin alone; tx is no code */
    assert_int_equal(skidx_location_country("Somewhere, tx", 13, cc), 0);
    assert_int_equal(skidx_location_country("TX", 2, cc), 0); /* first part */
    assert_int_equal(skidx_location_country("Somewhere, TX 7870", 18, cc), 1);
    assert_int_equal(skidx_location_country("Somewhere, TXX", 14, cc), 0);
    assert_int_equal(skidx_location_country("Ottawa, ON K1A 0B1", 18, cc), 1);
    assert_string_equal(cc, "CA");
    /* a prefix of a longer string: only its bytes are read */
    assert_int_equal(skidx_location_country("Berlin, France", 6, cc), 1);
    assert_string_equal(cc, "DE");
    /* bytes that are not UTF-8 are no letters, and no crash */
    assert_int_equal(skidx_location_country("\xFF\xFE" "Berlin\xC3", 9, cc), 1);
    assert_string_equal(cc, "DE");
    assert_int_equal(skidx_location_country("\xF0\x9F\x87", 3, cc), 0);
    assert_int_equal(skidx_location_country(NULL, 0, cc), 0);
    assert_string_equal(cc, "");
}

/* Every form of the table, alone (codes after a comma), names its
 * country, unless the table lists it for two. */
static void test_table_forms(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof(path), "%s/src/core/countries.tsv",
             SKIDX_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char codes[4000][3], kinds[4000][8], forms[4000][128];
    size_t n = 0;
    char line[512];
    while (fgets(line, sizeof(line), f) && n < 4000) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *k = strchr(line, '\t');
        assert_non_null(k);
        char *fo = strchr(k + 1, '\t');
        assert_non_null(fo);
        *k = *fo = '\0';
        assert_true(strlen(line) == 2 && strlen(k + 1) < 8 &&
                    strlen(fo + 1) < 128);
        memcpy(codes[n], line, 3);
        memcpy(kinds[n], k + 1, strlen(k + 1) + 1);
        memcpy(forms[n], fo + 1, strlen(fo + 1) + 1);
        n++;
    }
    fclose(f);
    assert_true(n > 800);
    int bad = 0, countries = 0;
    for (size_t i = 0; i < n; i++) {
        int twice = 0;
        for (size_t j = 0; j < n; j++)
            twice |= j != i && !strcmp(forms[j], forms[i]) &&
                     strcmp(codes[j], codes[i]) &&
                     !strcmp(kinds[j], "code") == !strcmp(kinds[i], "code");
        char loc[160], cc[3];
        if (!strcmp(kinds[i], "code"))
            snprintf(loc, sizeof(loc), "Somewhere, %s", forms[i]);
        else
            snprintf(loc, sizeof(loc), "%s", forms[i]);
        skidx_location_country(loc, strlen(loc), cc);
        if (strcmp(cc, twice ? "" : codes[i])) {
            fprintf(stderr, "'%s' (%s %s): got '%s'\n", loc, codes[i],
                    kinds[i], cc);
            bad++;
        }
        /* every code has its English name */
        if (!skidx_country_name(codes[i]))
            bad++;
        if (!strcmp(kinds[i], "country")) {
            countries++;
            assert_string_equal(skidx_country_name(codes[i]), forms[i]);
            assert_int_equal(skidx_country_resolve(forms[i], cc), SKIDX_OK);
            assert_string_equal(cc, codes[i]);
        }
    }
    assert_int_equal(bad, 0);
    assert_int_equal(countries, 249); /* ISO 3166-1 */
}

static void test_resolve(void **state)
{
    (void)state;
    static const struct loc_case ok[] = {
        {"DE", "DE"},          {"de", "DE"},      {" Germany ", "DE"},
        {"germany", "DE"},     {"Deutschland", "DE"}, {"USA", "US"},
        {"United States of America", "US"}, {"uk", "GB"},
        {"Great Britain", "GB"}, {"Georgia", "GE"}, {"España", "ES"},
        {"中国", "CN"},        {"South Korea", "KR"}, {"Korea", "KR"},
    };
    char cc[3];
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(skidx_country_resolve(ok[i].loc, cc), SKIDX_OK);
        assert_string_equal(cc, ok[i].want);
    }
    /* unknown codes, regions and cities are not countries */
    static const char *const no[] = {"XX", "ZZ", "Bavaria", "Berlin", "TX",
                                     "", "Atlantis", NULL};
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        assert_int_equal(skidx_country_resolve(no[i], cc), SKIDX_ERR_NOTFOUND);
        assert_string_equal(cc, "");
    }
    assert_string_equal(skidx_country_name("GB"), "United Kingdom");
    assert_null(skidx_country_name("XX"));
    assert_null(skidx_country_name("gb"));
    assert_null(skidx_country_name(NULL));
}

/* The sample indexed by the CLI, read through skidx.h: a posting's
 * country is its location's, the filter selects exactly the postings of a
 * country, and an index of format 3 has none (SKIDX_ERR_VERSION). */
static void test_index_api(void **state)
{
    (void)state;
    char cmd[8192], path[4096];
    snprintf(path, sizeof(path), "%s/test_country.skidx", SKIDX_BINARY_DIR);
    snprintf(cmd, sizeof(cmd), "'%s' index -q '%s/corpora/sample' -o '%s'",
             SKIDX_CLI, SKIDX_SOURCE_DIR, path);
    assert_int_equal(system(cmd), 0);
    struct skidx_index *idx;
    struct skidx_error err;
    skidx_error_clear(&err);
    assert_int_equal(skidx_index_open(path, 1, &idx, &err), SKIDX_OK);
    assert_int_equal(skidx_index_has_countries(idx), 1);
    const uint64_t n = skidx_index_n_postings(idx);
    assert_true(n > 1000);
    uint64_t de = 0, us = 0, none = 0;
    for (uint64_t p = 0; p < n; p++) {
        struct skidx_posting_info pi;
        assert_int_equal(skidx_index_posting(idx, p, &pi), SKIDX_OK);
        char cc[3];
        skidx_location_country(pi.location, strlen(pi.location), cc);
        assert_string_equal(pi.country, cc);
        de += !strcmp(pi.country, "DE");
        us += !strcmp(pi.country, "US");
        none += !pi.country[0];
    }
    assert_true(de > 0 && us > de && none > 0);
    struct skidx_filter f;
    skidx_filter_init(&f);
    assert_null(f.country);
    static const char *const asks[] = {"de", "DE", "Us"};
    for (int i = 0; i < 3; i++) {
        f.country = asks[i];
        struct skidx_pset *s;
        assert_int_equal(skidx_select(idx, NULL, &f, &s, &err), SKIDX_OK);
        assert_int_equal(skidx_pset_count(s), i < 2 ? de : us);
        skidx_pset_free(s);
    }
    f.country = "Germany"; /* a name is the CLI's to resolve */
    struct skidx_pset *s = NULL;
    assert_int_equal(skidx_select(idx, NULL, &f, &s, &err), SKIDX_ERR_USAGE);
    assert_null(s);
    f.country = "ZZ"; /* a code no location has: nothing */
    assert_int_equal(skidx_select(idx, NULL, &f, &s, &err), SKIDX_OK);
    assert_int_equal(skidx_pset_count(s), 0);
    skidx_pset_free(s);
    skidx_index_close(idx);
    remove(path);
    /* format 3: no countries, and a country filter says so */
    snprintf(path, sizeof(path), "%s/tests/fixtures/index_v3.skidx",
             SKIDX_SOURCE_DIR);
    assert_int_equal(skidx_index_open(path, 1, &idx, &err), SKIDX_OK);
    assert_int_equal(skidx_index_has_countries(idx), 0);
    struct skidx_posting_info pi;
    assert_int_equal(skidx_index_posting(idx, 0, &pi), SKIDX_OK);
    assert_string_equal(pi.country, "");
    f.country = "DE";
    assert_int_equal(skidx_select(idx, NULL, &f, &s, &err), SKIDX_ERR_VERSION);
    assert_non_null(strstr(err.msg, "no country column: re-index"));
    f.country = NULL;
    assert_int_equal(skidx_select(idx, NULL, &f, &s, &err), SKIDX_OK);
    assert_int_equal(skidx_pset_count(s), skidx_index_n_postings(idx));
    skidx_pset_free(s);
    skidx_index_close(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_locations),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_table_forms),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_index_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
