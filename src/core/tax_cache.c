/*
 * tax_cache.c - the compiled-taxonomy cache image (tax_cache.h).
 *
 * Layout (docs/FORMAT.md, "The compiled-taxonomy cache"):
 *
 *   OFFSET SIZE DESCRIPTION
 *        0    8 magic "SKIDXTCC"
 *        8    4 image format version (SKIDX_TCACHE_VERSION), LE
 *       12    4 reserved, 0
 *       16   16 key digest (XXH3-128 of the key material)
 *       32    8 taxonomy hash
 *       40    8 payload bytes P (the file is 128 + P long)
 *       48    8 taxonomy bytes T (T <= M): the payload's first part
 *       56    8 XXH3-64 (seed SKIDX_HASH_SEED) of payload bytes [T, M)
 *       64    8 tables bytes M (M <= P, a multiple of 64): the first
 *               and second parts; the third is payload bytes [M, P)
 *       72   48 reserved, 0
 *      120    8 XXH3-64 (seed SKIDX_HASH_SEED) of bytes [0, 120)
 *               followed by payload bytes [0, T)
 *      128    . payload: the taxonomy (without its section rules), T
 *               bytes; then the skills, roles, levels and level-field
 *               matchers' tables (skidx_matcher_serialize), the section
 *               rules (skidx_section_rules_put), the end tag
 *               and zeros to a multiple of 64, up to M; then the
 *               matchers' Hyperscan databases, back to back from M in
 *               the order of their records, each with its offset,
 *               length and XXH3-64 in its matcher's tables
 *
 * The first part (header and taxonomy) checks and loads without the
 * others (skidx_tcache_load_taxonomy): a run that scans no text reads
 * only it. A run that matches reads the first two parts and reads each
 * database, and checks its checksum, when it first scans it
 * (skidx_tcache_load_file; core/match.c, "databases rebuilt on first
 * use"). Offsets in the payload count from its start in all parts.
 *
 * The payload is private to the build that wrote it (raw tables, this
 * platform's Hyperscan databases): the key holds the build id, so another
 * build never reads it.
 */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "core/tax_cache.h"
#include "core/blob.h"
#include "core/hash.h"
#include "core/hash_fast.h"
#include "core/match.h"

#include <elf.h>
#include <hs/hs.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAGIC "SKIDXTCC"
#define END_TAG 0x444e4554u /* "TEND" */
#define H_TAX_BYTES 48 /* header offsets (above) */
#define H_MATCH_SUM 56
#define H_TABLES_BYTES 64
#define H_RESERVED 72
#define H_SUM 120

/* The image copies these structs field by field; a new field must be
 * stored below (or rebuilt on load), then the sizes updated. */
#if defined(__x86_64__) && defined(__LP64__)
/* (the section rules go as they lie: skidx_section_rules_put) */
_Static_assert(sizeof(struct skidx_taxonomy) -
                       sizeof(struct skidx_section_rules) == 392,
               "struct skidx_taxonomy changed: update tax_cache.c");
_Static_assert(sizeof(struct skidx_alias) == 32,
               "struct skidx_alias changed: update tax_cache.c");
_Static_assert(sizeof(struct skidx_alias_set) == 48,
               "struct skidx_alias_set changed: update tax_cache.c");
_Static_assert(sizeof(struct skidx_owner_strings) == 24,
               "struct skidx_owner_strings changed: update tax_cache.c");
#endif

/* ---- the key ---- */

struct build_id {
    const void *addr; /* an address inside the code looked for */
    uint8_t id[64];
    size_t len;
};

