/*
 * error.h - helpers to fill a struct skidx_error and return its status in
 * one line, in the spirit of zstd's RETURN_ERROR_IF.
 */
#ifndef SKIDX_CORE_ERROR_H
#define SKIDX_CORE_ERROR_H

#include "skidx.h"

#include <stddef.h>

/* Fill `err` (may be NULL) and return `st`. `path` may be NULL. */
skidx_status skidx_fail(struct skidx_error *err, skidx_status st,
                        const char *path, uint64_t line, uint64_t offset,
                        const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* A text an error message quotes (an alias, a regex; s[0..n), no NUL
 * needed), in `out` with a NUL: whole when shorter than SKIDX_QUOTE bytes,
 * else its first and last bytes around "...", cut between UTF-8
 * characters, so that what the message says after it still fits (struct
 * skidx_error's msg holds 512 bytes; the default taxonomy's degree
 * patterns are some 550). Returns out. */
#define SKIDX_QUOTE 200
const char *skidx_quote(const char *s, size_t n, char out[SKIDX_QUOTE]);

#define SKIDX_NOLINE UINT64_MAX
#define SKIDX_NOOFF UINT64_MAX

#define SKIDX_FORWARD(expr)                                                   \
    do {                                                                      \
        skidx_status skidx_fwd_st_ = (expr);                                  \
        if (skidx_fwd_st_ != SKIDX_OK)                                        \
            return skidx_fwd_st_;                                             \
    } while (0)

#endif
