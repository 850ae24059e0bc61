/*
 * harness.h - the benchmark harness of skidx-bench (no external framework).
 *
 * A benchmark is one function that does a whole unit of work on input the
 * caller loaded into memory beforehand, and reports the work it did in a
 * struct bh_counters. The harness runs it `warmup` times untimed, then
 * `reps` times timed, and keeps the median, minimum and maximum wall time
 * (CLOCK_MONOTONIC). Throughput is computed from the bytes the caller
 * declares for one run: always uncompressed JSON Lines text, so that every
 * stage compares with the others and with the decompression floor.
 *
 * Correctness rules (STYLE.md habit 9):
 * - a benchmark whose function fails, or whose expected counters are zero,
 *   is BROKEN: it is listed as such and bh_finish() returns non-zero;
 * - counters that differ between repetitions give a warning (and the
 *   benchmark is marked "unstable" in the JSON file).
 *
 * Output: one line per benchmark on stdout as it finishes (a table), and
 * with bh_write_json() a JSON file with the machine facts, the exact
 * command line and every raw repetition time.
 *
 * Thread-safety: none; one harness per process, used from one thread.
 */
#ifndef SKIDX_BENCH_HARNESS_H
#define SKIDX_BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Work done by one run. */
struct bh_counters {
    uint64_t records; /* records (lines, postings) handled */
    uint64_t matches; /* alias hits, fields extracted, ... (benchmark's own) */
    uint64_t skills;  /* (posting, skill) pairs found */
};

/* Which counters must be non-zero for the run to count as real work. */
enum bh_expect {
    BH_EXPECT_RECORDS = 1u << 0,
    BH_EXPECT_MATCHES = 1u << 1,
    BH_EXPECT_SKILLS = 1u << 2,
};

/* One run: do the work, fill *out (zeroed by the harness). Return 0 on
 * success, non-zero on failure (the benchmark is then BROKEN). */
typedef int (*bh_fn)(void *ctx, struct bh_counters *out);

#define BH_MAX_REPS 1000

struct bh_result {
    char name[64];
    char note[128];       /* free text: engine, taxonomy, ... */
    uint64_t bytes;       /* uncompressed bytes one run covers */
    int reps;
    double secs[BH_MAX_REPS];
    double median, min, max;
    struct bh_counters counters; /* of the first timed run */
    int broken;           /* 1 = failed or found nothing */
    int unstable;         /* counters differed between repetitions */
    int skipped;          /* not run (input missing); not an error */
};

struct bh_harness {
    int reps, warmup;
    const char *filter;   /* substring a name must contain, or NULL */
    struct bh_result *res;
    size_t n, cap;
    int n_broken;
    char command[1024];   /* the command line, for the JSON file */
};

/* reps (1..BH_MAX_REPS) and warm-up runs; filter may be NULL. */
void bh_init(struct bh_harness *h, int reps, int warmup, const char *filter,
             int argc, char **argv);
void bh_release(struct bh_harness *h);

/* Does `name` pass the filter? Lets callers skip building a benchmark's
 * input when it will not run. */
int bh_selected(const struct bh_harness *h, const char *name);

/* Run one benchmark (if selected) and print its line. `bytes` is the
 * uncompressed text one run covers (0 = no throughput column). `expect` is
 * a set of enum bh_expect bits. Returns the result (owned by the harness,
 * valid until the next bh_run) or NULL when filtered out. */
const struct bh_result *bh_run(struct bh_harness *h, const char *name,
                               const char *note, uint64_t bytes,
                               unsigned expect, bh_fn fn, void *ctx);

/* Record a benchmark that could not run (its input is missing). */
void bh_skip(struct bh_harness *h, const char *name, const char *why);

/* Print the machine facts and the table header. */
void bh_print_header(const struct bh_harness *h, FILE *f);

/* Write every result as JSON to `path`. Returns 0 or -1 (errno set). */
int bh_write_json(const struct bh_harness *h, const char *path,
                  const char *corpus, const char *taxonomy);

/* Print the summary; returns the process exit status: 0, or 1 when any
 * benchmark was BROKEN. */
int bh_finish(const struct bh_harness *h, FILE *f);

/* Machine facts (static buffers, valid for the process lifetime). */
const char *bh_cpu_model(void);
int bh_cores(void);

/* Seconds from a monotonic clock. */
double bh_now(void);

#endif
