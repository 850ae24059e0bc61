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

/* The whole file in memory, the same bytes as the streaming writer's:
 * *out is malloc'd, the caller frees it. The bytes depend only on the
 * model (no time, no host, no thread count). The model must hold its
 * segments (no sink: SKIDX_ERR_USAGE otherwise). */
skidx_status skidx_index_serialize(const struct skidx_model *m, uint8_t **out,
                                   size_t *len);

/* The limits of docs/FORMAT.md that a reader enforces, checked on the
 * dimensions of a model before anything is built: at most 4,096 roles and
 * 4,096 levels and 2^20 cells, 1 to 2^24 skills and categories, 1 to
 * 100,000 salary bins of a non-zero width, at most 12,000 months, 2^24
 * lost shards, and every string list under 4 GiB. Errors:
 * SKIDX_ERR_TAXONOMY (roles, levels, skills, categories, their names),
 * SKIDX_ERR_USAGE (the rest), with the limit in err->msg. */
skidx_status skidx_index_check_dims(uint32_t n_roles, uint32_t n_levels,
                                    uint32_t n_skills, uint32_t n_cats,
                                    struct skidx_error *err);
skidx_status skidx_model_check_limits(const struct skidx_model *m,
                                      struct skidx_error *err);

/* The streaming writer: open the temporary for `path` (as below), then
 * either attach it to a model's store so that its segments are written as
 * they complete (the model then keeps only their sizes), or let finish
 * write those the model holds; finish writes the rest (the model's
 * limits checked first), the header and table, and renames the file into
 * place. `postings`: the file has posting-level sections (the model's
 * post.present at finish must agree, else SKIDX_ERR_USAGE); without them
 * it is a version-1 file and nothing is written before finish. The
 * output's memory is one buffer of the sections besides SEGMENTS (the
 * cube), never the segments. finish and abort free o (abort removes the
 * temporary; NULL is a no-op). Errors as skidx_index_write; a failed
 * segment write is kept and returned by finish, and
 * skidx_index_out_error() describes it (path, errno text) at any time:
 * SKIDX_OK when there is none. Not thread-safe: one caller at a time
 * (the indexer calls the sink under its commit lock). */
struct skidx_index_out;
struct skidx_pstore;
skidx_status skidx_index_out_open(const char *path, int postings,
                                  struct skidx_index_out **o,
                                  struct skidx_error *err);
void skidx_index_out_attach(struct skidx_index_out *o,
                            struct skidx_pstore *ps);
/* The next segment's bytes (for a caller without a store). */
skidx_status skidx_index_out_segment(struct skidx_index_out *o,
                                     const uint8_t *p, size_t len);
skidx_status skidx_index_out_error(const struct skidx_index_out *o,
                                   struct skidx_error *err);
skidx_status skidx_index_out_finish(struct skidx_index_out *o,
                                    const struct skidx_model *m,
                                    struct skidx_error *err);
void skidx_index_out_abort(struct skidx_index_out *o);

/* Check the limits, serialise and write to `path` atomically
 * (io/atomic_file.h: a new file gets the umask's mode, a replaced one
 * keeps its mode; only a regular file is replaced). SIGINT/SIGTERM
 * handlers remove the temporary with skidx_atomic_remove_live().
 * Errors: SKIDX_ERR_IO with errno text; SKIDX_ERR_USAGE for an output
 * that is not a regular file or a model over the limits. */
skidx_status skidx_index_write(const struct skidx_model *m, const char *path,
                               struct skidx_error *err);

#endif
