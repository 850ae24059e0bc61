/*
 * index_read.c - read an index file into memory and validate every
 * structure before anything reads it; then answer the accessors of skidx.h
 * from that copy.
 *
 * The file is read with read(2) into memory of our own, not mapped: a
 * mapping of a file that another process rewrites in place (`cp new.skidx
 * live.skidx` truncates it, then writes) kills its reader with SIGBUS on
 * the first page past the new end. A copy cannot change under the reader;
 * a file that changed while it was read (its size, inode or times differ
 * before and after) is an error that says so. The copy costs: `skidx
 * query` on the sample's 400 KB index takes 4.7 ms instead of 3.9 (3.8 ms
 * of CPU instead of 2.1; perf stat, 100 runs): the fresh pages of the copy
 * fault in one at a time (95 more faults), where a file mapping faults
 * pages in 16 at a time.
 *
 * The posting-level segments (section SEGMENTS, most of a version-2 file)
 * are read, checksummed and checked when first used, not at open: a cube
 * query on a million-posting index reads a few MB instead of 60. Open
 * reads every other byte (into memory mapped for it, with transparent
 * huge pages where the kernel gives them: a fresh 4 KiB page faults once
 * per page, which cost more than the copy itself) and checks all of it;
 * in format 3 the first query that needs a part of segment k (its head,
 * a column, a skill's bitmaps: docs/FORMAT.md) reads those bytes alone
 * with pread into the same place of the copy (the file must still be the
 * one opened), verifies that part's checksum and checks its values, under
 * a mutex, before any value of it is used; untouched parts are never
 * read, and the copy's pages for them never touched. In format 2 the
 * first query reads the whole section, verifies its one checksum and
 * checks segment k whole. A failure sticks: every later use of the
 * segments gives the same error.
 *
 * Trust nothing: every offset, size and count comes from the file, so each
 * is checked against the end of its section (sqlite's aDataEnd habit) with
 * overflow-safe arithmetic. After skidx_index_open returns SKIDX_OK the
 * accessors below index only ranges proven in bounds here.
 */
#include "io/index_read.h"
#include "core/error.h"
#include "core/format.h"
#include "core/hash.h"
#include "core/pindex.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* A string list copied out of the file: v[i] points into `blob`, where
 * each string is followed by its NUL (one allocation, not one a string:
 * the default taxonomy's index holds some 7,000 names and aliases). */
struct strlist {
    uint32_t n;
    char **v;
    char *blob;
};

/* An owner table (sections 16-20): owner i's strings are
 * v.v[first[i] .. first[i+1]); first == NULL when the section is absent. */
struct otab {
    uint32_t n_owners;
    uint32_t *first;
    struct strlist v;
};

struct skidx_index {
    const uint8_t *base;
    size_t size;
    char *path;

    uint64_t taxonomy_hash;
    uint64_t stats[SKIDX_META_N_STATS];
    uint32_t n_roles, n_levels, n_skills, n_cats, n_cells;
    uint32_t bin_width, bins;
    int32_t first_month;
    uint32_t n_months;

    struct strlist strings, cats, skills, roles, levels, causes, lost;
    uint32_t *skill_cat;
    const uint8_t *cause_counts; /* n x u64 */
    const uint8_t *lost_records; /* n x u64 */
    const uint8_t *lost_offsets; /* n x u64, or NULL: no LOST_FAULTS */
    struct strlist lost_faults;
    struct otab aliases[3];      /* by enum skidx_dim */
    struct otab esco, onet;
    const uint8_t *cells;        /* n_cells x 32 */
    const uint8_t *hist;         /* n_cells x bins x 8 */
    const uint8_t *cs;           /* entries of 32 bytes */
    uint64_t n_cs;
    uint64_t *cs_start;          /* n_cells + 1 */
    const uint8_t *months;       /* n_months x 8 */
    const uint8_t *month_cell;   /* n_months x n_cells x 8 */
    const uint8_t *ms;           /* entries of 16 bytes */
    uint64_t n_ms;
    uint64_t *ms_start;          /* n_months + 1 */
    uint32_t version;            /* Format_Version: 1 or 2 */
    struct skidx_pview post;     /* version 2: the posting-level sections */

    /* the segments, checked when first used (see the top of the file) */
    uint8_t *map_raw;            /* base lies in this anonymous mapping */
    size_t map_len;              /* of this length */
    int fd;                      /* open until SEGMENTS is read; or -1 */
    struct stat sb;              /* the file at open */
    uint64_t seg_off, seg_size;  /* SEGMENTS in the file */
    uint64_t seg_sum;            /* its checksum, when still to verify */
    int seg_verify, seg_loaded;  /* bytes present (and verified) */
    pthread_mutex_t mu;
    int mu_init;
    int part_verify;             /* version 3: verify part checksums */
    uint8_t *seg_ok;             /* per segment: 1 once checked (atomic) */
    /* SKIDX_OPEN_MAP, format 3: SEGMENTS is read in place from a
     * read-only mapping of the file (seg_map .. + seg_map_len; SEGMENTS
     * begins seg_map_skip bytes in), not copied; NULL: copied */
    const uint8_t *seg_map;
    size_t seg_map_len, seg_map_skip;
    skidx_status seg_st;         /* the first failure, kept */
    struct skidx_error seg_err;
};

#define CORRUPT(err, idx, ...)                                                \
    skidx_fail(err, SKIDX_ERR_CORRUPT, (idx)->path, SKIDX_NOLINE,            \
               SKIDX_NOOFF, __VA_ARGS__)

static void strlist_free(struct strlist *l)
{
    free(l->blob);
    free(l->v);
    l->blob = NULL;
    l->v = NULL;
    l->n = 0;
}

/* Parse a string list at p[0..avail) of exactly `expect` strings (every
 * caller knows the count from elsewhere in the file; no value means "any",
 * or a count of 0xFFFFFFFF read from a damaged file would let a list of
 * another length through, and its readers index past it). *used = bytes
 * consumed. Returns 0 or -1 (corrupt), -2 (nomem). */
static int parse_strlist(const uint8_t *p, size_t avail, uint32_t expect,
                         struct strlist *out, size_t *used)
{
    memset(out, 0, sizeof(*out));
    if (avail < 4)
        return -1;
    uint32_t n = skidx_rd32(p);
    if (n != expect)
        return -1;
    if (n > SKIDX_MAX_LIST || (uint64_t)(n + 1) * 4 > avail - 4)
        return -1;
    const uint8_t *offs = p + 4;
    size_t blob_at = 4 + (size_t)(n + 1) * 4;
    size_t blob_len = avail - blob_at;
    if (skidx_rd32(offs) != 0)
        return -1;
    uint32_t last = skidx_rd32(offs + 4 * (size_t)n);
    if (last > blob_len)
        return -1;
    out->v = calloc(n ? n : 1, sizeof(char *));
    out->blob = malloc((size_t)last + n + 1);
    if (!out->v || !out->blob)
        return -2;
    out->n = n;
    if (memchr(p + blob_at, '\0', last))
        return -1;
    char *d = out->blob;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t a = skidx_rd32(offs + 4 * (size_t)i);
        uint32_t b = skidx_rd32(offs + 4 * (size_t)(i + 1));
        if (b < a || b > last)
            return -1;
        out->v[i] = d;
        memcpy(d, p + blob_at + a, b - a);
        d += b - a;
        *d++ = '\0';
    }
    *used = blob_at + last;
    return 0;
}

struct secref {
    const uint8_t *p;
    uint64_t size;
    int present;
};

static skidx_status strlist_sec(struct skidx_index *x, const struct secref *s,
                                uint32_t expect, struct strlist *out,
                                const char *what, struct skidx_error *err)
{
    size_t used;
    int r = parse_strlist(s->p, s->size, expect, out, &used);
    if (r == -2)
        return SKIDX_ERR_NOMEM;
    if (r || used != s->size)
        return CORRUPT(err, x, "malformed %s section", what);
    return SKIDX_OK;
}

static void otab_free(struct otab *t)
{
    free(t->first);
    t->first = NULL;
    strlist_free(&t->v);
}

/* An owner table section: u32 n, u32 0, u32 first[n+1], pad to 8, string
 * list of first[n] strings. `max_each` bounds the strings of one owner. */
static skidx_status otab_sec(struct skidx_index *x, const struct secref *s,
                             uint32_t n, uint32_t max_each, struct otab *out,
                             const char *what, struct skidx_error *err)
{
    const uint64_t head = ((8 + 4 * ((uint64_t)n + 1)) + 7) & ~(uint64_t)7;
    if (s->size < head || skidx_rd32(s->p) != n || skidx_rd32(s->p + 4))
        return CORRUPT(err, x, "malformed %s section", what);
    out->first = calloc((size_t)n + 1, sizeof(uint32_t));
    if (!out->first)
        return SKIDX_ERR_NOMEM;
    out->n_owners = n;
    for (uint32_t i = 0; i <= n; i++) {
        out->first[i] = skidx_rd32(s->p + 8 + 4 * (size_t)i);
        if ((i == 0 && out->first[0]) ||
            (i && (out->first[i] < out->first[i - 1] ||
                   out->first[i] - out->first[i - 1] > max_each)))
            return CORRUPT(err, x, "%s: owner %u: bad string range", what,
                           i ? i - 1 : 0);
    }
    for (uint64_t g = 8 + 4 * ((uint64_t)n + 1); g < head; g++)
        if (s->p[g])
            return CORRUPT(err, x, "%s padding not zero", what);
    struct secref rest = {s->p + head, s->size - head, 1};
    return strlist_sec(x, &rest, out->first[n], &out->v, what, err);
}

