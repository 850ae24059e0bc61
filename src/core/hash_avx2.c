/*
 * hash_avx2.c - XXH3-64 compiled for AVX2 (core/hash_impl.h's two entry
 * points). XXH3 gives the same value on every vector width, so these are
 * only faster paths to the same numbers; hash_fast.c calls them on CPUs
 * with AVX2. The file is compiled with -mavx2 (CMakeLists.txt) and
 * nothing else lives here.
 */
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && defined(__AVX2__)
#define XXH_INLINE_ALL
#define XXH_VECTOR 2 /* XXH_AVX2 */
#include <xxhash.h>

#include "core/hash_impl.h"

SKIDX_XXH3_DEFINE(avx2)
#endif
