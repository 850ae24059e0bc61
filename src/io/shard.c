/*
 * shard.c - list the shards of a corpus and read each one as a stream of
 * chunks of whole lines, decompressing zstd on the fly.
 *
 * Reading, in one picture:
 *
 *   fd --read(2)--> inbuf (1 MiB) --ZSTD_decompressStream--> chunk->data
 *   fd --read(2)-----------------------------------------------^ (plain)
 *
 * The decoder writes straight into the caller's chunk buffer, and plain
 * text is read straight into it: no staging copy. Each produced block is
 * scanned once: memchr for the end of the line in progress, memrchr for the
 * last '\n', and a SIMD loop counting the '\n's in between. When the chunk
 * is full, the bytes after its last '\n' (a partial line) are pushed back
 * into the reader's `pend` queue, which the next call drains first.
 *
 * Invariants (checked by the tests):
 * - data[0 .. complete) holds whole lines, each ending in '\n', and `lines`
 *   counts them; data[complete .. len) is the line in progress, never longer
 *   than max_record_bytes (a longer one is cut and its bytes discarded).
 * - One produced block is at most max_record_bytes long, so a line lying
 *   entirely inside one block is never too long; the only line of a block
 *   that can be too long is the one that started before it, and memchr for
 *   the first '\n' measures exactly that one.
 * - A chunk is at most chunk_bytes long, unless it holds a single line that
 *   is longer (then it ends right after that line).
 * - Memory: chunk->cap <= max(chunk_bytes, max_record_bytes) + 2 * BLOCK + 1;
 *   pend <= max_record_bytes + BLOCK; inbuf 1 MiB; plus the zstd context.
 *
 * Error offsets: ZSTD_decompressStream does not move input->pos when it
 * fails, so the main path only knows the call's starting position. On
 * error, the frame is replayed from its start (pread) up to that position,
 * then fed one byte at a time to find the exact byte at which zstd detects
 * the error. This costs one more decode of the frame, only on failure.
 */
#define _GNU_SOURCE /* memrchr */

#include "io/shard.h"
#include "core/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define SHARD_INBUF_SIZE ((size_t)1 << 20)
#define SHARD_DEFAULT_CHUNK ((size_t)1 << 20)
#define SHARD_DEFAULT_MAX_RECORD ((size_t)4 << 20)
/* Output room asked of the decoder when hunting for the end of one line
 * longer than a chunk, and the slack kept after chunk_bytes. */
#define SHARD_BLOCK ((size_t)128 << 10)

/* ---------------------------------------------------------------------- */
/* Listing                                                                  */

static const char *const shard_suffixes[] = {
    ".jsonl", ".jsonl.zst", ".ndjson", ".ndjson.zst",
};

static int has_shard_suffix(const char *name)
{
    const size_t n = strlen(name);
    for (size_t i = 0; i < sizeof(shard_suffixes) / sizeof(*shard_suffixes);
         i++) {
        const size_t k = strlen(shard_suffixes[i]);
        if (n > k && memcmp(name + n - k, shard_suffixes[i], k) == 0)
            return 1;
    }
    return 0;
}