static skidx_status validate(struct skidx_index *x, int verify,
                             struct skidx_error *err)
{
    const uint8_t *b = x->base;
    struct secref sec[SKIDX_SEC_MAX_ID + 1];
    memset(sec, 0, sizeof(sec));

    if (x->size < SKIDX_HEADER_SIZE)
        return CORRUPT(err, x, "file too short for a header (%zu bytes)",
                       x->size);
    if (memcmp(b, SKIDX_MAGIC, SKIDX_MAGIC_LEN))
        return CORRUPT(err, x, "not a skidx index (wrong magic number)");
    uint32_t version = skidx_rd32(b + 8);
    if (version < 1 || version > SKIDX_FORMAT_VERSION)
        return skidx_fail(err, SKIDX_ERR_VERSION, x->path, SKIDX_NOLINE, 8,
                          "index format version %u; this skidx reads "
                          "versions 1 to %u",
                          version, SKIDX_FORMAT_VERSION);
    x->version = version;
    /* version 1 knows sections 1..20: a later id there is a later
     * version's, ignored */
    const uint32_t max_id =
        version == 1 ? SKIDX_SEC_MAX_ID_V1 : SKIDX_SEC_MAX_ID;
    if (skidx_hash64(b, 40) != skidx_rd64(b + 40))
        return CORRUPT(err, x, "header checksum mismatch");
    if (skidx_rd32(b + 12) != 0)
        return CORRUPT(err, x, "unknown header flags 0x%x",
                       skidx_rd32(b + 12));
    if (skidx_rd32(b + 20) != SKIDX_HEADER_SIZE)
        return CORRUPT(err, x, "bad header size %u", skidx_rd32(b + 20));
    if (skidx_rd64(b + 24) != x->size)
        return CORRUPT(err, x,
                       "file is %zu bytes, header says %llu (truncated or "
                       "extended)",
                       x->size, (unsigned long long)skidx_rd64(b + 24));
    for (int i = 48; i < 64; i++)
        if (b[i])
            return CORRUPT(err, x, "reserved header bytes not zero");
    uint32_t ns = skidx_rd32(b + 16);
    if (ns == 0 || ns > SKIDX_MAX_SECTIONS)
        return CORRUPT(err, x, "bad section count %u", ns);
    uint64_t tab_end = SKIDX_HEADER_SIZE + (uint64_t)ns * SKIDX_SECTION_ENTRY_SIZE;
    if (tab_end > x->size)
        return CORRUPT(err, x, "section table runs past the end of the file");
    const uint8_t *tab = b + SKIDX_HEADER_SIZE;
    if (skidx_hash64(tab, (size_t)ns * SKIDX_SECTION_ENTRY_SIZE) !=
        skidx_rd64(b + 32))
        return CORRUPT(err, x, "section table checksum mismatch");
    /* bounds, alignment and overlap */
    uint64_t prev_end = tab_end;
    for (uint32_t i = 0; i < ns; i++) {
        const uint8_t *e = tab + (size_t)i * SKIDX_SECTION_ENTRY_SIZE;
        uint32_t id = skidx_rd32(e);
        uint64_t off = skidx_rd64(e + 8), size = skidx_rd64(e + 16);
        if (skidx_rd32(e + 4))
            return CORRUPT(err, x, "section %u: reserved field not zero", id);
        if (off % 8 || off < prev_end || off > x->size ||
            size > x->size - off)
            return CORRUPT(err, x,
                           "section %u: offset %llu size %llu outside the "
                           "file or overlapping",
                           id, (unsigned long long)off,
                           (unsigned long long)size);
        /* no checksum covers the padding: it must be zero, so that every
         * byte of the file is checked by something */
        for (uint64_t g = prev_end; g < off; g++)
            if (b[g])
                return CORRUPT(err, x, "padding before section %u not zero",
                               id);
        prev_end = off + size;
        if (id == SKIDX_SEC_SEGMENTS && version >= 2) {
            /* checked when first used */
            x->seg_sum = skidx_rd64(e + 24);
            x->seg_verify = verify;
            x->part_verify = verify;
            if (!x->seg_loaded && (off != x->seg_off || size != x->seg_size))
                return CORRUPT(err, x, "section table changed while read");
            x->seg_off = off;
            x->seg_size = size;
        } else if (verify &&
                   skidx_hash64(b + off, (size_t)size) != skidx_rd64(e + 24))
            return skidx_fail(err, SKIDX_ERR_CORRUPT, x->path, SKIDX_NOLINE,
                              off, "section %u: checksum mismatch", id);
        if (id == 0 || id > max_id)
            continue; /* a later version's section: ignored */
        if (sec[id].present)
            return CORRUPT(err, x, "section %u appears twice", id);
        sec[id].p = id == SKIDX_SEC_SEGMENTS && x->seg_map
                        ? x->seg_map + x->seg_map_skip
                        : b + off;
        sec[id].size = size;
        sec[id].present = 1;
    }
    for (uint64_t g = prev_end; g < x->size; g++)
        if (b[g])
            return CORRUPT(err, x, "padding after the last section not zero");
    for (uint32_t id = 1; id <= SKIDX_SEC_REQUIRED_MAX; id++)
        if (!sec[id].present)
            return CORRUPT(err, x, "section %u missing", id);
    if (version >= 2)
        for (uint32_t id = SKIDX_SEC_POSTINGS; id <= SKIDX_SEC_SOURCES; id++)
            if (!sec[id].present)
                return CORRUPT(err, x, "section %u missing", id);

    /* META */
    const uint8_t *m = sec[SKIDX_SEC_META].p;
    if (sec[SKIDX_SEC_META].size != SKIDX_META_SIZE)
        return CORRUPT(err, x, "malformed META section");
    x->taxonomy_hash = skidx_rd64(m + SKIDX_META_TAXONOMY_HASH);
    for (int i = 0; i < SKIDX_META_N_STATS; i++)
        x->stats[i] = skidx_rd64(m + SKIDX_META_STATS + 8 * i);
    x->n_roles = skidx_rd32(m + SKIDX_META_N_ROLES);
    x->n_levels = skidx_rd32(m + SKIDX_META_N_LEVELS);
    x->n_skills = skidx_rd32(m + SKIDX_META_N_SKILLS);
    x->n_cats = skidx_rd32(m + SKIDX_META_N_CATS);
    x->bin_width = skidx_rd32(m + SKIDX_META_BIN_WIDTH);
    x->bins = skidx_rd32(m + SKIDX_META_BINS);
    x->first_month = (int32_t)skidx_rd32(m + SKIDX_META_FIRST_MONTH);
    x->n_months = skidx_rd32(m + SKIDX_META_N_MONTHS);
    if (!x->n_roles || !x->n_levels || x->n_roles > SKIDX_MAX_ROLES ||
        x->n_levels > SKIDX_MAX_LEVELS ||
        (uint64_t)x->n_roles * x->n_levels > SKIDX_MAX_CELLS ||
        !x->n_skills || x->n_skills > SKIDX_MAX_SKILLS || !x->n_cats ||
        x->n_cats > SKIDX_MAX_CATS || !x->bins || x->bins > SKIDX_MAX_BINS ||
        !x->bin_width || x->n_months > SKIDX_MAX_MONTHS ||
        (int64_t)x->first_month + x->n_months > INT32_MAX ||
        (x->n_months && x->first_month == SKIDX_NO_MONTH))
        return CORRUPT(err, x, "META dimensions out of range");
    x->n_cells = x->n_roles * x->n_levels;
    uint64_t cells = x->n_cells;

    skidx_status st;
    if ((st = strlist_sec(x, &sec[SKIDX_SEC_STRINGS], 4, &x->strings,
                          "STRINGS", err)) ||
        (st = strlist_sec(x, &sec[SKIDX_SEC_CATEGORIES], x->n_cats, &x->cats,
                          "CATEGORIES", err)) ||
        (st = strlist_sec(x, &sec[SKIDX_SEC_ROLES], x->n_roles, &x->roles,
                          "ROLES", err)) ||
        (st = strlist_sec(x, &sec[SKIDX_SEC_LEVELS], x->n_levels, &x->levels,
                          "LEVELS", err)))
        return st;

