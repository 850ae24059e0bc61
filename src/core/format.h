/*
 * format.h - layout of the skidx index file, format version 4, and the
 * little-endian helpers to read and write it. docs/FORMAT.md is the spec;
 * this header repeats it for the code. No I/O here.
 *
 * All integers little-endian. The file is:
 *
 *   OFFSET SIZE DESCRIPTION (header, 64 bytes)
 *        0    8 magic: 0x89 'S' 'K' 'I' 'D' 'X' '\r' '\n'
 *        8    4 format version (4; 1, 2 and 3 are still read)
 *       12    4 flags (0; a reader rejects unknown bits)
 *       16    4 section count N (1..64)
 *       20    4 header size (64)
 *       24    8 file size in bytes
 *       32    8 xxh3-64 (seed SKIDX_HASH_SEED) of the section table
 *       40    8 xxh3-64 of header bytes 0..39
 *       48   16 reserved, zero
 *
 *   section table at offset 64: N entries of 32 bytes
 *        0    4 section id (SKIDX_SEC_*)
 *        4    4 reserved, zero
 *        8    8 offset from the start of the file (multiple of 8)
 *       16    8 size in bytes
 *       24    8 xxh3-64 of the section's bytes
 *
 *   sections follow in id order, each starting on an 8-byte boundary,
 *   zero padding between them; sections may not overlap the header, the
 *   table or each other.
 *
 * A string list (used by several sections) is: u32 count, u32 offsets
 * [count + 1] (relative to the first byte after the offsets, starting at
 * 0, non-decreasing, the last one = blob size), then the blob of UTF-8
 * bytes; strings are not NUL-terminated.
 */
#ifndef SKIDX_CORE_FORMAT_H
#define SKIDX_CORE_FORMAT_H

#include <stdint.h>
#include <string.h>

#define SKIDX_MAGIC "\x89SKIDX\r\n"
#define SKIDX_MAGIC_LEN 8
#define SKIDX_HEADER_SIZE 64u
#define SKIDX_SECTION_ENTRY_SIZE 32u
#define SKIDX_MAX_SECTIONS 64u

/* Dimensions a reader accepts (docs/FORMAT.md, "What a reader must
 * reject", 19-20); the writer refuses a model beyond them
 * (io/index_write.h). */
#define SKIDX_MAX_ROLES 4096u
#define SKIDX_MAX_LEVELS 4096u
#define SKIDX_MAX_CELLS (1u << 20)
#define SKIDX_MAX_SKILLS (1u << 24)
#define SKIDX_MAX_CATS (1u << 24)
#define SKIDX_MAX_BINS 100000u
#define SKIDX_MAX_MONTHS 12000u
#define SKIDX_MAX_CAUSES 4096u
#define SKIDX_MAX_LIST (1u << 24) /* entries of any string list */

