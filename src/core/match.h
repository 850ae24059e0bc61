/*
 * match.h - find the aliases of a taxonomy in text.
 *
 * One matcher is compiled from one alias set (skills, role rules, level
 * rules) and is read-only afterwards: threads share it, each with its own
 * scratch. Two engines give the same hits by construction, and tests prove
 * it on corpora:
 *
 * - WORDS (the default): literal aliases are found by cutting the text
 *   into words (maximal runs of ASCII letters, digits and '_') and looking
 *   each word up by the alias "head" it could be: in any whole-word match
 *   the alias's first run of word bytes lines up with exactly one text
 *   word, and the alias's next run (if any) with the next text word. A
 *   512-Kbit blocked Bloom filter (two bits a key) of heads and of
 *   (head, next word) pairs rejects most words (all but 9 % of a
 *   generated corpus's, 6 % having a head that can match); survivors
 *   probe an open-addressing table of heads, and each head's candidates
 *   are confirmed by comparing the bytes before and after the word and the
 *   boundary characters. The word mask is built with AVX-512BW, AVX2 or
 *   portable code, chosen at run time; all give the same mask.
 * - ORACLE: every literal alias is searched at every position with plain
 *   compares. Slow and obviously right: the test oracle.
 *
 * Regular-expression aliases go to Hyperscan block-mode databases
 * (leftmost start of match) in both engines: the positive ones to one
 * database scanned over every text, except two kinds. A regex whose every
 * match holds a non-ASCII byte is scanned only over texts that hold one.
 * A regex whose every match starts with a whole word out of a finite set
 * (its gate words: `\b(?:degree|BSc|...)\s(?:in|of)\s...`) and is at most
 * 1024 bytes long is scanned, by the WORDS engine, only from each gate
 * word in the text to its longest match after it (by the ORACLE engine
 * from every word start). The negative ones go to databases per owner,
 * scanned only over texts where that owner has a positive hit: those
 * whose matches are at most 1024 bytes long only over windows around the
 * owner's positive hits (a negative hit that holds one lies inside), the
 * others over the whole text.
 *
 * A hit is (alias, owner, start, end) with a half-open byte range. After a
 * text is scanned, positive hits lying inside a negative hit of the same
 * owner are dropped, as are the negative hits themselves.
 *
 * The text model (taxonomy/FORMAT.md, "How text is read") is applied
 * before either engine runs, so both see the same text: full-width ASCII
 * (U+FF01-FF5E) and the ideographic space are folded to ASCII (hit
 * offsets are mapped back to the text as given), and URLs, e-mail
 * addresses, file names and paths are found once per text as masked
 * spans: a hit overlapping one is flagged SKIDX_HIT_MASKED and owns
 * nothing. Between the words of a multi-word alias, ' ', '-', '_' and '/'
 * match each other (aliases marked '~' keep their separators; aliases
 * marked '+' also match their words written together).
 */
#ifndef SKIDX_CORE_MATCH_H
#define SKIDX_CORE_MATCH_H

#include "core/taxonomy.h"
#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

enum skidx_engine { SKIDX_ENGINE_WORDS = 0, SKIDX_ENGINE_ORACLE = 1 };

enum skidx_hit_flags {
    /* inside a masked span (URL, e-mail address, file name or path):
     * kept only with keep_masked, never counted as an owner */
    SKIDX_HIT_MASKED = 1u << 0,
};

struct skidx_hit {
    uint32_t alias; /* index into the alias set the matcher was built from */
    uint32_t owner;
    uint32_t start, end; /* in the text as given (before any folding) */
    uint32_t flags;      /* enum skidx_hit_flags */
};

struct skidx_matcher;

