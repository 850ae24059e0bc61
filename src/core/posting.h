/*
 * posting.h - everything skidx derives from one posting: role and level
 * (classification), the set of skills it mentions, its month, annualised
 * salary and duplicate key. The same code serves `skidx index` and
 * `skidx match`, so what `match` explains is what `index` counts.
 *
 * Rules (README "When input is bad" and DESIGN.md):
 * - the title is read from the first opening it names when it lists
 *   several ("Data Analyst, Data Scientist"; "Acme | Senior Engineer |
 *   Remote"; "Senior/Staff Engineer": posting.c, title_focus).
 * - role: of the role rules matching the title, the lowest priority wins
 *   (ties: the role listed first); none -> the fallback role.
 * - level: level rules on the title; if none, the level-field rule whose
 *   alias is the whole seniority field (trimmed of whitespace, caseless);
 *   if none, the default level.
 * - skills: aliases in the title, and in the description outside the
 *   sections that do not count (company, benefits, legal, apply: see
 *   core/section.h), the lead paragraphs of a "Company | Role | Place"
 *   post and the company's own name (core/section_lead.h); each skill
 *   once.
 * - posted: "YYYY-MM..." (any ISO 8601 date or date-time) or epoch seconds
 *   or milliseconds (number or numeric string; values above 10^11 are
 *   milliseconds); years outside 1990..2100 or anything else -> undated,
 *   cause bad_date.
 * - salary: salary_min/salary_max as JSON numbers or strings holding a
 *   plain decimal number (commas allowed as thousands separators); a range
 *   counts at its midpoint, one bound alone counts as given; annualised by
 *   salary_period (year/annual, month, week, day, hour; absent = year:
 *   hour x 2080, day x 260, week x 52, month x 12), rounded to whole units;
 *   an annual value outside [1,000, 100,000,000], an unknown period or an
 *   unparseable number -> unsalaried, cause bad_salary. A missing currency
 *   is taken as the index currency.
 * - duplicates: xxh3 of title, company and description, each ASCII
 *   lower-cased with whitespace runs collapsed to one space and trimmed.
 */
#ifndef SKIDX_CORE_POSTING_H
#define SKIDX_CORE_POSTING_H

#include "core/match.h"
#include "core/section.h"
#include "core/taxonomy.h"
#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

/* The matchers of one taxonomy; read-only, shared by threads. */
struct skidx_compiled {
    const struct skidx_taxonomy *tax;
    struct skidx_matcher *skills, *roles, *levels, *level_fields;
};

skidx_status skidx_compiled_create(const struct skidx_taxonomy *t,
                                   struct skidx_compiled **out,
                                   struct skidx_error *err);
void skidx_compiled_free(struct skidx_compiled *c);

/* Per-thread state. */
struct skidx_worker {
    struct skidx_match_scratch skills, roles, levels, level_fields;
    char *norm;
    size_t cap_norm;
    /* the duplicate-key normaliser chosen for this CPU */
    size_t (*norm_fn)(const unsigned char *, size_t, char *, int *);
    uint64_t (*hash_fn)(const void *, size_t); /* XXH3-64, fastest path */
    uint32_t *skill_ids;
    size_t cap_ids;
    struct skidx_sections sections; /* of the last description */
    int sec_simd;                   /* SIMD path of the section pass */
    uint64_t *keep_bits;            /* skills named where they count */
    size_t cap_keep;                /* in 64-bit words */
    /* Set by the caller to have skidx_posting_process find the skills
     * named only in preferred sections (posting_result.pref): the
     * description's headings are then all looked for (as with
     * want_hits), and its hits kept when it has a preferred section. */
    int want_pref;
    uint64_t *pref_bits, *req_bits;
    uint32_t *pref_ids;
    size_t cap_pref;                /* words of pref_bits and req_bits */
    size_t cap_pref_ids;
    /* description hits that are company text the section rules cannot
     * see (core/section_lead.h): drop[i] for w->skills.hits[i], valid
     * when any_drop is set, until the next call */
    uint8_t *drop;
    size_t cap_drop;
    int any_drop;
    /* the description's text in sections that do not count, pairs of
     * [start, end), for the word loop to pass over (skills.skip) */
    uint32_t *skip;
    size_t cap_skip;
    /* the rules' answers for recent titles and seniority fields
     * (skidx_classify(); posting.c): 2,048 titles in 4-way sets and 64
     * fields, 260 KiB allocated on first use, valid for the compiled
     * taxonomy memo_c */
    struct skidx_title_memo *memo;
    const struct skidx_compiled *memo_c;
    /* Set by the caller (the indexer) or NULL: duplicate keys of postings
     * that come before any posting this worker will be given (the
     * indexer's committed postings), a key a slot of dup_mask + 1 (0:
     * empty; a key 0 is stored as 1), read with relaxed atomic loads
     * while others write. A posting whose key is there is a repeat of an
     * earlier one, so skidx_posting_process() does not read its text
     * (posting_result.known_dup). */
    const uint64_t *dup_seen;
    uint64_t dup_mask;
};