static skidx_status list_reserve(struct skidx_shard_list *list, size_t more,
                                 struct skidx_error *err)
{
    if (list->cap - list->n >= more)
        return SKIDX_OK;
    size_t cap = list->cap ? list->cap : 16;
    while (cap - list->n < more)
        cap *= 2;
    char **paths = realloc(list->paths, cap * sizeof(*paths));
    if (!paths)
        return skidx_fail(err, SKIDX_ERR_NOMEM, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory listing shards");
    list->paths = paths;
    uint64_t *sizes = realloc(list->sizes, cap * sizeof(*sizes));
    if (!sizes)
        return skidx_fail(err, SKIDX_ERR_NOMEM, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory listing shards");
    list->sizes = sizes;
    list->cap = cap;
    return SKIDX_OK;
}

struct dir_entry {
    char *name;
    uint64_t size;
};

static int cmp_entries(const void *a, const void *b)
{
    return strcmp(((const struct dir_entry *)a)->name,
                  ((const struct dir_entry *)b)->name);
}

/* A directory: collect the shard names, sort them, then append them all
 * (the list only changes when everything succeeded). Names starting with
 * '.' are skipped, as a shell glob would; so is anything that is not a
 * regular file once symbolic links are followed. */
static skidx_status list_add_dir(struct skidx_shard_list *list,
                                 const char *path, struct skidx_error *err)
{
    DIR *d = opendir(path);
    if (!d)
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "cannot open directory: %s", strerror(errno));
    skidx_status st = SKIDX_OK;
    struct dir_entry *ents = NULL;
    size_t n = 0, cap = 0;
    const int dfd = dirfd(d);
    for (;;) {
        errno = 0;
        const struct dirent *de = readdir(d);
        if (!de) {
            if (errno)
                st = skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE,
                                SKIDX_NOOFF, "cannot read directory: %s",
                                strerror(errno));
            break;
        }
        if (de->d_name[0] == '.' || !has_shard_suffix(de->d_name))
            continue;
        struct stat sb;
        if (fstatat(dfd, de->d_name, &sb, 0) != 0) {
            /* a shard's name whose file is gone (a dangling link): a lost
             * shard, not something to skip without a word */
            st = skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE,
                            SKIDX_NOOFF, "cannot open '%s': %s", de->d_name,
                            strerror(errno));
            break;
        }
        if (!S_ISREG(sb.st_mode))
            continue; /* subdirectory, fifo...: not a shard */
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            struct dir_entry *p = realloc(ents, cap * sizeof(*p));
            if (!p) {
                st = skidx_fail(err, SKIDX_ERR_NOMEM, path, SKIDX_NOLINE,
                                SKIDX_NOOFF, "out of memory listing shards");
                break;
            }
            ents = p;
        }
        /* Store the full path; sorting by it sorts by name, as all share
         * the same directory prefix. */
        const size_t plen = strlen(path), nlen = strlen(de->d_name);
        const int slash = plen > 0 && path[plen - 1] == '/';
        char *full = malloc(plen + 1 + nlen + 1);
        if (!full) {
            st = skidx_fail(err, SKIDX_ERR_NOMEM, path, SKIDX_NOLINE,
                            SKIDX_NOOFF, "out of memory listing shards");
            break;
        }
        memcpy(full, path, plen);
        const size_t at = plen + (slash ? 0 : 1);
        full[plen] = '/';
        memcpy(full + at, de->d_name, nlen + 1);
        ents[n].name = full;
        ents[n].size = (uint64_t)sb.st_size;
        n++;
    }
    closedir(d);
    if (st == SKIDX_OK && n == 0)
        st = skidx_fail(err, SKIDX_ERR_NOTFOUND, path, SKIDX_NOLINE,
                        SKIDX_NOOFF,
                        "no shard (*.jsonl, *.jsonl.zst, *.ndjson, "
                        "*.ndjson.zst) in directory '%s'",
                        path);
    if (st == SKIDX_OK)
        st = list_reserve(list, n, err);
    if (st == SKIDX_OK) {
        qsort(ents, n, sizeof(*ents), cmp_entries);
        for (size_t i = 0; i < n; i++) {
            list->paths[list->n] = ents[i].name;
            list->sizes[list->n] = ents[i].size;
            list->n++;
        }
    } else {
        for (size_t i = 0; i < n; i++)
            free(ents[i].name);
    }
    free(ents);
    return st;
}