/* Per-thread scratch. Fields may be read by the caller between calls. */
struct skidx_match_scratch {
    struct skidx_hit *hits; /* hits of the texts scanned since the reset */
    size_t n_hits, cap_hits;
    uint32_t *owners;       /* owners with a positive hit, in first-hit order */
    size_t n_owners;
    uint64_t *owner_bits;   /* bitset over owners */
    uint64_t *wordmask;     /* word-byte bitmap of the current text */
    size_t cap_mask;        /* in 64-bit words */
    void *hs_scratch;       /* hs_scratch_t, fits every database (of a
                               loaded matcher: every one scanned yet) */
    uint8_t *hs_fits;       /* loaded matcher: per database, scratch fits */
    uint8_t *group_mark;    /* negative regex groups to scan, per text */
    uint32_t *group_list;
    struct skidx_hit *tmp;  /* masking workspace */
    size_t cap_tmp;
    uint64_t *trigmask;     /* bytes '.', '@', ':', '/' of the text */
    char *fold;             /* the text with full-width ASCII folded */
    uint32_t *fold_map;     /* folded offset -> offset in the text */
    size_t cap_fold;
    uint32_t *spans;        /* masked spans of the current text, pairs of
                               [start, end) in scanned (folded) offsets */
    size_t n_spans, cap_spans;
    uint32_t *gates;        /* starts of the gate words of the current
                               text, ascending (scanned offsets) */
    uint32_t *gate_ids;     /* per gate: which gate word (its candidate's
                               alias number, set->n + its index) */
    size_t n_gates, cap_gates;
    int sort_hits;          /* set to sort each text's hits (match output) */
    int keep_masked;        /* set to keep masked hits (flagged) in hits */
    int count_only;         /* set when only owners matter: the WORDS engine
                               then records owners without negatives at
                               their first hit and stores no hit for them */
    /* Set by the caller for one skidx_match_text(): ranges of the text,
     * pairs [start, end) ascending and disjoint, whose hits the caller
     * will drop (text in sections that do not count). The WORDS engine
     * may then pass over the word starts well inside them; every hit
     * that starts outside them, and every negative hit that holds one,
     * is found as without them (skidx_match_text() says how far from a
     * range's edges it looks). Not used on a folded text. */
    const uint32_t *skip;
    size_t n_skip;
    uint64_t *skip_save;    /* the word-mask words a skip cleared */
    size_t cap_skip_save;
    uint64_t words, probes, confirms; /* statistics, never reset */
    uint64_t regex_scans;   /* Hyperscan scans (whole texts, windows) */
    uint64_t regex_bytes;   /* the bytes those scans read */
};

struct skidx_matcher_stats {
    size_t literals, regexes, negatives, heads, candidates;
    size_t gated;             /* positive regexes scanned near gate words */
    size_t windowed;          /* positive regexes scanned only in windows
                                 around a word every match holds */
    size_t lit;               /* positive regexes scanned only on text
                                 holding a literal every match holds */
    size_t neg_gated;         /* negative regexes scanned only from their
                                 gate words near the skill's hits */
    size_t neg_twins;         /* negative regexes never scanned: a gated
                                 positive one of the same text finds them */
    size_t high;              /* positive regexes and unspaced literals
                                 scanned only on text holding one of the
                                 lead bytes of their scripts */
    size_t hs_bytes;          /* Hyperscan databases' size, 0 when none */
    size_t neg_groups;        /* skills with negative regexes (databases) */
    size_t neg_windowed;      /* of them, with regexes of bounded length
                                 (or bounded on texts without a run of
                                 more than 30 blanks or word bytes),
                                 scanned only around the skill's hits */
    double compile_seconds;   /* whole build, Hyperscan included */
    const char *simd;         /* "avx512bw", "avx2" or "scalar" */
    /* how far one word start's hits reach (the skip ranges' margins:
     * skidx_match_scratch.skip): back, forward, a word window's reach
     * back, and whether every window's reach is bounded */
    uint32_t skip_back, skip_fwd, skip_pre;
    int skip_ok;
    /* the lead bytes (bit b - 0xC0) a text must hold for the non-ASCII
     * database (the positive regexes that need a non-ASCII character
     * and the unspaced literals) to be scanned; ~0: any such byte */
    uint64_t high_leads;
};

/* The lead bytes 0xC0-0xE2 in a set of lead bytes as high_leads holds
 * them (bit b - 0xC0): those of Latin, Greek, Cyrillic and the other
 * alphabets, and of general punctuation; CJK, kana and Hangul lead with
 * 0xE3 and above. */
#define SKIDX_LEADS_BELOW_CJK ((1ull << (0xE3 - 0xC0)) - 1)

/* Compile. `n_owners` bounds the owner ids. Errors: SKIDX_ERR_TAXONOMY
 * naming the file, line and alias of a regex Hyperscan rejects;
 * SKIDX_ERR_NOMEM. The alias set must outlive the matcher. */
skidx_status skidx_matcher_create(const struct skidx_alias_set *set,
                                  uint32_t n_owners,
                                  struct skidx_matcher **out,
                                  struct skidx_error *err);
void skidx_matcher_free(struct skidx_matcher *m);
void skidx_matcher_get_stats(const struct skidx_matcher *m,
                             struct skidx_matcher_stats *out);
const struct skidx_alias_set *skidx_matcher_aliases(
    const struct skidx_matcher *m);

/* The compiled-taxonomy cache (core/tax_cache.h): append the compiled
 * form of `m` to `w`, its Hyperscan databases' bytes to `dbs` (the
 * image's third part; w gets where each is, its length and checksum),
 * and load a matcher from it. The image is for the
 * same build on the same platform only (the cache key sees to that).
 * deserialize takes the alias set and owner count `m` was built with,
 * checks every table offset and id against them, and uses the image's
 * arrays in place: the reader's buffer (aligned to SKIDX_BLOB_ALIGN) must
 * outlive the matcher, and so must `arena`, which receives the records of
 * the Hyperscan databases, and `dbs`, where their bytes are (read when
 * each is first scanned; dbs->used counts the bytes the records claim,
 * back to back from 0). Errors: serialize SKIDX_ERR_NOMEM (and
 * SKIDX_ERR_CORRUPT for a loaded matcher whose stored bytes are damaged);
 * deserialize
 * SKIDX_ERR_CORRUPT (an image that is not one of this set, truncated or
 * inconsistent), SKIDX_ERR_NOMEM; then *out is NULL (what went to the
 * arena stays there until it is released). Thread-safe on distinct
 * blobs and arenas. */
