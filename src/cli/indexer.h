/*
 * indexer.h - `skidx index`: shards -> records -> postings -> counts, on
 * every core, with results that do not depend on the thread count.
 *
 * Work splits by shard and, within a shard, by chunks of records: views of
 * the shard reader's buffers, parsed in place by the reading thread, or
 * for the last shards copies queued as OpenMP tasks for idle threads. Each
 * chunk is processed into a compact list of posting results;
 * results are committed in corpus order (shard, then chunk) under a lock:
 * the duplicate check ("the first copy in corpus order counts") and the
 * counting into the committing thread's own accumulator. The accumulators
 * are merged (exact integer sums) at the end. Commit costs a hash-set probe
 * and a few counter increments per posting; matching stays lock-free.
 */
#ifndef SKIDX_CLI_INDEXER_H
#define SKIDX_CLI_INDEXER_H

#include "core/count.h"
#include "core/posting.h"
#include "io/jsonl.h"
#include "io/shard.h"
#include "skidx.h"

#include <signal.h>

struct skidx_index_opts {
    int threads;               /* 0 = all cores */
    int keep_going;
    int allow_empty;           /* a shard or run without postings is fine */
    int quiet;
    int progress;              /* draw a progress line on stderr */
    size_t chunk_bytes;        /* 0 = default */
    size_t max_record_bytes;   /* 0 = default */
    unsigned max_examples;     /* reported lines per cause; default 5 */
    const char *currency;      /* "USD" */
    int format;                /* enum skidx_shard_format, or -1: by name */
    enum skidx_engine engine;
    struct skidx_jsonl_keys keys;
};

struct skidx_index_summary {
    double seconds;
    uint64_t shards_failed;
    int interrupted;
    /* Without allow_empty: the run counted no posting, or a shard that was
     * read whole has records but no posting; `empty_err` says which shard
     * and why (its main skip cause). The model is complete all the same. */
    int empty;
    struct skidx_error empty_err;
};

/* Index the shards into `model` (initialised by the caller from the
 * taxonomy). Messages about skipped records and lost shards go to stderr
 * (the CLI's job). Returns SKIDX_OK, SKIDX_ERR_CORRUPT/IO when a shard
 * failed (err names the first in corpus order; with keep_going the model
 * is still complete for the other shards and lists every lost one with
 * its own fault), SKIDX_ERR_INTERRUPTED. See summary->empty too. */
skidx_status skidx_run_index(const struct skidx_shard_list *shards,
                             const struct skidx_compiled *compiled,
                             const struct skidx_index_opts *opts,
                             struct skidx_model *model,
                             struct skidx_index_summary *summary,
                             struct skidx_error *err);

/* Set by the CLI's signal handler; the indexer stops at the next chunk. */
extern volatile sig_atomic_t skidx_stop_requested;

/* A human description of a cause ("not JSON"). */
const char *skidx_cause_text(unsigned cause);

#endif
