/*
 * hash_avx2.c - XXH3-64 (unseeded) compiled for AVX2, for the in-memory
 * duplicate key. XXH3 gives the same value on every vector width, so this
 * is only a faster path to the same number; posting.c calls it when the
 * CPU has AVX2. The file is compiled with -mavx2 (CMakeLists.txt) and no
 * other function lives here.
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
#endif
