/*
 * hash_avx2.c - XXH3-64 compiled for AVX2: the in-memory duplicate key
 * (unseeded, one buffer) and the compiled-taxonomy cache image's checksum
 * (seeded, two buffers in sequence). XXH3 gives the same value on every
 * vector width, so these are only faster paths to the same numbers;
 * posting.c and tax_cache.c call them when the CPU has AVX2. The file is
 * compiled with -mavx2 (CMakeLists.txt) and nothing else lives here.
 */
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && defined(__AVX2__)
#define XXH_INLINE_ALL
#define XXH_VECTOR 2 /* XXH_AVX2 */
#include <xxhash.h>

uint64_t skidx_xxh3_avx2(const void *p, size_t n);
uint64_t skidx_xxh3_avx2(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}

uint64_t skidx_xxh3_seeded2_avx2(const void *a, size_t na, const void *b,
                                 size_t nb, uint64_t seed);
uint64_t skidx_xxh3_seeded2_avx2(const void *a, size_t na, const void *b,
                                 size_t nb, uint64_t seed)
{
    XXH3_state_t st;
    XXH3_INITSTATE(&st);
    XXH3_64bits_reset_withSeed(&st, seed);
    XXH3_64bits_update(&st, a, na);
    XXH3_64bits_update(&st, b, nb);
    return XXH3_64bits_digest(&st);
}
#endif
