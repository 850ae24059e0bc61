/*
 * skidx_mpi.c - skidx-mpi: `skidx index` as an MPI program. Run under
 * mpirun or srun with the arguments of `skidx index`; it writes the bytes
 * one `skidx index` process writes on the same corpus.
 *
 * Rank 0, the writer, parses the arguments (the others parse them too,
 * silently), lists the corpus and sends the list to every rank, and each
 * rank checks that it runs the writer's build. Each rank takes an equal
 * slice of the corpus's bytes (plan_cuts: a large shard is cut between
 * ranks at a record), so that corpus order is rank order, then the order
 * within a rank; it runs the library
 * pipeline over its range with its own threads (src/build/indexer.h,
 * "the stages"), holding its results. Then, in order:
 *   - duplicates: each rank sends the keys of its postings still counted
 *     to their owners (key % ranks, MPI_Alltoallv); an owner marks a key
 *     that a lower rank sent too, or that it saw earlier from the same
 *     rank (never: a rank sends a key once) and answers one byte a key;
 *     the ranks drop those postings: the first copy in corpus order wins;
 *   - counts: each rank counts what is left; the tables (month ranges
 *     united first) are summed into the writer's (MPI_Reduce);
 *   - rows: rank by rank, in order, each sends its rows to the writer in
 *     buffers of ROW_BUF bytes; the writer cuts them into the segments a
 *     single process cuts;
 *   - the writer gathers the shard states (the parts of a cut shard
 *     merged) and kept examples, both encoded field by field, reports as
 *     `skidx index` does and writes the index (temporary file, rename).
 * A rank that fails says why (the lowest failing rank only) and every
 * rank exits 1; a failed shard is reported by the writer, in corpus
 * order, as on one machine.
 *
 * MPI is called from the main thread only, outside the OpenMP regions.
 * Transfers sized by the corpus go in pieces ("messages of any size").
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */

#include "build/indexer.h"
#include "cli/cmd_index.h"
#include "cli/out.h"
#include "core/count.h"
#include "core/error.h"
#include "io/atomic_file.h"

#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WRITER 0
#define TAG_ROWS 17
#define TAG_SEG 18
#define TAG_SEGB 19
#define TAG_KEYS 20
#define TAG_DUPS 21
#define TAG_STATES 22
#define TAG_EXAMPLES 23
#define ROW_BUF ((size_t)8 << 20)

static int rank, n_ranks;
/* the most bytes one MPI call moves ("messages of any size") */
static size_t piece_max = (size_t)1 << 30;
static uint64_t pieced; /* transfers that took more than one piece */

/* What each stage cost: wall seconds and bytes this rank sent; the
 * writer prints the maxima and sums on stderr (unless --quiet), the
 * progress of a run under MPI. */
enum { ST_PROCESS, ST_KEYS, ST_COUNT, ST_ROWS, ST_N };
static double stage_s[ST_N];
static uint64_t stage_bytes[ST_N];
static uint64_t segs_received; /* writer: segments encoded by others */
static unsigned cuts_inside;    /* writer: rank boundaries inside a shard */
static const char *const stage_name[ST_N] = {"process", "duplicate exchange",
                                             "count + reduce", "rows to writer"};

static void print_stats(void)
{
    double smax[ST_N];
    uint64_t bsum[ST_N];
    MPI_Reduce(stage_s, smax, ST_N, MPI_DOUBLE, MPI_MAX, WRITER,
               MPI_COMM_WORLD);
    MPI_Reduce(stage_bytes, bsum, ST_N, MPI_UINT64_T, MPI_SUM, WRITER,
               MPI_COMM_WORLD);
    uint64_t pieced_all = 0;
    MPI_Reduce(&pieced, &pieced_all, 1, MPI_UINT64_T, MPI_SUM, WRITER,
               MPI_COMM_WORLD);
    if (rank != WRITER)
        return;
    fprintf(stderr, "skidx-mpi: %d ranks: %u cuts inside shards\n", n_ranks,
            cuts_inside);
    fprintf(stderr, "skidx-mpi: %d ranks: %llu transfers sent in pieces of "
                    "at most %zu bytes\n",
            n_ranks, (unsigned long long)pieced_all, piece_max);
    for (int k = 0; k < ST_N; k++)
        fprintf(stderr, "skidx-mpi: %d ranks: %s: %.3f s (slowest rank), "
                        "%llu bytes sent (all ranks)\n",
                n_ranks, stage_name[k], smax[k],
                (unsigned long long)bsum[k]);
    fprintf(stderr, "skidx-mpi: %d ranks: %llu segments encoded by the "
                    "other ranks\n",
            n_ranks, (unsigned long long)segs_received);
    fflush(stderr);
}

/* Every rank calls this with whether it failed (and why, when it did).
 * The lowest failing rank prints its reason; returns whether any rank
 * failed. */
