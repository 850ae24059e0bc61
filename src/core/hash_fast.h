/*
 * hash_fast.h - XXH3-64 on the widest vector path the CPU has (AVX-512,
 * AVX2, else the portable build), narrowed by SKIDX_SIMD (core/simd.h).
 * XXH3 gives the same value on every path (tests/test_posting.c,
 * test_hash_paths), so these are only faster ways to the same numbers:
 * the in-memory duplicate key and title memo (unseeded), and the
 * compiled-taxonomy cache's checksums (seeded with SKIDX_HASH_SEED).
 */
#ifndef SKIDX_CORE_HASH_FAST_H
#define SKIDX_CORE_HASH_FAST_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t (*skidx_xxh3_fn)(const void *p, size_t n);

/* Unseeded XXH3-64 on the path `mode` (enum skidx_simd_mode, SKIDX_SIMD
 * applied to BEST) allows on this CPU. Pick once, call often. */
skidx_xxh3_fn skidx_xxh3_pick(int mode);

/* XXH3-64 seeded with SKIDX_HASH_SEED of a[0..na) followed by b[0..nb),
 * on the widest path SKIDX_SIMD allows. */
uint64_t skidx_xxh3_sum2(const void *a, size_t na, const void *b, size_t nb);

/* The same on the path `mode` allows (as skidx_xxh3_pick): for tests. */
uint64_t skidx_xxh3_sum2_on(int mode, const void *a, size_t na,
                            const void *b, size_t nb);

#endif
