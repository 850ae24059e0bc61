/*
 * corpus_walk.h - the records of a corpus file (JSON Lines, CSV or TSV;
 * plain, zstd or gzip), one callback a record, read as `skidx index`
 * reads them: the shard reader, the CSV splitter and the JSON Lines
 * parser. Used by `skidx match` and `skidx taxonomy lint --corpus`, which
 * look at postings one by one and need no index.
 *
 * Skipped records are reported on stderr (`skidx: FILE:LINE: skipped
 * record: REASON`) and counted in `skipped`; they never reach the
 * callback. Not thread-safe: one walk, one thread.
 */
#ifndef SKIDX_CLI_CORPUS_WALK_H
#define SKIDX_CLI_CORPUS_WALK_H

#include "io/jsonl.h"

#include <stddef.h>
#include <stdint.h>

/* Called once a record; `r` and the text it points to are valid during
 * the call only. Return 0 to go on, nonzero to stop the walk (the value is
 * returned by corpus_walk_file). */
typedef int (*corpus_record_fn)(void *arg, const char *file, uint64_t line,
                                const struct skidx_jsonl_record *r);

struct corpus_walk {
    struct skidx_jsonl_keys keys; /* which key or column gives each field */
    int format;       /* enum skidx_shard_format, or -1: by the file name */
    uint64_t skipped; /* records skipped so far */
    corpus_record_fn on_record;
    void *arg;
    struct skidx_jbuf jb; /* the parser's buffer; released by
                             corpus_walk_release */
};

/* Default keys, format by name, nothing skipped. */
void corpus_walk_init(struct corpus_walk *w, corpus_record_fn fn, void *arg);
void corpus_walk_release(struct corpus_walk *w);

/* One JSON line (without its line break): parsed and handed to the
 * callback, or reported as skipped. Returns the callback's value, or 0. */
int corpus_walk_json_line(struct corpus_walk *w, const char *file,
                          uint64_t lineno, const char *line, size_t n);

/* Every record of the file at `path`. Returns 0, the callback's nonzero
 * value, or -1 when the file cannot be read (reported on stderr). */
int corpus_walk_file(struct corpus_walk *w, const char *path);

#endif
