/*
 * hash_avx512.c - XXH3-64 compiled for AVX-512 F (core/hash_impl.h's two
 * entry points): twice hash_avx2.c's accumulator width, the same values.
 * hash_fast.c calls them on CPUs with AVX-512 F when SKIDX_SIMD does not
 * narrow the choice. The file is compiled with -mavx512f (CMakeLists.txt)
 * and nothing else lives here.
 */
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && defined(__AVX512F__)
#define XXH_INLINE_ALL
#define XXH_VECTOR 3 /* XXH_AVX512 */
#include <xxhash.h>

#include "core/hash_impl.h"

SKIDX_XXH3_DEFINE(avx512)
#endif
