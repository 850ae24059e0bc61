/*
 * taxonomy.h - the skills, roles and seniority levels skidx counts, parsed
 * from a taxonomy directory (taxonomy/FORMAT.md is the user's spec).
 *
 * A taxonomy is immutable once loaded and may be shared by threads. Its
 * hash covers the parsed content (names, categories, aliases, rules, in
 * order), not comments or spacing, so two indexes are comparable exactly
 * when their taxonomies say the same thing.
 *
 * This module reads files (it is the one place core/ touches the file
 * system, as a loader), but never prints: errors name file, line and alias
 * in a struct skidx_error.
 */
#ifndef SKIDX_CORE_TAXONOMY_H
#define SKIDX_CORE_TAXONOMY_H

#include "core/section.h"
#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

enum skidx_alias_flags {
    SKIDX_ALIAS_CASE = 1u << 0,  /* case-sensitive */
    SKIDX_ALIAS_REGEX = 1u << 1, /* Hyperscan regular expression */
    SKIDX_ALIAS_NEG = 1u << 2,   /* negative: hides the owner's hits inside */
    SKIDX_ALIAS_STRICT = 1u << 3, /* '~': separators between words exact */
    SKIDX_ALIAS_JOINED = 1u << 4, /* '+': also the words written together */
    SKIDX_ALIAS_UNSPACED = 1u << 5, /* a literal with no ASCII letter or
                                     * digit (中文): kept as an escaped
                                     * REGEX, matched without boundaries */
};


/* One pattern. `text` is the alias without its form markers (no '=', '!',
 * or slashes), NUL-terminated, owned by the set. */
struct skidx_alias {
    char *text;
    uint32_t len;
    uint32_t owner;   /* skill, role or level id */
    uint32_t prio;    /* rule priority (roles/levels); 0 for skills */
    uint32_t line;    /* line in its file, for messages */
    uint8_t flags;
    uint8_t file;     /* index into skidx_alias_set.files */
};

/* Does literal alias `a` have flexible separators (taxonomy/FORMAT.md,
 * "Separators")? Those with a space, unless marked '~', and those marked
 * '+'. In such an alias a ' ', '-' or '/' between two ASCII letters or
 * digits matches any of ' ', '-', '_', '/' in the text. */
int skidx_alias_flexible(const struct skidx_alias *a);

struct skidx_alias_set {
    struct skidx_alias *a;
    size_t n, cap;
    int camel_split; /* @camel-split on: an alias may end at a lower-to-
                        upper case change inside a word (skills only) */
    const char *files[2]; /* paths the aliases came from (owned by taxonomy) */
};

/* Strings grouped by owner (a skill, role or level): owner i's strings are
 * v[first[i] .. first[i+1]). first == NULL (n_owners 0) means "none
 * known" (an index written before they were stored). Owns its strings,
 * which lie in the block v points to (after the pointers): free(v) frees
 * them all, and a table is built only by the functions below. */
struct skidx_owner_strings {
    uint32_t n_owners;
    uint32_t *first; /* n_owners + 1 */
    char **v;        /* first[n_owners] */
};

/* Group n texts by owner (owner_of[i] < n_owners), keeping their order
 * within an owner and dropping a text equal to an earlier one of the same
 * owner. The texts are copied. Errors: SKIDX_ERR_NOMEM. */
skidx_status skidx_owner_strings_build(struct skidx_owner_strings *o,
                                       uint32_t n_owners,
                                       const uint32_t *owner_of,
                                       const char *const *texts, size_t n);
skidx_status skidx_owner_strings_copy(struct skidx_owner_strings *dst,
                                      const struct skidx_owner_strings *src);
void skidx_owner_strings_release(struct skidx_owner_strings *o);

struct skidx_tcache_image;

struct skidx_taxonomy {
    char *dir;         /* as given */
    char *skills_path; /* dir/skills.tsv */
    char *roles_path;  /* dir/roles.tsv */
    char *sections_path; /* dir/sections.tsv (optional file) */
    char *name;        /* @name, default "unnamed" */
    char *version;     /* @version, default "" */
    uint64_t hash;

