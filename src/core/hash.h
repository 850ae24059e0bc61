/*
 * hash.h - the one xxHash call the index format and the taxonomy hash
 * depend on: XXH3-64 with a fixed seed. Changing either is a format change.
 */
#ifndef SKIDX_CORE_HASH_H
#define SKIDX_CORE_HASH_H

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <stddef.h>
#include <stdint.h>

#define SKIDX_HASH_SEED 0x736b696478ull /* "skidx" */

static inline uint64_t skidx_hash64(const void *p, size_t n)
{
    return XXH3_64bits_withSeed(p, n, SKIDX_HASH_SEED);
}

#endif
