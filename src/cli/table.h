/*
 * table.h - the one result-table layer of the CLI: every query mode, the
 * export and the report's data build a `struct table` (named columns of a
 * declared kind, rows of cells) and hand it to one printer per format:
 * aligned text, CSV, JSON (an array of records), JSON Lines, Markdown.
 *
 * Column names of the machine formats come from one registry (table.c,
 * documented column by column in docs/EXPORT.md): a name means the same
 * thing in every mode and table. Cells are text, formatted by the mode
 * for the output at hand; the kind says how a printer treats them (text
 * is quoted in JSON, numbers are not, and an empty number is null; the
 * text table right-aligns numbers). Nothing here reads an index.
 */
#ifndef SKIDX_CLI_TABLE_H
#define SKIDX_CLI_TABLE_H

#include <stddef.h>
#include <stdio.h>

enum out_format { FMT_TABLE = 0, FMT_CSV, FMT_JSON, FMT_JSONL, FMT_MD,
                  FMT_HTML };
/* "table", "csv", "json", "jsonl", "md" (or "markdown"). 0 or -1.
 * (FMT_HTML is the report's: a <table> element.) */
int parse_format(const char *s, enum out_format *f);
/* The machine formats: one row per observation, registry names only. */
static inline int format_is_machine(enum out_format f)
{
    return f == FMT_CSV || f == FMT_JSON || f == FMT_JSONL;
}

enum col_kind { COL_TEXT = 0, COL_INT, COL_REAL };

/* One column of the registry: its name, kind, unit ("" when none) and a
 * short meaning. */
struct column_def {
    const char *name;
    enum col_kind kind;
    const char *unit;
    const char *meaning;
};
/* The registry entry of `name`, or NULL. */
const struct column_def *column_find(const char *name);
/* The whole registry, n entries. */
const struct column_def *column_registry(size_t *n);

/* A result table: columns with names and kinds, rows of cells as text.
 * Numbers are kept as text exactly as they should appear in CSV/JSON;
 * the table printer right-aligns numeric columns. */
struct table {
    size_t n_cols;
    const char *const *names;
    const enum col_kind *kinds;
    char **cells; /* row-major, owned */
    size_t n_rows, cap_rows;
};

void table_init(struct table *t, size_t n_cols, const char *const *names,
                const enum col_kind *kinds);
/* Append a row: n_cols cell strings (already formatted; NULL = empty).
 * 0, or -1 when out of memory. */
int table_add_row(struct table *t, const char *const *cells);
/* The first column of a machine-format table whose name is not in the
 * registry, or NULL when all are. */
const char *table_unregistered(const struct table *t);
/* Print in format f. CSV follows RFC 4180 except that lines end in LF
 * (not CRLF): a header line, fields quoted when they hold a comma, quote,
 * CR or LF, quotes doubled. JSON: an array of objects, one a line. JSON
 * Lines: one object a line. Markdown: a pipe table, `\\ * | `` ` ``
 * escaped with a backslash, line breaks as spaces. HTML: a <table>,
 * numeric cells of class "n", `& < > "` escaped. */
void table_print(const struct table *t, enum out_format f, FILE *out);
void table_release(struct table *t);

/* Write a JSON string literal (quotes included). */
void json_string(FILE *out, const char *s);

#endif
