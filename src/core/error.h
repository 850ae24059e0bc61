/*
 * error.h - helpers to fill a struct skidx_error and return its status in
 * one line, in the spirit of zstd's RETURN_ERROR_IF.
 */
#ifndef SKIDX_CORE_ERROR_H
#define SKIDX_CORE_ERROR_H

#include "skidx.h"

/* Fill `err` (may be NULL) and return `st`. `path` may be NULL. */
skidx_status skidx_fail(struct skidx_error *err, skidx_status st,
                        const char *path, uint64_t line, uint64_t offset,
                        const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#define SKIDX_NOLINE UINT64_MAX
#define SKIDX_NOOFF UINT64_MAX

#define SKIDX_FORWARD(expr)                                                   \
    do {                                                                      \
        skidx_status skidx_fwd_st_ = (expr);                                  \
        if (skidx_fwd_st_ != SKIDX_OK)                                        \
            return skidx_fwd_st_;                                             \
    } while (0)

#endif
