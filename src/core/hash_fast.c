/*
 * hash_fast.c - the choice of XXH3 build (hash_fast.h). The vector builds
 * live in hash_avx2.c and hash_avx512.c, each compiled for its ISA; this
 * file is compiled for the baseline and only picks.
 */
#include "core/hash_fast.h"
#include "core/hash.h"
#include "core/hash_impl.h"
#include "core/simd.h"

#ifdef SKIDX_HAVE_HASH_AVX2
uint64_t skidx_xxh3_avx2(const void *p, size_t n);
uint64_t skidx_xxh3_seeded2_avx2(const void *a, size_t na, const void *b,
                                 size_t nb, uint64_t seed);
#endif
#ifdef SKIDX_HAVE_HASH_AVX512
uint64_t skidx_xxh3_avx512(const void *p, size_t n);
uint64_t skidx_xxh3_seeded2_avx512(const void *a, size_t na, const void *b,
                                   size_t nb, uint64_t seed);
#endif

/* the portable build: xxHash's default vector (core/hash.h included it) */
SKIDX_XXH3_DEFINE(plain)

/* 2: AVX-512, 1: AVX2, 0: the portable build, for `mode` on this CPU */
static int path(int mode)
{
    mode = skidx_simd_mode(mode);
    if (mode == SKIDX_SIMD_SCALAR)
        return 0;
#ifdef SKIDX_HAVE_HASH_AVX512
    if (mode == SKIDX_SIMD_BEST && __builtin_cpu_supports("avx512f"))
        return 2;
#endif
#ifdef SKIDX_HAVE_HASH_AVX2
    if (__builtin_cpu_supports("avx2"))
        return 1;
#endif
    return 0;
}

skidx_xxh3_fn skidx_xxh3_pick(int mode)
{
    switch (path(mode)) {
#ifdef SKIDX_HAVE_HASH_AVX512
    case 2:
        return skidx_xxh3_avx512;
#endif
#ifdef SKIDX_HAVE_HASH_AVX2
    case 1:
        return skidx_xxh3_avx2;
#endif
    default:
        return skidx_xxh3_plain;
    }
}

uint64_t skidx_xxh3_sum2(const void *a, size_t na, const void *b, size_t nb)
{
    return skidx_xxh3_sum2_on(SKIDX_SIMD_BEST, a, na, b, nb);
}

uint64_t skidx_xxh3_sum2_on(int mode, const void *a, size_t na,
                            const void *b, size_t nb)
{
    switch (path(mode)) {
#ifdef SKIDX_HAVE_HASH_AVX512
    case 2:
        return skidx_xxh3_seeded2_avx512(a, na, b, nb, SKIDX_HASH_SEED);
#endif
#ifdef SKIDX_HAVE_HASH_AVX2
    case 1:
        return skidx_xxh3_seeded2_avx2(a, na, b, nb, SKIDX_HASH_SEED);
#endif
    default:
        return skidx_xxh3_seeded2_plain(a, na, b, nb, SKIDX_HASH_SEED);
    }
}
