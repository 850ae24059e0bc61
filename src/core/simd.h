/*
 * simd.h - which SIMD path a hot loop takes.
 *
 * Every loop with vector code (word mask and word lookup, JSON strings, the
 * duplicate key) picks its path once, from the CPU's features, narrowed by
 * a requested mode: tests and benchmarks ask for a narrower one to compare
 * them, and SKIDX_SIMD=scalar|avx2 in the environment narrows "best" the
 * same way for a whole run. All paths give the same results (tested).
 */
#ifndef SKIDX_CORE_SIMD_H
#define SKIDX_CORE_SIMD_H

#include <stdlib.h>
#include <string.h>

enum skidx_simd_mode {
    SKIDX_SIMD_BEST = 0,   /* the widest the CPU has */
    SKIDX_SIMD_SCALAR = 1, /* portable C */
    SKIDX_SIMD_AVX2 = 2,   /* AVX2 at most */
};

/* The requested mode, with SKIDX_SIMD applied when it is BEST. */
static inline int skidx_simd_mode(int requested)
{
    const char *e;
    if (requested != SKIDX_SIMD_BEST || !(e = getenv("SKIDX_SIMD")))
        return requested;
    if (!strcmp(e, "scalar"))
        return SKIDX_SIMD_SCALAR;
    if (!strcmp(e, "avx2"))
        return SKIDX_SIMD_AVX2;
    return SKIDX_SIMD_BEST;
}

#endif
