/*
 * index_write.h - serialise a model into the index format of
 * docs/FORMAT.md and write it atomically: a temp file in the target's
 * directory, fsync, rename over the target, fsync of the directory. The
 * target is only ever replaced by a complete file.
 */
#ifndef SKIDX_IO_INDEX_WRITE_H
#define SKIDX_IO_INDEX_WRITE_H

#include "core/count.h"
#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

/* The whole file in memory: *out is malloc'd, the caller frees it. The
 * bytes depend only on the model (no time, no host, no thread count). */
skidx_status skidx_index_serialize(const struct skidx_model *m, uint8_t **out,
                                   size_t *len);

/* Serialise and write to `path` atomically. While the temp file exists its
 * path is published through skidx_index_write_tmp_path() so that a signal
 * handler can unlink it. Errors: SKIDX_ERR_IO with errno text. */
skidx_status skidx_index_write(const struct skidx_model *m, const char *path,
                               struct skidx_error *err);

/* The temp file being written now, or NULL. Async-signal-safe to read. */
const char *skidx_index_write_tmp_path(void);

#endif