enum skidx_section_id {
    SKIDX_SEC_META = 1,        /* fixed fields, see SKIDX_META_* */
    SKIDX_SEC_STRINGS = 2,     /* string list: tool version, taxonomy name,
                                  taxonomy version, salary currency */
    SKIDX_SEC_CATEGORIES = 3,  /* string list */
    SKIDX_SEC_SKILLS = 4,      /* u32 n, u32 category[n], pad to 8,
                                  string list of n names */
    SKIDX_SEC_ROLES = 5,       /* string list */
    SKIDX_SEC_LEVELS = 6,      /* string list */
    SKIDX_SEC_CAUSES = 7,      /* u32 n, u32 0, u64 count[n], string list */
    SKIDX_SEC_LOST = 8,        /* u32 n, u32 0, u64 records[n], string list */
    SKIDX_SEC_CELLS = 9,       /* cells x {u64 postings, salaried,
                                  salary_sum, other_currency} */
    SKIDX_SEC_HIST = 10,       /* cells x bins u64 */
    SKIDX_SEC_CELL_SKILL = 11, /* u64 n, n x {u32 cell, u32 skill,
                                  u64 postings, salaried, salary_sum},
                                  strictly increasing (cell, skill),
                                  postings > 0 */
    SKIDX_SEC_MONTHS = 12,     /* n_months x u64 postings */
    SKIDX_SEC_MONTH_CELL = 13, /* n_months x cells u64 */
    SKIDX_SEC_MONTH_SKILL = 14,/* u64 n, n x {u32 month, u32 skill,
                                  u64 postings}, strictly increasing,
                                  postings > 0 */
    SKIDX_SEC_LOST_FAULTS = 15,/* u32 n (= LOST's n), u32 0, u64 offset[n]
                                  (UINT64_MAX: unknown), string list of n
                                  fault messages; optional (a reader
                                  written before it ignores it) */
    /* optional, same layout each ("owner table"): u32 n owners (K, R or
     * L), u32 0, u32 first[n+1] (first[0] = 0, non-decreasing), zero pad
     * to 8, string list of first[n] strings; owner i's strings are
     * first[i] .. first[i+1] */
    SKIDX_SEC_SKILL_ALIASES = 16, /* literal aliases of each skill */
    SKIDX_SEC_ROLE_ALIASES = 17,  /* literal title words of each role */
    SKIDX_SEC_LEVEL_ALIASES = 18, /* literal title and field words of
                                     each level */
    SKIDX_SEC_SKILL_ESCO = 19,    /* ESCO URI of each skill, at most one */
    SKIDX_SEC_SKILL_ONET = 20,    /* O*NET codes of each skill */
    /* version 2, required there (core/pindex.h): */
    SKIDX_SEC_POSTINGS = 21,      /* u64 postings, u32 segments n, u32
                                     rows per segment (65536), n x {u64
                                     offset in SEGMENTS, u64 size} */
    SKIDX_SEC_SEGMENTS = 22,      /* the segments, each at a multiple of
                                     8, zero padding between */
    SKIDX_SEC_SOURCES = 23,       /* string list: the shards, in corpus
                                     order (the Shard column's values) */
    SKIDX_SEC_MAX_ID = 23,
    /* the most sections skidx writes in one file (1..23): the room the
     * streaming writer reserves for the table before SEGMENTS */
    SKIDX_WRITE_SECTIONS = 23,
    SKIDX_SEC_MAX_ID_V1 = 20,
    SKIDX_SEC_REQUIRED_MAX = 14 /* sections 1..14 must all be present */
};

/* META section: fixed-size fields (SKIDX_META_SIZE bytes). */
#define SKIDX_META_TAXONOMY_HASH 0   /* u64 */
#define SKIDX_META_STATS 8           /* u64 x SKIDX_META_N_STATS, order of
                                        enum skidx_stat */
#define SKIDX_META_N_STATS 11
#define SKIDX_META_N_ROLES 96        /* u32 */
#define SKIDX_META_N_LEVELS 100      /* u32 */
#define SKIDX_META_N_SKILLS 104      /* u32 */
#define SKIDX_META_N_CATS 108        /* u32 */
#define SKIDX_META_BIN_WIDTH 112     /* u32 */
#define SKIDX_META_BINS 116          /* u32 */
#define SKIDX_META_FIRST_MONTH 120   /* i32, year*12 + month-1 */
#define SKIDX_META_N_MONTHS 124      /* u32 */
#define SKIDX_META_SIZE 128

static inline uint32_t skidx_rd32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

static inline uint64_t skidx_rd64(const void *p)
{
    const uint8_t *b = p;
    return (uint64_t)skidx_rd32(b) | (uint64_t)skidx_rd32(b + 4) << 32;
}

static inline void skidx_wr32(void *p, uint32_t v)
{
    uint8_t *b = p;
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

static inline void skidx_wr64(void *p, uint64_t v)
{
    skidx_wr32(p, (uint32_t)v);
    skidx_wr32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

#endif