static int any_failed(int failed, const char *why)
{
    int me = failed ? rank : n_ranks, low = n_ranks;
    MPI_Allreduce(&me, &low, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (low == n_ranks)
        return 0;
    if (low == rank)
        cli_msg("rank %d of %d: %s", rank, n_ranks, why);
    return 1;
}

/* A failure past the point where the ranks can agree on it: say why and
 * take every rank down (mpirun reports the abort too). */
static void die(const char *what, skidx_status st)
{
    cli_msg("rank %d of %d: %s: %s", rank, n_ranks, what, skidx_strerror(st));
    skidx_atomic_remove_live(); /* the writer's temporary, if any */
    MPI_Abort(MPI_COMM_WORLD, EXIT_DATA);
}

/* The writer's output, open while the segments arrive. */
static struct skidx_index_out *writer_out;

/* ---- messages of any size ----
 * MPI counts are ints (Open MPI 4.1 implements MPI 3.1: no MPI_Count
 * variants of Send, Bcast or Alltoallv), so every transfer whose size
 * depends on the corpus goes in pieces of at most piece_max bytes. The
 * test hook SKIDX_MPI_PIECE_BYTES makes the pieces small, so that the
 * pieced path runs on small corpora (tests/mpi_index.sh). */

static size_t piece_of(size_t bytes, size_t o)
{
    return bytes - o < piece_max ? bytes - o : piece_max;
}

static void big_send(const void *buf, size_t bytes, int dest, int tag)
{
    const char *p = buf;
    pieced += bytes > piece_max;
    for (size_t o = 0; o < bytes; o += piece_of(bytes, o))
        MPI_Send(p + o, (int)piece_of(bytes, o), MPI_BYTE, dest, tag,
                 MPI_COMM_WORLD);
}

/* The bytes of a big_send of the same size (pieces from one sender with
 * one tag arrive in order). */
static void big_recv(void *buf, size_t bytes, int src, int tag)
{
    char *p = buf;
    for (size_t o = 0; o < bytes; o += piece_of(bytes, o))
        MPI_Recv(p + o, (int)piece_of(bytes, o), MPI_BYTE, src, tag,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

static void big_bcast(void *buf, size_t bytes)
{
    char *p = buf;
    pieced += rank == WRITER && bytes > piece_max;
    for (size_t o = 0; o < bytes; o += piece_of(bytes, o))
        MPI_Bcast(p + o, (int)piece_of(bytes, o), MPI_BYTE, WRITER,
                  MPI_COMM_WORLD);
}

/* MPI_Alltoallv in bytes with size_t counts and displacements: pieces
 * between every pair of ranks, all posted at once. */
static int big_alltoallv(const void *sbuf, const size_t *scnt,
                         const size_t *sdis, void *rbuf, const size_t *rcnt,
                         const size_t *rdis, int tag)
{
    size_t n_req = 0;
    for (int r = 0; r < n_ranks; r++)
        if (r != rank)
            n_req += (scnt[r] + piece_max - 1) / piece_max +
                     (rcnt[r] + piece_max - 1) / piece_max;
    MPI_Request *req = malloc((n_req ? n_req : 1) * sizeof(*req));
    if (!req)
        return -1;
    size_t k = 0;
    for (int r = 0; r < n_ranks; r++) {
        if (r == rank)
            continue;
        char *p = (char *)rbuf + rdis[r];
        for (size_t o = 0; o < rcnt[r]; o += piece_of(rcnt[r], o))
            MPI_Irecv(p + o, (int)piece_of(rcnt[r], o), MPI_BYTE, r, tag,
                      MPI_COMM_WORLD, &req[k++]);
    }
    for (int r = 0; r < n_ranks; r++) {
        if (r == rank) {
            if (scnt[r])
                memcpy((char *)rbuf + rdis[r], (const char *)sbuf + sdis[r],
                       scnt[r]);
            continue;
        }
        const char *p = (const char *)sbuf + sdis[r];
        pieced += scnt[r] > piece_max;
        for (size_t o = 0; o < scnt[r]; o += piece_of(scnt[r], o))
            MPI_Isend(p + o, (int)piece_of(scnt[r], o), MPI_BYTE, r, tag,
                      MPI_COMM_WORLD, &req[k++]);
    }
    MPI_Waitall((int)k, req, MPI_STATUSES_IGNORE);
    free(req);
    return 0;
}

/* A rank's bytes to the writer, which takes them rank by rank: the size,
 * then the bytes. */
static void send_to_writer(const void *buf, size_t bytes, int tag)
{
    const uint64_t n = bytes;
    MPI_Send(&n, 1, MPI_UINT64_T, WRITER, tag, MPI_COMM_WORLD);
    big_send(buf, bytes, WRITER, tag);
}

/* Writer: rank r's bytes of send_to_writer, in *buf (malloc'd). */
static skidx_status recv_from(int r, int tag, uint8_t **buf, size_t *bytes)
{
    uint64_t n = 0;
    MPI_Recv(&n, 1, MPI_UINT64_T, r, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    *bytes = (size_t)n;
    *buf = malloc(n ? (size_t)n : 1);
    if (!*buf)
        return SKIDX_ERR_NOMEM;
    big_recv(*buf, (size_t)n, r, tag);
    return SKIDX_OK;
}

/* Broadcast an int from the writer. */
static int bcast_int(int v)
{
    MPI_Bcast(&v, 1, MPI_INT, WRITER, MPI_COMM_WORLD);
    return v;
}

/* The writer's shard list to every rank: the count, the sizes, then the
 * paths one after another with their NULs. */
static int bcast_shards(struct skidx_shard_list *l)
{
    uint64_t n = l->n, bytes = 0;
    MPI_Bcast(&n, 1, MPI_UINT64_T, WRITER, MPI_COMM_WORLD);
    if (rank == WRITER)
        for (size_t i = 0; i < l->n; i++)
            bytes += strlen(l->paths[i]) + 1;
    MPI_Bcast(&bytes, 1, MPI_UINT64_T, WRITER, MPI_COMM_WORLD);
    if (bytes > SIZE_MAX / 2 || n > SIZE_MAX / 16)
        return -1;
    char *all = malloc(bytes ? bytes : 1);
    uint64_t *sizes = malloc(n ? n * sizeof(*sizes) : 1);
    int ok = all && sizes;
    if (rank == WRITER && ok) {
        size_t o = 0;
        for (size_t i = 0; i < l->n; i++) {
            const size_t len = strlen(l->paths[i]) + 1;
            memcpy(all + o, l->paths[i], len);
            o += len;
            sizes[i] = l->sizes[i];
        }
    }
    if (any_failed(!ok, "out of memory")) {
        free(all);
        free(sizes);
        return -1;
    }
    big_bcast(all, bytes);
    big_bcast(sizes, n * sizeof(*sizes));
    if (rank != WRITER) {
        l->paths = calloc(n ? n : 1, sizeof(*l->paths));
        ok = l->paths != NULL;
        for (size_t i = 0, o = 0; ok && i < n; i++) {
            l->paths[i] = strdup(all + o);
            ok = l->paths[i] != NULL;
            o += strlen(all + o) + 1;
            l->n = i + 1;
        }
        l->cap = l->n;
        l->sizes = sizes;
        sizes = NULL;
    }
    free(all);
    free(sizes);
    return any_failed(!ok, "out of memory") ? -1 : 0;
}

/* Where rank r's work begins: cut[r] = shard, and the uncompressed byte
 * of that shard where its part begins (0: the whole shard). */
struct cut {
    uint64_t shard, at;
};

/* The smallest shard cut between ranks, in bytes on disk (a smaller one
 * goes whole to the rank that holds its middle); the test hook
 * SKIDX_MPI_CUT_MIN sets it. */
static uint64_t cut_min = (uint64_t)1 << 20;

/* Writer: the ranks' work, balanced by bytes on disk. The corpus is one
 * run of bytes, shard after shard, and rank r takes [r/n, (r+1)/n) of it:
 * a cut point inside a shard that can be cut (of cut_min bytes or more,
 * its text size known: skidx_shard_text_size) cuts it, at the
 * proportional byte of its text (the parts then meet at a record:
 * skidx_build_cut); inside another shard, the cut goes to the shard
 * boundary nearer to it, so that the rank holding its middle takes it
 * whole. By count when no size is known. */
static void plan_cuts(const struct skidx_shard_list *l, struct cut *cut)
{
    uint64_t total = 0;
    for (size_t i = 0; i < l->n; i++)
        total += l->sizes[i];
    cut[0] = (struct cut){0, 0};
    cut[n_ranks] = (struct cut){l->n, 0};
    size_t s = 0;
    uint64_t before = 0; /* bytes of the shards before s */
    for (int r = 1; r < n_ranks; r++) {
        if (!total) {
            cut[r] = (struct cut){(uint64_t)((double)l->n * r / n_ranks), 0};
            continue;
        }
        const uint64_t c = (uint64_t)((unsigned __int128)total *
                                      (unsigned)r / (unsigned)n_ranks);
        while (s < l->n && before + l->sizes[s] <= c)
            before += l->sizes[s++];
        if (s == l->n) {
            cut[r] = (struct cut){l->n, 0};
            continue;
        }
        const uint64_t in = c - before, size = l->sizes[s];
        uint64_t text = 0;
        if (in > 0 && size >= cut_min)
            text = skidx_shard_text_size(l->paths[s]);
        if (in == 0 || text)
            cut[r] = (struct cut){
                s, in ? (uint64_t)((unsigned __int128)text * in / size) : 0};
        else
            cut[r] = (struct cut){in < size - in ? s : s + 1, 0};
        /* cuts never go back */
        if (cut[r].shard < cut[r - 1].shard ||
            (cut[r].shard == cut[r - 1].shard && cut[r].at < cut[r - 1].at))
            cut[r] = cut[r - 1];
    }
}

/* Rank r's range of skidx_build_create and skidx_build_cut. */
static void rank_range(const struct cut *cut, int r, size_t *first,
                       size_t *end, uint64_t *lo, uint64_t *hi)
{
    *first = (size_t)cut[r].shard;
    *lo = cut[r].at;
    if (cut[r + 1].at) {
        *end = (size_t)cut[r + 1].shard + 1;
        *hi = cut[r + 1].at;
    } else {
        *end = (size_t)cut[r + 1].shard;
        *hi = UINT64_MAX;
    }
    if (*end < *first) /* an empty range */
        *end = *first;
}

static unsigned owner_of(uint64_t key)
{
    return (unsigned)((key * 0x9E3779B97F4A7C15ull >> 32) % (uint64_t)n_ranks);
}

/* Which of this rank's postings are reposts of earlier ones on other
 * ranks: *drop (malloc'd), one byte per key of skidx_build_keys. */
static skidx_status exchange_keys(struct skidx_build *b, uint8_t **drop_out,
                                  uint64_t *bytes_sent)
{
    uint64_t *keys = NULL, *sendk = NULL, *recvk = NULL, *cnt64 = NULL;
    uint8_t *dup = NULL, *ans = NULL, *drop = NULL;
    size_t n = 0, *pos = NULL;
    /* per rank, in keys: what goes to it and where; what comes from it */
    size_t *scnt = calloc((size_t)n_ranks * 4, sizeof(size_t));
    skidx_status st = SKIDX_ERR_NOMEM;
    *drop_out = NULL;
    cnt64 = calloc((size_t)n_ranks * 2, sizeof(*cnt64));
    if (!scnt || !cnt64 || (st = skidx_build_keys(b, &keys, &n)))
        goto out;
    st = SKIDX_ERR_NOMEM;
    size_t *sdis = scnt + n_ranks, *rcnt = sdis + n_ranks,
           *rdis = rcnt + n_ranks;
    for (size_t i = 0; i < n; i++)
        scnt[owner_of(keys[i])]++;
    sendk = malloc((n ? n : 1) * sizeof(*sendk));
    pos = malloc((n ? n : 1) * sizeof(*pos));
    drop = malloc(n ? n : 1);
    if (!sendk || !pos || !drop)
        goto out;
    /* the keys grouped by owner, in corpus order within each group */
    size_t o = 0;
    for (int r = 0; r < n_ranks; r++) {
        sdis[r] = o;
        o += scnt[r];
    }
    size_t *fill = rcnt; /* borrowed until the counts arrive */
    memcpy(fill, sdis, (size_t)n_ranks * sizeof(*fill));
    for (size_t i = 0; i < n; i++) {
        const unsigned r = owner_of(keys[i]);
        pos[i] = fill[r]++;
        sendk[pos[i]] = keys[i];
    }
    for (int r = 0; r < n_ranks; r++)
        cnt64[r] = scnt[r];
    MPI_Alltoall(cnt64, 1, MPI_UINT64_T, cnt64 + n_ranks, 1, MPI_UINT64_T,
                 MPI_COMM_WORLD);
    size_t m = 0;
    for (int r = 0; r < n_ranks; r++) {
        rcnt[r] = (size_t)cnt64[n_ranks + r];
        rdis[r] = m;
        m += rcnt[r];
    }
    recvk = malloc((m ? m : 1) * sizeof(*recvk));
    dup = malloc(m ? m : 1);
    ans = malloc(n ? n : 1);
    if (!recvk || !dup || !ans)
        goto out;
    /* in bytes: the keys, 8 each */
    for (int r = 0; r < n_ranks; r++) {
        scnt[r] *= 8, sdis[r] *= 8, rcnt[r] *= 8, rdis[r] *= 8;
    }
    if (big_alltoallv(sendk, scnt, sdis, recvk, rcnt, rdis, TAG_KEYS))
        die("cannot exchange the keys", SKIDX_ERR_NOMEM);
    for (int r = 0; r < n_ranks; r++) {
        scnt[r] /= 8, sdis[r] /= 8, rcnt[r] /= 8, rdis[r] /= 8;
    }
    /* grouped by sending rank, lowest first: corpus order */
    if ((st = skidx_build_first_seen(recvk, m, dup)))
        goto out;
    if (big_alltoallv(dup, rcnt, rdis, ans, scnt, sdis, TAG_DUPS))
        die("cannot exchange the keys", SKIDX_ERR_NOMEM);
    for (size_t i = 0; i < n; i++)
        drop[i] = ans[pos[i]];
    *bytes_sent = (uint64_t)(n - scnt[rank]) * 8 + (uint64_t)(m - rcnt[rank]);
    *drop_out = drop;
    drop = NULL;
    st = SKIDX_OK;
out:
    free(keys);
    free(sendk);
    free(recvk);
    free(dup);
    free(ans);
    free(drop);
    free(pos);
    free(scnt);
    free(cnt64);
    return st;
}

/* Sum a table of n counters into the writer's, in pieces (MPI counts are
 * ints: "messages of any size"). */
static void reduce_u64(uint64_t *t, size_t n)
{
    const size_t piece = piece_max / 8 ? piece_max / 8 : 1;
    pieced += rank != WRITER && n > piece;
    for (size_t o = 0; o < n; o += piece) {
        const int k = (int)(n - o < piece ? n - o : piece);
        if (rank == WRITER)
            MPI_Reduce(MPI_IN_PLACE, t + o, k, MPI_UINT64_T, MPI_SUM, WRITER,
                       MPI_COMM_WORLD);
        else
            MPI_Reduce(t + o, NULL, k, MPI_UINT64_T, MPI_SUM, WRITER,
                       MPI_COMM_WORLD);
        stage_bytes[ST_COUNT] += rank == WRITER ? 0 : (uint64_t)k * 8;
    }
}

/* Every rank's tables summed into the writer's: the month ranges united
 * first, so that the tables have one shape. */
static skidx_status reduce_counts(struct skidx_counts *c)
{
    int lohi[2] = {c->n_months ? c->month0 : INT_MAX,
                   c->n_months ? -(c->month0 + (int)c->n_months) : INT_MAX};
    int all[2];
    MPI_Allreduce(lohi, all, 2, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    skidx_status st = SKIDX_OK;
    if (all[0] != INT_MAX)
        st = skidx_counts_month_range(c, all[0], (uint32_t)(-all[1] - all[0]));
    if (any_failed(st != SKIDX_OK, skidx_strerror(st)))
        return st ? st : SKIDX_ERR_NOMEM;
    const size_t cells = c->n_cells;
    reduce_u64(c->cell, cells * 4);
    reduce_u64(c->hist, cells * c->bins);
    reduce_u64(c->cs, cells * c->n_skills * 3);
    /* which rows of cs may hold a count (core/count.h): the writer skips
     * the others, so a row counted only on another rank must be marked */
    for (size_t o = 0; o < cells; o += piece_max) {
        const int k = (int)piece_of(cells, o);
        if (rank == WRITER)
            MPI_Reduce(MPI_IN_PLACE, c->cs_rows + o, k, MPI_UINT8_T, MPI_MAX,
                       WRITER, MPI_COMM_WORLD);
        else
            MPI_Reduce(c->cs_rows + o, NULL, k, MPI_UINT8_T, MPI_MAX, WRITER,
                       MPI_COMM_WORLD);
    }
    reduce_u64(c->month, c->n_months);
    reduce_u64(c->month_cell, (size_t)c->n_months * cells);
    reduce_u64(c->month_skill, (size_t)c->n_months * c->n_skills);
    reduce_u64(c->stats, SKIDX_STAT_COUNT);
    reduce_u64(c->causes, SKIDX_CAUSE_COUNT);
    return SKIDX_OK;
}

/* The postings of every rank, in rank order, into the writer's segments:
 * the segments wholly inside a rank come encoded (a header message, then
 * the bytes), the rows of the segments ranks share as rows. */
static void put_piece(struct skidx_build *b, struct skidx_model *model,
                      struct skidx_build_seg *seg, const uint8_t *buf,
                      size_t len)
{
    skidx_status st = seg->bytes ? skidx_build_put_segment(b, model, seg)
                                 : skidx_build_unpack(b, model, buf, len);
    struct skidx_error werr;
    if (st && skidx_index_out_error(writer_out, &werr)) {
        /* a segment could not be written into the output */
        cli_report_st("cannot write the index", werr.status, &werr);
        die("cannot write the index", werr.status);
    }
    if (st)
        die("cannot build the postings", st);
}

static void send_rows(struct skidx_build *b, struct skidx_model *model)
{
    uint64_t mine = 0, first_row = 0;
    {
        size_t n = 0;
        uint64_t *keys = NULL;
        /* the postings still counted: one key each */
        if (skidx_build_keys(b, &keys, &n))
            die("cannot send the postings", SKIDX_ERR_NOMEM);
        free(keys);
        mine = n;
    }
    MPI_Exscan(&mine, &first_row, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
        first_row = 0; /* (undefined on rank 0) */
    skidx_build_place(b, first_row);
    uint8_t *buf = malloc(ROW_BUF);
    if (!buf)
        die("cannot send the postings", SKIDX_ERR_NOMEM);
    skidx_status st;
    int done = 0;
    size_t len = 0;
    struct skidx_build_seg seg;
    if (rank == WRITER) {
        while (!done) {
            if ((st = skidx_build_pack(b, buf, ROW_BUF, &len, &done, &seg)))
                die("cannot build the postings", st);
            put_piece(b, model, &seg, buf, len);
        }
    } else {
        /* Everything is packed (and its segments encoded) before the
         * first send: a send waits for the writer to reach this rank, and
         * encoding then would make the ranks encode one after another. */
        struct piece { struct skidx_build_seg seg; uint8_t *rows; size_t len; }
            *pc = NULL;
        size_t n = 0, cap = 0;
        while (!done) {
            if ((st = skidx_build_pack(b, buf, ROW_BUF, &len, &done, &seg)))
                die("cannot send the postings", st);
            if (!seg.bytes && !len)
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                struct piece *np = realloc(pc, cap * sizeof(*np));
                if (!np)
                    die("cannot send the postings", SKIDX_ERR_NOMEM);
                pc = np;
            }
            pc[n].seg = seg;
            pc[n].len = seg.bytes ? 0 : len;
            pc[n].rows = NULL;
            if (!seg.bytes && !(pc[n].rows = malloc(len)))
                die("cannot send the postings", SKIDX_ERR_NOMEM);
            if (!seg.bytes)
                memcpy(pc[n].rows, buf, len);
            n++;
        }
        for (size_t i = 0; i < n; i++) {
            if (pc[i].seg.bytes) {
                const uint64_t head[2] = {
                    ((uint64_t)pc[i].seg.k << 32) | pc[i].seg.rows,
                    pc[i].seg.len};
                MPI_Send(head, 2, MPI_UINT64_T, WRITER, TAG_SEG,
                         MPI_COMM_WORLD);
                big_send(pc[i].seg.bytes, pc[i].seg.len, WRITER, TAG_SEGB);
                stage_bytes[ST_ROWS] += pc[i].seg.len + 16;
                free(pc[i].seg.bytes);
            } else {
                MPI_Send(pc[i].rows, (int)pc[i].len, MPI_BYTE, WRITER,
                         TAG_ROWS, MPI_COMM_WORLD);
                stage_bytes[ST_ROWS] += pc[i].len;
                free(pc[i].rows);
            }
        }
        free(pc);
        MPI_Send(buf, 0, MPI_BYTE, WRITER, TAG_ROWS, MPI_COMM_WORLD);
        free(buf);
        return;
    }
    for (int r = 1; r < n_ranks; r++)
        for (;;) {
            MPI_Status ms;
            int got = 0;
            MPI_Probe(r, MPI_ANY_TAG, MPI_COMM_WORLD, &ms);
            if (ms.MPI_TAG == TAG_SEG) {
                uint64_t head[2];
                MPI_Recv(head, 2, MPI_UINT64_T, r, TAG_SEG, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
                seg.k = (uint32_t)(head[0] >> 32);
                seg.rows = (uint32_t)head[0];
                seg.len = (size_t)head[1];
                seg.bytes = malloc(seg.len ? seg.len : 1);
                if (!seg.bytes)
                    die("cannot receive the postings", SKIDX_ERR_NOMEM);
                big_recv(seg.bytes, seg.len, r, TAG_SEGB);
                put_piece(b, model, &seg, NULL, 0);
                segs_received++;
                continue;
            }
            MPI_Recv(buf, (int)ROW_BUF, MPI_BYTE, r, TAG_ROWS, MPI_COMM_WORLD,
                     &ms);
            MPI_Get_count(&ms, MPI_BYTE, &got);
            if (got <= 0)
                break;
            memset(&seg, 0, sizeof(seg));
            put_piece(b, model, &seg, buf, (size_t)got);
        }
    free(buf);
}

/* Every rank's shard states (encoded: skidx_build_states_encode) to the
 * writer, which merges them in rank order: corpus order, the parts of a
 * cut shard one after another. */
static void gather_states(struct skidx_build *b)
{
    const size_t bytes = skidx_build_states_encode(b, NULL);
    uint8_t *mine = malloc(bytes ? bytes : 1);
    if (!mine)
        die("cannot gather the shard states", SKIDX_ERR_NOMEM);
    skidx_build_states_encode(b, mine);
    if (rank != WRITER) {
        send_to_writer(mine, bytes, TAG_STATES);
        free(mine);
        return;
    }
    skidx_status st = skidx_build_states_merge(b, mine, bytes);
    free(mine);
    for (int r = 1; r < n_ranks && !st; r++) {
        uint8_t *in = NULL;
        size_t n = 0;
        if (!(st = recv_from(r, TAG_STATES, &in, &n)))
            st = skidx_build_states_merge(b, in, n);
        free(in);
    }
    if (st)
        die("cannot gather the shard states", st);
}

/* Every rank's kept examples (encoded) to the writer, which reports them
 * in corpus order with the budget of one run. */
static void report_examples(struct skidx_build *b)
{
    size_t n = 0;
    const size_t bytes = skidx_build_examples_encode(b, NULL, &n);
    uint8_t *mine = malloc(bytes ? bytes : 1);
    if (!mine)
        die("cannot gather the examples", SKIDX_ERR_NOMEM);
    skidx_build_examples_encode(b, mine, &n);
    if (rank != WRITER) {
        send_to_writer(mine, bytes, TAG_EXAMPLES);
        free(mine);
        return;
    }
    size_t total = bytes;
    uint8_t *all = mine;
    for (int r = 1; r < n_ranks; r++) {
        uint8_t *in = NULL;
        size_t k = 0;
        if (recv_from(r, TAG_EXAMPLES, &in, &k))
            die("cannot gather the examples", SKIDX_ERR_NOMEM);
        uint8_t *grown = realloc(all, total + k + 1);
        if (!grown)
            die("cannot gather the examples", SKIDX_ERR_NOMEM);
        all = grown;
        if (k)
            memcpy(all + total, in, k);
        total += k;
        free(in);
    }
    skidx_build_report(b, all, total);
    free(all);
}

/* Launchers bind ranks to cores (Open MPI binds each rank to one core
 * when it starts at most two): --threads beyond the cores a rank may run
 * on share them, and the run is slower with no error. The lowest such
 * rank says so; the run goes on. */
static void warn_binding(int threads)
{
    cpu_set_t cs;
    const int ncpu =
        sched_getaffinity(0, sizeof(cs), &cs) == 0 ? CPU_COUNT(&cs) : 0;
    const int over = ncpu > 0 && threads > ncpu;
    int me = over ? rank : n_ranks, low = n_ranks;
    MPI_Allreduce(&me, &low, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (low == rank)
        cli_msg("warning: rank %d runs %d threads on the %d core%s it is "
                "bound to, which they share: give mpirun --bind-to none "
                "or --map-by slot:PE=%d (srun: --cpus-per-task=%d)",
                rank, threads, ncpu, ncpu == 1 ? "" : "s", threads, threads);
}

/* Run `fn` quietly on ranks other than the writer (their stdout and
 * stderr go to /dev/null meanwhile): the writer says it once. */
static int quietly(int (*fn)(struct cli_index *), struct cli_index *ix)
{
    if (rank == WRITER)
        return fn(ix);
    fflush(stdout);
    fflush(stderr);
    const int out = dup(STDOUT_FILENO), err = dup(STDERR_FILENO);
    const int null = open("/dev/null", O_WRONLY);
    if (out >= 0 && err >= 0 && null >= 0) {
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    const int rc = fn(ix);
    fflush(stdout);
    fflush(stderr);
    if (out >= 0 && err >= 0 && null >= 0) {
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
    }
    if (out >= 0)
        close(out);
    if (err >= 0)
        close(err);
    if (null >= 0)
        close(null);
    return rc;
}

static int g_argc;
static char **g_argv;
static int parse_args(struct cli_index *ix)
{
    return cli_index_args(ix, g_argc, g_argv);
}

/* Every rank must run a build whose messages this rank reads: the same
 * skidx version, message format and byte order (the posting rows travel
 * in the library's packed form). Says which rank differs. */
#define MSG_FORMAT 2
static int check_build(void)
{
    const uint16_t one = 1;
    uint8_t little;
    memcpy(&little, &one, 1);
    uint64_t id = 0xcbf29ce484222325ull; /* FNV-1a over what must agree */
    char what[128];
    snprintf(what, sizeof(what), "%s/%d/%s/%zu", SKIDX_VERSION_STRING,
             MSG_FORMAT, little ? "le" : "be", sizeof(void *));
    for (const char *p = what; *p; p++)
        id = (id ^ (uint8_t)*p) * 0x100000001b3ull;
    const char *test = getenv("SKIDX_MPI_TEST_FORMAT"); /* a test hook */
    if (test && *test)
        id ^= strtoull(test, NULL, 10);
    uint64_t id0 = id;
    MPI_Bcast(&id0, 1, MPI_UINT64_T, WRITER, MPI_COMM_WORLD);
    char why[256];
    snprintf(why, sizeof(why),
             "this skidx-mpi (%s, message format %d, id %016llx) is not "
             "rank 0's build (id %016llx); every node needs the same build",
             SKIDX_VERSION_STRING, MSG_FORMAT, (unsigned long long)id,
             (unsigned long long)id0);
    return any_failed(id != id0, why);
}

static int run(struct cli_index *ix)
{
    struct skidx_error err;
    struct skidx_model model;
    struct skidx_build *b = NULL;
    struct cut *cut = NULL;
    uint8_t *drop = NULL;
    int rc = EXIT_DATA, have_model = 0;

    /* the writer lists the corpus and checks the output; the others take
     * its list */
    if (check_build())
        return EXIT_DATA;
    int lrc = rank == WRITER ? cli_index_list(ix) : -1;
    if ((lrc = bcast_int(lrc)) >= 0)
        return lrc;
    if (bcast_shards(&ix->shards))
        return EXIT_DATA;
    keep_freed_memory();
    /* the writer opens the taxonomy first: a compilation then fills the
     * cache the others read */
    int trc = rank == WRITER ? cli_index_taxonomy(ix) : -1;
    if ((trc = bcast_int(trc)) >= 0)
        return trc;
    if (rank != WRITER && quietly(cli_index_taxonomy, ix) >= 0)
        trc = EXIT_DATA;
    if (any_failed(trc >= 0, "cannot open the taxonomy (as rank 0 did)"))
        return EXIT_DATA;
    /* every rank must match with the writer's taxonomy: a node whose copy
     * of the directory differs would count other skills into the same
     * table, a silently wrong index */
    uint64_t th = ix->tax->hash;
    MPI_Bcast(&th, 1, MPI_UINT64_T, WRITER, MPI_COMM_WORLD);
    char why[PATH_MAX + 160];
    snprintf(why, sizeof(why),
             "the taxonomy in '%s' differs from rank 0's (hash %016llx, "
             "rank 0: %016llx); every node needs the same copy",
             ix->tax_dir ? ix->tax_dir : "the default taxonomy",
             (unsigned long long)ix->tax->hash, (unsigned long long)th);
    if (any_failed(th != ix->tax->hash, why))
        return EXIT_DATA;
    warn_binding(ix->o.threads);

    cut = malloc(((size_t)n_ranks + 1) * sizeof(*cut));
    skidx_status st = cut ? SKIDX_OK : SKIDX_ERR_NOMEM;
    if (any_failed(st != SKIDX_OK, skidx_strerror(st)))
        goto out;
    if (rank == WRITER) {
        plan_cuts(&ix->shards, cut);
        for (int r = 1; r < n_ranks; r++)
            cuts_inside += cut[r].at > 0;
    }
    MPI_Bcast(cut, 2 * (n_ranks + 1), MPI_UINT64_T, WRITER, MPI_COMM_WORLD);
    size_t first, end;
    uint64_t lo, hi;
    rank_range(cut, rank, &first, &end, &lo, &hi);
    if (!(st = skidx_model_init(&model, ix->tax, SKIDX_VERSION_STRING,
                                ix->o.currency)))
        have_model = 1;
    /* the writer's output: its temporary takes the segments as they
     * arrive, in corpus order (cli_index_finish renames it into place or
     * removes it) */
    int orc = -1;
    if (!st && rank == WRITER && (orc = cli_index_open_out(ix, &model)) < 0)
        writer_out = ix->w;
    if ((orc = bcast_int(orc)) >= 0) {
        rc = orc;
        goto out;
    }
    if (!st)
        st = skidx_build_create(&ix->shards, ix->comp, &ix->o, first, end,
                                &b);
    if (!st)
        skidx_build_cut(b, lo, hi);
    if (any_failed(st != SKIDX_OK, skidx_strerror(st)))
        goto out;

    /* 1. every rank its shards */
    int shards_failed = 0, any_shard = 0;
    double t = MPI_Wtime();
    st = skidx_build_process(b, &shards_failed);
    stage_s[ST_PROCESS] = MPI_Wtime() - t;
    if (any_failed(st != SKIDX_OK, skidx_strerror(st)))
        goto out;
    MPI_Allreduce(&shards_failed, &any_shard, 1, MPI_INT, MPI_MAX,
                  MPI_COMM_WORLD);
    struct skidx_index_summary sum;
    if (!any_shard || ix->o.keep_going) {
        /* 2. reposts across ranks, 3. counts, 4. rows */
        t = MPI_Wtime();
        st = exchange_keys(b, &drop, &stage_bytes[ST_KEYS]);
        if (any_failed(st != SKIDX_OK, skidx_strerror(st)))
            goto out;
        skidx_build_drop(b, drop);
        stage_s[ST_KEYS] = MPI_Wtime() - t;
        t = MPI_Wtime();
        st = skidx_build_count(b, &model.counts);
        if (any_failed(st != SKIDX_OK, skidx_strerror(st)))
            goto out;
        if (reduce_counts(&model.counts))
            goto out;
        stage_s[ST_COUNT] = MPI_Wtime() - t;
        t = MPI_Wtime();
        if (!ix->o.no_postings) /* (every rank parsed the same options) */
            send_rows(b, &model);
        stage_s[ST_ROWS] = MPI_Wtime() - t;
        if (!ix->quiet)
            print_stats();
    }
    gather_states(b);
    report_examples(b);
    if (rank == WRITER) {
        skidx_error_clear(&err);
        st = skidx_build_finish(b, &model, &sum, &err);
        rc = cli_index_finish(ix, &model, st, &err, &sum);
        writer_out = NULL;
    }
    /* the others exit as the writer does */
    rc = bcast_int(rc);
out:
    skidx_build_free(b);
    if (have_model)
        skidx_model_release(&model);
    free(cut);
    free(drop);
    return rc;
}

int main(int argc, char **argv)
{
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &n_ranks);
    const char *cm = getenv("SKIDX_MPI_CUT_MIN"); /* a test hook */
    if (cm && *cm)
        cut_min = strtoull(cm, NULL, 10);
    const char *pb = getenv("SKIDX_MPI_PIECE_BYTES"); /* a test hook */
    if (pb && strtoull(pb, NULL, 10) > 0 &&
        strtoull(pb, NULL, 10) < piece_max)
        piece_max = (size_t)strtoull(pb, NULL, 10);
    struct cli_index ix;
    g_argc = argc;
    g_argv = argv;
    /* every rank parses the same arguments; the writer speaks */
    int rc = quietly(parse_args, &ix);
    if (rc < 0) {
        /* Nothing is on disk until the writer writes the index: a signal
         * ends the process at once (the writer's temporary removed) */
        cli_install_signals(0, rank == WRITER
                                   ? "skidx: interrupted: no index written\n"
                                   : NULL);
        if (rank != WRITER)
            ix.o.on_progress = NULL; /* the writer draws it */
        rc = run(&ix);
    }
    cli_index_release(&ix);
    MPI_Finalize();
    return rc;
}
