/*
 * out.h - output helpers of the CLI: messages on stderr in one voice
 * ("skidx: failure: subject"), and the three output formats of tabular
 * results (aligned table, CSV per RFC 4180, JSON array of objects).
 */
#ifndef SKIDX_CLI_OUT_H
#define SKIDX_CLI_OUT_H

#include "skidx.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2, EXIT_INTERRUPTED = 130 };

void cli_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "skidx: <what>: <path>:<line>: <msg>" from an error. */
void cli_report(const char *what, const struct skidx_error *err);
/* The same for a call that returned `st`: when `err` does not describe
 * that failure (a bare SKIDX_ERR_NOMEM, say), the text of `st` is shown,
 * so out of memory reads "out of memory", never "success". */
void cli_report_st(const char *what, skidx_status st,
                   const struct skidx_error *err);

/* ---- numbers and lists of options: one strict parser ----
 * A number is ASCII digits only (no sign, space or suffix) in [min, max];
 * a size may end in K, M or G (binary). On a bad value these print
 * "invalid OPT 'VALUE': ..." naming the option and return -1. */
int cli_parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max,
                  uint64_t *out);
int cli_parse_size(const char *opt, const char *s, uint64_t min, uint64_t max,
                   size_t *out);
/* A comma-separated list must be non-empty and have no empty element
 * (spaces around names do not count). Prints and returns -1 if not. */
int cli_check_list(const char *opt, const char *s);

/* ---- outputs ----
 * Before anything is read: refuse (message, EXIT_USAGE) an output that is
 * an input (the same path, or the same file by device and inode), an
 * existing output that is not a regular file (not a directory when
 * is_dir), and one whose directory does not exist. n_inputs paths; any
 * that cannot be stat'ed is compared by name only. Returns EXIT_OK. */
int cli_check_output(const char *out, int is_dir, const char *const *inputs,
                     size_t n_inputs);

struct skidx_atomic;
/* A report or export written through stdio into an atomic temporary
 * (io/atomic_file.h). cli_out_open prints and returns NULL on failure;
 * cli_out_commit flushes, fsyncs, closes and renames, printing and
 * returning -1 on failure (the old output then stays); cli_out_abort
 * drops the temporary. */
FILE *cli_out_open(struct skidx_atomic *a, const char *path);
int cli_out_commit(struct skidx_atomic *a, FILE *f);
void cli_out_abort(struct skidx_atomic *a, FILE *f);

/* SIGINT/SIGTERM: remove the live temporary output, if any, write `msg`
 * (if not NULL) to stderr and exit 130. With `graceful`, when no temporary
 * is live the handler only sets skidx_stop_requested (the caller stops at
 * its next check). */
void cli_install_signals(int graceful, const char *msg);
/* Set by that handler (graceful); the indexer polls it between chunks. */
extern volatile sig_atomic_t skidx_stop_requested;

/* At exit: flush and close standard output; on a write error print
 * "write error on standard output: <reason>" and return EXIT_DATA if rc
 * was EXIT_OK; else return rc. */
int cli_close_stdout(int rc);

/* 1234567 -> "1,234,567" in buf (n bytes); returns buf. */
const char *fmt_grouped(uint64_t v, char *buf, size_t n);

#include "cli/table.h"

#endif
