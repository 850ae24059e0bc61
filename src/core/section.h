/*
 * section.h - split a job description into sections by its headings and
 * lead-ins ("Requirements", "What we offer:", "## Benefits", "岗位职责：").
 *
 * The heading rules come from the taxonomy's sections.tsv (FORMAT.md):
 * each names a kind (requirements, preferred, responsibilities, other,
 * company, benefits, legal, apply) and a heading text. Rules are parsed
 * once into a struct skidx_section_rules, immutable afterwards and shared
 * by threads; a split writes into a caller-owned struct skidx_sections.
 *
 * Where a heading may begin (all else is never looked at):
 * - a line start: after '\n', after a block HTML tag (<br>, <p>, <li>,
 *   <h1>..<h6>, <div>, <ul>, <ol>, <tr>, <td> and their closing tags), or
 *   the text start; leading spaces, bullets, markdown marks (#, *, _, >),
 *   list numbers ("1.", "2)", "一、", "（一）"), emoji (U+1F000-U+1FFFF,
 *   U+FE0F) and inline tags are skipped. A heading there is the whole line (trailing marks, ':' and
 *   closing tags aside), or a lead-in ending in ':' or '：', or a heading
 *   closed by "**" or a closing tag, or one glued to the next word by a
 *   case change ("About UsWe are"). Nothing before that line's heading
 *   text (its prefix) or inside the block tag is looked at again: a tag
 *   holding a line break or a colon is markup, and headings are taken in
 *   the order of their starts, which the counting splits rely on.
 * - a colon or '】' inside a line: the text back to the previous sentence
 *   end ('.', '!', '?', ';', '。', '；', '、', '【', a tag, ...) must be a
 *   heading as a whole ("...the team.Requirements:"); when it is not, the
 *   part after a lower-to-upper case change ("teamRequirements:") and,
 *   for headings written without ASCII letters, any suffix ("负责数据
 *   分析岗位要求：") is tried.
 * So "our requirements are simple" starts no section. A heading word
 * inside a line without a colon is not seen: text whose line breaks were
 * lost starts a section only at a colon, '】' or a tag.
 *
 * Cost: the candidate bytes ('\n', ':', '<' and the lead bytes 0xEF of '：'
 * and 0xE3 of '】') are found with one vector compare pass (AVX-512 BW
 * with VBMI2's byte compress writing their positions out, or AVX2, 64
 * bytes a step, or the portable loop; all give the same sections). At a line start, a table of the rules' first bytes, a bit
 * map of the sets' three-byte keys (pf_nz, 2 KiB a set of kinds) and a
 * filter of one 64-bit word a probe (2 KiB a set), chosen by a line's
 * first three bytes and testing two bits for its first six (or, in a word
 * holding a rule of three to five bytes, for its first three, four and
 * five; blanks, hyphens and apostrophes read as a rule reads them),
 * reject most lines; the
 * rest hash their first word, which a second filter (the rules' first words) must know
 * before the second word is hashed, look the words up in a hash table
 * and compare the few rules found: where several share those words,
 * only those whose first canonical bytes (up to 24, read as the filters
 * read them) begin the text's, and those by their first 32 bytes of
 * ASCII and single spaces eight at a time. "<Name> is an equal
 * opportunity employer..." lead-ins are tried only at a paragraph's
 * start, and only where a word that every such rule holds ("equal")
 * occurs later on the line ('\n' or '\r' ends it: neither a lead-in's
 * name nor its words take one); the word is searched for forward, its
 * next occurrence kept until the line starts pass it, so the text is
 * read once. The common line prefixes ("- ", "• ", short tags such as
 * "<li>" and "<p>") and block tags ("<li>", "</p>") are read without
 * the general loops, a colon's
 * look-back reads its 64 bytes as two vector masks (sentence ends,
 * lower-to-upper changes) on the AVX2 path, a line whose
 * first byte can start nothing costs a table look-up, and the answer for
 * a short line (up to its '\n', or to its first tag that is not a
 * closing one) is remembered across texts. For counting, the indexer
 * splits a description whole before its skills are matched, and hands the
 * sections that do not count to the word loop, which passes over the
 * words well inside them (core/match.h, skidx_match_scratch.skip); after
 * each heading the split looks only for headings of another class
 * (skidx_sections_split_mode()). Without skipping (a test hook) it splits
 * after the skills, only up to the last hit a section could decide
 * (skidx_sections_split_upto()).
 */