/* dl_iterate_phdr callback: the GNU build-id note of the loaded object
 * that holds b->addr. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
    struct build_id *b = arg;
    const uintptr_t a = (uintptr_t)b->addr;
    int inside = 0;
    (void)size;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        const uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && a >= lo && a - lo < ph->p_memsz)
            inside = 1;
    }
    if (!inside)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const unsigned char *p =
            (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        size_t left = ph->p_memsz;
        while (left >= sizeof(ElfW(Nhdr))) {
            ElfW(Nhdr) nh;
            memcpy(&nh, p, sizeof(nh));
            const size_t name = (nh.n_namesz + 3u) & ~(size_t)3;
            const size_t desc = (nh.n_descsz + 3u) & ~(size_t)3;
            if (name > left - sizeof(nh) || desc > left - sizeof(nh) - name)
                break;
            if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
                !memcmp(p + sizeof(nh), "GNU", 4) && nh.n_descsz > 0 &&
                nh.n_descsz <= sizeof(b->id)) {
                memcpy(b->id, p + sizeof(nh) + name, nh.n_descsz);
                b->len = nh.n_descsz;
                return 1;
            }
            p += sizeof(nh) + name + desc;
            left -= sizeof(nh) + name + desc;
        }
    }
    return 1; /* the object, without a build id */
}

static void hash_u64(XXH3_state_t *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    XXH3_128bits_update(h, b, 8);
}

static void hash_bytes(XXH3_state_t *h, const void *p, size_t n)
{
    hash_u64(h, n);
    XXH3_128bits_update(h, p, n);
}

skidx_status skidx_tcache_key(const struct skidx_taxonomy_files *f,
                              struct skidx_tcache_key *key)
{
    struct build_id b;
    memset(&b, 0, sizeof(b));
    memset(key, 0, sizeof(*key));
    b.addr = (const void *)skidx_tcache_key;
    dl_iterate_phdr(find_build_id, &b);
    if (!b.len)
        return SKIDX_ERR_USAGE;
    hs_platform_info_t plat;
    if (hs_populate_platform(&plat) != HS_SUCCESS)
        return SKIDX_ERR_HYPERSCAN;
    XXH3_state_t st;
    XXH3_INITSTATE(&st);
    XXH3_128bits_reset_withSeed(&st, SKIDX_HASH_SEED);
    hash_bytes(&st, MAGIC, 8);
    hash_u64(&st, SKIDX_TCACHE_VERSION);
    hash_bytes(&st, SKIDX_VERSION_STRING, strlen(SKIDX_VERSION_STRING));
    hash_bytes(&st, b.id, b.len);
    const char *hv = hs_version();
    hash_bytes(&st, hv, strlen(hv));
    hash_u64(&st, plat.tune);
    hash_u64(&st, plat.cpu_features);
    hash_u64(&st, plat.reserved1);
    hash_u64(&st, plat.reserved2);
    hash_u64(&st, (uint64_t)f->has_sections);
    for (int i = 0; i < 3; i++)
        hash_bytes(&st, f->buf[i], f->len[i]);
    const XXH128_hash_t d = XXH3_128bits_digest(&st);
    for (int i = 0; i < 8; i++) {
        key->digest[i] = (uint8_t)(d.low64 >> (8 * i));
        key->digest[8 + i] = (uint8_t)(d.high64 >> (8 * i));
    }
    static const char hex[] = "0123456789abcdef";
    char *p = key->name;
    memcpy(p, "taxonomy-", 9);
    p += 9;
    for (int i = 0; i < 16; i++) {
        *p++ = hex[key->digest[i] >> 4];
        *p++ = hex[key->digest[i] & 15];
    }
    memcpy(p, ".skc", 5);
    return SKIDX_OK;
}

/* ---- the taxonomy ---- */

static void put_str(struct skidx_wblob *w, const char *s)
{
    skidx_wblob_str(w, s, strlen(s));
}

static void put_strs(struct skidx_wblob *w, char *const *v, size_t n)
{
    skidx_wblob_u64(w, n);
    for (size_t i = 0; i < n; i++)
        put_str(w, v[i]);
}

/* An alias set as two arrays: fixed records (struct alias_rec: the text's
 * offset and length, owner, priority, line, flags and file), then the
 * texts, each followed by a NUL, back to back in record order. A load
 * checks the records and the texts' lengths in one pass, rather than
 * reading 16,000 length-prefixed strings (about 4 M instructions). */
struct alias_rec {
    uint32_t off, len, owner, prio, line, ff;
};
_Static_assert(sizeof(struct alias_rec) == 24, "no padding in the records");

