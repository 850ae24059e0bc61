/*
 * out.c - messages and the table / CSV / JSON printers of the CLI.
 */
#include "cli/out.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_msg(const char *fmt, ...)
{
    va_list ap;
    fputs("skidx: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_report(const char *what, const struct skidx_error *e)
{
    fputs("skidx: ", stderr);
    if (what && *what)
        fprintf(stderr, "%s: ", what);
    if (e->path[0]) {
        fprintf(stderr, "'%s'", e->path);
        if (e->line != UINT64_MAX)
            fprintf(stderr, ":%llu", (unsigned long long)e->line);
        if (e->offset != UINT64_MAX && e->line == UINT64_MAX)
            fprintf(stderr, " at byte %llu", (unsigned long long)e->offset);
        fputs(": ", stderr);
    }
    fputs(e->msg[0] ? e->msg : skidx_strerror(e->status), stderr);
    fputc('\n', stderr);
}

const char *fmt_grouped(uint64_t v, char *buf, size_t n)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

int parse_format(const char *s, enum out_format *f)
{
    if (!strcmp(s, "table"))
        *f = FMT_TABLE;
    else if (!strcmp(s, "csv"))
        *f = FMT_CSV;
    else if (!strcmp(s, "json"))
        *f = FMT_JSON;
    else
        return -1;
    return 0;
}

void table_init(struct table *t, size_t n_cols, const char *const *names,
                const enum col_kind *kinds)
{
    memset(t, 0, sizeof(*t));
    t->n_cols = n_cols;
    t->names = names;
    t->kinds = kinds;
}

int table_add_row(struct table *t, const char *const *cells)
{
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? t->cap_rows * 2 : 64;
        char **c = realloc(t->cells, cap * t->n_cols * sizeof(*c));
        if (!c)
            return -1;
        t->cells = c;
        t->cap_rows = cap;
    }
    for (size_t i = 0; i < t->n_cols; i++) {
        char *s = strdup(cells[i] ? cells[i] : "");
        if (!s)
            return -1;
        t->cells[t->n_rows * t->n_cols + i] = s;
    }
    t->n_rows++;
    return 0;
}

void table_release(struct table *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof(*t));
}

void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* Display width: count UTF-8 lead bytes (good enough for names). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

void table_print(const struct table *t, enum out_format f, FILE *out)
{
    size_t nc = t->n_cols;
    if (f == FMT_CSV) {
        for (size_t c = 0; c < nc; c++) {
            if (c)
                fputc(',', out);
            csv_field(out, t->names[c]);
        }
        fputc('\n', out);
        for (size_t r = 0; r < t->n_rows; r++) {
            for (size_t c = 0; c < nc; c++) {
                if (c)
                    fputc(',', out);
                csv_field(out, t->cells[r * nc + c]);
            }
            fputc('\n', out);
        }
        return;
    }
    if (f == FMT_JSON) {
        fputs("[", out);
        for (size_t r = 0; r < t->n_rows; r++) {
            fputs(r ? ",\n {" : "\n {", out);
            for (size_t c = 0; c < nc; c++) {
                const char *v = t->cells[r * nc + c];
                if (c)
                    fputs(", ", out);
                json_string(out, t->names[c]);
                fputs(": ", out);
                if (t->kinds[c] == COL_TEXT)
                    json_string(out, v);
                else
                    fputs(*v ? v : "null", out);
            }
            fputs("}", out);
        }
        fputs(t->n_rows ? "\n]\n" : "]\n", out);
        return;
    }
    size_t *w = calloc(nc, sizeof(*w));
    if (!w)
        return;
    for (size_t c = 0; c < nc; c++)
        w[c] = width(t->names[c]);
    for (size_t r = 0; r < t->n_rows; r++)
        for (size_t c = 0; c < nc; c++) {
            size_t x = width(t->cells[r * nc + c]);
            if (x > w[c])
                w[c] = x;
        }
    for (int pass = -1; pass < (int)t->n_rows; pass++) {
        for (size_t c = 0; c < nc; c++) {
            const char *v = pass < 0 ? t->names[c] : t->cells[pass * nc + c];
            size_t pad = w[c] - width(v);
            int right = t->kinds[c] != COL_TEXT;
            if (c)
                fputs("  ", out);
            if (right)
                fprintf(out, "%*s", (int)pad, "");
            fputs(v, out);
            if (!right && c + 1 < nc)
                fprintf(out, "%*s", (int)pad, "");
        }
        fputc('\n', out);
        if (pass < 0) {
            for (size_t c = 0; c < nc; c++) {
                if (c)
                    fputs("  ", out);
                for (size_t i = 0; i < w[c]; i++)
                    fputc('-', out);
            }
            fputc('\n', out);
        }
    }
    free(w);
}
