/*
 * causes.h - why a record was skipped or repaired.
 *
 * The order and names are part of the index format (the META section stores
 * one counter per cause, in this order): append new causes at the end, never
 * reorder. Names are lowercase identifiers used in messages, `skidx info`
 * and the CSV/JSON exports.
 */
#ifndef SKIDX_CORE_CAUSES_H
#define SKIDX_CORE_CAUSES_H

enum skidx_cause {
    /* skipped: the record is not counted */
    SKIDX_SKIP_NOT_JSON = 0,    /* syntax error: not a JSON value */
    SKIDX_SKIP_NOT_OBJECT,      /* valid JSON but not an object */
    SKIDX_SKIP_BAD_STRING,      /* unterminated string or invalid escape */
    SKIDX_SKIP_NUL_BYTE,        /* a raw NUL byte in the line */
    SKIDX_SKIP_TOO_LONG,        /* over --max-record-bytes, never loaded */
    SKIDX_SKIP_NO_TEXT,         /* neither title nor description */
    SKIDX_SKIP_TOO_DEEP,        /* nesting deeper than the parser allows */
    /* repaired: the record is counted after a documented fix */
    SKIDX_FIX_INVALID_UTF8,     /* invalid UTF-8 replaced by U+FFFD */
    SKIDX_FIX_LONE_SURROGATE,   /* \uD800-\uDFFF alone replaced by U+FFFD */
    SKIDX_FIX_WRONG_TYPE,       /* a field of the wrong type was ignored */
    SKIDX_FIX_BAD_SALARY,       /* salary unparseable or out of range: unsalaried */
    SKIDX_FIX_BAD_DATE,         /* posted unparseable: undated */
    SKIDX_FIX_DUPLICATE_KEY,    /* a key repeated: the last value wins */
    /* appended after the first release (skipped, though after the fixes) */
    SKIDX_SKIP_CONTROL_CHAR,    /* a raw byte 0x01-0x1F (not TAB) in a string */
    SKIDX_SKIP_CSV_QUOTE,       /* CSV: a quoted field still open at the end */
    SKIDX_SKIP_CSV_FIELDS,      /* CSV: not as many fields as the header */
    SKIDX_CAUSE_COUNT
};

#define SKIDX_FIRST_FIX SKIDX_FIX_INVALID_UTF8
#define SKIDX_LAST_FIX SKIDX_FIX_DUPLICATE_KEY

/* 1 when records with this cause are counted after a repair, 0 when they
 * are skipped. */
static inline int skidx_cause_is_fix(unsigned cause)
{
    return cause >= SKIDX_FIRST_FIX && cause <= SKIDX_LAST_FIX;
}

/* Static name of a cause, e.g. "not_json"; "unknown" when out of range. */
const char *skidx_cause_name(unsigned cause);

#endif
