/*
 * indexer.c - the parallel indexing driver (see indexer.h for the design).
 *
 * Invariants:
 * - A chunk result is committed exactly once, in (shard, seq) order.
 * - Thread t only writes counts[t]; decisions run under `lock`, so the
 *   duplicate set and the example budget are touched by one thread at a
 *   time, in corpus order.
 * - A shard's reader has at most `max_inflight` chunk tasks queued; past
 *   that it parses the chunk itself. A shard's task ends only when all its
 *   chunks are processed (taskwait): memory is bounded by threads x
 *   (max_inflight + 1) chunks plus the results of shards read ahead of the
 *   commit point (about 3 % of their text each).
 */
#include "build/indexer.h"
#include "core/blob.h"
#include "core/causes.h"
#include "core/error.h"
#include "core/format.h"
#include "io/csv.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const cause_texts[SKIDX_CAUSE_COUNT] = {
    [SKIDX_SKIP_NOT_JSON] = "not JSON",
    [SKIDX_SKIP_NOT_OBJECT] = "not a JSON object",
    [SKIDX_SKIP_BAD_STRING] = "unterminated string or invalid escape",
    [SKIDX_SKIP_NUL_BYTE] = "NUL byte in the line",
    [SKIDX_SKIP_TOO_LONG] = "record longer than --max-record-bytes",
    [SKIDX_SKIP_NO_TEXT] = "neither title nor description",
    [SKIDX_SKIP_TOO_DEEP] = "JSON nested too deep",
    [SKIDX_FIX_INVALID_UTF8] = "invalid UTF-8 replaced by U+FFFD",
    [SKIDX_FIX_LONE_SURROGATE] = "lone surrogate replaced by U+FFFD",
    [SKIDX_FIX_WRONG_TYPE] = "field of the wrong type ignored",
    [SKIDX_FIX_BAD_SALARY] = "unusable salary ignored",
    [SKIDX_FIX_BAD_DATE] = "unusable date ignored",
    [SKIDX_FIX_DUPLICATE_KEY] = "repeated key, last value kept",
    [SKIDX_SKIP_CONTROL_CHAR] = "control character in a string",
    [SKIDX_SKIP_CSV_QUOTE] = ("quoted field not closed before the end of "
                              "the file"),
    [SKIDX_SKIP_CSV_FIELDS] = "wrong number of fields",
};

const char *skidx_cause_text(unsigned cause)
{
    return cause < SKIDX_CAUSE_COUNT ? cause_texts[cause] : "unknown";
}

/* ---- duplicate set ---- */

struct dedup_set {
    uint64_t *keys; /* 0 = empty */
    size_t cap, n;
};

/* The slot where key k's search begins in a table of cap slots (a power
 * of two; k not 0). */
static inline size_t dedup_slot(uint64_t k, size_t cap)
{
    return (size_t)(k * 0x9E3779B97F4A7C15ull >> 17) & (cap - 1);
}

/* Returns 1 when the key was new, 0 when present, -1 on OOM. */
static int dedup_insert(struct dedup_set *d, uint64_t k)
{
    if (!k)
        k = 1;
    if ((d->n + 1) * 4 > d->cap * 3) {
        size_t cap = d->cap ? d->cap * 2 : 1 << 16;
        uint64_t *nk = calloc(cap, sizeof(*nk));
        if (!nk)
            return -1;
        for (size_t i = 0; i < d->cap; i++) {
            uint64_t x = d->keys[i];
            if (!x)
                continue;
            size_t s = dedup_slot(x, cap);
            while (nk[s])
                s = (s + 1) & (cap - 1);
            nk[s] = x;
        }
        free(d->keys);
        d->keys = nk;
        d->cap = cap;
    }
    size_t s = dedup_slot(k, d->cap);
    while (d->keys[s]) {
        if (d->keys[s] == k)
            return 0;
        s = (s + 1) & (d->cap - 1);
    }
    d->keys[s] = k;
    d->n++;
    return 1;
}

/* Start loading the slot where key k's search begins: a set of a
 * corpus's keys is megabytes, and nearly every search misses the
 * caches there (the whole cost of dedup_insert). */
static void dedup_prefetch(const struct dedup_set *d, uint64_t k)
{
    if (!d->cap)
        return;
    if (!k)
        k = 1;
    __builtin_prefetch(d->keys + dedup_slot(k, d->cap), 1);
}

/* ---- chunk results ---- */

/* One posting of a chunk result: the header, then u32 skills[n_skills],
 * u32 pref[n_pref], the company and location bytes, zero-padded to 8. */
struct rec_hdr {
    uint64_t dedup;
    int64_t salary;
    int32_t month;
    uint32_t cell;
    uint32_t fixes;
    uint32_t same_currency;
    uint32_t n_skills;
    uint32_t pad;
    uint64_t line;
    uint32_t n_pref;
    uint32_t comp_len, loc_len; /* UINT32_MAX: none */
    uint32_t known_dup; /* posting_result.known_dup: not matched */
};

static size_t str_bytes(uint32_t len)
{
    return len == SKIDX_NO_STRING ? 0 : len;
}

static size_t rec_size(const struct rec_hdr *h)
{
    size_t n = sizeof(*h) + ((size_t)h->n_skills + h->n_pref) * 4 +
               str_bytes(h->comp_len) + str_bytes(h->loc_len);
    return (n + 7) & ~(size_t)7;
}

struct example {
    uint64_t line;
    uint64_t col; /* byte in the line, UINT64_MAX when none */
    unsigned cause;
};

struct result {
    size_t shard;
    uint64_t seq;
    uint8_t *buf; /* rec_hdr + skills, repeated */
    size_t len, cap;
    uint64_t lines, records, skipped, repaired;
    uint64_t causes[SKIDX_CAUSE_COUNT];
    struct example *ex;
    size_t n_ex, cap_ex;
    unsigned ex_per_cause[SKIDX_CAUSE_COUNT];
    struct result *next; /* pending list */
    /* processing failed: why (SKIDX_ERR_NOMEM, or a posting's status,
     * such as SKIDX_ERR_HYPERSCAN), and the line of that posting (0 when
     * no posting's) */
    skidx_status failed;
    uint64_t fail_line;
    size_t pack_off;     /* skidx_build_pack: the next record */
};

static void result_free(struct result *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->ex);
    free(r);
}

static int result_reserve(struct result *r, size_t n)
{
    if (r->len + n <= r->cap)
        return 0;
    size_t cap = r->cap ? r->cap : 1 << 16;
    if (!r->cap && n > cap)
        cap = n; /* the first reservation: as asked */
    while (cap < r->len + n)
        cap *= 2;
    uint8_t *p = realloc(r->buf, cap);
    if (!p)
        return -1;
    r->buf = p;
    r->cap = cap;
    return 0;
}

/* ---- shared state ---- */

/* What one thread writes all the time, on cache lines of its own: with
 * the threads' states side by side, a JSON buffer's length or a match
 * counter written by one core kept evicting the other's line. */
struct thread_state {
    struct skidx_counts counts;
    struct skidx_worker worker;
    struct skidx_jbuf jbuf;
    void *spare; /* view buffers kept between this thread's readers */
} __attribute__((aligned(128)));

struct shard_state {
    uint64_t n_chunks; /* valid once done */
    int queued;        /* chunk tasks queued and not finished (atomic) */
    int done;
    int failed;
    uint64_t records_committed;
    uint64_t postings, duplicates, skipped; /* committed */
    uint64_t causes[SKIDX_CAUSE_COUNT];
    uint64_t bytes_in, bytes_out;
    struct skidx_error err;
    int to_end; /* read to its end (not a part cut before it) */
    /* CSV/TSV: the header, set before the shard's first chunk is run,
     * read-only after (the splitter's; freed after the taskwait) */
    const struct skidx_csv_header *csv;
    int is_csv;
};

struct run {
    const struct skidx_shard_list *shards;
    const struct skidx_compiled *compiled;
    const struct skidx_index_opts *opts;
    int threads;

    struct thread_state *ts;            /* per thread */

    omp_lock_t lock;                    /* commit state below */
    struct shard_state *ss;
    size_t next_shard;
    uint64_t next_seq;
    struct result *pending;             /* sorted by (shard, seq) */
    struct dedup_set dedup;
    /* the keys decide() found fresh, for the workers to pass over their
     * repeats (skidx_worker.dup_seen): a key a slot, the last one stored
     * there kept, written under the lock and read by any thread (relaxed
     * atomics). Each was decided before every posting not yet decided,
     * so a posting whose key is there repeats an earlier one; a key
     * that is overwritten, or not yet stored, is only a repeat matched
     * in vain. NULL with opts->match_duplicates. */
    uint64_t *dup_seen;
    uint64_t dup_mask;
    uint64_t repeats_passed; /* postings decided with known_dup set */
    /* posting-level segments: the open one, filled in corpus order by
     * decide(); full ones wait in `full` for a thread to encode them
     * outside the lock into model->post, slot seg_of */
    struct skidx_pseg_raw *praw;
    uint32_t praw_seg;
    struct praw_item { struct skidx_pseg_raw *raw; uint32_t seg;
                       struct praw_item *next; } *full, *spare;
    struct skidx_pstore *post;
    unsigned reported[SKIDX_CAUSE_COUNT];
    int abort;                          /* stop everything */
    int locks;                          /* lock and pool_lock made */
    int nomem;
    /* a posting failed for another cause than memory (decide): its
     * status, shard and line */
    skidx_status fail_st;
    size_t fail_shard;
    uint64_t fail_line;
    skidx_status write_st;              /* a segment not stored */

    /* staged runs (skidx_build_*): shards [first, end) only; results are
     * held in corpus order (decided against this run's own earlier
     * postings only) and examples kept, not reported */
    int hold;
    size_t first, end;
    /* skidx_build_cut: the first shard's part begins at the record at or
     * after this uncompressed byte, the last shard's ends before the
     * record at or after last_hi (0 and UINT64_MAX: whole shards) */
    uint64_t first_lo, last_hi;
    struct result *held, **held_tail;
    size_t n_held;
    struct kept_example { uint64_t shard; struct example e; } *kept;
    size_t n_kept, cap_kept;
    uint64_t rows_unpacked;
    uint8_t *merged; /* skidx_build_states_merge: shards with a part in */
    /* skidx_build_pack: this build's first row in the whole run, its
     * postings, the next one's number; the segments that lie wholly
     * inside the build are cut here (`local`), one waits in `ready` */
    uint64_t first_row, n_fresh, pack_i;
    struct skidx_pseg_raw *local;
    struct skidx_build_seg ready;

