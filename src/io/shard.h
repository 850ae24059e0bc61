/*
 * shard.h - list the shards of a corpus and read each as a stream of chunks
 * of whole lines, decompressing zstd or gzip on the fly.
 *
 * Invariants:
 * - A shard is zstd when its first bytes are a zstd frame magic (or a
 *   skippable frame), gzip when they are 1F 8B (one member or several, one
 *   after another), whatever its name; another compression's magic is an
 *   error; else plain text. `named_zstd` says what the name claimed so the
 *   CLI can warn on a mismatch.
 * - Memory is bounded: the reader holds one input buffer, the decoder and
 *   the chunk being filled. A line longer than max_record_bytes is never
 *   held: its bytes are skipped up to the next '\n', it appears in the chunk
 *   as an empty line, and its line number is listed in chunk->long_lines.
 * - Every line in a chunk ends in '\n' (one is added after a last line that
 *   had none). Line numbers are 1-based and count every '\n'.
 *
 * Thread-safety: a reader is used by one thread at a time; chunks can be
 * handed to other threads (they own their memory).
 */
#ifndef SKIDX_IO_SHARD_H
#define SKIDX_IO_SHARD_H

#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

/* ---- corpus listing ---- */
struct skidx_shard_list {
    char **paths;     /* owned */
    uint64_t *sizes;  /* file sizes in bytes at listing time */
    size_t n, cap;
};

/* Add a file (any name is accepted when given explicitly) or a directory
 * (its *.jsonl, *.ndjson, *.csv and *.tsv files, each plain or with .zst or
 * .gz after it, not recursive, sorted bytewise by name). A FIFO given explicitly is listed without being
 * opened (its size as 0): the reader opens it, once. Errors: SKIDX_ERR_IO
 * when the path can't be opened or read, or is a device or socket;
 * SKIDX_ERR_NOTFOUND for a directory with no shard. */
skidx_status skidx_shard_list_add(struct skidx_shard_list *list,
                                  const char *path, struct skidx_error *err);
void skidx_shard_list_release(struct skidx_shard_list *list);

/* 1 when every listed shard is a regular file that is empty now (or none
 * is listed): a corpus with nothing to share among threads. A FIFO, a
 * file that cannot be looked at, or one with bytes gives 0. */
int skidx_shard_list_all_empty(const struct skidx_shard_list *list);

/* 1 when shards first..end-1 are regular files of limit bytes or fewer
 * in all, now and at listing time; a FIFO or a file that cannot be
 * looked at gives 0 (its size says nothing of its text). */
int skidx_shard_list_small(const struct skidx_shard_list *list, size_t first,
                           size_t end, uint64_t limit);

/* The text format of a shard. */
enum skidx_shard_format {
    SKIDX_FORMAT_JSONL = 0, /* one JSON object a line */
    SKIDX_FORMAT_CSV,       /* RFC 4180, comma-separated, a header row */
    SKIDX_FORMAT_TSV        /* the same with TAB between fields */
};

/* A shard's format by its name, ASCII caseless, after dropping one .gz,
 * .zst or .zstd: *.csv is CSV, *.tsv and *.tab TSV, anything else JSON
 * Lines (*.jsonl, *.ndjson, or an explicit file of any name). Compression
 * is never chosen by name (the reader looks at the magic number). */
enum skidx_shard_format skidx_shard_format_of(const char *path);

/* ---- chunks ---- */
struct skidx_chunk {
    char *data;        /* whole lines, each ending in '\n'; owned */
    size_t len, cap;
    uint64_t first_line; /* line number of the first line in data */
    uint64_t n_lines;    /* lines in data */
    uint64_t offset;     /* uncompressed byte offset of data[0] */
    uint64_t *long_lines; /* sorted line numbers skipped as too long; owned */
    size_t n_long, cap_long;
    int borrowed;        /* a view: data and long_lines are the reader's */
};
/* Free the chunk's memory and zero it. */
void skidx_chunk_release(struct skidx_chunk *c);

