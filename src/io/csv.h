/*
 * csv.h - CSV and TSV shards (RFC 4180): a header row names the fields,
 * quoted fields may hold the separator, doubled quotes and line breaks.
 *
 * Three parts, one state machine:
 * - the scanner finds where records end (a '\n' outside quotes), with no
 *   allocation, so a shard's reader can cut its stream into pieces of whole
 *   records that other threads parse;
 * - the splitter does that cutting over the views of a shard reader
 *   (io/shard.h), keeps the header, and drops records that are too long
 *   or never end;
 * - the record parser pulls the wanted fields out of one record.
 * The scanner and the parser read bytes by the same rules, so a record the
 * splitter cut is the record the parser reads.
 *
 * Rules (documented for users in README "When input is bad"):
 * - A quote opens a quoted field only at the field's start; inside it, a
 *   doubled quote is one quote and a line break is text. A quote elsewhere
 *   in an unquoted field, and text after a closing quote, are kept as text
 *   (as Python's csv module reads them).
 * - Records end at '\n' outside quotes; a '\r' just before it is dropped
 *   (CRLF), as is a UTF-8 BOM at the start of the header.
 * - A record with only blank space is no record (as a blank JSON line);
 *   blank lines before the header are skipped.
 * - A record with another number of fields than the header:
 *   SKIDX_SKIP_CSV_FIELDS. A quoted field still open at the end of the
 *   file: SKIDX_SKIP_CSV_QUOTE. A NUL byte: SKIDX_SKIP_NUL_BYTE; another
 *   control byte but TAB, CR, LF: SKIDX_SKIP_CONTROL_CHAR (both as in JSON).
 * - Invalid UTF-8 in a wanted field becomes U+FFFD (one per maximal invalid
 *   subpart) and sets SKIDX_FIX_INVALID_UTF8, as in JSON.
 * - An empty field is an absent value; any other is a string.
 *
 * Thread-safety: a header is read-only once parsed and shared; a splitter
 * is one shard's, used by one thread; each thread owns its scratch.
 */
#ifndef SKIDX_IO_CSV_H
#define SKIDX_IO_CSV_H

#include "io/jsonl.h"
#include "io/shard.h"
#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

/* Columns a header may have (more: the shard is refused). */
#define SKIDX_CSV_MAX_COLUMNS 65536

/* ---- the scanner ---- */
enum skidx_csv_state {
    SKIDX_CSV_FIELD_START = 0, /* at a field's first byte */
    SKIDX_CSV_UNQUOTED,        /* inside an unquoted field */
    SKIDX_CSV_QUOTED,          /* inside quotes */
    SKIDX_CSV_QUOTE_SEEN       /* a quote inside quotes: closing or doubled */
};

/* Advance `*state` over p[0..n) up to and including the first '\n' that
 * ends a record. Returns the bytes consumed: n when no record ended (then
 * *ended = 0), else the offset just after that '\n' (*ended = 1, and the
 * state is back at FIELD_START). */
size_t skidx_csv_scan(unsigned char *state, char sep, const char *p, size_t n,
                      int *ended);

/* ---- the header ---- */
struct skidx_csv_header {
    char sep;                   /* ',' or '\t' */
    size_t n_cols;
    int col_of[SKIDX_F_COUNT];  /* the column of each field, or -1 */
    int32_t *field_of;          /* per column: the field, or -1; owned */
};

/* Read the header record rec[0..len) (its '\n' and a leading BOM may be
 * included). A field's column is the first whose name equals its key
 * (keys: skidx_jsonl_keys, defaults or --field), ASCII caseless, trimmed
 * of spaces; for a field still on its default key, else the first of its
 * aliases present (skidx_csv_aliases). Errors (err->msg says which):
 * SKIDX_ERR_CORRUPT when the header is not a record, has more than
 * SKIDX_CSV_MAX_COLUMNS columns, or names neither the title nor the
 * description; SKIDX_ERR_NOMEM. Release with skidx_csv_header_release. */
skidx_status skidx_csv_header_parse(const struct skidx_jsonl_keys *keys,
                                    char sep, const char *rec, size_t len,
                                    struct skidx_csv_header *h,
                                    struct skidx_error *err);
void skidx_csv_header_release(struct skidx_csv_header *h);

/* The aliases of a field's default key, in the order they are tried,
 * ending with NULL (e.g. title: job_title, job title, position...). */
const char *const *skidx_csv_aliases(unsigned field);

/* ---- one record ---- */

/* Returned by skidx_csv_parse for a blank record (nothing to count). */
#define SKIDX_CSV_BLANK (SKIDX_CAUSE_COUNT + 2)

/* Parse the record at p[0..n): up to and including its ending '\n', or to
 * n when none comes. *used: its length; *newlines: the '\n's in it.
 * Returns SKIDX_CAUSE_COUNT when usable (out->fixes may have
 * SKIDX_FIX_INVALID_UTF8), SKIDX_CSV_BLANK, a SKIDX_SKIP_* cause (then
 * *err_col, if not NULL, is the 0-based byte in the record where the fault
 * shows), or SKIDX_CAUSE_COUNT + 1 when scratch could not grow. Values
 * point into p or into scratch (valid until its next use). Never reads
 * outside p[0..n). */
unsigned skidx_csv_parse(const struct skidx_csv_header *h, const char *p,
                         size_t n, size_t *used, uint64_t *newlines,
                         struct skidx_jsonl_record *out,
                         struct skidx_jbuf *scratch, size_t *err_col);

/* ---- the splitter ---- */
struct skidx_csv_splitter;

/* A piece of a shard: whole records (chunk.data, borrowed: valid until
 * the next call on the splitter), with, before them, at most one record
 * that was dropped (drop_cause SKIDX_SKIP_TOO_LONG or SKIDX_SKIP_CSV_QUOTE,
 * or SKIDX_CAUSE_COUNT for none) starting at line drop_line. */
struct skidx_csv_piece {
    struct skidx_chunk chunk;
    unsigned drop_cause;
    uint64_t drop_line;
};

skidx_status skidx_csv_splitter_create(char sep, size_t max_record,
                                       const struct skidx_jsonl_keys *keys,
                                       struct skidx_csv_splitter **out);
void skidx_csv_splitter_free(struct skidx_csv_splitter *sp);

/* Hand the splitter the shard reader's next view (whole lines), or NULL
 * at the end of the shard; then call skidx_csv_splitter_next until it
 * gives no piece. The first record of the shard is the header (parsed
 * here, never handed out). */
void skidx_csv_splitter_feed(struct skidx_csv_splitter *sp,
                             const struct skidx_chunk *view);

/* The next piece of what was fed: *got = 1 and `piece` filled, or *got = 0
 * when all of it was handed out. Errors: the header's
 * (skidx_csv_header_parse), with err->path left for the caller;
 * SKIDX_ERR_NOMEM. */
skidx_status skidx_csv_splitter_next(struct skidx_csv_splitter *sp,
                                     struct skidx_csv_piece *piece, int *got,
                                     struct skidx_error *err);

/* The header, once the first piece was handed out (NULL before). */
const struct skidx_csv_header *
skidx_csv_splitter_header(const struct skidx_csv_splitter *sp);

#endif