skidx_status skidx_shard_list_add(struct skidx_shard_list *list,
                                  const char *path, struct skidx_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "cannot open: %s", strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return list_add_dir(list, path, err);
    /* An explicit file: taken whatever its name, if it can be opened. */
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "cannot open: %s", strerror(errno));
    close(fd);
    SKIDX_FORWARD(list_reserve(list, 1, err));
    char *copy = strdup(path);
    if (!copy)
        return skidx_fail(err, SKIDX_ERR_NOMEM, path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory listing shards");
    list->paths[list->n] = copy;
    list->sizes[list->n] = (uint64_t)sb.st_size;
    list->n++;
    return SKIDX_OK;
}

void skidx_shard_list_release(struct skidx_shard_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->n; i++)
        free(list->paths[i]);
    free(list->paths);
    free(list->sizes);
    memset(list, 0, sizeof(*list));
}

/* ---------------------------------------------------------------------- */
/* Chunks                                                                   */

void skidx_chunk_release(struct skidx_chunk *c)
{
    if (!c)
        return;
    free(c->data);
    free(c->long_lines);
    memset(c, 0, sizeof(*c));
}

/* Count '\n' in p[0..n). Hot: runs over every byte once. SSE2 (baseline on
 * x86-64) compares 16 bytes at a time and accumulates the 0/-1 masks in
 * byte lanes, folded with psadbw every 255 rounds before they can wrap. */
static uint64_t count_newlines(const char *p, size_t n)
{
    uint64_t total = 0;
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (n >= 64) {
        size_t rounds = n / 64;
        if (rounds > 255)
            rounds = 255;
        __m128i acc0 = zero, acc1 = zero;
        for (size_t i = 0; i < rounds; i++) {
            const __m128i a = _mm_loadu_si128((const __m128i *)p);
            const __m128i b = _mm_loadu_si128((const __m128i *)(p + 16));
            const __m128i c = _mm_loadu_si128((const __m128i *)(p + 32));
            const __m128i d = _mm_loadu_si128((const __m128i *)(p + 48));
            acc0 = _mm_sub_epi8(acc0, _mm_cmpeq_epi8(a, nl));
            acc1 = _mm_sub_epi8(acc1, _mm_cmpeq_epi8(b, nl));
            acc0 = _mm_sub_epi8(acc0, _mm_cmpeq_epi8(c, nl));
            acc1 = _mm_sub_epi8(acc1, _mm_cmpeq_epi8(d, nl));
            p += 64;
        }
        /* each lane of acc0/acc1 is <= 2 * 255: fold before adding */
        const __m128i s = _mm_add_epi64(_mm_sad_epu8(acc0, zero),
                                        _mm_sad_epu8(acc1, zero));
        total += (uint64_t)_mm_cvtsi128_si64(s) +
                 (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s));
        n -= rounds * 64;
    }
#endif
    for (size_t i = 0; i < n; i++)
        total += p[i] == '\n';
    return total;
}

/* ---------------------------------------------------------------------- */
/* The reader                                                               */

struct skidx_shard_reader {
    int fd;
    int is_zstd;
    int named_zstd;
    int eof;              /* the source is exhausted (and pend is empty) */
    char *path;           /* owned copy, for error messages */
    size_t chunk_bytes;
    size_t max_record;

    /* compressed input: inbuf[in_pos .. in_len) not yet consumed; in_base
     * is the file offset of inbuf[0]. */
    unsigned char *inbuf;
    size_t in_pos, in_len;
    uint64_t in_base;
    int in_eof;           /* read(2) returned 0 */

    ZSTD_DCtx *dctx;
    size_t zret;          /* last ZSTD_decompressStream result; 0 between frames */
    uint64_t frame_start; /* file offset where the current frame began */

    /* pushed-back uncompressed bytes, drained before the source */
    char *pend;
    size_t pend_pos, pend_len, pend_cap;

    uint64_t bytes_in, bytes_out;
    uint64_t line_no;     /* number of the next line to hand out */

    skidx_status failed;  /* sticky: once failed, next() repeats it */
    struct skidx_error fail_err;
};

