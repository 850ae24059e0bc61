/*
 * match.c - the WORDS and ORACLE engines and the Hyperscan regex database
 * behind match.h.
 *
 * Invariants of the WORDS engine:
 * - An alias is lead + head + tail: lead = bytes before its first ASCII
 *   word byte, head = the maximal run of ASCII word bytes that follows,
 *   tail = the rest. In a whole-word occurrence the head is exactly one
 *   maximal run of ASCII word bytes of the text (the byte before the head
 *   is the lead's last byte or a non-word boundary, the byte after it the
 *   tail's first byte or a boundary; none is an ASCII word byte).
 * - Heads are keyed "folded": every byte OR 0x20. On ASCII word bytes this
 *   is an injective lower-casing (A-Z -> a-z, digits unchanged, '_' ->
 *   0x7F), so folded equality is caseless equality.
 * - Words are looked up in text order (batched: see scan_mask), so hits and
 *   count-only owners come out in the same order whatever the batching,
 *   the SIMD path or the scan_mask clone (generic or BMI) in use.
 * - A head's k2bits has the key2_bit of every long-tail candidate's key2
 *   set: a clear bit proves no long-tail candidate can follow the word.
 *   Its long-tail candidates are grouped by that bit (struct head), so a
 *   set bit's rank in k2bits finds the group to try without a search.
 */
#include "core/match.h"
#include "core/blob.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/hash_fast.h"
#include "core/simd.h"
#include "core/utf8.h"

#include <errno.h>
#include <hs/hs.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SKIDX_X86 1
#endif

/* ---- byte helpers ---- */

static inline int is_ascii_word(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
           c == '_';
}

static inline unsigned char lower(unsigned char c)
{
    return (unsigned char)(c + (((unsigned)c - 'A' < 26u) << 5));
}

static inline int is_ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Is byte i of the alias text a[0..n) a flexible separator (when the
 * alias is flexible): ' ', '-' or '/' between two ASCII letters or
 * digits. */
static inline int flex_sep_at(const unsigned char *a, size_t n, size_t i)
{
    unsigned char c = a[i];
    return (c == ' ' || c == '-' || c == '/') && i > 0 && i + 1 < n &&
           is_ascii_alnum(a[i - 1]) && is_ascii_alnum(a[i + 1]);
}

/* The text bytes a flexible separator matches. */
static inline int is_text_sep(unsigned char c)
{
    return c == ' ' || c == '-' || c == '_' || c == '/';
}

/* key2 bytes: ASCII lower case, and the separators '-', '_', '/' as ' ',
 * on the alias side and the text side alike, so that a flexible
 * separator finds its candidates whichever separator the text has. */
static unsigned char k2fold[256];

__attribute__((constructor)) static void init_k2fold(void)
{
    for (unsigned c = 0; c < 256; c++)
        k2fold[c] = lower((unsigned char)c);
    k2fold['-'] = k2fold['_'] = k2fold['/'] = ' ';
}

/* The 6-bit signature of a key2 (two lower-cased bytes), for the per-head
 * bitmap that rejects most words before the key2 binary search. */
static inline unsigned key2_bit(uint32_t k2)
{
    return (unsigned)((k2 * 0x9E3779B1u) >> 26);
}

/* How many bits of x lie below bit b (b < 64): a population count
 * without the popcnt instruction the generic build may not have. */
static inline uint32_t rank64(uint64_t x, unsigned b)
{
    x &= (1ull << b) - 1;
    x -= (x >> 1) & 0x5555555555555555ull;
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (uint32_t)((x * 0x0101010101010101ull) >> 56);
}

static int eq_caseless(const unsigned char *a, const unsigned char *b,
                       size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != lower(b[i]))
            return 0;
    return 1;
}

/* Text t[0..n) against alias form a[0..n): bytes equal (ASCII caseless
 * when `caseless`), and where `flex`, a flexible separator of a matches
 * any of ' ', '-', '_', '/'. */
static int flex_eq(const unsigned char *t, const unsigned char *a, size_t n,
                   int caseless, int flex)
{
    for (size_t i = 0; i < n; i++) {
        if (flex && flex_sep_at(a, n, i)) {
            if (!is_text_sep(t[i]))
                return 0;
        } else if (caseless ? lower(t[i]) != lower(a[i]) : t[i] != a[i]) {
            return 0;
        }
    }
    return 1;
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* The first n (< 8) bytes of p as a little-endian word, upper bytes zero.
 * `avail` is how many bytes may be read at p: with 8 or more, one load. */
static inline uint64_t load_head(const unsigned char *p, size_t n,
                                 size_t avail)
{
    uint64_t v = 0;
    if (avail >= 8) {
        memcpy(&v, p, 8);
        return n >= 8 ? v : v & ((1ull << (8 * n)) - 1);
    }
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

#define FOLD8 0x2020202020202020ull

static const uint64_t len_mask[9] = {
    0,
    0xFFull,
    0xFFFFull,
    0xFFFFFFull,
    0xFFFFFFFFull,
    0xFFFFFFFFFFull,
    0xFFFFFFFFFFFFull,
    0xFFFFFFFFFFFFFFull,
    0xFFFFFFFFFFFFFFFFull,
};

/* The first min(n, 8) bytes of the word p[0..n) folded (OR 0x20), upper
 * bytes zero; may read up to `avail` bytes at p (avail >= n). */
static inline uint64_t word_first8(const unsigned char *p, size_t n,
                                   size_t avail)
{
    size_t k = n < 8 ? n : 8;
    if (avail >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        return (v | FOLD8) & len_mask[k];
    }
    return (load_head(p, k, avail) | FOLD8) & len_mask[k];
}

/* Hash of the folded word p[0..n) (n >= 1) given its folded first 8
 * bytes; depends only on the word's bytes. */
static inline uint64_t word_hash_from(const unsigned char *p, size_t n,
                                      uint64_t first8)
{
    uint64_t a = first8;
    if (n > 8) {
        uint64_t b;
        memcpy(&b, p + n - 8, 8);
        a = (a ^ ((b | FOLD8) * 0x9E3779B97F4A7C15ull)) + n;
    }
    return a * 0xD6E8FEB86659FD93ull;
}

static inline uint64_t word_hash(const unsigned char *p, size_t n,
                                 size_t avail)
{
    return word_hash_from(p, n, word_first8(p, n, avail));
}

/* The filter every text word goes through before a table probe: a word
 * passes when its head has a candidate whose tail holds no ASCII word
 * (the single key of the word: its hash) or when the word and the next
 * text word are some candidate's head and the first word of its tail
 * (pair_key of the two). In a match the tail's first word is exactly the
 * next text word (the bytes between are the tail's non-word lead-in, and
 * the word run ends where the alias's does: at a non-word byte of the
 * alias or at its end, where the right-boundary check demands a non-word
 * byte), so the filter never rejects a word that has a hit.
 *
 * It is a blocked Bloom filter: a key sets two bits of one 64-bit word
 * (the key's top FILTER_LOG - 6 bits choose the word, the next two 6-bit
 * fields the bits), so a test is one load and a mask compare. With
 * taxonomy 2026.12 (15,400 single keys, 24,900 pairs) one bit per key
 * in 256 Kbit set 13 % of the bits and passed 27 % of a generated
 * corpus's words, 21 of them falsely; two bits in 512 Kbit pass 8.6 %
 * (three 7.5 % for more instructions; 6.1 % have a head and a tail that
 * can follow). Without the pair test, 31 % of the words would pass (to,
 * in, data, work, ... head some multi-word alias) whatever the filter.
 *
 * With taxonomy 2026.12.10 two bits in 512 Kbit passed 10.0 % of
 * test_match's sample words (7.1 % pass a filter without false
 * positives): a false pass costs as often as its word occurs, so the
 * few frequent words that share a filter word with some key weigh most,
 * and the rate moves in steps with the size (10.0 % at 2^19 bits, 9.2 %
 * at 2^20, 7.7 % at 2^21, 7.3 % at 2^22). 2^21 bits (256 KB) takes the
 * false passes from 2,967 to 639 for no instruction (fewer probes:
 * cg-work.sh -1.4 % default, -0.9 % dense); three bits a key in 2^20
 * bits passed 7.3 % but cost 1.6 % more instructions (an extra shift
 * and test a word). */
#define FILTER_LOG 21 /* 256 KB, read-only, shared by the threads */
#define FILTER_BITS (1u << FILTER_LOG)
#define FILTER_SHIFT (64 - (FILTER_LOG - 6)) /* key >> this: the word */

static inline uint64_t pair_key(uint64_t h, uint64_t next)
{
    return (h ^ (next >> 31 | next << 33)) * 0x9E3779B97F4A7C15ull;
}

/* The bits key x sets in its word: the two 6-bit fields below the word
 * index. */
static inline uint64_t filter_bits(uint64_t x)
{
    return 1ull << (x >> (FILTER_SHIFT - 6) & 63) |
           1ull << (x >> (FILTER_SHIFT - 12) & 63);
}

static inline void filter_add(uint64_t *f, uint64_t x)
{
    f[x >> FILTER_SHIFT] |= filter_bits(x);
}

/* Both of filter_bits(x) set in the word: each bit shifted down and
 * tested, no bit masks built (fewer instructions in the word loop). */
static inline uint32_t filter_has(const uint64_t *f, uint64_t x)
{
    const uint64_t w = f[x >> FILTER_SHIFT];
    return (uint32_t)((w >> (x >> (FILTER_SHIFT - 6) & 63)) &
                      (w >> (x >> (FILTER_SHIFT - 12) & 63)) & 1);
}

/* ---- the compiled matcher ---- */

enum cand_flags {
    C_CASE = 1u << 0,
    C_NEG = 1u << 1,
    C_LEFT = 1u << 2,  /* alias starts with a word character: check before */
    C_RIGHT = 1u << 3, /* alias ends with a word character: check after */
    C_OWNER_NEG = 1u << 4, /* its owner has negative aliases */
    C_FLEX = 1u << 5,  /* its tail holds flexible separators */
    C_GATE = 1u << 6,  /* a gate word of the gated regexes, not an alias:
                          alias = set->n + its number, nothing to check */
    C_LONG = 1u << 7,  /* lead or tail too long for cand.info: see m->more */
};

/* A candidate as the probe reads it: 32 bytes, two to a cache line and
 * never across two, so that a head's candidates are as few lines as can
 * be (a probe tries three on average, most of them rejected by the
 * screen alone).
 * - screen: the tail's first min(8, tail_len) bytes; a text passes when
 *   (text8 & mask) == key. Bit 5 of a letter of a caseless alias is clear
 *   in both (x & ~0x20 equals an upper-case letter only for that letter
 *   in either case); a flexible separator's byte is clear in both
 *   (confirm checks it); a gate word's screen is zero: it always passes.
 * - info: the flags (bits 0-7); bit 8 + q set when tail byte q < 8 is a
 *   flexible separator (confirm finds the later ones in the alias text,
 *   which it reads for them anyway); the lead's length (bits 16-23) and
 *   the tail's (bits 24-31), or, when either does not fit, C_LONG and
 *   both in m->more. */
struct cand {
    uint64_t key, mask;
    uint32_t alias;
    uint32_t owner;
    uint32_t text_off; /* the alias text in m->atext; its head starts
                          lead_len bytes in */
    uint32_t info;
};

/* The lengths of a C_LONG candidate (read only for such a one). */
struct cand_more {
    uint32_t lead_len, tail_len;
};

static inline uint32_t cand_flags(const struct cand *c)
{
    return c->info & 0xFF;
}

/* The lead's and the tail's lengths of candidate c of m. */
static inline void cand_lens(const struct skidx_matcher *m,
                             const struct cand *c, uint32_t *lead,
                             uint32_t *tail);

/* A head's candidates: first the n_short ones whose tail is shorter than
 * two bytes (always tried), then the others sorted by key2_bit(key2)
 * (key2: the ASCII lower case of their first two tail bytes), then key2,
 * then alias: group r, the candidates of the r-th set bit of k2bits,
 * ends at m->k2end[cand_start + n_short + r] (relative to cand_start)
 * and starts where group r - 1 ends (group 0 at n_short). A lookup tries
 * only the group of the two bytes that follow the word: its candidates
 * of another key2 (a collision of key2_bit) fail the screen or confirm's
 * separator check, which compare those bytes at least as strictly (a
 * flexible separator's byte passes only ' ', '-', '_', '/', the bytes
 * k2fold makes ' '), so the hits are those of the key2 run alone, in the
 * same order. */
struct head {
    uint64_t first8;   /* folded first min(len, 8) bytes */
    uint32_t len;      /* 0 = empty slot */
    uint32_t key_off;  /* folded head bytes in m->keys */
    uint32_t cand_start, cand_n;
    uint32_t n_short;
    uint64_t k2bits;   /* bit key2_bit(key2) set for each long-tail cand */
};

/* What a gate word gates: the anchored positive regexes (GW_ANCH, from
 * its start; bit GW_CLS + c for each class c of them it gates), the
 * word-window regexes (GW_WIN: the window from `pre` bytes before its
 * start to `post` bytes after its end, or, with parts, the windows of
 * wparts[part_start.. + part_n) that its text needs), and the negative
 * groups whose slot bits `negs` holds. */
enum { GW_ANCH = 1, GW_WIN = 2, GW_CLS = 8 };
#define GATE_CLASSES 24 /* class bits GW_CLS.. of gate_info.kinds */
struct gate_info {
    uint32_t kinds;
    uint32_t len; /* the word's length */
    uint32_t pre, post;
    uint64_t negs;
    /* the classes c (bit c) for which a match from this word must be
     * followed by one of the strings of follows[follow_start..
     * + follow_n) of class c (struct follow); the others are scanned
     * from every occurrence of the word */
    uint32_t follow_cls;
    uint32_t follow_start, follow_n;
    uint32_t part_start, part_n;
    uint32_t pad; /* 0 */
};

/* A string that may follow a gate word in a match of one of class cls's
 * regexes (regex_follows): the text's FOLLOW_LEN bytes after the word,
 * folded by follow_fold() into a little-endian word x (a byte past the
 * text's end as 'A', which no folded byte is), must give
 * (x & mask) == val. */
struct follow {
    uint64_t val, mask;
    uint32_t cls;
    uint32_t pad; /* 0 */
};

/* A part of a GW_WIN word's window: the window [start - pre, end + post)
 * that one word-window regex needs around the word (its matches that
 * hold the word there lie in it). A regex whose every match starts with
 * a whole ASCII word out of a finite set (its "leads": the words of its
 * regex_follows strings) needs the window only where one of them starts
 * an ASCII word in [start - pre, start], followed (when the lead has
 * follow strings) by one of them: a match holding the word starts
 * there. The leads are
 * wleads[lead_start.. + lead_n) (none: the window is always needed);
 * `lens` has bit n - 1 for each lead's length n, `bloom` bit
 * lead_bit(key, n) for each lead: most text words fail both. */
struct wpart {
    uint32_t pre, post;
    uint32_t lead_start, lead_n;
    uint32_t lens;
    uint32_t pad; /* 0 */
    uint64_t bloom;
};

static inline unsigned lead_bit(uint64_t key, size_t n)
{
    return (unsigned)(((key + n) * 0x9E3779B97F4A7C15ull) >> 58);
}

/* A lead word (struct wpart): its length and folded first 8 bytes (as
 * word_first8 reads a text word: a longer word that shares them passes
 * too), and the strings one of which must follow it,
 * follows[follow_start.. + follow_n) (struct follow, cls 0; none:
 * anything may follow). */
struct wlead {
    uint64_t key;
    uint32_t len;
    uint32_t follow_start, follow_n;
    uint32_t pad; /* 0 */
};

/* The anchored regexes of one set of gate words: scanned from those
 * words over width + 1 bytes (width: their longest match). */
struct gate_class {
    hs_database_t *db;
    uint32_t width;
};

struct skidx_matcher {
    const struct skidx_alias_set *set;
    uint8_t *is_neg; /* per alias: a negative one (hits are checked often) */
    uint32_t n_owners;
    /* WORDS engine */
    struct head *table;
    uint64_t table_mask;
    unsigned table_shift; /* slot = hash >> shift: the well-mixed high bits */
    uint64_t *filter; /* FILTER_BITS bits: heads and (head, next word) */
    struct cand *cands;
    struct cand_more *more; /* per candidate, as cands */
    uint32_t *k2end; /* per head, the ends of its key2 groups (struct
                        head), n_cands entries in all */
    size_t n_cands;
    unsigned char *keys;
    unsigned char *atext; /* the texts of the candidates' forms, packed */
    char *forms;          /* the variant forms' texts (build_words) */
    uint32_t min_head, max_head;
    size_t n_heads;
    /* literal alias ids for the ORACLE engine */
    uint32_t *literals;
    size_t n_literals;
    /* regexes */
    hs_database_t *db;     /* the positive regexes, scanned on every text */
    /* literals of scripts written without spaces (数据分析, SKIDX_ALIAS_
     * UNSPACED): their own database, scanned only on texts that hold a
     * byte >= 0x80, so ASCII text pays nothing for them */
    hs_database_t *db_unspaced;
    uint64_t high_leads; /* a text without one of these lead bytes (bit
                            b - 0xC0) skips db_unspaced (high_gate) */
    /* The positive regexes with gate words (regex_gate_words): scanned
     * only from each gate word the WORDS engine finds to the longest
     * match after it, in classes: the regexes with the same gate words
     * share a database, and a word is scanned for the classes it gates
     * only (a verb is not scanned for the 20 degree regexes). The
     * regexes that need a non-ASCII byte (regex_high_leads) are in
     * db_unspaced. */
    struct gate_class *gcls; /* one database per set of gate words */
    size_t n_gcls;
    uint32_t gate_width;      /* the longest match of any of them */
    char *gate_words;      /* NUL-separated, folded, distinct */
    struct gate_info *gate_info; /* per gate word: who it gates */
    struct follow *follows; /* the follow filters (struct gate_info),
                               then the leads' (struct wlead) */
    size_t n_follows;
    struct wpart *wparts; /* the word windows' parts, by word */
    size_t n_wparts;
    struct wlead *wleads; /* their leads */
    size_t n_wleads;
    size_t n_gate_words, gate_bytes, n_gated, n_high;
    /* The positive regexes every match of which holds a whole word
     * (regex_req_word), or starts with an unbounded one's gate word
     * (plan_wide): scanned only in windows around the gate words
     * (struct gate_info, GW_WIN; a side may reach the text's end),
     * merged (scan_word_windows). */
    hs_database_t *db_wwin;
    size_t n_wwin;
    /* The positive regexes every match of which holds a run of two
     * literal bytes or more that case does not change (stm32 holds
     * "32"): scanned over the texts that hold one of those runs. */
    hs_database_t *db_lit;
    char *lits;            /* the runs, NUL-separated */
    size_t lit_bytes, n_lit;
    size_t n_neg_gated;    /* negative regexes in the groups' db_ga */
    /* per Hyperscan id of a gated positive regex: the negative regex of
     * the same text and case (its "twin": a degree pattern that makes
     * Degree: Statistics and hides Statistics), or NO_GROUP. The twin is
     * in no database: each hit of the positive one is its hit too. */
    uint32_t *twin;
    size_t n_twins;
    uint32_t *regex_alias; /* hs id -> alias index */
    size_t n_regex;
    /* The negative regexes, one database per owner, scanned on a text only
     * when that owner has a positive hit in it: a negative hit masks only
     * its own owner's positive hits, so without one it changes nothing. */
    struct neg_group *groups;
    size_t n_groups;
    uint32_t *owner_group; /* owner -> group, NO_GROUP when none */
    size_t n_neg;
    double compile_seconds;
    /* loaded from a cache image (skidx_matcher_deserialize): the arrays
     * and databases belong to the image and its arena, not to m */
    int borrowed;
    /* loaded from a cache image: the database pointers above are struct
     * lazy_db, n_lazy of them, each rebuilt on its first scan (db_ready) */
    size_t n_lazy;
    /* How far the hits that one word start gives (a literal's, a gate
     * word's regex matches, their negative twins, gated negatives) reach
     * from it (skip_plan): they start at most skip_back bytes before it
     * or, for a word window, within skip_pre bytes before it widened back
     * to a word's start; those that can hide a hit (negatives, twins) and
     * the gate classes' end at most skip_fwd bytes after it (a word
     * window's positive match may reach further, but starts at its word
     * or before). skip_ok 0: a window reaches back to the text's start,
     * and skip ranges are not used. */
    uint32_t skip_back, skip_pre, skip_fwd;
    int skip_ok;
};

static inline void cand_lens(const struct skidx_matcher *m,
                             const struct cand *c, uint32_t *lead,
                             uint32_t *tail)
{
    if (c->info & C_LONG) {
        const struct cand_more *x = &m->more[c - m->cands];
        *lead = x->lead_len;
        *tail = x->tail_len;
    } else {
        *lead = c->info >> 16 & 0xFF;
        *tail = c->info >> 24;
    }
}

const struct skidx_alias_set *skidx_matcher_aliases(
    const struct skidx_matcher *m)
{
    return m->set;
}

/* Split alias text into lead/head/tail. Returns 0 when it has no ASCII word
 * byte (the taxonomy parser refuses such literals). */
static int split_text(const char *text, uint32_t len, uint32_t *lead,
                      uint32_t *head)
{
    const unsigned char *t = (const unsigned char *)text;
    uint32_t i = 0;
    while (i < len && !is_ascii_word(t[i]))
        i++;
    if (i == len)
        return 0;
    uint32_t j = i;
    while (j < len && is_ascii_word(t[j]))
        j++;
    *lead = i;
    *head = j - i;
    return 1;
}

/* One form of a literal alias the WORDS engine looks up: the alias
 * itself, and for a flexible alias the forms whose first k separators
 * are '_' (in the text they join the head into one word run: the text's
 * word at the match start is the head with its next k words), and, when
 * marked '+', the words written together. */
struct build_item {
    uint64_t hash;
    const char *text; /* the form's text (alias text or a variant) */
    uint32_t len, flex;
    uint32_t alias, lead, head;
    uint32_t seq; /* order of the form, for a deterministic sort */
};

/* Append the forms of literal alias ai to it[*n], their texts (the alias
 * text or variants written into arena at *apos). With it == NULL only
 * counts: adds the number of forms to *n and the variant bytes to *apos.
 * Returns 0 when the alias has no ASCII word byte. */
static int alias_forms(const struct skidx_alias_set *set, uint32_t ai,
                       struct build_item *it, size_t *n, char *arena,
                       size_t *apos)
{
    const struct skidx_alias *a = &set->a[ai];
    const unsigned char *t = (const unsigned char *)a->text;
    int flex = skidx_alias_flexible(a);
    uint32_t lead, head;
    if (!split_text(a->text, a->len, &lead, &head))
        return 0;
    struct build_item form = {0, a->text, a->len, (uint32_t)flex, ai, 0, 0, 0};
    if (it) {
        it[*n] = form;
        split_text(form.text, form.len, &it[*n].lead, &it[*n].head);
    }
    (*n)++;
    if (!flex)
        return 1;
    /* the '_' chain: separators right after the (growing) head */
    size_t j = lead + head;
    const char *prev = a->text;
    while (j < a->len && flex_sep_at(t, a->len, j)) {
        if (it) {
            char *v = arena + *apos;
            memcpy(v, prev, a->len);
            v[j] = '_';
            prev = v;
            form.text = v;
            it[*n] = form;
            split_text(v, a->len, &it[*n].lead, &it[*n].head);
        }
        *apos += a->len;
        (*n)++;
        j++;
        while (j < a->len && is_ascii_word(t[j]))
            j++;
    }
    if (a->flags & SKIDX_ALIAS_JOINED) {
        uint32_t k = 0, seps = 0;
        for (uint32_t i = 0; i < a->len; i++)
            seps += (uint32_t)flex_sep_at(t, a->len, i);
        char *v = it && seps ? arena + *apos : NULL;
        for (uint32_t i = 0; i < a->len; i++) {
            if (flex_sep_at(t, a->len, i))
                continue;
            if (v)
                v[k] = a->text[i];
            k++;
        }
        if (seps) {
            if (it) {
                form.text = v;
                form.len = k;
                form.flex = 0; /* no separator left */
                it[*n] = form;
                split_text(v, k, &it[*n].lead, &it[*n].head);
            }
            *apos += k;
            (*n)++;
        }
    }
    return 1;
}

static int build_cmp(const void *x, const void *y)
{
    const struct build_item *a = x, *b = y;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int same_head(const struct build_item *a, const struct build_item *b)
{
    if (a->head != b->head)
        return 0;
    const unsigned char *p = (const unsigned char *)a->text + a->lead;
    const unsigned char *q = (const unsigned char *)b->text + b->lead;
    for (uint32_t i = 0; i < a->head; i++)
        if ((p[i] | 0x20) != (q[i] | 0x20))
            return 0;
    return 1;
}

/* A candidate while build_words gathers and sorts a head's; then it
 * becomes a struct cand and a struct cand_more. */
struct bcand {
    uint32_t alias, owner;
    uint32_t lead_len, tail_len;
    uint32_t text_off, flags;
    uint32_t key2; /* k2fold(tail[0]) << 8 | k2fold(tail[1]); tail >= 2 */
    uint64_t key, mask; /* the screen (struct cand) */
    uint64_t flexbits;
};

static int cand_cmp(const void *x, const void *y)
{
    const struct bcand *a = x, *b = y;
    int sa = a->tail_len < 2, sb = b->tail_len < 2;
    if (sa != sb)
        return sa ? -1 : 1;
    if (!sa && key2_bit(a->key2) != key2_bit(b->key2))
        return key2_bit(a->key2) < key2_bit(b->key2) ? -1 : 1;
    if (a->key2 != b->key2)
        return a->key2 < b->key2 ? -1 : 1;
    return a->alias < b->alias ? -1 : a->alias > b->alias;
}

/* Zeroed memory aligned to a cache line (n rounded up to 64 bytes),
 * freed with free(): the candidates (32 bytes each) and the head table,
 * as a loaded cache image holds them (its arrays start on a multiple of
 * SKIDX_BLOB_ALIGN), so that a candidate the probe reads is one line, not
 * two, on the first run and with --no-cache too. */
static void *line_calloc(size_t n)
{
    n = (n + 63) & ~(size_t)63;
    void *p = aligned_alloc(64, n);
    if (p)
        memset(p, 0, n);
    return p;
}

/* Candidate i of m from its build form b. */
static void put_cand(struct skidx_matcher *m, size_t i, const struct bcand *b)
{
    const int fits = b->lead_len <= 0xFF && b->tail_len <= 0xFF;
    const uint32_t flex8 = (uint32_t)(b->flexbits & 0xFF) << 8;
    m->cands[i] = (struct cand){
        b->key, b->mask, b->alias, b->owner, b->text_off,
        fits ? b->flags | flex8 | b->lead_len << 16 | b->tail_len << 24
             : b->flags | flex8 | C_LONG};
    m->more[i] = (struct cand_more){b->lead_len, b->tail_len};
}

static skidx_status build_words(struct skidx_matcher *m)
{
    const struct skidx_alias_set *set = m->set;
    size_t n = 0, key_bytes = 0, n_forms = 0, arena_bytes = 0;
    for (size_t i = 0; i < set->n; i++)
        if (!(set->a[i].flags & SKIDX_ALIAS_REGEX))
            alias_forms(set, (uint32_t)i, NULL, &n_forms, NULL, &arena_bytes);
    n_forms += m->n_gate_words;
    struct build_item *it = calloc(n_forms ? n_forms : 1, sizeof(*it));
    m->forms = malloc(arena_bytes ? arena_bytes : 1);
    if (!it || !m->forms) {
        free(it);
        return SKIDX_ERR_NOMEM;
    }
    m->literals = calloc(set->n ? set->n : 1, sizeof(*m->literals));
    if (!m->literals) {
        free(it);
        return SKIDX_ERR_NOMEM;
    }
    size_t apos = 0;
    for (size_t i = 0; i < set->n; i++) {
        const struct skidx_alias *a = &set->a[i];
        if (a->flags & SKIDX_ALIAS_REGEX)
            continue;
        size_t from = n;
        if (!alias_forms(set, (uint32_t)i, it, &n, m->forms, &apos))
            continue; /* refused by the parser; nothing can match it */
        m->literals[m->n_literals++] = (uint32_t)i;
        for (size_t f = from; f < n; f++) {
            it[f].seq = (uint32_t)f;
            it[f].hash = word_hash((const unsigned char *)it[f].text +
                                       it[f].lead,
                                   it[f].head, it[f].head);
        }
    }
    /* the gate words: heads of their own, numbered after the aliases */
    for (size_t g = 0, o = 0; g < m->n_gate_words; g++) {
        const char *w = m->gate_words + o;
        uint32_t wl = (uint32_t)strlen(w);
        o += wl + 1;
        struct build_item *f = &it[n];
        *f = (struct build_item){0, w, wl, 0, (uint32_t)(set->n + g), 0, wl,
                                 (uint32_t)n};
        f->hash = word_hash((const unsigned char *)w, wl, wl);
        n++;
    }
    qsort(it, n, sizeof(*it), build_cmp);
    /* count distinct heads (equal hash AND equal folded bytes) */
    size_t heads = 0;
    for (size_t i = 0; i < n; i++) {
        int fresh = 1;
        for (size_t j = i; j-- > 0 && it[j].hash == it[i].hash;)
            if (same_head(&it[j], &it[i])) {
                fresh = 0;
                break;
            }
        if (fresh) {
            heads++;
            key_bytes += it[i].head;
        }
    }
    size_t cap = 16;
    while (cap < heads * 2)
        cap <<= 1;
    m->table = line_calloc(cap * sizeof(*m->table));
    m->table_mask = cap - 1;
    m->table_shift = 64 - (unsigned)__builtin_ctzll(cap);
    m->filter = calloc(FILTER_BITS / 64, sizeof(uint64_t));
    m->cands = line_calloc((n ? n : 1) * sizeof(*m->cands));
    m->more = line_calloc((n ? n : 1) * sizeof(*m->more));
    m->keys = malloc(key_bytes ? key_bytes : 1);
    struct bcand *bc = calloc(n ? n : 1, sizeof(*bc));
    if (!m->table || !m->filter || !m->cands || !m->more || !m->keys ||
        !bc) {
        free(bc);
        free(it);
        return SKIDX_ERR_NOMEM;
    }
    m->min_head = UINT32_MAX;
    m->max_head = 0;
    size_t koff = 0, abytes = 0, aoff = 0;
    for (size_t i = 0; i < n; i++)
        abytes += it[i].len;
    m->atext = malloc(abytes ? abytes : 1);
    if (!m->atext) {
        free(bc);
        free(it);
        return SKIDX_ERR_NOMEM;
    }
    /* Candidates of one head must be contiguous: gather per head by
     * scanning each hash run for items with the same folded head. */
    size_t max_len = 1;
    for (size_t i = 0; i < n; i++)
        max_len = it[i].len > max_len ? it[i].len : max_len;
    char *joinbuf = malloc(max_len);
    char *used = calloc(n ? n : 1, 1);
    uint8_t *owner_neg = calloc(m->n_owners ? m->n_owners : 1, 1);
    if (!used || !owner_neg || !joinbuf) {
        free(joinbuf);
        free(used);
        free(owner_neg);
        free(bc);
        free(it);
        return SKIDX_ERR_NOMEM;
    }
    for (size_t i = 0; i < set->n; i++)
        if (set->a[i].flags & SKIDX_ALIAS_NEG)
            owner_neg[set->a[i].owner] = 1;
    for (size_t i = 0; i < n; i++) {
        if (used[i])
            continue;
        const struct build_item *hi = &it[i];
        struct head h = {
            word_first8((const unsigned char *)hi->text + hi->lead, hi->head,
                        hi->head),
            hi->head, (uint32_t)koff, (uint32_t)m->n_cands, 0, 0, 0};
        for (uint32_t b = 0; b < hi->head; b++)
            m->keys[koff + b] = (unsigned char)(hi->text[hi->lead + b] | 0x20);
        koff += hi->head;
        for (size_t j = i; j < n && it[j].hash == it[i].hash; j++) {
            if (used[j] || !same_head(&it[i], &it[j]))
                continue;
            used[j] = 1;
            const struct build_item *f = &it[j];
            struct bcand *c = &bc[m->n_cands++];
            if (f->alias >= set->n) { /* a gate word: the head is all */
                memset(c, 0, sizeof(*c));
                c->alias = f->alias;
                c->flags = C_GATE;
                c->text_off = (uint32_t)aoff;
                memcpy(m->atext + aoff, f->text, f->len);
                aoff += f->len;
                h.n_short++;
                h.cand_n++;
                continue;
            }
            const struct skidx_alias *b = &set->a[f->alias];
            const unsigned char *ft = (const unsigned char *)f->text;
            c->alias = f->alias;
            c->owner = b->owner;
            c->lead_len = f->lead;
            c->text_off = (uint32_t)aoff;
            memcpy(m->atext + aoff, f->text, f->len);
            aoff += f->len;
            c->tail_len = f->len - f->lead - f->head;
            int flex_tail = 0;
            {
                uint32_t t0 = f->lead + f->head;
                uint32_t tn = c->tail_len < 8 ? c->tail_len : 8;
                c->key = c->mask = 0;
                c->flexbits = 0;
                for (uint32_t q = 0; q < c->tail_len; q++) {
                    int fx = f->flex && flex_sep_at(ft, f->len, t0 + q);
                    flex_tail |= fx;
                    if (fx && q < 64)
                        c->flexbits |= 1ull << q;
                }
                for (uint32_t q = 0; q < tn; q++) {
                    unsigned char ch = ft[t0 + q];
                    int letter = ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
                    uint64_t keep = (!(b->flags & SKIDX_ALIAS_CASE) && letter)
                                        ? 0xDF
                                        : 0xFF;
                    /* a flexible separator is checked in confirm */
                    if (f->flex && flex_sep_at(ft, f->len, t0 + q))
                        continue;
                    c->mask |= keep << (8 * q);
                    c->key |= (uint64_t)(ch & keep) << (8 * q);
                }
            }
            c->flags = (owner_neg[b->owner] ? C_OWNER_NEG : 0) |
                       ((b->flags & SKIDX_ALIAS_CASE) ? C_CASE : 0) |
                       ((b->flags & SKIDX_ALIAS_NEG) ? C_NEG : 0) |
                       (flex_tail ? C_FLEX : 0) |
                       (skidx_starts_word(f->text, f->len) ? C_LEFT : 0) |
                       (skidx_ends_word(f->text, f->len) ? C_RIGHT : 0);
            if (c->tail_len >= 2) {
                const unsigned char *tl = ft + f->lead + f->head;
                c->key2 = (uint32_t)k2fold[tl[0]] << 8 | k2fold[tl[1]];
                h.k2bits |= 1ull << key2_bit(c->key2);
            } else {
                c->key2 = 0;
                h.n_short++;
            }
            h.cand_n++;
        }
        /* short tails first, then by key2_bit and key2 (stable on alias
         * order) */
        qsort(bc + h.cand_start, h.cand_n, sizeof(*bc), cand_cmp);
        uint64_t slot = it[i].hash >> m->table_shift;
        while (m->table[slot].len)
            slot = (slot + 1) & m->table_mask;
        m->table[slot] = h;
        /* the filter: the head alone when some candidate's tail has no
         * ASCII word byte, else the head with each tail's first word */
        for (uint32_t ci = 0; ci < h.cand_n; ci++) {
            const struct bcand *c = &bc[h.cand_start + ci];
            const unsigned char *at = m->atext + c->text_off;
            uint32_t alen = c->lead_len + h.len + c->tail_len;
            const unsigned char *tl = at + c->lead_len + h.len;
            uint32_t w0 = 0, w1;
            while (w0 < c->tail_len && !is_ascii_word(tl[w0]))
                w0++;
            if (w0 == c->tail_len) {
                filter_add(m->filter, it[i].hash);
                continue;
            }
            for (w1 = w0; w1 < c->tail_len && is_ascii_word(tl[w1]); w1++)
                ;
            filter_add(m->filter, pair_key(it[i].hash,
                                           word_hash(tl + w0, w1 - w0,
                                                     w1 - w0)));
            /* with flexible separators the next text word may be the
             * tail's first words joined by '_' */
            if (!(c->flags & C_FLEX))
                continue;
            unsigned char *buf = (unsigned char *)joinbuf;
            uint32_t base = c->lead_len + h.len;
            while (w1 < c->tail_len && flex_sep_at(at, alen, base + w1)) {
                uint32_t e = w1 + 1;
                while (e < c->tail_len && is_ascii_word(tl[e]))
                    e++;
                memcpy(buf, tl + w0, e - w0);
                for (uint32_t q = w0; q < e; q++)
                    if (flex_sep_at(at, alen, base + q))
                        buf[q - w0] = '_';
                filter_add(m->filter,
                           pair_key(it[i].hash, word_hash(buf, e - w0, e - w0)));
                w1 = e;
            }
        }
        if (h.len < m->min_head)
            m->min_head = h.len;
        if (h.len > m->max_head)
            m->max_head = h.len;
    }
    m->n_heads = heads;
    free(joinbuf);
    /* The final layout (struct head): each key2 group after a copy of the
     * short-tail candidates, so that a probe tries one run. */
    size_t total = 0;
    for (uint64_t slot = 0; slot <= m->table_mask; slot++) {
        const struct head *h = &m->table[slot];
        total += h->cand_n +
                 (size_t)__builtin_popcountll(h->k2bits) * h->n_short;
    }
    free(m->cands);
    free(m->more);
    m->cands = line_calloc((total ? total : 1) * sizeof(*m->cands));
    m->more = line_calloc((total ? total : 1) * sizeof(*m->more));
    m->k2end = calloc(total ? total : 1, sizeof(*m->k2end));
    if (!m->cands || !m->more || !m->k2end) {
        free(bc);
        free(owner_neg);
        free(used);
        free(it);
        return SKIDX_ERR_NOMEM;
    }
    size_t o = 0;
    for (uint64_t slot = 0; slot <= m->table_mask; slot++) {
        struct head *h = &m->table[slot];
        if (!h->len)
            continue;
        const struct bcand *hb = bc + h->cand_start;
        const size_t start = o;
        uint32_t r = 0;
        for (uint32_t ci = 0; ci < h->cand_n; ci++) {
            if (ci >= h->n_short &&
                (ci == h->n_short ||
                 key2_bit(hb[ci].key2) != key2_bit(hb[ci - 1].key2)))
                for (uint32_t q = 0; q < h->n_short; q++) /* a group starts */
                    put_cand(m, o++, &hb[q]);
            put_cand(m, o++, &hb[ci]);
            if (ci >= h->n_short &&
                (ci + 1 == h->cand_n ||
                 key2_bit(hb[ci + 1].key2) != key2_bit(hb[ci].key2)))
                m->k2end[start + h->n_short + r++] = (uint32_t)(o - start);
        }
        h->cand_start = (uint32_t)start;
        h->cand_n = (uint32_t)(o - start);
    }
    m->n_cands = o;
    free(bc);
    free(owner_neg);
    free(used);
    free(it);
    return SKIDX_OK;
}

#define NO_GROUP UINT32_MAX

/* One owner's negative regexes, in two databases: those whose matches
 * are at most NEG_MAX_WIDTH bytes long (db_win, `width` the longest),
 * scanned only in windows around the owner's positive hits, and the
 * others (db), scanned over the whole text. A negative hit matters only
 * when it holds a positive hit [s, e) of its owner, so it starts at or
 * after e - width and ends at or before s + width: the window
 * [e - width - 2, s + width + 2) holds it with a byte of context on each
 * side (for \b, and for $ before a last newline), and a match the
 * window's edges make up (a \b or ^ at its start) is too short to hold
 * any positive hit whose own window the scanned one covers. */
struct neg_group {
    hs_database_t *db;
    hs_database_t *db_win;
    uint32_t owner;
    uint32_t width;
    /* the bounded negative regexes with gate words (regex_gate_words),
     * compiled anchored: scanned only from the gate words (those whose
     * gate_info.negs has bit `slot`) that lie at most width_ga bytes
     * before the end of one of the owner's hits and not after its start */
    hs_database_t *db_ga;
    uint32_t width_ga;
    uint32_t slot;
    /* the unbounded regexes whose only unbounded parts are \s, \w or a
     * class of either's bytes under '+' or '*' (neg_bounded): as written
     * in db_ub, scanned over the whole text when it holds a run of
     * white-space or word bytes longer than RUN_MAX; else, bounded to
     * RUN_MAX repeats, which then match the same, in db_wb with the
     * db_win regexes, over the windows of width_b (>= width) instead of
     * db_win's */
    hs_database_t *db_ub;
    hs_database_t *db_wb;
    uint32_t width_b;
    uint32_t pad; /* 0 */
    /* lead bytes (as struct skidx_matcher's high_leads) one of which a
     * text must hold for any of the group's negative regexes to match
     * in it: each regex holds one of its own (regex_high_leads) in every
     * match, e.g. all written in Chinese (0: some regex holds none, the
     * group is scanned on every text with a hit). Not in the image:
     * group_leads() derives it from the regexes, built or loaded. */
    uint64_t leads;
};

#define NEG_MAX_WIDTH 1024

/* Test hook (skidx_match_set_regex_gate): 0 scans every negative group on
 * every text, the simple way the gate must agree with. */
static int regex_gate = 1;

void skidx_match_set_regex_gate(int on)
{
    regex_gate = on;
}

/* Test hook (skidx_match_set_skip): 0 ignores the skip ranges. */
static int skip_on = 1;

void skidx_match_set_skip(int on)
{
    skip_on = on;
}

/* ---- what a positive regex needs: gate words, a non-ASCII byte ---- */

/* A regex of the form \b(word|word...)... whose every match starts with a
 * whole run of ASCII word bytes out of a finite set (the "gate words":
 * `\b(?:degree|bachelor'?s?|BS|M\.Sc\.)\s(?:in|of)\s...` starts with
 * degree, bachelor, bachelors, bs or m) needs no scan of the whole text:
 * the WORDS engine finds the gate words as heads, and only the bytes from
 * such a word to the regex's longest match after it are scanned.
 *
 * A gated regex is scanned from each of its gate words the WORDS engine
 * finds (scan_gated), at ~2,000 instructions a Hyperscan call, though
 * few of those words begin a match: `ms` or `degree` must be followed by
 * ` in `, ` of `, ` degree`, ` or higher`..., `analyse` by ` large`,
 * ` complex`... So each gate word of a class carries the byte strings
 * that can follow it in a match of one of the class's regexes, their
 * first FOLLOW_LEN bytes (the follow filter), and a scan is made only
 * where the text after the word begins with one of them.
 *
 * xp_* expand a regex from its start into the strings of bytes a match
 * can begin with, each split into its gate word (`run`, folded) and the
 * bytes after it (`next`, at most `follow` of them: 0 for the gate words,
 * FOLLOW_LEN for the follow filter; folded by follow_fold(): ASCII
 * letters in lower case, the white-space bytes of \s as ' ', the others
 * as they are). A string ends (`open` cleared) when `next` is full (with
 * `follow` 0: when its word closes, at a non-word byte or \b), at the
 * regex's end, or at a part that is not expanded (a class of many bytes,
 * '.', an escape class, a repeat other than '?', an anchor): the bytes
 * after it may be anything. Ending a string whose word is not closed
 * fails: its word is not known. Only what is surely understood is
 * expanded: literal bytes, escaped punctuation, \s, \b, groups (?:...),
 * (?i:...) and (...) with alternatives, small classes of literal bytes,
 * and '?' after an atom; a literal blank or '#' (for the extended mode's
 * sake) and \t, \n, \r, \f, \v are refused inside a word. A literal is
 * taken caselessly and a literal blank as any white space, so a string
 * may stand for more texts than the regex matches, never fewer: the
 * follow filter can only let a scan happen that finds nothing. A regex
 * that fails is scanned over every text (no gate words) or from every
 * occurrence of its words (no follow filter). Failing is always safe;
 * succeeding must be right, and tests compare gated and filtered scans
 * with whole-text scans. */
#define GX_RUN 32     /* longest gate word */
#define FOLLOW_LEN 8  /* most bytes of a follow string */
#define XP_SET 4096   /* most partial expansions */

struct xp_part {
    unsigned char run[GX_RUN];
    unsigned char next[FOLLOW_LEN];
    uint8_t rlen, nlen, closed, open;
};

struct xp_set {
    struct xp_part *p;
    size_t n;
};

/* What an expansion keeps: `follow` bytes after the word, and a union
 * without duplicate strings (sorted) or with every string in the order
 * met (the gate words' order, which names their classes). With `once`, a
 * repeated atom (X*, X+, X{m,n}) is expanded once before its strings end
 * (with those before it going on when it may be absent: X*, X{0,n});
 * without, the strings end before it, so that a repeat fails a word it
 * would close (the gate words keep that reading: NEEDSWORK, `\bms\s+in`
 * could have the gate word ms). */
struct xp_kind {
    uint8_t follow;
    uint8_t unique;
    uint8_t once;
};

enum { XP_FAIL = -1, XP_OK = 0 };

/* The byte folding of the follow filter (see above). */
static inline unsigned char follow_fold(unsigned char c)
{
    if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r')
        return ' ';
    return lower(c);
}

static int xp_alloc(struct xp_set *s)
{
    s->p = malloc(XP_SET * sizeof(*s->p));
    s->n = 0;
    return s->p ? XP_OK : XP_FAIL;
}

static void xp_copy(struct xp_set *dst, const struct xp_set *src)
{
    memcpy(dst->p, src->p, src->n * sizeof(*src->p));
    dst->n = src->n;
}

static int xp_part_cmp(const void *x, const void *y)
{
    return memcmp(x, y, sizeof(struct xp_part));
}

/* dst += src (see struct xp_kind). */
static int xp_union(struct xp_set *dst, const struct xp_set *src,
                    const struct xp_kind *k)
{
    if (dst->n + src->n > XP_SET)
        return XP_FAIL;
    memcpy(dst->p + dst->n, src->p, src->n * sizeof(*src->p));
    dst->n += src->n;
    if (!k->unique || dst->n < 2)
        return XP_OK;
    qsort(dst->p, dst->n, sizeof(*dst->p), xp_part_cmp);
    size_t j = 1;
    for (size_t i = 1; i < dst->n; i++)
        if (memcmp(&dst->p[i], &dst->p[j - 1], sizeof(*dst->p)))
            dst->p[j++] = dst->p[i];
    dst->n = j;
    return XP_OK;
}

static int xp_all_ended(const struct xp_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->p[i].open)
            return 0;
    return 1;
}

/* Is a word still being read (where a blank is refused)? */
static int xp_in_word(const struct xp_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->p[i].open && !s->p[i].closed)
            return 1;
    return 0;
}

/* End the open strings here: what follows may be anything. */
static int xp_end(struct xp_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct xp_part *q = &s->p[i];
        if (!q->open)
            continue;
        if (!q->closed)
            return XP_FAIL;
        q->open = 0;
    }
    return XP_OK;
}