struct skidx_reader_opts {
    size_t chunk_bytes;      /* target chunk size; 0 = 1 MiB */
    size_t max_record_bytes; /* longest line held; 0 = 4 MiB */
    /* Optional: a slot where a closed reader leaves its view buffers for
     * the next reader opened with the same slot (one thread's readers, one
     * after another), so that their pages are not faulted in again. Free
     * what is left with skidx_shard_reader_spare_free. */
    void **spare;
    /* Optional: the size the shard had when listed (skidx_shard_list);
     * a regular file of another size when opened is refused. */
    int has_listed_size;
    uint64_t listed_size;
};

/* The size of a shard's text, uncompressed, as far as its first bytes say:
 * a plain file's size; a zstd frame's content size when its header gives
 * it (the first frame's only); a gzip shard's size modulo 2^32 (its last
 * member's trailer). 0 when unknown (a stream, another compression, a
 * frame without its size, an unreadable file). An estimate for cutting a
 * shard into parts of about equal work; nothing is checked. */
uint64_t skidx_shard_text_size(const char *path);

struct skidx_shard_reader;

/* Open a shard (once; a FIFO or pipe is read as a stream, and opening one
 * waits for its writer as open(2) does). Errors: SKIDX_ERR_IO with errno
 * text when it can't be opened or read; SKIDX_ERR_CORRUPT when it holds
 * data compressed with another format (bzip2, xz, lz4, zip: by magic
 * number) or when it is empty and named *.zst, *.zstd or *.gz (as `zstd -t`
 * and `gzip -t` say, a truncated frame or member). A regular file is checked at its end: read
 * gives SKIDX_ERR_IO "file changed while reading" when the bytes read are
 * not the size it had when opened, or its size changed. */
skidx_status skidx_shard_reader_open(const char *path,
                                     const struct skidx_reader_opts *opts,
                                     struct skidx_shard_reader **out,
                                     struct skidx_error *err);

/* Fill `c` with the next chunk, reusing its buffers. At the end of the
 * shard returns SKIDX_OK with c->n_lines == 0. A chunk holds at least one
 * line unless at the end. Errors: SKIDX_ERR_CORRUPT (zstd or gzip error,
 * truncated frame or member, trailing garbage) or SKIDX_ERR_IO, with err->path the shard and
 * err->offset the byte offset in the (compressed) file where it was found. */
skidx_status skidx_shard_reader_next(struct skidx_shard_reader *r,
                                     struct skidx_chunk *c,
                                     struct skidx_error *err);

/* Like skidx_shard_reader_next, but the chunk borrows the reader's memory
 * (chunk->borrowed), valid until the next call on the reader. For a zstd
 * shard the decoder writes straight into that memory, with no copy (see
 * shard.c, "Views"). The lines, their numbers, the long lines, offsets and
 * errors are those next() gives, with two differences: where one chunk
 * ends and the next begins (a view holds at least the frame's window, 2
 * MiB at zstd's usual levels), and a long line's bytes, which may be its
 * own text rather than nothing (skip the lines listed in long_lines). Do
 * not mix views and next() on one reader. */
skidx_status skidx_shard_reader_view(struct skidx_shard_reader *r,
                                     struct skidx_chunk *view,
                                     struct skidx_error *err);

void skidx_shard_reader_spare_free(void *spare);

int skidx_shard_reader_is_zstd(const struct skidx_shard_reader *r);
int skidx_shard_reader_is_gzip(const struct skidx_shard_reader *r);
int skidx_shard_reader_named_zstd(const struct skidx_shard_reader *r);
uint64_t skidx_shard_reader_bytes_in(const struct skidx_shard_reader *r);
uint64_t skidx_shard_reader_bytes_out(const struct skidx_shard_reader *r);
void skidx_shard_reader_close(struct skidx_shard_reader *r);

#endif