static skidx_status reader_io_error(struct skidx_shard_reader *r,
                                    struct skidx_error *err, int e)
{
    return skidx_fail(err, SKIDX_ERR_IO, r->path, SKIDX_NOLINE,
                      r->in_base + r->in_len, "cannot read: %s", strerror(e));
}

/* read(2) retrying on EINTR. Returns bytes read, 0 at EOF, -1 on error. */
static ssize_t read_some(int fd, void *buf, size_t n)
{
    for (;;) {
        const ssize_t k = read(fd, buf, n);
        if (k >= 0 || errno != EINTR)
            return k;
    }
}

/* Refill inbuf once the decoder consumed it all. */
static skidx_status refill(struct skidx_shard_reader *r,
                           struct skidx_error *err)
{
    const ssize_t k = read_some(r->fd, r->inbuf, SHARD_INBUF_SIZE);
    if (k < 0)
        return reader_io_error(r, err, errno);
    r->in_base += r->in_len;
    r->in_pos = 0;
    r->in_len = (size_t)k;
    r->bytes_in += (uint64_t)k;
    if (k == 0)
        r->in_eof = 1;
    return SKIDX_OK;
}

/* Feed file bytes [from, to) to r->dctx in slices of `step` bytes, output
 * discarded. Returns 1 and sets *where to the start of the slice whose call
 * failed, 0 when all went through, -1 when the file can't be re-read. */
static int replay(struct skidx_shard_reader *r, uint64_t from, uint64_t to,
                  size_t step, void *out, size_t out_size, uint64_t *where)
{
    while (from < to) {
        size_t want = SHARD_INBUF_SIZE;
        if (to - from < want)
            want = (size_t)(to - from);
        const ssize_t k = pread(r->fd, r->inbuf, want, (off_t)from);
        if (k <= 0)
            return -1;
        for (size_t at = 0; at < (size_t)k;) {
            const size_t len = (size_t)k - at < step ? (size_t)k - at : step;
            ZSTD_inBuffer in = {r->inbuf + at, len, 0};
            for (;;) {
                /* zstd may move in.pos before failing: keep the old one */
                const size_t pos = in.pos;
                ZSTD_outBuffer o = {out, out_size, 0};
                const size_t ret = ZSTD_decompressStream(r->dctx, &o, &in);
                if (ZSTD_isError(ret)) {
                    *where = from + at + pos;
                    return 1;
                }
                if (in.pos == in.size && o.pos < o.size)
                    break;
            }
            at += len;
        }
        from += (uint64_t)k;
    }
    return 0;
}

/* The decoder failed in a call that started consuming at file offset
 * `call_start`. Find the byte at which the error shows (see the top of this
 * file); fall back to call_start if the replay does not reproduce it. */
static uint64_t locate_zstd_error(struct skidx_shard_reader *r,
                                  uint64_t call_start)
{
    const size_t out_size = ZSTD_DStreamOutSize();
    void *out = malloc(out_size);
    uint64_t where = call_start;
    if (!out)
        return call_start;
    ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
    uint64_t found;
    if (replay(r, r->frame_start, call_start, SHARD_INBUF_SIZE, out, out_size,
               &found) == 0 &&
        replay(r, call_start, r->in_base + r->in_len, 1, out, out_size,
               &found) == 1)
        where = found;
    free(out);
    return where;
}

/* A decoding fault `st` (described in *err) after `out->pos` bytes of good
 * output in this call: when there are some, hold the fault back (sticky in
 * r->failed, reported by the next call) and hand the output out, so the
 * whole lines decoded before the fault are still read and counted. */
static skidx_status zstd_fault(struct skidx_shard_reader *r,
                               const ZSTD_outBuffer *out, size_t *got,
                               struct skidx_error *err, skidx_status st)
{
    if (out->pos == 0)
        return st;
    r->failed = st;
    r->fail_err = *err;
    skidx_error_clear(err);
    *got = out->pos;
    return SKIDX_OK;
}