    int max_inflight;                   /* queued chunks per shard */
    /* the most bytes of results per KiB of text a chunk has given so
     * far (atomic; 0 before the first): what run_chunk reserves */
    unsigned result_per_kib;
    size_t shards_started;              /* atomic */
    int reading;                        /* threads in a shard's read loop
                                         * (atomic) */

    /* Chunk buffers for reuse: a freed buffer of a megabyte goes back to
     * the kernel, and the next one faults in every page again (a tenth of
     * the time at 2 threads was spent so). */
    omp_lock_t pool_lock;
    struct pool_buf { char *data; size_t cap; } *pool;
    size_t n_pool, cap_pool;
    uint64_t bytes_in_total;            /* atomic, for progress */
    uint64_t bytes_total;
    uint64_t postings_committed;
    struct timespec t0;
    double last_progress;
    size_t shards_finished;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static void progress(struct run *R, int final)
{
    double t = now_s(), el = t - ((double)R->t0.tv_sec + R->t0.tv_nsec * 1e-9);
    if (!R->opts->on_progress ||
        (!final && t - R->last_progress < 0.25))
        return;
    R->last_progress = t;
    const struct skidx_index_progress p = {
        R->shards_finished,
        R->shards->n,
        __atomic_load_n(&R->bytes_in_total, __ATOMIC_RELAXED),
        R->bytes_total,
        R->postings_committed,
        el,
        final};
    R->opts->on_progress(R->opts->cb_arg, &p);
}

static int stopped(const struct run *R)
{
    return R->opts->stop && *R->opts->stop;
}

/* ---- chunk buffer pool ---- */

static void pool_take(struct run *R, struct skidx_chunk *c)
{
    omp_set_lock(&R->pool_lock);
    if (R->n_pool) {
        R->n_pool--;
        c->data = R->pool[R->n_pool].data;
        c->cap = R->pool[R->n_pool].cap;
    }
    omp_unset_lock(&R->pool_lock);
}

/* Keep c's buffer for the next chunk (or free it when the pool is full),
 * free the rest of the chunk. */
static void pool_give(struct run *R, struct skidx_chunk *c)
{
    omp_set_lock(&R->pool_lock);
    if (c->data && R->n_pool < R->cap_pool) {
        R->pool[R->n_pool].data = c->data;
        R->pool[R->n_pool].cap = c->cap;
        R->n_pool++;
        c->data = NULL;
        c->cap = 0;
    }
    omp_unset_lock(&R->pool_lock);
    skidx_chunk_release(c);
}

/* ---- processing one chunk (lock-free) ---- */

static void add_example(struct result *r, unsigned cause, uint64_t line,
                        uint64_t col, unsigned budget)
{
    if (r->ex_per_cause[cause] >= budget)
        return;
    if (r->n_ex == r->cap_ex) {
        size_t cap = r->cap_ex ? r->cap_ex * 2 : 16;
        struct example *e = realloc(r->ex, cap * sizeof(*e));
        if (!e)
            return; /* examples are best effort; counts are exact */
        r->ex = e;
        r->cap_ex = cap;
    }
    r->ex[r->n_ex++] = (struct example){line, col, cause};
    r->ex_per_cause[cause]++;
}

static int blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* A string field trimmed of spaces (*p, length), or SKIDX_NO_STRING when
 * absent, not a string or blank; cut at 64 KiB. */
static uint32_t trimmed(const struct skidx_jvalue *v, const char **p)
{
    *p = NULL;
    if (v->type != SKIDX_J_STRING)
        return SKIDX_NO_STRING;
    const char *s = v->ptr;
    size_t n = v->len;
    while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
                 s[n - 1] == '\r'))
        n--;
    if (!n)
        return SKIDX_NO_STRING;
    *p = s;
    return n > 65536 ? 65536 : (uint32_t)n;
}

/* Count and match one usable record (its fields in `rec`) at `line`;
 * 0, or -1 when it failed (r->failed says why). */
static int process_record(struct run *R, struct skidx_worker *w,
                          struct skidx_jsonl_record *rec, uint64_t line,
                          struct result *r)
{
    const struct skidx_compiled *cp = R->compiled;
    const uint32_t n_levels = cp->tax->n_levels;
    const unsigned budget = R->opts->max_examples;
    struct skidx_posting post;
    struct skidx_posting_result pr;
    unsigned skip = 0;
    skidx_jsonl_to_posting(rec, &post);
    skidx_status st = skidx_posting_process(
        cp, w, &post, R->opts->currency, 0, R->opts->engine, &pr, &skip);
    uint32_t fixes = rec->fixes | pr.fixes;
    if (st == SKIDX_ERR_CORRUPT) {
        r->skipped++;
        r->causes[skip]++;
        add_example(r, skip, line, UINT64_MAX, budget);
        return 0;
    }
    if (st) {
        r->failed = st;
        r->fail_line = line;
        return -1;
    }
    if (fixes) {
        r->repaired++;
        for (unsigned k = SKIDX_FIRST_FIX; k <= SKIDX_LAST_FIX; k++)
            if (fixes & (1u << k)) {
                r->causes[k]++;
                add_example(r, k, line, UINT64_MAX, budget);
            }
    }
    const char *comp = NULL, *loc = NULL;
    uint32_t comp_len = SKIDX_NO_STRING, loc_len = SKIDX_NO_STRING;
    if (!R->opts->no_postings) { /* the columns of the segments only */
        comp_len = trimmed(&rec->f[SKIDX_F_COMPANY], &comp);
        loc_len = trimmed(&rec->f[SKIDX_F_LOCATION], &loc);
    }
    struct rec_hdr h = {pr.dedup,       pr.salary,
                        pr.month,       pr.role * n_levels + pr.level,
                        fixes,          (uint32_t)pr.same_currency,
                        (uint32_t)pr.n_skills, 0, line, (uint32_t)pr.n_pref,
                        comp_len, loc_len, (uint32_t)pr.known_dup};
    size_t need = rec_size(&h);
    if (result_reserve(r, need)) {
        r->failed = SKIDX_ERR_NOMEM;
        return -1;
    }
    uint8_t *o = r->buf + r->len;
    memset(o, 0, need);
    memcpy(o, &h, sizeof(h));
    o += sizeof(h);
    /* (memcpy of 0 bytes from NULL is undefined: each is guarded) */
    if (pr.n_skills)
        memcpy(o, pr.skills, pr.n_skills * sizeof(uint32_t));
    o += pr.n_skills * sizeof(uint32_t);
    if (pr.n_pref)
        memcpy(o, pr.pref, pr.n_pref * sizeof(uint32_t));
    o += pr.n_pref * sizeof(uint32_t);
    if (comp)
        memcpy(o, comp, str_bytes(comp_len));
    o += str_bytes(comp_len);
    if (loc)
        memcpy(o, loc, str_bytes(loc_len));
    r->len += need;
    return 0;
}

/* A piece of a CSV/TSV shard: a dropped record (drop_cause, at drop_line)
 * then whole records. Lines count every '\n', as for JSON Lines. */
static void process_csv(struct run *R, const struct skidx_chunk *c,
                        struct result *r, unsigned drop_cause,
                        uint64_t drop_line)
{
    const int t = omp_get_thread_num();
    struct skidx_worker *w = &R->ts[t].worker;
    struct skidx_jbuf *jb = &R->ts[t].jbuf;
    const struct skidx_csv_header *h = R->ss[r->shard].csv;
    const unsigned budget = R->opts->max_examples;
    if (drop_cause < SKIDX_CAUSE_COUNT) {
        r->records++;
        r->skipped++;
        r->causes[drop_cause]++;
        add_example(r, drop_cause, drop_line, UINT64_MAX, budget);
    }
    r->lines += c->n_lines;
    size_t at = 0;
    uint64_t line = c->first_line;
    while (at < c->len) {
        size_t used = 0, col = SIZE_MAX;
        uint64_t nl = 0;
        struct skidx_jsonl_record rec;
        const unsigned cause = skidx_csv_parse(h, c->data + at, c->len - at,
                                               &used, &nl, &rec, jb, &col);
        const uint64_t here = line;
        at += used;
        line += nl;
        if (cause == SKIDX_CSV_BLANK)
            continue;
        if (cause > SKIDX_CAUSE_COUNT) { /* the parser's scratch */
            r->failed = SKIDX_ERR_NOMEM;
            return;
        }
        r->records++;
        if (cause < SKIDX_CAUSE_COUNT) {
            r->skipped++;
            r->causes[cause]++;
            add_example(r, cause, here, col == SIZE_MAX ? UINT64_MAX : col,
                        budget);
            continue;
        }
        if (process_record(R, w, &rec, here, r))
            return;
    }
}

/* The bytes skidx_jsonl_parse_first() may read for one line: a longer
 * line is parsed again after a search for its end (correct either way;
 * this bounds the scratch that a line's strings may reserve). */
#define PARSE_REACH ((size_t)1 << 20)

static void process_chunk(struct run *R, const struct skidx_chunk *c,
                          struct result *r)
{
    int t = omp_get_thread_num();
    struct skidx_worker *w = &R->ts[t].worker;
    struct skidx_jbuf *jb = &R->ts[t].jbuf;
    unsigned budget = R->opts->max_examples;
    const char *p = c->data, *end = c->data + c->len;
    uint64_t line = c->first_line;
    size_t li = 0; /* next long line */

    for (; p < end; line++) {
        const char *s = p;
        r->lines++;
        if (li < c->n_long && c->long_lines[li] == line) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
            li++;
            r->records++;
            r->skipped++;
            r->causes[SKIDX_SKIP_TOO_LONG]++;
            add_example(r, SKIDX_SKIP_TOO_LONG, line, UINT64_MAX, budget);
            continue;
        }
        struct skidx_jsonl_record rec;
        size_t col = 0, n;
        unsigned cause;
        if (*s == '{') {
            /* a record at the line's first byte: the parse finds the
             * line's end (no blank line starts with '{') */
            cause = skidx_jsonl_parse_first(&R->opts->keys, s,
                                            (size_t)(end - s), PARSE_REACH,
                                            &rec, jb, &col, &n);
            p = s + n < end ? s + n + 1 : end;
        } else {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            n = (size_t)((nl ? nl : end) - p);
            p = nl ? nl + 1 : end;
            if (blank_line(s, n))
                continue;
            cause = skidx_jsonl_parse(&R->opts->keys, s, n, &rec, jb, &col);
        }
        r->records++;
        if (cause > SKIDX_CAUSE_COUNT) { /* the parser's scratch */
            r->failed = SKIDX_ERR_NOMEM;
            return;
        }
        if (cause < SKIDX_CAUSE_COUNT) {
            r->skipped++;
            r->causes[cause]++;
            add_example(r, cause, line, col, budget);
            continue;
        }
        if (process_record(R, w, &rec, line, r))
            return;
    }
}