#ifndef SKIDX_CORE_SECTION_H
#define SKIDX_CORE_SECTION_H

#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

/* Section kinds. Those below SKIDX_SEC_COMPANY count toward a posting's
 * skills; the others (the company's self-description, benefits, legal
 * text, how to apply) do not. NONE is the text before the first heading
 * (it counts, so a description without headings counts whole). */
enum skidx_section_kind {
    SKIDX_SEC_NONE = 0,
    SKIDX_SEC_REQUIREMENTS,
    SKIDX_SEC_PREFERRED,
    SKIDX_SEC_RESPONSIBILITIES,
    SKIDX_SEC_OTHER,
    SKIDX_SEC_COMPANY,
    SKIDX_SEC_BENEFITS,
    SKIDX_SEC_LEGAL,
    SKIDX_SEC_APPLY,
    SKIDX_SEC_COUNT
};

/* "none", "requirements", ... ; "?" for an invalid kind. Static string. */
const char *skidx_section_name(int kind);

/* 1 when skills named in a section of this kind count. */
static inline int skidx_section_counts(int kind)
{
    return kind < SKIDX_SEC_COMPANY;
}

enum skidx_section_rule_flags {
    SKIDX_SECR_LEAD_WILD = 1u << 0, /* "* is an equal opportunity ..." */
    SKIDX_SECR_TAIL_WILD = 1u << 1, /* "about *": 1-4 free words */
    SKIDX_SECR_SENTENCE = 1u << 2,  /* "...": the rest of the line is free */
};

struct skidx_section_rule {
    char *text;    /* folded (ASCII and Latin-1 lower case), no markers */
    uint32_t len;
    uint32_t line; /* in sections.tsv */
    uint32_t seq;  /* position in file order (the taxonomy hash's order) */
    uint8_t kind;
    uint8_t flags;
    uint8_t plain;       /* leading bytes (at most 32) that are ASCII
                            above ' ', not '\'': compared as words */
    uint8_t fast;        /* leading bytes (at most 32, plain or more):
                            those and single spaces before one of them */
    uint8_t fast_words;  /* 8-byte words holding the fast bytes */
    uint64_t text8[4];   /* the fast bytes, zero-padded (little-endian) */
    uint64_t fold8[4];   /* 0x20 under each lower-case letter */
    uint64_t live8[4];   /* 0xFF under each plain byte */
    uint64_t fastl8[4];  /* 0xFF under each fast byte */
    uint64_t canon8[3];  /* the first canonical bytes (at most 24, as
                            canon6() reads a text: blanks, hyphens,
                            apostrophes, case folded), zero-padded */
    uint64_t canonm8[3]; /* 0xFF under each of them */
    uint8_t canon_n;     /* how many */
};

#define SKIDX_SECTION_PF_BITS 8
#define SKIDX_SECTION_PF_NZ_BITS 14

