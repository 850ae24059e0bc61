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
    /* no posting-level sections: the model gets the count cube only (a
     * version-1 file; post.present stays 0) */
    int no_postings;
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
    /* 1: match every posting, also one that repeats a posting already
     * decided (by default its text is not read: the same index, less
     * work; a test compares the two) */
    int match_duplicates;
};

struct skidx_index_summary {
    double seconds;
    uint64_t repeats_passed; /* duplicates whose text was not matched
                                (opts->match_duplicates) */
    uint64_t shards_failed;
    int interrupted;
    /* Without allow_empty: the run counted no posting, or a shard that was
     * read whole has records but no posting; `empty_err` says which shard
     * and why (its main skip cause). The model is complete all the same. */
    int empty;
    struct skidx_error empty_err;
};

/* Index the shards into `model` (initialised by the caller from the
 * taxonomy, untouched otherwise: SKIDX_ERR_USAGE). `compiled` may come
 * without matchers (skidx_tcache_load_taxonomy) only when every shard is
 * an empty regular file (skidx_shard_list_all_empty; else
 * SKIDX_ERR_USAGE); a shard that is not empty when read then fails
 * (SKIDX_ERR_CORRUPT, "the shard was empty when the run started").
 * Skipped and repaired records are reported through opts->on_message;
 * lost shards are listed
 * in the model (with keep_going). Returns SKIDX_OK, SKIDX_ERR_CORRUPT/IO when a shard
 * failed (err names the first in corpus order; with keep_going the model
 * is still complete for the other shards and lists every lost one with
 * its own fault), SKIDX_ERR_NOMEM, the status of a posting that could
 * not be matched (err names its shard and line, the first in corpus
 * order; the run stops, keep_going or not: no shard is lost, the model
 * is not complete), SKIDX_ERR_INTERRUPTED. See summary->empty too. */
skidx_status skidx_run_index(const struct skidx_shard_list *shards,
                             const struct skidx_compiled *compiled,
                             const struct skidx_index_opts *opts,
                             struct skidx_model *model,
                             struct skidx_index_summary *summary,
                             struct skidx_error *err);

/* ---- the stages, for a run spread over processes (skidx-mpi) ----
 *
 * The same pipeline cut where processes must agree. Each process makes a
 * build over a contiguous range of the shard list (so corpus order is
 * process order, then this order; the first and last shards may be parts
 * of shards cut between processes, skidx_build_cut), and:
 *   1. skidx_build_process: reads its shards; each posting is decided
 *      against the earlier postings of this build only, and the results
 *      are held in corpus order (about 3 % of the text), examples kept;
 *   2. skidx_build_keys: the duplicate keys of its postings still counted,
 *      in corpus order; skidx_build_drop: drop[i] marks the i-th of those
 *      a repost of a posting earlier in the corpus (another process's);
 *   3. skidx_build_count: counts them into a table of the caller's;
 *   4. skidx_build_place, skidx_build_pack: their postings in corpus
 *      order: the segments wholly inside the build encoded, the rows of
 *      the segments shared with other builds as bytes, a buffer at a time;
 *      the writing process feeds every process's pieces, in process
 *      order, to skidx_build_put_segment and skidx_build_unpack (which
 *      cuts the shared segments).
 * The writer then merges the shard states of every process
 * (skidx_build_states_encode, skidx_build_states_merge), reports the examples of all
 * (skidx_build_report, in corpus order, through opts->on_message with the
 * budget of one run) and finishes the model (skidx_build_finish: the
 * last segment, sources, lost shards, statistics, the empty check and the
 * first failure, as skidx_run_index returns them; model->counts must
 * already hold the sums of every process's step-3 tables).
 * One thread calls these, in this order; opts and shards outlive b. */
struct skidx_build;
skidx_status skidx_build_create(const struct skidx_shard_list *shards,
                                const struct skidx_compiled *compiled,
                                const struct skidx_index_opts *opts,
                                size_t first, size_t end,
                                struct skidx_build **out);
void skidx_build_free(struct skidx_build *b);
/* Before skidx_build_process: the first shard of the range is read only
 * from the record whose first line is the first line starting at or after
 * uncompressed byte first_lo (a CSV record: the first record starting at
 * or after that line), and the last only up to the record before the same
 * point for last_hi (0 and UINT64_MAX: whole). Each part is read from the
 * shard's start, so its line numbers, faults and CSV header are those of
 * a whole run; the process before a cut at byte x ends where the one after
 * it begins. The parts of a shard, merged (skidx_build_states_merge),
 * count what the whole shard counts. */