/* ---- ordered commit (under the lock) ---- */

static void report_example(struct run *R, size_t shard,
                           const struct example *e)
{
    if (R->hold) {
        if (R->n_kept == R->cap_kept) {
            const size_t cap = R->cap_kept ? 2 * R->cap_kept : 16;
            struct kept_example *k = realloc(R->kept, cap * sizeof(*k));
            if (!k)
                return; /* examples are best effort */
            R->kept = k;
            R->cap_kept = cap;
        }
        R->kept[R->n_kept++] = (struct kept_example){shard, *e};
        return;
    }
    if (!R->opts->on_message)
        return;
    const struct skidx_index_message m = {R->shards->paths[shard], e->line,
                                          e->col, e->cause};
    R->opts->on_message(R->opts->cb_arg, &m);
}

/* Under the lock, in corpus order: stats, examples and the duplicate
 * decision (a duplicate's header gets n_skills = DUP). */
#define DUP UINT32_MAX

/* A corpus of regular files this small (their bytes) is read by one
 * thread when the user gives no thread count (run_init()). */
#define SMALL_CORPUS ((uint64_t)256 << 10)

/* Under the lock, in corpus order: posting `h` (at r->buf + off) as the
 * next row of the open segment; a full segment goes to R->full. */
/* The builder's row of posting `h` (at r->buf + off). */
static void make_row(const struct result *r, size_t off,
                     const struct rec_hdr *h, struct skidx_prow *row)
{
    const uint8_t *p = r->buf + off + sizeof(*h);
    struct skidx_prow w;
    w.dedup = h->dedup;
    w.line = h->line;
    w.cell = h->cell;
    w.shard = (uint32_t)r->shard;
    w.month = h->month;
    w.status = h->salary < 0     ? SKIDX_SAL_NONE
               : h->same_currency ? SKIDX_SAL_INDEX
                                  : SKIDX_SAL_OTHER;
    w.salary = h->salary < 0 ? 0 : (uint32_t)h->salary;
    w.skills = (const uint32_t *)p;
    w.n_skills = h->n_skills;
    w.pref = (const uint32_t *)p + h->n_skills;
    w.n_pref = h->n_pref;
    const char *str = (const char *)(p + 4 * ((size_t)h->n_skills + h->n_pref));
    w.company = h->comp_len == SKIDX_NO_STRING ? NULL : str;
    w.company_len = h->comp_len;
    w.location = h->loc_len == SKIDX_NO_STRING
                     ? NULL
                     : str + str_bytes(h->comp_len);
    w.location_len = h->loc_len;
    *row = w;
}

static int add_row(struct run *R, const struct result *r, size_t off,
                   const struct rec_hdr *h)
{
    struct skidx_prow w;
    make_row(r, off, h, &w);
    if (!R->praw) {
        if (R->spare) {
            struct praw_item *it = R->spare;
            R->spare = it->next;
            R->praw = it->raw;
            free(it);
        } else if (skidx_pseg_raw_create(&R->praw)) {
            return -1;
        }
    }
    if (skidx_pseg_raw_add(R->praw, &w))
        return -1;
    if (skidx_pseg_raw_rows(R->praw) == SKIDX_SEG_ROWS) {
        struct praw_item *it = malloc(sizeof(*it));
        if (!it)
            return -1;
        it->raw = R->praw;
        it->seg = R->praw_seg++;
        it->next = R->full;
        R->full = it;
        R->praw = NULL;
    }
    return 0;
}

/* Encode the full segments waiting (any thread, outside the lock). */
static void encode_full(struct run *R)
{
    const uint32_t n_skills = R->compiled->tax->n_skills;
    for (;;) {
        omp_set_lock(&R->lock);
        struct praw_item *it = R->full;
        if (it)
            R->full = it->next;
        omp_unset_lock(&R->lock);
        if (!it)
            return;
        uint8_t *bytes = NULL;
        size_t len = 0;
        skidx_status st = skidx_pseg_encode(it->raw, n_skills, &bytes, &len);
        const uint32_t rows = skidx_pseg_raw_rows(it->raw);
        skidx_pseg_raw_reset(it->raw);
        omp_set_lock(&R->lock);
        if (!st)
            st = skidx_pstore_put(R->post, it->seg, bytes, len, rows);
        if (st) {
            /* out of memory, or the store's sink could not write */
            R->nomem = st == SKIDX_ERR_NOMEM;
            R->write_st = st;
            __atomic_store_n(&R->abort, 1, __ATOMIC_RELAXED);
        }
        it->next = R->spare;
        R->spare = it;
        omp_unset_lock(&R->lock);
    }
}

#define DEDUP_AHEAD 8

/* Prefetch the duplicate set's slot of the posting at `off` of r;
 * returns the next posting's offset. */
static size_t prefetch_key(const struct run *R, const struct result *r,
                           size_t off)
{
    struct rec_hdr h;
    memcpy(&h, r->buf + off, sizeof(h));
    dedup_prefetch(&R->dedup, h.dedup);
    return off + rec_size(&h);
}

static void decide(struct run *R, struct result *r)
{
    if (r->failed) {
        if (r->failed == SKIDX_ERR_NOMEM)
            R->nomem = 1;
        else if (!R->fail_st) { /* the first failure in corpus order */
            R->fail_st = r->failed;
            R->fail_shard = r->shard;
            R->fail_line = r->fail_line;
        }
        __atomic_store_n(&R->abort, 1, __ATOMIC_RELAXED);
        return;
    }
    struct shard_state *ss = &R->ss[r->shard];
    ss->records_committed += r->records;
    ss->skipped += r->skipped;
    for (unsigned k = 0; k < SKIDX_CAUSE_COUNT; k++)
        ss->causes[k] += r->causes[k];
    for (size_t i = 0; i < r->n_ex; i++) {
        unsigned k = r->ex[i].cause;
        if (R->reported[k] < R->opts->max_examples) {
            R->reported[k]++;
            report_example(R, r->shard, &r->ex[i]);
        }
    }
    /* the keys' slots are loaded DEDUP_AHEAD postings ahead */
    size_t off = 0, ahead = 0;
    for (int k = 0; k < DEDUP_AHEAD && ahead < r->len; k++)
        ahead = prefetch_key(R, r, ahead);
    while (off < r->len) {
        struct rec_hdr h;
        memcpy(&h, r->buf + off, sizeof(h));
        size_t next = off + rec_size(&h);
        if (ahead < r->len)
            ahead = prefetch_key(R, r, ahead);
        int fresh = dedup_insert(&R->dedup, h.dedup);
        if (fresh < 0) {
            R->nomem = 1;
            __atomic_store_n(&R->abort, 1, __ATOMIC_RELAXED);
            return;
        }
        /* a posting passed over as a repeat was one: its key was in the
         * set before it (dup_seen holds only keys the set holds) */
        if (fresh && h.known_dup)
            abort();
        R->repeats_passed += h.known_dup;
        if (fresh && R->dup_seen)
            __atomic_store_n(R->dup_seen + skidx_dup_slot(h.dedup, R->dup_mask),
                             skidx_dup_stored(h.dedup), __ATOMIC_RELAXED);
        if (!fresh) {
            h.pad = DUP;
            memcpy(r->buf + off, &h, sizeof(h));
            ss->duplicates++;
        } else {
            R->postings_committed++;
            ss->postings++;
            if (!R->hold && !R->opts->no_postings && add_row(R, r, off, &h)) {
                R->nomem = 1;
                __atomic_store_n(&R->abort, 1, __ATOMIC_RELAXED);
                return;
            }
        }
        off = next;
    }
}

/* Outside the lock, by any thread into its own accumulator: sums do not
 * depend on the order. */
static int count_result(struct run *R, const struct result *r)
{
    struct skidx_counts *c = &R->ts[omp_get_thread_num()].counts;
    c->stats[SKIDX_STAT_LINES] += r->lines;
    c->stats[SKIDX_STAT_RECORDS] += r->records;
    c->stats[SKIDX_STAT_SKIPPED] += r->skipped;
    c->stats[SKIDX_STAT_REPAIRED] += r->repaired;
    for (unsigned k = 0; k < SKIDX_CAUSE_COUNT; k++)
        c->causes[k] += r->causes[k];
    size_t off = 0;
    while (off < r->len) {
        struct rec_hdr h;
        memcpy(&h, r->buf + off, sizeof(h));
        const uint32_t *sk = (const uint32_t *)(r->buf + off + sizeof(h));
        off += rec_size(&h);
        if (h.pad == DUP) {
            c->stats[SKIDX_STAT_DUPLICATES]++;
            continue;
        }
        if (skidx_counts_add(c, h.cell, h.month, h.salary,
                             (int)h.same_currency, sk, h.n_skills))
            return -1;
    }
    return 0;
}

/* Advance over shards that are finished and fully committed. */
static void advance_shards(struct run *R)
{
    while (R->next_shard < R->shards->n && R->ss[R->next_shard].done &&
           R->next_seq == R->ss[R->next_shard].n_chunks) {
        R->next_shard++;
        R->next_seq = 0;
        R->shards_finished++;
    }
}

/* Under the lock: decide every result that is next in corpus order and
 * return them (a list) for the caller to count outside the lock. */
static struct result *commit_ready(struct run *R)
{
    struct result *ready = NULL, **tail = &ready;
    for (;;) {
        advance_shards(R);
        struct result *r = R->pending;
        if (!r || r->shard != R->next_shard || r->seq != R->next_seq)
            break;
        R->pending = r->next;
        decide(R, r);
        r->next = NULL;
        R->next_seq++;
        if (R->hold && !r->failed) {
            *R->held_tail = r;
            R->held_tail = &r->next;
            R->n_held++;
            continue;
        }
        *tail = r;
        tail = &r->next;
    }
    progress(R, 0);
    return ready;
}