struct skidx_wblob;
struct skidx_rblob;
struct skidx_arena;
struct skidx_tcache_dbs;
skidx_status skidx_matcher_serialize(const struct skidx_matcher *m,
                                     struct skidx_wblob *w,
                                     struct skidx_wblob *dbs);
skidx_status skidx_matcher_deserialize(const struct skidx_alias_set *set,
                                       uint32_t n_owners,
                                       struct skidx_rblob *r,
                                       struct skidx_arena *arena,
                                       struct skidx_tcache_dbs *dbs,
                                       struct skidx_matcher **out);

/* A deserialized matcher's Hyperscan databases are read from the image,
 * checked and rebuilt on their first scan, not by deserialize (which
 * checks only where they are): a database that then cannot be read, does
 * not match its checksum (the file was damaged, or changed after the
 * load) or is refused by Hyperscan (its header, or its CRC check when a
 * scratch is first fit for it; the image was forged after its checksum)
 * fails every scan that needs it
 * with SKIDX_ERR_HYPERSCAN, and from then on skidx_matcher_damaged(m) is
 * 1 (0 for a compiled matcher, or while every database rebuilt so far
 * did). skidx_matcher_load_all() reads every database now, each checked
 * by Hyperscan whole: SKIDX_ERR_CORRUPT when one is refused (it is then
 * damaged). Both
 * are thread-safe, also against scans. Running out of memory while a
 * database is rebuilt is SKIDX_ERR_NOMEM, for the scan or for
 * skidx_matcher_load_all(), and damages nothing: the next try rebuilds
 * it. */
skidx_status skidx_matcher_load_all(const struct skidx_matcher *m);
int skidx_matcher_damaged(const struct skidx_matcher *m);

skidx_status skidx_match_scratch_init(struct skidx_match_scratch *s,
                                      const struct skidx_matcher *m);
void skidx_match_scratch_release(struct skidx_match_scratch *s);

/* Forget the hits and owners of the previous posting. */
void skidx_match_reset(struct skidx_match_scratch *s);

/* Scan one text and add its hits (after negative masking, sorted by start,
 * end, alias) to s->hits, and its owners to the owner set. Texts longer
 * than 4 GiB - 1 are refused with SKIDX_ERR_LIMIT; SKIDX_ERR_HYPERSCAN
 * when a scan fails (a loaded matcher's database that does not rebuild:
 * skidx_matcher_damaged). */
skidx_status skidx_match_text(const struct skidx_matcher *m,
                              struct skidx_match_scratch *s, const char *text,
                              size_t len, enum skidx_engine engine);

/* Test hook: 0 = best available SIMD, 1 = force the portable mask code,
 * 2 = force AVX2 (if the CPU has it). Not thread-safe; call before
 * scanning. Returns the name of the path now in use. */
const char *skidx_match_set_simd(int mode);

/* Test hook: 0 = scan every owner's negative regexes on every text, and
 * the gated positive regexes from every word start; 1 = (the default) only
 * the negatives of owners with a positive hit in the text, and the gated
 * regexes near their gate words. Both give the same hits; not
 * thread-safe. */
void skidx_match_set_regex_gate(int on);

/* Test hook: 0 = ignore skidx_match_scratch.skip (scan every word start);
 * 1 = (the default) pass over the word starts inside its ranges. Both
 * give the same hits outside the ranges; not thread-safe. */
void skidx_match_set_skip(int on);

/* Build the word-byte bitmap of text[0..len) into mask and the bitmap of
 * the bytes '.', '@', ':' and '/' into trig (ceil(len/64) words each; bits
 * past len are zero) with the current path. Returns 0 for ASCII text, 1
 * when the text holds a byte >= 0x80, 3 when one of them is >= 0xE3 (a
 * full-width form or U+3000 may need folding), plus 4 when it holds a
 * '\\' (a markdown escape to fold). For tests. */
int skidx_match_wordmask(const char *text, size_t len, uint64_t *mask,
                         uint64_t *trig);

/* The masked spans of text[0..len) (URLs, e-mail addresses, file names,
 * paths), as pairs [start, end) into spans (at most cap pairs); returns
 * how many there are (possibly more than cap). For tests. */
size_t skidx_match_spans(const char *text, size_t len, uint32_t *spans,
                         size_t cap);

#endif