/* Close q's word (a match would not start at a word without a byte of
 * it); with no byte kept after the word, that ends the string. */
static int xp_close(struct xp_part *q, const struct xp_kind *k)
{
    if (!q->rlen)
        return XP_FAIL;
    q->closed = 1;
    if (q->nlen == k->follow)
        q->open = 0;
    return XP_OK;
}

/* Apply one byte of a match (c as written: folded here). An ASCII word
 * byte extends the open words, any other closes them. */
static int xp_byte(struct xp_set *s, const struct xp_kind *k,
                   unsigned char c)
{
    for (size_t i = 0; i < s->n; i++) {
        struct xp_part *q = &s->p[i];
        if (!q->open)
            continue;
        if (!q->closed) {
            if (is_ascii_word(c)) {
                if (q->rlen == GX_RUN)
                    return XP_FAIL;
                q->run[q->rlen++] = lower(c);
                continue;
            }
            if (xp_close(q, k))
                return XP_FAIL;
            if (!q->open)
                continue;
        }
        q->next[q->nlen++] = follow_fold(c);
        if (q->nlen == k->follow)
            q->open = 0;
    }
    return XP_OK;
}

/* The end of the class at re[i] ('[': ']' first or after '^' is a
 * member), n when it has none. */
static size_t class_end(const char *re, size_t n, size_t i)
{
    i++;
    if (i < n && re[i] == '^')
        i++;
    if (i < n && re[i] == ']')
        i++;
    while (i < n && re[i] != ']')
        i += re[i] == '\\' ? 2 : 1;
    return i < n ? i + 1 : n;
}

/* Skip to the end of the current alternative: the next '|' or ')' at this
 * group depth (or the end). */
static size_t xp_skip(const char *re, size_t n, size_t i)
{
    int depth = 0;
    while (i < n) {
        char c = re[i];
        if (c == '\\') {
            i += 2;
            continue;
        }
        if (c == '[') {
            i = class_end(re, n, i);
            continue;
        }
        if (c == '(')
            depth++;
        else if (c == ')' && depth-- == 0)
            return i;
        else if (c == '|' && depth == 0)
            return i;
        i++;
    }
    return n;
}

static int xp_seq(const char *re, size_t n, size_t *pos, struct xp_set *s,
                  const struct xp_kind *k);

/* Alternatives (a group's, a class's members): each is applied to a copy
 * of the set before them (xp_alts_next), and their union (`all`) becomes
 * the set after them (xp_alts_end, when r is XP_OK). */
struct xp_alts {
    struct xp_set all, one;
};

static int xp_alts_begin(struct xp_alts *a)
{
    return xp_alloc(&a->all) | xp_alloc(&a->one);
}

static struct xp_set *xp_alts_next(struct xp_alts *a, const struct xp_set *s)
{
    xp_copy(&a->one, s);
    return &a->one;
}

static int xp_alts_end(struct xp_alts *a, int r, struct xp_set *s)
{
    if (r == XP_OK)
        xp_copy(s, &a->all);
    free(a->all.p);
    free(a->one.p);
    return r;
}

/* A class of a few literal ASCII bytes (`[sz]`, `[Ss]`, `[- ]`: no
 * ranges, no negation, escapes of punctuation only) at re[*pos], taken
 * as the alternatives of its members; any other class ends the open
 * strings. */
#define XP_CLASS 16
static int xp_class(const char *re, size_t n, size_t *pos, struct xp_set *s,
                    const struct xp_kind *k)
{
    const unsigned char *p = (const unsigned char *)re;
    unsigned char mem[XP_CLASS];
    size_t nm = 0, j = *pos + 1;
    int ok = !(j < n && p[j] == '^');
    for (; ok && j < n && (p[j] != ']' || j == *pos + 1); j++) {
        unsigned char x = p[j];
        if (x == '\\') {
            if (j + 1 >= n || p[j + 1] >= 0x80 || is_ascii_word(p[j + 1]) ||
                p[j + 1] == ' ')
                ok = 0;
            else
                x = p[++j];
        } else if ((x == '-' && j > *pos + 1 && j + 1 < n &&
                    p[j + 1] != ']') ||
                   x == '[' || x >= 0x80) {
            ok = 0; /* a range, a POSIX class, a non-ASCII byte */
        }
        if (ok && nm == XP_CLASS)
            ok = 0;
        if (ok)
            mem[nm++] = x;
    }
    if (!ok || j >= n || !nm) {
        *pos = class_end(re, n, *pos);
        return xp_end(s);
    }
    struct xp_alts a;
    int r = xp_alts_begin(&a);
    for (size_t m = 0; m < nm && r == XP_OK; m++) {
        r = xp_byte(xp_alts_next(&a, s), k, mem[m]);
        if (r == XP_OK)
            r = xp_union(&a.all, &a.one, k);
    }
    *pos = j + 1;
    return xp_alts_end(&a, r, s);
}

/* A group at re[*pos] ('('): the union of its alternatives applied to s,
 * *pos moved past it. */
static int xp_group(const char *re, size_t n, size_t *pos, struct xp_set *s,
                    const struct xp_kind *k)
{
    size_t i = *pos;
    if (i + 1 < n && re[i + 1] == '?') {
        if (i + 2 < n && re[i + 2] == ':')
            i += 3;
        else if (i + 3 < n && re[i + 2] == 'i' && re[i + 3] == ':')
            i += 4; /* caseless: the strings are folded anyway */
        else
            return XP_FAIL;
    } else {
        i++;
    }
    struct xp_alts a;
    int r = xp_alts_begin(&a), closed = 0;
    while (r == XP_OK) {
        r = xp_seq(re, n, &i, xp_alts_next(&a, s), k);
        if (r == XP_OK)
            r = xp_union(&a.all, &a.one, k);
        if (r != XP_OK || i >= n)
            break;
        if (re[i++] == ')') {
            closed = 1;
            break;
        }
    }
    if (r == XP_OK && !closed)
        r = XP_FAIL; /* unclosed group */
    *pos = i;
    return xp_alts_end(&a, r, s);
}

/* One atom at re[*pos] applied to s, *pos moved past it. */
static int xp_atom(const char *re, size_t n, size_t *pos, struct xp_set *s,
                   const struct xp_kind *k)
{
    size_t i = *pos;
    unsigned char c = (unsigned char)re[i];
    if (c == '(')
        return xp_group(re, n, pos, s, k);
    if (c == '[')
        return xp_class(re, n, pos, s, k);
    if (c == '*' || c == '+' || c == '?' || c == '{' || c == '}')
        return XP_FAIL;
    if (c != '\\') {
        *pos = i + 1;
        if (c == '.' || c == '^' || c == '$')
            return xp_end(s);
        if ((c == ' ' || c == '#') && xp_in_word(s))
            return XP_FAIL;
        return xp_byte(s, k, c);
    }
    if (i + 1 >= n)
        return XP_FAIL;
    unsigned char e = (unsigned char)re[i + 1];
    *pos = i + 2;
    if (e == 'b') { /* a boundary closes every open word */
        for (size_t j = 0; j < s->n; j++) {
            struct xp_part *q = &s->p[j];
            if (q->open && !q->closed && xp_close(q, k))
                return XP_FAIL;
        }
        return XP_OK;
    }
    if (e == 's')
        return xp_byte(s, k, ' '); /* folded as follow_fold does */
    if (e == 't' || e == 'n' || e == 'r' || e == 'f' || e == 'v')
        return xp_in_word(s) ? XP_FAIL : xp_byte(s, k, ' ');
    if (e < 0x80 && !is_ascii_word(e) && e != ' ')
        return xp_byte(s, k, e); /* escaped punctuation */
    return e == 'Q' || e == 'E' ? XP_FAIL : xp_end(s);
}

/* The length of the repeat at re[i] ('*', '+', '{m}', '{m,}', '{m,n}',
 * each maybe lazy or possessive), 0 when there is none. */
static size_t xp_repeat(const char *re, size_t n, size_t i)
{
    size_t j = i;
    if (j < n && (re[j] == '*' || re[j] == '+')) {
        j++;
    } else if (j < n && re[j] == '{') {
        j++;
        while (j < n && (re[j] == ',' || (re[j] >= '0' && re[j] <= '9')))
            j++;
        if (j >= n || re[j] != '}' || j == i + 1)
            return 0; /* not a repeat: Hyperscan reads '{' as a byte */
        j++;
    } else {
        return 0;
    }
    if (j < n && (re[j] == '?' || re[j] == '+'))
        j++;
    return j - i;
}

/* A sequence up to ')' or '|' (not consumed) or the end. */
static int xp_seq(const char *re, size_t n, size_t *pos, struct xp_set *s,
                  const struct xp_kind *k)
{
    struct xp_set before;
    int r = xp_alloc(&before);
    while (r == XP_OK && *pos < n && re[*pos] != '|' && re[*pos] != ')') {
        if (xp_all_ended(s)) { /* the rest changes no string */
            *pos = xp_skip(re, n, *pos);
            break;
        }
        xp_copy(&before, s);
        r = xp_atom(re, n, pos, s, k);
        if (r != XP_OK)
            break;
        const size_t rep = xp_repeat(re, n, *pos);
        if (rep && k->once) { /* the atom once, then anything */
            const char q = re[*pos], q1 = *pos + 1 < n ? re[*pos + 1] : 0;
            const int may_skip = q == '*' || (q == '{' && (q1 == '0' ||
                                                           q1 == ','));
            *pos += rep;
            r = xp_end(s);
            if (r == XP_OK && may_skip)
                r = xp_union(s, &before, k);
        } else if (rep) { /* the strings end before the atom */
            *pos += rep;
            xp_copy(s, &before);
            r = xp_end(s);
        } else if (*pos < n && re[*pos] == '?') {
            ++*pos;
            if (*pos < n && (re[*pos] == '?' || re[*pos] == '+'))
                ++*pos; /* lazy or possessive: the same set of matches */
            r = xp_union(s, &before, k);
        }
    }
    free(before.p);
    return r;
}

/* The strings a match of regex re[0..n) begins with (see above), each
 * ended, to *s (its p malloc'd). Returns 1 when expanded, 0 when not
 * (s->p NULL), -1 out of memory. */
static int xp_expand(const char *re, size_t n, const struct xp_kind *k,
                     struct xp_set *s)
{
    s->p = NULL;
    s->n = 0;
    if (n < 3 || re[0] != '\\' || re[1] != 'b')
        return 0;
    if (xp_alloc(s))
        return -1;
    memset(s->p, 0, sizeof(*s->p));
    s->p[0].open = 1;
    s->n = 1;
    size_t pos = 2;
    int r = xp_seq(re, n, &pos, s, k);
    if (r == XP_OK && pos < n)
        r = XP_FAIL; /* '|' or ')' at the top */
    if (r == XP_OK)
        r = xp_end(s); /* the regex's end */
    if (r != XP_OK) {
        free(s->p);
        s->p = NULL;
        s->n = 0;
        return 0;
    }
    return 1;
}

/* The gate words of regex re[0..n) (see above), written folded and
 * NUL-separated to *words (malloc'd, *n_words of them, in the order met,
 * duplicates dropped). Returns 1 when the regex has them, 0 when not, -1
 * when out of memory. */
static int regex_gate_words(const char *re, size_t n, char **words,
                            size_t *n_words)
{
    static const struct xp_kind gate = {0, 0, 0};
    struct xp_set s;
    *words = NULL;
    *n_words = 0;
    const int r = xp_expand(re, n, &gate, &s);
    if (r <= 0)
        return r;
    char *out = malloc(s.n * (GX_RUN + 1));
    if (!out) {
        free(s.p);
        return -1;
    }
    size_t o = 0;
    for (size_t i = 0; i < s.n; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = s.p[j].rlen == s.p[i].rlen &&
                  !memcmp(s.p[j].run, s.p[i].run, s.p[i].rlen);
        if (dup)
            continue;
        memcpy(out + o, s.p[i].run, s.p[i].rlen);
        o += s.p[i].rlen;
        out[o++] = '\0';
        ++*n_words;
    }
    free(s.p);
    *words = out;
    return 1;
}

/* The strings a match of regex re[0..n) (one with gate words) begins
 * with, their words and up to FOLLOW_LEN bytes after, to *out (malloc'd,
 * *n_out of them, distinct, each ended). Returns 1 when expanded, 0
 * when not, -1 out of memory. */
static int regex_follows(const char *re, size_t n, struct xp_part **out,
                         size_t *n_out)
{
    static const struct xp_kind follow = {FOLLOW_LEN, 1, 1};
    struct xp_set s;
    const int r = xp_expand(re, n, &follow, &s);
    /* a string that a shorter one of the same word begins takes no text
     * the shorter one does not (both are ended): dropped (in place: what
     * the loop reads at j < i is a string of s still, kept or dropped) */
    size_t k = 0;
    for (size_t i = 0; i < s.n; i++) {
        const struct xp_part *q = &s.p[i];
        int covered = 0;
        for (size_t j = 0; j < s.n && !covered; j++) {
            const struct xp_part *o = &s.p[j];
            covered = j != i && o->rlen == q->rlen && o->nlen < q->nlen &&
                      !memcmp(o->run, q->run, q->rlen) &&
                      !memcmp(o->next, q->next, o->nlen);
        }
        if (!covered)
            s.p[k++] = *q;
    }
    s.n = k;
    *out = s.p;
    *n_out = s.n;
    return r;
}

/* Which lead bytes of UTF-8 characters does every match of regex
 * re[0..n) hold? Surely those that stand outside every group and class
 * when the regex has no alternation outside a group (a quantifier binds
 * the character's last byte, never its lead). Returns them as a bitset
 * over 0xC0..0xFF (bit b - 0xC0), 0 when there are none or the regex is
 * not understood. A regex with some is scanned only on texts that hold
 * a non-ASCII byte (and, see high_gate, one of its lead bytes). */
static uint64_t regex_high_leads(const char *re, size_t n)
{
    const unsigned char *p = (const unsigned char *)re;
    int depth = 0;
    uint64_t found = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '\\') {
            if (i + 1 < n && (p[i + 1] == 'Q' || p[i + 1] == 'E'))
                return 0;
            i++;
        } else if (c == '[') {
            i++;
            if (i < n && p[i] == '^')
                i++;
            if (i < n && p[i] == ']')
                i++;
            for (; i < n && p[i] != ']'; i++) {
                if (p[i] == '[' && i + 1 < n && p[i + 1] == ':')
                    return 0;
                if (p[i] == '\\')
                    i++;
            }
        } else if (c == '(') {
            if (i + 1 < n && p[i + 1] == '?') {
                /* (?#comment) and the extended mode are not read here */
                for (size_t j = i + 2; j < n && p[j] != ':' && p[j] != ')';
                     j++)
                    if (p[j] == '#' || p[j] == 'x')
                        return 0;
            }
            depth++;
        } else if (c == ')') {
            depth--;
        } else if (c == '|' && depth == 0) {
            return 0;
        } else if (c >= 0xC0 && depth == 0 && i + 1 < n &&
                   (p[i + 1] & 0xC0) == 0x80) {
            found |= 1ull << (c - 0xC0);
        }
    }
    return found;
}

/* The lead bytes a text must hold for some regex of db_unspaced to
 * match: one of each regex's (regex_high_leads), chosen so that the set
 * is small and, where it can be, all >= 0xE3 (the word mask pass tells
 * whether a text holds such a byte at all). `leads` has one set per
 * regex; ~0 (every text with a non-ASCII byte) when one has none. */
static uint64_t high_gate(const uint64_t *leads, size_t n)
{
    uint64_t g = 0;
    for (size_t i = 0; i < n; i++) /* the forced ones first */
        if (leads[i] && !(leads[i] & (leads[i] - 1)))
            g |= leads[i];
    for (size_t i = 0; i < n; i++) {
        if (!leads[i])
            return ~0ull;
        if (!(leads[i] & g)) /* the highest: CJK and Hangul over Latin */
            g |= 1ull << (63 - __builtin_clzll(leads[i]));
    }
    return g;
}

/* Compile the regexes ks[0..n) (indexes into m->regex_alias, which are
 * also the Hyperscan ids) into one database: reporting the leftmost start
 * of each match, or, `anchored`, matches that start at the start of the
 * scanned bytes only (each regex behind '^': much cheaper to scan, as
 * Hyperscan need not find where a match starts). */
static skidx_status compile_texts(struct skidx_matcher *m,
                                  const uint32_t *ks,
                                  char *const *texts, size_t n,
                                  int anchored, hs_database_t **db,
                                  struct skidx_error *err);

static skidx_status compile_regexes(struct skidx_matcher *m,
                                    const uint32_t *ks, size_t n,
                                    int anchored, hs_database_t **db,
                                    struct skidx_error *err)
{
    return compile_texts(m, ks, NULL, n, anchored, db, err);
}

/* compile_regexes, regex ks[j] written as texts[j] when texts[j] is not
 * NULL (a bounded form, neg_bounded). */
static skidx_status compile_texts(struct skidx_matcher *m,
                                  const uint32_t *ks,
                                  char *const *texts, size_t n,
                                  int anchored, hs_database_t **db,
                                  struct skidx_error *err)
{
    const struct skidx_alias_set *set = m->set;
    *db = NULL;
    if (!n)
        return SKIDX_OK;
    const char **expr = calloc(n, sizeof(*expr));
    unsigned *flags = calloc(n, sizeof(*flags));
    unsigned *ids = calloc(n, sizeof(*ids));
    char **anch = calloc(n, sizeof(*anch));
    skidx_status st = SKIDX_OK;
    if (!expr || !flags || !ids || !anch) {
        st = SKIDX_ERR_NOMEM;
        goto out;
    }
    for (size_t j = 0; j < n; j++) {
        const struct skidx_alias *a = &set->a[m->regex_alias[ks[j]]];
        expr[j] = texts && texts[j] ? texts[j] : a->text;
        if (anchored) {
            if (!(anch[j] = malloc(a->len + 2))) {
                st = SKIDX_ERR_NOMEM;
                goto out;
            }
            anch[j][0] = '^';
            memcpy(anch[j] + 1, a->text, a->len + 1);
            expr[j] = anch[j];
        }
        /* anchored, the start is known; the flag still makes Hyperscan
         * build the database in a third of the time (measured) */
        flags[j] = HS_FLAG_SOM_LEFTMOST |
                   ((a->flags & SKIDX_ALIAS_CASE) ? 0 : HS_FLAG_CASELESS);
        ids[j] = ks[j];
    }
    hs_compile_error_t *ce = NULL;
    if (hs_compile_multi(expr, flags, ids, (unsigned)n, HS_MODE_BLOCK, NULL,
                         db, &ce) != HS_SUCCESS) {
        /* Hyperscan reports its own out-of-memory as a compile error of
         * expression 0 (or with no error at all): not a bad regex */
        if (!ce || strstr(ce->message, "allocate memory")) {
            st = skidx_fail(err, SKIDX_ERR_NOMEM, NULL, SKIDX_NOLINE,
                            SKIDX_NOOFF,
                            "out of memory compiling the patterns");
        } else if (ce->expression >= 0 && (size_t)ce->expression < n) {
            const struct skidx_alias *a =
                &set->a[m->regex_alias[ks[ce->expression]]];
            char q[SKIDX_QUOTE];
            st = skidx_fail(err, SKIDX_ERR_TAXONOMY, set->files[a->file],
                            a->line, SKIDX_NOOFF, "bad regex '/%s/': %s",
                            skidx_quote(a->text, a->len, q), ce->message);
        } else {
            st = skidx_fail(err, SKIDX_ERR_HYPERSCAN, NULL, SKIDX_NOLINE,
                            SKIDX_NOOFF, "cannot compile the patterns: %s",
                            ce ? ce->message : "unknown error");
        }
        hs_free_compile_error(ce);
        *db = NULL;
    }
out:
    for (size_t j = 0; anch && j < n; j++)
        free(anch[j]);
    free(anch);
    free(expr);
    free(flags);
    free(ids);
    return st;
}

/* The longest match regex alias a can have, in bytes (as compiled:
 * without HS_FLAG_UTF8, so a byte at a time); UINT_MAX when unbounded or
 * when Hyperscan rejects it (the compile names the error). */
static unsigned regex_max_width(const struct skidx_alias *a)
{
    hs_expr_info_t *info = NULL;
    hs_compile_error_t *ce = NULL;
    unsigned flags = HS_FLAG_SOM_LEFTMOST |
                     ((a->flags & SKIDX_ALIAS_CASE) ? 0 : HS_FLAG_CASELESS);
    if (hs_expression_info(a->text, flags, &info, &ce) != HS_SUCCESS) {
        hs_free_compile_error(ce);
        return UINT_MAX;
    }
    unsigned width = info->max_width;
    free(info);
    return width;
}

/* Add gate word x[0..xl) (folded) with what it gates, or add that to
 * the word's entry when it is listed already. */
static skidx_status add_gate_word(struct skidx_matcher *m, const char *x,
                                  size_t xl, uint32_t kinds, unsigned pre,
                                  unsigned post, uint64_t negs)
{
    size_t gi = 0;
    for (size_t o = 0; o < m->gate_bytes; gi++) {
        size_t ol = strlen(m->gate_words + o);
        if (ol == xl && !memcmp(m->gate_words + o, x, xl))
            break;
        o += ol + 1;
    }
    if (gi == m->n_gate_words) {
        char *g = realloc(m->gate_words, m->gate_bytes + xl + 1);
        if (!g)
            return SKIDX_ERR_NOMEM;
        m->gate_words = g;
        struct gate_info *gf =
            realloc(m->gate_info, (gi + 1) * sizeof(*gf));
        if (!gf)
            return SKIDX_ERR_NOMEM;
        m->gate_info = gf;
        memcpy(g + m->gate_bytes, x, xl);
        g[m->gate_bytes + xl] = '\0';
        m->gate_bytes += xl + 1;
        m->n_gate_words++;
        gf[gi] = (struct gate_info){.len = (uint32_t)xl};
    }
    struct gate_info *f = &m->gate_info[gi];
    f->kinds |= kinds;
    f->pre = pre > f->pre ? pre : f->pre;
    f->post = post > f->post ? post : f->post;
    f->negs |= negs;
    return SKIDX_OK;
}

/* The gate words of a, each with `kinds`, window sides `pre` and `post`
 * and `negs` (add_gate_word). */
static skidx_status add_gate_words(struct skidx_matcher *m, const char *w,
                                   size_t nw, uint32_t kinds, unsigned pre,
                                   unsigned post, uint64_t negs)
{
    skidx_status st = SKIDX_OK;
    for (size_t i = 0, wl = 0; i < nw && !st; i++) {
        size_t xl = strlen(w + wl);
        st = add_gate_word(m, w + wl, xl, kinds, pre, post, negs);
        wl += xl + 1;
    }
    return st;
}

/* The classes of the gated regexes being planned: each class's gate
 * words (as regex_gate_words lists them) and its longest match. A regex
 * joins the class of its list of words, or a new one; past
 * GATE_CLASSES the last class takes every further list (a scan of a
 * class from a word that none of its regexes starts with finds nothing,
 * so any grouping is right; this one scans the fewest regexes). */
struct gate_plan {
    char *words[GATE_CLASSES];
    size_t bytes[GATE_CLASSES];
    uint32_t width[GATE_CLASSES];
    size_t n;
};

static void gate_plan_free(struct gate_plan *p)
{
    for (size_t c = 0; c < p->n; c++)
        free(p->words[c]);
}

/* Gate positive regex a if it has gate words and a bounded match length
 * (*kind = 1, *cls its class in plan), its words added to m->gate_words;
 * else leave *kind 0. */
