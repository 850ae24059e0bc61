/*
 * shard.c - list the shards of a corpus and read each one as a stream of
 * chunks of whole lines, decompressing zstd or gzip on the fly.
 *
 * Reading, in one picture (next()):
 *
 *   fd --read(2)--> inbuf (1 MiB) --ZSTD_decompressStream--> chunk->data
 *   fd --read(2)--> inbuf (1 MiB) --inflate (zlib)---------^ (gzip)
 *   fd --read(2)-----------------------------------------------^ (plain)
 *
 * and through views (view(), what the indexer uses), for zstd:
 *
 *   fd --read(2)--> inbuf --ZSTD_decompressContinue--> buf[0] | buf[1]
 *
 * The streaming decoder writes into a window of its own and copies out of
 * it (6 % of an indexing run); the buffer-less one writes where it is told,
 * and the view is that memory (see "Views" below).
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
#define ZSTD_STATIC_LINKING_ONLY /* the buffer-less decoder, for views */
#include <zlib.h>
#include <zstd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SHARD_X86 1
#include "core/simd.h"
#else
#define SHARD_X86 0
#endif

#define SHARD_INBUF_SIZE ((size_t)1 << 20)
#define SHARD_DEFAULT_CHUNK ((size_t)1 << 20)
#define SHARD_DEFAULT_MAX_RECORD ((size_t)4 << 20)
/* Output room asked of the decoder when hunting for the end of one line
 * longer than a chunk, and the slack kept after chunk_bytes. */
#define SHARD_BLOCK ((size_t)128 << 10)

/* ---------------------------------------------------------------------- */
/* Listing                                                                  */

/* The names a directory listing takes: a format's extension, alone or
 * followed by a compression's (skidx_shard_format_of reads the same). */
static const char *const shard_suffixes[] = {
    ".jsonl", ".jsonl.zst", ".jsonl.gz", ".ndjson", ".ndjson.zst",
    ".ndjson.gz", ".csv", ".csv.zst", ".csv.gz", ".tsv", ".tsv.zst",
    ".tsv.gz",
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
                        "no shard (*.jsonl, *.ndjson, *.csv, *.tsv, plain "
                        "or with .zst or .gz) in directory '%s'",
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
    if (S_ISFIFO(sb.st_mode)) {
        /* A FIFO or pipe is a stream: opened once, by the reader (opening
         * it here to check would be a reader that goes away, and its
         * writer would die of SIGPIPE). Its size is unknown: 0. */
        sb.st_size = 0;
    } else if (!S_ISREG(sb.st_mode)) {
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "not a regular file or a FIFO (a %s)",
                          S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode)
                              ? "device"
                              : "socket or other special file");
    } else {
        /* An explicit file: taken whatever its name, if it can be opened
         * (a regular file: opening it has no effect on anyone). */
        const int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE,
                              SKIDX_NOOFF, "cannot open: %s", strerror(errno));
        close(fd);
    }
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

int skidx_shard_list_all_empty(const struct skidx_shard_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        struct stat sb;
        if (list->sizes[i] || stat(list->paths[i], &sb) != 0 ||
            !S_ISREG(sb.st_mode) || sb.st_size != 0)
            return 0;
    }
    return 1;
}

int skidx_shard_list_small(const struct skidx_shard_list *list, size_t first,
                           size_t end, uint64_t limit)
{
    uint64_t sum = 0;
    for (size_t i = first; i < end && i < list->n; i++) {
        struct stat sb;
        if (stat(list->paths[i], &sb) != 0 || !S_ISREG(sb.st_mode))
            return 0;
        const uint64_t n = (uint64_t)sb.st_size > list->sizes[i]
                               ? (uint64_t)sb.st_size
                               : list->sizes[i];
        if (n > limit - sum)
            return 0;
        sum += n;
    }
    return 1;
}

/* Does name end with suffix, ASCII caseless? */
static int ends_with(const char *name, size_t n, const char *suffix)
{
    const size_t k = strlen(suffix);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++) {
        char c = name[n - k + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != suffix[i])
            return 0;
    }
    return 1;
}

enum skidx_shard_format skidx_shard_format_of(const char *path)
{
    size_t n = strlen(path);
    /* the compression's extension says nothing of the text inside */
    static const char *const comp[] = {".gz", ".zst", ".zstd"};
    for (size_t i = 0; i < sizeof(comp) / sizeof(*comp); i++)
        if (ends_with(path, n, comp[i])) {
            n -= strlen(comp[i]);
            break;
        }
    if (ends_with(path, n, ".csv"))
        return SKIDX_FORMAT_CSV;
    if (ends_with(path, n, ".tsv") || ends_with(path, n, ".tab"))
        return SKIDX_FORMAT_TSV;
    return SKIDX_FORMAT_JSONL;
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
    if (c->borrowed) {
        memset(c, 0, sizeof(*c));
        return;
    }
    free(c->data);
    free(c->long_lines);
    memset(c, 0, sizeof(*c));
}