    /* SKILLS */
    {
        const struct secref *s = &sec[SKIDX_SEC_SKILLS];
        uint64_t head = 4 + (uint64_t)x->n_skills * 4;
        head = (head + 7) & ~(uint64_t)7;
        if (s->size < head || skidx_rd32(s->p) != x->n_skills)
            return CORRUPT(err, x, "malformed SKILLS section");
        x->skill_cat = calloc(x->n_skills, sizeof(uint32_t));
        if (!x->skill_cat)
            return SKIDX_ERR_NOMEM;
        for (uint32_t k = 0; k < x->n_skills; k++) {
            x->skill_cat[k] = skidx_rd32(s->p + 4 + 4 * (size_t)k);
            if (x->skill_cat[k] >= x->n_cats)
                return CORRUPT(err, x, "skill %u: category out of range", k);
        }
        for (uint64_t g = 4 + (uint64_t)x->n_skills * 4; g < head; g++)
            if (s->p[g])
                return CORRUPT(err, x, "SKILLS padding not zero");
        struct secref rest = {s->p + head, s->size - head, 1};
        if ((st = strlist_sec(x, &rest, x->n_skills, &x->skills, "SKILLS",
                              err)))
            return st;
    }
    /* CAUSES and LOST: u32 n, u32 0, u64[n], string list */
    {
        const struct secref *s = &sec[SKIDX_SEC_CAUSES];
        if (s->size < 8)
            return CORRUPT(err, x, "malformed CAUSES section");
        uint32_t n = skidx_rd32(s->p);
        if (n > SKIDX_MAX_CAUSES || skidx_rd32(s->p + 4) ||
            s->size < 8 + 8 * (uint64_t)n)
            return CORRUPT(err, x, "malformed CAUSES section");
        x->cause_counts = s->p + 8;
        struct secref rest = {s->p + 8 + 8 * (size_t)n,
                              s->size - 8 - 8 * (uint64_t)n, 1};
        if ((st = strlist_sec(x, &rest, n, &x->causes, "CAUSES", err)))
            return st;
    }
    {
        const struct secref *s = &sec[SKIDX_SEC_LOST];
        if (s->size < 8)
            return CORRUPT(err, x, "malformed LOST section");
        uint32_t n = skidx_rd32(s->p);
        if (n > SKIDX_MAX_LIST || skidx_rd32(s->p + 4) ||
            s->size < 8 + 8 * (uint64_t)n)
            return CORRUPT(err, x, "malformed LOST section");
        x->lost_records = s->p + 8;
        struct secref rest = {s->p + 8 + 8 * (size_t)n,
                              s->size - 8 - 8 * (uint64_t)n, 1};
        if ((st = strlist_sec(x, &rest, n, &x->lost, "LOST", err)))
            return st;
    }
    /* LOST_FAULTS (optional): the same layout, one entry per LOST entry */
    if (sec[SKIDX_SEC_LOST_FAULTS].present) {
        const struct secref *s = &sec[SKIDX_SEC_LOST_FAULTS];
        if (s->size < 8)
            return CORRUPT(err, x, "malformed LOST_FAULTS section");
        uint32_t n = skidx_rd32(s->p);
        if (n != x->lost.n || skidx_rd32(s->p + 4) ||
            s->size < 8 + 8 * (uint64_t)n)
            return CORRUPT(err, x, "malformed LOST_FAULTS section");
        struct secref rest = {s->p + 8 + 8 * (size_t)n,
                              s->size - 8 - 8 * (uint64_t)n, 1};
        if ((st = strlist_sec(x, &rest, n, &x->lost_faults, "LOST_FAULTS",
                              err)))
            return st;
        x->lost_offsets = s->p + 8;
    }
    /* optional owner tables: aliases and links */
    {
        static const struct {
            int id;
            const char *name;
        } ot[5] = {{SKIDX_SEC_SKILL_ALIASES, "SKILL_ALIASES"},
                   {SKIDX_SEC_ROLE_ALIASES, "ROLE_ALIASES"},
                   {SKIDX_SEC_LEVEL_ALIASES, "LEVEL_ALIASES"},
                   {SKIDX_SEC_SKILL_ESCO, "SKILL_ESCO"},
                   {SKIDX_SEC_SKILL_ONET, "SKILL_ONET"}};
        struct otab *dst[5] = {&x->aliases[0], &x->aliases[1],
                               &x->aliases[2], &x->esco, &x->onet};
        const uint32_t owners[5] = {x->n_skills, x->n_roles, x->n_levels,
                                    x->n_skills, x->n_skills};
        for (int i = 0; i < 5; i++)
            if (sec[ot[i].id].present &&
                (st = otab_sec(x, &sec[ot[i].id], owners[i],
                               i == 3 ? 1 : UINT32_MAX, dst[i], ot[i].name,
                               err)))
                return st;
    }
    /* dense tables */
    if (sec[SKIDX_SEC_CELLS].size != cells * 32)
        return CORRUPT(err, x, "CELLS section has the wrong size");
    x->cells = sec[SKIDX_SEC_CELLS].p;
    if (sec[SKIDX_SEC_HIST].size != cells * x->bins * 8)
        return CORRUPT(err, x, "HIST section has the wrong size");
    x->hist = sec[SKIDX_SEC_HIST].p;
    if (sec[SKIDX_SEC_MONTHS].size != (uint64_t)x->n_months * 8)
        return CORRUPT(err, x, "MONTHS section has the wrong size");
    x->months = sec[SKIDX_SEC_MONTHS].p;
    if (sec[SKIDX_SEC_MONTH_CELL].size != (uint64_t)x->n_months * cells * 8)
        return CORRUPT(err, x, "MONTH_CELL section has the wrong size");
    x->month_cell = sec[SKIDX_SEC_MONTH_CELL].p;

    /* sparse: CELL_SKILL */
    {
        const struct secref *s = &sec[SKIDX_SEC_CELL_SKILL];
        if (s->size < 8)
            return CORRUPT(err, x, "malformed CELL_SKILL section");
        uint64_t n = skidx_rd64(s->p);
        if (n > (s->size - 8) / 32 || s->size != 8 + n * 32)
            return CORRUPT(err, x, "CELL_SKILL count does not match its size");
        x->cs = s->p + 8;
        x->n_cs = n;
        x->cs_start = calloc(cells + 1, sizeof(uint64_t));
        if (!x->cs_start)
            return SKIDX_ERR_NOMEM;
        uint64_t prev = 0;
        uint32_t cell_at = 0;
        for (uint64_t i = 0; i < n; i++) {
            const uint8_t *e = x->cs + i * 32;
            uint32_t c = skidx_rd32(e), k = skidx_rd32(e + 4);
            uint64_t key = (uint64_t)c << 32 | k;
            if (c >= cells || k >= x->n_skills || (i && key <= prev) ||
                !skidx_rd64(e + 8))
                return CORRUPT(err, x, "CELL_SKILL entry %llu out of order "
                               "or out of range",
                               (unsigned long long)i);
            prev = key;
            while (cell_at <= c)
                x->cs_start[cell_at++] = i;
        }
        while (cell_at <= cells)
            x->cs_start[cell_at++] = n;
    }
    /* sparse: MONTH_SKILL */
    {
        const struct secref *s = &sec[SKIDX_SEC_MONTH_SKILL];
        if (s->size < 8)
            return CORRUPT(err, x, "malformed MONTH_SKILL section");
        uint64_t n = skidx_rd64(s->p);
        if (n > (s->size - 8) / 16 || s->size != 8 + n * 16)
            return CORRUPT(err, x,
                           "MONTH_SKILL count does not match its size");
        x->ms = s->p + 8;
        x->n_ms = n;
        x->ms_start = calloc((size_t)x->n_months + 1, sizeof(uint64_t));
        if (!x->ms_start)
            return SKIDX_ERR_NOMEM;
        uint64_t prev = 0;
        uint32_t at = 0;
        for (uint64_t i = 0; i < n; i++) {
            const uint8_t *e = x->ms + i * 16;
            uint32_t mo = skidx_rd32(e), k = skidx_rd32(e + 4);
            uint64_t key = (uint64_t)mo << 32 | k;
            if (mo >= x->n_months || k >= x->n_skills || (i && key <= prev) ||
                !skidx_rd64(e + 8))
                return CORRUPT(err, x,
                               "MONTH_SKILL entry %llu out of order or out "
                               "of range",
                               (unsigned long long)i);
            prev = key;
            while (at <= mo)
                x->ms_start[at++] = i;
        }
        while (at <= x->n_months)
            x->ms_start[at++] = n;
    }
    if (version >= 2) {
        char msg[200];
        st = skidx_pview_parse_dir(
            &x->post, sec[SKIDX_SEC_POSTINGS].p, sec[SKIDX_SEC_POSTINGS].size,
            sec[SKIDX_SEC_SEGMENTS].p, sec[SKIDX_SEC_SEGMENTS].size,
            sec[SKIDX_SEC_SOURCES].p, sec[SKIDX_SEC_SOURCES].size, msg,
            sizeof(msg));
        if (st == SKIDX_ERR_CORRUPT)
            return CORRUPT(err, x, "%s", msg);
        if (st)
            return st;
        x->post.version = version;
        x->seg_ok = calloc(x->post.n_segs ? x->post.n_segs : 1, 1);
        if (!x->seg_ok)
            return SKIDX_ERR_NOMEM;
    }
    return SKIDX_OK;
}

