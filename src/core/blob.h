/*
 * blob.h - a growable byte buffer to write, and a bounded cursor to read,
 * the private images of the compiled-taxonomy cache (core/tax_cache.h).
 *
 * Values are little-endian (the cache is only ever read by the build that
 * wrote it, on the platform that wrote it, but the fixed byte order keeps
 * a foreign file from being misread as something plausible). A writer
 * that fails to grow sets `oom` and drops what follows; a reader that
 * would go past its end sets `bad` and returns zeros and NULL from then
 * on, so a decoder checks once at the end or before using a pointer.
 */
#ifndef SKIDX_CORE_BLOB_H
#define SKIDX_CORE_BLOB_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

static inline void skidx_wblob_put(struct skidx_wblob *w, const void *src,
                                   size_t n)
{
    if (w->oom)
        return;
    if (w->cap - w->n < n) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap - w->n < n) {
            if (cap > SIZE_MAX / 2) {
                w->oom = 1;
                return;
            }
            cap *= 2;
        }
        unsigned char *np = realloc(w->p, cap);
        if (!np) {
            w->oom = 1;
            return;
        }
        w->p = np;
        w->cap = cap;
    }
    if (n)
        memcpy(w->p + w->n, src, n);
    w->n += n;
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

/* A length-prefixed byte string (n as u64, then the bytes). */
static inline void skidx_wblob_bytes(struct skidx_wblob *w, const void *src,
                                     size_t n)
{
    skidx_wblob_u64(w, n);
    skidx_wblob_put(w, src, n);
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

/* A length-prefixed byte string: its bytes (NULL when bad) and *n. */
static inline const unsigned char *skidx_rblob_bytes(struct skidx_rblob *r,
                                                     size_t *n)
{
    const uint64_t len = skidx_rblob_u64(r);
    *n = 0;
    if (r->bad || len > r->n - r->off) {
        r->bad = 1;
        return NULL;
    }
    *n = (size_t)len;
    return skidx_rblob_take(r, (size_t)len);
}

/* A length-prefixed array of `count` elements of `size` bytes each, when
 * the stored length says exactly that; else NULL and bad. */
static inline const unsigned char *
skidx_rblob_array(struct skidx_rblob *r, size_t count, size_t size)
{
    size_t n;
    const unsigned char *p = skidx_rblob_bytes(r, &n);
    if (!p || (size && count > SIZE_MAX / size) || n != count * size) {
        r->bad = 1;
        return NULL;
    }
    return p;
}

#endif