#if SHARD_X86
/* count_newlines with 32-byte compares: half the instructions of SSE2. */
__attribute__((target("avx2"))) static uint64_t
count_newlines_avx2(const char *p, size_t n)
{
    uint64_t total = 0;
    const __m256i nl = _mm256_set1_epi8('\n');
    const __m256i zero = _mm256_setzero_si256();
    while (n >= 64) {
        size_t rounds = n / 64;
        if (rounds > 255)
            rounds = 255;
        __m256i acc0 = zero, acc1 = zero;
        for (size_t i = 0; i < rounds; i++) {
            const __m256i a =
                _mm256_loadu_si256((const __m256i *)(const void *)p);
            const __m256i b =
                _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
            acc0 = _mm256_sub_epi8(acc0, _mm256_cmpeq_epi8(a, nl));
            acc1 = _mm256_sub_epi8(acc1, _mm256_cmpeq_epi8(b, nl));
            p += 64;
        }
        /* each lane is <= 255: sum the lanes of each before adding */
        const __m256i s = _mm256_add_epi64(_mm256_sad_epu8(acc0, zero),
                                           _mm256_sad_epu8(acc1, zero));
        const __m128i h = _mm_add_epi64(_mm256_castsi256_si128(s),
                                        _mm256_extracti128_si256(s, 1));
        total += (uint64_t)_mm_cvtsi128_si64(h) +
                 (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(h, h));
        n -= rounds * 64;
    }
    for (size_t i = 0; i < n; i++)
        total += p[i] == '\n';
    return total;
}

/* count_newlines with 64-byte compares (AVX-512 BW): a compare gives a
 * mask, and the masked byte add counts with it, three instructions a
 * 64-byte block against AVX2's six; the bytes after the last whole block
 * by a masked load. */
__attribute__((target("avx512f,avx512bw"))) static uint64_t
count_newlines_avx512(const char *p, size_t n)
{
    uint64_t total = 0;
    const __m512i nl = _mm512_set1_epi8('\n');
    const __m512i one = _mm512_set1_epi8(1);
    const __m512i zero = _mm512_setzero_si512();
    while (n >= 64) {
        size_t rounds = n / 64;
        if (rounds > 255)
            rounds = 255; /* a lane adds at most 1 a round */
        __m512i acc = zero;
        for (size_t i = 0; i < rounds; i++) {
            const __mmask64 m =
                _mm512_cmpeq_epi8_mask(_mm512_loadu_si512((const void *)p), nl);
            acc = _mm512_mask_add_epi8(acc, m, acc, one);
            p += 64;
        }
        total += (uint64_t)_mm512_reduce_add_epi64(_mm512_sad_epu8(acc, zero));
        n -= rounds * 64;
    }
    if (n) {
        const __mmask64 in = (__mmask64)(~0ull >> (64 - n));
        const __mmask64 m = _mm512_mask_cmpeq_epi8_mask(
            in, _mm512_maskz_loadu_epi8(in, (const void *)p), nl);
        total += (uint64_t)__builtin_popcountll(m);
    }
    return total;
}

/* 2: count_newlines takes AVX-512 BW, 1: AVX2 (the CPU has it, SKIDX_SIMD
 * allows it); 0: SSE2; -1: not worked out yet. */
static int newline_path = -1;

static int newline_path_for(int mode)
{
    const int m = skidx_simd_mode(mode);
    if (m == SKIDX_SIMD_SCALAR || !__builtin_cpu_supports("avx2"))
        return 0;
    return m == SKIDX_SIMD_BEST && __builtin_cpu_supports("avx512f") &&
                   __builtin_cpu_supports("avx512bw")
               ? 2
               : 1;
}
#endif

/* Internal test hook (not in shard.h), not thread-safe: call it before
 * reading. The count_newlines path for an enum skidx_simd_mode (SCALAR:
 * SSE2, AVX2: AVX2 at most); returns 2 when AVX-512 is in use afterwards,
 * 1 for AVX2, 0 for SSE2. */
int skidx_shard_simd_mode_(int mode);
int skidx_shard_simd_mode_(int mode)
{
#if SHARD_X86
    newline_path = newline_path_for(mode);
    return newline_path;
#else
    (void)mode;
    return 0;
#endif
}

/* Count '\n' in p[0..n). Hot: runs over every byte once. SSE2 (baseline on
 * x86-64) compares 16 bytes at a time and accumulates the 0/-1 masks in
 * byte lanes, folded with psadbw before they can wrap; AVX2 or AVX-512 BW
 * where the CPU has it. */