static skidx_status open_common(struct skidx_index *x, int verify,
                                struct skidx_index **out,
                                struct skidx_error *err)
{
    skidx_status st = SKIDX_OK;
    if (pthread_mutex_init(&x->mu, NULL))
        st = SKIDX_ERR_NOMEM;
    else
        x->mu_init = 1;
    if (!st)
        st = validate(x, verify, err);
    if (st) {
        if (st == SKIDX_ERR_NOMEM)
            skidx_fail(err, st, x->path, SKIDX_NOLINE, SKIDX_NOOFF,
                       "out of memory");
        skidx_index_close(x);
        return st;
    }
    *out = x;
    return SKIDX_OK;
}

/* Huge pages: the copy is placed so that the larger of the two runs of
 * bytes read at open (before SEGMENTS, after it) begins on one. On this
 * project's VM a fresh 4 KiB page of anonymous memory costs far more
 * than its 4 KiB (a fault, and writing then reading it runs at a tenth
 * of the speed of a huge page's: 2 MB of cube read and hashed at open
 * took 6-9 ms of CPU in 4 KiB pages, 0.6 ms in huge ones). */
#define HUGE_PAGE ((size_t)2 << 20)

/* Memory for a copy of n bytes whose byte `align_at` should begin a huge
 * page: an anonymous mapping of n + HUGE_PAGE bytes (*raw, *raw_len for
 * munmap), advised for huge pages; NULL when none is left. */