static void put_set(struct skidx_wblob *w, const struct skidx_alias_set *s)
{
    skidx_wblob_u64(w, s->n);
    skidx_wblob_u32(w, (uint32_t)s->camel_split);
    struct alias_rec *rec;
    size_t bytes = 0;
    for (size_t i = 0; i < s->n; i++)
        bytes += (size_t)s->a[i].len + 1;
    /* the records, built in place in the blob */
    skidx_wblob_u64(w, s->n * sizeof(*rec));
    skidx_wblob_align(w);
    const size_t at = w->n;
    if (!skidx_wblob_grow(w, s->n * sizeof(*rec)))
        return; /* oom is set */
    rec = (struct alias_rec *)(w->p + at);
    size_t off = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct skidx_alias *a = &s->a[i];
        rec[i].off = (uint32_t)off;
        rec[i].len = a->len;
        rec[i].owner = a->owner;
        rec[i].prio = a->prio;
        rec[i].line = a->line;
        rec[i].ff = (uint32_t)a->flags | (uint32_t)a->file << 8;
        off += (size_t)a->len + 1;
    }
    /* the texts */
    skidx_wblob_u64(w, bytes);
    skidx_wblob_align(w);
    for (size_t i = 0; i < s->n; i++) {
        skidx_wblob_put(w, s->a[i].text, s->a[i].len);
        skidx_wblob_put(w, "", 1);
    }
}

static void put_owner_strings(struct skidx_wblob *w,
                              const struct skidx_owner_strings *o)
{
    skidx_wblob_u32(w, o->n_owners);
    skidx_wblob_array(w, o->first,
                      o->first ? ((size_t)o->n_owners + 1) * sizeof(*o->first)
                               : 0);
    for (uint32_t i = 0; o->first && i < o->first[o->n_owners]; i++)
        put_str(w, o->v[i]);
}

static void put_taxonomy(struct skidx_wblob *w, const struct skidx_taxonomy *t)
{
    put_str(w, t->name);
    put_str(w, t->version);
    put_strs(w, t->skill_name, t->n_skills);
    skidx_wblob_array(w, t->skill_cat, t->n_skills * sizeof(*t->skill_cat));
    put_strs(w, t->cat_name, t->n_cats);
    put_set(w, &t->skills);
    put_owner_strings(w, &t->esco);
    put_owner_strings(w, &t->onet);
    put_strs(w, t->role_name, t->n_roles);
    skidx_wblob_u32(w, t->role_fallback);
    put_set(w, &t->roles);
    put_strs(w, t->level_name, t->n_levels);
    skidx_wblob_u32(w, t->level_default);
    put_set(w, &t->levels);
    put_set(w, &t->level_fields);
}

/* The loader's state: the image being read, the arena for what it
 * builds, and whether an allocation failed. */
struct loader {
    struct skidx_rblob r;
    struct skidx_arena *arena;
    int oom;
};

/* count elements of size bytes from the arena, zeroed unless `raw` (for
 * an array the caller fills whole). */
static void *ld_alloc_as(struct loader *L, size_t count, size_t size, int raw)
{
    if (count > SIZE_MAX / size) {
        L->r.bad = 1;
        return NULL;
    }
    const size_t n = count ? count * size : 1;
    void *p = raw ? skidx_arena_alloc_raw(L->arena, n, 16)
                  : skidx_arena_alloc(L->arena, n, 16);
    L->oom |= !p;
    return p;
}

static void *ld_alloc(struct loader *L, size_t count, size_t size)
{
    return ld_alloc_as(L, count, size, 0);
}

/* n strings, in place, behind an array of pointers from the arena. The
 * count is checked against what is left (a string takes at least 9
 * bytes), so a wrong count cannot make a huge allocation. */
static char **get_strs(struct loader *L, uint32_t *n)
{
    const uint64_t c = skidx_rblob_u64(&L->r);
    if (L->r.bad || c > UINT32_MAX || c > (L->r.n - L->r.off) / 9) {
        L->r.bad = 1;
        return NULL;
    }
    char **v = ld_alloc(L, (size_t)c, sizeof(*v));
    for (uint64_t i = 0; v && i < c; i++)
        v[i] = skidx_rblob_str(&L->r, NULL);
    *n = (uint32_t)c;
    return L->r.bad ? NULL : v;
}