/* Decompress up to `want` bytes into dst. *got = 0 means a clean end of
 * input between frames. */
static skidx_status produce_zstd(struct skidx_shard_reader *r, char *dst,
                                 size_t want, size_t *got,
                                 struct skidx_error *err)
{
    ZSTD_outBuffer out = {dst, want, 0};
    if (r->failed) /* a fault held back while earlier output was handed out */
        return skidx_fail(err, r->failed, r->path, SKIDX_NOLINE,
                          r->fail_err.offset, "%s", r->fail_err.msg);
    while (out.pos < out.size) {
        if (r->in_pos == r->in_len) {
            if (!r->in_eof) {
                SKIDX_FORWARD(refill(r, err));
                continue;
            }
            if (r->zret == 0)
                break; /* end of input between frames */
            /* Mid-frame with no input left: the decoder may still hold
             * output to flush; if it makes no progress, the frame is cut. */
            ZSTD_inBuffer in = {r->inbuf, r->in_len, r->in_pos};
            const size_t before = out.pos;
            const size_t ret = ZSTD_decompressStream(r->dctx, &out, &in);
            if (!ZSTD_isError(ret))
                r->zret = ret;
            if (ZSTD_isError(ret) || out.pos == before) {
                if (r->zret == 0)
                    break;
                return zstd_fault(r, &out, got, err,
                                  skidx_fail(err, SKIDX_ERR_CORRUPT, r->path,
                                             SKIDX_NOLINE,
                                             r->in_base + r->in_len,
                                             "truncated zstd frame"));
            }
            continue;
        }
        ZSTD_inBuffer in = {r->inbuf, r->in_len, r->in_pos};
        const size_t ret = ZSTD_decompressStream(r->dctx, &out, &in);
        if (ZSTD_isError(ret)) {
            const uint64_t at = locate_zstd_error(r, r->in_base + r->in_pos);
            return zstd_fault(r, &out, got, err,
                              skidx_fail(err, SKIDX_ERR_CORRUPT, r->path,
                                         SKIDX_NOLINE, at,
                                         "cannot decompress: %s",
                                         ZSTD_getErrorName(ret)));
        }
        r->in_pos = in.pos;
        r->zret = ret;
        if (ret == 0)
            r->frame_start = r->in_base + r->in_pos;
    }
    *got = out.pos;
    return SKIDX_OK;
}

/* Plain text: the sniffed first buffer, then read(2) straight into dst. */
static skidx_status produce_plain(struct skidx_shard_reader *r, char *dst,
                                  size_t want, size_t *got,
                                  struct skidx_error *err)
{
    if (r->in_pos < r->in_len) {
        size_t k = r->in_len - r->in_pos;
        if (k > want)
            k = want;
        memcpy(dst, r->inbuf + r->in_pos, k);
        r->in_pos += k;
        *got = k;
        return SKIDX_OK;
    }
    *got = 0;
    if (r->in_eof)
        return SKIDX_OK;
    const ssize_t k = read_some(r->fd, dst, want);
    if (k < 0)
        return reader_io_error(r, err, errno);
    /* keep in_base + in_len == bytes read so far, for error offsets */
    r->in_base += r->in_len + (uint64_t)k;
    r->in_pos = r->in_len = 0;
    r->bytes_in += (uint64_t)k;
    if (k == 0)
        r->in_eof = 1;
    *got = (size_t)k;
    return SKIDX_OK;
}

/* Next uncompressed bytes, at most `want` (> 0): pushed-back bytes first,
 * then the source. *got = 0 only at the end of the shard. */