static uint8_t *copy_alloc(size_t n, size_t align_at, uint8_t **raw,
                           size_t *raw_len)
{
    if (n > SIZE_MAX - HUGE_PAGE)
        return NULL;
    const size_t len = n + HUGE_PAGE;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    *raw = p;
    *raw_len = len;
    const uintptr_t want = (uintptr_t)p + align_at % HUGE_PAGE;
    const uintptr_t up = (want + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    uint8_t *buf = (uint8_t *)p + (up - want);
#ifdef MADV_HUGEPAGE
    (void)madvise(p, len, MADV_HUGEPAGE);
#endif
    return buf;
}

/* pread exactly n bytes at `at` into buf; 0, or the byte where the file
 * ended early, or -1 (errno) on an error. */
static int64_t read_at(int fd, uint8_t *buf, size_t n, uint64_t at)
{
    size_t got = 0;
    while (got < n) {
        const ssize_t k = pread(fd, buf + got, n - got, (off_t)(at + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            return (int64_t)(at + got) + 1;
        got += (size_t)k;
    }
    return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_size == b->st_size && a->st_ino == b->st_ino &&
           a->st_dev == b->st_dev && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
           a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Where SEGMENTS lies, from the header and table already in buf (their
 * checks come later, in validate): 0 when the file holds no such section
 * or its table does not parse (everything is then read at open). */
static int find_segments(const uint8_t *b, size_t size, uint64_t *off,
                         uint64_t *len)
{
    if (size < SKIDX_HEADER_SIZE || memcmp(b, SKIDX_MAGIC, SKIDX_MAGIC_LEN) ||
        skidx_rd32(b + 8) < 2)
        return 0;
    const uint32_t ns = skidx_rd32(b + 16);
    if (ns == 0 || ns > SKIDX_MAX_SECTIONS ||
        SKIDX_HEADER_SIZE + (uint64_t)ns * SKIDX_SECTION_ENTRY_SIZE > size)
        return 0;
    for (uint32_t i = 0; i < ns; i++) {
        const uint8_t *e = b + SKIDX_HEADER_SIZE + (size_t)i * SKIDX_SECTION_ENTRY_SIZE;
        const uint64_t o = skidx_rd64(e + 8), l = skidx_rd64(e + 16);
        if (skidx_rd32(e) == SKIDX_SEC_SEGMENTS && o >= SKIDX_HEADER_SIZE +
            (uint64_t)ns * SKIDX_SECTION_ENTRY_SIZE && o <= size &&
            l <= size - o) {
            *off = o;
            *len = l;
            return 1;
        }
    }
    return 0;
}

/* Read the file (size from *sb, an fstat of fd) into x->base, all but the
 * bytes of SEGMENTS (read by segs_load). One byte more is asked for at
 * the end, to see a file that grew; then fstat again: another size, inode
 * or time means the file was rewritten while read, whatever bytes the
 * copy holds. */
static skidx_status read_whole(struct skidx_index *x, int fd,
                               const struct stat *sb, struct skidx_error *err)
{
    if ((uint64_t)sb->st_size > (uint64_t)SIZE_MAX - 1)
        return skidx_fail(err, SKIDX_ERR_LIMIT, x->path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "file too large to read");
    const size_t want = (size_t)sb->st_size;
    /* the header and table first, to find SEGMENTS and place the copy */
    const size_t head = want < 65536 ? want : 65536;
    uint8_t *first = malloc(head ? head : 1);
    if (!first)
        return skidx_fail(err, SKIDX_ERR_NOMEM, x->path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory reading the index");
    int64_t r = read_at(fd, first, head, 0);
    uint64_t so = want, sl = 0;
    if (!r && !find_segments(first, want, &so, &sl))
        so = want, sl = 0;
    const uint64_t tail_at = so + sl;
    uint8_t *buf = copy_alloc(want + 1,
                              want - tail_at >= so ? (size_t)tail_at : 0,
                              &x->map_raw, &x->map_len);
    if (!buf) {
        free(first);
        return skidx_fail(err, SKIDX_ERR_NOMEM, x->path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory reading the index");
    }
    x->base = buf;
    /* not the bytes of SEGMENTS among them: read when used, if at all */
    memcpy(buf, first, head < so ? head : (size_t)so);
    if (head > tail_at)
        memcpy(buf + tail_at, first + tail_at, head - (size_t)tail_at);
    free(first);
#ifdef MADV_NOHUGEPAGE
    /* format 3 reads a few parts of SEGMENTS here and there: a huge page
     * would zero 2 MiB for each of them */
    if (!r && sl && skidx_rd32(buf + 8) >= 3) {
        const uintptr_t pg = 4096, a = ((uintptr_t)buf + so + pg - 1) & ~(pg - 1),
                        e = ((uintptr_t)buf + so + sl) & ~(pg - 1);
        if (e > a)
            (void)madvise((void *)a, e - a, MADV_NOHUGEPAGE);
    }
#endif
    if (!r && so > head)
        r = read_at(fd, buf + head, (size_t)so - head, head);
    if (!r && so + sl < want + 1) {
        const uint64_t from = so + sl > head ? so + sl : head;
        r = read_at(fd, buf + from, want - (size_t)from, from);
        /* one byte more: the file must end here */
        if (!r) {
            uint8_t extra;
            const ssize_t k = pread(fd, &extra, 1, (off_t)want);
            r = k < 0 ? -1 : k > 0 ? (int64_t)want + 2 : 0;
        }
    }
    if (r < 0)
        return skidx_fail(err, SKIDX_ERR_IO, x->path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "cannot read: %s", strerror(errno));
    struct stat now;
    if (fstat(fd, &now))
        return skidx_fail(err, SKIDX_ERR_IO, x->path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "cannot read: %s", strerror(errno));
    if (r > 0 || !same_file(&now, sb))
        return skidx_fail(err, SKIDX_ERR_IO, x->path, SKIDX_NOLINE,
                          SKIDX_NOOFF,
                          "file changed while reading (size %llu at open, "
                          "%llu now); is another process writing it?",
                          (unsigned long long)want,
                          (unsigned long long)now.st_size);
    x->size = want;
    x->sb = *sb;
    x->seg_off = so;
    x->seg_size = sl;
    x->seg_loaded = sl == 0;
    return SKIDX_OK;
}

/* Copy bytes [at, at + len) of SEGMENTS from the file into the same place
 * of the copy (x->mu held); the file must still be the one opened. With
 * the file mapped (x->seg_map), the bytes are not copied: their pages
 * are mapped in one call (a page fault each costs more here than reading
 * the page), and the same check of the file is made. */
static skidx_status seg_copy(struct skidx_index *x, uint64_t at, uint64_t len,
                            struct skidx_error *err)
{
    int64_t r = 0;
    if (x->seg_map) {
#ifdef MADV_POPULATE_READ
        const uintptr_t pg = 4096,
                        a = (uintptr_t)(x->seg_map + x->seg_map_skip + at) &
                            ~(pg - 1),
                        e = ((uintptr_t)(x->seg_map + x->seg_map_skip + at +
                                         len) + pg - 1) & ~(pg - 1);
        /* an older kernel refuses: the pages then fault in as used; a
         * file cut short fails here (EFAULT), and the check below says
         * why */
        (void)madvise((void *)a, e - a, MADV_POPULATE_READ);
#endif
    } else {
        r = read_at(x->fd, (uint8_t *)x->base + x->seg_off + at, (size_t)len,
                    x->seg_off + at);
    }
    struct stat now;
    if (r < 0 || fstat(x->fd, &now))
        return skidx_fail(err, SKIDX_ERR_IO, x->path, SKIDX_NOLINE,
                          x->seg_off + at, "cannot read the segments: %s",
                          strerror(errno));
    if (r > 0 || !same_file(&now, &x->sb))
        return skidx_fail(err, SKIDX_ERR_IO, x->path, SKIDX_NOLINE,
                          SKIDX_NOOFF,
                          "file changed since it was opened; is another "
                          "process writing it?");
    return SKIDX_OK;
}

/* SKIDX_OPEN_MAP: map SEGMENTS (format 3) read-only, from the page
 * before it to its end; when the kernel refuses, it is read with pread
 * as without the flag. */
static void seg_map_open(struct skidx_index *x, int fd)
{
    const long pg = sysconf(_SC_PAGESIZE);
    if (pg <= 0 || !x->seg_size)
        return;
    const uint64_t from = x->seg_off & ~((uint64_t)pg - 1);
    const uint64_t len = x->seg_off + x->seg_size - from;
    if (len > SIZE_MAX)
        return;
    void *p = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, fd,
                   (off_t)from);
    if (p == MAP_FAILED)
        return;
    x->seg_map = p;
    x->seg_map_len = (size_t)len;
    x->seg_map_skip = (size_t)(x->seg_off - from);
}

/* Read (once), verify and keep SEGMENTS; x->mu held. */
static skidx_status segs_load(struct skidx_index *x, struct skidx_error *err)
{
    if (!x->seg_loaded) {
        if (x->fd < 0)
            return CORRUPT(err, x, "segments unreadable");
        SKIDX_FORWARD(seg_copy(x, 0, x->seg_size, err));
        close(x->fd);
        x->fd = -1;
        x->seg_loaded = 1;
    }
    if (x->seg_verify) {
        if (skidx_hash64(x->base + x->seg_off, (size_t)x->seg_size) !=
            x->seg_sum)
            return skidx_fail(err, SKIDX_ERR_CORRUPT, x->path, SKIDX_NOLINE,
                              x->seg_off, "section %u: checksum mismatch",
                              (unsigned)SKIDX_SEC_SEGMENTS);
        x->seg_verify = 0;
    }
    return SKIDX_OK;
}

/* Read bytes [at, at + len) of SEGMENTS into the copy, when the file is
 * read lazily (version 3; x->mu held): only what a query touches is ever
 * read. The file must still be the one opened. */
static skidx_status seg_read(struct skidx_index *x, uint64_t at, uint64_t len,
                             struct skidx_error *err)
{
    if (x->seg_loaded || !len)
        return SKIDX_OK;
    if (x->fd < 0)
        return skidx_fail(err, SKIDX_ERR_IO, x->path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "segments unreadable");
#ifdef MADV_POPULATE_WRITE
    /* the pages of the copy in one call, not a fault for each 4 KiB page
     * as pread fills them (a query reads some MB: the faults cost more
     * than the copy); an older kernel refuses, and pread faults them in */
    if (!x->seg_map) {
        const uintptr_t pg = 4096,
                        a = (uintptr_t)(x->base + x->seg_off + at) & ~(pg - 1),
                        e = ((uintptr_t)(x->base + x->seg_off + at + len) +
                             pg - 1) & ~(pg - 1);
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
    }
#endif
    return seg_copy(x, at, len, err);
}

/* A failure of segment k's check (x->mu held): CORRUPT with msg kept (a
 * failure sticks), NOMEM not kept (it may pass later). */
static skidx_status seg_fail(struct skidx_index *x, skidx_status st,
                             const char *msg, struct skidx_error *err)
{
    if (st == SKIDX_ERR_NOMEM)
        return skidx_fail(err, st, x->path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "out of memory");
    if (st == SKIDX_ERR_CORRUPT && !x->seg_err.status)
        CORRUPT(&x->seg_err, x, "%s", msg);
    x->seg_st = st;
    return st;
}

/* Version 3: the head of segment k, read and checked (x->mu held). */
static skidx_status v3_head(struct skidx_index *x, uint32_t k,
                            struct skidx_error *err)
{
    struct skidx_pseg_view *s = &x->post.segs[k];
    if (s->head_ok)
        return SKIDX_OK;
    const uint64_t off = (uint64_t)(s->base - x->post.data);
    char msg[256] = "";
    uint64_t hl, ea, el;
    skidx_status st = seg_read(x, off - s->gap,
                               s->gap + (s->size < SKIDX_SEG_HEAD
                                             ? s->size
                                             : SKIDX_SEG_HEAD),
                               err);
    if (st)
        return st;
    st = skidx_pseg_head_span(&x->post, k, &hl, &ea, &el, msg, sizeof(msg));
    if (!st && !(st = seg_read(x, off + SKIDX_SEG_HEAD, hl - SKIDX_SEG_HEAD,
                               err)) &&
        !(st = seg_read(x, off + ea, el, err)))
        st = skidx_pseg_head(&x->post, k, x->n_skills, x->part_verify, msg,
                             sizeof(msg));
    else if (st == SKIDX_ERR_IO)
        return st;
    return st ? seg_fail(x, st, msg, err) : SKIDX_OK;
}

/* Version 3: part p of segment k, its head checked (x->mu held). */
static skidx_status v3_part(struct skidx_index *x, uint32_t k, uint32_t p,
                            struct skidx_error *err)
{
    struct skidx_pseg_view *s = &x->post.segs[k];
    if (s->ok[p])
        return SKIDX_OK;
    if (p == SKIDX_PART_SALARY)
        SKIDX_FORWARD(v3_part(x, k, SKIDX_PART_STATUS, err));
    uint64_t at, len;
    skidx_pseg_part_span(s, p, &at, &len);
    SKIDX_FORWARD(seg_read(x, (uint64_t)(s->base - x->post.data) + at, len,
                           err));
    char msg[256];
    const skidx_status st = skidx_pseg_part_check(
        &x->post, k, p, x->n_cells, x->first_month, x->n_months,
        x->part_verify, (const char *const *)x->skills.v, msg, sizeof(msg));
    return st ? seg_fail(x, st, msg, err) : SKIDX_OK;
}

/* Check segment k, all of it (x->mu held). */
static skidx_status seg_check(struct skidx_index *x, uint32_t k,
                              struct skidx_error *err)
{
    if (x->seg_st)
        return x->seg_st;
    if (x->post.version >= 3) {
        SKIDX_FORWARD(v3_head(x, k, err));
        const struct skidx_pseg_view *s = &x->post.segs[k];
        for (uint32_t p = 0; p < SKIDX_PART_BITMAP + s->n_ent; p++)
            SKIDX_FORWARD(v3_part(x, k, p, err));
        __atomic_store_n(&x->seg_ok[k], 1, __ATOMIC_RELEASE);
        return SKIDX_OK;
    }
    skidx_status st = segs_load(x, &x->seg_err);
    char msg[200];
    if (!st)
        st = skidx_pseg_check(&x->post, k, x->n_cells, x->n_skills,
                              x->first_month, x->n_months, msg, sizeof(msg));
    if (st == SKIDX_ERR_CORRUPT && !x->seg_err.status)
        CORRUPT(&x->seg_err, x, "%s", msg);
    else if (st == SKIDX_ERR_NOMEM)
        return skidx_fail(err, st, x->path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "out of memory"); /* not kept: may pass later */
    if (st) {
        x->seg_st = st;
        return st;
    }
    __atomic_store_n(&x->seg_ok[k], 1, __ATOMIC_RELEASE);
    return SKIDX_OK;
}

/* The parts a caller asks for (see skidx_index_pseg_head): part
 * UINT32_MAX is the head alone, UINT32_MAX - 1 the whole segment. */
#define WANT_HEAD UINT32_MAX
#define WANT_ALL (UINT32_MAX - 1)

static skidx_status seg_want(const struct skidx_index *cx, uint32_t k,
                             uint32_t part, struct skidx_error *err)
{
    /* the lazy state is a cache behind a mutex: the index stays const to
     * its users, and thread-safe */
    struct skidx_index *x = (struct skidx_index *)cx;
    if (x->version < 2 || k >= x->post.n_segs)
        return SKIDX_ERR_USAGE;
    if (__atomic_load_n(&x->seg_ok[k], __ATOMIC_ACQUIRE))
        return SKIDX_OK;
    struct skidx_pseg_view *s = &x->post.segs[k];
    if (x->post.version >= 3 && part != WANT_ALL &&
        __atomic_load_n(&s->head_ok, __ATOMIC_ACQUIRE)) {
        if (part == WANT_HEAD)
            return SKIDX_OK;
        if (part >= SKIDX_PART_BITMAP + s->n_ent)
            return SKIDX_ERR_USAGE;
        if (__atomic_load_n(&s->ok[part], __ATOMIC_ACQUIRE))
            return SKIDX_OK;
    }
    pthread_mutex_lock(&x->mu);
    skidx_status st = x->seg_st;
    if (st) {
        /* a failure sticks */
    } else if (x->post.version < 3 || part == WANT_ALL) {
        if (!__atomic_load_n(&x->seg_ok[k], __ATOMIC_RELAXED))
            st = seg_check(x, k, err);
    } else {
        st = v3_head(x, k, err);
        if (!st && part != WANT_HEAD)
            st = part < SKIDX_PART_BITMAP + s->n_ent ? v3_part(x, k, part, err)
                                                     : SKIDX_ERR_USAGE;
    }
    if (st && st != SKIDX_ERR_NOMEM && st != SKIDX_ERR_USAGE && err &&
        x->seg_err.status)
        *err = x->seg_err;
    pthread_mutex_unlock(&x->mu);
    return st;
}

skidx_status skidx_index_pseg(const struct skidx_index *x, uint32_t k,
                              const struct skidx_pseg_view **out,
                              struct skidx_error *err)
{
    *out = NULL;
    SKIDX_FORWARD(seg_want(x, k, WANT_ALL, err));
    *out = &x->post.segs[k];
    return SKIDX_OK;
}

skidx_status skidx_index_pseg_head(const struct skidx_index *x, uint32_t k,
                                   const struct skidx_pseg_view **out,
                                   struct skidx_error *err)
{
    *out = NULL;
    SKIDX_FORWARD(seg_want(x, k, WANT_HEAD, err));
    *out = &x->post.segs[k];
    return SKIDX_OK;
}

skidx_status skidx_index_pseg_part(const struct skidx_index *x, uint32_t k,
                                   uint32_t part, struct skidx_error *err)
{
    return seg_want(x, k, part, err);
}

skidx_status skidx_index_check_postings(const struct skidx_index *cx,
                                        struct skidx_error *err)
{
    for (uint32_t k = 0; cx->version >= 2 && k < cx->post.n_segs; k++) {
        const struct skidx_pseg_view *s;
        SKIDX_FORWARD(skidx_index_pseg(cx, k, &s, err));
    }
    /* version 3: every byte of SEGMENTS is now read and checked part by
     * part; the section's own checksum (rule 15) too */
    struct skidx_index *x = (struct skidx_index *)cx;
    if (x->version >= 3 && x->post.n_segs) {
        pthread_mutex_lock(&x->mu);
        skidx_status st = SKIDX_OK;
        if (x->seg_verify &&
            skidx_hash64(x->post.data, (size_t)x->seg_size) != x->seg_sum)
            st = skidx_fail(err, SKIDX_ERR_CORRUPT, x->path, SKIDX_NOLINE,
                            x->seg_off, "section %u (SEGMENTS): checksum "
                            "mismatch", (unsigned)SKIDX_SEC_SEGMENTS);
        else
            x->seg_verify = 0;
        pthread_mutex_unlock(&x->mu);
        return st;
    }
    return SKIDX_OK;
}

skidx_status skidx_index_open(const char *path, int verify,
                              struct skidx_index **out,
                              struct skidx_error *err)
{
    *out = NULL;
    struct skidx_index *x = calloc(1, sizeof(*x));
    if (!x)
        return SKIDX_ERR_NOMEM;
    x->fd = -1;
    x->path = strdup(path);
    if (!x->path) {
        free(x);
        return SKIDX_ERR_NOMEM;
    }
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (it is then
     * refused as not a regular file); regular files ignore the flag. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb)) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                   "cannot open: %s", strerror(e));
        skidx_index_close(x);
        return SKIDX_ERR_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                   "not a regular file (a %s)",
                   S_ISDIR(sb.st_mode)    ? "directory"
                   : S_ISFIFO(sb.st_mode) ? "FIFO"
                   : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode)
                       ? "device"
                       : "socket or other special file");
        skidx_index_close(x);
        return SKIDX_ERR_IO;
    }
    const int map = verify & SKIDX_OPEN_MAP;
    verify = (verify & ~SKIDX_OPEN_MAP) != 0;
    skidx_status st = read_whole(x, fd, &sb, err);
    if (!st && map && !x->seg_loaded && skidx_rd32(x->base + 8) >= 3)
        seg_map_open(x, fd);
    if (st || x->seg_loaded)
        close(fd);
    else
        x->fd = fd; /* SEGMENTS is read when first used */
    if (st) {
        skidx_index_close(x);
        return st;
    }
    return open_common(x, verify, out, err);
}