#define GATE_MAX_WIDTH 1024 /* longest match a gated regex may have */
static skidx_status plan_gate(struct skidx_matcher *m,
                              const struct skidx_alias *a, uint8_t *kind,
                              uint8_t *cls, struct gate_plan *plan)
{
    char *w;
    size_t nw;
    int r = regex_gate_words(a->text, a->len, &w, &nw);
    if (r < 0)
        return SKIDX_ERR_NOMEM;
    if (!r)
        return SKIDX_OK;
    /* UINT_MAX: unbounded, or rejected (the compile names the error) */
    const unsigned width = regex_max_width(a);
    if (width > GATE_MAX_WIDTH) {
        free(w);
        return SKIDX_OK;
    }
    size_t wb = 0;
    for (size_t i = 0; i < nw; i++)
        wb += strlen(w + wb) + 1;
    size_t c = 0;
    while (c < plan->n &&
           !(plan->bytes[c] == wb && !memcmp(plan->words[c], w, wb)))
        c++;
    if (c == plan->n && c == GATE_CLASSES)
        c = GATE_CLASSES - 1;
    skidx_status st =
        add_gate_words(m, w, nw, GW_ANCH | (1u << (GW_CLS + c)), 0, 0,
                       0);
    if (!st && c == plan->n) {
        plan->words[c] = w; /* the plan's now */
        plan->bytes[c] = wb;
        plan->width[c] = 0;
        plan->n++;
        w = NULL;
    }
    free(w);
    if (st)
        return st;
    if (width > plan->width[c])
        plan->width[c] = width;
    if (width > m->gate_width)
        m->gate_width = width;
    *kind = 1;
    *cls = (uint8_t)c;
    return SKIDX_OK;
}

/* ---- what a positive regex needs: a whole word, a literal run ---- */

/* The top-level atoms of a regex, read by rq_atom: re[a..b) the atom,
 * re[b..c) its quantifier (min its least count, 1 without one), `lit`
 * the byte a literal atom stands for (-1 for others). Kinds: RQ_WORD, a
 * literal ASCII word byte; RQ_NONWORD, one byte that is never an ASCII
 * word byte (literal or escaped punctuation, a space, \s, \n, \t, \r,
 * a class of such bytes); RQ_BOUND, \b; RQ_GROUP, (...), (?:...) or
 * (?i:...); RQ_OTHER, any other atom. RQ_FAIL: a part this reader does
 * not take (anchors ^ $ \A \z \Z \G, \Q, other group kinds, a top-level
 * '|'), after which the regex is not gated by what rq_ finds. */
enum { RQ_WORD, RQ_NONWORD, RQ_BOUND, RQ_GROUP, RQ_OTHER, RQ_FAIL };
struct rq_atom {
    size_t a, b, c;
    int kind, lit;
    unsigned min;
};

static int rq_escape_nonword(unsigned char e)
{
    return e == 's' || e == 'n' || e == 't' || e == 'r' ||
           (e < 0x80 && !is_ascii_word(e) && e > ' ');
}

/* The end of the class starting at re[i] == '[' (one past its ']'), or
 * 0 when unclosed; *nonword when no member is an ASCII word byte. */
static size_t rq_class(const char *re, size_t n, size_t i, int *nonword)
{
    const unsigned char *p = (const unsigned char *)re;
    int nw = 1, first = 1;
    i++;
    if (i < n && p[i] == '^') {
        nw = 0; /* a negated class holds word bytes */
        i++;
    }
    for (; i < n; first = 0) {
        unsigned char c = p[i];
        if (c == ']' && !first)
            break;
        if (c == '[' && i + 1 < n && p[i + 1] == ':')
            return 0; /* POSIX classes: not read */
        unsigned lo, len = 1;
        if (c == '\\') {
            if (i + 1 >= n)
                return 0;
            if (!rq_escape_nonword(p[i + 1]))
                nw = 0;
            lo = p[i + 1] == 's' ? ' ' : p[i + 1];
            len = 2;
        } else {
            lo = c;
        }
        i += len;
        if (i + 1 < n && p[i] == '-' && p[i + 1] != ']') { /* a range */
            unsigned hi = p[i + 1];
            if (hi == '\\')
                return 0;
            for (unsigned x = lo; x <= hi; x++)
                if (x < 0x80 && is_ascii_word((unsigned char)x))
                    nw = 0;
            i += 2;
        } else if (len == 1 && lo < 0x80 && is_ascii_word((unsigned char)lo)) {
            nw = 0;
        }
    }
    if (i >= n)
        return 0;
    *nonword = nw;
    return i + 1;
}

/* The end of the group starting at re[i] == '(' (one past its ')'), 0
 * when unclosed. */
static size_t rq_group_end(const char *re, size_t n, size_t i)
{
    int depth = 0;
    while (i < n) {
        char c = re[i];
        if (c == '\\') {
            i += 2;
            continue;
        }
        if (c == '[') {
            int nw;
            size_t e = rq_class(re, n, i, &nw);
            if (!e)
                return 0;
            i = e;
            continue;
        }
        if (c == '(')
            depth++;
        else if (c == ')' && --depth == 0)
            return i + 1;
        i++;
    }
    return 0;
}

/* Read the atom at re[i] (i < n) into *t. */
static void rq_atom(const char *re, size_t n, size_t i, struct rq_atom *t)
{
    const unsigned char *p = (const unsigned char *)re;
    unsigned char c = p[i];
    t->a = i;
    t->lit = -1;
    t->kind = RQ_OTHER;
    if (c == '(') {
        if (i + 1 < n && p[i + 1] == '?' &&
            !(i + 2 < n && p[i + 2] == ':') &&
            !(i + 3 < n && p[i + 2] == 'i' && p[i + 3] == ':')) {
            t->kind = RQ_FAIL;
            return;
        }
        t->b = rq_group_end(re, n, i);
        t->kind = t->b ? RQ_GROUP : RQ_FAIL;
    } else if (c == '[') {
        int nw = 0;
        t->b = rq_class(re, n, i, &nw);
        t->kind = !t->b ? RQ_FAIL : nw ? RQ_NONWORD : RQ_OTHER;
    } else if (c == '\\') {
        if (i + 1 >= n) {
            t->kind = RQ_FAIL;
            return;
        }
        unsigned char e = p[i + 1];
        t->b = i + 2;
        if (e == 'b')
            t->kind = RQ_BOUND;
        else if (strchr("AzZGQEx0123456789", e) || e >= 0x80)
            t->kind = RQ_FAIL; /* anchors, quoting, codes, references */
        else if (rq_escape_nonword(e)) {
            t->kind = RQ_NONWORD;
            if (e != 's' && e != 'n' && e != 't' && e != 'r')
                t->lit = e;
        }
    } else if (c == '^' || c == '$' || c == '|' || c == ')' || c == '*' ||
               c == '+' || c == '?' || c == '{') {
        t->kind = RQ_FAIL;
        return;
    } else {
        t->b = i + 1;
        if (c == '.' || c >= 0x80) {
            t->kind = RQ_OTHER;
        } else {
            t->kind = is_ascii_word(c) ? RQ_WORD : RQ_NONWORD;
            t->lit = c;
        }
    }
    if (t->kind == RQ_FAIL)
        return;
    /* the quantifier */
    size_t q = t->b;
    t->min = 1;
    if (q < n && (p[q] == '?' || p[q] == '*')) {
        t->min = 0;
        q++;
    } else if (q < n && p[q] == '+') {
        q++;
    } else if (q < n && p[q] == '{') {
        unsigned v = 0;
        size_t k = q + 1;
        if (k >= n || p[k] < '0' || p[k] > '9') {
            t->kind = RQ_FAIL;
            return;
        }
        while (k < n && p[k] >= '0' && p[k] <= '9')
            v = v * 10 + (p[k++] - '0');
        while (k < n && p[k] != '}')
            k++;
        if (k >= n) {
            t->kind = RQ_FAIL;
            return;
        }
        t->min = v;
        q = k + 1;
    }
    if (q > t->b && q < n && (p[q] == '?' || p[q] == '+'))
        q++; /* lazy or possessive */
    t->c = q;
}

#define RQ_MAX 256 /* most top-level atoms read */

/* The top-level atoms of re[a..b) into t (at most RQ_MAX); -1 when a part
 * is not taken (RQ_FAIL, or a '|' at this level). */
static long rq_atoms(const char *re, size_t a, size_t b, struct rq_atom *t)
{
    long k = 0;
    for (size_t i = a; i < b;) {
        if (k == RQ_MAX)
            return -1;
        rq_atom(re, b, i, &t[k]);
        if (t[k].kind == RQ_FAIL)
            return -1;
        i = t[k++].c;
    }
    return k;
}

static int rq_side(const char *re, const struct rq_atom *t, long n, long k,
                   int dir);

/* Does every alternative of group t end (last) or begin (!last) with a
 * byte that is never a word byte, or a \b (rq_side within it: optional
 * atoms at the edge are passed over, `(?:, ?| and )` ends with one)? */
static int rq_group_edge(const char *re, const struct rq_atom *t, int last)
{
    size_t body = t->a + 1;
    if (re[body] == '?')
        body += re[body + 1] == ':' ? 2 : 3;
    const size_t end = t->b - 1; /* the ')' */
    struct rq_atom *in = malloc(RQ_MAX * sizeof(*in));
    int ok = !!in;
    for (size_t i = body; ok;) {
        /* the alternative re[i..j) */
        size_t j = i;
        int depth = 0;
        while (j < end) {
            if (re[j] == '\\') {
                j += 2;
                continue;
            }
            if (re[j] == '[') {
                int nw;
                j = rq_class(re, end, j, &nw);
                if (!j)
                    break;
                continue;
            }
            if (re[j] == '(')
                depth++;
            else if (re[j] == ')')
                depth--;
            else if (re[j] == '|' && !depth)
                break;
            j++;
        }
        if (!j) {
            ok = 0;
            break;
        }
        long k = rq_atoms(re, i, j, in);
        if (k <= 0)
            ok = 0;
        else
            ok = last ? rq_side(re, in, k, k, -1) : rq_side(re, in, k, -1, 1);
        if (j >= end)
            break;
        i = j + 1;
    }
    free(in);
    return ok;
}

/* Is the byte next to atom k's side (before it: dir -1, after: +1) in a
 * match surely no word byte (or a \b there)? */
static int rq_side(const char *re, const struct rq_atom *t, long n, long k,
                   int dir)
{
    for (long j = k + dir; j >= 0 && j < n; j += dir) {
        const struct rq_atom *x = &t[j];
        if (x->kind == RQ_BOUND)
            return x->c == x->b; /* an unquantified \b */
        if (x->kind != RQ_NONWORD &&
            !(x->kind == RQ_GROUP && rq_group_edge(re, x, dir < 0)))
            return 0;
        if (x->min >= 1)
            return 1;
        /* optional: the byte may come from the atom beyond */
    }
    return 0; /* the regex's start or end: any byte */
}

/* The longest match regex re (a NUL-terminated copy of n bytes) can
 * have, as regex_max_width; 0 for the empty one. */
static unsigned rq_width(const char *re, size_t n)
{
    if (!n)
        return 0;
    char *x = malloc(n + 1);
    if (!x)
        return UINT_MAX;
    memcpy(x, re, n);
    x[n] = '\0';
    hs_expr_info_t *info = NULL;
    hs_compile_error_t *ce = NULL;
    unsigned w = UINT_MAX;
    if (hs_expression_info(x, HS_FLAG_ALLOWEMPTY, &info, &ce) == HS_SUCCESS) {
        w = info->max_width;
        free(info);
    } else {
        hs_free_compile_error(ce);
    }
    free(x);
    return w;
}

/* A whole word every match of regex re[0..n) holds: a run of literal
 * ASCII word bytes at its top level with, on each side, a \b or a byte
 * that is never a word byte, so that the word is a whole word of the
 * text, which the WORDS engine finds. The longest such run goes (folded)
 * to word[0..*wl), with the longest part of a match before it (*pre) and
 * after it (*post). Returns 1 when found and both sides are at most
 * RQ_MAX_SIDE bytes long, or when `wide` and either side is longer or
 * unbounded (then RQ_WIDE: the window reaches the text's end on that
 * side), 0 when not, -1 out of memory. A regex with anchors (^ $ \A \z
 * \Z) has none: a window's edges would be its ends. */
#define RQ_MAX_SIDE 1024
#define RQ_WIDE UINT32_MAX /* a window side reaching the text's end */
static int regex_req_word(const char *re, size_t n, char *word, size_t *wl,
                          unsigned *pre, unsigned *post, int wide)
{
    struct rq_atom *t = malloc(RQ_MAX * sizeof(*t));
    if (!t)
        return -1;
    long k = rq_atoms(re, 0, n, t);
    long best = -1, best_len = 0;
    for (long i = 0; i < k;) {
        if (t[i].kind != RQ_WORD || t[i].c != t[i].b) {
            i++;
            continue;
        }
        long j = i;
        while (j < k && t[j].kind == RQ_WORD && t[j].c == t[j].b)
            j++;
        if (j - i > best_len && j - i <= GX_RUN && rq_side(re, t, k, i, -1) &&
            rq_side(re, t, k, j - 1, 1)) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    int r = 0;
    if (best >= 0) {
        for (long i = 0; i < best_len; i++)
            word[i] = (char)lower((unsigned char)t[best + i].lit);
        *wl = (size_t)best_len;
        *pre = rq_width(re, t[best].a);
        size_t after = t[best + best_len - 1].c;
        *post = rq_width(re + after, n - after);
        r = *pre <= RQ_MAX_SIDE && *post <= RQ_MAX_SIDE;
        if (wide) {
            r = !r;
            *pre = *pre <= RQ_MAX_SIDE ? *pre : RQ_WIDE;
            *post = *post <= RQ_MAX_SIDE ? *post : RQ_WIDE;
        }
    }
    free(t);
    return r;
}

/* A run of literal bytes at the top level of regex re[0..n) that case
 * does not change (digits and punctuation; `stm32` holds `32`), at least
 * two long: the longest to lit[0..*ll). Returns 1 when found, 0 when
 * not, -1 out of memory. */
#define RQ_MAX_LIT 16
static int regex_req_lit(const char *re, size_t n, char *lit, size_t *ll)
{
    struct rq_atom *t = malloc(RQ_MAX * sizeof(*t));
    if (!t)
        return -1;
    long k = rq_atoms(re, 0, n, t);
    *ll = 0;
    for (long i = 0; i < k;) {
        long j = i;
        while (j < k && t[j].lit >= 0 && t[j].c == t[j].b &&
               !((t[j].lit | 0x20) >= 'a' && (t[j].lit | 0x20) <= 'z'))
            j++;
        if ((size_t)(j - i) > *ll && j - i <= RQ_MAX_LIT) {
            *ll = (size_t)(j - i);
            for (long q = i; q < j; q++)
                lit[q - i] = (char)t[q].lit;
        }
        i = j > i ? j : i + 1;
    }
    free(t);
    return *ll >= 2;
}

/* The word windows' parts being planned (struct wpart): the gate word
 * gi of each and the regex (alias index) it is for. */
struct wpart_plan {
    struct wpart_item {
        uint32_t gi, alias;
        uint32_t pre, post;
    } *v;
    size_t n, cap;
};

static size_t gate_word_index(const struct skidx_matcher *m,
                              const unsigned char *w, size_t wl);

/* Add GW_WIN word w[0..wl) with window sides pre and post for alias a
 * (its part, planned in wp). */
static skidx_status add_win_word(struct skidx_matcher *m, const char *w,
                                 size_t wl, unsigned pre, unsigned post,
                                 const struct skidx_alias *a,
                                 struct wpart_plan *wp)
{
    SKIDX_FORWARD(add_gate_word(m, w, wl, GW_WIN, pre, post, 0));
    if (wp->n == wp->cap) {
        size_t cap = wp->cap ? 2 * wp->cap : 16;
        struct wpart_item *v = realloc(wp->v, cap * sizeof(*v));
        if (!v)
            return SKIDX_ERR_NOMEM;
        wp->v = v;
        wp->cap = cap;
    }
    wp->v[wp->n++] = (struct wpart_item){
        (uint32_t)gate_word_index(m, (const unsigned char *)w, wl),
        (uint32_t)(a - m->set->a), pre, post};
    return SKIDX_OK;
}

/* Scan positive regex a only around a whole word its matches hold
 * (regex_req_word; *kind = 3), or only on texts holding a literal run
 * its matches hold (regex_req_lit; *kind = 4); else leave *kind. */
static skidx_status plan_word(struct skidx_matcher *m,
                              const struct skidx_alias *a, uint8_t *kind,
                              struct wpart_plan *wp)
{
    char w[GX_RUN];
    size_t wl;
    unsigned pre, post;
    int r = regex_req_word(a->text, a->len, w, &wl, &pre, &post, 0);
    if (r < 0)
        return SKIDX_ERR_NOMEM;
    if (r) {
        *kind = 3;
        return add_win_word(m, w, wl, pre, post, a, wp);
    }
    return SKIDX_OK;
}

/* Does regex re[0..n) read its top level as atoms (rq_atoms: no '|'
 * there) and hold no anchor anywhere (^ $ \A \z \Z \G outside a
 * class, in a group or not), so that a scan of a window whose edges are
 * no word bytes, or the text's ends, finds only matches of the text? */
static int rq_unanchored(const char *re, size_t n)
{
    struct rq_atom *t = malloc(RQ_MAX * sizeof(*t));
    if (!t)
        return 0;
    long k = rq_atoms(re, 0, n, t);
    free(t);
    if (k <= 0)
        return 0;
    for (size_t i = 0; i < n;) {
        if (re[i] == '\\') {
            if (i + 1 >= n || strchr("AzZG", re[i + 1]))
                return 0;
            i += 2;
        } else if (re[i] == '[') {
            int nw;
            i = rq_class(re, n, i, &nw);
            if (!i)
                return 0;
        } else if (re[i] == '^' || re[i] == '$') {
            return 0;
        } else {
            i++;
        }
    }
    return 1;
}

/* Scan positive regex a, which none of the gates above takes, only on
 * the texts holding one of its words (*kind = 3, with windows that reach
 * the text's end on a side its matches are unbounded on): from each of
 * its gate words (regex_gate_words: every match starts with one) to the
 * text's end, or, without gate words, around a whole word every match
 * holds (regex_req_word) widened to the text's end on each side longer
 * than RQ_MAX_SIDE. Else leave *kind 0: scanned on every text. */
static skidx_status plan_wide(struct skidx_matcher *m,
                              const struct skidx_alias *a, uint8_t *kind,
                              struct wpart_plan *wp)
{
    if (!rq_unanchored(a->text, a->len))
        return SKIDX_OK;
    char *gw;
    size_t ngw;
    int r = regex_gate_words(a->text, a->len, &gw, &ngw);
    if (r < 0)
        return SKIDX_ERR_NOMEM;
    if (r) {
        skidx_status st = SKIDX_OK;
        for (size_t i = 0, o = 0; i < ngw && !st; i++) {
            const size_t xl = strlen(gw + o);
            st = add_win_word(m, gw + o, xl, 0, RQ_WIDE, a, wp);
            o += xl + 1;
        }
        free(gw);
        *kind = st ? 0 : 3;
        return st;
    }
    char w[GX_RUN];
    size_t wl;
    unsigned pre, post;
    r = regex_req_word(a->text, a->len, w, &wl, &pre, &post, 1);
    if (r < 0)
        return SKIDX_ERR_NOMEM;
    if (r) {
        *kind = 3;
        return add_win_word(m, w, wl, pre, post, a, wp);
    }
    return SKIDX_OK;
}

static skidx_status plan_lit(struct skidx_matcher *m,
                             const struct skidx_alias *a, uint8_t *kind)
{
    char lit[RQ_MAX_LIT];
    size_t ll;
    int r = regex_req_lit(a->text, a->len, lit, &ll);
    if (r < 0)
        return SKIDX_ERR_NOMEM;
    if (!r)
        return SKIDX_OK;
    char *g = realloc(m->lits, m->lit_bytes + ll + 1);
    if (!g)
        return SKIDX_ERR_NOMEM;
    m->lits = g;
    memcpy(g + m->lit_bytes, lit, ll);
    g[m->lit_bytes + ll] = '\0';
    m->lit_bytes += ll + 1;
    *kind = 4;
    return SKIDX_OK;
}

/* May word w (folded) gate a negative regex? Only when the WORDS engine
 * probes it already: a gate word of the anchored positive regexes, or a
 * literal alias that is this one word. Another word (`data`, `team`)
 * would be probed at each of its many occurrences for nothing. */
static int neg_gate_ok(const struct skidx_matcher *m, const char *w)
{
    const size_t wl = strlen(w);
    size_t gi = 0;
    for (size_t o = 0; o < m->gate_bytes; gi++) {
        size_t ol = strlen(m->gate_words + o);
        if (ol == wl && !memcmp(m->gate_words + o, w, wl))
            return !!(m->gate_info[gi].kinds & GW_ANCH);
        o += ol + 1;
    }
    const struct skidx_alias_set *set = m->set;
    for (size_t i = 0; i < set->n; i++)
        if (!(set->a[i].flags & (SKIDX_ALIAS_REGEX | SKIDX_ALIAS_UNSPACED)) &&
            set->a[i].len == wl &&
            eq_caseless((const unsigned char *)set->a[i].text,
                        (const unsigned char *)w, wl))
            return 1;
    return 0;
}

/* The follow filters of the gate words of the gated classes (struct
 * gate_info, regex_follows): for class c and each of its words, the
 * distinct strings that can follow the word in a match of one of c's
 * regexes kg[i] (cls[kg[i]] == c). A class with a regex that does not
 * expand, a word with more than FOLLOW_MAX strings or with one of no
 * byte, gets none (scanned from every occurrence, as before). */
#define FOLLOW_MAX 64
static int follow_cmp(const void *x, const void *y)
{
    const struct follow *a = x, *b = y;
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    if (a->mask != b->mask)
        return a->mask < b->mask ? -1 : 1;
    return a->val < b->val ? -1 : a->val > b->val;
}

static size_t gate_word_index(const struct skidx_matcher *m,
                              const unsigned char *w, size_t wl)
{
    size_t gi = 0;
    for (size_t o = 0; o < m->gate_bytes; gi++) {
        size_t ol = strlen(m->gate_words + o);
        if (ol == wl && !memcmp(m->gate_words + o, w, wl))
            return gi;
        o += ol + 1;
    }
    return SIZE_MAX;
}

static skidx_status plan_follows(struct skidx_matcher *m, const uint32_t *kg,
                                 size_t n_gated, const uint8_t *cls)
{
    const struct skidx_alias_set *set = m->set;
    const size_t nw = m->n_gate_words;
    /* per (word, class): its strings, gathered, then kept or dropped */
    struct follow *all = NULL;
    size_t n_all = 0, cap_all = 0;
    uint8_t *bad = calloc(nw * GATE_CLASSES + 1, 1);
    if (!bad)
        return SKIDX_ERR_NOMEM;
    skidx_status st = SKIDX_OK;
    for (size_t c = 0; c < m->n_gcls && !st; c++) {
        int class_bad = 0;
        const size_t first = n_all;
        for (size_t i = 0; i < n_gated && !st && !class_bad; i++) {
            if (cls[kg[i]] != c)
                continue;
            const struct skidx_alias *a = &set->a[m->regex_alias[kg[i]]];
            struct xp_part *fp;
            size_t nf;
            int r = regex_follows(a->text, a->len, &fp, &nf);
            if (r < 0) {
                st = SKIDX_ERR_NOMEM;
                break;
            }
            if (!r) {
                class_bad = 1;
                break;
            }
            for (size_t k = 0; k < nf && !class_bad; k++) {
                const size_t gi = gate_word_index(m, fp[k].run, fp[k].rlen);
                if (gi == SIZE_MAX ||
                    !(m->gate_info[gi].kinds & (1u << (GW_CLS + c)))) {
                    class_bad = 1; /* not one of its gate words */
                    break;
                }
                if (!fp[k].nlen) {
                    bad[gi * GATE_CLASSES + c] = 1;
                    continue;
                }
                if (n_all == cap_all) {
                    cap_all = cap_all ? 2 * cap_all : 256;
                    struct follow *x = realloc(all, cap_all * sizeof(*x));
                    if (!x) {
                        st = SKIDX_ERR_NOMEM;
                        break;
                    }
                    all = x;
                }
                struct follow *e = &all[n_all++];
                memset(e, 0, sizeof(*e));
                for (unsigned b = 0; b < fp[k].nlen; b++) {
                    e->val |= (uint64_t)fp[k].next[b] << (8 * b);
                    e->mask |= (uint64_t)0xFF << (8 * b);
                }
                /* the word, in the pad until sorted by word below */
                e->cls = (uint32_t)c;
                e->pad = (uint32_t)gi;
            }
            free(fp);
        }
        if (class_bad)
            n_all = first;
        for (size_t gi = 0; class_bad && gi < nw; gi++)
            bad[gi * GATE_CLASSES + c] = 1;
    }
    /* by word, then class; distinct; at most FOLLOW_MAX a (word, class) */
    m->follows = st ? NULL : malloc((n_all ? n_all : 1) * sizeof(*m->follows));
    if (!st && !m->follows)
        st = SKIDX_ERR_NOMEM;
    size_t o = 0;
    for (size_t gi = 0; gi < nw && !st; gi++) {
        struct gate_info *f = &m->gate_info[gi];
        f->follow_start = (uint32_t)o;
        for (size_t c = 0; c < m->n_gcls; c++) {
            if (!(f->kinds & (1u << (GW_CLS + c))) ||
                bad[gi * GATE_CLASSES + c])
                continue;
            const size_t at = o;
            for (size_t i = 0; i < n_all; i++)
                if (all[i].pad == gi && all[i].cls == c) {
                    m->follows[o] = all[i];
                    m->follows[o++].pad = 0;
                }
            if (o == at)
                continue; /* no string: left unfiltered */
            qsort(m->follows + at, o - at, sizeof(*m->follows), follow_cmp);
            size_t k = at + 1;
            for (size_t i = at + 1; i < o; i++)
                if (follow_cmp(&m->follows[i], &m->follows[k - 1]))
                    m->follows[k++] = m->follows[i];
            o = k;
            if (o - at > FOLLOW_MAX) {
                o = at;
                continue;
            }
            f->follow_cls |= 1u << c;
        }
        f->follow_n = (uint32_t)(o - f->follow_start);
    }
    m->n_follows = o;
    free(all);
    free(bad);
    return st;
}

/* ---- negative regexes bounded where the text's runs are short ----
 *
 * A run of white-space bytes is a run of zeros in the word mask, a run of
 * ASCII word bytes one of ones (short_runs reads their lengths). On a
 * text with no run of either longer than RUN_MAX, \s+ matches no more
 * than RUN_MAX bytes, nor does \w+ or a class of word bytes only
 * ([a-z]+), so `{1,RUN_MAX}` for their '+' and `{0,RUN_MAX}` for their
 * '*' match the same spans. (With SOM_LEFTMOST, Hyperscan finds
 * `(?:and [a-z]{1,62} )?` too large to compile; 30 compiles.) */
#define RUN_MAX 30
#define RUN_MAX_S "30" /* as written in a regex */

/* Is class re[i..] (re[i] == '[') made of ASCII word bytes only (1), of
 * white-space bytes only (2), or neither or not read (0)? *end: past
 * its ']' when not 0. */
static int nb_class(const char *re, size_t n, size_t i, size_t *end)
{
    int word = 1, space = 1;
    size_t j = i + 1;
    if (j >= n || re[j] == '^' || re[j] == ']')
        return 0;
    for (; j < n && re[j] != ']'; j++) {
        const unsigned char c = (unsigned char)re[j];
        if (c == '\\') {
            if (j + 1 >= n)
                return 0;
            const unsigned char e = (unsigned char)re[++j];
            if (e == 'w' || e == 'd' || e == '_')
                space = 0;
            else if (e == 's' || e == 't' || e == 'n' || e == 'r' ||
                     e == 'f' || e == 'v')
                word = 0;
            else
                return 0;
        } else if (j + 2 < n && re[j + 1] == '-' && re[j + 2] != ']') {
            const unsigned char h = (unsigned char)re[j + 2];
            const int same = (c >= '0' && h <= '9') ||
                             (c >= 'a' && h <= 'z') ||
                             (c >= 'A' && h <= 'Z');
            if (!is_ascii_alnum(c) || !is_ascii_alnum(h) || c > h || !same)
                return 0;
            space = 0;
            j += 2;
        } else if (is_ascii_word(c)) {
            space = 0;
        } else if (c == ' ') {
            word = 0;
        } else {
            return 0;
        }
    }
    if (j >= n)
        return 0;
    *end = j + 1;
    return word ? 1 : space ? 2 : 0;
}

/* Regex re[0..n) with each '+' and '*' after \s, \w or a class of word
 * or white-space bytes only (nb_class) written as {1,RUN_MAX} and
 * {0,RUN_MAX} (a lazy '?' after it kept), to *out (malloc'd). Returns 1
 * when one was, 0 when none (or a \Q is met; *out NULL), -1 out of
 * memory. */
static int neg_bounded(const char *re, size_t n, char **out)
{
    char *o = malloc(8 * n + 1);
    *out = NULL;
    if (!o)
        return -1;
    size_t k = 0;
    int changed = 0;
    for (size_t i = 0; i < n;) {
        const size_t a = i;
        size_t b = i + 1;
        int rep = 0; /* may its repeat be bounded */
        if (re[i] == '\\') {
            if (i + 1 >= n || re[i + 1] == 'Q') {
                free(o);
                return 0;
            }
            b = i + 2;
            rep = re[i + 1] == 's' || re[i + 1] == 'w';
        } else if (re[i] == '[') {
            rep = nb_class(re, n, i, &b) != 0;
            if (!rep)
                b = class_end(re, n, i);
        }
        memcpy(o + k, re + a, b - a);
        k += b - a;
        i = b;
        if (rep && i < n && (re[i] == '+' || re[i] == '*') &&
            !(i + 1 < n && re[i + 1] == '+')) { /* not possessive */
            const char *q = re[i] == '+' ? "{1," RUN_MAX_S "}"
                                         : "{0," RUN_MAX_S "}";
            memcpy(o + k, q, strlen(q));
            k += strlen(q);
            i++;
            changed = 1;
        }
    }
    o[k] = '\0';
    if (!changed) {
        free(o);
        return 0;
    }
    *out = o;
    return 1;
}

/* The lead words of alias a's part p (struct wpart): the words its
 * matches begin with (the words of regex_follows' strings: every string
 * has its word closed), each with its strings (appended to m->follows);
 * none when a does not expand. */
static skidx_status plan_leads(struct skidx_matcher *m,
                               const struct skidx_alias *a, struct wpart *p)
{
    struct xp_part *fp;
    size_t nf;
    int r = regex_follows(a->text, a->len, &fp, &nf);
    if (r <= 0)
        return r < 0 ? SKIDX_ERR_NOMEM : SKIDX_OK;
    skidx_status st = SKIDX_OK;
    p->lead_start = (uint32_t)m->n_wleads;
    /* fp is sorted: a word's strings are together */
    for (size_t k0 = 0, kn; k0 < nf && !st; k0 += kn) {
        const struct xp_part *w = &fp[k0];
        int any = 0;
        for (kn = 0; k0 + kn < nf && fp[k0 + kn].rlen == w->rlen &&
                     !memcmp(fp[k0 + kn].run, w->run, w->rlen);
             kn++)
            any |= !fp[k0 + kn].nlen;
        struct wlead *l = realloc(m->wleads, (m->n_wleads + 1) * sizeof(*l));
        if (!l) {
            st = SKIDX_ERR_NOMEM;
            break;
        }
        m->wleads = l;
        struct wlead *e = &m->wleads[m->n_wleads++];
        *e = (struct wlead){word_first8(w->run, w->rlen, GX_RUN), w->rlen,
                            (uint32_t)m->n_follows, 0, 0};
        p->lens |= 1u << (w->rlen - 1);
        p->bloom |= 1ull << lead_bit(e->key, w->rlen);
        p->lead_n++;
        /* its strings; none when one is empty (anything may follow) or
         * there are more than FOLLOW_MAX */
        if (any || kn > FOLLOW_MAX)
            continue;
        struct follow *x =
            realloc(m->follows, (m->n_follows + kn) * sizeof(*x));
        if (!x) {
            st = SKIDX_ERR_NOMEM;
            break;
        }
        m->follows = x;
        for (size_t k = k0; k < k0 + kn; k++) {
            struct follow *f = &m->follows[m->n_follows++];
            memset(f, 0, sizeof(*f));
            for (unsigned b = 0; b < fp[k].nlen; b++) {
                f->val |= (uint64_t)fp[k].next[b] << (8 * b);
                f->mask |= (uint64_t)0xFF << (8 * b);
            }
        }
        e->follow_n = (uint32_t)kn;
    }
    free(fp);
    return st;
}

static int wpart_item_cmp(const void *x, const void *y)
{
    const struct wpart_item *a = x, *b = y;
    if (a->gi != b->gi)
        return a->gi < b->gi ? -1 : 1;
    return a->alias < b->alias ? -1 : a->alias > b->alias;
}

/* The parts of the GW_WIN words (struct wpart) from their plan. */
static skidx_status plan_wparts(struct skidx_matcher *m, struct wpart_plan *wp)
{
    if (!wp->n)
        return SKIDX_OK;
    qsort(wp->v, wp->n, sizeof(*wp->v), wpart_item_cmp);
    m->wparts = calloc(wp->n, sizeof(*m->wparts));
    if (!m->wparts)
        return SKIDX_ERR_NOMEM;
    skidx_status st = SKIDX_OK;
    for (size_t i = 0; i < wp->n && !st; i++) {
        const struct wpart_item *it = &wp->v[i];
        struct gate_info *f = &m->gate_info[it->gi];
        if (!f->part_n)
            f->part_start = (uint32_t)m->n_wparts;
        f->part_n++;
        struct wpart *p = &m->wparts[m->n_wparts++];
        p->pre = it->pre;
        p->post = it->post;
        st = plan_leads(m, &m->set->a[it->alias], p);
    }
    return st;
}

/* The longest match of regex text under alias a's flags (as
 * regex_max_width). */
static unsigned text_max_width(const char *text,
                               const struct skidx_alias *a)
{
    hs_expr_info_t *info = NULL;
    hs_compile_error_t *ce = NULL;
    unsigned flags = HS_FLAG_SOM_LEFTMOST |
                     ((a->flags & SKIDX_ALIAS_CASE) ? 0 : HS_FLAG_CASELESS);
    if (hs_expression_info(text, flags, &info, &ce) != HS_SUCCESS) {
        hs_free_compile_error(ce);
        return UINT_MAX;
    }
    unsigned width = info->max_width;
    free(info);
    return width;
}

/* Positive regexes go to one database scanned over every text; negative
 * ones to one database per owner (see struct skidx_matcher). Hyperscan ids
 * are global: index into m->regex_alias. (One database for all, and one
 * for all negatives behind a gate, were both measured slower.) */
static skidx_status build_regex(struct skidx_matcher *m,
                                struct skidx_error *err)
{
    const struct skidx_alias_set *set = m->set;
    size_t n = 0, n_pos = 0;
    skidx_status st = SKIDX_OK;
    for (size_t i = 0; i < set->n; i++)
        n += !!(set->a[i].flags & SKIDX_ALIAS_REGEX);
    m->n_regex = n;
    m->owner_group = malloc((m->n_owners ? m->n_owners : 1) *
                            sizeof(*m->owner_group));
    if (!m->owner_group)
        return SKIDX_ERR_NOMEM;
    for (uint32_t o = 0; o < m->n_owners; o++)
        m->owner_group[o] = NO_GROUP;
    if (!n)
        return SKIDX_OK;
    m->regex_alias = calloc(n, sizeof(*m->regex_alias));
    uint32_t *ks = calloc(n, sizeof(*ks));
    m->groups = calloc(n, sizeof(*m->groups)); /* at most one per regex */
    if (!m->regex_alias || !ks || !m->groups) {
        free(ks);
        return SKIDX_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < set->n; i++) {
        const struct skidx_alias *a = &set->a[i];
        if (!(a->flags & SKIDX_ALIAS_REGEX))
            continue;
        if ((a->flags & SKIDX_ALIAS_NEG) &&
            m->owner_group[a->owner] == NO_GROUP)
            m->owner_group[a->owner] = (uint32_t)m->n_groups++;
        m->regex_alias[k++] = (uint32_t)i;
    }
    /* positives: those scanned on every text, the gated ones, those
     * scanned on texts with a non-ASCII byte (the regexes that need one
     * and the unspaced literals), around a word, on a literal */
    uint8_t *kind = calloc(n, 1); /* 0 every text, 1 gated, 2 non-ASCII,
                                     3 word windows, 4 literal */
    uint8_t *cls = calloc(n, 1); /* the class of a gated one */
    struct gate_plan plan = {.n = 0};
    struct wpart_plan wp = {NULL, 0, 0};
    if (!kind || !cls) {
        free(kind);
        free(cls);
        free(ks);
        return SKIDX_ERR_NOMEM;
    }
    for (size_t j = 0; j < n && !st; j++) {
        const struct skidx_alias *a = &set->a[m->regex_alias[j]];
        if (a->flags & SKIDX_ALIAS_NEG)
            continue;
        if ((a->flags & SKIDX_ALIAS_UNSPACED) ||
            regex_high_leads(a->text, a->len)) {
            kind[j] = 2;
            continue;
        }
        st = plan_word(m, a, &kind[j], &wp);
        if (!st && !kind[j])
            st = plan_gate(m, a, &kind[j], &cls[j], &plan);
        if (!st && !kind[j])
            st = plan_lit(m, a, &kind[j]);
        if (!st && !kind[j])
            st = plan_wide(m, a, &kind[j], &wp);
    }
    size_t n_kind[5] = {0};
    for (int kd = 0; kd < 5; kd++)
        for (size_t j = 0; j < n; j++)
            if (!(set->a[m->regex_alias[j]].flags & SKIDX_ALIAS_NEG) &&
                kind[j] == kd) {
                ks[n_pos++] = (uint32_t)j;
                n_kind[kd]++;
            }
    free(kind);
    const size_t n_every = n_kind[0], n_gated = n_kind[1],
                 n_high = n_kind[2];
    m->n_gated = n_gated;
    m->n_high = n_high;
    m->n_wwin = n_kind[3];
    m->n_lit = n_kind[4];
    const uint32_t *kp = ks;
    if (!st)
        st = compile_regexes(m, kp, n_every, 0, &m->db, err);
    kp += n_every;
    if (!st && n_gated) {
        uint32_t *kc = malloc(n_gated * sizeof(*kc));
        m->gcls = calloc(plan.n, sizeof(*m->gcls));
        if (!kc || !m->gcls)
            st = SKIDX_ERR_NOMEM;
        else
            m->n_gcls = plan.n;
        for (size_t c = 0; !st && c < plan.n; c++) {
            size_t nc = 0;
            for (size_t i = 0; i < n_gated; i++)
                if (cls[kp[i]] == c)
                    kc[nc++] = kp[i];
            m->gcls[c].width = plan.width[c];
            st = compile_regexes(m, kc, nc, 1, &m->gcls[c].db, err);
        }
        free(kc);
        if (!st)
            st = plan_follows(m, kp, n_gated, cls);
    }
    if (!st)
        st = plan_wparts(m, &wp);
    free(wp.v);
    free(cls);
    gate_plan_free(&plan);
    kp += n_gated;
    if (!st)
        st = compile_regexes(m, kp, n_high, 0, &m->db_unspaced, err);
    if (!st && n_high) {
        uint64_t *leads = malloc(n_high * sizeof(*leads));
        if (!leads)
            st = SKIDX_ERR_NOMEM;
        for (size_t j = 0; leads && j < n_high; j++) {
            const struct skidx_alias *a = &set->a[m->regex_alias[kp[j]]];
            leads[j] = regex_high_leads(a->text, a->len);
        }
        m->high_leads = leads ? high_gate(leads, n_high) : 0;
        free(leads);
    }
    kp += n_high;
    if (!st)
        st = compile_regexes(m, kp, m->n_wwin, 0, &m->db_wwin, err);
    kp += m->n_wwin;
    if (!st)
        st = compile_regexes(m, kp, m->n_lit, 0, &m->db_lit, err);
    /* twins: a negative regex with the text and case of a gated positive
     * one is found by the positive one's scans */
    uint8_t *is_twin = st ? NULL : calloc(n, 1);
    m->twin = st ? NULL : malloc(n * sizeof(*m->twin));
    if (!st && (!is_twin || !m->twin))
        st = SKIDX_ERR_NOMEM;
    for (size_t j = 0; !st && j < n; j++)
        m->twin[j] = NO_GROUP;
    for (size_t i = 0; !st && i < n_gated; i++) {
        const uint32_t pj = ks[n_every + i];
        const struct skidx_alias *pa = &set->a[m->regex_alias[pj]];
        for (size_t j = 0; j < n; j++) {
            const struct skidx_alias *a = &set->a[m->regex_alias[j]];
            if ((a->flags & SKIDX_ALIAS_NEG) && !is_twin[j] &&
                a->len == pa->len &&
                (a->flags & SKIDX_ALIAS_CASE) ==
                    (pa->flags & SKIDX_ALIAS_CASE) &&
                !memcmp(a->text, pa->text, a->len)) {
                m->twin[pj] = m->regex_alias[j];
                is_twin[j] = 1;
                m->n_twins++;
                break;
            }
        }
    }
    /* groups in order of their owner's first negative regex; in each,
     * the bounded regexes with gate words (anchored, from those words:
     * while there are slots for them), the other bounded ones
     * (windowed), the others (whole texts) */
    uint32_t *kw = st ? NULL : calloc(4 * n, sizeof(*kw));
    char **bt = st ? NULL : calloc(2 * n, sizeof(*bt));
    if (!st && (!kw || !bt))
        st = SKIDX_ERR_NOMEM;
    uint32_t n_slots = 0;
    for (size_t g = 0; g < m->n_groups && !st; g++) {
        size_t c = 0, cw = 0, cg = 0, cb = 0;
        uint32_t width = 0, width_ga = 0, width_b = 0;
        uint32_t *kg = kw + n, *kb = kw + 2 * n, *kx = kw + 3 * n;
        const uint32_t slot = n_slots < 64 ? n_slots : NO_GROUP;
        for (size_t j = 0; j < n && !st; j++) {
            const struct skidx_alias *a = &set->a[m->regex_alias[j]];
            if (!(a->flags & SKIDX_ALIAS_NEG) || m->owner_group[a->owner] != g)
                continue;
            m->groups[g].owner = a->owner;
            if (is_twin[j])
                continue;
            unsigned w = regex_max_width(a);
            if (w > NEG_MAX_WIDTH) {
                char *b = NULL;
                const int r = neg_bounded(a->text, a->len, &b);
                const unsigned bw = r > 0 ? text_max_width(b, a) : UINT_MAX;
                if (r < 0)
                    st = SKIDX_ERR_NOMEM;
                if (bw <= NEG_MAX_WIDTH) {
                    bt[n + cb] = b;
                    kb[cb++] = (uint32_t)j;
                    width_b = bw > width_b ? bw : width_b;
                } else {
                    free(b);
                    ks[c++] = (uint32_t)j;
                }
                continue;
            }
            char *gw = NULL;
            size_t ngw = 0;
            int r = slot == NO_GROUP
                        ? 0
                        : regex_gate_words(a->text, a->len, &gw, &ngw);
            if (r < 0) {
                st = SKIDX_ERR_NOMEM;
                break;
            }
            for (size_t i = 0, o = 0; r && i < ngw; i++) {
                r = neg_gate_ok(m, gw + o);
                o += strlen(gw + o) + 1;
            }
            if (r) {
                st = add_gate_words(m, gw, ngw, 0, 0, 0, 1ull << slot);
                kg[cg++] = (uint32_t)j;
                width_ga = w > width_ga ? w : width_ga;
            } else {
                kw[cw++] = (uint32_t)j;
                width = w > width ? w : width;
            }
            free(gw);
        }
        m->groups[g].width = width;
        m->groups[g].width_ga = width_ga;
        m->groups[g].slot = cg ? slot : NO_GROUP;
        n_slots += !!cg;
        m->n_neg_gated += cg;
        if (!st && cb) { /* db_win's regexes and the bounded forms */
            for (size_t i = 0; i < cw; i++) {
                kx[i] = kw[i];
                bt[i] = NULL;
            }
            for (size_t i = 0; i < cb; i++) {
                kx[cw + i] = kb[i];
                bt[cw + i] = bt[n + i];
            }
            st = compile_texts(m, kx, bt, cw + cb, 0, &m->groups[g].db_wb,
                               NULL);
            m->groups[g].width_b = width_b > width ? width_b : width;
            if (st == SKIDX_ERR_TAXONOMY) {
                /* a bounded form Hyperscan does not take (too large): the
                 * group's regexes as written, as before */
                st = SKIDX_OK;
                for (size_t i = 0; i < cb; i++) {
                    ks[c++] = kb[i];
                    free(bt[n + i]);
                    bt[n + i] = NULL;
                }
                cb = 0;
                m->groups[g].width_b = 0;
            }
        }
        if (!st)
            st = compile_regexes(m, ks, c, 0, &m->groups[g].db, err);
        if (!st)
            st = compile_regexes(m, kw, cw, 0, &m->groups[g].db_win, err);
        if (!st)
            st = compile_regexes(m, kg, cg, 1, &m->groups[g].db_ga, err);
        if (!st)
            st = compile_regexes(m, kb, cb, 0, &m->groups[g].db_ub, err);
        for (size_t i = 0; i < cb; i++) {
            free(bt[n + i]);
            bt[n + i] = NULL;
        }
    }
    for (size_t i = 0; bt && i < 2 * n; i++)
        if (i >= n)
            free(bt[i]); /* left by a failure */
    free(bt);
    free(kw);
    free(ks);
    free(is_twin);
    return st;
}

/* Each negative group's lead bytes (struct neg_group): a text without
 * one of them holds no match of the regexes that the group's databases
 * hold. A twin (struct skidx_matcher) is in none of them: its matches
 * are those of its gated positive regex, whose scans push it whatever
 * the group's lead bytes, so it does not count here (a degree pattern
 * twin beside a Chinese negative left the group with no lead bytes, and
 * its Chinese database was scanned around every hit of an English
 * text). */
static skidx_status group_leads(struct skidx_matcher *m)
{
    const struct skidx_alias_set *set = m->set;
    const size_t ng = m->n_groups;
    /* the negative regexes' leads laid out by group (a counting sort:
     * one pass over the regexes, not one a group) */
    uint64_t *leads = malloc((m->n_regex ? m->n_regex : 1) * sizeof(*leads));
    size_t *at = calloc(ng + 1, sizeof(*at));
    uint8_t *twin = calloc(set->n ? set->n : 1, 1);
    if (!leads || !at || !twin) {
        free(leads);
        free(at);
        free(twin);
        return SKIDX_ERR_NOMEM;
    }
    for (size_t j = 0; j < m->n_regex; j++)
        if (m->twin[j] != NO_GROUP)
            twin[m->twin[j]] = 1;
    for (size_t j = 0; j < m->n_regex; j++) {
        const struct skidx_alias *a = &set->a[m->regex_alias[j]];
        if ((a->flags & SKIDX_ALIAS_NEG) && !twin[m->regex_alias[j]])
            at[m->owner_group[a->owner] + 1]++;
    }
    for (size_t g = 0; g < ng; g++)
        at[g + 1] += at[g];
    for (size_t j = 0; j < m->n_regex; j++) {
        const struct skidx_alias *a = &set->a[m->regex_alias[j]];
        if ((a->flags & SKIDX_ALIAS_NEG) && !twin[m->regex_alias[j]])
            leads[at[m->owner_group[a->owner]]++] =
                regex_high_leads(a->text, a->len);
    }
    free(twin);
    /* at[g] is now group g's end, at[g - 1] (0 for g = 0) its start */
    for (size_t g = 0, b = 0; g < ng; b = at[g++]) {
        const size_t k = at[g] - b;
        int every = k > 0;
        for (size_t i = b; i < at[g] && every; i++)
            every = leads[i] != 0;
        const uint64_t gate = every ? high_gate(leads + b, k) : 0;
        m->groups[g].leads = gate == ~0ull ? 0 : gate;
    }
    free(leads);
    free(at);
    return SKIDX_OK;
}

/* The reach of the literal candidates (struct skidx_matcher, skip_back
 * and skip_fwd): the longest lead, and the longest head and tail. A
 * loaded matcher has them from matcher_valid(), which reads every
 * candidate's lengths anyway. */
static void cand_reach(const struct skidx_matcher *m, uint32_t *back,
                       uint32_t *fwd)
{
    uint32_t b = 0, f = 0;
    for (size_t slot = 0; m->table && slot <= m->table_mask; slot++) {
        const struct head *hd = &m->table[slot];
        for (uint32_t k = 0; hd->len && k < hd->cand_n; k++) {
            uint32_t lead, tail;
            cand_lens(m, &m->cands[hd->cand_start + k], &lead, &tail);
            b = lead > b ? lead : b;
            f = hd->len + tail > f ? hd->len + tail : f;
        }
    }
    *back = b;
    *fwd = f;
}

/* The reach of the hits one word start gives (struct skidx_matcher,
 * skip_back ...): a literal hit is [ws - lead, ws - lead + its length)
 * (back and fwd: cand_reach()); an anchored gate class's match and a
 * gated negative lie within the class's (the group's) width + 1 bytes
 * from the gate word; a word window's match holds its gate word or
 * starts with it, within the window from pre bytes before the word
 * (widened back to a word's start); gated positives' negative twins
 * have their extents. */
static void skip_plan(struct skidx_matcher *m, uint32_t back, uint32_t fwd)
{
    uint32_t pre = 0;
    int ok = 1;
    for (size_t c = 0; c < m->n_gcls; c++)
        fwd = m->gcls[c].width + 1 > fwd ? m->gcls[c].width + 1 : fwd;
    for (size_t g = 0; g < m->n_groups; g++)
        fwd = m->groups[g].width_ga + 1 > fwd ? m->groups[g].width_ga + 1
                                             : fwd;
    for (size_t i = 0; i < m->n_gate_words; i++) {
        const struct gate_info *f = &m->gate_info[i];
        if (!(f->kinds & GW_WIN))
            continue;
        for (uint32_t k = 0; k < (f->part_n ? f->part_n : 1); k++) {
            const uint32_t p =
                f->part_n ? m->wparts[f->part_start + k].pre : f->pre;
            if (p > RQ_MAX_SIDE)
                ok = 0; /* RQ_WIDE: back to the text's start */
            else
                pre = p > pre ? p : pre;
        }
    }
    m->skip_back = back;
    m->skip_fwd = fwd;
    m->skip_pre = pre;
    m->skip_ok = ok;
}

skidx_status skidx_matcher_create(const struct skidx_alias_set *set,
                                  uint32_t n_owners,
                                  struct skidx_matcher **out,
                                  struct skidx_error *err)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct skidx_matcher *m = calloc(1, sizeof(*m));
    skidx_status st;
    *out = NULL;
    if (!m)
        return SKIDX_ERR_NOMEM;
    m->set = set;
    m->n_owners = n_owners;
    m->is_neg = malloc(set->n ? set->n : 1);
    if (!m->is_neg) {
        free(m);
        return SKIDX_ERR_NOMEM;
    }
    for (size_t i = 0; i < set->n; i++) {
        m->is_neg[i] = !!(set->a[i].flags & SKIDX_ALIAS_NEG);
        m->n_neg += !!(set->a[i].flags & SKIDX_ALIAS_NEG);
        if (set->a[i].owner >= n_owners) {
            skidx_matcher_free(m);
            return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                              SKIDX_NOOFF, "alias owner out of range");
        }
    }
    /* the regexes first: their gate words are heads of the WORDS engine */
    if ((st = build_regex(m, err)) || (st = build_words(m))) {
        skidx_matcher_free(m);
        return st;
    }
    if ((st = group_leads(m))) {
        skidx_matcher_free(m);
        return st;
    }
    uint32_t back, fwd;
    cand_reach(m, &back, &fwd);
    skip_plan(m, back, fwd);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    m->compile_seconds =
        (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    *out = m;
    return SKIDX_OK;
}