static skidx_status produce(struct skidx_shard_reader *r, char *dst,
                            size_t want, size_t *got, struct skidx_error *err)
{
    if (r->pend_pos < r->pend_len) {
        size_t k = r->pend_len - r->pend_pos;
        if (k > want)
            k = want;
        memcpy(dst, r->pend + r->pend_pos, k);
        r->pend_pos += k;
        if (r->pend_pos == r->pend_len)
            r->pend_pos = r->pend_len = 0;
        *got = k;
        return SKIDX_OK;
    }
    *got = 0;
    if (r->eof)
        return SKIDX_OK;
    SKIDX_FORWARD(r->is_zstd ? produce_zstd(r, dst, want, got, err)
                             : produce_plain(r, dst, want, got, err));
    r->bytes_out += *got;
    if (*got == 0)
        r->eof = 1;
    return SKIDX_OK;
}

/* Put src[0..k) back in front of the pending bytes. */
static skidx_status push_back(struct skidx_shard_reader *r, const char *src,
                              size_t k, struct skidx_error *err)
{
    if (k == 0)
        return SKIDX_OK;
    const size_t avail = r->pend_len - r->pend_pos;
    if (avail > 0 && r->pend_pos >= k) {
        /* The common case when the bytes came from pend itself. */
        r->pend_pos -= k;
        memmove(r->pend + r->pend_pos, src, k);
        return SKIDX_OK;
    }
    if (r->pend_cap < k + avail) {
        char *p = realloc(r->pend, k + avail);
        if (!p)
            return skidx_fail(err, SKIDX_ERR_NOMEM, r->path, SKIDX_NOLINE,
                              SKIDX_NOOFF, "out of memory reading shard");
        r->pend = p;
        r->pend_cap = k + avail;
    }
    memmove(r->pend + k, r->pend + r->pend_pos, avail);
    memcpy(r->pend, src, k);
    r->pend_pos = 0;
    r->pend_len = k + avail;
    return SKIDX_OK;
}

/* Discard bytes up to and including the next '\n' (or the end), using
 * scratch[0..room) as the landing area. */
static skidx_status skip_rest_of_line(struct skidx_shard_reader *r,
                                      char *scratch, size_t room,
                                      struct skidx_error *err)
{
    for (;;) {
        size_t n;
        SKIDX_FORWARD(produce(r, scratch, room, &n, err));
        if (n == 0)
            return SKIDX_OK;
        const char *nl = memchr(scratch, '\n', n);
        if (nl) {
            const size_t used = (size_t)(nl + 1 - scratch);
            return push_back(r, nl + 1, n - used, err);
        }
    }
}

static skidx_status chunk_note_long(struct skidx_chunk *c, uint64_t line,
                                    const struct skidx_shard_reader *r,
                                    struct skidx_error *err)
{
    if (c->n_long == c->cap_long) {
        const size_t cap = c->cap_long ? 2 * c->cap_long : 8;
        uint64_t *p = realloc(c->long_lines, cap * sizeof(*p));
        if (!p)
            return skidx_fail(err, SKIDX_ERR_NOMEM, r->path, SKIDX_NOLINE,
                              SKIDX_NOOFF, "out of memory reading shard");
        c->long_lines = p;
        c->cap_long = cap;
    }
    c->long_lines[c->n_long++] = line;
    return SKIDX_OK;
}

