/*
 * jsonl.h - pull the named fields out of one JSON Lines record, without a
 * DOM, with correct string unescaping and UTF-8 checking.
 *
 * One call parses one line and validates all of it (a record whose tail is
 * broken is not half-counted). Only the wanted keys' string values are
 * unescaped; other values are validated and skipped.
 *
 * Rules (documented for users in README "When input is bad"):
 * - The line must hold exactly one JSON object, surrounded by optional
 *   whitespace; a trailing '\r' (CRLF endings) and a leading UTF-8 BOM are
 *   ignored. Anything else -> SKIDX_SKIP_NOT_JSON / SKIDX_SKIP_NOT_OBJECT.
 * - Strings: an unterminated string, an invalid escape (\x, \u12) or a raw
 *   control byte below 0x20 other than TAB -> SKIDX_SKIP_BAD_STRING.
 *   A raw NUL anywhere -> SKIDX_SKIP_NUL_BYTE (it wins over any other fault
 *   in the line). An escaped \u0000 is fine and decodes to a 0 byte.
 * - \uXXXX escapes decode to UTF-8, surrogate pairs combine; a lone surrogate
 *   in a wanted string becomes U+FFFD and sets the SKIDX_FIX_LONE_SURROGATE
 *   bit in `fixes`.
 * - Invalid UTF-8 in a wanted string becomes U+FFFD (one per maximal invalid
 *   subpart) and sets SKIDX_FIX_INVALID_UTF8; elsewhere it is tolerated.
 *   Fix bits are only set for values that are returned (unwanted values and
 *   keys are validated, never repaired).
 * - Keys match exactly, byte for byte, after unescaping ("ti\u0074le" is
 *   "title"); only the top-level object's keys are looked at.
 * - A wanted key that appears twice: the last value wins, and
 *   SKIDX_FIX_DUPLICATE_KEY is set.
 * - Nesting deeper than SKIDX_JSONL_MAX_DEPTH -> SKIDX_SKIP_TOO_DEEP (the
 *   top-level object is level 1).
 * - Wanted values of any type are reported with their type; the caller
 *   decides what a wrong type means.
 *
 * Thread-safety: the keys are read-only; each thread owns its scratch.
 */
#ifndef SKIDX_IO_JSONL_H
#define SKIDX_IO_JSONL_H

#include "core/causes.h"
#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

#define SKIDX_JSONL_MAX_DEPTH 64

/* The fields skidx reads, in a fixed order. */
enum skidx_field {
    SKIDX_F_ID = 0,
    SKIDX_F_TITLE,
    SKIDX_F_DESCRIPTION,
    SKIDX_F_COMPANY,
    SKIDX_F_LOCATION,
    SKIDX_F_POSTED,
    SKIDX_F_SALARY_MIN,
    SKIDX_F_SALARY_MAX,
    SKIDX_F_SALARY_PERIOD,
    SKIDX_F_CURRENCY,
    SKIDX_F_SENIORITY,
    SKIDX_F_COUNT
};

/* Which JSON key feeds each field. Names are copied in. */
struct skidx_jsonl_keys {
    char name[SKIDX_F_COUNT][128];
    size_t len[SKIDX_F_COUNT];
    uint32_t given; /* bit f: field f remapped (skidx_jsonl_keys_remap) */
};

/* The default key of each field: "id", "title", "description", ... as in
 * DESIGN.md (field name == key name). */
void skidx_jsonl_keys_default(struct skidx_jsonl_keys *keys);

/* Static canonical name of a field ("title"), or NULL out of range. */
const char *skidx_field_name(unsigned field);

/* Apply one remapping "FIELD=KEY" (e.g. "title=job_title").
 * SKIDX_ERR_USAGE with a message when FIELD is unknown, KEY empty or too
 * long, or '=' missing. */
skidx_status skidx_jsonl_keys_remap(struct skidx_jsonl_keys *keys,
                                    const char *spec,
                                    struct skidx_error *err);

/* skidx_jsonl_keys_remap() for options given by a user: a field already
 * remapped (by either function) to another key is SKIDX_ERR_USAGE,
 * naming both keys; the same mapping again is accepted. */
skidx_status skidx_jsonl_keys_remap_once(struct skidx_jsonl_keys *keys,
                                         const char *spec,
                                         struct skidx_error *err);

enum skidx_jtype {
    SKIDX_J_ABSENT = 0,
    SKIDX_J_STRING,
    SKIDX_J_NUMBER,
    SKIDX_J_TRUE,
    SKIDX_J_FALSE,
    SKIDX_J_NULL,
    SKIDX_J_OBJECT,
    SKIDX_J_ARRAY
};

/* One extracted value. STRING: unescaped, valid UTF-8, not NUL-terminated
 * (it may point into the line when it had no escape, or into the scratch).
 * NUMBER: the raw number text. OBJECT/ARRAY: the raw text span. */
struct skidx_jvalue {
    const char *ptr;
    size_t len;
    uint8_t type;
};

struct skidx_jsonl_record {
    struct skidx_jvalue f[SKIDX_F_COUNT];
    uint32_t fixes; /* bit (1u << cause) for each SKIDX_FIX_* applied */
};

/* Growable byte buffer owned by the caller, reused across calls. */
struct skidx_jbuf {
    char *data;
    size_t len, cap;
};
void skidx_jbuf_release(struct skidx_jbuf *b);

/* Parse one line (`len` bytes, no '\n'). Returns SKIDX_CAUSE_COUNT when
 * the record is usable (possibly with fixes), else the SKIDX_SKIP_* cause,
 * with *err_col set to the 0-based byte offset of the fault in the line
 * (for an unterminated string: its opening quote; `err_col` may be NULL).
 * On a skip every field of `out` is SKIDX_J_ABSENT and `fixes` is 0.
 * `scratch` may start zeroed; it is grown with realloc as needed and is
 * the caller's to free with skidx_jbuf_release().
 * String pointers in `out` stay valid until the next call with the same
 * scratch, and as long as the line's bytes. Never reads outside
 * line[0..len). Returns SKIDX_CAUSE_COUNT + 1 if scratch allocation failed. */
unsigned skidx_jsonl_parse(const struct skidx_jsonl_keys *keys,
                           const char *line, size_t len,
                           struct skidx_jsonl_record *out,
                           struct skidx_jbuf *scratch, size_t *err_col);

/* skidx_jsonl_parse() of the first line of text[0..len) (up to its '\n',
 * or len), its length in *line_len, found by the parse itself where the
 * line holds a usable record (no separate search for the '\n'). The parse
 * reads at most `max` bytes; a longer line is parsed again after a search
 * for its '\n' (so `max` bounds the scratch, not what is accepted). */
unsigned skidx_jsonl_parse_first(const struct skidx_jsonl_keys *keys,
                                 const char *text, size_t len, size_t max,
                                 struct skidx_jsonl_record *out,
                                 struct skidx_jbuf *scratch, size_t *err_col,
                                 size_t *line_len);

/* The record's fields as posting values (io/record.c): strings and
 * numbers as they are, null as the text "null" of type OTHER, objects,
 * arrays and booleans as OTHER. Pointers into `rec`. */
struct skidx_posting;
void skidx_jsonl_to_posting(const struct skidx_jsonl_record *rec,
                            struct skidx_posting *p);

#endif