static uint64_t count_newlines(const char *p, size_t n)
{
#if SHARD_X86
    int path = __atomic_load_n(&newline_path, __ATOMIC_RELAXED);
    if (path < 0) {
        path = newline_path_for(SKIDX_SIMD_BEST);
        __atomic_store_n(&newline_path, path, __ATOMIC_RELAXED);
    }
    if (path == 2)
        return count_newlines_avx512(p, n);
    if (path)
        return count_newlines_avx2(p, n);
#endif
    uint64_t total = 0;
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (n >= 64) {
        /* each round adds up to 2 to a lane: 127 rounds keep it <= 254
         * (255 rounds wrapped it, and a run of blank lines was
         * miscounted) */
        size_t rounds = n / 64;
        if (rounds > 127)
            rounds = 127;
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
        /* fold the lanes before adding */
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
    int is_gzip;
    int named_zstd;
    int regular;          /* a regular file: its size is checked at the end */
    uint64_t size_open;   /* its size when opened (fstat) */
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

    z_stream *zs;         /* gzip: inflate state (windowBits 16 + 15) */
    int gz_in_member;     /* inside a gzip member (between header and trailer) */

    /* pushed-back uncompressed bytes, drained before the source */
    char *pend;
    size_t pend_pos, pend_len, pend_cap;

    uint64_t bytes_in, bytes_out;
    uint64_t line_no;     /* number of the next line to hand out */

    skidx_status failed;  /* sticky: once failed, next() repeats it */
    struct skidx_error fail_err;

    /* views (skidx_shard_reader_view) */
    int view_mode;        /* 0 not chosen yet, 1 direct, 2 through next() */
    struct skidx_chunk own; /* mode 2: the chunk next() fills */
    struct direct *dm;    /* mode 1 */
    void **spare;         /* where dm goes on close (opts->spare) */
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

/* read(2) returned 0. A regular file must have given exactly the bytes it
 * held when opened, and hold them still: a file cut or appended to while
 * read would otherwise pass for a shorter or a different shard. */
static skidx_status at_eof(struct skidx_shard_reader *r,
                           struct skidx_error *err)
{
    r->in_eof = 1;
    if (!r->regular)
        return SKIDX_OK;
    struct stat sb;
    if (fstat(r->fd, &sb) != 0)
        return reader_io_error(r, err, errno);
    if (r->bytes_in == r->size_open && (uint64_t)sb.st_size == r->size_open)
        return SKIDX_OK;
    return skidx_fail(err, SKIDX_ERR_IO, r->path, SKIDX_NOLINE, SKIDX_NOOFF,
                      "file changed while reading (size %llu at open, %llu "
                      "read%s)",
                      (unsigned long long)r->size_open,
                      (unsigned long long)r->bytes_in,
                      r->bytes_in == r->size_open ? ", then its size changed"
                                                  : "");
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
        return at_eof(r, err);
    return SKIDX_OK;
}

/* Feed file bytes [from, to) to r->dctx in slices of `step` bytes, output
 * discarded. Returns 1 and sets *where to the start of the slice whose call
 * failed, 0 when all went through, -1 when the file can't be re-read. */
static int replay(struct skidx_shard_reader *r, uint64_t from, uint64_t to,
                  size_t step, void *out, size_t out_size, uint64_t *where,
                  size_t *code)
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
                    *code = ret;
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
 * file); fall back to call_start if the replay does not reproduce it. When
 * it does and `code` is not NULL, *code is the streaming decoder's error. */
static uint64_t locate_zstd_error(struct skidx_shard_reader *r,
                                  uint64_t call_start, size_t *code)
{
    const size_t out_size = ZSTD_DStreamOutSize();
    void *out = malloc(out_size);
    uint64_t where = call_start;
    if (!out)
        return call_start;
    ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
    uint64_t found;
    size_t c = 0;
    if (replay(r, r->frame_start, call_start, SHARD_INBUF_SIZE, out, out_size,
               &found, &c) == 0 &&
        replay(r, call_start, r->in_base + r->in_len, 1, out, out_size,
               &found, &c) == 1) {
        where = found;
        if (code)
            *code = c;
    }
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
            const uint64_t at = locate_zstd_error(r, r->in_base + r->in_pos, NULL);
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

/* gzip (RFC 1952) through zlib's inflate: one member after another (a
 * file made by `cat a.gz b.gz` is one stream, as gzip -d reads it). A
 * member ends at its trailer (CRC-32 and length checked by zlib); what
 * follows must be another member: anything else is a fault at its first
 * byte ("incorrect header check"), as trailing garbage after a zstd frame
 * is. The input running out inside a member is a truncated member, at the
 * file's end. A fault is the byte at which inflate stopped: zlib gives
 * back the bytes it looked ahead at, so that is the byte it could not
 * use. */
static skidx_status gzip_fault(struct skidx_shard_reader *r, size_t produced,
                               size_t *got, struct skidx_error *err,
                               skidx_status st)
{
    if (produced == 0)
        return st;
    r->failed = st;
    r->fail_err = *err;
    skidx_error_clear(err);
    *got = produced;
    return SKIDX_OK;
}

static skidx_status produce_gzip(struct skidx_shard_reader *r, char *dst,
                                 size_t want, size_t *got,
                                 struct skidx_error *err)
{
    z_stream *z = r->zs;
    size_t produced = 0;
    if (r->failed)
        return skidx_fail(err, r->failed, r->path, SKIDX_NOLINE,
                          r->fail_err.offset, "%s", r->fail_err.msg);
    while (produced < want) {
        if (r->in_pos == r->in_len && !r->in_eof) {
            SKIDX_FORWARD(refill(r, err));
            continue;
        }
        const size_t avail = r->in_len - r->in_pos;
        if (!r->gz_in_member) {
            if (avail == 0)
                break; /* end of input between members */
            if (inflateReset(z) != Z_OK)
                return skidx_fail(err, SKIDX_ERR_NOMEM, r->path, SKIDX_NOLINE,
                                  SKIDX_NOOFF, "cannot reset gzip decoder");
            r->gz_in_member = 1;
            r->frame_start = r->in_base + r->in_pos;
        }
        /* zlib counts in uInt: feed at most 1 GiB at a time */
        const size_t room = want - produced < ((size_t)1 << 30)
                                ? want - produced
                                : (size_t)1 << 30;
        z->next_in = r->inbuf + r->in_pos;
        z->avail_in = (uInt)avail;
        z->next_out = (Bytef *)dst + produced;
        z->avail_out = (uInt)room;
        const int ret = inflate(z, Z_NO_FLUSH);
        const size_t used = avail - z->avail_in;
        const size_t out = room - z->avail_out;
        r->in_pos += used;
        produced += out;
        if (ret == Z_STREAM_END) {
            r->gz_in_member = 0;
            continue;
        }
        if (ret == Z_OK)
            continue;
        if (ret == Z_BUF_ERROR && (used > 0 || out > 0))
            continue;
        if (ret == Z_BUF_ERROR && avail == 0) {
            /* no input left inside a member: cut short */
            return gzip_fault(r, produced, got, err,
                              skidx_fail(err, SKIDX_ERR_CORRUPT, r->path,
                                         SKIDX_NOLINE,
                                         r->in_base + r->in_len,
                                         "truncated gzip member: unexpected "
                                         "end of file"));
        }
        if (ret == Z_MEM_ERROR)
            return skidx_fail(err, SKIDX_ERR_NOMEM, r->path, SKIDX_NOLINE,
                              SKIDX_NOOFF, "out of memory decompressing");
        /* a member that does not start with gzip's magic number (what
         * follows the last member, say): the byte where it starts */
        const int bad_magic = z->msg && !strcmp(z->msg, "incorrect header check");
        return gzip_fault(r, produced, got, err,
                          skidx_fail(err, SKIDX_ERR_CORRUPT, r->path,
                                     SKIDX_NOLINE,
                                     bad_magic ? r->frame_start
                                               : r->in_base + r->in_pos,
                                     "cannot decompress gzip: %s",
                                     z->msg ? z->msg : "invalid data"));
    }
    *got = produced;
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
        SKIDX_FORWARD(at_eof(r, err));
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
    SKIDX_FORWARD(r->is_zstd   ? produce_zstd(r, dst, want, got, err)
                  : r->is_gzip ? produce_gzip(r, dst, want, got, err)
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

/* Bytes read before the format is decided: the longest magic number. */
#define SNIFF_BYTES 6

/* The name of a compression format skidx does not read, recognised by its
 * magic number in b[0..n), or NULL. Text that is JSON Lines never starts
 * with these bytes. */
static const char *other_compression(const unsigned char *b, size_t n)
{
    static const struct {
        const char *name;
        unsigned char len;
        unsigned char magic[6];
    } m[] = {
        {"bzip2", 3, {'B', 'Z', 'h'}},
        {"xz", 6, {0xFD, '7', 'z', 'X', 'Z', 0x00}},
        {"lz4", 4, {0x04, 0x22, 0x4D, 0x18}},
        {"lz4", 4, {0x02, 0x21, 0x4C, 0x18}}, /* legacy frame */
        {"zip", 4, {'P', 'K', 0x03, 0x04}},
        {"zip", 4, {'P', 'K', 0x05, 0x06}}, /* an empty archive */
    };
    for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++)
        if (n >= m[i].len && memcmp(b, m[i].magic, m[i].len) == 0 &&
            (strcmp(m[i].name, "bzip2") || (n > 3 && b[3] >= '1' &&
                                              b[3] <= '9')))
            return m[i].name;
    return NULL;
}

uint64_t skidx_shard_text_size(const char *path)
{
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat sb;
    unsigned char h[32];
    uint64_t n = 0;
    ssize_t k;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) ||
        (k = pread(fd, h, sizeof(h), 0)) < 4) {
        close(fd);
        return 0;
    }
    const uint64_t size = (uint64_t)sb.st_size;
    if (ZSTD_isFrame(h, (size_t)k)) {
        /* a frame header that gives its content size */
        const unsigned long long c = ZSTD_getFrameContentSize(h, (size_t)k);
        n = c == ZSTD_CONTENTSIZE_UNKNOWN || c == ZSTD_CONTENTSIZE_ERROR
                ? 0
                : (uint64_t)c;
    } else if (h[0] == 0x1F && h[1] == 0x8B) {
        /* the last member's ISIZE: its size modulo 2^32 */
        unsigned char t[4];
        if (size >= 18 && pread(fd, t, 4, (off_t)(size - 4)) == 4)
            n = (uint64_t)t[0] | (uint64_t)t[1] << 8 |
                (uint64_t)t[2] << 16 | (uint64_t)t[3] << 24;
    } else if (!other_compression(h, (size_t)k)) {
        n = size;
    }
    close(fd);
    return n;
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
    r->spare = opts ? opts->spare : NULL;
    r->path = strdup(path);
    r->inbuf = malloc(SHARD_INBUF_SIZE);
    skidx_status st = SKIDX_OK;
    if (!r->path || !r->inbuf) {
        st = skidx_fail(err, SKIDX_ERR_NOMEM, path, SKIDX_NOLINE, SKIDX_NOOFF,
                        "out of memory opening shard");
        goto fail;
    }
    const size_t n = strlen(path);
    r->named_zstd = (n >= 4 && memcmp(path + n - 4, ".zst", 4) == 0) ||
                    (n >= 5 && memcmp(path + n - 5, ".zstd", 5) == 0);
    const int named_gzip = n >= 3 && memcmp(path + n - 3, ".gz", 3) == 0;

    /* Opened once, and read once from start to end: a FIFO or a pipe
     * (/dev/stdin) is read as the stream it is. */
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        st = skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                        "cannot open: %s", strerror(errno));
        goto fail;
    }
    struct stat sb;
    if (fstat(r->fd, &sb) != 0) {
        st = skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                        "cannot open: %s", strerror(errno));
        goto fail;
    }
    r->regular = S_ISREG(sb.st_mode);
    r->size_open = r->regular ? (uint64_t)sb.st_size : 0;
    if (r->regular && opts && opts->has_listed_size &&
        opts->listed_size != r->size_open) {
        st = skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                        "file changed while reading (size %llu when listed, "
                        "%llu at open)",
                        (unsigned long long)opts->listed_size,
                        (unsigned long long)r->size_open);
        goto fail;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    if (r->regular)
        (void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    /* Sniff: fill the first buffer until it holds the longest magic number
     * or the file ends (a pipe may deliver less in one read). */
    while (r->in_len < SNIFF_BYTES && !r->in_eof) {
        const ssize_t k = read_some(r->fd, r->inbuf + r->in_len,
                                    SHARD_INBUF_SIZE - r->in_len);
        if (k < 0) {
            st = skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, r->in_len,
                            "cannot read: %s", strerror(errno));
            goto fail;
        }
        r->in_len += (size_t)k;
        r->bytes_in += (uint64_t)k;
        if (k == 0 && (st = at_eof(r, err)))
            goto fail;
    }
    const char *other = other_compression(r->inbuf, r->in_len);
    if (other) {
        st = skidx_fail(err, SKIDX_ERR_CORRUPT, path, SKIDX_NOLINE,
                        SKIDX_NOOFF, "%s data is not supported", other);
        goto fail;
    }
    if (r->in_len == 0 && r->named_zstd) {
        /* as `zstd -t` says: an empty file is not an empty zstd stream */
        st = skidx_fail(err, SKIDX_ERR_CORRUPT, path, SKIDX_NOLINE, 0,
                        "truncated zstd frame: unexpected end of file (the "
                        "file is empty)");
        goto fail;
    }
    if (r->in_len == 0 && named_gzip) {
        /* as `gzip -t` says */
        st = skidx_fail(err, SKIDX_ERR_CORRUPT, path, SKIDX_NOLINE, 0,
                        "truncated gzip member: unexpected end of file (the "
                        "file is empty)");
        goto fail;
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
    /* gzip: 1F 8B (a file of one byte 1F is a cut member, not text) */
    r->is_gzip = r->in_len > 0 && b[0] == 0x1F &&
                 (r->in_len == 1 || b[1] == 0x8B);
    if (r->is_gzip) {
        r->zs = calloc(1, sizeof(*r->zs));
        if (!r->zs || inflateInit2(r->zs, 16 + MAX_WBITS) != Z_OK) {
            free(r->zs);
            r->zs = NULL;
            st = skidx_fail(err, SKIDX_ERR_NOMEM, path, SKIDX_NOLINE,
                            SKIDX_NOOFF, "out of memory opening shard");
            goto fail;
        }
    }
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

/* ---------------------------------------------------------------------- */
/* Views: zstd decoded straight into the reader's buffers                   */

/* A frame's decoded bytes are matched against up to `window` bytes before
 * them. The buffer-less decoder (ZSTD_decompressContinue) writes each block
 * where it is told and reads back-references from the frame's earlier
 * output in place: from the current buffer, and from the one segment
 * before it (zstd keeps exactly one). So the reader alternates between two
 * buffers and fills each with at least `window` bytes of the frame before
 * it moves to the other: the buffer just filled is the view handed out and
 * the dictionary of the next one, and is not written again until the one
 * after. A line cut by a buffer's end is copied to the start of the other
 * buffer (the carry), in front of where the decoder writes; a line found
 * too long is not carried and its rest is skipped, and the '\n' that ends
 * it stands for it as an empty line. Decoded bytes are never modified
 * while a later block may refer to them; only at the end of the input is a
 * '\n' written after a last line that has none. */

#define DIRECT_MAX_WINDOW ((uint64_t)8 << 20) /* larger: through next() */
#define DIRECT_SLACK 16

struct direct {
    char *buf[2];
    size_t cap[2];
    int cur;              /* the buffer of the last view */
    size_t carry_from, carry_len; /* the line in progress in buf[cur] */
    int skipping;         /* the line in progress is too long: skip it */
    int in_frame;         /* inside a zstd frame (buffer-less decoder) */
    uint64_t window;      /* the current (or last) frame's window */
    size_t block_max;     /* the current frame's largest block */
    uint64_t *long_lines;
    size_t n_long, cap_long;
};

static void direct_free(struct direct *d)
{
    if (!d)
        return;
    free(d->buf[0]);
    free(d->buf[1]);
    free(d->long_lines);
    free(d);
}

/* Make inbuf[in_pos ..) hold at least n bytes (n <= SHARD_INBUF_SIZE), or
 * all that is left of the file; *avail is what it holds. */
static skidx_status ensure_input(struct skidx_shard_reader *r, size_t n,
                                 size_t *avail, struct skidx_error *err)
{
    for (;;) {
        const size_t have = r->in_len - r->in_pos;
        if (have >= n || r->in_eof) {
            *avail = have;
            return SKIDX_OK;
        }
        if (r->in_pos > 0) {
            memmove(r->inbuf, r->inbuf + r->in_pos, have);
            r->in_base += r->in_pos;
            r->in_len = have;
            r->in_pos = 0;
        }
        const ssize_t k = read_some(r->fd, r->inbuf + r->in_len,
                                    SHARD_INBUF_SIZE - r->in_len);
        if (k < 0)
            return reader_io_error(r, err, errno);
        r->in_len += (size_t)k;
        r->bytes_in += (uint64_t)k;
        if (k == 0)
            SKIDX_FORWARD(at_eof(r, err));
    }
}

static skidx_status direct_truncated(struct skidx_shard_reader *r,
                                     struct skidx_error *err)
{
    return skidx_fail(err, SKIDX_ERR_CORRUPT, r->path, SKIDX_NOLINE,
                      r->in_base + r->in_len, "truncated zstd frame");
}

/* zstd failed on the bytes starting at file offset call_start: the same
 * message and byte as the streaming path gives (locate_zstd_error). */
static skidx_status direct_zstd_error(struct skidx_shard_reader *r,
                                      uint64_t call_start, size_t code,
                                      struct skidx_error *err)
{
    const uint64_t at = locate_zstd_error(r, call_start, &code);
    return skidx_fail(err, SKIDX_ERR_CORRUPT, r->path, SKIDX_NOLINE, at,
                      "cannot decompress: %s", ZSTD_getErrorName(code));
}

/* At a frame boundary: read the next frame's header without consuming it.
 * *end: a clean end of input instead. Skippable frames are reported as
 * such (the caller skips them). */
static skidx_status direct_peek_frame(struct skidx_shard_reader *r,
                                      ZSTD_frameHeader *fh, int *end,
                                      struct skidx_error *err)
{
    size_t avail;
    memset(fh, 0, sizeof(*fh));
    SKIDX_FORWARD(ensure_input(r, ZSTD_FRAMEHEADERSIZE_MAX, &avail, err));
    *end = avail == 0;
    if (avail == 0)
        return SKIDX_OK;
    r->frame_start = r->in_base + r->in_pos;
    const size_t ret = ZSTD_getFrameHeader(fh, r->inbuf + r->in_pos, avail);
    if (ZSTD_isError(ret))
        return direct_zstd_error(r, r->frame_start, ret, err);
    if (ret > 0) /* needs more than the file has */
        return direct_truncated(r, err);
    if (fh->frameType == ZSTD_frame &&
        fh->windowSize > ((uint64_t)1 << ZSTD_WINDOWLOG_LIMIT_DEFAULT))
        return skidx_fail(err, SKIDX_ERR_CORRUPT, r->path, SKIDX_NOLINE,
                          r->frame_start,
                          "cannot decompress: frame window of %llu bytes "
                          "is over the limit",
                          (unsigned long long)fh->windowSize);
    return SKIDX_OK;
}

/* The window a frame's blocks can reach back: never more than its size. */
static uint64_t frame_window(const ZSTD_frameHeader *fh)
{
    uint64_t w = fh->windowSize;
    if (fh->frameContentSize != ZSTD_CONTENTSIZE_UNKNOWN &&
        fh->frameContentSize < w)
        w = fh->frameContentSize;
    return w;
}

static skidx_status direct_skip(struct skidx_shard_reader *r, uint64_t n,
                                struct skidx_error *err)
{
    while (n > 0) {
        size_t avail = r->in_len - r->in_pos;
        if (avail == 0) {
            SKIDX_FORWARD(ensure_input(r, 1, &avail, err));
            if (avail == 0)
                return direct_truncated(r, err);
        }
        const size_t k = avail < n ? avail : (size_t)n;
        r->in_pos += k;
        n -= k;
    }
    return SKIDX_OK;
}

/* Decode into b[*pos .. cap) until `target` bytes were added and the
 * current frame's share of this buffer reaches its window (or the frame
 * ends), or until a block might not fit. *eof: the input ended cleanly.
 * *grow: b is still empty and too small for the next frame: the capacity
 * it needs. */
static skidx_status direct_fill(struct skidx_shard_reader *r, char *b,
                                size_t cap, size_t *pos, size_t target,
                                int *eof, size_t *grow,
                                struct skidx_error *err)
{
    struct direct *d = r->dm;
    const size_t start = *pos;
    uint64_t frame_here = 0; /* bytes of the current frame in b */
    *eof = 0;
    *grow = 0;
    for (;;) {
        const size_t added = *pos - start;
        if (added >= target && (!d->in_frame || frame_here >= d->window))
            return SKIDX_OK;
        if (!d->in_frame) {
            ZSTD_frameHeader fh;
            int end;
            SKIDX_FORWARD(direct_peek_frame(r, &fh, &end, err));
            if (end) {
                *eof = 1;
                return SKIDX_OK;
            }
            if (fh.frameType == ZSTD_skippableFrame) {
                SKIDX_FORWARD(direct_skip(
                    r, ZSTD_SKIPPABLEHEADERSIZE + fh.frameContentSize, err));
                continue;
            }
            /* Room for what the frame must put here before the buffer
             * can end: its window (or what is left of the target) and a
             * block. Else end this buffer, or grow it if still empty. */
            const uint64_t w = frame_window(&fh);
            const uint64_t left = added < target ? target - added : 0;
            const uint64_t room = (w > left ? w : left) + ZSTD_BLOCKSIZE_MAX +
                                  DIRECT_SLACK;
            if (cap - *pos < room) {
                if (*pos == start)
                    *grow = (size_t)(*pos + room + DIRECT_SLACK);
                return SKIDX_OK;
            }
            const size_t ret = ZSTD_decompressBegin(r->dctx);
            if (ZSTD_isError(ret))
                return direct_zstd_error(r, r->frame_start, ret, err);
            d->in_frame = 1;
            d->window = w;
            d->block_max = fh.blockSizeMax;
            frame_here = 0;
        }
        const size_t n = ZSTD_nextSrcSizeToDecompress(r->dctx);
        if (n == 0) {
            d->in_frame = 0;
            continue;
        }
        if (ZSTD_nextInputType(r->dctx) == ZSTDnit_block &&
            cap - *pos < ZSTD_BLOCKSIZE_MAX + DIRECT_SLACK)
            return SKIDX_OK;
        size_t avail;
        SKIDX_FORWARD(ensure_input(r, n, &avail, err));
        if (avail < n)
            return direct_truncated(r, err);
        const uint64_t call_start = r->in_base + r->in_pos;
        /* no block may decode to more than the frame's block size: the
         * streaming decoder has no more room than that either */
        size_t room = cap - *pos - DIRECT_SLACK;
        if (room > d->block_max)
            room = d->block_max;
        const size_t got = ZSTD_decompressContinue(
            r->dctx, b + *pos, room, r->inbuf + r->in_pos, n);
        if (ZSTD_isError(got))
            return direct_zstd_error(r, call_start, got, err);
        r->in_pos += n;
        *pos += got;
        frame_here += got;
        r->bytes_out += got;
    }
}

static int direct_note_long(struct direct *d, uint64_t line)
{
    if (d->n_long == d->cap_long) {
        const size_t cap = d->cap_long ? 2 * d->cap_long : 8;
        uint64_t *p = realloc(d->long_lines, cap * sizeof(*p));
        if (!p)
            return -1;
        d->long_lines = p;
        d->cap_long = cap;
    }
    d->long_lines[d->n_long++] = line;
    return 0;
}

static skidx_status direct_nomem(struct skidx_shard_reader *r,
                                 struct skidx_error *err)
{
    return skidx_fail(err, SKIDX_ERR_NOMEM, r->path, SKIDX_NOLINE,
                      SKIDX_NOOFF, "out of memory reading shard");
}

static skidx_status direct_view(struct skidx_shard_reader *r,
                                struct skidx_chunk *v, struct skidx_error *err)
{
    struct direct *d = r->dm;
    const size_t max = r->max_record;
    size_t target = r->chunk_bytes < max ? r->chunk_bytes : max;
    for (;;) {
        const int nb = 1 - d->cur;
        const size_t carry = d->skipping ? 0 : d->carry_len;
        const uint64_t w = d->window > target ? d->window : target;
        const size_t need = carry + target + (size_t)w +
                            ZSTD_BLOCKSIZE_MAX + 2 * DIRECT_SLACK;
        if (d->cap[nb] < need) {
            /* buf[nb] is neither the view held out nor the dictionary.
             * Room to spare, so that a longer carry next time does not
             * mean a fresh buffer (and its pages faulted in again). */
            const size_t cap = need + (need >> 3) + ((size_t)64 << 10);
            free(d->buf[nb]);
            d->buf[nb] = malloc(cap);
            d->cap[nb] = d->buf[nb] ? cap : 0;
            if (!d->buf[nb])
                return direct_nomem(r, err);
        }
        if (carry)
            memcpy(d->buf[nb], d->buf[d->cur] + d->carry_from, carry);
        d->carry_len = 0;
        size_t len = carry;
        const uint64_t base = r->bytes_out - carry; /* offset of data[0] */
        int eof = 0;
        size_t grow = 0;
        skidx_status st;
        for (;;) {
            st = direct_fill(r, d->buf[nb], d->cap[nb], &len, target, &eof,
                             &grow, err);
            if (st != SKIDX_OK || grow == 0)
                break;
            char *p = realloc(d->buf[nb], grow); /* keeps the carry */
            if (!p)
                return direct_nomem(r, err);
            d->buf[nb] = p;
            d->cap[nb] = grow;
        }
        char *const data = d->buf[nb];
        d->cur = nb;
        if (st == SKIDX_ERR_NOMEM)
            return st;
        if (st != SKIDX_OK) /* hand out the whole lines before the fault */
            eof = 0;
        d->n_long = 0;
        size_t at = 0; /* where the view's first line starts */
        const uint64_t first = r->line_no;
        if (d->skipping) {
            const char *nl = memchr(data, '\n', len);
            if (!nl && st == SKIDX_OK && !eof)
                continue; /* all of it belongs to the long line */
            if (nl) {
                at = (size_t)(nl - data); /* its '\n' stands for it */
                d->skipping = 0;
                if (direct_note_long(d, first))
                    return direct_nomem(r, err);
            }
        } else if (len > 0) {
            const char *nl = memchr(data, '\n', len);
            if (nl && (size_t)(nl - data) > max) {
                at = (size_t)(nl - data);
                if (direct_note_long(d, first))
                    return direct_nomem(r, err);
            }
        }
        size_t end = at;
        uint64_t lines = 0;
        if (!d->skipping && at < len) {
            const char *last = memrchr(data + at, '\n', len - at);
            if (last) {
                end = (size_t)(last + 1 - data);
                if (end - at > max + 1) {
                    /* lines inside may be longer than max_record (a small
                     * max_record or a large window): measure each */
                    const char *p = data + at, *e = data + end;
                    while (p < e) {
                        const char *q = memchr(p, '\n', (size_t)(e - p));
                        if ((size_t)(q - p) > max &&
                            direct_note_long(d, first + lines))
                            return direct_nomem(r, err);
                        lines++;
                        p = q + 1;
                    }
                } else {
                    lines = count_newlines(data + at, end - at);
                }
            }
        }
        /* the line in progress */
        const size_t tail = d->skipping ? 0 : len - end;
        if (st != SKIDX_OK) {
            /* faulted: only whole lines; the fault is sticky */
            r->failed = st;
            r->fail_err = *err;
        } else if (d->skipping && eof) {
            /* a long line ran to the end of the input */
            data[len] = '\n';
            at = len;
            end = len + 1;
            lines = 1;
            d->skipping = 0;
            if (direct_note_long(d, first))
                return direct_nomem(r, err);
        } else if (tail > max) {
            if (eof) {
                data[end++] = '\n'; /* safe: nothing refers to it now */
                if (direct_note_long(d, first + lines))
                    return direct_nomem(r, err);
                lines++;
            } else {
                d->skipping = 1;
            }
        } else if (tail > 0) {
            if (eof) {
                data[len] = '\n';
                end = len + 1;
                lines++;
            } else {
                d->carry_from = end;
                d->carry_len = tail;
            }
        }
        if (lines == 0 && st == SKIDX_OK && !eof)
            continue;
        if (lines == 0 && st != SKIDX_OK) {
            v->len = v->n_lines = v->n_long = 0;
            return st;
        }
        if (st != SKIDX_OK)
            skidx_error_clear(err);
        v->data = data + at;
        v->len = end - at;
        v->first_line = first;
        v->n_lines = lines;
        v->offset = base + at;
        v->long_lines = d->long_lines;
        v->n_long = d->n_long;
        r->line_no += lines;
        if (lines == 0)
            r->eof = 1;
        return SKIDX_OK;
    }
}

/* Mode: direct for zstd whose first frame has a window of at most
 * DIRECT_MAX_WINDOW; anything else goes through next() and its copy. */
static skidx_status view_choose(struct skidx_shard_reader *r,
                                struct skidx_error *err)
{
    r->view_mode = 2;
    if (!r->is_zstd)
        return SKIDX_OK;
    ZSTD_frameHeader fh;
    memset(&fh, 0, sizeof(fh));
    const size_t ret = ZSTD_getFrameHeader(&fh, r->inbuf + r->in_pos,
                                           r->in_len - r->in_pos);
    if (ret == 0 && fh.frameType == ZSTD_frame &&
        fh.windowSize > DIRECT_MAX_WINDOW)
        return SKIDX_OK;
    const uint64_t first_window =
        ret == 0 && fh.frameType == ZSTD_frame ? frame_window(&fh) : 0;
    if (r->spare && *r->spare) { /* buffers of an earlier reader */
        struct direct *d = *r->spare;
        *r->spare = NULL;
        d->cur = 0;
        d->carry_from = d->carry_len = 0;
        d->skipping = d->in_frame = 0;
        d->block_max = 0;
        d->n_long = 0;
        r->dm = d;
    } else {
        r->dm = calloc(1, sizeof(*r->dm));
    }
    if (!r->dm)
        return direct_nomem(r, err);
    r->dm->window = first_window; /* sizes the first buffer */
    r->view_mode = 1;
    return SKIDX_OK;
}

skidx_status skidx_shard_reader_view(struct skidx_shard_reader *r,
                                     struct skidx_chunk *v,
                                     struct skidx_error *err)
{
    struct skidx_error local;
    if (!err)
        err = &local;
    memset(v, 0, sizeof(*v));
    v->borrowed = 1;
    v->first_line = r->line_no;
    if (r->failed) {
        *err = r->fail_err;
        return r->failed;
    }
    if (!r->view_mode)
        SKIDX_FORWARD(view_choose(r, err));
    if (r->view_mode == 2) {
        const skidx_status st = skidx_shard_reader_next(r, &r->own, err);
        *v = r->own;
        v->borrowed = 1;
        return st;
    }
    if (r->eof)
        return SKIDX_OK;
    const skidx_status st = direct_view(r, v, err);
    if (st != SKIDX_OK && !r->failed) {
        r->failed = st;
        r->fail_err = *err;
    }
    return st;
}

void skidx_shard_reader_spare_free(void *spare)
{
    direct_free(spare);
}

int skidx_shard_reader_is_zstd(const struct skidx_shard_reader *r)
{
    return r->is_zstd;
}

int skidx_shard_reader_is_gzip(const struct skidx_shard_reader *r)
{
    return r->is_gzip;
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
    if (r->zs) {
        inflateEnd(r->zs);
        free(r->zs);
    }
    skidx_chunk_release(&r->own);
    if (r->spare && !*r->spare) {
        *r->spare = r->dm;
        r->dm = NULL;
    }
    direct_free(r->dm);
    free(r->inbuf);
    free(r->pend);
    free(r->path);
    free(r);
}
