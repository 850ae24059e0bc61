/*
 * top_skills.c - a program of the kind other people write against
 * libskidx: it includes only <skidx.h>, is built only through pkg-config,
 * and prints the top skills of one slice of an index as CSV
 * (rank,skill,postings,slice_postings). tests/pkgconfig_reader.sh builds it
 * against an installed tree, dynamically and statically, and compares its
 * output with `skidx query`.
 *
 * usage: top_skills INDEX ROLE LEVEL N (ROLE, LEVEL: a name, an alias or
 * "all")
 */
#include <skidx.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: top_skills INDEX ROLE LEVEL N\n");
        return 2;
    }
    if (skidx_version_number() != SKIDX_VERSION_NUMBER) {
        fprintf(stderr, "top_skills: header %s, library %s\n",
                SKIDX_VERSION_STRING, skidx_version());
        return 1;
    }
    struct skidx_error err;
    struct skidx_index *idx = NULL;
    skidx_status st = skidx_index_open(argv[1], 1, &idx, &err);
    if (st) {
        fprintf(stderr, "top_skills: %s: %s\n", skidx_strerror(st), err.msg);
        return 1;
    }
    /* a name or an alias; "all" for any */
    uint32_t rid = 0, lid = 0;
    int32_t role = SKIDX_ANY, level = SKIDX_ANY;
    if (strcmp(argv[2], "all") &&
        (st = skidx_index_find_role(idx, argv[2], &rid)) == SKIDX_OK)
        role = (int32_t)rid;
    if (st == SKIDX_OK && strcmp(argv[3], "all") &&
        (st = skidx_index_find_level(idx, argv[3], &lid)) == SKIDX_OK)
        level = (int32_t)lid;
    if (st) {
        fprintf(stderr, "top_skills: role '%s' or level '%s': %s\n", argv[2],
                argv[3], skidx_strerror(st));
        skidx_index_close(idx);
        return 1;
    }
    uint32_t n = skidx_index_n_skills(idx), got = 0;
    struct skidx_rank *r = calloc(n ? n : 1, sizeof *r);
    if (!r || skidx_query_rank(idx, role, level, r, &got)) {
        fprintf(stderr, "top_skills: query failed\n");
        free(r);
        skidx_index_close(idx);
        return 1;
    }
    unsigned long top = strtoul(argv[4], NULL, 10);
    printf("rank,skill,postings,slice_postings\n");
    for (uint32_t i = 0; i < got && i < top; i++)
        printf("%u,%s,%llu,%llu\n", i + 1,
               skidx_index_skill_name(idx, r[i].skill),
               (unsigned long long)r[i].postings,
               (unsigned long long)r[i].slice);
    free(r);
    skidx_index_close(idx);
    return 0;
}