skidx_status skidx_index_open_mem(const void *data, size_t size, int verify,
                                  struct skidx_index **out,
                                  struct skidx_error *err)
{
    *out = NULL;
    struct skidx_index *x = calloc(1, sizeof(*x));
    if (!x)
        return SKIDX_ERR_NOMEM;
    x->fd = -1;
    x->path = strdup("<memory>");
    x->base = size ? data : (const uint8_t *)"";
    x->size = size;
    x->seg_loaded = 1;
    if (!x->path) {
        free(x);
        return SKIDX_ERR_NOMEM;
    }
    return open_common(x, verify, out, err);
}

void skidx_index_close(struct skidx_index *x)
{
    if (!x)
        return;
    if (x->map_len)
        munmap(x->map_raw, x->map_len);
    if (x->seg_map)
        munmap((void *)x->seg_map, x->seg_map_len);
    if (x->fd >= 0)
        close(x->fd);
    if (x->mu_init)
        pthread_mutex_destroy(&x->mu);
    free(x->seg_ok);
    strlist_free(&x->strings);
    strlist_free(&x->cats);
    strlist_free(&x->skills);
    strlist_free(&x->roles);
    strlist_free(&x->levels);
    strlist_free(&x->causes);
    strlist_free(&x->lost);
    strlist_free(&x->lost_faults);
    for (int i = 0; i < 3; i++)
        otab_free(&x->aliases[i]);
    otab_free(&x->esco);
    otab_free(&x->onet);
    free(x->skill_cat);
    free(x->cs_start);
    free(x->ms_start);
    skidx_pview_release(&x->post);
    free(x->path);
    free(x);
}

/* ---- accessors ---- */

void skidx_index_month_range(const struct skidx_index *x,
                             int32_t *first_month, uint32_t *n_months)
{
    *first_month = x->first_month;
    *n_months = x->n_months;
}

uint32_t skidx_index_n_skills(const struct skidx_index *x) { return x->n_skills; }
uint32_t skidx_index_n_categories(const struct skidx_index *x) { return x->n_cats; }
uint32_t skidx_index_n_roles(const struct skidx_index *x) { return x->n_roles; }
uint32_t skidx_index_n_levels(const struct skidx_index *x) { return x->n_levels; }
uint32_t skidx_index_n_months(const struct skidx_index *x) { return x->n_months; }

const char *skidx_index_skill_name(const struct skidx_index *x, uint32_t k)
{
    return k < x->n_skills ? x->skills.v[k] : NULL;
}
const char *skidx_index_skill_category(const struct skidx_index *x, uint32_t k)
{
    return k < x->n_skills ? x->cats.v[x->skill_cat[k]] : NULL;
}
const char *skidx_index_role_name(const struct skidx_index *x, uint32_t r)
{
    return r < x->n_roles ? x->roles.v[r] : NULL;
}
const char *skidx_index_level_name(const struct skidx_index *x, uint32_t s)
{
    return s < x->n_levels ? x->levels.v[s] : NULL;
}

/* Compare a and b caseless (ASCII) with every run of separators (space,
 * TAB, '-', '_', '/') as one space and none at either end. */
static int is_sep(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '-' || c == '_' || c == '/';
}

static const unsigned char *fold_next(const unsigned char *p, int *c)
{
    if (is_sep(*p)) {
        while (is_sep(*p))
            p++;
        *c = *p ? ' ' : 0;
        return p;
    }
    *c = tolower(*p);
    return *p ? p + 1 : p;
}

static int fold_eq(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a,
                        *q = (const unsigned char *)b;
    while (is_sep(*p))
        p++;
    while (is_sep(*q))
        q++;
    for (;;) {
        int c, d;
        p = fold_next(p, &c);
        q = fold_next(q, &d);
        if (c != d)
            return 0;
        if (!c)
            return 1;
    }
}

static const struct strlist *dim_names(const struct skidx_index *x,
                                       enum skidx_dim d)
{
    return d == SKIDX_DIM_SKILL  ? &x->skills
           : d == SKIDX_DIM_ROLE ? &x->roles
                                 : &x->levels;
}