struct skidx_section_rules {
    struct skidx_section_rule *r; /* sorted by first byte, then longest */
    size_t n, cap;
    uint16_t first[257];          /* rules [first[b], first[b+1]) start with
                                     folded byte b (LEAD_WILD rules apart),
                                     sorted by their canonical second byte */
    uint16_t n_lead;              /* LEAD_WILD rules: r[n - n_lead, n) */
    uint8_t lead_sets;            /* bit s: a LEAD_WILD rule's kind is
                                     one of prefix filter set s's (pf
                                     below; sets 0 and 1: every rule),
                                     so that a lead-in can change a
                                     count where set s is in use */
    /* rules whose first word is Latin (ASCII letters, digits, Latin-1
     * letters), by the hash of their first two words (folded; the first
     * word alone for one-word rules): an open-addressing table of (hash,
     * position in widx, count); each key's rules are longest first.
     * Rules in other scripts go by first[]. */
    struct skidx_section_word {
        uint32_t hash, at, n;
    } *wtab;
    uint32_t wmask;               /* table size - 1 */
    uint16_t *widx;
    uint8_t start[256];           /* 1: a plain rule may begin with this
                                     byte (a first look at a line start) */
    char anchor[16];              /* ASCII letters (folded) that every
                                     LEAD_WILD rule holds: a text without
                                     them after a line has no lead-in
                                     there; anchor_len 0: none */
    uint8_t anchor_len;
    uint8_t anchor_key;           /* its rarest letter in English text,
                                     searched for first */
    uint8_t anchor_tags;          /* 1: a LEAD_WILD rule holds '<' or
                                     '>' before its first anchor */
    uint8_t lt_free;              /* 1: no rule holds '<' (the heading
                                     memo keys lines up to a tag) */
    uint8_t line_ok[256];         /* 1: a line whose first byte after the
                                     prefix is this one may start a
                                     heading or a lead-in (start[], and
                                     capitals and bytes >= 0xC0 when there
                                     are LEAD_WILD rules) */
    uint64_t fw[1024];            /* a 64-Kbit filter of the hashes of
                                     the rules' first Latin words */
    uint64_t pf[6][1 << SKIDX_SECTION_PF_BITS];
                                  /* the prefix filter, one word a probe,
                                     chosen by the hash of a rule's first
                                     three bytes (folded, as canon3()
                                     reads them): two bits of the hash
                                     of its first six, or of all of a
                                     rule shorter than six such bytes
                                     and bit 0 (pf_bits()); [0]
                                     plain rules, [1] LEAD_WILD (bit 0
                                     only); plain rules of kinds [2] that
                                     do not count, [3] that count, [4]
                                     preferred or not counting, [5] not
                                     preferred. 2 KiB a set (one word a
                                     probe, not three 8-64 KiB tables:
                                     fewer cache misses) */
    uint64_t pf_nz[6][1 << (SKIDX_SECTION_PF_NZ_BITS - 6)];
                                  /* the prefix filter's first look, a
                                     bit a key of three bytes (more
                                     bits of pf's hash): 1 where a rule
                                     of the set has such a key. Most
                                     line starts find their bit clear
                                     (a pf word is not 0 for about half
                                     of them, a bit here for few), so
                                     the test is a predictable branch;
                                     2 KiB a set */
    uint64_t id;                  /* unique to this parse (the heading
                                     memo's key; section.c) */
    uint8_t canon_stop[256];      /* 1: a byte that canon_next() reads
                                     as itself and no rule holds (a line
                                     break, '@', '[', ...) */
    uint8_t in_image;             /* 1: r, the texts, wtab and widx lie
                                     in a compiled-taxonomy image, which
                                     owns them (skidx_section_rules_get) */
};

/* Parse sections.tsv (`buf`, `len`; `path` for messages) into `rules`
 * (zeroed by the caller). Lines: KIND<TAB>HEADING<TAB>HEADING...; '#'
 * comments. Errors: SKIDX_ERR_TAXONOMY with path, line and the heading;
 * SKIDX_ERR_NOMEM. On error `rules` holds what was parsed; release it. */
skidx_status skidx_section_rules_parse(struct skidx_section_rules *rules,
                                       const char *path, const char *buf,
                                       size_t len, struct skidx_error *err);
void skidx_section_rules_release(struct skidx_section_rules *rules);