static void count_list(struct run *R, struct result *r)
{
    while (r) {
        struct result *next = r->next;
        if (!r->failed && count_result(R, r)) {
            omp_set_lock(&R->lock);
            R->nomem = 1;
            __atomic_store_n(&R->abort, 1, __ATOMIC_RELAXED);
            omp_unset_lock(&R->lock);
        }
        result_free(r);
        r = next;
    }
}

static void submit(struct run *R, struct result *r)
{
    omp_set_lock(&R->lock);
    struct result **pp = &R->pending;
    while (*pp && ((*pp)->shard < r->shard ||
                   ((*pp)->shard == r->shard && (*pp)->seq < r->seq)))
        pp = &(*pp)->next;
    r->next = *pp;
    *pp = r;
    struct result *ready = commit_ready(R);
    omp_unset_lock(&R->lock);
    count_list(R, ready);
    encode_full(R);
}

/* Process chunk `seq` of `shard` and submit its result. A chunk of our own
 * (a copy) goes back to the pool; a view is the reader's. */
static void run_chunk(struct run *R, struct skidx_chunk *c, size_t shard,
                      uint64_t seq, unsigned drop_cause, uint64_t drop_line)
{
    struct result *r = calloc(1, sizeof(*r));
    if (r) {
        r->shard = shard;
        r->seq = seq;
        /* Results are a few % of the text: reserve once, grow rarely.
         * The reserve is the highest rate seen so far and an eighth
         * more (an eighth of the text before the first chunk is done):
         * a result waits, uncommitted, until the shards before its own
         * are done, a shard's worth of them at 2 threads, and an eighth
         * of the text was 6.4 times what they held (80 of 512 KiB a
         * chunk of 2 MB), blocks that the heap's huge pages zero and
         * keep whole once their first bytes are written. */
        const unsigned rate =
            __atomic_load_n(&R->result_per_kib, __ATOMIC_RELAXED);
        const size_t want = rate ? c->len / 1024 * (rate + rate / 8 + 1)
                                 : c->len / 8;
        if (result_reserve(r, want + 4096))
            r->failed = SKIDX_ERR_NOMEM;
        if (!r->failed && !__atomic_load_n(&R->abort, __ATOMIC_RELAXED))
        {
            if (R->ss[shard].is_csv)
                process_csv(R, c, r, drop_cause, drop_line);
            else
                process_chunk(R, c, r);
        }
        if (!r->failed && c->len >= 1024) {
            const size_t seen = r->len / (c->len / 1024) + 1;
            unsigned cur = __atomic_load_n(&R->result_per_kib,
                                           __ATOMIC_RELAXED);
            while (seen > cur && seen <= 1024 &&
                   !__atomic_compare_exchange_n(
                       &R->result_per_kib, &cur, (unsigned)seen, 1,
                       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
                ;
        }
    }
    if (!c->borrowed) {
        pool_give(R, c);
        free(c);
    }
    if (!r) {
        omp_set_lock(&R->lock);
        R->nomem = 1;
        __atomic_store_n(&R->abort, 1, __ATOMIC_RELAXED);
        omp_unset_lock(&R->lock);
        return;
    }
    submit(R, r);
}

/* A copy of view `v` that outlives the reader's next call, in a buffer
 * from the pool; NULL when out of memory. */
static struct skidx_chunk *copy_view(struct run *R, const struct skidx_chunk *v)
{
    struct skidx_chunk *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    pool_take(R, c);
    if (c->cap < v->len) { /* with room, for the next, longer view */
        const size_t cap = v->len + (v->len >> 3) + ((size_t)64 << 10);
        free(c->data);
        c->data = malloc(cap);
        c->cap = c->data ? cap : 0;
    }
    if (v->n_long) {
        c->long_lines = malloc(v->n_long * sizeof(*c->long_lines));
        c->cap_long = c->long_lines ? v->n_long : 0;
    }
    if (!c->data || (v->n_long && !c->long_lines)) {
        skidx_chunk_release(c);
        free(c);
        return NULL;
    }
    memcpy(c->data, v->data, v->len);
    if (v->n_long)
        memcpy(c->long_lines, v->long_lines,
               v->n_long * sizeof(*c->long_lines));
    c->len = v->len;
    c->first_line = v->first_line;
    c->n_lines = v->n_lines;
    c->offset = v->offset;
    c->n_long = v->n_long;
    return c;
}

/* ---- reading one shard ---- */

/* Run chunk `v` (a view or a piece: borrowed) of shard s: here, or a copy
 * as a task for an idle thread. */
static void dispatch(struct run *R, struct skidx_chunk *v, size_t s,
                     uint64_t seq, unsigned drop_cause, uint64_t drop_line)
{
    struct shard_state *ss = &R->ss[s];
    /* While every thread reads a shard of its own, this thread parses
     * each view right after decoding it, while it is still in its cache:
     * a copy queued now would wait for a thread to reach the end of its
     * shard (a reader only runs tasks at its taskwait), and every later
     * result of this shard would wait, uncommitted, for that chunk. Once
     * no shard is left to start and a thread has stopped reading, copies
     * of the views are queued for it, up to max_inflight per shard; when
     * that many wait, the reader parses the view itself instead of
     * waiting for them, so neither it nor the helpers sit idle. */
    int spare = R->threads > 1 &&
                        __atomic_load_n(&R->shards_started,
                                        __ATOMIC_RELAXED) == R->shards->n &&
                        __atomic_load_n(&R->reading, __ATOMIC_RELAXED) <
                            R->threads
                    ? R->max_inflight
                    : 0;
    struct skidx_chunk *c = NULL;
    if (__atomic_load_n(&ss->queued, __ATOMIC_RELAXED) < spare &&
        (c = copy_view(R, v))) {
        __atomic_fetch_add(&ss->queued, 1, __ATOMIC_RELAXED);
#pragma omp task firstprivate(c, s, seq, drop_cause, drop_line)
        {
            run_chunk(R, c, s, seq, drop_cause, drop_line);
            __atomic_fetch_sub(&R->ss[s].queued, 1, __ATOMIC_RELAXED);
        }
    } else {
        run_chunk(R, v, s, seq, drop_cause, drop_line);
    }
}

/* ---- a part of a shard (skidx_build_cut) ----
 *
 * A part is read from the shard's start with the reader of a whole shard
 * (so that its lines, views, CSV records and faults are the ones a whole
 * run sees), but only its records are run: those whose first line is at
 * or after the first line starting at uncompressed byte `lo`, and before
 * the first line starting at or after `hi`; for CSV the cut moves on to
 * the next record start, so a record with a quoted line break is never
 * cut. Both neighbours of a cut find the same record from the same bytes.
 * The lines in between records (a CSV header, blank lines) go with the
 * record after them; the part that begins the shard takes line 1 on. */
struct part_cut {
    uint64_t lo, hi;   /* uncompressed bytes; 0 / UINT64_MAX: none */
    uint64_t llo, lhi; /* their first lines; 0: not known yet */
    uint64_t clo, chi; /* the records the part begins and ends at (CSV) */
    uint64_t told;     /* CSV: the lines of the pieces seen so far, + 1 */
    char sep;          /* CSV: ',' or TAB */
    int whole;
};

static void part_cut_init(struct part_cut *pc, uint64_t lo, uint64_t hi)
{
    memset(pc, 0, sizeof(*pc));
    pc->lo = lo;
    pc->hi = hi;
    pc->whole = lo == 0 && hi == UINT64_MAX;
    pc->told = 1;
    if (lo == 0)
        pc->llo = pc->clo = 1;
}

static uint64_t count_lines(const char *p, size_t n)
{
    uint64_t k = 0;
    for (const char *e = p + n; p < e; k++) {
        const char *q = memchr(p, '\n', (size_t)(e - p));
        if (!q)
            break;
        p = q + 1;
    }
    return k;
}

/* The byte of view v where its line `line` starts (v->len after it). */
static size_t line_pos(const struct skidx_chunk *v, uint64_t line)
{
    size_t at = 0;
    for (uint64_t l = v->first_line; l < line && at < v->len; l++) {
        const char *q = memchr(v->data + at, '\n', v->len - at);
        at = q ? (size_t)(q - v->data) + 1 : v->len;
    }
    return at;
}

/* *line = the first line starting at or after uncompressed byte `off`,
 * when view v says which (it may be the next view's first); else 0. */
static void line_at(const struct skidx_chunk *v, uint64_t off, uint64_t *line)
{
    if (*line || off == UINT64_MAX)
        return;
    if (off <= v->offset) {
        *line = v->first_line;
        return;
    }
    const uint64_t p = off - v->offset;
    if (p > v->len)
        return;
    size_t start = (size_t)p;
    if (start < v->len && v->data[start - 1] != '\n') {
        const char *q = memchr(v->data + start, '\n', v->len - start);
        start = q ? (size_t)(q - v->data) + 1 : v->len;
    }
    *line = v->first_line + count_lines(v->data, start);
}

/* JSON Lines: the lines of view v inside the part, in *t (a view of v's
 * memory; t->n_lines 0: none). Returns 1 when the part ends in v. */
static int cut_view(struct part_cut *pc, const struct skidx_chunk *v,
                    struct skidx_chunk *t)
{
    memset(t, 0, sizeof(*t));
    t->borrowed = 1;
    line_at(v, pc->lo, &pc->llo);
    line_at(v, pc->hi, &pc->lhi);
    const uint64_t vend = v->first_line + v->n_lines;
    if (!pc->llo)
        return 0;
    uint64_t a = pc->llo > v->first_line ? pc->llo : v->first_line;
    uint64_t b = pc->lhi && pc->lhi < vend ? pc->lhi : vend;
    if (a < b) {
        const size_t pa = line_pos(v, a), pb = line_pos(v, b);
        size_t i = 0, j;
        while (i < v->n_long && v->long_lines[i] < a)
            i++;
        for (j = i; j < v->n_long && v->long_lines[j] < b; j++)
            ;
        t->data = v->data + pa;
        t->len = pb - pa;
        t->first_line = a;
        t->n_lines = b - a;
        t->offset = v->offset + pa;
        t->long_lines = v->n_long ? v->long_lines + i : NULL;
        t->n_long = j - i;
    }
    return pc->lhi && pc->lhi <= vend;
}

/* CSV/TSV: the records of piece p inside the part, in *t (t->chunk.len 0
 * and no dropped record: none); lines as the splitter counts them (every
 * line since the piece before). Returns 1 when the part ends in p. */
static int cut_piece(struct part_cut *pc, const struct skidx_csv_piece *p,
                     struct skidx_csv_piece *t)
{
    const uint64_t pstart = pc->told, pend = pc->told + p->chunk.n_lines;
    pc->told = pend;
    memset(t, 0, sizeof(*t));
    t->chunk.borrowed = 1;
    t->drop_cause = SKIDX_CAUSE_COUNT;
    /* a record at `line` opens or closes the part */
    #define PART_SEE(line)                                                 \
        do {                                                               \
            if (!pc->clo && pc->llo && (line) >= pc->llo)                  \
                pc->clo = (line);                                          \
            if (!pc->chi && pc->lhi && (line) >= pc->lhi)                  \
                pc->chi = (line);                                          \
        } while (0)
    if (p->drop_cause < SKIDX_CAUSE_COUNT) {
        PART_SEE(p->drop_line);
        if (pc->clo && p->drop_line >= pc->clo &&
            (!pc->chi || p->drop_line < pc->chi)) {
            t->drop_cause = p->drop_cause;
            t->drop_line = p->drop_line;
        }
    }
    size_t at = 0, ta = SIZE_MAX, tb = SIZE_MAX;
    uint64_t line = p->chunk.first_line;
    while (at < p->chunk.len && !pc->chi) {
        PART_SEE(line);
        if (pc->chi)
            break;
        if (pc->clo && ta == SIZE_MAX) {
            ta = at;
            t->chunk.first_line = line;
        }
        unsigned char st = SKIDX_CSV_FIELD_START;
        int ended;
        const size_t k = skidx_csv_scan(&st, pc->sep, p->chunk.data + at,
                                        p->chunk.len - at, &ended);
        line += count_lines(p->chunk.data + at, k);
        at += k;
    }
    #undef PART_SEE
    if (ta != SIZE_MAX) {
        tb = at;
        t->chunk.data = p->chunk.data + ta;
        t->chunk.len = tb - ta;
    }
    /* the piece's lines that lie in [clo, chi) */
    const uint64_t lo = pc->clo ? pc->clo : UINT64_MAX,
                   hi = pc->chi ? pc->chi : UINT64_MAX;
    const uint64_t a = pstart > lo ? pstart : lo, b = pend < hi ? pend : hi;
    t->chunk.n_lines = a < b ? b - a : 0;
    if (!t->chunk.data)
        t->chunk.data = (char *)"";
    if (!t->chunk.first_line)
        t->chunk.first_line = line;
    return pc->chi != 0;
}

/* A CSV/TSV shard's view: cut into pieces of whole records (the splitter
 * runs here, in order), each dispatched. At the end (v NULL), the record
 * left open. */
static skidx_status split_view(struct run *R, struct skidx_csv_splitter *sp,
                               const struct skidx_chunk *v, size_t s,
                               uint64_t *seq, struct part_cut *cut, int *end)
{
    struct shard_state *ss = &R->ss[s];
    if (v && !cut->whole) {
        line_at(v, cut->lo, &cut->llo);
        line_at(v, cut->hi, &cut->lhi);
    }
    skidx_csv_splitter_feed(sp, v);
    while (!*end) {
        struct skidx_csv_piece pc;
        int got = 0;
        skidx_status st = skidx_csv_splitter_next(sp, &pc, &got, &ss->err);
        if (st) {
            snprintf(ss->err.path, sizeof(ss->err.path), "%s",
                     R->shards->paths[s]);
            return st;
        }
        if (!got)
            return SKIDX_OK;
        if (!ss->csv) /* written once, before any task reads it */
            ss->csv = skidx_csv_splitter_header(sp);
        if (!cut->whole) {
            struct skidx_csv_piece t;
            *end = cut_piece(cut, &pc, &t);
            if (t.chunk.len || t.chunk.n_lines ||
                t.drop_cause < SKIDX_CAUSE_COUNT)
                dispatch(R, &t.chunk, s, (*seq)++, t.drop_cause,
                         t.drop_line);
            continue;
        }
        dispatch(R, &pc.chunk, s, (*seq)++, pc.drop_cause, pc.drop_line);
    }
    return SKIDX_OK;
}

static void read_shard(struct run *R, size_t s)
{
    struct shard_state *ss = &R->ss[s];
    /* one thread runs a shard's task from start to end (tied task), and
     * its readers one after another: they share that thread's buffers */
    struct skidx_reader_opts ro = {R->opts->chunk_bytes,
                                   R->opts->max_record_bytes,
                                   &R->ts[omp_get_thread_num()].spare, 1,
                                   R->shards->sizes[s]};
    struct skidx_shard_reader *rd = NULL;
    struct skidx_csv_splitter *sp = NULL;
    uint64_t seq = 0, last_in = 0;
    skidx_status st;
    struct part_cut cut;
    int end = 0;
    part_cut_init(&cut, s == R->first ? R->first_lo : 0,
                  s + 1 == R->end ? R->last_hi : UINT64_MAX);
    if (!cut.whole)
        ro.spare = NULL; /* a fresh reader: the views its neighbour sees */
    ss->to_end = cut.hi == UINT64_MAX;

    __atomic_fetch_add(&R->shards_started, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&R->reading, 1, __ATOMIC_RELAXED);
    skidx_error_clear(&ss->err);
    const enum skidx_shard_format fmt =
        R->opts->format >= 0
            ? (enum skidx_shard_format)R->opts->format
            : skidx_shard_format_of(R->shards->paths[s]);
    st = skidx_shard_reader_open(R->shards->paths[s], &ro, &rd, &ss->err);
    if (!st && fmt != SKIDX_FORMAT_JSONL &&
        skidx_csv_splitter_create(fmt == SKIDX_FORMAT_TSV ? '\t' : ',',
                                  R->opts->max_record_bytes, &R->opts->keys,
                                  &sp))
        st = skidx_fail(&ss->err, SKIDX_ERR_NOMEM, R->shards->paths[s],
                        SKIDX_NOLINE, SKIDX_NOOFF, "out of memory");
    ss->is_csv = sp != NULL;
    cut.sep = fmt == SKIDX_FORMAT_TSV ? '\t' : ',';
    while (!st) {
        if (stopped(R) || __atomic_load_n(&R->abort, __ATOMIC_RELAXED))
            break;
        /* A view: for zstd, the decoder's own output, with no copy. */
        struct skidx_chunk v;
        st = skidx_shard_reader_view(rd, &v, &ss->err);
        uint64_t in = skidx_shard_reader_bytes_in(rd);
        __atomic_fetch_add(&R->bytes_in_total, in - last_in, __ATOMIC_RELAXED);
        last_in = in;
        if (!st && (v.len || v.n_lines) && !R->compiled->skills)
            st = skidx_fail(&ss->err, SKIDX_ERR_CORRUPT, R->shards->paths[s],
                            SKIDX_NOLINE, SKIDX_NOOFF,
                            "the shard was empty when the run started");
        if (st)
            break;
        if (sp) {
            st = split_view(R, sp, v.n_lines ? &v : NULL, s, &seq, &cut,
                            &end);
            if (st || v.n_lines == 0 || end)
                break;
            continue;
        }
        if (v.n_lines == 0)
            break;
        if (!cut.whole) {
            struct skidx_chunk t;
            end = cut_view(&cut, &v, &t);
            if (t.n_lines)
                dispatch(R, &t, s, seq++, SKIDX_CAUSE_COUNT, 0);
            if (end)
                break;
            continue;
        }
        dispatch(R, &v, s, seq++, SKIDX_CAUSE_COUNT, 0);
    }
    __atomic_fetch_sub(&R->reading, 1, __ATOMIC_RELAXED);
#pragma omp taskwait
    skidx_csv_splitter_free(sp);
    if (rd) {
        ss->bytes_in = skidx_shard_reader_bytes_in(rd);
        ss->bytes_out = skidx_shard_reader_bytes_out(rd);
        skidx_shard_reader_close(rd);
    }
    omp_set_lock(&R->lock);
    if (st) {
        ss->failed = 1;
        if (!R->opts->keep_going)
            __atomic_store_n(&R->abort, 1, __ATOMIC_RELAXED);
    }
    ss->n_chunks = seq;
    ss->done = 1;
    struct result *ready = commit_ready(R);
    omp_unset_lock(&R->lock);
    count_list(R, ready);
    encode_full(R);
}

/* ---- the run ---- */

/* Why shard ss counted no posting, appended to buf: its main skip cause,
 * or duplicates. */
static void empty_why(const struct shard_state *ss, char *buf, size_t n)
{
    unsigned top = SKIDX_CAUSE_COUNT;
    for (unsigned k = 0; k < SKIDX_CAUSE_COUNT; k++)
        if (!skidx_cause_is_fix(k) && ss->causes[k] &&
            (top == SKIDX_CAUSE_COUNT || ss->causes[k] > ss->causes[top]))
            top = k;
    if (ss->records_committed == 0)
        snprintf(buf, n, "no record in it");
    else if (top == SKIDX_CAUSE_COUNT)
        snprintf(buf, n, "%llu records, all duplicates of earlier postings",
                 (unsigned long long)ss->records_committed);
    else
        snprintf(buf, n,
                 "%llu records, %llu skipped (main cause: %s, %llu records)%s",
                 (unsigned long long)ss->records_committed,
                 (unsigned long long)ss->skipped, skidx_cause_text(top),
                 (unsigned long long)ss->causes[top],
                 ss->duplicates ? ", the others duplicates" : "");
}

/* A shard read whole whose records gave no posting (a wrong --field
 * mapping, CSV given as JSON Lines, the same shard twice), or a run that
 * counted no posting at all: summary->empty, naming the first such shard
 * in corpus order. A shard without any record (an empty file) is fine as
 * long as the run counts postings elsewhere. */
static void check_empty(const struct run *R, struct skidx_index_summary *sum)
{
    char why[256];
    size_t read_whole = 0, first = SIZE_MAX;
    uint64_t postings = 0, records = 0;
    for (size_t s = 0; s < R->shards->n; s++) {
        const struct shard_state *ss = &R->ss[s];
        postings += ss->postings;
        if (!ss->done || ss->failed)
            continue;
        read_whole++;
        records += ss->records_committed;
        if (first == SIZE_MAX)
            first = s;
        if (ss->records_committed > 0 && ss->postings == 0) {
            empty_why(ss, why, sizeof(why));
            sum->empty = 1;
            skidx_fail(&sum->empty_err, SKIDX_ERR_CORRUPT, R->shards->paths[s],
                       SKIDX_NOLINE, SKIDX_NOOFF, "no posting counted: %s",
                       why);
            return;
        }
    }
    if (postings > 0 || read_whole == 0)
        return; /* postings, or every shard lost: reported as such */
    sum->empty = 1;
    if (read_whole == 1) {
        empty_why(&R->ss[first], why, sizeof(why));
        skidx_fail(&sum->empty_err, SKIDX_ERR_CORRUPT, R->shards->paths[first],
                   SKIDX_NOLINE, SKIDX_NOOFF, "no posting counted: %s", why);
    } else {
        skidx_fail(&sum->empty_err, SKIDX_ERR_CORRUPT, NULL, SKIDX_NOLINE,
                   SKIDX_NOOFF,
                   "no posting counted in %zu shards (%llu records)",
                   read_whole, (unsigned long long)records);
    }
}

/* Tables that counted nothing (every count goes with a line in stats):
 * merging them would only read pages never written. */
static int untouched(const struct skidx_counts *c)
{
    if (c->n_months)
        return 0;
    for (unsigned k = 0; k < SKIDX_STAT_COUNT; k++)
        if (c->stats[k])
            return 0;
    for (unsigned k = 0; k < SKIDX_CAUSE_COUNT; k++)
        if (c->causes[k])
            return 0;
    return 1;
}

/* Set up a run over shards [first, end) of the list (the others count
 * as read, with nothing in them); run_free releases it, whatever failed. */
static skidx_status run_init(struct run *R,
                             const struct skidx_shard_list *shards,
                             const struct skidx_compiled *compiled,
                             const struct skidx_index_opts *opts, size_t first,
                             size_t end)
{
    memset(R, 0, sizeof(*R));
    R->shards = shards;
    R->compiled = compiled;
    R->opts = opts;
    R->first = first;
    R->end = end;
    R->last_hi = UINT64_MAX;
    R->held_tail = &R->held;
    R->threads = opts->threads > 0 ? opts->threads : omp_get_num_procs();
    const int all_empty = skidx_shard_list_all_empty(shards);
    if (all_empty)
        R->threads = 1; /* others would only start, spin and stop: 10+ ms */
    /* The default count (all cores) on a corpus of at most SMALL_CORPUS
     * bytes of files: one thread. Its work (under a millisecond plain,
     * a few compressed) is less than what another thread costs to start
     * and then spin at the barriers while the first one reads: one
     * posting took 13-15 ms at 1 thread and 21-23 ms at 2 on a 2-vCPU VM
     * (BENCHMARKS.md, the seventeenth session). A count the user gives
     * is kept (the tests run the threaded paths on small corpora); the
     * results do not depend on the count. */
    if (opts->threads <= 0 &&
        skidx_shard_list_small(shards, first, end, SMALL_CORPUS))
        R->threads = 1;
    /* a taxonomy without its matchers scans nothing: empty shards only
     * (and read_shard fails one that has grown since) */
    if (!compiled->skills && !all_empty)
        return SKIDX_ERR_USAGE;
    /* queued copies per shard for idle threads: views are 2 MB or more
     * (a zstd window), and one per thread keeps them all busy */
    R->max_inflight = R->threads;
    /* enough for every chunk that can be queued at once */
    R->cap_pool = (size_t)R->threads * (size_t)(R->max_inflight + 1);
    clock_gettime(CLOCK_MONOTONIC, &R->t0);
    for (size_t i = first; i < end; i++)
        R->bytes_total += shards->sizes[i];

    R->ts = aligned_alloc(_Alignof(struct thread_state),
                          (size_t)R->threads * sizeof(*R->ts));
    if (R->ts)
        memset(R->ts, 0, (size_t)R->threads * sizeof(*R->ts));
    R->ss = calloc(shards->n ? shards->n : 1, sizeof(*R->ss));
    R->pool = calloc(R->cap_pool, sizeof(*R->pool));
    if (!R->ts || !R->ss || !R->pool)
        return SKIDX_ERR_NOMEM;
    /* the shards of other runs: read, empty, committed */
    for (size_t i = 0; i < shards->n; i++)
        if (i < first || i >= end)
            R->ss[i].done = 1;
    R->shards_started = shards->n - (end - first);
    if (!opts->match_duplicates) {
        /* a slot for every 256 bytes of the shards' files (a posting is
         * 1-4 KB of text, 5-10 times less compressed), 1 Ki to 256 Ki
         * slots (2 MB) */
        uint64_t slots = 1024;
        while (slots < ((uint64_t)1 << 18) && slots * 256 < R->bytes_total)
            slots *= 2;
        /* from 2 MB on in a huge page (skidx_bigbuf): a look-up is a
         * cache miss, but not a TLB miss as well (timed with rdtscp on
         * corpus-ascii2, 1 thread: 196-211 cycles a check against
         * 220-241 in calloc's 4 KiB pages; 93-120 in a 64 KB table,
         * which passes over 3,582 of its 9,062 duplicates, not 8,578) */
        R->dup_seen = skidx_bigbuf(slots * sizeof(*R->dup_seen));
        if (!R->dup_seen)
            return SKIDX_ERR_NOMEM;
        memset(R->dup_seen, 0, slots * sizeof(*R->dup_seen));
        R->dup_mask = slots - 1;
    }
    const struct skidx_taxonomy *t = compiled->tax;
    for (int i = 0; i < R->threads; i++) {
        SKIDX_FORWARD(skidx_counts_init(&R->ts[i].counts, t->n_roles,
                                        t->n_levels, t->n_skills));
        if (compiled->skills)
            SKIDX_FORWARD(skidx_worker_init(&R->ts[i].worker, compiled));
        R->ts[i].worker.want_pref = !opts->no_postings;
        R->ts[i].worker.dup_seen = R->dup_seen;
        R->ts[i].worker.dup_mask = R->dup_mask;
    }
    omp_init_lock(&R->lock);
    omp_init_lock(&R->pool_lock);
    R->locks = 1;
    return SKIDX_OK;
}

/* Read and process the run's shards, every thread. */
static void run_process(struct run *R)
{
#pragma omp parallel num_threads(R->threads)
#pragma omp single
    {
        for (size_t s = R->first; s < R->end; s++) {
#pragma omp task firstprivate(s)
            read_shard(R, s);
        }
    }
    encode_full(R);
}

/* counts += the threads' tables (sums: the order does not matter). A
 * fresh table takes thread 0's instead of adding them, which would touch
 * every page of its own. */
static skidx_status merge_thread_counts(struct run *R,
                                        struct skidx_counts *counts)
{
    if (untouched(counts)) {
        struct skidx_counts fresh = *counts;
        *counts = R->ts[0].counts;
        R->ts[0].counts = fresh;
    } else {
        SKIDX_FORWARD(skidx_counts_merge(counts, &R->ts[0].counts));
    }
    for (int i = 1; i < R->threads; i++)
        if (!untouched(&R->ts[i].counts))
            SKIDX_FORWARD(skidx_counts_merge(counts, &R->ts[i].counts));
    return SKIDX_OK;
}

/* The last, partial segment into the model. */
static void encode_last(struct run *R, struct skidx_model *model)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    const uint32_t rows = skidx_pseg_raw_rows(R->praw);
    skidx_status wst =
        skidx_pseg_encode(R->praw, R->compiled->tax->n_skills, &bytes, &len);
    if (!wst)
        wst = skidx_pstore_put(&model->post, R->praw_seg, bytes, len, rows);
    R->nomem |= wst == SKIDX_ERR_NOMEM;
    if (wst && !R->write_st)
        R->write_st = wst;
}

/* After the postings: the last segment, the sources, the threads' counts
 * (merge_threads) and the shards' statistics into the model; the
 * summary, and the first failure in corpus order. */
static skidx_status run_finish(struct run *R, int merge_threads,
                               struct skidx_model *model,
                               struct skidx_index_summary *summary,
                               struct skidx_error *err)
{
    const struct skidx_shard_list *shards = R->shards;
    const struct skidx_index_opts *opts = R->opts;
    skidx_status st = SKIDX_OK;
    progress(R, 1);
    /* the last, partial segment (up to SKIDX_SEG_ROWS - 1 rows: with
     * few shards, all of them) and the threads' counts are the run's
     * serial end; they touch different parts of the model, so with
     * threads to spare one thread encodes while another merges. */
    const int last_seg = !R->nomem && R->praw && skidx_pseg_raw_rows(R->praw);
    const int overlap = merge_threads && last_seg && R->threads > 1 &&
                        !R->write_st && !stopped(R);
    skidx_status mst = SKIDX_OK;
    if (overlap) {
#pragma omp parallel sections num_threads(2)
        {
#pragma omp section
            encode_last(R, model);
#pragma omp section
            mst = merge_thread_counts(R, &model->counts);
        }
    } else if (last_seg) {
        encode_last(R, model);
    }
    /* then the list of shards the Shard column numbers */
    if (opts->no_postings) /* a version-1 file: the cube only */
        goto sources_done;
    model->post.present = 1;
    model->post.n_postings = R->postings_committed;
    for (size_t s = 0; s < shards->n && !R->nomem; s++)
        if (skidx_pstore_add_source(&model->post, shards->paths[s]))
            R->nomem = 1;
sources_done:

    /* anything left pending belongs after a failure: drop it */
    while (R->pending) {
        struct result *r = R->pending;
        R->pending = r->next;
        result_free(r);
    }
    if (R->nomem)
        return skidx_fail(err, SKIDX_ERR_NOMEM, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "out of memory");
    if (R->fail_st)
        return skidx_fail(err, R->fail_st, shards->paths[R->fail_shard],
                          R->fail_line, SKIDX_NOOFF,
                          "cannot match the posting: %s",
                          skidx_strerror(R->fail_st));
    if (R->write_st)
        return skidx_fail(err, R->write_st, NULL, SKIDX_NOLINE, SKIDX_NOOFF,
                          "cannot write a segment of the index: %s",
                          skidx_strerror(R->write_st));
    summary->repeats_passed = R->repeats_passed;
    if (stopped(R)) {
        summary->interrupted = 1;
        return skidx_fail(err, SKIDX_ERR_INTERRUPTED, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "interrupted");
    }
    if (overlap)
        SKIDX_FORWARD(mst);
    else if (merge_threads)
        SKIDX_FORWARD(merge_thread_counts(R, &model->counts));
    for (size_t s = 0; s < shards->n; s++) {
        struct shard_state *ss = &R->ss[s];
        if (ss->failed) {
            summary->shards_failed++;
            if (!opts->keep_going)
                continue;
            SKIDX_FORWARD(skidx_model_add_lost(
                model, shards->paths[s], ss->records_committed,
                ss->err.offset,
                ss->err.msg[0] ? ss->err.msg : skidx_strerror(ss->err.status)));
            model->counts.stats[SKIDX_STAT_SHARDS_LOST]++;
        }
        if (ss->done && (!ss->failed || opts->keep_going)) {
            model->counts.stats[SKIDX_STAT_SHARDS] += !ss->failed;
            model->counts.stats[SKIDX_STAT_BYTES_COMPRESSED] += ss->bytes_in;
            model->counts.stats[SKIDX_STAT_BYTES_UNCOMPRESSED] += ss->bytes_out;
        }
    }
    if (!opts->allow_empty)
        check_empty(R, summary);
    if (summary->shards_failed) {
        /* report the first failure in corpus order */
        for (size_t s = 0; s < shards->n; s++)
            if (R->ss[s].failed) {
                if (err)
                    *err = R->ss[s].err;
                st = R->ss[s].err.status ? R->ss[s].err.status
                                         : SKIDX_ERR_CORRUPT;
                break;
            }
    }
    return st;
}

static void run_free(struct run *R)
{
    if (R->ts)
        for (int i = 0; i < R->threads; i++) {
            skidx_counts_release(&R->ts[i].counts);
            skidx_worker_release(&R->ts[i].worker);
            skidx_jbuf_release(&R->ts[i].jbuf);
            skidx_shard_reader_spare_free(R->ts[i].spare);
        }
    if (R->locks) {
        omp_destroy_lock(&R->lock);
        omp_destroy_lock(&R->pool_lock);
    }
    free(R->ts);
    free(R->ss);
    if (R->pool)
        for (size_t i = 0; i < R->n_pool; i++)
            free(R->pool[i].data);
    free(R->pool);
    free(R->dedup.keys);
    free(R->dup_seen);
    skidx_pseg_raw_free(R->praw);
    while (R->full) {
        struct praw_item *it = R->full;
        R->full = it->next;
        skidx_pseg_raw_free(it->raw);
        free(it);
    }
    while (R->spare) {
        struct praw_item *it = R->spare;
        R->spare = it->next;
        skidx_pseg_raw_free(it->raw);
        free(it);
    }
    while (R->pending) {
        struct result *r = R->pending;
        R->pending = r->next;
        result_free(r);
    }
    while (R->held) {
        struct result *r = R->held;
        R->held = r->next;
        result_free(r);
    }
    free(R->kept);
    free(R->merged);
    skidx_pseg_raw_free(R->local);
    free(R->ready.bytes);
}

skidx_status skidx_run_index(const struct skidx_shard_list *shards,
                             const struct skidx_compiled *compiled,
                             const struct skidx_index_opts *opts,
                             struct skidx_model *model,
                             struct skidx_index_summary *summary,
                             struct skidx_error *err)
{
    struct run R;
    memset(summary, 0, sizeof(*summary));
    skidx_status st = run_init(&R, shards, compiled, opts, 0, shards->n);
    if (!st && (model->post.n_postings || model->post.n_segs))
        st = SKIDX_ERR_USAGE; /* the contract: a fresh model */
    if (!st) {
        R.post = &model->post;
        run_process(&R);
        st = run_finish(&R, 1, model, summary, err);
    }
    summary->seconds = now_s() - ((double)R.t0.tv_sec + R.t0.tv_nsec * 1e-9);
    run_free(&R);
    return st;
}

/* ---- the stages, for a run spread over processes ---- */

struct skidx_build {
    struct run R;
};

skidx_status skidx_build_create(const struct skidx_shard_list *shards,
                                const struct skidx_compiled *compiled,
                                const struct skidx_index_opts *opts,
                                size_t first, size_t end,
                                struct skidx_build **out)
{
    *out = NULL;
    if (first > end || end > shards->n)
        return SKIDX_ERR_USAGE;
    struct skidx_build *b = malloc(sizeof(*b));
    if (!b)
        return SKIDX_ERR_NOMEM;
    skidx_status st = run_init(&b->R, shards, compiled, opts, first, end);
    if (st) {
        run_free(&b->R);
        free(b);
        return st;
    }
    b->R.hold = 1;
    *out = b;
    return SKIDX_OK;
}

void skidx_build_cut(struct skidx_build *b, uint64_t first_lo,
                     uint64_t last_hi)
{
    b->R.first_lo = first_lo;
    b->R.last_hi = last_hi;
}

void skidx_build_free(struct skidx_build *b)
{
    if (!b)
        return;
    run_free(&b->R);
    free(b);
}

skidx_status skidx_build_process(struct skidx_build *b, int *shards_failed)
{
    struct run *R = &b->R;
    run_process(R);
    *shards_failed = 0;
    for (size_t s = R->first; s < R->end; s++)
        *shards_failed |= R->ss[s].failed;
    if (R->nomem)
        return SKIDX_ERR_NOMEM;
    if (R->fail_st)
        return R->fail_st;
    if (stopped(R))
        return SKIDX_ERR_INTERRUPTED;
    return SKIDX_OK;
}

/* A walk over the postings of the held results that are not marked
 * duplicates, in corpus order. */
struct fresh_it {
    struct result *r;
    size_t off, at; /* the next record; the current one */
    struct rec_hdr h;
};

static int fresh_next(struct fresh_it *it)
{
    while (it->r) {
        while (it->off < it->r->len) {
            memcpy(&it->h, it->r->buf + it->off, sizeof(it->h));
            it->at = it->off;
            it->off += rec_size(&it->h);
            if (it->h.pad != DUP)
                return 1;
        }
        it->r = it->r->next;
        it->off = 0;
    }
    return 0;
}

skidx_status skidx_build_keys(const struct skidx_build *b, uint64_t **keys,
                              size_t *n)
{
    const struct run *R = &b->R;
    *keys = NULL;
    *n = 0;
    size_t cnt = 0;
    struct fresh_it it = {R->held, 0, 0, {0}};
    while (fresh_next(&it))
        cnt++;
    uint64_t *k = malloc((cnt ? cnt : 1) * sizeof(*k));
    if (!k)
        return SKIDX_ERR_NOMEM;
    size_t i = 0;
    it = (struct fresh_it){R->held, 0, 0, {0}};
    /* the duplicate set's own reading of a key: 0 is 1 */
    while (fresh_next(&it))
        k[i++] = it.h.dedup ? it.h.dedup : 1;
    *keys = k;
    *n = cnt;
    return SKIDX_OK;
}

void skidx_build_drop(struct skidx_build *b, const uint8_t *drop)
{
    struct run *R = &b->R;
    size_t i = 0;
    struct fresh_it it = {R->held, 0, 0, {0}};
    while (fresh_next(&it)) {
        if (!drop[i++])
            continue;
        it.h.pad = DUP;
        memcpy(it.r->buf + it.at, &it.h, sizeof(it.h));
        R->ss[it.r->shard].duplicates++;
        R->ss[it.r->shard].postings--;
        R->postings_committed--;
    }
}

skidx_status skidx_build_count(struct skidx_build *b,
                               struct skidx_counts *counts)
{
    struct run *R = &b->R;
    struct result **v = malloc((R->n_held ? R->n_held : 1) * sizeof(*v));
    if (!v)
        return SKIDX_ERR_NOMEM;
    size_t n = 0;
    for (struct result *r = R->held; r; r = r->next)
        v[n++] = r;
    int failed = 0;
#pragma omp parallel for num_threads(R->threads) schedule(dynamic) reduction(|:failed)
    for (size_t i = 0; i < n; i++)
        failed |= count_result(R, v[i]) != 0;
    free(v);
    if (failed)
        return SKIDX_ERR_NOMEM;
    return merge_thread_counts(R, counts);
}

void skidx_build_place(struct skidx_build *b, uint64_t first_row)
{
    b->R.first_row = first_row;
    b->R.n_fresh = b->R.postings_committed;
    b->R.pack_i = 0;
}

/* A packed posting: u64 shard, then the result's record (8-aligned). */
skidx_status skidx_build_pack(struct skidx_build *b, uint8_t *buf, size_t cap,
                              size_t *len, int *done,
                              struct skidx_build_seg *seg)
{
    struct run *R = &b->R;
    const uint64_t S = SKIDX_SEG_ROWS;
    /* the rows of whole segments inside [first_row, first_row + n_fresh) */
    const uint64_t lo = (R->first_row + S - 1) / S * S,
                   hi = (R->first_row + R->n_fresh) / S * S;
    size_t o = 0;
    memset(seg, 0, sizeof(*seg));
    *len = 0;
    *done = 0;
    if (R->ready.bytes) {
        *seg = R->ready;
        memset(&R->ready, 0, sizeof(R->ready));
        return SKIDX_OK;
    }
    while (R->held) {
        struct result *r = R->held;
        while (r->pack_off < r->len) {
            struct rec_hdr h;
            memcpy(&h, r->buf + r->pack_off, sizeof(h));
            const size_t rs = rec_size(&h);
            const uint64_t row = R->first_row + R->pack_i;
            if (h.pad != DUP && row >= lo && row < hi) {
                struct skidx_prow w;
                make_row(r, r->pack_off, &h, &w);
                if ((!R->local && skidx_pseg_raw_create(&R->local)) ||
                    skidx_pseg_raw_add(R->local, &w))
                    return SKIDX_ERR_NOMEM;
                r->pack_off += rs;
                R->pack_i++;
                if (skidx_pseg_raw_rows(R->local) < S)
                    continue;
                /* a whole segment: encoded here, handed out after the
                 * rows before it */
                struct skidx_build_seg g = {NULL, 0, (uint32_t)(row / S),
                                            (uint32_t)S};
                SKIDX_FORWARD(skidx_pseg_encode(R->local,
                                                R->compiled->tax->n_skills,
                                                &g.bytes, &g.len));
                skidx_pseg_raw_reset(R->local);
                if (o) {
                    R->ready = g;
                    *len = o;
                } else {
                    *seg = g;
                }
                return SKIDX_OK;
            }
            if (h.pad != DUP) {
                if (o + 8 + rs > cap) {
                    if (o == 0)
                        return SKIDX_ERR_LIMIT; /* a record over cap */
                    *len = o;
                    return SKIDX_OK;
                }
                const uint64_t shard = r->shard;
                memcpy(buf + o, &shard, 8);
                memcpy(buf + o + 8, r->buf + r->pack_off, rs);
                o += 8 + rs;
                R->pack_i++;
            }
            r->pack_off += rs;
        }
        R->held = r->next;
        result_free(r);
    }
    R->held_tail = &R->held;
    *len = o;
    *done = 1;
    return SKIDX_OK;
}

skidx_status skidx_build_put_segment(struct skidx_build *b,
                                     struct skidx_model *model,
                                     struct skidx_build_seg *seg)
{
    struct run *R = &b->R;
    R->post = &model->post;
    uint8_t *bytes = seg->bytes;
    seg->bytes = NULL;
    if ((R->praw && skidx_pseg_raw_rows(R->praw)) || seg->k != R->praw_seg ||
        seg->rows != SKIDX_SEG_ROWS) {
        free(bytes);
        return SKIDX_ERR_CORRUPT; /* not the next segment */
    }
    SKIDX_FORWARD(skidx_pstore_put(&model->post, seg->k, bytes, seg->len,
                                   seg->rows));
    R->praw_seg++;
    R->rows_unpacked += seg->rows;
    return SKIDX_OK;
}

skidx_status skidx_build_unpack(struct skidx_build *b,
                                struct skidx_model *model, const uint8_t *buf,
                                size_t len)
{
    struct run *R = &b->R;
    R->post = &model->post;
    size_t o = 0;
    while (o < len) {
        struct rec_hdr h;
        uint64_t shard;
        if (len - o < 8 + sizeof(h))
            return SKIDX_ERR_CORRUPT;
        memcpy(&shard, buf + o, 8);
        memcpy(&h, buf + o + 8, sizeof(h));
        const size_t rs = rec_size(&h);
        if (shard >= R->shards->n || rs > len - o - 8 || h.pad == DUP)
            return SKIDX_ERR_CORRUPT;
        /* a result of one posting, in place: add_row reads its bytes */
        struct result one;
        memset(&one, 0, sizeof(one));
        one.shard = (size_t)shard;
        one.buf = (uint8_t *)(uintptr_t)(buf + o + 8);
        one.len = rs;
        if (add_row(R, &one, 0, &h))
            return SKIDX_ERR_NOMEM;
        R->rows_unpacked++;
        o += 8 + rs;
        if (R->full) {
            encode_full(R);
            if (R->nomem)
                return SKIDX_ERR_NOMEM;
        }
    }
    return SKIDX_OK;
}

/* A shard state on the wire (all little-endian u64 unless said):
 *   shard, flags (1 done, 2 failed, 4 read to its end), records,
 *   postings, duplicates, skipped, bytes_in, bytes_out,
 *   causes[SKIDX_CAUSE_COUNT];
 *   when failed: status, line, offset, u32 length + the path, u32 length
 *   + the message. */
#define STATE_FIXED ((8 + (size_t)SKIDX_CAUSE_COUNT) * 8)

static size_t put_str(uint8_t *o, const char *str)
{
    const size_t n = strnlen(str, sizeof(((struct skidx_error *)0)->msg) - 1);
    if (o) {
        skidx_wr32(o, (uint32_t)n);
        memcpy(o + 4, str, n);
    }
    return 4 + n;
}

size_t skidx_build_states_encode(const struct skidx_build *b, uint8_t *out)
{
    const struct run *R = &b->R;
    size_t o = 0;
    for (size_t s = R->first; s < R->end; s++) {
        const struct shard_state *ss = &R->ss[s];
        if (out) {
            uint8_t *p = out + o;
            const uint64_t f[8] = {s,
                                   (uint64_t)(ss->done ? 1 : 0) |
                                       (ss->failed ? 2 : 0) |
                                       (ss->to_end ? 4 : 0),
                                   ss->records_committed, ss->postings,
                                   ss->duplicates, ss->skipped, ss->bytes_in,
                                   ss->bytes_out};
            for (int i = 0; i < 8; i++)
                skidx_wr64(p + 8 * i, f[i]);
            for (unsigned k = 0; k < SKIDX_CAUSE_COUNT; k++)
                skidx_wr64(p + 64 + 8 * k, ss->causes[k]);
        }
        o += STATE_FIXED;
        if (!ss->failed)
            continue;
        if (out) {
            skidx_wr64(out + o, (uint64_t)ss->err.status);
            skidx_wr64(out + o + 8, ss->err.line);
            skidx_wr64(out + o + 16, ss->err.offset);
        }
        o += 24;
        o += put_str(out ? out + o : NULL, ss->err.path);
        o += put_str(out ? out + o : NULL, ss->err.msg);
    }
    return o;
}

static int get_str(const uint8_t *in, size_t len, size_t *o, char *dst,
                   size_t cap)
{
    if (len - *o < 4)
        return -1;
    const uint32_t n = skidx_rd32(in + *o);
    if (n >= cap || len - *o - 4 < n)
        return -1;
    memcpy(dst, in + *o + 4, n);
    dst[n] = 0;
    *o += 4 + n;
    return 0;
}

skidx_status skidx_build_states_merge(struct skidx_build *b,
                                      const uint8_t *in, size_t len)
{
    struct run *R = &b->R;
    if (!R->merged) {
        R->merged = calloc(R->shards->n ? R->shards->n : 1, 1);
        if (!R->merged)
            return SKIDX_ERR_NOMEM;
    }
    size_t o = 0;
    while (o < len) {
        if (len - o < STATE_FIXED)
            return SKIDX_ERR_CORRUPT;
        const uint8_t *p = in + o;
        const uint64_t s = skidx_rd64(p), flags = skidx_rd64(p + 8);
        if (s >= R->shards->n || flags > 7)
            return SKIDX_ERR_CORRUPT;
        struct shard_state part;
        memset(&part, 0, sizeof(part));
        part.done = (flags & 1) != 0;
        part.failed = (flags & 2) != 0;
        part.to_end = (flags & 4) != 0;
        part.records_committed = skidx_rd64(p + 16);
        part.postings = skidx_rd64(p + 24);
        part.duplicates = skidx_rd64(p + 32);
        part.skipped = skidx_rd64(p + 40);
        part.bytes_in = skidx_rd64(p + 48);
        part.bytes_out = skidx_rd64(p + 56);
        for (unsigned k = 0; k < SKIDX_CAUSE_COUNT; k++)
            part.causes[k] = skidx_rd64(p + 64 + 8 * k);
        o += STATE_FIXED;
        if (part.failed) {
            if (len - o < 24)
                return SKIDX_ERR_CORRUPT;
            part.err.status = (skidx_status)skidx_rd64(in + o);
            part.err.line = skidx_rd64(in + o + 8);
            part.err.offset = skidx_rd64(in + o + 16);
            o += 24;
            if (get_str(in, len, &o, part.err.path, sizeof(part.err.path)) ||
                get_str(in, len, &o, part.err.msg, sizeof(part.err.msg)))
                return SKIDX_ERR_CORRUPT;
        }
        struct shard_state *ss = &R->ss[s];
        if (!R->merged[s]) {
            /* the shard's first part in corpus order */
            R->merged[s] = 1;
            part.csv = NULL;
            *ss = part;
            continue;
        }
        /* a later part of a shard cut between processes: the sums, the
         * first failure in corpus order, and the bytes the reader of a
         * whole shard reports (every part reads from the start) */
        ss->done &= part.done;
        ss->records_committed += part.records_committed;
        ss->postings += part.postings;
        ss->duplicates += part.duplicates;
        ss->skipped += part.skipped;
        for (unsigned k = 0; k < SKIDX_CAUSE_COUNT; k++)
            ss->causes[k] += part.causes[k];
        if (!ss->failed && (part.failed || part.to_end)) {
            ss->bytes_in = part.bytes_in;
            ss->bytes_out = part.bytes_out;
        }
        if (!ss->failed && part.failed) {
            ss->failed = 1;
            ss->err = part.err;
        }
        ss->to_end |= part.to_end;
    }
    return SKIDX_OK;
}

/* An example on the wire: u64 shard, u64 line, u64 col, u32 cause. */
#define EXAMPLE_BYTES 28

size_t skidx_build_examples_encode(const struct skidx_build *b, uint8_t *out,
                                   size_t *n)
{
    const struct run *R = &b->R;
    *n = R->n_kept;
    if (out)
        for (size_t i = 0; i < R->n_kept; i++) {
            uint8_t *p = out + i * EXAMPLE_BYTES;
            skidx_wr64(p, R->kept[i].shard);
            skidx_wr64(p + 8, R->kept[i].e.line);
            skidx_wr64(p + 16, R->kept[i].e.col);
            skidx_wr32(p + 24, R->kept[i].e.cause);
        }
    return R->n_kept * EXAMPLE_BYTES;
}

void skidx_build_report(struct skidx_build *b, const uint8_t *examples,
                        size_t len)
{
    struct run *R = &b->R;
    const int hold = R->hold;
    R->hold = 0;
    /* the budget is the whole run's: this process's own examples went
     * into the list too */
    memset(R->reported, 0, sizeof(R->reported));
    for (size_t o = 0; o + EXAMPLE_BYTES <= len; o += EXAMPLE_BYTES) {
        const uint64_t shard = skidx_rd64(examples + o);
        const struct example e = {skidx_rd64(examples + o + 8),
                                  skidx_rd64(examples + o + 16),
                                  skidx_rd32(examples + o + 24)};
        if (e.cause < SKIDX_CAUSE_COUNT && shard < R->shards->n &&
            R->reported[e.cause] < R->opts->max_examples) {
            R->reported[e.cause]++;
            report_example(R, (size_t)shard, &e);
        }
    }
    R->hold = hold;
}

skidx_status skidx_build_finish(struct skidx_build *b,
                                struct skidx_model *model,
                                struct skidx_index_summary *summary,
                                struct skidx_error *err)
{
    struct run *R = &b->R;
    memset(summary, 0, sizeof(*summary));
    R->post = &model->post;
    R->postings_committed = R->rows_unpacked; /* every process's */
    skidx_status st = run_finish(R, 0, model, summary, err);
    summary->seconds = now_s() - ((double)R->t0.tv_sec + R->t0.tv_nsec * 1e-9);
    return st;
}

skidx_status skidx_build_first_seen(const uint64_t *keys, size_t n,
                                    uint8_t *dup)
{
    struct dedup_set d = {NULL, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const int fresh = dedup_insert(&d, keys[i]);
        if (fresh < 0) {
            free(d.keys);
            return SKIDX_ERR_NOMEM;
        }
        dup[i] = !fresh;
    }
    free(d.keys);
    return SKIDX_OK;
}
