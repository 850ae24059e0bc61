/*
 * resident.h - for the tests that check which pages a table touches.
 */
#ifndef SKIDX_TESTS_RESIDENT_H
#define SKIDX_TESTS_RESIDENT_H

#ifdef __linux__
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Pages of [p, p + n) mapped in (a read of a never-written page maps the
 * zero page: it counts too), or SIZE_MAX when the kernel cannot say. */
static inline size_t resident(const void *p, size_t n)
{
    const uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    const uintptr_t a = (uintptr_t)p & ~(pg - 1);
    const size_t pages = (size_t)(((uintptr_t)p + n - a + pg - 1) / pg);
    unsigned char *v = malloc(pages);
    size_t r = 0;
    if (!v || mincore((void *)a, pages * pg, v) != 0) {
        free(v);
        return SIZE_MAX;
    }
    for (size_t i = 0; i < pages; i++)
        r += v[i] & 1;
    free(v);
    return r;
}
#endif

#endif
