/*
 * indexer.h - the indexing pipeline of the library (what `skidx index`
 * runs): shards -> records -> postings -> counts and posting-level
 * segments, on every core, with results that do not depend on the thread
 * count. It never prints: progress and messages about skipped records go
 * to the caller's callbacks, errors come back as values.
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
#ifndef SKIDX_BUILD_INDEXER_H
#define SKIDX_BUILD_INDEXER_H

#include "core/count.h"
#include "core/posting.h"
#include "io/jsonl.h"
#include "io/shard.h"
#include "skidx.h"

#include <signal.h>

/* Where a run is, for a progress line: given to the progress callback
 * at most four times a second while the run goes, and once at its end
 * (final = 1). */
struct skidx_index_progress {
    size_t shards_done, shards_total; /* read whole and committed */
    uint64_t bytes_in, bytes_total;   /* shard bytes read (as on disk) */
    uint64_t postings;                /* counted so far */
    double seconds;                   /* since the run started */
    int final;
};

/* A record skipped or repaired, for a message: only the first
 * max_examples of each cause in corpus order are given. `path` is the
 * shard's (valid during the call). */
struct skidx_index_message {
    const char *path;
    uint64_t line;  /* 1-based line of the record's start */
    uint64_t col;   /* 0-based byte in the line, UINT64_MAX when none */
    unsigned cause; /* enum skidx_cause; skidx_cause_is_fix(): repaired */
};

/* The callbacks run on any of the run's threads, one call at a time
 * (under the run's commit lock: keep them short, never call back into
 * the run). */
typedef void (*skidx_index_progress_fn)(void *arg,
                                        const struct skidx_index_progress *p);
typedef void (*skidx_index_message_fn)(void *arg,
                                       const struct skidx_index_message *m);

struct skidx_index_opts {
    int threads;               /* 0 = all cores */
    int keep_going;
    int allow_empty;           /* a shard or run without postings is fine */
    skidx_index_progress_fn on_progress; /* NULL: none */
    skidx_index_message_fn on_message;   /* NULL: none */
    void *cb_arg;                        /* given to both */
    /* polled between chunks: nonzero stops the run (SKIDX_ERR_INTERRUPTED);
     * a signal handler may set it. NULL: never. */
    const volatile sig_atomic_t *stop;
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
 * taxonomy, untouched otherwise: SKIDX_ERR_USAGE). Skipped and repaired
 * records are reported through opts->on_message; lost shards are listed
 * in the model (with keep_going). Returns SKIDX_OK, SKIDX_ERR_CORRUPT/IO when a shard
 * failed (err names the first in corpus order; with keep_going the model
 * is still complete for the other shards and lists every lost one with
 * its own fault), SKIDX_ERR_INTERRUPTED. See summary->empty too. */
skidx_status skidx_run_index(const struct skidx_shard_list *shards,
                             const struct skidx_compiled *compiled,
                             const struct skidx_index_opts *opts,
                             struct skidx_model *model,
                             struct skidx_index_summary *summary,
                             struct skidx_error *err);

/* A human description of a cause ("not JSON"). */
const char *skidx_cause_text(unsigned cause);

#endif
