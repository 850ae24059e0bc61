/*
 * index_read.h - internal extras of the index reader (the public part is
 * in skidx.h): turning a validated index back into a model, for merge.
 */
#ifndef SKIDX_IO_INDEX_READ_H
#define SKIDX_IO_INDEX_READ_H

#include "core/count.h"
#include "skidx.h"

/* Copy everything the index holds into a fresh model (released by the
 * caller with skidx_model_release). */
skidx_status skidx_index_to_model(const struct skidx_index *idx,
                                  struct skidx_model *m);

#endif
