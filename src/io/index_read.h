/*
 * index_read.h - internal extras of the index reader (the public part is
 * in skidx.h): turning a validated index back into a model, for merge.
 */
#ifndef SKIDX_IO_INDEX_READ_H
#define SKIDX_IO_INDEX_READ_H

#include "core/count.h"
#include "core/pindex.h"
#include "skidx.h"

/* Copy everything the index holds into a fresh model (released by the
 * caller with skidx_model_release). */
skidx_status skidx_index_to_model(const struct skidx_index *idx,
                                  struct skidx_model *m);

/* The posting-level sections of a version-2 index, checked; NULL for a
 * version-1 index. Valid until skidx_index_close(). */
const struct skidx_pview *skidx_index_pview(const struct skidx_index *idx);

#endif