/* What a dup_seen table stores for duplicate key k: k, or 1 for a key 0
 * (0 is an empty slot), as the indexer's duplicate set reads keys. */
static inline uint64_t skidx_dup_stored(uint64_t k)
{
    return k ? k : 1;
}

/* The slot of duplicate key k in a dup_seen table of mask + 1 slots. */
static inline uint64_t skidx_dup_slot(uint64_t k, uint64_t mask)
{
    return (skidx_dup_stored(k) * 0x9E3779B97F4A7C15ull >> 23) & mask;
}
skidx_status skidx_worker_init(struct skidx_worker *w,
                               const struct skidx_compiled *c);
void skidx_worker_release(struct skidx_worker *w);

/* A value as it came from the record. */
enum skidx_vtype { SKIDX_V_ABSENT = 0, SKIDX_V_STRING, SKIDX_V_NUMBER,
                   SKIDX_V_OTHER };
struct skidx_value {
    const char *p;
    size_t len;
    int type;
};

enum skidx_pfield {
    SKIDX_P_TITLE = 0,
    SKIDX_P_DESCRIPTION,
    SKIDX_P_COMPANY,
    SKIDX_P_SENIORITY,
    SKIDX_P_POSTED,
    SKIDX_P_SALARY_MIN,
    SKIDX_P_SALARY_MAX,
    SKIDX_P_SALARY_PERIOD,
    SKIDX_P_CURRENCY,
    SKIDX_P_COUNT
};

struct skidx_posting {
    struct skidx_value v[SKIDX_P_COUNT];
};

struct skidx_posting_result {
    uint32_t role, level;
    int32_t month;         /* SKIDX_NO_MONTH when undated */
    int64_t salary;        /* annual, whole units; -1 when none */
    int same_currency;     /* salary is in the index currency */
    uint64_t dedup;        /* duplicate key */
    uint32_t fixes;        /* bit (1 << cause) per SKIDX_FIX_* applied */
    const uint32_t *skills;/* sorted skill ids; valid until the next call */
    size_t n_skills;
    size_t title_hits;     /* w->skills.hits[0..title_hits) are the title's */
    /* with w->want_pref: the skills (of `skills`) named in the posting's
     * preferred (nice-to-have) sections and nowhere else that counts
     * (not in the title, the text before the first heading or another
     * counting section); sorted; valid until the next call */
    const uint32_t *pref;
    size_t n_pref;
    /* 1: w->dup_seen holds the key (dedup): the posting repeats one
     * before it, and only its key, month, salary and fixes were found
     * (no skills, role and level 0) */
    int known_dup;
};

/* Test hook: 0 = split a description after its skills are matched, up
 * to the last hit a section can decide, and scan all of it; 1 = (the
 * default) split it first and let the word loop pass over the sections
 * that do not count (skidx_match_set_skip). Same results; not
 * thread-safe. */
void skidx_posting_set_skip(int on);

/* Process one posting. Returns SKIDX_OK, or a skip: SKIDX_ERR_CORRUPT
 * with *skip_cause set (SKIDX_SKIP_NO_TEXT), or an engine error. When
 * `want_hits` is set the skill hits stay in w->skills.hits sorted per
 * field (title first). `currency` is the index currency ("USD"). Without
 * want_hits, a posting whose duplicate key w->dup_seen holds is not
 * matched (out->known_dup). */
skidx_status skidx_posting_process(const struct skidx_compiled *c,
                                   struct skidx_worker *w,
                                   const struct skidx_posting *p,
                                   const char *currency, int want_hits,
                                   enum skidx_engine engine,
                                   struct skidx_posting_result *out,
                                   unsigned *skip_cause);

/* The section of hit `i` of the last posting processed with want_hits
 * (w->skills.hits[i]): -1 for a title hit, else an enum
 * skidx_section_kind. */
int skidx_posting_hit_section(const struct skidx_worker *w,
                              const struct skidx_posting_result *r, size_t i);

/* Classification alone (used by tests and `match --text`). What the title
 * decides (its role, and its level if it names one) depends on the title
 * and the taxonomy alone, and the level a seniority field names on the
 * field alone, so a title seen before (byte for byte, up to 110 bytes;
 * w keeps the last 2,048 or so) is not read again, whatever its field,
 * and neither is a field (up to 54 bytes; the last 64 or so). */
skidx_status skidx_classify(const struct skidx_compiled *c,
                            struct skidx_worker *w, const char *title,
                            size_t title_len, const char *seniority,
                            size_t seniority_len, uint32_t *role,
                            uint32_t *level);

/* The duplicate-key normalisation of s[0..n) into out (n bytes of room),
 * on the path `simd` (an enum skidx_simd_mode, core/simd.h: SCALAR is the
 * definition). Returns the length. Exposed for tests. */
size_t skidx_normalize(const char *s, size_t n, char *out, int simd);

/* Parsers, exposed for tests. Return 0 on success, -1 when unusable. */
int skidx_parse_month(const struct skidx_value *v, int32_t *month);
int skidx_parse_amount(const struct skidx_value *v, double *amount);

#endif
