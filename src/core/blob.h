/*
 * blob.h - a growable byte buffer to write, and a bounded cursor to read,
 * the private images of the compiled-taxonomy cache (core/tax_cache.h).
 * The writer is also the one growable buffer of the index writer
 * (io/index_write.c) and of the segment encoder (core/pindex_build.c).
 *
 * Values are little-endian (the cache is only ever read by the build that
 * wrote it, on the platform that wrote it, but the fixed byte order keeps
 * a foreign file from being misread as something plausible). A writer
 * that fails to grow sets `oom` and drops what follows; a reader that
 * would go past its end sets `bad` and returns zeros and NULL from then
 * on, so a decoder checks once at the end or before using a pointer.
 *
 * Arrays start at a multiple of SKIDX_BLOB_ALIGN from the blob's start,
 * and strings end in a NUL, so a reader whose buffer is so aligned uses
 * them in place: a loaded image is read once and never copied. What a
 * loader must build (arrays of pointers, Hyperscan databases) comes from
 * an arena, in chunks (the large ones prefaulted in one call: on virtual
 * machines where a page fault costs tens of microseconds, touching fresh
 * memory page by page would cost more than the whole load).
 */
#ifndef SKIDX_CORE_BLOB_H
#define SKIDX_CORE_BLOB_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SKIDX_BLOB_ALIGN 64

struct skidx_wblob {
    unsigned char *p; /* malloc'd; the owner frees it */
    size_t n, cap;
    int oom;
};

struct skidx_rblob {
    const unsigned char *p; /* not owned */
    size_t n, off;
    int bad;
};

/* Room for n more bytes (capacity doubles from 4 KiB); 0, and oom set,
 * when out of memory. */
static inline int skidx_wblob_room(struct skidx_wblob *w, size_t n)
{
    if (w->oom)
        return 0;
    if (w->cap - w->n < n) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap - w->n < n) {
            if (cap > SIZE_MAX / 2) {
                w->oom = 1;
                return 0;
            }
            cap *= 2;
        }
        unsigned char *np = realloc(w->p, cap);
        if (!np) {
            w->oom = 1;
            return 0;
        }
        w->p = np;
        w->cap = cap;
    }
    return 1;
}

static inline void skidx_wblob_put(struct skidx_wblob *w, const void *src,
                                   size_t n)
{
    if (!skidx_wblob_room(w, n))
        return;
    if (n)
        memcpy(w->p + w->n, src, n);
    w->n += n;
}

/* n more bytes, zeroed, for the caller to fill in: their address, valid
 * until the blob grows again; NULL when out of memory (oom set). */
static inline unsigned char *skidx_wblob_grow(struct skidx_wblob *w,
                                              size_t n)
{
    if (!skidx_wblob_room(w, n))
        return NULL;
    unsigned char *at = w->p + w->n;
    if (n)
        memset(at, 0, n);
    w->n += n;
    return at;
}

static inline void skidx_wblob_u32(struct skidx_wblob *w, uint32_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    skidx_wblob_put(w, b, 4);
}

static inline void skidx_wblob_u64(struct skidx_wblob *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    skidx_wblob_put(w, b, 8);
}

/* Zero bytes up to the next multiple of `align` (1 to SKIDX_BLOB_ALIGN). */
static inline void skidx_wblob_pad(struct skidx_wblob *w, size_t align)
{
    static const unsigned char zero[SKIDX_BLOB_ALIGN];
    skidx_wblob_put(w, zero, (align - w->n % align) % align);
}

/* Zero bytes up to the next multiple of SKIDX_BLOB_ALIGN. */
static inline void skidx_wblob_align(struct skidx_wblob *w)
{
    skidx_wblob_pad(w, SKIDX_BLOB_ALIGN);
}

/* An array: its byte length as u64, padding, the bytes (aligned). */
static inline void skidx_wblob_array(struct skidx_wblob *w, const void *src,
                                     size_t n)
{
    skidx_wblob_u64(w, n);
    skidx_wblob_align(w);
    skidx_wblob_put(w, src, n);
}

/* A string: its length as u64, the bytes, a NUL. */
static inline void skidx_wblob_str(struct skidx_wblob *w, const char *s,
                                   size_t n)
{
    skidx_wblob_u64(w, n);
    skidx_wblob_put(w, s, n);
    skidx_wblob_put(w, "", 1);
}