skidx_status skidx_index_lookup(const struct skidx_index *x,
                                enum skidx_dim dim, const char *name,
                                uint32_t *ids, uint32_t cap, uint32_t *n)
{
    *n = 0;
    if ((unsigned)dim > SKIDX_DIM_LEVEL || !name)
        return SKIDX_ERR_USAGE;
    const struct strlist *l = dim_names(x, dim);
    /* a canonical name first: the one answer when exactly one matches */
    uint32_t hit = 0, hits = 0;
    for (uint32_t i = 0; i < l->n; i++)
        if (fold_eq(l->v[i], name))
            hit = i, hits++;
    if (hits == 1) {
        if (cap)
            ids[0] = hit;
        *n = 1;
        return SKIDX_OK;
    }
    /* else every owner that has the name or an alias of that form, each
     * once, ascending */
    const struct otab *t = &x->aliases[dim];
    for (uint32_t i = 0; i < l->n; i++) {
        int match = fold_eq(l->v[i], name);
        for (uint32_t j = t->first ? t->first[i] : 0;
             !match && t->first && j < t->first[i + 1]; j++)
            match = fold_eq(t->v.v[j], name);
        if (match) {
            if (*n < cap)
                ids[*n] = i;
            (*n)++;
        }
    }
    return SKIDX_OK;
}

static skidx_status find_one(const struct skidx_index *x, enum skidx_dim d,
                             const char *name, uint32_t *id)
{
    uint32_t one, n;
    skidx_status st = skidx_index_lookup(x, d, name, &one, 1, &n);
    if (st)
        return st;
    if (n == 0)
        return SKIDX_ERR_NOTFOUND;
    if (n > 1)
        return SKIDX_ERR_AMBIGUOUS;
    *id = one;
    return SKIDX_OK;
}
skidx_status skidx_index_find_skill(const struct skidx_index *x,
                                    const char *n, uint32_t *id)
{
    return find_one(x, SKIDX_DIM_SKILL, n, id);
}
skidx_status skidx_index_find_role(const struct skidx_index *x,
                                   const char *n, uint32_t *id)
{
    return find_one(x, SKIDX_DIM_ROLE, n, id);
}
skidx_status skidx_index_find_level(const struct skidx_index *x,
                                    const char *n, uint32_t *id)
{
    return find_one(x, SKIDX_DIM_LEVEL, n, id);
}

static const struct otab *owner_tab(const struct otab *t, uint32_t id,
                                    uint32_t *a, uint32_t *b)
{
    if (!t->first || id >= t->n_owners) {
        *a = *b = 0;
        return NULL;
    }
    *a = t->first[id];
    *b = t->first[id + 1];
    return t;
}

skidx_status skidx_index_n_aliases(const struct skidx_index *x,
                                   enum skidx_dim dim, uint32_t id,
                                   uint32_t *n)
{
    uint32_t a, b;
    *n = 0;
    if ((unsigned)dim > SKIDX_DIM_LEVEL || id >= dim_names(x, dim)->n)
        return SKIDX_ERR_USAGE;
    owner_tab(&x->aliases[dim], id, &a, &b);
    *n = b - a;
    return SKIDX_OK;
}

const char *skidx_index_alias(const struct skidx_index *x,
                              enum skidx_dim dim, uint32_t id, uint32_t i)
{
    uint32_t a, b;
    if ((unsigned)dim > SKIDX_DIM_LEVEL)
        return NULL;
    const struct otab *t = owner_tab(&x->aliases[dim], id, &a, &b);
    return t && i < b - a ? t->v.v[a + i] : NULL;
}

const char *skidx_index_skill_esco(const struct skidx_index *x, uint32_t k)
{
    uint32_t a, b;
    if (k >= x->n_skills)
        return NULL;
    const struct otab *t = owner_tab(&x->esco, k, &a, &b);
    return t && b > a ? t->v.v[a] : "";
}

skidx_status skidx_index_skill_n_onet(const struct skidx_index *x,
                                      uint32_t k, uint32_t *n)
{
    uint32_t a, b;
    *n = 0;
    if (k >= x->n_skills)
        return SKIDX_ERR_USAGE;
    owner_tab(&x->onet, k, &a, &b);
    *n = b - a;
    return SKIDX_OK;
}

const char *skidx_index_skill_onet(const struct skidx_index *x, uint32_t k,
                                   uint32_t i)
{
    uint32_t a, b;
    const struct otab *t = owner_tab(&x->onet, k, &a, &b);
    return t && i < b - a ? t->v.v[a + i] : NULL;
}

void skidx_index_get_meta(const struct skidx_index *x,
                          struct skidx_index_meta *o)
{
    memset(o, 0, sizeof(*o));
    o->format_version = x->version;
    o->tool_version = x->strings.v[0];
    o->taxonomy_name = x->strings.v[1];
    o->taxonomy_version = x->strings.v[2];
    o->taxonomy_version = x->strings.v[2];
    o->salary_currency = x->strings.v[3];
    o->taxonomy_hash = x->taxonomy_hash;
    o->shards = x->stats[SKIDX_STAT_SHARDS];
    o->shards_lost = x->stats[SKIDX_STAT_SHARDS_LOST];
    o->bytes_compressed = x->stats[SKIDX_STAT_BYTES_COMPRESSED];
    o->bytes_uncompressed = x->stats[SKIDX_STAT_BYTES_UNCOMPRESSED];
    o->lines = x->stats[SKIDX_STAT_LINES];
    o->records = x->stats[SKIDX_STAT_RECORDS];
    o->postings = x->stats[SKIDX_STAT_POSTINGS];
    o->duplicates = x->stats[SKIDX_STAT_DUPLICATES];
    o->skipped = x->stats[SKIDX_STAT_SKIPPED];
    o->repaired = x->stats[SKIDX_STAT_REPAIRED];
    o->salaried = x->stats[SKIDX_STAT_SALARIED];
    o->salary_bin_width = x->bin_width;
    o->salary_bins = x->bins;
    o->first_month = x->first_month;
}

uint32_t skidx_index_n_causes(const struct skidx_index *x) { return x->causes.n; }
const char *skidx_index_cause_name(const struct skidx_index *x, uint32_t i)
{
    return i < x->causes.n ? x->causes.v[i] : NULL;
}
skidx_status skidx_index_cause_count(const struct skidx_index *x,
                                     uint32_t i, uint64_t *out)
{
    *out = i < x->causes.n ? skidx_rd64(x->cause_counts + 8 * (size_t)i) : 0;
    return i < x->causes.n ? SKIDX_OK : SKIDX_ERR_USAGE;
}
uint32_t skidx_index_n_lost(const struct skidx_index *x) { return x->lost.n; }
const char *skidx_index_lost_path(const struct skidx_index *x, uint32_t i)
{
    return i < x->lost.n ? x->lost.v[i] : NULL;
}
skidx_status skidx_index_lost_offset(const struct skidx_index *x,
                                     uint32_t i, uint64_t *out)
{
    *out = i < x->lost.n && x->lost_offsets
               ? skidx_rd64(x->lost_offsets + 8 * (size_t)i)
               : UINT64_MAX;
    return i < x->lost.n ? SKIDX_OK : SKIDX_ERR_USAGE;
}
const char *skidx_index_lost_cause(const struct skidx_index *x, uint32_t i)
{
    return i < x->lost.n && x->lost_offsets ? x->lost_faults.v[i] : NULL;
}
skidx_status skidx_index_lost_records(const struct skidx_index *x,
                                      uint32_t i, uint64_t *out)
{
    *out = i < x->lost.n ? skidx_rd64(x->lost_records + 8 * (size_t)i) : 0;
    return i < x->lost.n ? SKIDX_OK : SKIDX_ERR_USAGE;
}

static int cell_match(const struct skidx_index *x, uint32_t c, int32_t role,
                      int32_t level)
{
    return (role == SKIDX_ANY || c / x->n_levels == (uint32_t)role) &&
           (level == SKIDX_ANY || c % x->n_levels == (uint32_t)level);
}

/* role and level are SKIDX_ANY or in range */
static int slice_ok(const struct skidx_index *x, int32_t role, int32_t level)
{
    return (role == SKIDX_ANY || (role >= 0 && (uint32_t)role < x->n_roles)) &&
           (level == SKIDX_ANY ||
            (level >= 0 && (uint32_t)level < x->n_levels));
}

skidx_status skidx_index_cell(const struct skidx_index *x, int32_t role,
                              int32_t level, struct skidx_cell_stats *o)
{
    memset(o, 0, sizeof(*o));
    if (!slice_ok(x, role, level))
        return SKIDX_ERR_USAGE;
    for (uint32_t c = 0; c < x->n_cells; c++) {
        if (!cell_match(x, c, role, level))
            continue;
        const uint8_t *e = x->cells + (size_t)c * 32;
        o->postings += skidx_rd64(e);
        o->salaried += skidx_rd64(e + 8);
        o->salary_sum += skidx_rd64(e + 16);
        o->other_currency += skidx_rd64(e + 24);
    }
    return SKIDX_OK;
}

