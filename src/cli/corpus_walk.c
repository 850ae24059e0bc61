/*
 * corpus_walk.c - read a corpus file record by record for the commands
 * that look at postings without an index (corpus_walk.h).
 */
#include "cli/corpus_walk.h"
#include "build/indexer.h"
#include "cli/out.h"
#include "io/csv.h"
#include "io/shard.h"

#include <stdio.h>
#include <string.h>

void corpus_walk_init(struct corpus_walk *w, corpus_record_fn fn, void *arg)
{
    memset(w, 0, sizeof(*w));
    skidx_jsonl_keys_default(&w->keys);
    w->format = -1;
    w->on_record = fn;
    w->arg = arg;
}

void corpus_walk_release(struct corpus_walk *w)
{
    skidx_jbuf_release(&w->jb);
}

int corpus_walk_json_line(struct corpus_walk *w, const char *file,
                          uint64_t lineno, const char *line, size_t n)
{
    struct skidx_jsonl_record rec;
    size_t col = 0;
    unsigned cause = skidx_jsonl_parse(&w->keys, line, n, &rec, &w->jb, &col);
    if (cause != SKIDX_CAUSE_COUNT) {
        fprintf(stderr, "skidx: %s:%llu: skipped record: %s (byte %zu)\n",
                file, (unsigned long long)lineno, skidx_cause_text(cause),
                col + 1);
        w->skipped++;
        return 0;
    }
    return w->on_record(w->arg, file, lineno, &rec);
}

/* A CSV/TSV shard: its records, cut by the splitter as `index` cuts
 * them. */
static int walk_csv(struct corpus_walk *w, const char *path,
                    struct skidx_shard_reader *rd, char sep)
{
    struct skidx_csv_splitter *sp = NULL;
    struct skidx_error err;
    struct skidx_chunk c;
    memset(&c, 0, sizeof(c));
    skidx_error_clear(&err);
    if (skidx_csv_splitter_create(sep, 0, &w->keys, &sp)) {
        cli_msg("out of memory");
        return -1;
    }
    int rc = 0, end = 0;
    while (!rc && !end) {
        if (skidx_shard_reader_next(rd, &c, &err)) {
            cli_report("cannot read", &err);
            rc = -1;
            break;
        }
        end = c.n_lines == 0;
        skidx_csv_splitter_feed(sp, end ? NULL : &c);
        for (;;) {
            struct skidx_csv_piece pc;
            int got = 0;
            if (skidx_csv_splitter_next(sp, &pc, &got, &err)) {
                snprintf(err.path, sizeof(err.path), "%s", path);
                cli_report("cannot read", &err);
                rc = -1;
                break;
            }
            if (!got)
                break;
            if (pc.drop_cause != SKIDX_CAUSE_COUNT) {
                fprintf(stderr, "skidx: %s:%llu: skipped record: %s\n", path,
                        (unsigned long long)pc.drop_line,
                        skidx_cause_text(pc.drop_cause));
                w->skipped++;
            }
            const struct skidx_csv_header *h = skidx_csv_splitter_header(sp);
            size_t at = 0;
            uint64_t no = pc.chunk.first_line;
            while (!rc && at < pc.chunk.len) {
                size_t used = 0, col = SIZE_MAX;
                uint64_t nl = 0;
                struct skidx_jsonl_record rec;
                const unsigned cause =
                    skidx_csv_parse(h, pc.chunk.data + at, pc.chunk.len - at,
                                    &used, &nl, &rec, &w->jb, &col);
                const uint64_t here = no;
                at += used;
                no += nl;
                if (cause == SKIDX_CSV_BLANK)
                    continue;
                if (cause > SKIDX_CAUSE_COUNT) {
                    cli_msg("out of memory");
                    rc = -1;
                } else if (cause < SKIDX_CAUSE_COUNT) {
                    if (col != SIZE_MAX)
                        fprintf(stderr,
                                "skidx: %s:%llu: skipped record: %s (byte "
                                "%zu)\n",
                                path, (unsigned long long)here,
                                skidx_cause_text(cause), col + 1);
                    else
                        fprintf(stderr, "skidx: %s:%llu: skipped record: %s\n",
                                path, (unsigned long long)here,
                                skidx_cause_text(cause));
                    w->skipped++;
                } else {
                    rc = w->on_record(w->arg, path, here, &rec);
                }
            }
            if (rc)
                break;
        }
    }
    skidx_chunk_release(&c);
    skidx_csv_splitter_free(sp);
    return rc;
}

int corpus_walk_file(struct corpus_walk *w, const char *path)
{
    struct skidx_shard_reader *rd;
    struct skidx_error err;
    struct skidx_chunk c;
    memset(&c, 0, sizeof(c));
    skidx_error_clear(&err);
    if (skidx_shard_reader_open(path, NULL, &rd, &err)) {
        cli_report("cannot read", &err);
        return -1;
    }
    const enum skidx_shard_format fmt =
        w->format >= 0 ? (enum skidx_shard_format)w->format
                       : skidx_shard_format_of(path);
    if (fmt != SKIDX_FORMAT_JSONL) {
        const int rc = walk_csv(w, path, rd, fmt == SKIDX_FORMAT_TSV ? '\t'
                                                                     : ',');
        skidx_shard_reader_close(rd);
        return rc;
    }
    int rc = 0;
    while (!rc) {
        if (skidx_shard_reader_next(rd, &c, &err)) {
            cli_report("cannot read", &err);
            rc = -1;
            break;
        }
        if (!c.n_lines)
            break;
        const char *p = c.data, *end = c.data + c.len;
        uint64_t no = c.first_line;
        size_t li = 0;
        for (; p < end && !rc; no++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = (size_t)((nl ? nl : end) - p);
            const char *s = p;
            p = nl ? nl + 1 : end;
            if (li < c.n_long && c.long_lines[li] == no) {
                li++;
                fprintf(stderr, "skidx: %s:%llu: skipped record: %s\n", path,
                        (unsigned long long)no,
                        skidx_cause_text(SKIDX_SKIP_TOO_LONG));
                w->skipped++;
                continue;
            }
            if (n && s[n - 1] == '\r')
                n--;
            size_t k = 0;
            while (k < n && (s[k] == ' ' || s[k] == '\t'))
                k++;
            if (k == n)
                continue;
            rc = corpus_walk_json_line(w, path, no, s, n);
        }
    }
    skidx_chunk_release(&c);
    skidx_shard_reader_close(rd);
    return rc;
}
