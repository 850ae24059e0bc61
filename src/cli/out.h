/*
 * out.h - output helpers of the CLI: messages on stderr in one voice
 * ("skidx: failure: subject"), and the three output formats of tabular
 * results (aligned table, CSV per RFC 4180, JSON array of objects).
 */
#ifndef SKIDX_CLI_OUT_H
#define SKIDX_CLI_OUT_H

#include "skidx.h"

#include <stdint.h>
#include <stdio.h>

enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2, EXIT_INTERRUPTED = 130 };

void cli_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "skidx: <what>: <path>:<line>: <msg>" from an error. */
void cli_report(const char *what, const struct skidx_error *err);

/* 1234567 -> "1,234,567" in buf (n bytes); returns buf. */
const char *fmt_grouped(uint64_t v, char *buf, size_t n);

enum out_format { FMT_TABLE = 0, FMT_CSV, FMT_JSON };
int parse_format(const char *s, enum out_format *f);

/* A result table: columns with names and kinds, rows of cells as text.
 * Numbers are kept as text exactly as they should appear in CSV/JSON;
 * the table printer right-aligns numeric columns. */
enum col_kind { COL_TEXT = 0, COL_INT, COL_REAL };

struct table {
    size_t n_cols;
    const char *const *names;
    const enum col_kind *kinds;
    char **cells; /* row-major, owned */
    size_t n_rows, cap_rows;
};

void table_init(struct table *t, size_t n_cols, const char *const *names,
                const enum col_kind *kinds);
/* Append a row: n_cols printf-style cell strings (already formatted). */
int table_add_row(struct table *t, const char *const *cells);
void table_print(const struct table *t, enum out_format f, FILE *out);
void table_release(struct table *t);

/* Write a JSON string literal (quotes included). */
void json_string(FILE *out, const char *s);

#endif