void skidx_build_cut(struct skidx_build *b, uint64_t first_lo,
                     uint64_t last_hi);
/* SKIDX_OK, SKIDX_ERR_NOMEM, the status of the first posting (in
 * corpus order) that could not be matched (such as SKIDX_ERR_HYPERSCAN),
 * or SKIDX_ERR_INTERRUPTED; *shards_failed: one of the range's shards
 * failed (its state says why). */
skidx_status skidx_build_process(struct skidx_build *b, int *shards_failed);
/* *keys: malloc'd, freed by the caller; a key 0 is given as 1. */
skidx_status skidx_build_keys(const struct skidx_build *b, uint64_t **keys,
                              size_t *n);
void skidx_build_drop(struct skidx_build *b, const uint8_t *drop);
skidx_status skidx_build_count(struct skidx_build *b,
                               struct skidx_counts *counts);
/* An encoded segment of the whole run: number k, its rows, its bytes
 * (malloc'd; whoever holds the struct frees them). */
struct skidx_build_seg {
    uint8_t *bytes;
    size_t len;
    uint32_t k, rows;
};
/* Before packing: the build's postings are rows first_row... of the whole
 * run (the postings of the builds before it, summed). */
void skidx_build_place(struct skidx_build *b, uint64_t first_row);
/* The next piece of the build's postings, in corpus order: either rows in
 * buf (*len bytes of cap), or (seg->bytes set) a segment that lies wholly
 * inside the build, encoded here; *done once all are given (the held
 * results are freed as they go). Only the rows of the segments the build
 * shares with its neighbours travel as rows. SKIDX_ERR_LIMIT: a row over
 * cap. */
skidx_status skidx_build_pack(struct skidx_build *b, uint8_t *buf, size_t cap,
                              size_t *len, int *done,
                              struct skidx_build_seg *seg);
/* Writer: segment seg (taking its bytes) as the next of the model;
 * SKIDX_ERR_CORRUPT when it is not (rows of an open segment wait). */
skidx_status skidx_build_put_segment(struct skidx_build *b,
                                     struct skidx_model *model,
                                     struct skidx_build_seg *seg);
/* SKIDX_ERR_CORRUPT: bytes that skidx_build_pack did not make. */
skidx_status skidx_build_unpack(struct skidx_build *b,
                                struct skidx_model *model, const uint8_t *buf,
                                size_t len);
/* The states of the build's shards (what was read, counted, skipped,
 * whether it failed and why), encoded with fixed-width little-endian
 * fields (indexer.c, "on the wire"), so that processes need not share a
 * struct layout. Returns the bytes; writes them to out unless NULL. */
size_t skidx_build_states_encode(const struct skidx_build *b, uint8_t *out);
/* Writer: take the encoded states of every process, one call a process in
 * process order (its own too). The first part of a shard sets its state;
 * the parts after it (a shard cut between processes, skidx_build_cut) add
 * their counts, and the first failure in corpus order stands.
 * SKIDX_ERR_CORRUPT: bytes that skidx_build_states_encode did not make. */
skidx_status skidx_build_states_merge(struct skidx_build *b,
                                      const uint8_t *in, size_t len);
/* The kept examples in corpus order, encoded (28 bytes each, indexer.c);
 * *n of them. Returns the bytes; writes them to out unless NULL. */
size_t skidx_build_examples_encode(const struct skidx_build *b, uint8_t *out,
                                   size_t *n);
/* Writer: report the encoded examples of every process (in corpus order,
 * len bytes), through opts->on_message, with the budget of one run. */
void skidx_build_report(struct skidx_build *b, const uint8_t *examples,
                        size_t len);
skidx_status skidx_build_finish(struct skidx_build *b,
                                struct skidx_model *model,
                                struct skidx_index_summary *summary,
                                struct skidx_error *err);

/* The owner's side of the exchange: dup[i] = 1 when keys[i] equals an
 * earlier key of the array (the keys in corpus order), else 0. */
skidx_status skidx_build_first_seen(const uint64_t *keys, size_t n,
                                    uint8_t *dup);

/* A human description of a cause ("not JSON"). */
const char *skidx_cause_text(unsigned cause);

#endif