static int get_set(struct loader *L, struct skidx_alias_set *s,
                   uint32_t n_owners)
{
    struct skidx_rblob *r = &L->r;
    const uint64_t n = skidx_rblob_u64(r);
    s->camel_split = (int)skidx_rblob_u32(r);
    if (r->bad || n > (r->n - r->off) / sizeof(struct alias_rec) ||
        s->camel_split > 1) {
        r->bad = 1;
        return 0;
    }
    const struct alias_rec *rec =
        skidx_rblob_array(r, (size_t)n, sizeof(*rec));
    size_t bytes = 0;
    const char *text = skidx_rblob_any(r, &bytes);
    /* not cleared: every field of every alias is set below (or the set
     * is refused); the padding is never read */
    if (!rec || !text ||
        !(s->a = ld_alloc_as(L, (size_t)n, sizeof(*s->a), 1))) {
        r->bad = 1;
        return 0;
    }
    s->n = s->cap = (size_t)n;
    /* the texts back to back, each a C string of exactly its length (the
     * block ends in a NUL, so no strlen runs past it); an empty set (no
     * level-field rules, say) has an empty block */
    size_t off = 0;
    unsigned bad = bytes && text[bytes - 1] != '\0';
    for (size_t i = 0; i < s->n && !bad; i++) {
        const struct alias_rec *q = &rec[i];
        struct skidx_alias *a = &s->a[i];
        bad = (q->off != off) | (q->len >= bytes - off) |
              (q->owner >= n_owners) | (q->ff > 0xff);
        if (bad || strlen(text + off) != q->len)
            break;
        a->text = (char *)text + off;
        a->len = q->len;
        a->owner = q->owner;
        a->prio = q->prio;
        a->line = q->line;
        a->flags = (uint8_t)q->ff;
        a->file = 0;
        off += (size_t)q->len + 1;
    }
    if (bad || off != bytes) {
        r->bad = 1;
        return 0;
    }
    return 1;
}

static int get_owner_strings(struct loader *L, struct skidx_owner_strings *o,
                             uint32_t n_skills)
{
    struct skidx_rblob *r = &L->r;
    const uint32_t n_owners = skidx_rblob_u32(r);
    if (r->bad || n_owners != n_skills)
        return !(r->bad = 1);
    o->first = (uint32_t *)skidx_rblob_array(r, (size_t)n_owners + 1,
                                             sizeof(*o->first));
    if (!o->first)
        return 0;
    o->n_owners = n_owners;
    int ok = o->first[0] == 0;
    for (uint32_t i = 0; ok && i < n_owners; i++)
        ok = o->first[i] <= o->first[i + 1];
    const uint32_t total = o->first[n_owners];
    if (!ok || total > (r->n - r->off) / 9 ||
        !(o->v = ld_alloc(L, total, sizeof(*o->v))))
        return !(r->bad = 1);
    for (uint32_t i = 0; i < total; i++)
        o->v[i] = skidx_rblob_str(r, NULL);
    return !r->bad;
}