static void lazy_free(const struct skidx_matcher *m);

void skidx_matcher_free(struct skidx_matcher *m)
{
    if (!m || m->borrowed) {
        if (m)
            lazy_free(m);
        free(m);
        return;
    }
    free(m->is_neg);
    free(m->table);
    free(m->filter);
    free(m->cands);
    free(m->more);
    free(m->k2end);
    free(m->keys);
    free(m->atext);
    free(m->forms);
    free(m->literals);
    free(m->regex_alias);
    hs_free_database(m->db);
    hs_free_database(m->db_unspaced);
    for (size_t c = 0; c < m->n_gcls; c++)
        hs_free_database(m->gcls[c].db);
    free(m->gcls);
    hs_free_database(m->db_wwin);
    hs_free_database(m->db_lit);
    free(m->gate_words);
    free(m->gate_info);
    free(m->follows);
    free(m->wparts);
    free(m->wleads);
    free(m->lits);
    free(m->twin);
    for (size_t g = 0; g < m->n_groups; g++) {
        hs_free_database(m->groups[g].db);
        hs_free_database(m->groups[g].db_win);
        hs_free_database(m->groups[g].db_ga);
        hs_free_database(m->groups[g].db_ub);
        hs_free_database(m->groups[g].db_wb);
    }
    free(m->groups);
    free(m->owner_group);
    free(m);
}

/* ---- serialization (the compiled-taxonomy cache, core/tax_cache.h) ----
 *
 * The image is private to one build on one platform (the cache key holds
 * the build id and the Hyperscan platform), so the tables go as their raw
 * memory, and a loaded matcher uses them in place (m->borrowed); the
 * Hyperscan databases go as they lie in memory at a DB_ALIGN boundary
 * (db_image()) and are read back into memory of that alignment, where
 * they are databases as they are. The tripwires below stop the build when
 * a struct the image holds changes: a new field must be stored (or
 * rebuilt) here, then the sizes updated. */
#if defined(__x86_64__) && defined(__LP64__)
_Static_assert(sizeof(struct skidx_matcher) == 448,
               "struct skidx_matcher changed: update the serializer");
_Static_assert(sizeof(struct head) == 40,
               "struct head changed: update the serializer");
_Static_assert(sizeof(struct cand) == 32,
               "struct cand changed: update the serializer");
_Static_assert(sizeof(struct cand_more) == 8,
               "struct cand_more changed: update the serializer");
_Static_assert(sizeof(struct gate_info) == 48,
               "struct gate_info changed: update the serializer");
_Static_assert(sizeof(struct wpart) == 32,
               "struct wpart changed: update the serializer");
_Static_assert(sizeof(struct wlead) == 24,
               "struct wlead changed: update the serializer");
_Static_assert(sizeof(struct follow) == 24,
               "struct follow changed: update the serializer");
#endif

#define MATCHER_TAG 0x41435441u /* "ATCA": gate words with what they
                                          gate, word-window and literal
                                          regexes, gated negatives, the
                                          gated regexes in classes; 32-byte
                                          candidates and their cand_more;
                                          key2 groups and their ends; the
                                          gate words' follow filters; the
                                          negative groups' bounded forms;
                                          the word windows' parts and
                                          their leads */

struct lazy_db;
static const struct lazy_db *lazy_of(const hs_database_t *db);
static const char *lazy_bytes(const struct lazy_db *z, size_t *n, void **tmp,
                              int *bad, int aligned);

/* A stored database's checksum: XXH3-64 (seed SKIDX_HASH_SEED) of its
 * bytes, on the widest vector path (the same value; as the image
 * checksum in tax_cache.c). */
static uint64_t db_sum(const void *p, size_t n)
{
    return skidx_xxh3_sum2(p, n, NULL, 0);
}

/* A database as it lies in memory, at an address that is a multiple of
 * DB_ALIGN: stored so, and loaded into memory of that alignment, it is a
 * database again with nothing rebuilt (its bytecode starts at the same
 * offset from a 64-byte boundary; lazy_build()). */
#define DB_ALIGN 64

/* db's bytes as they lie in memory at a DB_ALIGN boundary, in a block of
 * that alignment (*out, *len; the caller frees it): what
 * hs_deserialize_database_at() builds there from
 * hs_serialize_database()'s bytes, with Hyperscan's checks of them. */
static skidx_status db_image(const hs_database_t *db, char **out, size_t *len)
{
    char *ser = NULL;
    size_t n = 0, size = 0;
    void *mem = NULL;
    *out = NULL;
    if (hs_serialize_database(db, &ser, &n) != HS_SUCCESS)
        return SKIDX_ERR_NOMEM; /* its only failure on a valid database */
    skidx_status st = SKIDX_ERR_HYPERSCAN;
    if (hs_serialized_database_size(ser, n, &size) != HS_SUCCESS)
        goto out;
    if (posix_memalign(&mem, DB_ALIGN, size)) {
        st = SKIDX_ERR_NOMEM;
        goto out;
    }
    /* every byte defined, whatever Hyperscan leaves unwritten (padding):
     * the file holds no stale heap bytes, and the same taxonomy writes
     * the same image */
    memset(mem, 0, size);
    if (hs_deserialize_database_at(ser, n, mem) != HS_SUCCESS) {
        free(mem);
        goto out;
    }
    *out = mem;
    *len = size;
    st = SKIDX_OK;
out:
    free(ser); /* the default allocator: malloc */
    return st;
}

/* A database: its bytes as they lie in memory (db_image(); for a loaded
 * matcher the bytes it was loaded from, checked) go to the end of `dbs`,
 * and w gets its record: the offset in dbs, the length (0: no database)
 * and db_sum() of the bytes. */
static skidx_status put_db(struct skidx_wblob *w, struct skidx_wblob *dbs,
                           const struct skidx_matcher *m,
                           const hs_database_t *db)
{
    char *bytes = NULL;
    void *tmp = NULL;
    size_t len = 0;
    int bad = 0;
    if (!db) {
        skidx_wblob_u64(w, 0);
        skidx_wblob_u64(w, 0);
        skidx_wblob_u64(w, 0);
        return SKIDX_OK;
    }
    if (m->n_lazy) { /* loaded: the bytes it was loaded from, checked */
        const char *p = lazy_bytes(lazy_of(db), &len, &tmp, &bad, 0);
        if (!p)
            return bad ? SKIDX_ERR_CORRUPT : SKIDX_ERR_NOMEM;
        bytes = (char *)(uintptr_t)p;
    } else {
        const skidx_status st = db_image(db, &bytes, &len);
        if (st)
            return st;
        tmp = bytes;
    }
    skidx_wblob_u64(w, dbs->n);
    skidx_wblob_u64(w, len);
    skidx_wblob_u64(w, db_sum(bytes, len));
    skidx_wblob_put(dbs, bytes, len);
    free(tmp);
    return SKIDX_OK;
}

skidx_status skidx_matcher_serialize(const struct skidx_matcher *m,
                                     struct skidx_wblob *w,
                                     struct skidx_wblob *dbs)
{
    const size_t cap = m->table ? (size_t)m->table_mask + 1 : 0;
    size_t key_bytes = 0, atext_bytes = 0;
    /* the sizes of keys and atext, as build_words filled them */
    for (size_t i = 0; i < cap; i++) {
        const struct head *h = &m->table[i];
        if (!h->len)
            continue;
        const size_t kend = (size_t)h->key_off + h->len;
        key_bytes = kend > key_bytes ? kend : key_bytes;
        for (uint32_t c = 0; c < h->cand_n; c++) {
            const struct cand *cd = &m->cands[h->cand_start + c];
            uint32_t lead, tail;
            cand_lens(m, cd, &lead, &tail);
            const size_t end = (size_t)cd->text_off + lead + h->len + tail;
            atext_bytes = end > atext_bytes ? end : atext_bytes;
        }
    }
    skidx_wblob_u32(w, MATCHER_TAG);
    skidx_wblob_u32(w, m->n_owners);
    skidx_wblob_u64(w, m->set->n);
    skidx_wblob_u64(w, cap);
    skidx_wblob_u64(w, m->n_cands);
    skidx_wblob_u64(w, m->n_literals);
    skidx_wblob_u64(w, m->n_regex);
    skidx_wblob_u64(w, m->n_groups);
    skidx_wblob_u64(w, m->n_heads);
    skidx_wblob_u32(w, m->min_head);
    skidx_wblob_u32(w, m->max_head);
    uint64_t secs;
    memcpy(&secs, &m->compile_seconds, sizeof(secs));
    skidx_wblob_u64(w, secs);
    skidx_wblob_u32(w, m->gate_width);
    skidx_wblob_u64(w, m->n_gate_words);
    skidx_wblob_u64(w, m->n_gated);
    skidx_wblob_u64(w, m->n_high);
    skidx_wblob_u64(w, m->high_leads);
    skidx_wblob_u64(w, m->n_wwin);
    skidx_wblob_u64(w, m->n_lit);
    skidx_wblob_u64(w, m->n_neg_gated);
    skidx_wblob_array(w, m->gate_info,
                      m->n_gate_words * sizeof(*m->gate_info));
    skidx_wblob_u64(w, m->n_follows);
    skidx_wblob_array(w, m->follows, m->n_follows * sizeof(*m->follows));
    skidx_wblob_u64(w, m->n_wparts);
    skidx_wblob_array(w, m->wparts, m->n_wparts * sizeof(*m->wparts));
    skidx_wblob_u64(w, m->n_wleads);
    skidx_wblob_array(w, m->wleads, m->n_wleads * sizeof(*m->wleads));
    skidx_wblob_array(w, m->lits, m->lit_bytes);
    skidx_wblob_u64(w, m->n_twins);
    skidx_wblob_array(w, m->twin, m->n_regex * sizeof(*m->twin));
    skidx_wblob_array(w, m->is_neg, m->set->n);
    skidx_wblob_array(w, m->table, cap * sizeof(*m->table));
    skidx_wblob_array(w, m->filter, FILTER_BITS / 8);
    skidx_wblob_array(w, m->cands, m->n_cands * sizeof(*m->cands));
    skidx_wblob_array(w, m->more, m->n_cands * sizeof(*m->more));
    skidx_wblob_array(w, m->k2end, m->n_cands * sizeof(*m->k2end));
    skidx_wblob_array(w, m->keys, key_bytes);
    skidx_wblob_array(w, m->atext, atext_bytes);
    skidx_wblob_array(w, m->literals, m->n_literals * sizeof(*m->literals));
    skidx_wblob_array(w, m->regex_alias,
                      m->n_regex * sizeof(*m->regex_alias));
    skidx_wblob_array(w, m->owner_group,
                      m->n_owners * sizeof(*m->owner_group));
    skidx_status st;
    if ((st = put_db(w, dbs, m, m->db)) ||
        (st = put_db(w, dbs, m, m->db_unspaced)) ||
        (st = put_db(w, dbs, m, m->db_wwin)) ||
        (st = put_db(w, dbs, m, m->db_lit)))
        return st;
    skidx_wblob_u64(w, m->n_gcls);
    for (size_t c = 0; c < m->n_gcls; c++) {
        skidx_wblob_u32(w, m->gcls[c].width);
        if ((st = put_db(w, dbs, m, m->gcls[c].db)))
            return st;
    }
    for (size_t g = 0; g < m->n_groups; g++) {
        skidx_wblob_u32(w, m->groups[g].owner);
        skidx_wblob_u32(w, m->groups[g].width);
        skidx_wblob_u32(w, m->groups[g].width_ga);
        skidx_wblob_u32(w, m->groups[g].slot);
        skidx_wblob_u32(w, m->groups[g].width_b);
        if ((st = put_db(w, dbs, m, m->groups[g].db)) ||
            (st = put_db(w, dbs, m, m->groups[g].db_win)) ||
            (st = put_db(w, dbs, m, m->groups[g].db_ga)) ||
            (st = put_db(w, dbs, m, m->groups[g].db_ub)) ||
            (st = put_db(w, dbs, m, m->groups[g].db_wb)))
            return st;
    }
    return w->oom || dbs->oom ? SKIDX_ERR_NOMEM : SKIDX_OK;
}

/* ---- databases rebuilt on first use (a matcher from a cache image) ----
 *
 * A loaded matcher's Hyperscan databases are read from the image when
 * first scanned, not at load: an empty corpus reads none, one posting
 * only those its texts need. (Rebuilding them all, hs_deserialize_
 * database_at with its CRC check of the bytes, then hs_alloc_scratch with
 * its CRC check again, was a third of a warm start's instructions.) The
 * image holds each database as it lies in memory at a DB_ALIGN boundary,
 * so reading it into a block of that alignment is all the rebuilding:
 * hs_deserialize_database_at() ran when the image was written, and each
 * first scan no longer pays its two CRC passes, its clearing and its
 * copy of the bytes (some 10 of the 23 M instructions of `skidx match` of
 * one posting, BENCHMARKS.md).
 *
 * At load each database becomes a struct lazy_db in the arena: where its
 * stored bytes are (struct skidx_tcache_dbs: the image's third part, in
 * memory or in the cache file), their length and checksum, its number k
 * in the matcher, and its state; the matcher's database pointers point
 * to these. The load reads none of the bytes: the first scan of a
 * database, on any thread, reads them under lazy_lock (pread from the
 * file, which the image keeps open: never mapped, so a file changed
 * under the run cannot fault it), checks their checksum (db_sum, stored
 * in the matcher's record, which the image's checksum of its second part
 * covers) and that Hyperscan's header names this version (the read
 * bytes are the database, `built`, published by the release store of
 * `state`), and each scratch grows its
 * Hyperscan scratch to fit it on its own first scan of it (s->hs_fits[k]:
 * then this thread has seen `built` through the acquire load). Every scan
 * goes through db_ready(), which gives the database to scan. A struct
 * lazy_db starts with a zero word, which Hyperscan refuses as no database
 * (HS_INVALID): a scan that skipped db_ready() fails, it cannot read one.
 *
 * A database whose bytes cannot all be read (the file was truncated after
 * the load checked its length), do not match their checksum (damaged on
 * disk, or changed after the load) or whose header Hyperscan refuses
 * (another version: forged) is never scanned: it fails every
 * scan that needs it with SKIDX_ERR_HYPERSCAN, and
 * skidx_matcher_damaged() says so, for the caller to name the cache file.
 * skidx_tcache_save() reads every database of the image it proves
 * (skidx_matcher_load_all), so no such image is written by skidx; the
 * bytes it writes are what hs_deserialize_database_at() built, with its
 * checks, from what the compiler made. */
enum { LAZY_NEW, LAZY_READY, LAZY_BAD, LAZY_NOMEM };

struct lazy_db {
    uint32_t zero;      /* 0: no Hyperscan magic */
    int state;          /* LAZY_*, atomic */
    size_t k;           /* its number in the matcher: s->hs_fits[k] */
    const struct skidx_tcache_dbs *src; /* where the stored bytes are */
    uint64_t off, n, sum; /* their offset in src, length and db_sum() */
    hs_database_t *built; /* malloc'd, once state is LAZY_READY */
};

static pthread_mutex_t lazy_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct lazy_db *lazy_of(const hs_database_t *db)
{
    return (const struct lazy_db *)(const void *)db;
}

/* The stored bytes of z, checked against their checksum, and their
 * length in *n: in place when the image holds them in memory and
 * `aligned` is 0, else in a block of their own at a DB_ALIGN boundary
 * (read from the file, or copied; *tmp, the caller frees it; NULL
 * otherwise). NULL when they cannot be had: *bad 1 when they are short
 * or wrong (the file was damaged or changed), 0 when out of memory. */
