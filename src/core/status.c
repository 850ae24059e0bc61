/*
 * status.c - error codes, error details and cause names: the vocabulary
 * that every other module reports failures in. No dependencies.
 */
#include "skidx.h"
#include "core/causes.h"

#include <stdint.h>
#include <string.h>

const char *skidx_strerror(skidx_status st)
{
    switch (st) {
    case SKIDX_OK: return "success";
    case SKIDX_ERR_NOMEM: return "out of memory";
    case SKIDX_ERR_IO: return "input/output error";
    case SKIDX_ERR_CORRUPT: return "corrupt data";
    case SKIDX_ERR_VERSION: return "unsupported format version";
    case SKIDX_ERR_USAGE: return "invalid argument";
    case SKIDX_ERR_TAXONOMY: return "invalid taxonomy";
    case SKIDX_ERR_HYPERSCAN: return "pattern engine error";
    case SKIDX_ERR_NOTFOUND: return "not found";
    case SKIDX_ERR_MISMATCH: return "incompatible indexes";
    case SKIDX_ERR_LIMIT: return "size limit reached";
    case SKIDX_ERR_INTERRUPTED: return "interrupted";
    case SKIDX_ERR_AMBIGUOUS: return "ambiguous name";
    }
    return "unknown error";
}

void skidx_error_clear(struct skidx_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof(*err));
    err->line = UINT64_MAX;
    err->offset = UINT64_MAX;
}

static const char *const cause_names[SKIDX_CAUSE_COUNT] = {
    [SKIDX_SKIP_NOT_JSON] = "not_json",
    [SKIDX_SKIP_NOT_OBJECT] = "not_object",
    [SKIDX_SKIP_BAD_STRING] = "bad_string",
    [SKIDX_SKIP_NUL_BYTE] = "nul_byte",
    [SKIDX_SKIP_TOO_LONG] = "too_long",
    [SKIDX_SKIP_NO_TEXT] = "no_text",
    [SKIDX_SKIP_TOO_DEEP] = "too_deep",
    [SKIDX_FIX_INVALID_UTF8] = "invalid_utf8",
    [SKIDX_FIX_LONE_SURROGATE] = "lone_surrogate",
    [SKIDX_FIX_WRONG_TYPE] = "wrong_type",
    [SKIDX_FIX_BAD_SALARY] = "bad_salary",
    [SKIDX_FIX_BAD_DATE] = "bad_date",
    [SKIDX_FIX_DUPLICATE_KEY] = "duplicate_key",
    [SKIDX_SKIP_CONTROL_CHAR] = "control_char",
    [SKIDX_SKIP_CSV_QUOTE] = "csv_quote",
    [SKIDX_SKIP_CSV_FIELDS] = "csv_fields",
};

const char *skidx_cause_name(unsigned cause)
{
    return cause < SKIDX_CAUSE_COUNT ? cause_names[cause] : "unknown";
}

#include "core/error.h"
#include <stdarg.h>
#include <stdio.h>

skidx_status skidx_fail(struct skidx_error *err, skidx_status st,
                        const char *path, uint64_t line, uint64_t offset,
                        const char *fmt, ...)
{
    if (!err)
        return st;
    err->status = st;
    snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
    err->line = line;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return st;
}

const char *skidx_quote(const char *s, size_t n, char out[SKIDX_QUOTE])
{
    enum { HEAD = 120, TAIL = 60 }; /* HEAD + 3 + TAIL < SKIDX_QUOTE */
    if (n < SKIDX_QUOTE) {
        memcpy(out, s, n); /* s need not end in a NUL */
        out[n] = '\0';
        return out;
    }
    size_t h = HEAD, t = n - TAIL;
    while (h && ((unsigned char)s[h] & 0xC0) == 0x80)
        h--; /* s[h] starts a character: s[0, h) is whole */
    while (t < n && ((unsigned char)s[t] & 0xC0) == 0x80)
        t++;
    memcpy(out, s, h);
    memcpy(out + h, "...", 3);
    memcpy(out + h + 3, s + t, n - t);
    out[h + 3 + (n - t)] = '\0';
    return out;
}

const char *skidx_version(void)
{
    return SKIDX_VERSION_STRING;
}

unsigned skidx_version_number(void)
{
    return SKIDX_VERSION_NUMBER;
}
