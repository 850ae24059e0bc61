/*
 * cmd_index.h - the parts of `skidx index` that skidx-mpi runs too: the
 * arguments, the corpus and taxonomy, and what happens after the run
 * (messages, the index written, the summary). All of them print their
 * failures; each returns -1 to go on, or the exit code.
 */
#ifndef SKIDX_CLI_CMD_INDEX_H
#define SKIDX_CLI_CMD_INDEX_H

#include "build/indexer.h"
#include "core/count.h"
#include "io/index_write.h"

struct cli_index {
    struct skidx_index_opts o; /* its callbacks print (arg: this) */
    const char *out, *tax_dir;
    unsigned tax_flags;
    int quiet, progress;
    const char *const *corpus; /* the corpus arguments, in argv */
    size_t n_corpus;
    struct skidx_shard_list shards;          /* cli_index_list */
    struct skidx_taxonomy *tax;              /* cli_index_taxonomy */
    struct skidx_compiled *comp;
    struct skidx_index_out *w;               /* cli_index_open_out */
};

/* Parse the options (clears ix first); EXIT_OK after --help. */
int cli_index_args(struct cli_index *ix, int argc, char **argv);
/* Refuse an output that is an input; list the shards. */
int cli_index_list(struct cli_index *ix);
/* Open the taxonomy (through the cache) and check it fits the format. */
int cli_index_taxonomy(struct cli_index *ix);
/* Make the output's temporary and attach it to the model's store, so that
 * its segments are written as they complete (before the run; the writing
 * process only). */
int cli_index_open_out(struct cli_index *ix, struct skidx_model *model);
/* After the run returned st (err, sum): report, write the model to
 * ix->out unless the run failed (through ix->w when it was opened; else
 * all at once), print the summary; the exit code. The temporary is
 * removed whenever no index is written. */
int cli_index_finish(struct cli_index *ix, struct skidx_model *model,
                     skidx_status st, const struct skidx_error *err,
                     const struct skidx_index_summary *sum);
void cli_index_release(struct cli_index *ix);
/* Keep freed memory for reuse while indexing (mallopt). */
void keep_freed_memory(void);
/* Then let the heap grow in 2 MiB pages (madvise): fewer page faults. */
void huge_heap(void);

#endif