    uint32_t n_skills;
    char **skill_name;
    uint32_t *skill_cat;
    uint32_t n_cats;
    char **cat_name;
    struct skidx_alias_set skills;
    /* links to standard classifications (@esco:, @onet: columns) */
    struct skidx_owner_strings esco; /* at most one URI per skill */
    struct skidx_owner_strings onet; /* O*NET commodity codes (8 digits) */

    uint32_t n_roles;
    char **role_name;
    uint32_t role_fallback;
    struct skidx_alias_set roles;

    uint32_t n_levels;
    char **level_name;
    uint32_t level_default;
    struct skidx_alias_set levels;       /* on the title */
    struct skidx_alias_set level_fields; /* on the seniority field */

    /* loaded from the compiled-taxonomy cache (core/tax_cache.h): the
     * names, aliases and arrays above live in this image, not in blocks
     * of their own; NULL when parsed */
    struct skidx_tcache_image *image;

    /* heading rules; none when the directory has no sections.tsv */
    struct skidx_section_rules sections;
};

/* Load DIR/skills.tsv, DIR/roles.tsv and, when it exists,
 * DIR/sections.tsv. Errors: SKIDX_ERR_IO (file missing/unreadable), SKIDX_ERR_TAXONOMY (with err->path, err->line and a
 * message quoting the alias), SKIDX_ERR_NOMEM. Regexes are only checked
 * when compiled (skidx_matcher_create). */
skidx_status skidx_taxonomy_load(const char *dir, struct skidx_taxonomy **out,
                                 struct skidx_error *err);

/* Parse from memory (for tests and fuzzing): `skills` and `roles` are the
 * two files' contents; `dir` is used in messages only. */
skidx_status skidx_taxonomy_parse(const char *dir, const char *skills,
                                  size_t skills_len, const char *roles,
                                  size_t roles_len,
                                  struct skidx_taxonomy **out,
                                  struct skidx_error *err);

/* The same with a sections.tsv (`sections` NULL: no such file). */
skidx_status skidx_taxonomy_parse_all(const char *dir, const char *skills,
                                      size_t skills_len, const char *roles,
                                      size_t roles_len, const char *sections,
                                      size_t sections_len,
                                      struct skidx_taxonomy **out,
                                      struct skidx_error *err);

void skidx_taxonomy_free(struct skidx_taxonomy *t);

/* The bytes of a taxonomy directory's files, as read: [0] skills.tsv,
 * [1] roles.tsv, [2] sections.tsv (when has_sections). Owned by the
 * struct; release with skidx_taxonomy_files_release(). */
struct skidx_taxonomy_files {
    char *buf[3];
    size_t len[3];
    int has_sections;
};

/* skidx_taxonomy_load() in two steps, so that a caller can look at the
 * bytes (the compiled-taxonomy cache keys on them) before parsing.
 * read: errors SKIDX_ERR_IO, SKIDX_ERR_LIMIT, SKIDX_ERR_NOMEM, as load;
 * on error `f` holds nothing. parse_files: as skidx_taxonomy_parse_all(). */
skidx_status skidx_taxonomy_read(const char *dir,
                                 struct skidx_taxonomy_files *f,
                                 struct skidx_error *err);
void skidx_taxonomy_files_release(struct skidx_taxonomy_files *f);
skidx_status skidx_taxonomy_parse_files(const char *dir,
                                        const struct skidx_taxonomy_files *f,
                                        struct skidx_taxonomy **out,
                                        struct skidx_error *err);

/* Compute the taxonomy hash (docs/FORMAT.md, "The taxonomy hash") of `t`
 * as it is in memory into *out; t->hash is this value for a taxonomy
 * that was parsed. Errors: SKIDX_ERR_NOMEM. */
skidx_status skidx_taxonomy_rehash(const struct skidx_taxonomy *t,
                                   uint64_t *out);

/* The default taxonomy directory: $SKIDX_TAXONOMY if set, else the
 * in-tree one when it exists (a build run from the source tree), else the
 * installed one. Static string or getenv() result. */
const char *skidx_taxonomy_default_dir(void);

/* Total positive / negative aliases in a set. */
size_t skidx_alias_set_count(const struct skidx_alias_set *s, int negative);

#endif