static const char *lazy_bytes(const struct lazy_db *z, size_t *n, void **tmp,
                              int *bad, int aligned)
{
    const struct skidx_tcache_dbs *src = z->src;
    const char *p;
    *n = (size_t)z->n;
    *tmp = NULL;
    *bad = 1;
    if (src->mem && !aligned) {
        p = (const char *)src->mem + z->off;
    } else {
        void *v = NULL;
        if (posix_memalign(&v, DB_ALIGN, *n ? *n : 1)) {
            *bad = 0;
            return NULL;
        }
        char *b = v;
        size_t got = 0;
        *tmp = b;
        if (src->mem) {
            memcpy(b, (const char *)src->mem + z->off, *n);
            got = *n;
        }
        while (got < *n) {
            const ssize_t r = pread(src->fd, b + got, *n - got,
                                    (off_t)(src->at + z->off + got));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (got != *n)
            return NULL;
        p = b;
    }
    return db_sum(p, *n) == z->sum ? p : NULL;
}

/* The matcher's databases, i < n_dbs(m), in a fixed order (NULL where
 * there is none). */
static size_t n_dbs(const struct skidx_matcher *m)
{
    return 4 + m->n_gcls + 5 * m->n_groups;
}

static const hs_database_t *nth_db(const struct skidx_matcher *m, size_t i)
{
    const hs_database_t *top[4] = {m->db, m->db_unspaced, m->db_wwin,
                                   m->db_lit};
    if (i < 4)
        return top[i];
    i -= 4;
    if (i < m->n_gcls)
        return m->gcls[i].db;
    i -= m->n_gcls;
    const struct neg_group *g = &m->groups[i / 5];
    const hs_database_t *grp[5] = {g->db, g->db_win, g->db_ga, g->db_ub,
                                   g->db_wb};
    return grp[i % 5];
}

/* Rebuild lazy database z (once, whichever thread comes first): its
 * state after, or LAZY_NOMEM when its memory could not be had (z stays
 * LAZY_NEW: a later scan tries again, and the database is not damaged). */
static int lazy_build(const struct lazy_db *cz)
{
    struct lazy_db *z = (struct lazy_db *)(uintptr_t)cz; /* arena memory */
    int st = __atomic_load_n(&z->state, __ATOMIC_ACQUIRE);
    if (st != LAZY_NEW)
        return st;
    pthread_mutex_lock(&lazy_lock);
    st = __atomic_load_n(&z->state, __ATOMIC_ACQUIRE);
    if (st == LAZY_NEW) {
        void *tmp;
        size_t n, size;
        int bad;
        const char *p = lazy_bytes(z, &n, &tmp, &bad, 1);
        st = LAZY_BAD;
        if (!p) {
            st = bad ? LAZY_BAD : LAZY_NOMEM;
        } else if (hs_database_size((const hs_database_t *)(const void *)p,
                                    &size) == HS_SUCCESS &&
                   size <= n) {
            /* the database itself (Hyperscan's header names its
             * version; its length fits the bytes) */
            z->built = tmp;
            tmp = NULL;
            st = LAZY_READY;
        }
        free(tmp);
        if (st != LAZY_NOMEM) /* out of memory: a later scan tries again */
            __atomic_store_n(&z->state, st, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&lazy_lock);
    return st;
}

/* Read z (lazy_build) and grow *hs to fit it: SKIDX_OK, SKIDX_ERR_NOMEM,
 * or SKIDX_ERR_CORRUPT when z is damaged. hs_alloc_scratch() checks the
 * whole database (its CRC), which lazy_build() does not: a database that
 * fails it was forged under a valid checksum of ours; every thread finds
 * the same, and it is marked damaged as if lazy_build() had refused it,
 * never to be scanned (skidx_matcher_damaged()). On failure Hyperscan
 * may have freed *hs and set it NULL. */
static skidx_status lazy_fit(const struct lazy_db *z, hs_scratch_t **hs)
{
    const int built = lazy_build(z);
    if (built != LAZY_READY)
        return built == LAZY_NOMEM ? SKIDX_ERR_NOMEM : SKIDX_ERR_CORRUPT;
    const hs_error_t e = hs_alloc_scratch(z->built, hs);
    if (e == HS_NOMEM)
        return SKIDX_ERR_NOMEM;
    if (e != HS_SUCCESS) {
        __atomic_store_n(&((struct lazy_db *)(uintptr_t)z)->state, LAZY_BAD,
                         __ATOMIC_RELEASE);
        return SKIDX_ERR_CORRUPT;
    }
    return SKIDX_OK;
}

/* db_ready's first scan of z with s: read, s's scratch grown. */
static __attribute__((noinline)) skidx_status
db_fit(struct skidx_match_scratch *s, const struct lazy_db *z,
       const hs_database_t **live)
{
    hs_scratch_t *hs = s->hs_scratch;
    const skidx_status st = lazy_fit(z, &hs);
    s->hs_scratch = hs;
    if (st)
        return st == SKIDX_ERR_NOMEM ? SKIDX_ERR_NOMEM : SKIDX_ERR_HYPERSCAN;
    s->hs_fits[z->k] = 1;
    *live = z->built;
    return SKIDX_OK;
}

/* The database to scan for m's database db with scratch s, in *live:
 * db itself for a compiled matcher; for a loaded one db rebuilt (on its
 * first scan) and s's Hyperscan scratch fit for it. Errors:
 * SKIDX_ERR_HYPERSCAN (the database does not rebuild), SKIDX_ERR_NOMEM. */
static inline skidx_status db_ready(const struct skidx_matcher *m,
                                    struct skidx_match_scratch *s,
                                    const hs_database_t *db,
                                    const hs_database_t **live)
{
    if (!m->n_lazy) {
        *live = db;
        return SKIDX_OK;
    }
    const struct lazy_db *z = lazy_of(db);
    if (__builtin_expect(!s->hs_fits[z->k], 0))
        return db_fit(s, z, live);
    *live = z->built;
    return SKIDX_OK;
}

/* Read every database now, each checked whole by Hyperscan as well
 * (lazy_fit(), with one probe scratch, freed after). */
skidx_status skidx_matcher_load_all(const struct skidx_matcher *m)
{
    hs_scratch_t *probe = NULL;
    skidx_status st = SKIDX_OK;
    for (size_t i = 0; m->n_lazy && i < n_dbs(m) && !st; i++) {
        const hs_database_t *db = nth_db(m, i);
        if (db)
            st = lazy_fit(lazy_of(db), &probe);
    }
    hs_free_scratch(probe); /* NULL when a failed call freed it */
    return st;
}

int skidx_matcher_damaged(const struct skidx_matcher *m)
{
    for (size_t i = 0; m->n_lazy && i < n_dbs(m); i++) {
        const hs_database_t *db = nth_db(m, i);
        if (db && __atomic_load_n(&lazy_of(db)->state, __ATOMIC_ACQUIRE) ==
                      LAZY_BAD)
            return 1;
    }
    return 0;
}

/* The rebuilt databases of a loaded matcher (the arena holds the rest). */
static void lazy_free(const struct skidx_matcher *m)
{
    for (size_t i = 0; m->n_lazy && m->groups && i < n_dbs(m); i++) {
        const hs_database_t *db = nth_db(m, i);
        if (db)
            free(lazy_of(db)->built);
    }
}

/* The next stored database's record, as a struct lazy_db in the arena
 * (read, checked and rebuilt on its first scan), in *db; none when its
 * length is 0. Here only its place is checked: right after the previous
 * one (src->used), within src's part. */
static skidx_status get_db(struct skidx_rblob *r, struct skidx_arena *a,
                           struct skidx_tcache_dbs *src,
                           struct skidx_matcher *m, hs_database_t **db)
{
    const uint64_t off = skidx_rblob_u64(r), n = skidx_rblob_u64(r),
                   sum = skidx_rblob_u64(r);
    *db = NULL;
    if (r->bad)
        return SKIDX_ERR_CORRUPT;
    if (!n)
        return off || sum ? SKIDX_ERR_CORRUPT : SKIDX_OK;
    if (off != src->used || n > src->len - off || n > ((uint64_t)1 << 30))
        return SKIDX_ERR_CORRUPT;
    src->used += n;
    struct lazy_db *z = skidx_arena_alloc(a, sizeof(*z), _Alignof(struct lazy_db));
    if (!z)
        return SKIDX_ERR_NOMEM;
    z->k = m->n_lazy++;
    z->src = src;
    z->off = off;
    z->n = n;
    z->sum = sum;
    *db = (hs_database_t *)(void *)z;
    return SKIDX_OK;
}

/* Every offset and id of a loaded matcher within its arrays, so that a
 * wrong image is refused rather than read out of bounds; with the reach
 * of its candidates (cand_reach()) into *back and *fwd, read on the way.
 * Built twice (matcher_valid below): the baseline build counts k2bits
 * with libgcc's __popcountdi2, a call of ~20 instructions per head
 * (0.48 M of a warm `skidx match`), where the CPU has an instruction for
 * it. */
static inline __attribute__((always_inline)) int
matcher_valid_body(const struct skidx_matcher *m, size_t cap,
                   size_t key_bytes, size_t atext_bytes, uint32_t *back,
                   uint32_t *fwd)
{
    const size_t n_alias = m->set->n;
    size_t heads = 0;
    uint32_t rb = 0, rf = 0;
    for (size_t i = 0; i < cap; i++) {
        const struct head *h = &m->table[i];
        if (!h->len)
            continue;
        heads++;
        if ((size_t)h->key_off + h->len > key_bytes ||
            (size_t)h->cand_start + h->cand_n > m->n_cands ||
            h->n_short > h->cand_n)
            return 0;
        /* the key2 groups: one per bit of k2bits, ends rising past
         * n_short, the last at cand_n (a probe reads group ends only
         * through k2bits, and candidates only below them) */
        const uint32_t groups = (uint32_t)__builtin_popcountll(h->k2bits);
        if (groups > h->cand_n - h->n_short ||
            (!groups && h->n_short != h->cand_n))
            return 0;
        for (uint32_t g = 0, prev = h->n_short; g < groups; g++) {
            const uint32_t e = m->k2end[h->cand_start + h->n_short + g];
            if (e <= prev || e > h->cand_n ||
                (g + 1 == groups && e != h->cand_n))
                return 0;
            prev = e;
        }
        for (uint32_t c = 0; c < h->cand_n; c++) {
            const struct cand *cd = &m->cands[h->cand_start + c];
            uint32_t lead, tail;
            cand_lens(m, cd, &lead, &tail);
            if ((size_t)cd->text_off + lead + h->len + tail > atext_bytes)
                return 0;
            rb = lead > rb ? lead : rb;
            rf = h->len + tail > rf ? h->len + tail : rf;
        }
    }
    if (heads != m->n_heads || heads == cap)
        return 0; /* a full table would make a lookup loop forever */
    *back = rb;
    *fwd = rf;
    for (size_t c = 0; c < m->n_cands; c++) {
        const struct cand *cd = &m->cands[c];
        if (cd->info & C_GATE) { /* a gate word: numbered after the aliases */
            if (cd->info != C_GATE || cd->alias < n_alias ||
                cd->alias - n_alias >= m->n_gate_words)
                return 0;
        } else if (cd->alias >= n_alias || cd->owner >= m->n_owners) {
            return 0;
        }
    }
    if (!!m->n_gated != !!m->n_gcls || !!m->n_wwin != !!m->db_wwin ||
        !!m->n_lit != !!m->db_lit || !!m->n_lit != !!m->lit_bytes ||
        m->gate_width > GATE_MAX_WIDTH ||
        m->n_gated + m->n_high + m->n_wwin + m->n_lit > m->n_regex)
        return 0;
    if (m->lit_bytes && m->lits[m->lit_bytes - 1] != '\0')
        return 0;
    for (size_t o = 0; o < m->lit_bytes; o += strlen(m->lits + o) + 1)
        if (!m->lits[o])
            return 0; /* an empty run */
    for (size_t c = 0; c < m->n_gcls; c++)
        if (!m->gcls[c].db || m->gcls[c].width > m->gate_width)
            return 0;
    const uint32_t cls_bits = (uint32_t)((1ull << m->n_gcls) - 1) << GW_CLS;
    uint64_t slots = 0;
    for (size_t g = 0; g < m->n_groups; g++)
        if (m->groups[g].slot != NO_GROUP) {
            if (m->groups[g].slot >= 64 || !m->groups[g].db_ga ||
                m->groups[g].width_ga > NEG_MAX_WIDTH)
                return 0;
            slots |= 1ull << m->groups[g].slot;
        } else if (m->groups[g].db_ga) {
            return 0;
        }
    for (size_t i = 0; i < m->n_gate_words; i++) {
        const struct gate_info *f = &m->gate_info[i];
        if ((f->kinds & ~(uint32_t)(GW_ANCH | GW_WIN | cls_bits)) ||
            !(f->kinds & GW_ANCH) != !(f->kinds & cls_bits) ||
            (f->negs & ~slots) ||
            !f->len || f->len > GX_RUN ||
            (f->pre > RQ_MAX_SIDE && f->pre != RQ_WIDE) ||
            (f->post > RQ_MAX_SIDE && f->post != RQ_WIDE) ||
            (f->follow_cls & ~(f->kinds >> GW_CLS)) || f->pad ||
            f->follow_start > m->n_follows ||
            f->follow_n > m->n_follows - f->follow_start ||
            (f->part_n && !(f->kinds & GW_WIN)) ||
            f->part_start > m->n_wparts ||
            f->part_n > m->n_wparts - f->part_start)
            return 0;
        for (uint32_t k = 0; k < f->follow_n; k++) {
            const struct follow *e = &m->follows[f->follow_start + k];
            if (e->cls >= m->n_gcls || !(f->follow_cls >> e->cls & 1) ||
                (e->val & ~e->mask) || e->pad)
                return 0;
        }
    }
    for (size_t i = 0; i < m->n_wparts; i++) {
        const struct wpart *p = &m->wparts[i];
        if ((p->pre > RQ_MAX_SIDE && p->pre != RQ_WIDE) ||
            (p->post > RQ_MAX_SIDE && p->post != RQ_WIDE) || p->pad ||
            p->lead_start > m->n_wleads ||
            p->lead_n > m->n_wleads - p->lead_start)
            return 0;
        for (uint32_t k = 0; k < p->lead_n; k++) {
            const struct wlead *l = &m->wleads[p->lead_start + k];
            if (!l->len || l->len > GX_RUN ||
                !(p->lens >> (l->len - 1) & 1) ||
                !(p->bloom >> lead_bit(l->key, l->len) & 1) || l->pad ||
                l->follow_start > m->n_follows ||
                l->follow_n > m->n_follows - l->follow_start)
                return 0;
            for (uint32_t j = 0; j < l->follow_n; j++) {
                const struct follow *e = &m->follows[l->follow_start + j];
                if (e->cls || (e->val & ~e->mask) || e->pad)
                    return 0;
            }
        }
    }
    for (size_t i = 0; i < n_alias; i++)
        if (m->is_neg[i] != !!(m->set->a[i].flags & SKIDX_ALIAS_NEG))
            return 0;
    for (size_t i = 0; i < m->n_literals; i++)
        if (m->literals[i] >= n_alias)
            return 0;
    size_t twins = 0;
    for (size_t i = 0; i < m->n_regex; i++) {
        if (m->regex_alias[i] >= n_alias)
            return 0;
        if (m->twin[i] != NO_GROUP &&
            (m->twin[i] >= n_alias || !m->is_neg[m->twin[i]] ||
             m->is_neg[m->regex_alias[i]] ||
             m->set->a[m->twin[i]].owner >= m->n_owners))
            return 0;
        twins += m->twin[i] != NO_GROUP;
    }
    if (twins != m->n_twins)
        return 0;
    for (uint32_t o = 0; o < m->n_owners; o++)
        if (m->owner_group[o] != NO_GROUP && m->owner_group[o] >= m->n_groups)
            return 0;
    for (size_t g = 0; g < m->n_groups; g++)
        if (m->groups[g].owner >= m->n_owners ||
            m->owner_group[m->groups[g].owner] != g ||
            !m->groups[g].db_ub != !m->groups[g].db_wb ||
            m->groups[g].width_b > NEG_MAX_WIDTH ||
            (m->groups[g].db_wb && m->groups[g].width_b < m->groups[g].width) ||

            m->groups[g].width > NEG_MAX_WIDTH)
            return 0;
    return 1;
}

#ifdef SKIDX_X86
__attribute__((target("popcnt"))) static int
matcher_valid_popcnt(const struct skidx_matcher *m, size_t cap,
                     size_t key_bytes, size_t atext_bytes, uint32_t *back,
                     uint32_t *fwd)
{
    return matcher_valid_body(m, cap, key_bytes, atext_bytes, back, fwd);
}
#endif

static int matcher_valid(const struct skidx_matcher *m, size_t cap,
                         size_t key_bytes, size_t atext_bytes, uint32_t *back,
                         uint32_t *fwd)
{
#ifdef SKIDX_X86
    if (__builtin_cpu_supports("popcnt"))
        return matcher_valid_popcnt(m, cap, key_bytes, atext_bytes, back,
                                    fwd);
#endif
    return matcher_valid_body(m, cap, key_bytes, atext_bytes, back, fwd);
}

/* A u64 count, then that many elements of `size` bytes, in place (the
 * image's); NULL, *n 0 and r->bad set when the count is past the blob. */
static const void *rblob_counted(struct skidx_rblob *r, size_t *n,
                                 size_t size)
{
    const uint64_t c = skidx_rblob_u64(r);
    *n = 0;
    if (r->bad || c > r->n) {
        r->bad = 1;
        return NULL;
    }
    *n = (size_t)c;
    return skidx_rblob_array(r, *n, size);
}

skidx_status skidx_matcher_deserialize(const struct skidx_alias_set *set,
                                       uint32_t n_owners,
                                       struct skidx_rblob *r,
                                       struct skidx_arena *arena,
                                       struct skidx_tcache_dbs *dbs,
                                       struct skidx_matcher **out)
{
    *out = NULL;
    if (skidx_rblob_u32(r) != MATCHER_TAG || skidx_rblob_u32(r) != n_owners ||
        skidx_rblob_u64(r) != set->n)
        return SKIDX_ERR_CORRUPT;
    const uint64_t cap = skidx_rblob_u64(r), n_cands = skidx_rblob_u64(r),
                   n_literals = skidx_rblob_u64(r),
                   n_regex = skidx_rblob_u64(r), n_groups = skidx_rblob_u64(r),
                   n_heads = skidx_rblob_u64(r);
    /* counts bounded by what the arrays can hold, checked again by the
     * array reads against their stored lengths */
    if (r->bad || cap < 16 || (cap & (cap - 1)) || cap > r->n ||
        n_cands > r->n || n_literals > set->n || n_regex > set->n ||
        n_groups > n_regex || n_heads > cap)
        return SKIDX_ERR_CORRUPT;
    struct skidx_matcher *m = calloc(1, sizeof(*m));
    skidx_status st = SKIDX_ERR_CORRUPT;
    if (!m)
        return SKIDX_ERR_NOMEM;
    m->borrowed = 1;
    m->set = set;
    m->n_owners = n_owners;
    for (size_t i = 0; i < set->n; i++)
        m->n_neg += !!(set->a[i].flags & SKIDX_ALIAS_NEG);
    m->table_mask = cap - 1;
    m->table_shift = 64 - (unsigned)__builtin_ctzll(cap);
    m->n_cands = (size_t)n_cands;
    m->n_literals = (size_t)n_literals;
    m->n_regex = (size_t)n_regex;
    m->n_heads = (size_t)n_heads;
    m->min_head = skidx_rblob_u32(r);
    m->max_head = skidx_rblob_u32(r);
    const uint64_t secs = skidx_rblob_u64(r);
    memcpy(&m->compile_seconds, &secs, sizeof(secs));
    m->gate_width = skidx_rblob_u32(r);
    const uint64_t n_gate_words = skidx_rblob_u64(r),
                   n_gated = skidx_rblob_u64(r), n_high = skidx_rblob_u64(r);
    if (n_gate_words > n_cands || n_gated > n_regex || n_high > n_regex) {
        free(m);
        return SKIDX_ERR_CORRUPT;
    }
    m->n_gate_words = (size_t)n_gate_words;
    m->n_gated = (size_t)n_gated;
    m->n_high = (size_t)n_high;
    m->high_leads = skidx_rblob_u64(r);
    const uint64_t n_wwin = skidx_rblob_u64(r), n_lit = skidx_rblob_u64(r),
                   n_neg_gated = skidx_rblob_u64(r);
    if (n_wwin > n_regex || n_lit > n_regex || n_neg_gated > n_regex) {
        free(m);
        return SKIDX_ERR_CORRUPT;
    }
    m->n_wwin = (size_t)n_wwin;
    m->n_lit = (size_t)n_lit;
    m->n_neg_gated = (size_t)n_neg_gated;
    /* the arrays in place: the image outlives the matcher */
    m->gate_info = (struct gate_info *)skidx_rblob_array(
        r, m->n_gate_words, sizeof(*m->gate_info));
    m->follows = (struct follow *)rblob_counted(r, &m->n_follows,
                                                sizeof(*m->follows));
    m->wparts = (struct wpart *)rblob_counted(r, &m->n_wparts,
                                              sizeof(*m->wparts));
    m->wleads = (struct wlead *)rblob_counted(r, &m->n_wleads,
                                              sizeof(*m->wleads));
    if (r->bad) {
        free(m);
        return SKIDX_ERR_CORRUPT;
    }
    m->lits = (char *)skidx_rblob_any(r, &m->lit_bytes);
    m->n_twins = (size_t)skidx_rblob_u64(r);
    m->twin = (uint32_t *)skidx_rblob_array(r, m->n_regex, sizeof(*m->twin));
    m->is_neg = (uint8_t *)skidx_rblob_array(r, set->n, 1);
    m->table = (struct head *)skidx_rblob_array(r, (size_t)cap,
                                                sizeof(*m->table));
    m->filter = (uint64_t *)skidx_rblob_array(r, FILTER_BITS / 64,
                                              sizeof(uint64_t));
    m->cands = (struct cand *)skidx_rblob_array(r, m->n_cands,
                                                sizeof(*m->cands));
    m->more = (struct cand_more *)skidx_rblob_array(r, m->n_cands,
                                                    sizeof(*m->more));
    m->k2end = (uint32_t *)skidx_rblob_array(r, m->n_cands,
                                             sizeof(*m->k2end));
    size_t key_bytes, atext_bytes;
    m->keys = (unsigned char *)skidx_rblob_any(r, &key_bytes);
    m->atext = (unsigned char *)skidx_rblob_any(r, &atext_bytes);
    m->literals = (uint32_t *)skidx_rblob_array(r, m->n_literals,
                                                sizeof(*m->literals));
    m->regex_alias = (uint32_t *)skidx_rblob_array(r, m->n_regex,
                                                   sizeof(*m->regex_alias));
    m->owner_group = (uint32_t *)skidx_rblob_array(r, n_owners,
                                                   sizeof(*m->owner_group));
    if (r->bad)
        goto fail;
    if ((st = get_db(r, arena, dbs, m, &m->db)) ||
        (st = get_db(r, arena, dbs, m, &m->db_unspaced)) ||
        (st = get_db(r, arena, dbs, m, &m->db_wwin)) ||
        (st = get_db(r, arena, dbs, m, &m->db_lit)))
        goto fail;
    const uint64_t n_gcls = skidx_rblob_u64(r);
    if (r->bad || n_gcls > GATE_CLASSES) {
        st = SKIDX_ERR_CORRUPT;
        goto fail;
    }
    m->gcls = skidx_arena_alloc(arena,
                                (n_gcls ? n_gcls : 1) * sizeof(*m->gcls),
                                _Alignof(struct gate_class));
    if (!m->gcls) {
        st = SKIDX_ERR_NOMEM;
        goto fail;
    }
    for (size_t c = 0; c < n_gcls; c++) {
        m->gcls[c].width = skidx_rblob_u32(r);
        m->gcls[c].db = NULL;
        m->n_gcls = c + 1;
        if ((st = get_db(r, arena, dbs, m, &m->gcls[c].db)))
            goto fail;
    }
    m->groups = skidx_arena_alloc(arena,
                                  (n_groups ? n_groups : 1) *
                                      sizeof(*m->groups),
                                  _Alignof(struct neg_group));
    if (!m->groups) {
        st = SKIDX_ERR_NOMEM;
        goto fail;
    }
    for (size_t g = 0; g < n_groups; g++) {
        m->groups[g].owner = skidx_rblob_u32(r);
        m->groups[g].width = skidx_rblob_u32(r);
        m->groups[g].width_ga = skidx_rblob_u32(r);
        m->groups[g].slot = skidx_rblob_u32(r);
        m->groups[g].width_b = skidx_rblob_u32(r);
        m->groups[g].pad = 0;
        m->groups[g].db_win = NULL;
        m->groups[g].db_ga = NULL;
        m->groups[g].db_ub = NULL;
        m->groups[g].db_wb = NULL;
        m->n_groups = g + 1;
        if ((st = get_db(r, arena, dbs, m, &m->groups[g].db)) ||
            (st = get_db(r, arena, dbs, m, &m->groups[g].db_win)) ||
            (st = get_db(r, arena, dbs, m, &m->groups[g].db_ga)) ||
            (st = get_db(r, arena, dbs, m, &m->groups[g].db_ub)) ||
            (st = get_db(r, arena, dbs, m, &m->groups[g].db_wb)))
            goto fail;
    }
    st = SKIDX_ERR_CORRUPT;
    uint32_t back, fwd;
    if (r->bad ||
        !matcher_valid(m, (size_t)cap, key_bytes, atext_bytes, &back, &fwd))
        goto fail;
    if ((st = group_leads(m)))
        goto fail;
    skip_plan(m, back, fwd);
    *out = m;
    return SKIDX_OK;
fail:
    free(m); /* borrowed: the arrays are the image's, the rest the arena's */
    return st;
}

/* ---- SIMD dispatch for the word mask ---- */

enum { WM_HIGH = 1, WM_FOLD = 2, WM_ESC = 4 };

static inline int is_trigger(unsigned char c)
{
    return c == '.' || c == '@' || c == ':' || c == '/';
}

/* The word-byte bitmap into mask, the bitmap of the bytes that may start
 * a masked span ('.', '@', ':', '/') into trig; returns WM_HIGH when a
 * byte >= 0x80 occurs, with WM_FOLD when one is >= 0xE3 (the lead bytes
 * of the full-width forms and the ideographic space, 0xEF and 0xE3, so
 * texts without such a byte need no folding pass), and WM_ESC when a '\\'
 * occurs (a markdown escape: folded too). Every path gives the same
 * answers. */
static int wordmask_scalar(const char *text, size_t len, uint64_t *mask,
                           uint64_t *trig)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t words = (len + 63) / 64;
    unsigned hi = 0, esc = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t v = 0, g = 0;
        size_t base = w * 64, end = base + 64 < len ? base + 64 : len;
        for (size_t i = base; i < end; i++) {
            v |= (uint64_t)is_ascii_word(t[i]) << (i - base);
            g |= (uint64_t)is_trigger(t[i]) << (i - base);
            hi = t[i] > hi ? t[i] : hi;
            esc |= t[i] == '\\';
        }
        mask[w] = v;
        trig[w] = g;
    }
    return (hi >= 0x80 ? WM_HIGH : 0) | (hi >= 0xE3 ? WM_FOLD : 0) |
           (esc ? WM_ESC : 0);
}

#ifdef SKIDX_X86
/* Word bytes and trigger bytes by two nibble tables, a byte's class the
 * AND of the low nibble's entry and the high nibble's: each bit is a set
 * of low nibbles under some high nibbles, so that a byte is in the class
 * when one of its bits survives the AND. Word bits (0x0F): 0-9 (bit 0,
 * high nibble 3), A-O and a-o (bit 1: low 1-F under 4 and 6), P-Z and
 * p-z (bit 2: low 0-A under 5 and 7), '_' (bit 3: low F under 5).
 * Trigger bits (0x70): '.' and '/' (bit 4: low E-F under 2), ':' (bit 5:
 * low A under 3), '@' (bit 6: low 0 under 4). High nibbles 0-1 and 8-F
 * have no bit: controls, space and bytes >= 0x80 are in neither class.
 * test_match's simd_wordmask compares every path with the plain tests. */
#define WT_LO                                                                 \
    0x45, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x26, 0x02,  \
        0x02, 0x02, 0x12, 0x1A
#define WT_HI                                                                 \
    0x00, 0x00, 0x10, 0x21, 0x42, 0x0C, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00,  \
        0x00, 0x00, 0x00, 0x00
enum { WT_WORD = 0x0F, WT_TRIG = 0x70 };

/* the class bits of the 32 bytes of c (see WT_LO) */
__attribute__((target("avx2"))) static inline __m256i
wordclass_avx2(__m256i c)
{
    const __m256i lo_t = _mm256_setr_epi8(WT_LO, WT_LO);
    const __m256i hi_t = _mm256_setr_epi8(WT_HI, WT_HI);
    const __m256i nib = _mm256_set1_epi8(0x0F);
    const __m256i lo = _mm256_and_si256(c, nib);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(c, 4), nib);
    return _mm256_and_si256(_mm256_shuffle_epi8(lo_t, lo),
                            _mm256_shuffle_epi8(hi_t, hi));
}

/* bit i: byte i of r has a bit of `bits` (a saturating add of 0x7F
 * carries a nonzero byte below 0x80 into its top bit) */
__attribute__((target("avx2"))) static inline uint32_t
class_bits_avx2(__m256i r, int bits)
{
    return (uint32_t)_mm256_movemask_epi8(_mm256_adds_epu8(
        _mm256_and_si256(r, _mm256_set1_epi8((char)bits)),
        _mm256_set1_epi8(0x7F)));
}

__attribute__((target("avx2"))) static int
wordmask_avx2(const char *text, size_t len, uint64_t *mask, uint64_t *trig)
{
    size_t full = len / 64, w;
    __m256i hi = _mm256_setzero_si256(), esc = _mm256_setzero_si256();
    const __m256i bs = _mm256_set1_epi8('\\');
    /* the last partial block goes through a zero-padded copy: NUL is no
     * word byte, no trigger and not high, so its bits come out 0 (most
     * titles are shorter than one block; the scalar loop cost more) */
    unsigned char tail[64];
    size_t nb = full + (full * 64 < len);
    for (w = 0; w < nb; w++) {
        const char *p = text + w * 64;
        if (w == full) {
            memset(tail, 0, sizeof(tail));
            memcpy(tail, p, len - full * 64);
            p = (const char *)tail;
        }
        __m256i x = _mm256_loadu_si256((const __m256i *)p);
        __m256i y = _mm256_loadu_si256((const __m256i *)(p + 32));
        hi = _mm256_max_epu8(hi, _mm256_max_epu8(x, y));
        esc = _mm256_or_si256(esc, _mm256_or_si256(_mm256_cmpeq_epi8(x, bs),
                                                   _mm256_cmpeq_epi8(y, bs)));
        const __m256i rx = wordclass_avx2(x), ry = wordclass_avx2(y);
        mask[w] = (uint64_t)class_bits_avx2(rx, WT_WORD) |
                  ((uint64_t)class_bits_avx2(ry, WT_WORD) << 32);
        trig[w] = (uint64_t)class_bits_avx2(rx, WT_TRIG) |
                  ((uint64_t)class_bits_avx2(ry, WT_TRIG) << 32);
    }
    const __m256i fold = _mm256_cmpeq_epi8(
        _mm256_max_epu8(hi, _mm256_set1_epi8((char)0xE3)), hi);
    return (_mm256_movemask_epi8(hi) ? WM_HIGH : 0) |
           (_mm256_movemask_epi8(fold) ? WM_FOLD : 0) |
           (_mm256_movemask_epi8(esc) ? WM_ESC : 0);
}

__attribute__((target("avx512f,avx512bw"))) static int
wordmask_avx512(const char *text, size_t len, uint64_t *mask, uint64_t *trig)
{
    size_t full = len / 64, w;
    const __m512i lo_t = _mm512_broadcast_i32x4(_mm_setr_epi8(WT_LO));
    const __m512i hi_t = _mm512_broadcast_i32x4(_mm_setr_epi8(WT_HI));
    const __m512i nib = _mm512_set1_epi8(0x0F);
    const __m512i kw = _mm512_set1_epi8(WT_WORD);
    const __m512i kt = _mm512_set1_epi8(WT_TRIG);
    const __m512i kbs = _mm512_set1_epi8('\\');
    __m512i hi = _mm512_setzero_si512();
    __mmask64 esc = 0;
    for (w = 0; w <= full; w++) {
        size_t base = w * 64;
        if (base >= len)
            break;
        size_t n = len - base < 64 ? len - base : 64;
        __mmask64 live = n == 64 ? ~0ull : ((1ull << n) - 1);
        /* the bytes past the end load as NUL: in neither class; a whole
         * block by a plain load (as norm_avx512() in posting.c: a masked
         * load for every block made this loop four times slower on the
         * AMD EPYC VMs where the text was not in cache) */
        __m512i c = n == 64 ? _mm512_loadu_si512((const void *)(text + base))
                            : _mm512_maskz_loadu_epi8(live, text + base);
        __m512i r = _mm512_and_si512(
            _mm512_shuffle_epi8(lo_t, _mm512_and_si512(c, nib)),
            _mm512_shuffle_epi8(
                hi_t, _mm512_and_si512(_mm512_srli_epi16(c, 4), nib)));
        hi = _mm512_max_epu8(hi, c);
        esc |= _mm512_cmpeq_epi8_mask(c, kbs);
        mask[w] = (uint64_t)_mm512_test_epi8_mask(r, kw);
        trig[w] = (uint64_t)_mm512_test_epi8_mask(r, kt);
    }
    return (_mm512_movepi8_mask(hi) ? WM_HIGH : 0) |
           (_mm512_cmpge_epu8_mask(hi, _mm512_set1_epi8((char)0xE3))
                ? WM_FOLD
                : 0) |
           (esc ? WM_ESC : 0);
}
#endif

typedef int (*wordmask_fn)(const char *, size_t, uint64_t *, uint64_t *);

/* the word loop, also dispatched (see scan_mask below) */
typedef int (*scan_mask_fn)(const struct skidx_matcher *,
                            struct skidx_match_scratch *,
                            const unsigned char *, size_t, const uint64_t *,
                            size_t);
static scan_mask_fn scan_mask_impl;
static int scan_mask_generic(const struct skidx_matcher *,
                             struct skidx_match_scratch *,
                             const unsigned char *, size_t, const uint64_t *,
                             size_t);
#ifdef SKIDX_X86
#define AVX512_TARGET \
    "avx512f,avx512dq,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,bmi,bmi2," \
    "popcnt"
static int scan_mask_bmi(const struct skidx_matcher *,
                         struct skidx_match_scratch *, const unsigned char *,
                         size_t, const uint64_t *, size_t);
static int scan_mask_avx512(const struct skidx_matcher *,
                            struct skidx_match_scratch *,
                            const unsigned char *, size_t, const uint64_t *,
                            size_t);
#endif
static wordmask_fn wordmask_impl;
static const char *wordmask_name;