/* Make c->data hold at least `need` bytes, keeping the first `keep`. */
static skidx_status chunk_reserve(struct skidx_chunk *c, size_t need,
                                  size_t keep,
                                  const struct skidx_shard_reader *r,
                                  struct skidx_error *err)
{
    if (c->cap >= need)
        return SKIDX_OK;
    char *p;
    if (keep == 0) {
        free(c->data);
        c->data = NULL;
        c->cap = 0;
        p = malloc(need);
    } else {
        p = realloc(c->data, need);
    }
    if (!p)
        return skidx_fail(err, SKIDX_ERR_NOMEM, r->path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory reading shard");
    c->data = p;
    c->cap = need;
    return SKIDX_OK;
}

skidx_status skidx_shard_reader_open(const char *path,
                                     const struct skidx_reader_opts *opts,
                                     struct skidx_shard_reader **out,
                                     struct skidx_error *err)
{
    *out = NULL;
    struct skidx_shard_reader *r = calloc(1, sizeof(*r));
    if (!r)
        return skidx_fail(err, SKIDX_ERR_NOMEM, path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory opening shard");
    r->fd = -1;
    r->chunk_bytes = opts && opts->chunk_bytes ? opts->chunk_bytes
                                               : SHARD_DEFAULT_CHUNK;
    r->max_record = opts && opts->max_record_bytes ? opts->max_record_bytes
                                                   : SHARD_DEFAULT_MAX_RECORD;
    r->line_no = 1;
    r->path = strdup(path);
    r->inbuf = malloc(SHARD_INBUF_SIZE);
    skidx_status st = SKIDX_OK;
    if (!r->path || !r->inbuf) {
        st = skidx_fail(err, SKIDX_ERR_NOMEM, path, SKIDX_NOLINE, SKIDX_NOOFF,
                        "out of memory opening shard");
        goto fail;
    }
    const size_t n = strlen(path);
    r->named_zstd = n >= 4 && memcmp(path + n - 4, ".zst", 4) == 0;

    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        st = skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                        "cannot open: %s", strerror(errno));
        goto fail;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    (void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    /* Sniff: fill the first buffer until it holds 4 bytes or the file ends
     * (a pipe may deliver less in one read). */
    while (r->in_len < 4 && !r->in_eof) {
        const ssize_t k = read_some(r->fd, r->inbuf + r->in_len,
                                    SHARD_INBUF_SIZE - r->in_len);
        if (k < 0) {
            st = skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, r->in_len,
                            "cannot read: %s", strerror(errno));
            goto fail;
        }
        if (k == 0)
            r->in_eof = 1;
        r->in_len += (size_t)k;
        r->bytes_in += (uint64_t)k;
    }
    /* Magic numbers, little-endian: zstd frame 28 B5 2F FD, skippable
     * frame 5? 2A 4D 18. A file shorter than 4 bytes that is a prefix of
     * either magic is a truncated zstd frame, not text. */
    static const unsigned char zmagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
    static const unsigned char smagic[4] = {0x50, 0x2A, 0x4D, 0x18};
    const unsigned char *b = r->inbuf;
    const size_t k = r->in_len < 4 ? r->in_len : 4;
    int zstd = k > 0, skippable = k > 0;
    for (size_t i = 0; i < k; i++) {
        zstd &= b[i] == zmagic[i];
        skippable &= i == 0 ? (b[0] & 0xF0) == 0x50 : b[i] == smagic[i];
    }
    r->is_zstd = zstd || skippable;
    if (r->is_zstd) {
        r->dctx = ZSTD_createDCtx();
        if (!r->dctx) {
            st = skidx_fail(err, SKIDX_ERR_NOMEM, path, SKIDX_NOLINE,
                            SKIDX_NOOFF, "out of memory opening shard");
            goto fail;
        }
    }
    *out = r;
    return SKIDX_OK;
fail:
    skidx_shard_reader_close(r);
    return st;
}

skidx_status skidx_shard_reader_next(struct skidx_shard_reader *r,
                                     struct skidx_chunk *c,
                                     struct skidx_error *err)
{
    c->len = 0;
    c->n_lines = 0;
    c->n_long = 0;
    c->first_line = r->line_no;
    c->offset = r->bytes_out - (r->pend_len - r->pend_pos);
    if (r->failed) {
        if (err)
            *err = r->fail_err;
        return r->failed;
    }
    struct skidx_error local;
    if (!err)
        err = &local;