static int get_taxonomy(struct loader *L, struct skidx_taxonomy *t)
{
    struct skidx_rblob *r = &L->r;
    t->name = skidx_rblob_str(r, NULL);
    t->version = skidx_rblob_str(r, NULL);
    t->skill_name = get_strs(L, &t->n_skills);
    t->skill_cat = (uint32_t *)skidx_rblob_array(r, t->n_skills,
                                                 sizeof(*t->skill_cat));
    t->cat_name = get_strs(L, &t->n_cats);
    if (r->bad || L->oom || !t->skill_name || !t->skill_cat || !t->cat_name)
        return 0;
    for (uint32_t i = 0; i < t->n_skills; i++)
        if (t->skill_cat[i] >= t->n_cats)
            return !(r->bad = 1);
    t->skills.files[0] = t->skills_path;
    t->roles.files[0] = t->levels.files[0] = t->level_fields.files[0] =
        t->roles_path;
    if (!get_set(L, &t->skills, t->n_skills) ||
        !get_owner_strings(L, &t->esco, t->n_skills) ||
        !get_owner_strings(L, &t->onet, t->n_skills) ||
        !(t->role_name = get_strs(L, &t->n_roles)))
        return 0;
    t->role_fallback = skidx_rblob_u32(r);
    if (r->bad || t->role_fallback >= t->n_roles ||
        !get_set(L, &t->roles, t->n_roles) ||
        !(t->level_name = get_strs(L, &t->n_levels)))
        return !(r->bad = 1);
    t->level_default = skidx_rblob_u32(r);
    if (r->bad || t->level_default >= t->n_levels ||
        !get_set(L, &t->levels, t->n_levels) ||
        !get_set(L, &t->level_fields, t->n_levels))
        return !(r->bad = 1);
    return !L->oom;
}

/* ---- the image ---- */

static void le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* An image checksum: XXH3-64 of a[0..na) followed by b[0..nb). The value
 * is the same on every path; the vector builds (core/hash_fast.h) take
 * about half (AVX2) or a quarter (AVX-512) of the instructions of the
 * SSE2 build, unless SKIDX_SIMD narrows the choice (core/simd.h). */
static uint64_t checksum(const unsigned char *a, size_t na,
                         const unsigned char *b, size_t nb)
{
    return skidx_xxh3_sum2(a, na, b, nb);
}

/* How a load goes: the whole image as a run uses it, the whole image
 * proven (every database rebuilt, the taxonomy hash computed again), or
 * the first part alone. */
enum load_mode { LOAD_ALL, LOAD_PROVE, LOAD_TAXONOMY };

static skidx_status load_image(unsigned char *buf, size_t len, int fd,
                               const struct skidx_tcache_key *key,
                               const char *dir,
                               const struct skidx_taxonomy_files *f,
                               enum load_mode mode,
                               struct skidx_taxonomy **tax,
                               struct skidx_compiled **comp);

/* The proof a load relies on: image w[0..n) loads, with everything a
 * load checks, into a taxonomy whose hash, computed again, is c's. */
static skidx_status prove(const unsigned char *img, size_t n,
                          const struct skidx_compiled *c,
                          const struct skidx_tcache_key *key,
                          const struct skidx_taxonomy_files *f)
{
    void *copy = NULL;
    struct skidx_taxonomy *t;
    struct skidx_compiled *lc;
    if (posix_memalign(&copy, SKIDX_BLOB_ALIGN, n))
        return SKIDX_ERR_NOMEM;
    memcpy(copy, img, n);
    skidx_status st =
        load_image(copy, n, -1, key, c->tax->dir, f, LOAD_PROVE, &t, &lc);
    if (st) {
        free(copy);
        return st == SKIDX_ERR_NOMEM ? st : SKIDX_ERR_CORRUPT;
    }
    if (t->hash != c->tax->hash)
        st = SKIDX_ERR_CORRUPT;
    skidx_compiled_free(lc);
    skidx_taxonomy_free(t); /* and the copy with it */
    return st;
}