const char *skidx_match_set_simd(int mode)
{
    wordmask_impl = wordmask_scalar;
    wordmask_name = "scalar";
    scan_mask_impl = scan_mask_generic;
#ifdef SKIDX_X86
    __builtin_cpu_init();
    if (mode != 1 && __builtin_cpu_supports("bmi") &&
        __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt"))
        scan_mask_impl = scan_mask_bmi;
    if (mode == 0 && __builtin_cpu_supports("avx512bw")) {
        wordmask_impl = wordmask_avx512;
        wordmask_name = "avx512bw";
        if (__builtin_cpu_supports("avx512f") &&
            __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("avx512vbmi") &&
            __builtin_cpu_supports("avx512vbmi2") &&
            scan_mask_impl == scan_mask_bmi)
            scan_mask_impl = scan_mask_avx512;
    } else if ((mode == 0 || mode == 2) && __builtin_cpu_supports("avx2")) {
        wordmask_impl = wordmask_avx2;
        wordmask_name = "avx2";
    }
#else
    (void)mode;
#endif
    return wordmask_name;
}

static inline wordmask_fn get_wordmask(void)
{
    wordmask_fn f = __atomic_load_n(&wordmask_impl, __ATOMIC_RELAXED);
    return f ? f : wordmask_scalar;
}

/* The best path, as narrowed by SKIDX_SIMD (core/simd.h). */
__attribute__((constructor)) static void init_simd(void)
{
    skidx_match_set_simd(skidx_simd_mode(SKIDX_SIMD_BEST));
}

int skidx_match_wordmask(const char *text, size_t len, uint64_t *mask,
                         uint64_t *trig)
{
    return get_wordmask()(text, len, mask, trig);
}

void skidx_matcher_get_stats(const struct skidx_matcher *m,
                             struct skidx_matcher_stats *out)
{
    memset(out, 0, sizeof(*out));
    out->literals = m->n_literals;
    out->regexes = m->n_regex;
    out->negatives = m->n_neg;
    out->heads = m->n_heads;
    /* the distinct candidates: each key2 group repeats the short ones */
    for (uint64_t i = 0; m->table && i <= m->table_mask; i++) {
        const struct head *h = &m->table[i];
        out->candidates += h->cand_n - (size_t)__builtin_popcountll(
                                           h->k2bits) * h->n_short;
    }
    out->neg_groups = m->n_groups;
    out->gated = m->n_gated;
    out->high = m->n_high;
    out->windowed = m->n_wwin;
    out->lit = m->n_lit;
    out->neg_gated = m->n_neg_gated;
    out->neg_twins = m->n_twins;
    out->skip_back = m->skip_back;
    out->skip_fwd = m->skip_fwd;
    out->skip_pre = m->skip_pre;
    out->skip_ok = m->skip_ok;
    out->high_leads = m->high_leads;
    /* a loaded matcher's databases are rebuilt to be measured (one that
     * does not rebuild counts 0: skidx_matcher_damaged() tells) */
    (void)skidx_matcher_load_all(m);
    for (size_t i = 0; i < n_dbs(m); i++) {
        const hs_database_t *db = nth_db(m, i);
        size_t b = 0;
        if (db && m->n_lazy)
            db = lazy_of(db)->built;
        if (db && hs_database_size(db, &b) == HS_SUCCESS)
            out->hs_bytes += b;
    }
    for (size_t g = 0; g < m->n_groups; g++)
        out->neg_windowed += !!m->groups[g].db_win ||
                             !!m->groups[g].db_ga || !!m->groups[g].db_wb;
    out->compile_seconds = m->compile_seconds;
    out->simd = wordmask_name ? wordmask_name : "scalar";
}

/* ---- scratch ---- */

skidx_status skidx_match_scratch_init(struct skidx_match_scratch *s,
                                      const struct skidx_matcher *m)
{
    memset(s, 0, sizeof(*s));
    /* one slot more than owners: finish_text() writes each hit's owner
     * there before it knows whether the owner is new */
    s->owners = calloc(m->n_owners + 1, sizeof(*s->owners));
    s->owner_bits = calloc((m->n_owners + 63) / 64 + 1, sizeof(uint64_t));
    if (!s->owners || !s->owner_bits)
        goto nomem;
    /* one Hyperscan scratch serves every database (grown to fit each);
     * for a loaded matcher, on each database's first scan (db_ready) */
    hs_scratch_t *hs = NULL;
    if (m->n_lazy && !(s->hs_fits = calloc(m->n_lazy, 1)))
        goto nomem;
    for (size_t i = 0; !m->n_lazy && i < n_dbs(m); i++) {
        const hs_database_t *db = nth_db(m, i);
        const hs_error_t e = db ? hs_alloc_scratch(db, &hs) : HS_SUCCESS;
        s->hs_scratch = hs; /* on failure Hyperscan has freed it: NULL */
        if (e != HS_SUCCESS)
            goto nomem;
    }
    s->group_mark = calloc(m->n_groups ? m->n_groups : 1, 1);
    s->group_list = calloc(m->n_groups ? m->n_groups : 1,
                           sizeof(*s->group_list));
    if (!s->group_mark || !s->group_list)
        goto nomem;
    return SKIDX_OK;
nomem:
    skidx_match_scratch_release(s);
    return SKIDX_ERR_NOMEM;
}

void skidx_match_scratch_release(struct skidx_match_scratch *s)
{
    free(s->hits);
    free(s->owners);
    free(s->owner_bits);
    free(s->wordmask);
    free(s->trigmask);
    free(s->fold);
    free(s->fold_map);
    free(s->spans);
    free(s->gates);
    free(s->skip_save);
    free(s->gate_ids);
    free(s->tmp);
    if (s->hs_scratch)
        hs_free_scratch(s->hs_scratch);
    free(s->hs_fits);
    free(s->group_mark);
    free(s->group_list);
    memset(s, 0, sizeof(*s));
}

void skidx_match_reset(struct skidx_match_scratch *s)
{
    for (size_t i = 0; i < s->n_owners; i++)
        s->owner_bits[s->owners[i] >> 6] &= ~(1ull << (s->owners[i] & 63));
    s->n_owners = 0;
    s->n_hits = 0;
}

static int push_hit(struct skidx_match_scratch *s, uint32_t alias,
                    uint32_t owner, size_t start, size_t end)
{
    if (s->n_hits == s->cap_hits) {
        size_t cap = s->cap_hits ? s->cap_hits * 2 : 64;
        struct skidx_hit *h = realloc(s->hits, cap * sizeof(*h));
        if (!h)
            return -1;
        s->hits = h;
        s->cap_hits = cap;
    }
    struct skidx_hit *h = &s->hits[s->n_hits++];
    h->alias = alias;
    h->owner = owner;
    h->start = (uint32_t)start;
    h->end = (uint32_t)end;
    h->flags = 0;
    return 0;
}

/* ---- WORDS engine ---- */

/* A gate word (candidate alias number `id`) starts at `at`. */
static int push_gate(struct skidx_match_scratch *s, uint32_t at, uint32_t id)
{
    if (s->n_gates == s->cap_gates) {
        size_t cap = s->cap_gates ? s->cap_gates * 2 : 16;
        uint32_t *g = realloc(s->gates, cap * sizeof(*g));
        if (!g)
            return -1;
        s->gates = g;
        g = realloc(s->gate_ids, cap * sizeof(*g));
        if (!g)
            return -1;
        s->gate_ids = g;
        s->cap_gates = cap;
    }
    s->gate_ids[s->n_gates] = id;
    s->gates[s->n_gates++] = at;
    return 0;
}

/* Confirm candidate c for the text word [ws, we) whose screen (the
 * first min(8, tail_len) bytes after the word: key, mask, fold) the
 * caller has checked. Inlined into the probe: as a call (some 190,000
 * on cg-work.sh's 4,000 default postings, 140 instructions each) its
 * entry, exit and the caller's spills took 0.4 % of the instructions
 * (BENCHMARKS.md, the twenty-eighth session). */
static inline __attribute__((always_inline)) int
confirm(const struct skidx_matcher *m, const struct cand *c,
        const unsigned char *t, size_t len, size_t ws, size_t we,
        size_t *start, size_t *end)
{
    const uint32_t flags = cand_flags(c);
    uint32_t lead_len, tail_len;
    cand_lens(m, c, &lead_len, &tail_len);
    if (ws < lead_len || len - we < tail_len)
        return 0;
    const unsigned char *a = m->atext + c->text_off;
    size_t s0 = ws - lead_len, e0 = we + tail_len;
    const unsigned char *tail = a + lead_len + (we - ws);
    if (flags & C_FLEX) {
        /* the screen checked the first 8 tail bytes but the separators;
         * the head is equal caseless */
        int cs = !!(flags & C_CASE);
        const unsigned char *tt = t + we;
        size_t hl = we - ws;
        if (lead_len && (cs ? memcmp(t + s0, a, lead_len)
                            : !eq_caseless(t + s0, a, lead_len)))
            return 0;
        if (cs && memcmp(t + ws, a + lead_len, hl))
            return 0;
        for (uint32_t b = c->info >> 8 & 0xFF; b; b &= b - 1)
            if (!is_text_sep(tt[__builtin_ctz(b)]))
                return 0;
        for (size_t q = 8; q < tail_len; q++) {
            int fx = flex_sep_at(a, e0 - s0, lead_len + hl + q);
            if (fx ? !is_text_sep(tt[q])
                   : cs ? tt[q] != tail[q] : lower(tt[q]) != lower(tail[q]))
                return 0;
        }
    } else if (flags & C_CASE) {
        if (memcmp(t + s0, a, e0 - s0))
            return 0;
    } else {
        if (lead_len && !eq_caseless(t + s0, a, lead_len))
            return 0;
        /* the screen compared the first 8 tail bytes exactly already
         * (x & ~0x20 equals an upper-case letter only for that letter in
         * either case; other bytes compare whole) */
        if (tail_len > 8 && !eq_caseless(t + we + 8, tail + 8, tail_len - 8))
            return 0;
    }
    if ((flags & C_LEFT) && s0 > 0 && t[s0 - 1] >= 0x80 &&
        skidx_word_before((const char *)t, s0))
        return 0;
    if ((flags & C_LEFT) && s0 > 0 && t[s0 - 1] < 0x80 &&
        is_ascii_word(t[s0 - 1]))
        return 0;
    if ((flags & C_RIGHT) && e0 < len &&
        (t[e0] < 0x80 ? is_ascii_word(t[e0])
                      : skidx_word_at((const char *)t, len, e0)))
        return 0;
    *start = s0;
    *end = e0;
    return 1;
}

/* Look up the text word [ws, we) whose hash and folded first 8 bytes are
 * h and f8 (it passed the filter): find its head, then try the candidates
 * whose tail can follow. Returns -1 when out of memory.
 * Always inlined into the survivor loop: as a call of eight arguments it
 * spent some 24 instructions a probe on entry, exit and spills (confirm
 * is inlined too). */
static inline __attribute__((always_inline)) int
probe_word(const struct skidx_matcher *m, struct skidx_match_scratch *s,
           const unsigned char *t, size_t len, size_t ws, size_t we,
           uint64_t h, uint64_t f8)
{
    size_t n = we - ws;
    s->probes++;
    for (uint64_t slot = h >> m->table_shift;;
         slot = (slot + 1) & m->table_mask) {
        const struct head *hd = &m->table[slot];
        if (!hd->len)
            return 0;
        if (hd->len != n || hd->first8 != f8)
            continue;
        const struct cand *cs = m->cands + hd->cand_start;
        /* the first candidate's line and the group ends', loading while
         * the rest of a long word is compared (each misses the cache on
         * most probes) */
        __builtin_prefetch(cs);
        __builtin_prefetch(m->k2end + hd->cand_start + hd->n_short);
        if (n > 8) {
            /* bytes [8, n) eight at a time, the last eight (which may
             * overlap the ones before) last: all within the word and the
             * key */
            const unsigned char *k = m->keys + hd->key_off;
            size_t i = 8;
            while (i + 8 < n && (load64(t + ws + i) | FOLD8) == load64(k + i))
                i += 8;
            if (i + 8 < n ||
                (load64(t + we - 8) | FOLD8) != load64(k + n - 8))
                continue;
        }
        /* [0, n_short) when no long-tail candidate can follow the word,
         * else the group [lo, hi) of the two bytes after it (a copy of the
         * short-tail ones, then its own), found by the rank of their
         * key2_bit in k2bits (which rejects most words) */
        uint32_t lo = 0, hi = hd->n_short;
        if (hd->n_short < hd->cand_n && len - we >= 2) {
            uint32_t k2 = (uint32_t)k2fold[t[we]] << 8 | k2fold[t[we + 1]];
            const unsigned bit = key2_bit(k2);
            if (hd->k2bits >> bit & 1) {
                const uint32_t *ge = m->k2end + hd->cand_start + hd->n_short;
                const uint32_t r = rank64(hd->k2bits, bit);
                /* ge[0] when r is 0 (valid), then a select in
                 * arithmetic (a compare became a branch) */
                const uint32_t has_r = r != 0;
                const uint32_t prev = ge[r - has_r];
                lo = (prev & (0u - has_r)) | (hd->n_short & (has_r - 1));
                hi = ge[r];
                /* the group's first line, loading while the rest of the
                 * way to it runs */
                __builtin_prefetch(cs + lo);
            }
        }
        /* the eight bytes after the word (zeros past the text), for
         * every candidate's screen: most fail it, and confirm is spared */
        const uint64_t t8 = len - we >= 8 ? load64(t + we)
                                          : load_head(t + we, len - we,
                                                      len - we);
        /* The screens of up to 64 candidates at a time into a bit mask
         * without a branch each, then the passing ones in order. A tail
         * that runs past the text fails confirm anyway, so the zeros
         * there reject nothing that matches (a gate word's screen
         * passes). */
        for (uint32_t from = lo; from < hi; from += 64) {
            const uint32_t k = hi - from < 64 ? hi - from : 64;
            const struct cand *cb = cs + from;
            uint64_t pass = 0;
            if (k <= 4) {
                /* most runs: four screens, no loop to leave at a count
                 * that varies from probe to probe (its exit was a
                 * mispredict on most probes); an index past the run reads
                 * the run's last candidate again, its bit masked off */
                const uint32_t l = k - 1;
                for (uint32_t i = 0; i < 4; i++) {
                    const struct cand *c = &cb[i < l ? i : l];
                    pass |= (uint64_t)((t8 & c->mask) == c->key) << i;
                }
                pass &= (1u << k) - 1;
            } else {
                for (uint32_t i = 0; i < k; i++)
                    pass |= (uint64_t)((t8 & cb[i].mask) == cb[i].key) << i;
            }
            for (; pass; pass &= pass - 1) {
                const struct cand *c = &cb[__builtin_ctzll(pass)];
                size_t st, en;
                if (c->info & C_GATE) { /* a gated regex may start here */
                    if (push_gate(s, (uint32_t)ws, c->alias))
                        return -1;
                    continue;
                }
                /* Counting only: an owner without negatives is final at
                 * its first hit, so its other candidates need no work. */
                int direct = s->count_only && !(c->info & C_OWNER_NEG) &&
                             !s->n_spans && /* a masked hit owns nothing */
                             !m->set->camel_split; /* needs every hit */
                uint64_t ob = 1ull << (c->owner & 63);
                if (direct && (s->owner_bits[c->owner >> 6] & ob))
                    continue;
                s->confirms++;
                if (!confirm(m, c, t, len, ws, we, &st, &en))
                    continue;
                if (direct) {
                    s->owner_bits[c->owner >> 6] |= ob;
                    s->owners[s->n_owners++] = c->owner;
                } else if (push_hit(s, c->alias, c->owner, st, en)) {
                    return -1;
                }
            }
        }
        return 0;
    }
}

/*
 * The word loop runs in batches, in three tight passes per batch:
 *
 * 1. Edges. For each 64-bit word-mask word m, the bits of
 *    m ^ (m << 1 | carry) are the positions where a run of word bytes
 *    starts or ends (carry = top bit of the previous mask word). Edges
 *    alternate start, end, start, ... so consecutive pairs are words. A
 *    sentinel zero mask word after the text closes the last word (mask
 *    bits past len are zero, so no word ends past len). Positions go into
 *    a small array; the last word of a batch (its filter test needs the
 *    next word) and an unpaired start are carried into the next one.
 * 2. Keys. For every word: folded first 8 bytes and hash; then the two
 *    filter bits (the word; the word and the next word), all without
 *    branches on the outcome; the words that pass are appended to a
 *    survivor list (the append is unconditional, the count advances by
 *    the pass bit). Independent iterations keep the CPU busy and no
 *    branch mispredicts on the reject.
 * 3. Survivors, in text order, go to probe_word. Hits and owners are thus
 *    found in exactly the order the one-word-at-a-time loop found them.
 */
#define EDGE_BATCH 1024 /* flush the edge array when it holds this many */
#define PREFETCH_AHEAD 4

#define SV_CAP (EDGE_BATCH / 2 + 34 + 16) /* + room for a vector store */

struct survivors {
    uint32_t idx[SV_CAP]; /* the word's number in the batch */
};

/* Key, hash and filter bit of the word [ws, we), n = we - ws bytes, when
 * 8 bytes may be read at ws. Same values as word_first8/word_hash_from,
 * computed without branches (sel is all ones when n > 8). */
static inline __attribute__((always_inline)) uint64_t
word_key_fast(const unsigned char *t, uint32_t ws, uint32_t we, uint64_t *f8)
{
    uint32_t n = we - ws;
    uint64_t sel = 0 - (uint64_t)(n > 8);
    uint64_t raw = load64(t + ws);
    /* the last 8 bytes of a word longer than 8, else (harmlessly) the
     * first 8: the address is valid either way */
    uint64_t last = load64(t + ws + ((we - 8 - ws) & (uint32_t)sel));
    uint64_t k = (raw | FOLD8) & len_mask[n < 8 ? n : 8];
    uint64_t a = (k ^ (sel & ((last | FOLD8) * 0x9E3779B97F4A7C15ull))) +
                 (sel & n);
    *f8 = k;
    return a * 0xD6E8FEB86659FD93ull;
}

#ifdef SKIDX_X86
/* word_key_fast for words [0, n) of edge, eight at a time: the same
 * hashes (the first 8 bytes of each word and, for words longer than 8,
 * the last 8, permuted out of the 128 text bytes at the first word or,
 * when the eight words span more, gathered). len_t is the text's length:
 * nothing at or past it is read. Returns how many words it did (a
 * multiple of 8). */
__attribute__((target(AVX512_TARGET))) static inline size_t
keys_avx512(const unsigned char *t, size_t len_t, const uint32_t *edge,
            size_t n, uint64_t *hs)
{
    const __m512i lo32 = _mm512_set1_epi64(0xFFFFFFFFll);
    const __m512i fold = _mm512_set1_epi64((long long)FOLD8);
    const __m512i eight = _mm512_set1_epi64(8);
    const __m512i sixty4 = _mm512_set1_epi64(64);
    const __m512i ones = _mm512_set1_epi64(-1);
    const __m512i c1 = _mm512_set1_epi64((long long)0x9E3779B97F4A7C15ull);
    const __m512i c2 = _mm512_set1_epi64((long long)0xD6E8FEB86659FD93ull);
    /* byte j of each 64-bit lane: j, and byte 0 of the lane everywhere */
    const __m512i iota8 = _mm512_set1_epi64(0x0706050403020100ll);
    const __m512i bcast0 = _mm512_set_epi8(
        56, 56, 56, 56, 56, 56, 56, 56, 48, 48, 48, 48, 48, 48, 48, 48, 40,
        40, 40, 40, 40, 40, 40, 40, 32, 32, 32, 32, 32, 32, 32, 32, 24, 24,
        24, 24, 24, 24, 24, 24, 16, 16, 16, 16, 16, 16, 16, 16, 8, 8, 8, 8, 8,
        8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512i p = _mm512_loadu_si512((const void *)(edge + 2 * i));
        __m512i ws = _mm512_and_si512(p, lo32);
        __m512i we = _mm512_srli_epi64(p, 32);
        __m512i len = _mm512_sub_epi64(we, ws);
        __mmask8 gt8 = _mm512_cmpgt_epu64_mask(len, eight);
        __m512i raw, last;
        /* The eight words' bytes: the words are in text order, so when
         * the last byte any of them needs (the eighth word's end, or the
         * end of the 8 bytes read at its start) lies within 128 bytes of
         * the first word's start, a byte permute of those 128 bytes
         * (two loads, masked to the text) gives the same 8-byte keys as
         * a gather per word; else (long words, long gaps) the gathers. */
        const uint32_t w0 = edge[2 * i], s7 = edge[2 * i + 14];
        const uint32_t e7 = edge[2 * i + 15];
        const uint32_t top = e7 > s7 + 8 ? e7 : s7 + 8;
        if (top - w0 <= 128) {
            const size_t avail = len_t - w0;
            const __mmask64 m0 = avail >= 64 ? ~0ull : (1ull << avail) - 1;
            const __mmask64 m1 = avail >= 128  ? ~0ull
                                 : avail <= 64 ? 0
                                               : (1ull << (avail - 64)) - 1;
            const __m512i b0 = _mm512_maskz_loadu_epi8(m0, t + w0);
            const __m512i b1 = _mm512_maskz_loadu_epi8(m1, t + w0 + 64);
            const __m512i base = _mm512_set1_epi64((long long)w0);
            /* per lane: its offset in every byte, plus 0..7; the
             * permute uses the low 7 bits of each index byte (the last
             * bytes' offsets of words of 8 or fewer bytes may wrap: those
             * lanes are not used) */
            __m512i o1 = _mm512_shuffle_epi8(_mm512_sub_epi64(ws, base),
                                             bcast0);
            __m512i o2 = _mm512_shuffle_epi8(
                _mm512_sub_epi64(_mm512_sub_epi64(we, eight), base), bcast0);
            raw = _mm512_permutex2var_epi8(b0, _mm512_add_epi8(o1, iota8),
                                           b1);
            last = _mm512_permutex2var_epi8(b0, _mm512_add_epi8(o2, iota8),
                                            b1);
        } else {
            raw = _mm512_i64gather_epi64(ws, (const void *)t, 1);
            last = _mm512_mask_i64gather_epi64(
                _mm512_setzero_si512(), gt8, _mm512_sub_epi64(we, eight),
                (const void *)t, 1);
        }
        __m512i k8 = _mm512_min_epu64(len, eight);
        __m512i lm = _mm512_srlv_epi64(
            ones, _mm512_sub_epi64(sixty4, _mm512_slli_epi64(k8, 3)));
        __m512i k = _mm512_and_si512(_mm512_or_si512(raw, fold), lm);
        __m512i mix = _mm512_mullo_epi64(_mm512_or_si512(last, fold), c1);
        __m512i a = _mm512_mask_add_epi64(k, gt8, _mm512_xor_si512(k, mix),
                                          len);
        _mm512_storeu_si512((void *)(hs + i), _mm512_mullo_epi64(a, c2));
    }
    return i;
}

/* Append the positions of the set bits of e (plus base) to edge[k..]:
 * the bit indexes packed by a byte compress, widened 16 at a time. Writes
 * up to 64 entries past k whatever e holds; returns the new k. */
__attribute__((target(AVX512_TARGET))) static inline size_t
edges_avx512(uint32_t *edge, size_t k, uint64_t e, uint32_t base)
{
    const __m512i iota = _mm512_set_epi8(
        63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
        46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30,
        29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13,
        12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i b = _mm512_set1_epi32((int)base);
    size_t cnt = (size_t)__builtin_popcountll(e);
    __m512i idx = _mm512_maskz_compress_epi8(e, iota);
    _mm512_storeu_si512(
        (void *)(edge + k),
        _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_castsi512_si128(idx)),
                         b));
    _mm512_storeu_si512(
        (void *)(edge + k + 16),
        _mm512_add_epi32(
            _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(idx, 1)), b));
    if (cnt > 32) {
        _mm512_storeu_si512(
            (void *)(edge + k + 32),
            _mm512_add_epi32(
                _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(idx, 2)), b));
        _mm512_storeu_si512(
            (void *)(edge + k + 48),
            _mm512_add_epi32(
                _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(idx, 3)), b));
    }
    return k + cnt;
}

/* filter_has of eight keys: a mask of those that pass. */
__attribute__((target(AVX512_TARGET))) static inline __mmask8
filter8_avx512(const uint64_t *filter, __m512i x)
{
    const __m512i k63 = _mm512_set1_epi64(63);
    const __m512i one = _mm512_set1_epi64(1);
    __m512i w = _mm512_i64gather_epi64(_mm512_srli_epi64(x, FILTER_SHIFT),
                                       (const void *)filter, 8);
    __m512i b = _mm512_or_si512(
        _mm512_sllv_epi64(one, _mm512_and_si512(
                                   _mm512_srli_epi64(x, FILTER_SHIFT - 6),
                                   k63)),
        _mm512_sllv_epi64(one, _mm512_and_si512(
                                   _mm512_srli_epi64(x, FILTER_SHIFT - 12),
                                   k63)));
    return _mm512_cmpeq_epi64_mask(_mm512_and_si512(w, b), b);
}

/* The filter test of words [0, done) eight at a time (hs[done] must be
 * readable): survivors appended in text order to sv, *ns counts them.
 * Returns how many words it did. */
__attribute__((target(AVX512_TARGET))) static inline size_t
filter_avx512(const uint64_t *filter, const uint32_t *edge,
              const uint64_t *hs, size_t done, size_t npairs,
              struct survivors *sv, size_t *ns_out)
{
    const __m512i c1 = _mm512_set1_epi64((long long)0x9E3779B97F4A7C15ull);
    const __m512i iota = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6,
                                          5, 4, 3, 2, 1, 0);
    size_t i = 0, ns = *ns_out;
    for (; i + 8 <= done; i += 8) {
        __m512i h = _mm512_loadu_si512((const void *)(hs + i));
        __m512i nx = _mm512_loadu_si512((const void *)(hs + i + 1));
        __m512i pk = _mm512_mullo_epi64(
            _mm512_xor_si512(h, _mm512_ror_epi64(nx, 31)), c1);
        __mmask8 p1 = filter8_avx512(filter, h);
        __mmask8 p2 = filter8_avx512(filter, pk);
        /* the pair bit only where a next word exists */
        __mmask8 has_next =
            i + 8 < npairs ? 0xFF : (__mmask8)((1u << (npairs - 1 - i)) - 1);
        uint32_t pass = p1 | (p2 & has_next);
        /* append the survivors' numbers without a branch: compress and
         * store (sixteen lanes, eight of them used), advance by the
         * count */
        _mm512_storeu_si512(
            (void *)(sv->idx + ns),
            _mm512_maskz_compress_epi32(
                (__mmask16)pass,
                _mm512_add_epi32(iota, _mm512_set1_epi32((int)i))));
        ns += (size_t)__builtin_popcount(pass);
    }
    *ns_out = ns;
    return i;
}
#endif

/* Passes 2 and 3 over the words edge[0..2*npairs): the first `done`
 * words are decided (each needs the hash of the word after it), done =
 * npairs when `last` (the final word has no next word), else npairs - 1.
 * Returns done, or -1 when out of memory. */
static inline __attribute__((always_inline)) long
scan_pairs(const struct skidx_matcher *m, struct skidx_match_scratch *s,
           const unsigned char *t, size_t len, const uint32_t *edge,
           size_t npairs, int last, struct survivors *sv, uint64_t *hs,
           int vec)
{
    const uint64_t *filter = m->filter;
    size_t ns = 0, nfast = npairs, done = last ? npairs : npairs - 1;
    size_t i = 0;
    /* words starting within 8 bytes of the end take the careful path */
    while (nfast && (size_t)edge[2 * (nfast - 1)] + 8 > len)
        nfast--;
    /* the words with a next word (all that are decided unless the last
     * word of the text is), then that last word on its single key */
    const size_t paired = done < npairs ? done : npairs - 1;
    size_t filtered = 0;
#ifdef SKIDX_X86
    if (vec)
        i = keys_avx512(t, len, edge, nfast, hs);
#endif
    if (!vec && nfast) {
        /* keys and filter in one pass while the next word's key is a
         * fast one: each hash is tested as it is made, not stored and
         * loaded again */
        uint64_t f8, h = word_key_fast(t, edge[0], edge[1], &f8);
        const size_t lim = nfast - 1 < paired ? nfast - 1 : paired;
        hs[0] = h;
        for (; filtered < lim; filtered++) {
            const size_t q = 2 * filtered + 2;
            const uint64_t hn = word_key_fast(t, edge[q], edge[q + 1], &f8);
            hs[filtered + 1] = hn;
            uint32_t pass = filter_has(filter, h) |
                            filter_has(filter, pair_key(h, hn));
            sv->idx[ns] = (uint32_t)filtered;
            ns += pass;
            h = hn;
        }
        i = filtered + 1;
    }
    for (; i < nfast; i++) {
        uint64_t f8;
        hs[i] = word_key_fast(t, edge[2 * i], edge[2 * i + 1], &f8);
    }
    for (i = nfast; i < npairs; i++)
        hs[i] = word_hash(t + edge[2 * i], edge[2 * i + 1] - edge[2 * i],
                          len - edge[2 * i]);
    hs[npairs] = 0; /* no next word: its pair bit is masked off below */
    i = filtered;
#ifdef SKIDX_X86
    if (vec)
        i = filter_avx512(filter, edge, hs, done, npairs, sv, &ns);
#endif
    for (; i < paired; i++) {
        uint64_t h = hs[i];
        uint32_t pass = filter_has(filter, h) |
                        filter_has(filter, pair_key(h, hs[i + 1]));
        sv->idx[ns] = (uint32_t)i;
        ns += pass;
    }
    if (i < done) {
        sv->idx[ns] = (uint32_t)i;
        ns += filter_has(filter, hs[i]);
    }
    s->words += done;
    for (size_t j = 0; j < ns; j++) {
        const uint32_t wi = sv->idx[j];
        uint32_t ws = edge[2 * wi], we = edge[2 * wi + 1];
        /* the table slots of later survivors: misses overlap */
        if (j + PREFETCH_AHEAD < ns)
            __builtin_prefetch(&m->table[hs[sv->idx[j + PREFETCH_AHEAD]] >>
                                         m->table_shift]);
        uint64_t f8 = word_first8(t + ws, we - ws, len - ws);
        if (probe_word(m, s, t, len, ws, we, hs[wi], f8))
            return -1;
    }
    return (long)done;
}

#ifdef SKIDX_X86
/* Append the positions of the set bits of e (plus base) to edge[k..]
 * without a branch per bit: sixteen positions written whatever e holds
 * (past its last bit they are junk, base + 64, overwritten later; tzcnt
 * of zero is defined), then the rest one by one. Writes up to 64
 * entries past k; returns the new k. */
__attribute__((target("bmi,bmi2,popcnt"))) static inline size_t
edges_flat(uint32_t *edge, size_t k, uint64_t e, uint32_t base)
{
    const size_t cnt = (size_t)_mm_popcnt_u64(e);
    uint32_t *p = edge + k;
    for (int i = 0; i < 16; i++) {
        p[i] = base + (uint32_t)_tzcnt_u64(e);
        e = _blsr_u64(e);
    }
    p += 16;
    for (size_t j = 16; j < cnt; j += 8, p += 8)
        for (int i = 0; i < 8; i++) {
            p[i] = base + (uint32_t)_tzcnt_u64(e);
            e = _blsr_u64(e);
        }
    return k + cnt;
}
#endif

/* Pass 1 and the batching; `mask` holds nw + 1 words, the last zero. A
 * flush decides all words but the last, whose filter test needs the next
 * word: it is carried to the next batch with any unpaired start. */
static inline __attribute__((always_inline)) int
scan_mask(const struct skidx_matcher *m, struct skidx_match_scratch *s,
          const unsigned char *t, size_t len, const uint64_t *mask,
          size_t nw, int vec, int flat)
{
    uint32_t edge[EDGE_BATCH + 64 + 8]; /* room for edges_avx512, flat */
    struct survivors sv;
    uint64_t hs[EDGE_BATCH / 2 + 35];
    size_t k = 0;
    uint64_t carry = 0;
    for (size_t w = 0; w <= nw; w++) {
        uint64_t mw = mask[w];
        uint64_t e = mw ^ (mw << 1 | carry);
        uint32_t base = (uint32_t)(w * 64);
        carry = mw >> 63;
#ifdef SKIDX_X86
        if (vec) {
            k = edges_avx512(edge, k, e, base);
        } else if (flat) {
            k = edges_flat(edge, k, e, base);
        } else
#endif
        {
            while (e) {
                edge[k++] = base + (uint32_t)__builtin_ctzll(e);
                e &= e - 1;
            }
        }
        if (k >= EDGE_BATCH || (w == nw && k >= 2)) {
            long done = scan_pairs(m, s, t, len, edge, k / 2, w == nw, &sv,
                                   hs, vec);
            if (done < 0)
                return -1;
            size_t from = 2 * (size_t)done;
            memmove(edge, edge + from, (k - from) * sizeof(*edge));
            k -= from;
        }
    }
    return 0;
}

static int scan_mask_generic(const struct skidx_matcher *m,
                             struct skidx_match_scratch *s,
                             const unsigned char *t, size_t len,
                             const uint64_t *mask, size_t nw)
{
    return scan_mask(m, s, t, len, mask, nw, 0, 0);
}

#ifdef SKIDX_X86
/* The same code compiled for BMI1/BMI2 (tzcnt, blsr, shlx): identical
 * results, chosen when the CPU has them and the SIMD path is not forced
 * to "scalar". */
__attribute__((target("bmi,bmi2,popcnt"))) static int
scan_mask_bmi(const struct skidx_matcher *m, struct skidx_match_scratch *s,
              const unsigned char *t, size_t len, const uint64_t *mask,
              size_t nw)
{
    return scan_mask(m, s, t, len, mask, nw, 0, 1);
}

/* And with the keys and filter passes eight words at a time (AVX-512). */
__attribute__((target(AVX512_TARGET))) static int
scan_mask_avx512(const struct skidx_matcher *m, struct skidx_match_scratch *s,
                 const unsigned char *t, size_t len, const uint64_t *mask,
                 size_t nw)
{
    return scan_mask(m, s, t, len, mask, nw, 1, 0);
}
#endif

/* The word loop over text[0..len) whose word mask (with its zero sentinel
 * word) is s->wordmask. */
static skidx_status scan_words(const struct skidx_matcher *m,
                               struct skidx_match_scratch *s,
                               const char *text, size_t len)
{
    size_t nw = (len + 63) / 64;
    if (!m->n_heads || !len)
        return SKIDX_OK;
    scan_mask_fn f = __atomic_load_n(&scan_mask_impl, __ATOMIC_RELAXED);
    if ((f ? f : scan_mask_generic)(m, s, (const unsigned char *)text, len,
                                    s->wordmask, nw))
        return SKIDX_ERR_NOMEM;
    return SKIDX_OK;
}

/* ---- camel-case ends (@camel-split on) ---- */

static inline int is_upper(unsigned char c) { return (unsigned)c - 'A' < 26u; }
static inline int is_lower(unsigned char c) { return (unsigned)c - 'a' < 26u; }

/* Is p a camel end of the text: an upper-case letter after a letter or
 * digit and before a lower-case letter (`Tableau|Experience`,
 * `MySQL|Visualization`)? */
static inline int camel_end(const unsigned char *t, size_t len, size_t p)
{
    return p > 0 && p + 1 < len && is_ascii_alnum(t[p - 1]) &&
           is_upper(t[p]) && is_lower(t[p + 1]);
}

/* The literal aliases (any form) that are exactly the text t[ws..p),
 * starting at the word start ws: pushed as hits. WORDS: a head lookup;
 * ORACLE: every alias's forms compared. Returns -1 when out of memory,
 * else the number of hits pushed. */
static long camel_hits(const struct skidx_matcher *m,
                       struct skidx_match_scratch *s, const unsigned char *t,
                       size_t len, size_t ws, size_t p,
                       enum skidx_engine engine)
{
    long pushed = 0;
    size_t n = p - ws;
    if (ws > 0 && t[ws - 1] >= 0x80 &&
        skidx_word_before((const char *)t, ws))
        return 0;
    if (engine == SKIDX_ENGINE_ORACLE) {
        for (size_t li = 0; li < m->n_literals; li++) {
            uint32_t ai = m->literals[li];
            const struct skidx_alias *a = &m->set->a[ai];
            int cs = !!(a->flags & SKIDX_ALIAS_CASE);
            int flex = skidx_alias_flexible(a);
            if ((a->flags & SKIDX_ALIAS_NEG) ||
                !is_ascii_alnum((unsigned char)a->text[0]) ||
                !is_ascii_alnum((unsigned char)a->text[a->len - 1]))
                continue;
            int hit = a->len == n &&
                      flex_eq(t + ws, (const unsigned char *)a->text, n, !cs,
                              flex);
            if (!hit && flex && (a->flags & SKIDX_ALIAS_JOINED)) {
                /* the joined form */
                size_t k = 0, i = 0, ok = 1;
                for (; i < a->len && ok; i++) {
                    if (flex_sep_at((const unsigned char *)a->text, a->len, i))
                        continue;
                    unsigned char x = (unsigned char)a->text[i];
                    ok = k < n && (cs ? t[ws + k] == x
                                      : lower(t[ws + k]) == lower(x));
                    k++;
                }
                hit = ok && k == n;
            }
            if (hit) {
                if (push_hit(s, ai, a->owner, ws, p))
                    return -1;
                pushed++;
            }
        }
        return pushed;
    }
    if (!m->n_heads)
        return 0;
    uint64_t f8 = word_first8(t + ws, n, len - ws);
    uint64_t h = word_hash_from(t + ws, n, f8);
    for (uint64_t slot = h >> m->table_shift;;
         slot = (slot + 1) & m->table_mask) {
        const struct head *hd = &m->table[slot];
        if (!hd->len)
            return pushed;
        if (hd->len != n || hd->first8 != f8)
            continue;
        size_t i = 8;
        for (; i < n; i++)
            if ((t[ws + i] | 0x20) != m->keys[hd->key_off + i])
                break;
        if (n > 8 && i != n)
            continue;
        /* the whole-word ones (no tail) are among the short-tail ones,
         * which the key2 groups only repeat */
        for (uint32_t ci = 0; ci < hd->n_short; ci++) {
            const struct cand *c = &m->cands[hd->cand_start + ci];
            uint32_t lead, tail;
            cand_lens(m, c, &lead, &tail);
            /* a gate word of the gated regexes is no alias: its number
             * is past the aliases and it has no text in m->atext */
            if (lead || tail || (c->info & (C_NEG | C_GATE)))
                continue;
            const unsigned char *a = m->atext + c->text_off;
            if (!is_ascii_alnum(a[0]) || !is_ascii_alnum(a[n - 1]))
                continue;
            if ((c->info & C_CASE) && memcmp(t + ws, a, n))
                continue;
            if (push_hit(s, c->alias, c->owner, ws, p))
                return -1;
            pushed++;
        }
        return pushed;
    }
}