/* The next n bytes, or NULL (and bad set) when fewer are left. */
static inline const unsigned char *skidx_rblob_take(struct skidx_rblob *r,
                                                    size_t n)
{
    if (r->bad || r->n - r->off < n) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p + r->off;
    r->off += n;
    return p;
}

static inline uint32_t skidx_rblob_u32(struct skidx_rblob *r)
{
    const unsigned char *b = skidx_rblob_take(r, 4);
    uint32_t v = 0;
    for (int i = 0; b && i < 4; i++)
        v |= (uint32_t)b[i] << (8 * i);
    return v;
}

static inline uint64_t skidx_rblob_u64(struct skidx_rblob *r)
{
    const unsigned char *b = skidx_rblob_take(r, 8);
    uint64_t v = 0;
    for (int i = 0; b && i < 8; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

/* The next array (skidx_wblob_array) when it holds exactly `count`
 * elements of `size` bytes, in place; else NULL and bad. */
static inline const void *skidx_rblob_array(struct skidx_rblob *r,
                                            size_t count, size_t size)
{
    const uint64_t len = skidx_rblob_u64(r);
    const size_t pad = (SKIDX_BLOB_ALIGN - r->off % SKIDX_BLOB_ALIGN) %
                       SKIDX_BLOB_ALIGN;
    if (r->bad || (size && count > SIZE_MAX / size) ||
        len != (uint64_t)count * size || !skidx_rblob_take(r, pad)) {
        r->bad = 1;
        return NULL;
    }
    return skidx_rblob_take(r, (size_t)len);
}

/* The next array (skidx_wblob_array) of any length, in place: its bytes
 * and *n; NULL and bad when truncated. */
static inline const void *skidx_rblob_any(struct skidx_rblob *r, size_t *n)
{
    const uint64_t len = skidx_rblob_u64(r);
    const size_t pad = (SKIDX_BLOB_ALIGN - r->off % SKIDX_BLOB_ALIGN) %
                       SKIDX_BLOB_ALIGN;
    *n = 0;
    if (r->bad || !skidx_rblob_take(r, pad) || len > r->n - r->off) {
        r->bad = 1;
        return NULL;
    }
    *n = (size_t)len;
    return skidx_rblob_take(r, (size_t)len);
}

/* The next string (skidx_wblob_str), in place and NUL-terminated, its
 * length in *n when n is not NULL; NULL and bad when it is not one. */
static inline char *skidx_rblob_str(struct skidx_rblob *r, size_t *n)
{
    const uint64_t len = skidx_rblob_u64(r);
    if (r->bad || len >= r->n - r->off || r->p[r->off + len] != '\0' ||
        memchr(r->p + r->off, '\0', (size_t)len)) {
        r->bad = 1;
        return NULL;
    }
    if (n)
        *n = (size_t)len;
    /* the reader's buffer is the loaded image, owned and writable by
     * whoever owns the result: the strings are its `char *` fields */
    return (char *)skidx_rblob_take(r, (size_t)len + 1);
}

/* Prefault [p, p + n) writable in one call where the kernel can
 * (Linux >= 5.14); elsewhere a no-op, and the pages fault as touched. */
static inline void skidx_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    const uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    const uintptr_t a = ((uintptr_t)p + pg - 1) & ~(pg - 1);
    const uintptr_t b = ((uintptr_t)p + n) & ~(pg - 1);
    if (pg && b > a)
        (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

#define SKIDX_BIGBUF_UNIT ((size_t)2 << 20) /* one x86-64 huge page */

/* A block of at least n bytes that is about to be filled whole (a loaded
 * image, an arena chunk), aligned to SKIDX_BLOB_ALIGN at least, or NULL.
 * From 2 MiB on it is aligned to and sized in 2 MiB units, advised for
 * transparent huge pages and prefaulted, so that it costs a few page
 * faults rather than one per 4 KiB page (measured on a 2-vCPU VM: reading
 * and hashing an 8 MB image took 20 ms of CPU in 4 KiB pages, 1.2 ms in
 * huge pages). A smaller block comes from the heap, where it shares its
 * pages with the blocks around it (the CLI's heap is in huge pages,
 * cli/cmd_index.c huge_heap): a huge page of its own would be zeroed
 * whole by the kernel for the part of it used (an empty `skidx index`
 * touched six, 12 MB, for some 4 MB of data). Free with free(). */
static inline void *skidx_bigbuf(size_t n)
{
    void *p = NULL;
    if (n < SKIDX_BIGBUF_UNIT)
        return posix_memalign(&p, SKIDX_BLOB_ALIGN, n ? n : 1) ? NULL : p;
    const size_t cap = n > SIZE_MAX - SKIDX_BIGBUF_UNIT
                           ? 0
                           : (n + SKIDX_BIGBUF_UNIT - 1) &
                                 ~(SKIDX_BIGBUF_UNIT - 1);
    if (!cap || posix_memalign(&p, SKIDX_BIGBUF_UNIT, cap))
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, cap, MADV_HUGEPAGE);
#endif
    skidx_prefault(p, cap);
    return p;
}

/* A bump allocator over chunks (skidx_bigbuf), freed all at once. */
#define SKIDX_ARENA_CHUNK ((size_t)1 << 20)
struct skidx_arena_chunk {
    struct skidx_arena_chunk *next;
    size_t used, cap;
    _Alignas(SKIDX_BLOB_ALIGN) unsigned char mem[];
};

struct skidx_arena {
    struct skidx_arena_chunk *head;
};

/* n bytes, not cleared, aligned to `align` (a power of two up to
 * SKIDX_BLOB_ALIGN), or NULL when out of memory: for what the caller
 * writes whole before reading any of it. */
static inline void *skidx_arena_alloc_raw(struct skidx_arena *a, size_t n,
                                          size_t align)
{
    struct skidx_arena_chunk *c = a->head;
    size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
    if (!c || at > c->cap || c->cap - at < n) {
        if (n > SIZE_MAX - sizeof(*c) - SKIDX_BIGBUF_UNIT)
            return NULL;
        /* 1 MiB at least, in 64 KiB units below 2 MiB (a block of the
         * heap) and in 2 MiB units above (huge pages of its own) */
        size_t total = sizeof(*c) + (n > SKIDX_ARENA_CHUNK ? n
                                                             : SKIDX_ARENA_CHUNK);
        const size_t unit = total < SKIDX_BIGBUF_UNIT ? (size_t)64 << 10
                                                      : SKIDX_BIGBUF_UNIT;
        total = (total + unit - 1) & ~(unit - 1);
        if (!(c = skidx_bigbuf(total)))
            return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = total - sizeof(*c);
        a->head = c;
        at = 0;
    }
    c->used = at + n;
    return c->mem + at;
}

/* n bytes (zeroed), aligned to `align` (a power of two up to
 * SKIDX_BLOB_ALIGN), or NULL when out of memory. */
static inline void *skidx_arena_alloc(struct skidx_arena *a, size_t n,
                                      size_t align)
{
    void *p = skidx_arena_alloc_raw(a, n, align);
    if (p)
        memset(p, 0, n);
    return p;
}

static inline void skidx_arena_release(struct skidx_arena *a)
{
    for (struct skidx_arena_chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    a->head = NULL;
}

/* Where the stored Hyperscan databases of a loaded image are (its third
 * part, core/tax_cache.h): in memory (`mem`, the part's `len` bytes), or
 * in the cache file open as `fd`, from byte `at` of it. A database is read
 * from there, and its checksum checked, when it is first scanned
 * (core/match.c, "databases rebuilt on first use"). The databases lie
 * back to back in the order of their records; `used` counts the bytes of
 * the records read so far, so that a load checks that they fill the
 * part exactly (no byte of it is outside every database's checksum). */
struct skidx_tcache_dbs {
    const unsigned char *mem; /* NULL: read them from fd */
    int fd;                   /* -1 when mem holds them */
    uint64_t at, len;
    uint64_t used;
};

/* What a taxonomy loaded from a cache image owns (struct skidx_taxonomy's
 * `image`, core/tax_cache.h): the image, whose strings and arrays it uses
 * in place, the arena of what the load built (pointer arrays, the
 * databases' records), and the file its databases are read from (`dbs`:
 * fd, closed here). skidx_taxonomy_free() frees it. */
struct skidx_tcache_image {
    unsigned char *buf; /* NULL until the load succeeds: the caller's */
    struct skidx_arena arena;
    struct skidx_tcache_dbs dbs; /* fd -1 until the load succeeds */
};

static inline void skidx_tcache_image_free(struct skidx_tcache_image *im)
{
    if (!im)
        return;
    skidx_arena_release(&im->arena);
    free(im->buf);
    if (im->dbs.fd >= 0)
        (void)close(im->dbs.fd);
    free(im);
}

#endif