/* The parsed rules into a compiled-taxonomy image (core/blob.h), and
 * back: skidx_section_rules_get() reads them in place (the image owns
 * them; `in_image`), checks every index and count it will follow, and
 * gives the rules a new id: SKIDX_ERR_CORRUPT when what it reads is not
 * such rules (they are then released as they are), SKIDX_ERR_NOMEM. */
struct skidx_wblob;
struct skidx_rblob;
void skidx_section_rules_put(const struct skidx_section_rules *rules,
                             struct skidx_wblob *w);
skidx_status skidx_section_rules_get(struct skidx_section_rules *rules,
                                     struct skidx_rblob *r);

/* One heading: its section runs from `start` to the next heading's start
 * (the heading text belongs to its section). `body` is where the text
 * after the heading begins. */
struct skidx_section {
    uint32_t start, body;
    uint8_t kind;
    uint32_t rule; /* index into rules->r */
};

struct skidx_section_memo;

/* Per-thread result; reused across texts. */
struct skidx_sections {
    struct skidx_section *s; /* by start, ascending */
    size_t n, cap;
    int excluded;            /* some section does not count */
    struct skidx_section_memo *memo; /* short lines' headings, kept
                                        across texts (section.c); NULL
                                        until the first split */
};

/* Split text[0..len) (len < 4 GiB) into sections with `rules` (NULL or
 * empty: none), on SIMD path `simd` (enum skidx_simd_mode: SCALAR, or
 * the AVX2 pass when the CPU has it; the caller applies SKIDX_SIMD once
 * with skidx_simd_mode(), not per text). Returns
 * SKIDX_OK or SKIDX_ERR_NOMEM / SKIDX_ERR_LIMIT. */
skidx_status skidx_sections_split(const struct skidx_section_rules *rules,
                                  const char *text, size_t len,
                                  struct skidx_sections *out, int simd);

/* The same; `all` 1 records every heading. With `all` 0, only what
 * decides counts is looked for: no heading before the first one of a
 * kind that does not count (the text before it counts whatever its
 * sections), and after a heading only those of the other side (counting
 * or not), whose prefix filter rejects most line starts; whether the
 * kind of a byte counts, so every count, is the same as with `all` 1.
 * With `all` 2 (the indexer, which also keeps which skills only a
 * preferred section names), headings of three classes are told apart:
 * preferred, counting but not preferred, not counting; after a heading
 * only those of another class are looked for. Where a filtered heading
 * could begin, a lead-in, camel-case or suffix heading is taken only
 * after looking there with every rule, so no heading is taken in its
 * place. */
skidx_status skidx_sections_split_mode(const struct skidx_section_rules *rules,
                                       const char *text, size_t len,
                                       struct skidx_sections *out, int simd,
                                       int all);

/* The same, looking only for the headings that start at byte `upto` or
 * before: the kind of every byte up to `upto` is the same as with
 * skidx_sections_split_mode(); headings after it may be missing, and
 * `excluded` then says only whether some section starting at `upto` or
 * before (or a little after) does not count. The indexer passes its last
 * hit that a section could still decide. SIZE_MAX: the whole text. */
skidx_status skidx_sections_split_upto(const struct skidx_section_rules *rules,
                                       const char *text, size_t len,
                                       struct skidx_sections *out, int simd,
                                       int all, size_t upto);

/* The kind of the section holding byte `offset` (NONE before the first
 * heading). O(log n). */
int skidx_sections_kind_at(const struct skidx_sections *s, uint32_t offset);

/* The sections of s (split of a text of len bytes) that do not count, as
 * ranges [start, end) in out (room for 2 * s->n values), adjacent ones
 * joined: the skip ranges the indexer hands the word loop
 * (skidx_match_scratch.skip). Returns how many ranges. */
size_t skidx_sections_skip_ranges(const struct skidx_sections *s, size_t len,
                                  uint32_t *out);

void skidx_sections_release(struct skidx_sections *s);

#endif