skidx_status skidx_tcache_save(const struct skidx_compiled *c,
                               const struct skidx_tcache_key *key,
                               const struct skidx_taxonomy_files *f,
                               unsigned char **buf, size_t *len)
{
    struct skidx_wblob w = {0}, dbs = {0};
    unsigned char hdr[SKIDX_TCACHE_HEADER] = {0};
    skidx_status st;
    *buf = NULL;
    *len = 0;
    skidx_wblob_put(&w, hdr, sizeof(hdr)); /* filled in below */
    put_taxonomy(&w, c->tax);
    const size_t tax_end = w.n;
    if ((st = skidx_matcher_serialize(c->skills, &w, &dbs)) ||
        (st = skidx_matcher_serialize(c->roles, &w, &dbs)) ||
        (st = skidx_matcher_serialize(c->levels, &w, &dbs)) ||
        (st = skidx_matcher_serialize(c->level_fields, &w, &dbs))) {
        free(w.p);
        free(dbs.p);
        return st;
    }
    skidx_section_rules_put(&c->tax->sections, &w);
    skidx_wblob_u32(&w, END_TAG);
    skidx_wblob_align(&w);
    const size_t tables_end = w.n;
    skidx_wblob_put(&w, dbs.p, dbs.n);
    free(dbs.p);
    if (w.oom || dbs.oom) {
        free(w.p);
        return SKIDX_ERR_NOMEM;
    }
    unsigned char *h = w.p;
    memcpy(h, MAGIC, 8);
    h[8] = (unsigned char)SKIDX_TCACHE_VERSION;
    memcpy(h + 16, key->digest, 16);
    le64(h + 32, c->tax->hash);
    le64(h + 40, w.n - SKIDX_TCACHE_HEADER);
    le64(h + H_TAX_BYTES, tax_end - SKIDX_TCACHE_HEADER);
    le64(h + H_TABLES_BYTES, tables_end - SKIDX_TCACHE_HEADER);
    le64(h + H_MATCH_SUM,
         checksum(NULL, 0, h + tax_end, tables_end - tax_end));
    le64(h + H_SUM, checksum(h, H_SUM, h + SKIDX_TCACHE_HEADER,
                             tax_end - SKIDX_TCACHE_HEADER));
    if ((st = prove(w.p, w.n, c, key, f))) {
        free(w.p);
        return st;
    }
    *buf = w.p;
    *len = w.n;
    return SKIDX_OK;
}

/* An empty taxonomy with the paths of `dir`, as the parser sets them. */
static struct skidx_taxonomy *taxonomy_shell(const char *dir)
{
    struct skidx_taxonomy *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    const size_t n = strlen(dir);
    static const char *const file[3] = {"skills.tsv", "roles.tsv",
                                        "sections.tsv"};
    char **path[3] = {&t->skills_path, &t->roles_path, &t->sections_path};
    t->dir = malloc(n + 1);
    if (t->dir)
        memcpy(t->dir, dir, n + 1);
    for (int i = 0; i < 3; i++) {
        const size_t m = strlen(file[i]);
        if ((*path[i] = malloc(n + m + 2))) {
            memcpy(*path[i], dir, n);
            (*path[i])[n] = '/';
            memcpy(*path[i] + n + 1, file[i], m + 1);
        }
    }
    if (!t->dir || !t->skills_path || !t->roles_path || !t->sections_path) {
        skidx_taxonomy_free(t); /* no image yet: frees what parsing would */
        return NULL;
    }
    return t;
}

/* The header's lengths (payload, taxonomy, tables) when they agree with
 * each other and with a file of file_len bytes; else 0. */
static int header_lengths(const unsigned char *header, uint64_t file_len,
                          uint64_t *p, uint64_t *t, uint64_t *m)
{
    *p = rd64(header + 40);
    *t = rd64(header + H_TAX_BYTES);
    *m = rd64(header + H_TABLES_BYTES);
    return !memcmp(header, MAGIC, 8) &&
           rd64(header + 8) == SKIDX_TCACHE_VERSION &&
           file_len >= SKIDX_TCACHE_HEADER &&
           *p == file_len - SKIDX_TCACHE_HEADER && *t <= *m && *m <= *p &&
           *m % SKIDX_BLOB_ALIGN == 0;
}

size_t skidx_tcache_taxonomy_bytes(const unsigned char *header,
                                   uint64_t file_len)
{
    uint64_t p, t, m;
    return header_lengths(header, file_len, &p, &t, &m)
               ? SKIDX_TCACHE_HEADER + (size_t)t
               : 0;
}

size_t skidx_tcache_tables_bytes(const unsigned char *header,
                                 uint64_t file_len)
{
    uint64_t p, t, m;
    return header_lengths(header, file_len, &p, &t, &m)
               ? SKIDX_TCACHE_HEADER + (size_t)m
               : 0;
}

