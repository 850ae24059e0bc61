/*
 * hash_impl.h - the two XXH3-64 entry points skidx builds once per vector
 * ISA: SKIDX_XXH3_DEFINE(suffix) defines skidx_xxh3_<suffix>(p, n)
 * (unseeded, one buffer) and skidx_xxh3_seeded2_<suffix>(a, na, b, nb,
 * seed) (two buffers in sequence). The file that expands it chooses the
 * build: hash_avx2.c and hash_avx512.c set XXH_VECTOR and are compiled for
 * their ISA, hash_fast.c takes xxHash's default. Include <xxhash.h> (with
 * XXH_INLINE_ALL) first.
 */
#ifndef SKIDX_CORE_HASH_IMPL_H
#define SKIDX_CORE_HASH_IMPL_H

#include <stddef.h>
#include <stdint.h>

#define SKIDX_XXH3_DEFINE(sfx)                                              \
    uint64_t skidx_xxh3_##sfx(const void *p, size_t n);                    \
    uint64_t skidx_xxh3_##sfx(const void *p, size_t n)                     \
    {                                                                       \
        return XXH3_64bits(p, n);                                           \
    }                                                                       \
    uint64_t skidx_xxh3_seeded2_##sfx(const void *a, size_t na,            \
                                      const void *b, size_t nb,            \
                                      uint64_t seed);                       \
    uint64_t skidx_xxh3_seeded2_##sfx(const void *a, size_t na,            \
                                      const void *b, size_t nb,            \
                                      uint64_t seed)                        \
    {                                                                       \
        XXH3_state_t st;                                                    \
        XXH3_INITSTATE(&st);                                                \
        XXH3_64bits_reset_withSeed(&st, seed);                              \
        XXH3_64bits_update(&st, a, na);                                     \
        XXH3_64bits_update(&st, b, nb);                                     \
        return XXH3_64bits_digest(&st);                                     \
    }

#endif
