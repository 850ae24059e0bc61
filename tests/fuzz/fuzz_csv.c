/*
 * fuzz_csv.c - libFuzzer target for the CSV splitter and record parser.
 *
 * The input (a '\n' added when it lacks one, as the shard reader does) is
 * a CSV shard. Its first byte picks the separator and where the views are
 * cut; it is fed to the splitter in those views, with a small record
 * limit. Checked invariants: every piece holds whole records (each parses
 * to a '\n', never to an open quote); pieces and dropped records account
 * for every line; without drops the pieces are exactly the text after the
 * header; every value the parser returns is valid UTF-8 inside the piece
 * or the scratch.
 *
 * Build (from the repository root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     tests/fuzz/fuzz_csv.c src/io/csv.c src/io/jsonl.c src/core/utf8.c \
 *     src/core/status.c -o fuzz_csv
 */
#include "core/utf8.h"
#include "io/csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t count_nl(const char *p, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == '\n';
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const unsigned mode = data[0];
    data++;
    size--;
    const char sep = mode & 1 ? '\t' : ',';
    const size_t every = 1 + ((mode >> 1) & 7); /* lines per view */
    const size_t max = 16 + ((mode >> 4) & 15) * 64;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    size_t n = size;
    if (n == 0 || text[n - 1] != '\n')
        text[n++] = '\n';
    const uint64_t total_lines = count_nl(text, n);

    struct skidx_jsonl_keys keys;
    skidx_jsonl_keys_default(&keys);
    struct skidx_csv_splitter *sp = NULL;
    if (skidx_csv_splitter_create(sep, max, &keys, &sp)) {
        free(text);
        return 0;
    }
    struct skidx_jbuf jb = {0};
    char *out = malloc(n + 1);
    size_t out_len = 0, drops = 0;
    uint64_t lines = 0;
    size_t at = 0;
    uint64_t line = 1;
    int failed = 0, done = 0;
    while (!done && !failed) {
        struct skidx_chunk v;
        memset(&v, 0, sizeof(v));
        if (at < n) {
            size_t e = at;
            size_t k = 0;
            while (e < n && k < every) {
                const char *q = memchr(text + e, '\n', n - e);
                e = (size_t)(q - text) + 1;
                k++;
            }
            v.data = text + at;
            v.len = e - at;
            v.first_line = line;
            v.n_lines = k;
            line += k;
            at = e;
            skidx_csv_splitter_feed(sp, &v);
        } else {
            skidx_csv_splitter_feed(sp, NULL);
            done = 1;
        }
        for (;;) {
            struct skidx_csv_piece pc;
            int got = 0;
            struct skidx_error err;
            if (skidx_csv_splitter_next(sp, &pc, &got, &err)) {
                failed = 1;
                break;
            }
            if (!got)
                break;
            const struct skidx_csv_header *h = skidx_csv_splitter_header(sp);
            /* a file of blank lines has no header: its one piece, at the
             * end, is empty and only counts the lines */
            if (!h && (pc.chunk.len || pc.drop_cause != SKIDX_CAUSE_COUNT))
                abort();
            if (!h) {
                lines += pc.chunk.n_lines;
                continue;
            }
            if (pc.drop_cause != SKIDX_CAUSE_COUNT)
                drops++;
            lines += pc.chunk.n_lines;
            size_t p = 0;
            while (p < pc.chunk.len) {
                size_t used = 0, col = 0;
                uint64_t nl = 0;
                struct skidx_jsonl_record rec;
                const unsigned c = skidx_csv_parse(
                    h, pc.chunk.data + p, pc.chunk.len - p, &used, &nl, &rec,
                    &jb, &col);
                if (c == SKIDX_SKIP_CSV_QUOTE || used == 0 ||
                    pc.chunk.data[p + used - 1] != '\n' ||
                    nl != count_nl(pc.chunk.data + p, used))
                    abort();
                if (c == SKIDX_CAUSE_COUNT)
                    for (unsigned f = 0; f < SKIDX_F_COUNT; f++) {
                        if (rec.f[f].type == SKIDX_J_ABSENT)
                            continue;
                        const char *s = rec.f[f].ptr;
                        const int in_rec = s >= pc.chunk.data + p &&
                                           s + rec.f[f].len <=
                                               pc.chunk.data + p + used;
                        const int in_scr = jb.data && s >= jb.data &&
                                           s + rec.f[f].len <= jb.data + jb.len;
                        if (rec.f[f].type != SKIDX_J_STRING ||
                            rec.f[f].len == 0 || (!in_rec && !in_scr) ||
                            skidx_utf8_check(s, rec.f[f].len) != SIZE_MAX)
                            abort();
                    }
                p += used;
            }
            memcpy(out + out_len, pc.chunk.data, pc.chunk.len);
            out_len += pc.chunk.len;
        }
    }
    if (!failed) {
        if (lines != total_lines)
            abort();
        if (drops == 0) {
            /* the pieces are the text after the header */
            /* the header, as the splitter reads it: the first record that
             * is not blank (blank ones before it are dropped, a BOM and
             * spaces, TABs and line breaks counting as blank) */
            size_t hk = 0;
            for (;;) {
                unsigned char st = SKIDX_CSV_FIELD_START;
                int ended = 0;
                const size_t h0 = hk;
                while (!ended && hk < n)
                    hk += skidx_csv_scan(&st, sep, text + hk, n - hk, &ended);
                size_t i = h0;
                if (hk - h0 >= 3 && !memcmp(text + h0, "\xEF\xBB\xBF", 3))
                    i += 3;
                while (i < hk && (text[i] == ' ' || text[i] == '\t' ||
                                  text[i] == '\r' || text[i] == '\n'))
                    i++;
                if (i < hk || hk >= n)
                    break;
            }
            if (out_len != n - hk || memcmp(out, text + hk, out_len) != 0)
                abort();
        }
    }
    skidx_jbuf_release(&jb);
    skidx_csv_splitter_free(sp);
    free(out);
    free(text);
    return 0;
}