/* The load of buf[0..len): the whole image (fd -1), its first two parts
 * with the third in the file open as fd (whose length must be the
 * image's), or (LOAD_TAXONOMY) its first part, which len must then be.
 * LOAD_PROVE computes the taxonomy hash again from what was loaded, which
 * must be the stored one (skidx_tcache_save proves each image so before
 * it is written; a load trusts the stored hash). On success fd belongs
 * to *tax. */
static skidx_status load_image(unsigned char *buf, size_t len, int fd,
                               const struct skidx_tcache_key *key,
                               const char *dir,
                               const struct skidx_taxonomy_files *f,
                               enum load_mode mode,
                               struct skidx_taxonomy **tax,
                               struct skidx_compiled **comp)
{
    static const unsigned char zero[SKIDX_BLOB_ALIGN];
    *tax = NULL;
    *comp = NULL;
    if ((uintptr_t)buf % SKIDX_BLOB_ALIGN)
        return SKIDX_ERR_USAGE;
    if (len < SKIDX_TCACHE_HEADER || memcmp(buf, MAGIC, 8))
        return SKIDX_ERR_CORRUPT;
    if (rd64(buf + 8) != SKIDX_TCACHE_VERSION)
        return SKIDX_ERR_VERSION;
    const uint64_t payload = rd64(buf + 40);
    const uint64_t part = rd64(buf + H_TAX_BYTES);
    const uint64_t tables = rd64(buf + H_TABLES_BYTES);
    /* the file's length, which the third part must end: a file truncated
     * before the load is refused here */
    uint64_t file_len = len;
    struct stat sb;
    if (fd >= 0)
        file_len = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0
                       ? (uint64_t)sb.st_size
                       : 0;
    const uint64_t part_end = mode == LOAD_TAXONOMY ? part
                              : fd >= 0             ? tables
                                                    : payload;
    if (memcmp(buf + 16, key->digest, 16) ||
        memcmp(buf + H_RESERVED, zero, H_SUM - H_RESERVED) || part > tables ||
        tables > payload || tables % SKIDX_BLOB_ALIGN ||
        (mode != LOAD_TAXONOMY &&
         file_len != SKIDX_TCACHE_HEADER + payload) ||
        part_end != len - SKIDX_TCACHE_HEADER ||
        checksum(buf, H_SUM, buf + SKIDX_TCACHE_HEADER, (size_t)part) !=
            rd64(buf + H_SUM) ||
        (mode != LOAD_TAXONOMY &&
         checksum(NULL, 0, buf + SKIDX_TCACHE_HEADER + part,
                  (size_t)(tables - part)) != rd64(buf + H_MATCH_SUM)))
        return SKIDX_ERR_CORRUPT;