    const size_t chunk = r->chunk_bytes, max = r->max_record;
    skidx_status st = chunk_reserve(c, chunk + SHARD_BLOCK + 1, 0, r, err);
    size_t len = 0, complete = 0, cut = 0;
    uint64_t lines = 0;
    while (st == SKIDX_OK) {
        if (complete > 0 && len >= chunk) {
            cut = complete;
            break;
        }
        /* Hunting: one line already fills the chunk; find its end. */
        const int hunting = len >= chunk;
        size_t want;
        if (!hunting) {
            want = chunk - len;
        } else {
            want = SHARD_BLOCK;
            size_t need = len + SHARD_BLOCK + 1;
            if (c->cap < need && c->cap * 2 > need)
                need = c->cap * 2;
            const size_t top = (chunk > max ? chunk : max) + 2 * SHARD_BLOCK + 1;
            if (need > top)
                need = top;
            st = chunk_reserve(c, need, len, r, err);
            if (st != SKIDX_OK)
                break;
        }
        if (want > max)
            want = max;
        size_t n;
        st = produce(r, c->data + len, want, &n, err);
        if (st != SKIDX_OK)
            break;
        if (n == 0) {
            if (len > complete) { /* last line without '\n' */
                c->data[len++] = '\n';
                lines++;
                complete = len;
            }
            cut = complete;
            break;
        }
        char *const data = c->data;
        const size_t start = len;
        len += n;
        /* The line in progress ends at the block's first '\n'. */
        const char *nl = memchr(data + start, '\n', n);
        if (nl) {
            size_t e = (size_t)(nl - data);
            if (e - complete > max) {
                /* It just ended, too long: replace it by an empty line. */
                st = chunk_note_long(c, c->first_line + lines, r, err);
                if (st != SKIDX_OK)
                    break;
                const size_t rest = len - (e + 1);
                data[complete] = '\n';
                memmove(data + complete + 1, data + e + 1, rest);
                e = complete;
                len = complete + 1 + rest;
            }
            lines++;
            complete = e + 1;
            if (hunting) {
                cut = complete;
                break;
            }
            /* Every other line of the block lies inside it: count them. */
            const char *last = memrchr(data + complete, '\n', len - complete);
            if (last) {
                const size_t end = (size_t)(last + 1 - data);
                lines += count_newlines(data + complete, end - complete);
                complete = end;
            }
        }
        if (len - complete > max) {
            /* The line in progress is too long: drop what we hold of it and
             * discard the rest up to its '\n'. */
            st = chunk_note_long(c, c->first_line + lines, r, err);
            if (st != SKIDX_OK)
                break;
            len = complete;
            data[len++] = '\n';
            lines++;
            complete = len;
            st = skip_rest_of_line(r, data + len, c->cap - len, err);
        }
    }
    if (st == SKIDX_OK)
        st = push_back(r, c->data + cut, len - cut, err);
    if (st != SKIDX_OK) {
        r->failed = st;
        r->fail_err = *err;
        if (complete > 0 && st != SKIDX_ERR_NOMEM) {
            /* Hand out the whole lines decoded before the fault first: they
             * were read, so they are counted (README, "When input is bad");
             * the next call reports the sticky failure. */
            skidx_error_clear(err);
            c->len = complete;
            c->n_lines = lines;
            r->line_no += lines;
            return SKIDX_OK;
        }
        c->len = 0;
        c->n_lines = 0;
        c->n_long = 0;
        return st;
    }
    c->len = cut;
    c->n_lines = lines;
    r->line_no += lines;
    return SKIDX_OK;
}

int skidx_shard_reader_is_zstd(const struct skidx_shard_reader *r)
{
    return r->is_zstd;
}

int skidx_shard_reader_named_zstd(const struct skidx_shard_reader *r)
{
    return r->named_zstd;
}

uint64_t skidx_shard_reader_bytes_in(const struct skidx_shard_reader *r)
{
    return r->bytes_in;
}

uint64_t skidx_shard_reader_bytes_out(const struct skidx_shard_reader *r)
{
    return r->bytes_out;
}

void skidx_shard_reader_close(struct skidx_shard_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    ZSTD_freeDCtx(r->dctx);
    free(r->inbuf);
    free(r->pend);
    free(r->path);
    free(r);
}
