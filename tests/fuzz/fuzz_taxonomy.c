/*
 * fuzz_taxonomy.c - libFuzzer target for the taxonomy parser and the
 * matcher compiler.
 *
 * An input is skills.tsv, a 0xFF byte, then roles.tsv (no 0xFF: the roles
 * part is empty). It is parsed with skidx_taxonomy_parse; on success the
 * taxonomy is compiled (skidx_compiled_create, which checks the regexes)
 * and freed. Checked invariants: a failure carries its status in the error
 * struct and a non-empty, NUL-terminated message, and a taxonomy error
 * names a file and, unless file-wide, a line inside it; a success has at least one role and
 * one level, and every alias points at an existing owner.
 *
 * Build and run: scripts/fuzz.sh (see tests/fuzz/README.md).
 */
#include "core/posting.h"
#include "core/taxonomy.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t count_lines(const char *p, size_t n)
{
    size_t k = 1;
    for (size_t i = 0; i < n; i++)
        k += p[i] == '\n';
    return k;
}

static void check_set(const struct skidx_alias_set *s, uint32_t owners)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct skidx_alias *a = &s->a[i];
        if (a->owner >= owners || !a->text || strlen(a->text) != a->len ||
            a->file > 1 || a->line == 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *skills = (const char *)data;
    const uint8_t *sep = memchr(data, 0xFF, size);
    const size_t skills_len = sep ? (size_t)(sep - data) : size;
    const char *roles = sep ? (const char *)sep + 1 : "";
    const size_t roles_len = sep ? size - skills_len - 1 : 0;

    struct skidx_taxonomy *t = NULL;
    struct skidx_error err;
    skidx_error_clear(&err);
    const skidx_status st = skidx_taxonomy_parse("fuzz", skills, skills_len,
                                                 roles, roles_len, &t, &err);
    if (st) {
        if (t || err.status != st || !memchr(err.msg, 0, sizeof(err.msg)) ||
            !err.msg[0] || !memchr(err.path, 0, sizeof(err.path)))
            abort();
        if (st == SKIDX_ERR_TAXONOMY) {
            /* a file-wide problem (no fallback role) has no line */
            if (!err.path[0] || err.line == 0)
                abort();
            const int in_roles = strstr(err.path, "roles") != NULL;
            if (err.line != UINT64_MAX &&
                err.line > (in_roles ? count_lines(roles, roles_len)
                                     : count_lines(skills, skills_len)))
                abort();
        } else if (st != SKIDX_ERR_NOMEM) {
            abort(); /* from memory, nothing else can fail */
        }
        return 0;
    }
    if (!t || t->n_roles == 0 || t->n_levels == 0 ||
        t->role_fallback >= t->n_roles || t->level_default >= t->n_levels)
        abort();
    for (uint32_t k = 0; k < t->n_skills; k++)
        if (!t->skill_name[k] || t->skill_cat[k] >= t->n_cats)
            abort();
    check_set(&t->skills, t->n_skills);
    check_set(&t->roles, t->n_roles);
    check_set(&t->levels, t->n_levels);
    check_set(&t->level_fields, t->n_levels);

    struct skidx_compiled *c = NULL;
    skidx_error_clear(&err);
    const skidx_status cs = skidx_compiled_create(t, &c, &err);
    if (cs) {
        /* a regex Hyperscan refuses is a taxonomy error naming its line */
        if (c || !err.msg[0] ||
            (cs != SKIDX_ERR_TAXONOMY && cs != SKIDX_ERR_HYPERSCAN &&
             cs != SKIDX_ERR_NOMEM))
            abort();
    }
    skidx_compiled_free(c);
    skidx_taxonomy_free(t);
    return 0;
}