    struct skidx_taxonomy *t = taxonomy_shell(dir);
    struct skidx_compiled *c = calloc(1, sizeof(*c));
    struct skidx_tcache_image *im = calloc(1, sizeof(*im));
    /* the reader ends with the first part, then with the payload */
    struct loader L = {{buf + SKIDX_TCACHE_HEADER, (size_t)part, 0, 0},
                       im ? &im->arena : NULL, 0};
    skidx_status st = SKIDX_ERR_NOMEM;
    uint64_t hash = 0;
    if (!t || !c || !im)
        goto fail;
    /* the databases: in buf, or read from fd (which im takes on success) */
    im->dbs.mem = fd >= 0 ? NULL : buf + SKIDX_TCACHE_HEADER + tables;
    im->dbs.fd = -1;
    im->dbs.at = SKIDX_TCACHE_HEADER + tables;
    im->dbs.len = payload - tables;
    im->dbs.used = 0;
    /* from here t's names, aliases and arrays are the image's and the
     * arena's: skidx_taxonomy_free() releases the image as a whole */
    t->image = im;
    c->tax = t;
    if (!get_taxonomy(&L, t) || L.r.off != L.r.n) {
        st = L.oom ? SKIDX_ERR_NOMEM : SKIDX_ERR_CORRUPT;
        goto fail;
    }
    if (mode == LOAD_TAXONOMY) {
        /* no matchers and no section rules: nothing will scan a text */
        t->hash = rd64(buf + 32);
        im->buf = buf;
        *tax = t;
        *comp = c;
        return SKIDX_OK;
    }
    L.r.n = (size_t)tables;
    if ((st = skidx_matcher_deserialize(&t->skills, t->n_skills, &L.r,
                                        L.arena, &im->dbs, &c->skills)) ||
        (st = skidx_matcher_deserialize(&t->roles, t->n_roles, &L.r,
                                        L.arena, &im->dbs, &c->roles)) ||
        (st = skidx_matcher_deserialize(&t->levels, t->n_levels, &L.r,
                                        L.arena, &im->dbs, &c->levels)) ||
        (st = skidx_matcher_deserialize(&t->level_fields, t->n_levels, &L.r,
                                        L.arena, &im->dbs,
                                        &c->level_fields)))
        goto fail;
    /* the section rules, in place (the key covers sections.tsv's bytes;
     * rules without the file, or the file without rules, are not the
     * taxonomy the key names) */
    if ((st = skidx_section_rules_get(&t->sections, &L.r)))
        goto fail;
    if (!t->sections.wtab != !f->has_sections) {
        st = SKIDX_ERR_CORRUPT;
        goto fail;
    }
    /* the end tag, then zeros to the third part (less than an alignment);
     * the databases fill the third part */
    if (skidx_rblob_u32(&L.r) != END_TAG || L.r.bad ||
        im->dbs.used != im->dbs.len ||
        L.r.n - L.r.off >= SKIDX_BLOB_ALIGN ||
        memcmp(L.r.p + L.r.off, zero, L.r.n - L.r.off)) {
        st = SKIDX_ERR_CORRUPT;
        goto fail;
    }
    /* what was loaded must be the taxonomy the image was made from */
    hash = rd64(buf + 32);
    if (mode == LOAD_PROVE) {
        /* and every Hyperscan database must rebuild (a load rebuilds
         * each on its first scan: skidx_matcher_damaged) */
        uint64_t again;
        if ((st = skidx_matcher_load_all(c->skills)) ||
            (st = skidx_matcher_load_all(c->roles)) ||
            (st = skidx_matcher_load_all(c->levels)) ||
            (st = skidx_matcher_load_all(c->level_fields)) ||
            (st = skidx_taxonomy_rehash(t, &again)))
            goto fail;
        if (again != hash) {
            st = SKIDX_ERR_CORRUPT;
            goto fail;
        }
    }
    t->hash = hash;
    im->buf = buf; /* the image is the taxonomy's from now on */
    im->dbs.fd = fd; /* and the file */
    *tax = t;
    *comp = c;
    return SKIDX_OK;
fail:
    skidx_compiled_free(c);
    if (!t || !t->image)
        skidx_tcache_image_free(im);
    skidx_taxonomy_free(t); /* and im with it, but not buf */
    return st;
}

skidx_status skidx_tcache_load(unsigned char *buf, size_t len,
                               const struct skidx_tcache_key *key,
                               const char *dir,
                               const struct skidx_taxonomy_files *f,
                               struct skidx_taxonomy **tax,
                               struct skidx_compiled **comp)
{
    return load_image(buf, len, -1, key, dir, f, LOAD_ALL, tax, comp);
}

skidx_status skidx_tcache_load_file(unsigned char *buf, size_t len, int fd,
                                    const struct skidx_tcache_key *key,
                                    const char *dir,
                                    const struct skidx_taxonomy_files *f,
                                    struct skidx_taxonomy **tax,
                                    struct skidx_compiled **comp)
{
    if (fd < 0)
        return SKIDX_ERR_USAGE;
    return load_image(buf, len, fd, key, dir, f, LOAD_ALL, tax, comp);
}

skidx_status skidx_tcache_load_taxonomy(unsigned char *buf, size_t len,
                                        const struct skidx_tcache_key *key,
                                        const char *dir,
                                        const struct skidx_taxonomy_files *f,
                                        struct skidx_taxonomy **tax,
                                        struct skidx_compiled **comp)
{
    return load_image(buf, len, -1, key, dir, f, LOAD_TAXONOMY, tax, comp);
}