/* An alias may end at a camel end inside a text word W when no hit of
 * this text covers W exactly (so `JavaScript`, `GitHub`, `PyTorch`, aliases
 * themselves, are never split), and only at the last camel end of W where
 * some alias ends (`JavaScriptDeveloper` is JavaScript, not Java). The
 * alias must start at W's start and begin and end with a letter or digit.
 * Hits [first, n_hits) are this text's so far. */
static skidx_status camel_pass(const struct skidx_matcher *m,
                               struct skidx_match_scratch *s,
                               const unsigned char *t, size_t len,
                               size_t first, enum skidx_engine engine)
{
    size_t n0 = s->n_hits;
    for (size_t i = 1; i + 1 < len; i++) {
        if (!camel_end(t, len, i))
            continue;
        size_t ws = i, we = i;
        while (ws > 0 && is_ascii_word(t[ws - 1]))
            ws--;
        while (we < len && is_ascii_word(t[we]))
            we++;
        int whole = 0;
        for (size_t k = first; k < n0 && !whole; k++)
            whole = s->hits[k].start == ws && s->hits[k].end == we &&
                    !m->is_neg[s->hits[k].alias];
        for (size_t p = we; !whole && p-- > ws + 1;) {
            if (!camel_end(t, len, p))
                continue;
            long r = camel_hits(m, s, t, len, ws, p, engine);
            if (r < 0)
                return SKIDX_ERR_NOMEM;
            if (r)
                break;
        }
        i = we; /* one word at a time */
    }
    return SKIDX_OK;
}

/* ---- the text model: full-width folding and masked spans ---- */

/* ASCII punctuation: what a markdown escape of scraped text (a backslash
 * before '+', '-', '#', ...) may stand before. */
static inline int md_punct(unsigned char c)
{
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
           (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

/* The ASCII byte that the character at t[i..len) folds to, with its
 * length in *n, or 0: skidx_fold_wide()'s forms (full-width ASCII, the
 * ideographic and no-break spaces, two hyphens), and a markdown escape of
 * scraped text, a backslash before ASCII punctuation (C\+\+ for C++,
 * cutting\-edge for cutting-edge), to the punctuation. */
static inline unsigned char fold_at(const unsigned char *t, size_t len,
                                    size_t i, size_t *n)
{
    if (t[i] == '\\') {
        *n = 2;
        return len - i >= 2 && md_punct(t[i + 1]) ? t[i + 1] : 0;
    }
    return skidx_fold_wide(t, len, i, n);
}

/* The lead bytes fold_at() may fold, by what the word mask pass says the
 * text holds: 0xC2 and 0xE2 when a byte >= 0x80 (WM_HIGH), 0xE3 and 0xEF
 * when one >= 0xE3 (WM_FOLD), '\\' when one is (WM_ESC). */
enum { FL_HIGH = 1, FL_FOLD = 2, FL_ESC = 4 };

static inline int fold_set(int high)
{
    return (high & WM_HIGH ? FL_HIGH : 0) | (high & WM_FOLD ? FL_FOLD : 0) |
           (high & WM_ESC ? FL_ESC : 0);
}

/* The first position p >= i of text t[0..len) where fold_at() folds, with
 * the folded byte in *c and its length in *fl; len when there is none.
 * Only the lead bytes of `set` (FL_*) are looked at. */
static size_t fold_next_scalar(const unsigned char *t, size_t len, size_t i,
                               int set, unsigned char *c, size_t *fl)
{
    for (; i < len; i++)
        if ((((set & FL_HIGH) && (t[i] == 0xC2 || t[i] == 0xE2)) ||
             ((set & FL_FOLD) && (t[i] == 0xE3 || t[i] == 0xEF)) ||
             ((set & FL_ESC) && t[i] == '\\')) &&
            (*c = fold_at(t, len, i, fl)))
            return i;
    return len;
}

#ifdef SKIDX_X86
/* the lead bytes of `set` among the 32 at p (0xFF bytes) */
__attribute__((target("avx2"))) static inline __m256i
fold_leads32(const unsigned char *p, int set)
{
    const __m256i x = _mm256_loadu_si256((const __m256i *)p);
    __m256i k = _mm256_setzero_si256();
    if (set & FL_HIGH) /* 0xC2 and 0xE2: 0xC2 without bit 5 */
        k = _mm256_cmpeq_epi8(_mm256_and_si256(x, _mm256_set1_epi8((char)0xDF)),
                              _mm256_set1_epi8((char)0xC2));
    if (set & FL_FOLD)
        k = _mm256_or_si256(
            k, _mm256_or_si256(
                   _mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)0xE3)),
                   _mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)0xEF))));
    if (set & FL_ESC)
        k = _mm256_or_si256(k,
                            _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\\')));
    return k;
}

/* The first fold among the lead bytes `b` (bit j: t[at + j]), or len. */
static inline size_t fold_in_bits(const unsigned char *t, size_t len,
                                  size_t at, uint64_t b, unsigned char *c,
                                  size_t *fl)
{
    for (; b; b &= b - 1) {
        const size_t p = at + (size_t)__builtin_ctzll(b);
        if ((*c = fold_at(t, len, p, fl)))
            return p;
    }
    return len;
}

/* The bytes at p (32, reading p[0..34)) where a fold of `set` may start
 * (0xFF bytes), for FL_HIGH by the bytes after the lead: A0 one after
 * (C2 A0) or 90-91 two after (E2 80 90-91), so the many E2 80 xx of
 * curly quotes, bullets and dashes are passed over in the vector pass
 * (fold_at() says which fold, and at which byte) */
__attribute__((target("avx2"))) static inline __m256i
fold_cands32(const unsigned char *p, int set)
{
    __m256i k = _mm256_setzero_si256();
    if (set & FL_HIGH) {
        const __m256i x1 = _mm256_loadu_si256((const __m256i *)(p + 1));
        const __m256i x2 = _mm256_loadu_si256((const __m256i *)(p + 2));
        k = _mm256_or_si256(
            _mm256_cmpeq_epi8(x1, _mm256_set1_epi8((char)0xA0)),
            _mm256_cmpeq_epi8(_mm256_or_si256(x2, _mm256_set1_epi8(1)),
                              _mm256_set1_epi8((char)0x91)));
    }
    if (set & (FL_FOLD | FL_ESC))
        k = _mm256_or_si256(k, fold_leads32(p, set & (FL_FOLD | FL_ESC)));
    return k;
}

/* The 32 bytes at p with the top bit set where a fold of `set` may
 * start by its first byte alone: a byte >= 0x80 (the lead bytes of
 * FL_HIGH and FL_FOLD), and for FL_ESC a '\\' as well. */
__attribute__((target("avx2"))) static inline __m256i
fold_high32(const unsigned char *p, int set)
{
    const __m256i x = _mm256_loadu_si256((const __m256i *)p);
    if (!(set & FL_ESC))
        return x;
    return _mm256_or_si256(x,
                           _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\\')));
}

/* fold_next_scalar, 128 bytes at a time (fold_cands32) while 130 are
 * left, then 32 (fold_leads32); the last partial block is read as the
 * text's last 32 bytes when there are that many (the bits before i
 * shifted out), byte by byte when not */
__attribute__((target("avx2"))) static inline __attribute__((always_inline))
size_t fold_next_avx2(const unsigned char *t, size_t len, size_t i, int set,
                      unsigned char *c, size_t *fl)
{
    size_t p;
    for (; len - i >= 130; i += 128) {
        /* every fold starts at a byte >= 0x80 or, for FL_ESC, at a
         * '\\': most blocks of a text with a few curly quotes have
         * none */
        if (!_mm256_movemask_epi8(_mm256_or_si256(
                _mm256_or_si256(fold_high32(t + i, set),
                                fold_high32(t + i + 32, set)),
                _mm256_or_si256(fold_high32(t + i + 64, set),
                                fold_high32(t + i + 96, set)))))
            continue;
        const __m256i k0 = fold_cands32(t + i, set);
        const __m256i k1 = fold_cands32(t + i + 32, set);
        const __m256i k2 = fold_cands32(t + i + 64, set);
        const __m256i k3 = fold_cands32(t + i + 96, set);
        if (!_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(k0, k1),
                                                  _mm256_or_si256(k2, k3))))
            continue;
        const uint64_t lo = (uint32_t)_mm256_movemask_epi8(k0) |
                            (uint64_t)(uint32_t)_mm256_movemask_epi8(k1) << 32;
        const uint64_t hi = (uint32_t)_mm256_movemask_epi8(k2) |
                            (uint64_t)(uint32_t)_mm256_movemask_epi8(k3) << 32;
        if ((p = fold_in_bits(t, len, i, lo, c, fl)) < len ||
            (p = fold_in_bits(t, len, i + 64, hi, c, fl)) < len)
            return p;
    }
    if (len < 32)
        return fold_next_scalar(t, len, i, set, c, fl);
    for (; i < len; i += 32) {
        uint32_t b;
        if (len - i >= 32)
            b = (uint32_t)_mm256_movemask_epi8(fold_leads32(t + i, set));
        else
            b = (uint32_t)_mm256_movemask_epi8(
                    fold_leads32(t + len - 32, set)) >> (32 - (len - i));
        if ((p = fold_in_bits(t, len, i, b, c, fl)) < len)
            return p;
    }
    return len;
}

/* one function per set, each with its constant tests */
#define FOLD_NEXT_AVX2(name, set)                                            \
    __attribute__((target("avx2"))) static size_t name(                     \
        const unsigned char *t, size_t len, size_t i, unsigned char *c,      \
        size_t *fl)                                                          \
    {                                                                        \
        return fold_next_avx2(t, len, i, set, c, fl);                        \
    }
FOLD_NEXT_AVX2(fold_next_h, FL_HIGH)
FOLD_NEXT_AVX2(fold_next_e, FL_ESC)
FOLD_NEXT_AVX2(fold_next_he, FL_HIGH | FL_ESC)
FOLD_NEXT_AVX2(fold_next_hf, FL_HIGH | FL_FOLD)
FOLD_NEXT_AVX2(fold_next_hfe, FL_HIGH | FL_FOLD | FL_ESC)
#undef FOLD_NEXT_AVX2
#endif

/* fold_next_scalar on the best path (the scalar one when the word mask
 * runs scalar: SKIDX_SIMD=scalar); set is never 0 */
static inline size_t fold_next(const unsigned char *t, size_t len, size_t i,
                               int set, unsigned char *c, size_t *fl)
{
#ifdef SKIDX_X86
    if (get_wordmask() != wordmask_scalar)
        switch (set) { /* FL_FOLD comes with FL_HIGH */
        case FL_HIGH:
            return fold_next_h(t, len, i, c, fl);
        case FL_ESC:
            return fold_next_e(t, len, i, c, fl);
        case FL_HIGH | FL_ESC:
            return fold_next_he(t, len, i, c, fl);
        case FL_HIGH | FL_FOLD:
            return fold_next_hf(t, len, i, c, fl);
        default:
            return fold_next_hfe(t, len, i, c, fl);
        }
#endif
    return fold_next_scalar(t, len, i, set, c, fl);
}

/* When text[0..len) holds a foldable character, write the folded text to
 * s->fold and, per folded byte (and one past the end), its offset in the
 * text to s->fold_map; return the folded length. 0 when nothing folds.
 * `high` is the word mask pass's answer: without WM_FOLD the text has no
 * byte 0xE3 or 0xEF, without WM_ESC no '\\'. The runs between the folded
 * characters are copied whole. */
static long fold_text(struct skidx_match_scratch *s, const char *text,
                      size_t len, int high)
{
    const unsigned char *t = (const unsigned char *)text;
    const int set = fold_set(high);
    unsigned char c;
    size_t fl, k = fold_next(t, len, 0, set, &c, &fl);
    if (k == len)
        return 0;
    if (len + 1 > s->cap_fold) {
        char *f = realloc(s->fold, len + 1);
        if (!f)
            return -1;
        s->fold = f;
        uint32_t *mp = realloc(s->fold_map, (len + 1) * sizeof(*mp));
        if (!mp)
            return -1;
        s->fold_map = mp;
        s->cap_fold = len + 1;
    }
    char *const out = s->fold;
    uint32_t *const map = s->fold_map;
    size_t n = 0, i = 0;
    for (;;) {
        /* the run t[i..k) as it is, then the folded character at k */
        memcpy(out + n, t + i, k - i);
        for (size_t j = i; j < k; j++)
            map[n++] = (uint32_t)j;
        if (k == len)
            break;
        map[n] = (uint32_t)k;
        out[n++] = (char)c;
        i = k + fl;
        k = fold_next(t, len, i, set, &c, &fl);
    }
    map[n] = (uint32_t)len;
    return (long)n;
}

/* URL characters: the bytes a URL, e-mail address or path token is made
 * of (no quotes, brackets, commas, spaces or non-ASCII). */
enum { CL_URL = 1, CL_HOST = 2 };
static unsigned char url_class[256];

__attribute__((constructor)) static void init_url_class(void)
{
    for (unsigned c = 0; c < 256; c++) {
        int host = is_ascii_alnum((unsigned char)c) || c == '-' || c == '.';
        int url = host || c == '_' || c == '~' || c == ':' || c == '/' ||
                  c == '?' || c == '#' || c == '@' || c == '$' || c == '&' ||
                  c == '+' || c == '=' || c == '%';
        url_class[c] = (unsigned char)((url ? CL_URL : 0) |
                                       (host ? CL_HOST : 0));
    }
}

static inline int url_char(unsigned char c)
{
    return url_class[c] & CL_URL;
}

static inline int host_char(unsigned char c)
{
    return url_class[c] & CL_HOST;
}

/* A slash written as an HTML character reference ("&#x2F;", "&#47;": the
 * Hacker News API escapes every '/' of a posting's links so) at t[i],
 * within t[..b): its length, else 0. */
static inline size_t ent_slash(const unsigned char *t, size_t i, size_t b)
{
    if (i + 5 > b || t[i] != '&' || t[i + 1] != '#')
        return 0;
    if (t[i + 2] == '4' && t[i + 3] == '7' && t[i + 4] == ';')
        return 5;
    if (i + 6 <= b && (t[i + 2] | 0x20) == 'x' && t[i + 3] == '2' &&
        (t[i + 4] | 0x20) == 'f' && t[i + 5] == ';')
        return 6;
    return 0;
}

/* A slash at t[i]: '/' (1) or, where the token holds references (ent),
 * a reference to one (ent_slash()), else 0. */
static inline size_t slash_at(const unsigned char *t, size_t i, size_t b,
                              int ent)
{
    return i < b && t[i] == '/' ? 1 : ent ? ent_slash(t, i, b) : 0;
}

/* Is t[i] the ';' that ends a slash written as a reference? Then it is a
 * URL character (';' is none otherwise). */
static inline int ent_semi(const unsigned char *t, size_t i)
{
    return t[i] == ';' &&
           ((i >= 5 && ent_slash(t, i - 5, i + 1) == 6) ||
            (i >= 4 && ent_slash(t, i - 4, i + 1) == 5));
}

/* Is t[a..b) (ASCII) one of the words of `list`, caseless or exact? */
static int in_list(const unsigned char *t, size_t a, size_t b,
                   const char *const *list, int caseless)
{
    const size_t n = b - a;
    for (; *list; list++) {
        /* compared up to the word's end or a difference, most at the
         * first byte: the word is t[a..b) when all n bytes agree and the
         * word ends there */
        const unsigned char *w = (const unsigned char *)*list;
        size_t i = 0;
        while (i < n && w[i] &&
               (caseless ? lower(t[a + i]) : t[a + i]) == w[i])
            i++;
        if (i == n && !w[n])
            return 1;
    }
    return 0;
}

/* Top-level domains that make a dotted name a host name (written in lower
 * case); and, for a host name with no path after it, the ones that are
 * never also a technology's name (`Socket.IO`, `ASP.NET`, `Character.ai`). */
static const char *const TLDS[] = {
    "com", "org", "net", "io", "ai", "dev", "co", "edu", "gov", "app",
    "info", "biz", "us", "uk", "de", "fr", "cn", "jp", "ca", "au", "nl",
    "eu", "ch", "es", "se", "ru", "br", "kr", "tech", "xyz", NULL};
static const char *const STRONG_TLDS[] = {"com", "org", "edu", "gov", NULL};
/* Dotted technology names that look like a host followed by a path
 * (`ASP.NET/MVC`) */
static const char *const NOT_HOSTS[] = {
    "asp.net", "ado.net", "vb.net", "ml.net", "socket.io", NULL};
/* File extensions of `name.ext` (caseless). Not js, ts, go, c, h, r, md,
 * sql, net, io and the like: `Node.js`, `Vue.js`, `M.D.` are names. */
static const char *const FILE_EXTS[] = {
    "php", "html", "htm", "xhtml", "asp", "aspx", "jsp", "py", "ipynb",
    "java", "class", "jar", "war", "cpp", "cc", "cxx", "hpp", "rb", "kt",
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "rtf",
    "csv", "tsv", "txt", "json", "xml", "yaml", "yml", "toml", "ini",
    "cfg", "conf", "log", "zip", "gz", "tgz", "tar", "rar", "exe", "dll",
    "so", "png", "jpg", "jpeg", "gif", "svg", "css", "scss", "jsx", "tsx",
    "vue", "sh", "bat", "ps1", "mp4", "mp3", "wav", NULL};

/* The masked span of the token t[a..b) (a maximal run of URL characters),
 * if it is a URL, an e-mail address, a host name, a path or a file name:
 * returns 1 and [*ss, *se). ent: the token holds slashes written as
 * references (find_spans() found their ';'), else '/' is the only one. */
static int token_span(const unsigned char *t, size_t a, size_t b, int ent,
                      size_t *ss, size_t *se)
{
    /* punctuation around a token is not part of it */
    while (b > a && (t[b - 1] == '.' || t[b - 1] == ':' || t[b - 1] == '?' ||
                     t[b - 1] == '-' || t[b - 1] == '&' || t[b - 1] == '=' ||
                     t[b - 1] == '#' || t[b - 1] == '@' || t[b - 1] == '+'))
        b--;
    while (a < b && (t[a] == ':' || t[a] == '-' || t[a] == '@' ||
                     t[a] == '?' || t[a] == '#' || t[a] == '=' ||
                     t[a] == '+' || (t[a] == '&' && !(ent && ent_slash(t, a, b)))))
        a++;
    if (b - a < 3)
        return 0;
    /* scheme://... */
    for (const unsigned char *cp = memchr(t + a, ':', b - a); cp;
         cp = memchr(cp + 1, ':', b - (size_t)(cp + 1 - t))) {
        size_t q = (size_t)(cp - t);
        const size_t s1 = slash_at(t, q + 1, b, ent);
        if (s1 && q + 1 + s1 < b && slash_at(t, q + 1 + s1, b, ent)) {
            size_t k = q;
            while (k > a && (is_ascii_alnum(t[k - 1]) || t[k - 1] == '+' ||
                             t[k - 1] == '.' || t[k - 1] == '-'))
                k--;
            while (k < q && !is_ascii_alnum(t[k]))
                k++;
            if (q - k >= 2 && !(t[k] >= '0' && t[k] <= '9')) {
                *ss = k;
                *se = b;
                return 1;
            }
            break;
        }
        if (q + 1 >= b)
            break;
    }
    /* local@domain.tld */
    const unsigned char *at = memchr(t + a, '@', b - a);
    if (at) {
        size_t q = (size_t)(at - t), l = q, d = q + 1;
        while (l > a && (is_ascii_word(t[l - 1]) || t[l - 1] == '.' ||
                         t[l - 1] == '%' || t[l - 1] == '+' ||
                         t[l - 1] == '-'))
            l--;
        while (d < b && host_char(t[d]))
            d++;
        while (d > q + 1 && (t[d - 1] == '.' || t[d - 1] == '-'))
            d--;
        size_t dot = d, letters = 0;
        while (dot > q + 1 && t[dot - 1] != '.')
            dot--;
        for (size_t i = dot; i < d; i++)
            letters += ((t[i] | 0x20) >= 'a' && (t[i] | 0x20) <= 'z');
        if (l < q && dot > q + 2 && letters >= 2 && letters == d - dot) {
            *ss = l;
            *se = d;
            return 1;
        }
    }
    /* www.host (after a scheme, the rule above took it) */
    if (b - a > 4 && (t[a] | 0x20) == 'w' && (t[a + 1] | 0x20) == 'w' &&
        (t[a + 2] | 0x20) == 'w' && t[a + 3] == '.' &&
        is_ascii_alnum(t[a + 4])) {
        *ss = a;
        *se = b;
        return 1;
    }
    /* host.tld, host.tld/path */
    size_t h = a;
    while (h < b && host_char(t[h]))
        h++;
    if (h == b || t[h] == '/' || t[h] == ':' || t[h] == '?' || t[h] == '#' ||
        (ent && ent_slash(t, h, b))) {
        size_t dot = h;
        while (dot > a && t[dot - 1] != '.')
            dot--;
        if (dot > a + 1 && dot < h && is_ascii_alnum(t[a]) &&
            t[dot - 2] != '.') {
            int path = slash_at(t, h, b, ent) != 0;
            if (in_list(t, dot, h, TLDS, 0) &&
                (path ? !in_list(t, a, h, NOT_HOSTS, 1)
                      : in_list(t, dot, h, STRONG_TLDS, 0))) {
                *ss = a;
                *se = b;
                return 1;
            }
        }
    }
    /* /abs/path, ./rel/path, ../path, ~/path: two slashes or more */
    if (slash_at(t, a, b, ent) || (t[a] == '~' && slash_at(t, a + 1, b, ent)) ||
        (t[a] == '.' && (slash_at(t, a + 1, b, ent) ||
                         (t[a + 1] == '.' && slash_at(t, a + 2, b, ent))))) {
        size_t slashes = 0;
        for (size_t i = a; i < b; i++)
            slashes += slash_at(t, i, b, ent) != 0;
        if (slashes >= 2) {
            *ss = a;
            *se = b;
            return 1;
        }
    }
    /* [dir/...]name.ext */
    size_t c0 = b;
    while (c0 > a && t[c0 - 1] != '/' &&
           !(ent && t[c0 - 1] == ';' && ent_semi(t, c0 - 1)))
        c0--;
    size_t dot = b;
    while (dot > c0 && t[dot - 1] != '.')
        dot--;
    if (dot > c0 + 1 && dot < b && in_list(t, dot, b, FILE_EXTS, 1)) {
        int name = 1;
        for (size_t i = c0; i + 1 < dot; i++)
            name &= is_ascii_word(t[i]) || t[i] == '-' || t[i] == '.';
        if (name) {
            *ss = a;
            *se = b;
            return 1;
        }
    }
    return 0;
}

static int push_span(uint32_t **spans, size_t *n, size_t *cap, size_t a,
                     size_t b)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        uint32_t *p = realloc(*spans, 2 * c * sizeof(*p));
        if (!p)
            return -1;
        *spans = p;
        *cap = c;
    }
    (*spans)[2 * *n] = (uint32_t)a;
    (*spans)[2 * *n + 1] = (uint32_t)b;
    (*n)++;
    return 0;
}

#ifdef SKIDX_X86
/* The first word from w on (of nw, mask with its zero word at nw) that
 * holds a trigger before a word byte, as find_spans() reads them, four
 * words at a time; the words after the last whole group are left to it:
 * returns that word, or the first word after the whole groups, or nw
 * when that is the end. */
__attribute__((target("avx2"))) static size_t
span_skip_avx2(const uint64_t *trig, const uint64_t *mask, size_t w, size_t nw)
{
    for (; nw - w >= 4; w += 4) {
        const __m256i tr = _mm256_loadu_si256((const __m256i *)(trig + w));
        const __m256i m0 = _mm256_loadu_si256((const __m256i *)(mask + w));
        const __m256i m1 =
            _mm256_loadu_si256((const __m256i *)(mask + w + 1));
        const __m256i g = _mm256_and_si256(
            tr, _mm256_or_si256(_mm256_srli_epi64(m0, 1),
                                _mm256_slli_epi64(m1, 63)));
        if (!_mm256_testz_si256(g, g)) /* the group's first such word */
            return w + (size_t)__builtin_ctz(
                           ~(unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(
                               _mm256_cmpeq_epi64(g, _mm256_setzero_si256()))));
    }
    return w;
}

/* span_skip_avx2() with eight words a step (AVX-512 F): the same word. */
__attribute__((target("avx512f"))) static size_t
span_skip_avx512(const uint64_t *trig, const uint64_t *mask, size_t w,
                 size_t nw)
{
    for (; nw - w >= 8; w += 8) {
        const __m512i tr = _mm512_loadu_si512((const void *)(trig + w));
        const __m512i m0 = _mm512_loadu_si512((const void *)(mask + w));
        const __m512i m1 = _mm512_loadu_si512((const void *)(mask + w + 1));
        const __m512i g = _mm512_and_si512(
            tr, _mm512_or_si512(_mm512_srli_epi64(m0, 1),
                                _mm512_slli_epi64(m1, 63)));
        const __mmask8 nz = _mm512_test_epi64_mask(g, g);
        if (nz) /* the group's first such word */
            return w + (size_t)__builtin_ctz((unsigned)nz);
    }
    return w;
}
#endif

/* The masked spans of t[0..len), in text order, from the trigger bitmap:
 * each trigger byte that can be part of a URL, e-mail address or path
 * (a '.' or '@' before a letter or digit, "://", a '/' opening a token)
 * has its token classified once; the triggers inside it are skipped. */
static int find_spans(const unsigned char *t, size_t len, const uint64_t *trig,
                      const uint64_t *mask, uint32_t **spans, size_t *n,
                      size_t *cap)
{
    size_t nw = (len + 63) / 64, done = 0;
#ifdef SKIDX_X86
    const wordmask_fn wm = get_wordmask();
    const int simd = wm == wordmask_avx512 ? 2 : wm != wordmask_scalar;
#endif
    *n = 0;
    for (size_t w = 0; w < nw; w++) {
#ifdef SKIDX_X86
        /* past the words without such a trigger, eight or four at a
         * time */
        if (simd == 2 && (w = span_skip_avx512(trig, mask, w, nw)) == nw)
            break;
        if (simd == 1 && (w = span_skip_avx2(trig, mask, w, nw)) == nw)
            break;
#endif
        /* only triggers before a word byte (mask has a zero word at nw):
         * a sentence's full stop or a colon costs nothing; "://" is
         * found at its second '/' */
        uint64_t g = trig[w] & (mask[w] >> 1 | mask[w + 1] << 63);
        while (g) {
            size_t p = w * 64 + (size_t)__builtin_ctzll(g);
            g &= g - 1;
            if (p < done)
                continue;
            unsigned char c = t[p], nx = p + 1 < len ? t[p + 1] : 0;
            if (c == '/' && (p == 0 || !url_char(t[p - 1]))) {
                /* a '/' opening a token of word bytes that ends before a
                 * non-URL byte ("</li>", "</p>", "and/or" after a space,
                 * most of the triggers): the word run from the mask's
                 * bits; "/" and [A-Za-z0-9_] have no scheme, '@', host,
                 * second slash or extension, so no span, and the run
                 * holds no trigger (the loop below says the same with a
                 * byte loop, or gives up on "/_x" or after a letter,
                 * where no span comes either) */
                size_t q = p + 1, i = q / 64;
                uint64_t z = ~mask[i] & (~0ull << (q % 64));
                while (!z) /* mask's zero word at nw ends it */
                    z = ~mask[++i];
                q = i * 64 + (size_t)__builtin_ctzll(z);
                if (q >= len || !url_char(t[q])) {
                    done = q;
                    continue;
                }
            }
            int go;
            if (c == '.')
                go = is_ascii_alnum(nx) || nx == '/';
            else if (c == '@')
                go = p > 0 && is_ascii_alnum(nx) && url_char(t[p - 1]);
            else if (c == '/') /* not after a letter of any script:
                                  * KV存储/Druid/Kylin is a list */
                go = is_ascii_alnum(nx) &&
                     (p == 0 || !url_char(t[p - 1]) || t[p - 1] == '~' ||
                      t[p - 1] == '/' || t[p - 1] == '.') &&
                     !(p > 0 && t[p - 1] >= 0x80 &&
                       skidx_letter_before((const char *)t, p));
            else /* ':' */
                go = 0;
            if (!go)
                continue;
            size_t a = p, b = p + 1;
            int ent = 0; /* a ';' of a slash reference crossed */
            if (c == '/' && (p == 0 || !url_char(t[p - 1]))) {
                /* a token opened by the '/' (a == p): when "/" and
                 * letters and digits are all of it ("</li>", "and/or"
                 * after a space), it has no scheme, '@', host, second
                 * slash or extension, so no span (token_span() would say
                 * so); one pass finds that and the token's end */
                while (b < len && is_ascii_alnum(t[b]))
                    b++;
                if (b == len || !url_char(t[b])) {
                    done = b;
                    continue;
                }
            } else {
                while (a > 0 && url_char(t[a - 1]))
                    a--;
                /* (a ';' is tested only where the URL bytes stop) */
                while (a > 0 && t[a - 1] == ';' && ent_semi(t, a - 1)) {
                    ent = 1;
                    for (a--; a > 0 && url_char(t[a - 1]); a--)
                        ;
                }
            }
            while (b < len && url_char(t[b]))
                b++;
            while (b < len && t[b] == ';' && ent_semi(t, b)) {
                ent = 1;
                for (b++; b < len && url_char(t[b]); b++)
                    ;
            }
            size_t ss, se;
            if (token_span(t, a, b, ent, &ss, &se) &&
                push_span(spans, n, cap, ss, se))
                return -1;
            done = b;
        }
    }
    return 0;
}

size_t skidx_match_spans(const char *text, size_t len, uint32_t *out,
                         size_t cap)
{
    size_t nw = (len + 63) / 64 + 1, n = 0, c = 0;
    uint64_t *mask = calloc(nw, sizeof(*mask));
    uint64_t *trig = calloc(nw, sizeof(*trig));
    uint32_t *spans = NULL;
    if (mask && trig) {
        get_wordmask()(text, len, mask, trig);
        if (find_spans((const unsigned char *)text, len, trig, mask, &spans,
                       &n, &c))
            n = 0;
        for (size_t i = 0; i < n && i < cap; i++) {
            out[2 * i] = spans[2 * i];
            out[2 * i + 1] = spans[2 * i + 1];
        }
    }
    free(spans);
    free(mask);
    free(trig);
    return n;
}

/* ---- ORACLE engine ---- */

static skidx_status scan_oracle(const struct skidx_matcher *m,
                                struct skidx_match_scratch *s,
                                const char *text, size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    for (size_t li = 0; li < m->n_literals; li++) {
        uint32_t ai = m->literals[li];
        const struct skidx_alias *a = &m->set->a[ai];
        int cs = !!(a->flags & SKIDX_ALIAS_CASE);
        int flex = skidx_alias_flexible(a);
        int left = skidx_starts_word(a->text, a->len);
        int right = skidx_ends_word(a->text, a->len);
        /* the forms: the alias (separators flexible or not) and, marked
         * '+', its words written together */
        char *joined = NULL;
        size_t jn = 0, seps = 0;
        if (flex && (a->flags & SKIDX_ALIAS_JOINED)) {
            if (!(joined = malloc(a->len)))
                return SKIDX_ERR_NOMEM;
            for (size_t i = 0; i < a->len; i++) {
                if (flex_sep_at((const unsigned char *)a->text, a->len, i))
                    seps++;
                else
                    joined[jn++] = a->text[i];
            }
        }
        for (int form = 0; form < (seps ? 2 : 1); form++) {
            const unsigned char *p =
                (const unsigned char *)(form ? joined : a->text);
            size_t n = form ? jn : a->len;
            if (n > len)
                continue;
            for (size_t i = 0; i + n <= len; i++) {
                if (!flex_eq(t + i, p, n, !cs, flex && !form))
                    continue;
                if (left && skidx_word_before(text, i))
                    continue;
                if (right && skidx_word_at(text, len, i + n))
                    continue;
                if (push_hit(s, ai, a->owner, i, i + n)) {
                    free(joined);
                    return SKIDX_ERR_NOMEM;
                }
            }
        }
        free(joined);
    }
    return SKIDX_OK;
}

/* What a scan's Hyperscan answer and its callback's allocation failure
 * mean for the caller (a callback stops a scan only on failure). */
static skidx_status scan_status(hs_error_t e, int nomem)
{
    if (nomem)
        return SKIDX_ERR_NOMEM;
    if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED)
        return SKIDX_ERR_HYPERSCAN;
    return SKIDX_OK;
}

/* ---- regexes ---- */

struct hs_ctx {
    const struct skidx_matcher *m;
    struct skidx_match_scratch *s;
    size_t base; /* offset of the scanned bytes in the text */
    int nomem;
};

static int on_regex(unsigned id, unsigned long long from,
                    unsigned long long to, unsigned flags, void *ctx)
{
    struct hs_ctx *c = ctx;
    (void)flags;
    uint32_t ai = c->m->regex_alias[id];
    if (from == to)
        return 0;
    if (push_hit(c->s, ai, c->m->set->a[ai].owner, c->base + (size_t)from,
                 c->base + (size_t)to)) {
        c->nomem = 1;
        return 1;
    }
    return 0;
}

static skidx_status scan_regex(const struct skidx_matcher *m,
                               const hs_database_t *db,
                               struct skidx_match_scratch *s,
                               const char *text, size_t len)
{
    struct hs_ctx c = {m, s, 0, 0};
    SKIDX_FORWARD(db_ready(m, s, db, &db));
    s->regex_scans++;
    s->regex_bytes += len;
    hs_error_t e = hs_scan(db, text, (unsigned)len, 0,
                           (hs_scratch_t *)s->hs_scratch, on_regex, &c);
    return scan_status(e, c.nomem);
}

/* The gated regexes are compiled anchored ('^' before each): a scan of
 * text[p..) finds the matches that start at p, with their ends. */
struct gate_ctx {
    const struct skidx_matcher *m;
    struct skidx_match_scratch *s;
    size_t p, first; /* the window's start; the text's first gated hit */
    int nomem;
};

/* A match [p, p + to) of a gated regex: a hit unless a window before
 * found the same regex ending there (its start, further left, is the
 * leftmost). Hits are pushed window after window, so their starts do
 * not decrease, and a hit starting more than gate_width bytes before
 * this end cannot end there: the search back stops at it. */
static int on_gated(unsigned id, unsigned long long from,
                    unsigned long long to, unsigned flags, void *ctx)
{
    struct gate_ctx *g = ctx;
    (void)from;
    (void)flags;
    uint32_t ai = g->m->regex_alias[id];
    size_t end = g->p + (size_t)to;
    if (!to)
        return 0; /* empty: never a hit (as on_regex) */
    for (size_t i = g->s->n_hits; i-- > g->first;) {
        const struct skidx_hit *h = &g->s->hits[i];
        if ((size_t)h->start + g->m->gate_width < end)
            break;
        if (h->alias == ai && h->end == end)
            return 0;
    }
    const uint32_t tw = g->m->twin[id];
    if (push_hit(g->s, ai, g->m->set->a[ai].owner, g->p, end) ||
        (tw != NO_GROUP &&
         push_hit(g->s, tw, g->m->set->a[tw].owner, g->p, end))) {
        g->nomem = 1;
        return 1;
    }
    return 0;
}