skidx_status skidx_index_slice(const struct skidx_index *x, int32_t role,
                               int32_t level, struct skidx_skill_stats *out)
{
    memset(out, 0, (size_t)x->n_skills * sizeof(*out));
    if (!slice_ok(x, role, level))
        return SKIDX_ERR_USAGE;
    for (uint32_t c = 0; c < x->n_cells; c++) {
        if (!cell_match(x, c, role, level))
            continue;
        for (uint64_t i = x->cs_start[c]; i < x->cs_start[c + 1]; i++) {
            const uint8_t *e = x->cs + i * 32;
            struct skidx_skill_stats *s = &out[skidx_rd32(e + 4)];
            s->postings += skidx_rd64(e + 8);
            s->salaried += skidx_rd64(e + 16);
            s->salary_sum += skidx_rd64(e + 24);
        }
    }
    return SKIDX_OK;
}

skidx_status skidx_index_skill(const struct skidx_index *x, int32_t role,
                               int32_t level, uint32_t k,
                               struct skidx_skill_stats *o)
{
    memset(o, 0, sizeof(*o));
    if (k >= x->n_skills || !slice_ok(x, role, level))
        return SKIDX_ERR_USAGE;
    for (uint32_t c = 0; c < x->n_cells; c++) {
        if (!cell_match(x, c, role, level))
            continue;
        uint64_t lo = x->cs_start[c], hi = x->cs_start[c + 1];
        while (lo < hi) {
            uint64_t mid = lo + (hi - lo) / 2;
            uint32_t mk = skidx_rd32(x->cs + mid * 32 + 4);
            if (mk < k)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < x->cs_start[c + 1] && skidx_rd32(x->cs + lo * 32 + 4) == k) {
            const uint8_t *e = x->cs + lo * 32;
            o->postings += skidx_rd64(e + 8);
            o->salaried += skidx_rd64(e + 16);
            o->salary_sum += skidx_rd64(e + 24);
        }
    }
    return SKIDX_OK;
}

skidx_status skidx_index_salary_hist(const struct skidx_index *x,
                                     int32_t role, int32_t level,
                                     uint64_t *bins)
{
    if (!slice_ok(x, role, level))
        return SKIDX_ERR_USAGE;
    for (uint32_t c = 0; c < x->n_cells; c++) {
        if (!cell_match(x, c, role, level))
            continue;
        const uint8_t *h = x->hist + (size_t)c * x->bins * 8;
        for (uint32_t b = 0; b < x->bins; b++)
            bins[b] += skidx_rd64(h + 8 * (size_t)b);
    }
    return SKIDX_OK;
}

skidx_status skidx_index_month_postings(const struct skidx_index *x,
                                        uint32_t m, uint64_t *out)
{
    *out = 0;
    if (m >= x->n_months)
        return SKIDX_ERR_USAGE;
    *out = skidx_rd64(x->months + 8 * (size_t)m);
    return SKIDX_OK;
}

skidx_status skidx_index_month_cell(const struct skidx_index *x, uint32_t m,
                                    int32_t role, int32_t level,
                                    uint64_t *out)
{
    uint64_t s = 0;
    *out = 0;
    if (m >= x->n_months || !slice_ok(x, role, level))
        return SKIDX_ERR_USAGE;
    for (uint32_t c = 0; c < x->n_cells; c++)
        if (cell_match(x, c, role, level))
            s += skidx_rd64(x->month_cell + ((size_t)m * x->n_cells + c) * 8);
    *out = s;
    return SKIDX_OK;
}

skidx_status skidx_index_month_skill(const struct skidx_index *x, uint32_t m,
                                     uint32_t k, uint64_t *out)
{
    *out = 0;
    if (m >= x->n_months || k >= x->n_skills)
        return SKIDX_ERR_USAGE;
    uint64_t lo = x->ms_start[m], hi = x->ms_start[m + 1];
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (skidx_rd32(x->ms + mid * 16 + 4) < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < x->ms_start[m + 1] && skidx_rd32(x->ms + lo * 16 + 4) == k)
        *out = skidx_rd64(x->ms + lo * 16 + 8);
    return SKIDX_OK;
}

const struct skidx_pview *skidx_index_pview(const struct skidx_index *x)
{
    return x->version >= 2 ? &x->post : NULL;
}

/* ---- back to a model, for merge ---- */

static char **copy_list(const struct strlist *l)
{
    char **v = calloc(l->n ? l->n : 1, sizeof(*v));
    if (!v)
        return NULL;
    for (uint32_t i = 0; i < l->n; i++)
        if (!(v[i] = strdup(l->v[i]))) {
            while (i--)
                free(v[i]);
            free(v);
            return NULL;
        }
    return v;
}

skidx_status skidx_index_to_model(const struct skidx_index *x,
                                  struct skidx_model *m)
{
    memset(m, 0, sizeof(*m));
    skidx_status st =
        skidx_counts_init(&m->counts, x->n_roles, x->n_levels, x->n_skills);
    if (st)
        return st;
    struct skidx_counts *c = &m->counts;
    if (x->bins != c->bins || x->bin_width != c->bin_width) {
        skidx_counts_release(c);
        return SKIDX_ERR_MISMATCH;
    }
    m->tool_version = strdup(x->strings.v[0]);
    m->taxonomy_name = strdup(x->strings.v[1]);
    m->taxonomy_version = strdup(x->strings.v[2]);
    m->currency = strdup(x->strings.v[3]);
    m->taxonomy_hash = x->taxonomy_hash;
    m->n_cats = x->n_cats;
    m->cat_names = copy_list(&x->cats);
    m->skill_names = copy_list(&x->skills);
    m->role_names = copy_list(&x->roles);
    m->level_names = copy_list(&x->levels);
    m->skill_cat = calloc(x->n_skills, sizeof(uint32_t));
    if (!m->tool_version || !m->taxonomy_name || !m->taxonomy_version ||
        !m->currency || !m->cat_names || !m->skill_names || !m->role_names ||
        !m->level_names || !m->skill_cat) {
        skidx_model_release(m);
        return SKIDX_ERR_NOMEM;
    }
    memcpy(m->skill_cat, x->skill_cat, x->n_skills * sizeof(uint32_t));
    for (int i = 0; i < SKIDX_META_N_STATS && i < SKIDX_STAT_COUNT; i++)
        c->stats[i] = x->stats[i];
    for (uint32_t i = 0; i < x->causes.n && i < SKIDX_CAUSE_COUNT; i++)
        c->causes[i] = skidx_rd64(x->cause_counts + 8 * (size_t)i);
    for (size_t i = 0; i < (size_t)x->n_cells * 4; i++)
        c->cell[i] = skidx_rd64(x->cells + 8 * i);
    for (size_t i = 0; i < (size_t)x->n_cells * x->bins; i++)
        c->hist[i] = skidx_rd64(x->hist + 8 * i);
    for (uint64_t i = 0; i < x->n_cs; i++) {
        const uint8_t *e = x->cs + i * 32;
        uint64_t *d = skidx_counts_cs_row(c, skidx_rd32(e)) +
                      (size_t)skidx_rd32(e + 4) * 3;
        d[0] = skidx_rd64(e + 8);
        d[1] = skidx_rd64(e + 16);
        d[2] = skidx_rd64(e + 24);
    }
    if (x->n_months) {
        if ((st = skidx_counts_month_range(c, x->first_month, x->n_months))) {
            skidx_model_release(m);
            return st;
        }
        for (uint32_t mo = 0; mo < x->n_months; mo++)
            c->month[mo] = skidx_rd64(x->months + 8 * (size_t)mo);
        for (size_t i = 0; i < (size_t)x->n_months * x->n_cells; i++)
            c->month_cell[i] = skidx_rd64(x->month_cell + 8 * i);
        for (uint64_t i = 0; i < x->n_ms; i++) {
            const uint8_t *e = x->ms + i * 16;
            c->month_skill[(size_t)skidx_rd32(e) * x->n_skills +
                           skidx_rd32(e + 4)] = skidx_rd64(e + 8);
        }
    }
    const struct otab *tabs[SKIDX_MODEL_TABS] = {
        &x->aliases[0], &x->aliases[1], &x->aliases[2], &x->esco, &x->onet};
    for (int i = 0; i < SKIDX_MODEL_TABS; i++) {
        if (!tabs[i]->first)
            continue;
        struct skidx_owner_strings src = {tabs[i]->n_owners, tabs[i]->first,
                                          tabs[i]->v.v};
        if ((st = skidx_owner_strings_copy(&m->tabs[i], &src))) {
            skidx_model_release(m);
            return st;
        }
    }
    for (uint32_t i = 0; i < x->lost.n; i++)
        if ((st = skidx_model_add_lost(
                 m, x->lost.v[i], skidx_rd64(x->lost_records + 8 * (size_t)i),
                 x->lost_offsets ? skidx_rd64(x->lost_offsets + 8 * (size_t)i)
                                 : UINT64_MAX,
                 skidx_index_lost_cause(x, i)))) {
            skidx_model_release(m);
            return st;
        }
    return SKIDX_OK;
}