/* The FOLLOW_LEN bytes of t[0..len) from q, folded (struct follow). */
static inline uint64_t follow_bytes(const unsigned char *t, size_t len,
                                    size_t q)
{
    uint64_t x = 0;
    for (unsigned k = 0; k < FOLLOW_LEN; k++) {
        const unsigned char b = q + k < len ? follow_fold(t[q + k]) : 'A';
        x |= (uint64_t)b << (8 * k);
    }
    return x;
}

/* Does one of the n strings e of class c take the bytes x? */
static inline int follow_any(const struct follow *e, uint32_t n, unsigned c,
                             uint64_t x)
{
    for (uint32_t k = 0; k < n; k++)
        if (e[k].cls == c && (x & e[k].mask) == e[k].val)
            return 1;
    return 0;
}

/* The gated regexes, from each gate word the WORDS engine found (from
 * every ASCII word start for the ORACLE engine and with the gate off:
 * the simple way the gate must agree with), each class it gates (every
 * class from a word start) over the class's width + 1 bytes. Every match
 * starts at a gate word of its regex (regex_gate_words), where \b holds
 * as at the start of the scanned bytes, and is at most its class's width
 * long, so the byte after it is scanned too; the first window that finds
 * a regex ending at an offset has its leftmost start. So the hits are
 * those of a whole-text scan for the leftmost start of each match. A
 * class with a follow filter for the word (struct gate_info) is not
 * scanned from it when none of the filter's strings takes the bytes
 * after it: no match of the class starts there. */
static skidx_status scan_gated(const struct skidx_matcher *m,
                               struct skidx_match_scratch *s,
                               const char *text, size_t len,
                               enum skidx_engine engine)
{
    const unsigned char *t = (const unsigned char *)text;
    int all = engine == SKIDX_ENGINE_ORACLE || !regex_gate;
    const uint32_t every = (uint32_t)((1ull << m->n_gcls) - 1) << GW_CLS;
    struct gate_ctx g = {m, s, 0, s->n_hits, 0};
    for (size_t i = 0; all ? i < len : i < s->n_gates; i++) {
        size_t p = all ? i : s->gates[i];
        uint32_t cl = every;
        const struct gate_info *f = NULL;
        if (all && (!is_ascii_word(t[p]) || (p && is_ascii_word(t[p - 1]))))
            continue;
        if (!all) {
            f = &m->gate_info[s->gate_ids[i] - m->set->n];
            cl &= f->kinds;
        }
        g.p = p;
        uint64_t x = 0; /* the folded bytes after the word, once read */
        int have_x = 0;
        for (cl >>= GW_CLS; cl; cl &= cl - 1) {
            const unsigned ci = (unsigned)__builtin_ctz(cl);
            if (f && (f->follow_cls >> ci & 1)) {
                if (!have_x) {
                    x = follow_bytes(t, len, p + f->len);
                    have_x = 1;
                }
                if (!follow_any(m->follows + f->follow_start, f->follow_n,
                                ci, x))
                    continue;
            }
            const struct gate_class *c = &m->gcls[ci];
            const size_t w = (size_t)c->width + 1;
            const size_t n = len - p < w ? len - p : w;
            const hs_database_t *db;
            SKIDX_FORWARD(db_ready(m, s, c->db, &db));
            s->regex_scans++;
            s->regex_bytes += n;
            hs_error_t e = hs_scan(db, text + p, (unsigned)n, 0,
                                   (hs_scratch_t *)s->hs_scratch, on_gated,
                                   &g);
            SKIDX_FORWARD(scan_status(e, g.nomem));
        }
    }
    return SKIDX_OK;
}

static int hit_cmp(const void *x, const void *y);

/* Room for n windows in s->tmp. */
static int tmp_room(struct skidx_match_scratch *s, size_t n)
{
    if (n <= s->cap_tmp)
        return 0;
    size_t cap = s->cap_tmp ? 2 * s->cap_tmp : 16;
    cap = cap < n ? n : cap;
    struct skidx_hit *p = realloc(s->tmp, cap * sizeof(*p));
    if (!p)
        return -1;
    s->tmp = p;
    s->cap_tmp = cap;
    return 0;
}

/* Append window [a, b) to s->tmp[*nw] (for scan_merged), clearing *sorted
 * when it starts before the last one; -1 when out of memory. */
static int add_window(struct skidx_match_scratch *s, size_t *nw, int *sorted,
                      size_t a, size_t b)
{
    if (tmp_room(s, *nw + 1))
        return -1;
    *sorted &= !*nw || s->tmp[*nw - 1].start <= a;
    s->tmp[*nw].start = (uint32_t)a;
    s->tmp[*nw].end = (uint32_t)b;
    s->tmp[*nw].alias = 0; /* hit_cmp: starts, then ends decide */
    ++*nw;
    return 0;
}

/* db over the windows s->tmp[0..nw) (start, end; sorted when `sorted`),
 * merged where they overlap or touch, reporting leftmost starts. */
static skidx_status scan_merged(const struct skidx_matcher *m,
                                const hs_database_t *db,
                                struct skidx_match_scratch *s,
                                const char *text, size_t nw, int sorted)
{
    if (!sorted)
        qsort(s->tmp, nw, sizeof(*s->tmp), hit_cmp);
    struct hs_ctx c = {m, s, 0, 0};
    if (nw)
        SKIDX_FORWARD(db_ready(m, s, db, &db));
    for (size_t i = 0; i < nw;) {
        size_t ws = s->tmp[i].start, we = s->tmp[i].end;
        for (i++; i < nw && s->tmp[i].start <= we; i++)
            we = s->tmp[i].end > we ? s->tmp[i].end : we;
        c.base = ws;
        s->regex_scans++;
        s->regex_bytes += we - ws;
        hs_error_t e = hs_scan(db, text + ws, (unsigned)(we - ws), 0,
                               (hs_scratch_t *)s->hs_scratch, on_regex, &c);
        SKIDX_FORWARD(scan_status(e, c.nomem));
    }
    return SKIDX_OK;
}

/* Does a lead of part p (struct wpart) start an ASCII word of
 * t[0..len) in [lo, hi], followed by one of its strings? mask is the
 * text's word mask (a zero word after its end). */
static int lead_in(const struct skidx_matcher *m, const struct wpart *p,
                   const unsigned char *t, size_t len, const uint64_t *mask,
                   size_t lo, size_t hi)
{
    const struct wlead *l = &m->wleads[p->lead_start];
    for (size_t w = lo / 64; w * 64 <= hi; w++) {
        const uint64_t cur = mask[w], prev = w ? mask[w - 1] >> 63 : 0;
        /* the word starts in [lo, hi], the runs' last bytes */
        uint64_t st = cur & ~(cur << 1 | prev);
        if (lo > w * 64)
            st &= ~0ull << (lo - w * 64);
        if (hi - w * 64 < 63)
            st &= ~0ull >> (63 - (hi - w * 64));
        const uint64_t last = cur & ~(cur >> 1 | mask[w + 1] << 63);
        for (; st; st &= st - 1) {
            const unsigned b = (unsigned)__builtin_ctzll(st);
            const size_t ws = w * 64 + b;
            size_t we;
            if (last >> b) {
                we = ws + (size_t)__builtin_ctzll(last >> b) + 1;
            } else { /* on into the next mask words: their next zero */
                we = (w + 1) * 64;
                while (!~mask[we / 64])
                    we += 64;
                we += (size_t)__builtin_ctzll(~mask[we / 64]);
            }
            we = we < len ? we : len; /* the mask's bits past the end */
            const size_t n = we - ws;
            if (n > GX_RUN || !(p->lens >> (n - 1) & 1))
                continue;
            const uint64_t key = word_first8(t + ws, n, len - ws);
            if (!(p->bloom >> lead_bit(key, n) & 1))
                continue;
            for (uint32_t k = 0; k < p->lead_n; k++) {
                if (l[k].len != n || l[k].key != key)
                    continue;
                if (!l[k].follow_n ||
                    follow_any(m->follows + l[k].follow_start, l[k].follow_n,
                               0, follow_bytes(t, len, we)))
                    return 1;
            }
        }
    }
    return 0;
}

/* The word-window regexes (db_wwin), over the windows of the GW_WIN gate
 * words the WORDS engine found: [start - pre, end + post), widened on
 * each side to the nearest byte that is no ASCII word byte (or the
 * text's end; pre or post RQ_WIDE: the text's end), merged. Every match
 * holds such a word as a whole word (regex_req_word), or starts with one
 * and has a window to the text's end (plan_wide), so it lies in the
 * window of that word, and a merged
 * window holds no other match's end: for each end the window finds the
 * leftmost start a whole-text scan finds. The regexes have no anchors,
 * and at a window's edge \b and \B hold as in the text (the byte beyond
 * it is no word byte), so a match a window finds is one in the text.
 * The ORACLE engine and the gate off scan the whole text, the simple way
 * the windows must agree with. */
static skidx_status scan_word_windows(const struct skidx_matcher *m,
                                      struct skidx_match_scratch *s,
                                      const char *text, size_t len,
                                      enum skidx_engine engine)
{
    if (engine == SKIDX_ENGINE_ORACLE || !regex_gate)
        return scan_regex(m, m->db_wwin, s, text, len);
    const unsigned char *t = (const unsigned char *)text;
    size_t nw = 0;
    int sorted = 1;
    for (size_t i = 0; i < s->n_gates; i++) {
        const struct gate_info *f = &m->gate_info[s->gate_ids[i] - m->set->n];
        if (!(f->kinds & GW_WIN))
            continue;
        const size_t ws = s->gates[i], we = ws + f->len;
        /* the word's window, or its parts' that the text needs */
        for (uint32_t k = 0; k < (f->part_n ? f->part_n : 1); k++) {
            const struct wpart *p = f->part_n ? &m->wparts[f->part_start + k]
                                              : NULL;
            const size_t pre = p ? p->pre : f->pre;
            const size_t post = p ? p->post : f->post;
            size_t a = ws > pre ? ws - pre : 0;
            size_t b = len - we > post ? we + post : len;
            if (p && p->lead_n &&
                !lead_in(m, p, t, len, s->wordmask, a, ws))
                continue;
            while (a > 0 && is_ascii_word(t[a - 1]))
                a--;
            while (b < len && is_ascii_word(t[b]))
                b++;
            if (add_window(s, &nw, &sorted, a, b))
                return SKIDX_ERR_NOMEM;
        }
    }
    return scan_merged(m, m->db_wwin, s, text, nw, sorted);
}

/* The literal-run regexes (db_lit) over the whole text when it holds one
 * of their runs (m->lits; always for the ORACLE engine and the gate off). */
static skidx_status scan_lit(const struct skidx_matcher *m,
                             struct skidx_match_scratch *s, const char *text,
                             size_t len, enum skidx_engine engine)
{
    int any = engine == SKIDX_ENGINE_ORACLE || !regex_gate;
    for (size_t o = 0; o < m->lit_bytes && !any;) {
        const char *l = m->lits + o;
        const size_t ll = strlen(l);
        o += ll + 1;
        for (const char *p = text, *end = text + len;
             (size_t)(end - p) >= ll && !any; p++) {
            p = memchr(p, l[0], (size_t)(end - p) - ll + 1);
            if (!p)
                break;
            any = !memcmp(p + 1, l + 1, ll - 1);
        }
    }
    return any ? scan_regex(m, m->db_lit, s, text, len) : SKIDX_OK;
}

/* Group g's anchored gated negatives (db_ga) from each of its gate words
 * that lies at most width_ga bytes before the end of one of its owner's
 * positive hits among hits[first..n_hits) and not after its start: a
 * negative match matters only when it holds such a hit, and it starts at
 * a gate word (regex_gate_words) and is at most width_ga bytes long, so
 * the scan from that word over width_ga + 1 bytes finds it, and finds
 * only matches of the text (\b at the start holds as in the text; a
 * match the end makes up would be too long). With `all` (the ORACLE
 * engine, or the gate off) from every ASCII word start. */
static skidx_status scan_neg_gated(const struct skidx_matcher *m,
                                   struct skidx_match_scratch *s,
                                   const char *text, size_t len, size_t first,
                                   size_t n_hits, uint32_t g, int all)
{
    const struct neg_group *ng = &m->groups[g];
    const unsigned char *t = (const unsigned char *)text;
    const uint64_t bit = 1ull << (ng->slot & 63);
    const size_t w = (size_t)ng->width_ga + 1;
    struct hs_ctx c = {m, s, 0, 0};
    const size_t n = all ? len : s->n_gates;
    for (size_t i = 0; i < n; i++) {
        size_t p;
        if (all) {
            p = i;
            if (!is_ascii_word(t[p]) || (p && is_ascii_word(t[p - 1])))
                continue;
        } else {
            if (!(m->gate_info[s->gate_ids[i] - m->set->n].negs & bit))
                continue;
            p = s->gates[i];
            int need = 0;
            for (size_t k = first; k < n_hits && !need; k++) {
                const struct skidx_hit *h = &s->hits[k];
                need = h->owner == ng->owner && !m->is_neg[h->alias] &&
                       h->start >= p && h->end <= p + ng->width_ga;
            }
            if (!need)
                continue;
        }
        const size_t nb = len - p < w ? len - p : w;
        c.base = p;
        const hs_database_t *db;
        SKIDX_FORWARD(db_ready(m, s, ng->db_ga, &db));
        s->regex_scans++;
        s->regex_bytes += nb;
        hs_error_t e = hs_scan(db, text + p, (unsigned)nb, 0,
                               (hs_scratch_t *)s->hs_scratch, on_regex, &c);
        SKIDX_FORWARD(scan_status(e, c.nomem));
    }
    return SKIDX_OK;
}

#ifdef SKIDX_X86
/* has_lead's look, 64 bytes at a time: a byte b >= 0xC0 is one of
 * `leads` when bit b & 7 of byte (b >> 3) & 7 of leads is set (both
 * looked up with a byte shuffle); the last partial block is read as the
 * text's last 64 bytes (a byte read twice changes no answer). len >= 64. */
__attribute__((target("avx2"))) static int
has_lead_avx2(uint64_t leads, const unsigned char *t, size_t len)
{
    const __m256i lb = _mm256_set1_epi64x((long long)leads);
    const __m256i bits = _mm256_set1_epi64x(0x8040201008040201ll);
    const __m256i k7 = _mm256_set1_epi8(7), kc0 = _mm256_set1_epi8((char)0xC0);
    for (size_t i = 0;; i += 64) {
        if (i + 64 > len)
            i = len - 64;
        __m256i h = _mm256_setzero_si256();
        for (int j = 0; j < 64; j += 32) {
            const __m256i x = _mm256_loadu_si256((const __m256i *)(t + i + j));
            const __m256i sel = _mm256_shuffle_epi8(
                lb, _mm256_and_si256(_mm256_srli_epi16(x, 3), k7));
            const __m256i bit =
                _mm256_shuffle_epi8(bits, _mm256_and_si256(x, k7));
            h = _mm256_or_si256(
                h, _mm256_and_si256(
                       _mm256_cmpeq_epi8(_mm256_and_si256(x, kc0), kc0),
                       _mm256_cmpeq_epi8(_mm256_and_si256(sel, bit), bit)));
        }
        if (_mm256_movemask_epi8(h))
            return 1;
        if (i + 64 == len)
            return 0;
    }
}

/* the same with AVX-512BW, 64 bytes a step (a masked load at the end) */
__attribute__((target("avx512f,avx512bw"))) static int
has_lead_avx512(uint64_t leads, const unsigned char *t, size_t len)
{
    const __m512i lb = _mm512_set1_epi64((long long)leads);
    const __m512i bits = _mm512_set1_epi64(0x8040201008040201ll);
    const __m512i k7 = _mm512_set1_epi8(7), kc0 = _mm512_set1_epi8((char)0xC0);
    for (size_t i = 0; i < len; i += 64) {
        const __mmask64 live =
            len - i >= 64 ? ~0ull : (1ull << (len - i)) - 1;
        /* a whole block by a plain load (as wordmask_avx512()) */
        const __m512i x = len - i >= 64
                              ? _mm512_loadu_si512((const void *)(t + i))
                              : _mm512_maskz_loadu_epi8(live, t + i);
        const __m512i sel = _mm512_shuffle_epi8(
            lb, _mm512_and_si512(_mm512_srli_epi16(x, 3), k7));
        const __m512i bit = _mm512_shuffle_epi8(bits, _mm512_and_si512(x, k7));
        if (_mm512_cmpge_epu8_mask(x, kc0) & _mm512_test_epi8_mask(sel, bit))
            return 1;
    }
    return 0;
}
#endif

/* Does text[0..len) hold a byte of `leads` (bit b - 0xC0)? `high` is
 * the word mask pass's answer (WM_HIGH: some byte >= 0x80; WM_FOLD:
 * some byte >= 0xE3), which settles most texts without a look: CJK,
 * kana and Hangul lead bytes are all >= 0xE3. Else a vector pass on the
 * SIMD paths, or eight bytes at a time, looking closer only at words
 * with a byte >= 0xC0. */
static int has_lead(uint64_t leads, int high, const char *text, size_t len)
{
    if (leads == ~0ull || !(high & WM_HIGH))
        return !!(high & WM_HIGH);
    if (!(leads & SKIDX_LEADS_BELOW_CJK) && !(high & WM_FOLD))
        return 0; /* all of them >= 0xE3, and the text has none */
    const unsigned char *t = (const unsigned char *)text;
#ifdef SKIDX_X86
    const wordmask_fn wm = get_wordmask();
    if (wm == wordmask_avx512)
        return has_lead_avx512(leads, t, len);
    if (wm != wordmask_scalar && len >= 64)
        return has_lead_avx2(leads, t, len);
#endif
    const uint64_t hi = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v;
        memcpy(&v, t + i, 8);
        uint64_t c = v & (v << 1) & hi; /* bytes 11xxxxxx */
        while (c) {
            unsigned b = (unsigned)__builtin_ctzll(c) / 8;
            if (leads >> (t[i + b] - 0xC0) & 1)
                return 1;
            c &= c - 1;
        }
    }
    for (; i < len; i++)
        if (t[i] >= 0xC0 && (leads >> (t[i] - 0xC0) & 1))
            return 1;
    return 0;
}

/* Group g's windowed database over the windows around its owner's
 * positive hits among hits[first..n_hits) (struct neg_group), merged
 * where they overlap or touch. */
static skidx_status scan_windows(const struct skidx_matcher *m,
                                 struct skidx_match_scratch *s,
                                 const char *text, size_t len, size_t first,
                                 size_t n_hits, uint32_t g,
                                 const hs_database_t *db, uint32_t width)
{
    const struct neg_group *ng = &m->groups[g];
    const size_t w = (size_t)width + 2;
    size_t nw = 0;
    int sorted = 1;
    for (size_t i = first; i < n_hits; i++) {
        const struct skidx_hit *h = &s->hits[i];
        /* a hit longer than the longest negative match is in none */
        if (h->owner != ng->owner || m->is_neg[h->alias] ||
            h->end - h->start > width)
            continue;
        const size_t ws = h->end > w ? h->end - w : 0;
        const size_t we = len - h->start > w ? h->start + w : len;
        if (add_window(s, &nw, &sorted, ws, we))
            return SKIDX_ERR_NOMEM;
    }
    return scan_merged(m, db, s, text, nw, sorted);
}

/* Has v a run of more than RUN_MAX (30) set bits? */
static inline int long_run(uint64_t v)
{
    v &= v >> 1;  /* bit i: bits i..i+1 set */
    v &= v >> 2;  /* i..i+3 */
    v &= v >> 4;  /* i..i+7 */
    v &= v >> 8;  /* i..i+15 */
    v &= v >> 15; /* i..i+30 */
    return v != 0;
}

/* Does the text of word mask mask[0..(len + 63) / 64) hold no run of
 * more than RUN_MAX word bytes (ones) nor of non-word bytes (zeros, a
 * superset of the white-space bytes)? Runs inside a mask word are read
 * by long_run, runs across words by the lengths of each word's ends. */
_Static_assert(RUN_MAX == 30, "short_runs' quick look reads 16-bit lanes");
static int short_runs(const uint64_t *mask, size_t len)
{
    const size_t nw = (len + 63) / 64;
    /* first the quick look: a run of more than 30 holds an aligned
     * 16-bit lane of zeros or ones; most texts have none (bits past the
     * end read as 1010...) */
    const uint64_t lo = 0x0001000100010001ull, hi = 0x8000800080008000ull;
    uint64_t lane = 0;
    /* the whole words first (a loop without the last word's case), then
     * the last word as it reads */
    const size_t whole = len / 64;
    for (size_t w = 0; w < whole; w++) {
        const uint64_t x = mask[w];
        lane |= ((x - lo) & ~x & hi) | ((~x - lo) & x & hi);
    }
    if (len % 64) {
        const uint64_t x = (mask[whole] & ((1ull << (len % 64)) - 1)) |
                           (0xAAAAAAAAAAAAAAAAull << (len % 64));
        lane |= ((x - lo) & ~x & hi) | ((~x - lo) & x & hi);
    }
    if (!lane)
        return 1;
    unsigned top1 = 0, top0 = 0; /* the previous word's top runs */
    for (size_t w = 0; w < nw; w++) {
        const unsigned bits =
            w + 1 == nw && len % 64 ? (unsigned)(len % 64) : 64;
        const uint64_t valid = bits == 64 ? ~0ull : (1ull << bits) - 1;
        const uint64_t one = mask[w] & valid, zero = ~mask[w] & valid;
        if (one == ~0ull || zero == ~0ull || long_run(one) || long_run(zero))
            return 0;
        /* the runs from the previous word on (both words not full) */
        if (top1 + (unsigned)__builtin_ctzll(~one) > RUN_MAX ||
            top0 + (unsigned)__builtin_ctzll(~zero) > RUN_MAX)
            return 0;
        top1 = (unsigned)__builtin_clzll(~one);
        top0 = (unsigned)__builtin_clzll(~zero);
    }
    return 1;
}

/* The negative databases of the owners with a positive hit in this text
 * (hits[first..]), or of every owner, each over the whole text, when the
 * gate is off. */
static skidx_status scan_negative_groups(const struct skidx_matcher *m,
                                         struct skidx_match_scratch *s,
                                         const char *text, size_t len,
                                         size_t first, int high,
                                         enum skidx_engine engine)
{
    size_t ng = 0, n_hits = s->n_hits;
    if (!regex_gate) {
        for (size_t g = 0; g < m->n_groups; g++)
            s->group_list[ng++] = (uint32_t)g;
    } else {
        for (size_t i = first; i < n_hits; i++) {
            const struct skidx_hit *h = &s->hits[i];
            uint32_t g = m->owner_group[h->owner];
            if (g == NO_GROUP || s->group_mark[g] ||
                m->is_neg[h->alias])
                continue;
            s->group_mark[g] = 1;
            s->group_list[ng++] = g;
        }
    }
    skidx_status st = SKIDX_OK;
    int runs = -1; /* short_runs(), once asked */
    for (size_t j = 0; j < ng; j++) {
        const uint32_t g = s->group_list[j];
        const struct neg_group *gr = &m->groups[g];
        s->group_mark[g] = 0;
        /* none of its regexes can match a text without its lead bytes
         * (Chinese negatives on an English text) */
        if (gr->leads && regex_gate && !has_lead(gr->leads, high, text, len))
            continue;
        if (!st && gr->db)
            st = scan_regex(m, gr->db, s, text, len);
        /* the bounded forms in windows on a text of short runs, else the
         * regexes as written over the whole text (always with the gate
         * off: the simple way the windows must agree with) */
        int bounded = 0;
        if (gr->db_ub) {
            if (regex_gate && runs < 0)
                runs = short_runs(s->wordmask, len);
            bounded = regex_gate && runs;
            if (!st && !bounded)
                st = scan_regex(m, gr->db_ub, s, text, len);
        }
        if (!st && bounded)
            st = scan_windows(m, s, text, len, first, n_hits, g, gr->db_wb,
                              gr->width_b);
        else if (!st && gr->db_win)
            st = regex_gate ? scan_windows(m, s, text, len, first, n_hits, g,
                                           gr->db_win, gr->width)
                            : scan_regex(m, gr->db_win, s, text, len);
        if (!st && m->groups[g].db_ga)
            st = scan_neg_gated(m, s, text, len, first, n_hits, g,
                                engine == SKIDX_ENGINE_ORACLE || !regex_gate);
    }
    return st;
}

/* ---- masking, sorting, owners ---- */

static int hit_cmp(const void *x, const void *y)
{
    const struct skidx_hit *a = x, *b = y;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return a->alias < b->alias ? -1 : a->alias > b->alias;
}

/* Is the hit [start, end) masked by the spans (sorted, disjoint): does it
 * overlap one that it does not hold whole? A hit that holds a whole span
 * is an alias written with the span's dot (`Monday.com`, `llama.cpp`,
 * `composer.json`): the taxonomy names that host or file on purpose, so
 * it counts, while a hit in part of one (GitHub in `github.com/acme`,
 * Monday.com in `https://monday.com/pricing`) does not. */
static int in_spans(const uint32_t *sp, size_t n, uint32_t start,
                    uint32_t end)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* first span ending after start */
        size_t mid = (lo + hi) / 2;
        if (sp[2 * mid + 1] <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && sp[2 * lo] < end; lo++)
        if (sp[2 * lo] < start || sp[2 * lo + 1] > end)
            return 1;
    return 0;
}

/* Bit i of the word mask. */
static inline int mask_bit(const uint64_t *wm, size_t i)
{
    return (int)(wm[i >> 6] >> (i & 63) & 1);
}

/* Clear the word-mask bits inside the skip ranges (skidx_match_scratch.
 * skip) for the WORDS engine, which then finds no word there; the words
 * of the mask changed go to s->skip_save as (index, old value) pairs.
 * Returns how many pairs, or -1 when out of memory. Of a range [a, b)
 * the part [c, d) is cleared:
 * - c lies past the first word that starts at c0 or later, c0 being
 *   skip_back bytes after a and skip_pre + 1 after the first byte at a
 *   or later that is no ASCII word byte: a hit from a word starting at
 *   c0 or later starts at a or later (a literal's lead is at most
 *   skip_back; a word window reaches skip_pre bytes back and is widened
 *   back to a word's start, which stops at that byte). The last word
 *   before c, whose next word (read by the filter) changes, is that
 *   first word, so only hits at a or later can change.
 * - d is at most skip_fwd bytes before b: every hit from a word starting
 *   before d ends before b (a literal, a gate class's match and its
 *   negative twin, a gated negative), so none holds a hit that starts
 *   at b or later, and a gate class's match starts before b.
 * The bit at c and the one before d are clear: no word is cut. */
static long apply_skip(const struct skidx_matcher *m,
                       struct skidx_match_scratch *s, const unsigned char *t,
                       size_t len)
{
    uint64_t *const wm = s->wordmask;
    const size_t nw = (len + 63) / 64;
    if (2 * nw > s->cap_skip_save) {
        uint64_t *v = realloc(s->skip_save, 2 * nw * sizeof(*v));
        if (!v)
            return -1;
        s->skip_save = v;
        s->cap_skip_save = 2 * nw;
    }
    long n = 0;
    for (size_t r = 0; r < s->n_skip; r++) {
        const size_t a = s->skip[2 * r];
        const size_t b = s->skip[2 * r + 1] < len ? s->skip[2 * r + 1] : len;
        if (a >= b || b - a <= m->skip_fwd)
            continue;
        size_t n0 = a;
        while (n0 < b && is_ascii_word(t[n0]))
            n0++;
        size_t c = n0 + 1 + m->skip_pre;
        if (c < a + m->skip_back)
            c = a + m->skip_back;
        const size_t dmax = b - m->skip_fwd;
        /* the first word starting at c or later, then its end */
        while (c < dmax && !(mask_bit(wm, c) && !mask_bit(wm, c - 1)))
            c++;
        while (c < dmax && mask_bit(wm, c))
            c++;
        size_t d = dmax;
        while (d > c && mask_bit(wm, d - 1))
            d--;
        if (d <= c + 1)
            continue;
        /* clear [c, d) a mask word at a time, each saved once (the
         * ranges ascend: a word two of them share is the last saved) */
        for (size_t w = c >> 6; w <= (d - 1) >> 6; w++) {
            const size_t lo = w << 6;
            uint64_t clear = ~0ull;
            if (c > lo)
                clear &= ~0ull << (c - lo);
            if (d - lo < 64)
                clear &= (1ull << (d - lo)) - 1;
            if (!n || s->skip_save[2 * (n - 1)] != w) {
                s->skip_save[2 * n] = w;
                s->skip_save[2 * n + 1] = wm[w];
                n++;
            }
            wm[w] &= ~clear;
        }
    }
    return n;
}

static skidx_status finish_text(const struct skidx_matcher *m,
                                struct skidx_match_scratch *s, size_t first,
                                int folded)
{
    size_t n = s->n_hits - first;
    /* (no pointer arithmetic on a scratch that has held no hit yet) */
    struct skidx_hit *h = n ? s->hits + first : NULL;
    const uint8_t *const is_neg = m->is_neg;
    /* The loops below decide per hit (negative or not, masked or not, a
     * new owner or not) without a branch on it: each hit is written at
     * the next slot and the slot kept by adding the decision, since those
     * branches follow the text and were mispredicted often. */
    if (n) {
        /* the negative hits to tmp, then the positive hits a negative
         * hit of their owner contains are dropped */
        if (tmp_room(s, n))
            return SKIDX_ERR_NOMEM;
        struct skidx_hit *const neg = s->tmp;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            neg[k] = h[i];
            k += is_neg[h[i].alias];
        }
        if (k) {
            size_t out = 0;
            for (size_t i = 0; i < n; i++) {
                const struct skidx_hit x = h[i];
                unsigned masked = is_neg[x.alias];
                for (size_t j = 0; j < k; j++)
                    masked |= (neg[j].owner == x.owner) &
                              (neg[j].start <= x.start) &
                              (x.end <= neg[j].end);
                h[out] = x;
                out += !masked;
            }
            n = out;
            s->n_hits = first + n;
        }
    }
    if (s->n_spans) {
        const unsigned keep = s->keep_masked != 0;
        size_t out = 0;
        for (size_t i = 0; i < n; i++) {
            struct skidx_hit x = h[i];
            const unsigned in =
                in_spans(s->spans, s->n_spans, x.start, x.end) != 0;
            x.flags |= (in & keep) * SKIDX_HIT_MASKED;
            h[out] = x;
            out += (in ^ 1u) | keep; /* a masked hit is shown, never counted */
        }
        n = out;
        s->n_hits = first + n;
    }
    if (folded)
        for (size_t i = 0; i < n; i++) {
            h[i].start = s->fold_map[h[i].start];
            h[i].end = s->fold_map[h[i].end];
        }
    if (s->sort_hits && n > 1)
        qsort(h, n, sizeof(*h), hit_cmp);
    /* the owners of the unmasked hits, in first-hit order (owners has a
     * slot past the last owner for the write of a hit not kept) */
    size_t no = s->n_owners;
    for (size_t i = 0; i < n; i++) {
        const uint32_t o = h[i].owner;
        const uint64_t bit = 1ull << (o & 63), word = s->owner_bits[o >> 6];
        const uint64_t fresh =
            !(h[i].flags & SKIDX_HIT_MASKED) & !(word & bit);
        s->owner_bits[o >> 6] = word | (bit & (0 - fresh));
        s->owners[no] = o;
        no += fresh;
    }
    s->n_owners = no;
    return SKIDX_OK;
}

skidx_status skidx_match_text(const struct skidx_matcher *m,
                              struct skidx_match_scratch *s, const char *text,
                              size_t len, enum skidx_engine engine)
{
    size_t first = s->n_hits;
    skidx_status st;
    int folded = 0, high = 0;
    if (len >= UINT32_MAX)
        return SKIDX_ERR_LIMIT;
    s->n_spans = 0;
    s->n_gates = 0;
    if (len) {
        /* the word mask, the span triggers, and whether to fold */
        size_t nw = (len + 63) / 64;
        if (nw + 1 > s->cap_mask) {
            size_t cap = nw + 1 > 2 * s->cap_mask ? nw + 1 : 2 * s->cap_mask;
            uint64_t *p = realloc(s->wordmask, cap * sizeof(*p));
            if (!p)
                return SKIDX_ERR_NOMEM;
            s->wordmask = p;
            p = realloc(s->trigmask, cap * sizeof(*p));
            if (!p)
                return SKIDX_ERR_NOMEM;
            s->trigmask = p;
            s->cap_mask = cap;
        }
        high = get_wordmask()(text, len, s->wordmask, s->trigmask);
        if (high & (WM_HIGH | WM_ESC)) {
            long fl = fold_text(s, text, len, high);
            if (fl < 0)
                return SKIDX_ERR_NOMEM;
            if (fl > 0) {
                folded = 1;
                text = s->fold;
                len = (size_t)fl;
                nw = (len + 63) / 64;
                get_wordmask()(text, len, s->wordmask, s->trigmask);
            }
        }
        s->wordmask[nw] = 0; /* sentinel: no word byte past the end */
        if (find_spans((const unsigned char *)text, len, s->trigmask,
                       s->wordmask, &s->spans, &s->n_spans, &s->cap_spans))
            return SKIDX_ERR_NOMEM;
    }
    /* the word starts well inside the skip ranges, passed over by the
     * word loop alone: the mask is as it was for what follows */
    long saved = 0;
    if (s->n_skip && skip_on && m->skip_ok && !folded && len &&
        engine != SKIDX_ENGINE_ORACLE &&
        (saved = apply_skip(m, s, (const unsigned char *)text, len)) < 0)
        return SKIDX_ERR_NOMEM;
    st = engine == SKIDX_ENGINE_ORACLE ? scan_oracle(m, s, text, len)
                                       : scan_words(m, s, text, len);
    while (saved-- > 0)
        s->wordmask[s->skip_save[2 * saved]] = s->skip_save[2 * saved + 1];
    if (st)
        return st;
    if (m->db && len)
        SKIDX_FORWARD(scan_regex(m, m->db, s, text, len));
    if (m->db_wwin && len)
        SKIDX_FORWARD(scan_word_windows(m, s, text, len, engine));
    if (m->db_lit && len)
        SKIDX_FORWARD(scan_lit(m, s, text, len, engine));
    if (m->n_gcls && len)
        SKIDX_FORWARD(scan_gated(m, s, text, len, engine));
    if (m->db_unspaced && (high & WM_HIGH) &&
        has_lead(m->high_leads, high, text, len))
        SKIDX_FORWARD(scan_regex(m, m->db_unspaced, s, text, len));
    if (m->set->camel_split && len)
        SKIDX_FORWARD(camel_pass(m, s, (const unsigned char *)text, len,
                                 first, engine));
    if (m->n_groups && len)
        SKIDX_FORWARD(
            scan_negative_groups(m, s, text, len, first, high, engine));
    return finish_text(m, s, first, folded);
}
