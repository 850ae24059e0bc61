/*
 * harness.c - warm-up, repetitions, statistics, work checks and reports
 * for skidx-bench (see harness.h for the rules).
 */
#include "harness.h"

#include <hs.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#ifdef __clang__
#define BH_COMPILER "clang " __VERSION__
#else
#define BH_COMPILER "gcc " __VERSION__
#endif

double bh_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

const char *bh_cpu_model(void)
{
    static char model[256];
    if (model[0])
        return model;
    snprintf(model, sizeof(model), "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return model;
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "model name", 10))
            continue;
        const char *c = strchr(line, ':');
        if (!c)
            break;
        c++;
        while (*c == ' ' || *c == '\t')
            c++;
        size_t n = strcspn(c, "\n");
        if (n >= sizeof(model))
            n = sizeof(model) - 1;
        memcpy(model, c, n);
        model[n] = 0;
        break;
    }
    fclose(f);
    return model;
}

int bh_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static const char *xxh_version(void)
{
    static char v[32];
    unsigned n = XXH_versionNumber();
    snprintf(v, sizeof(v), "%u.%u.%u", n / 10000, n / 100 % 100, n % 100);
    return v;
}

void bh_init(struct bh_harness *h, int reps, int warmup, const char *filter,
             int argc, char **argv)
{
    memset(h, 0, sizeof(*h));
    h->reps = reps < 1 ? 1 : reps > BH_MAX_REPS ? BH_MAX_REPS : reps;
    h->warmup = warmup < 0 ? 0 : warmup;
    h->filter = filter;
    size_t at = 0;
    for (int i = 0; i < argc && at + 2 < sizeof(h->command); i++) {
        int n = snprintf(h->command + at, sizeof(h->command) - at, "%s%s",
                         i ? " " : "", argv[i]);
        if (n < 0)
            break;
        at += (size_t)n;
    }
}

void bh_release(struct bh_harness *h)
{
    free(h->res);
    memset(h, 0, sizeof(*h));
}

int bh_selected(const struct bh_harness *h, const char *name)
{
    return !h->filter || strstr(name, h->filter) != NULL;
}

static struct bh_result *new_result(struct bh_harness *h, const char *name,
                                    const char *note)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        struct bh_result *r = realloc(h->res, cap * sizeof(*r));
        if (!r)
            return NULL;
        h->res = r;
        h->cap = cap;
    }
    struct bh_result *r = &h->res[h->n++];
    memset(r, 0, sizeof(*r));
    snprintf(r->name, sizeof(r->name), "%s", name);
    snprintf(r->note, sizeof(r->note), "%s", note ? note : "");
    return r;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void print_line(FILE *f, const struct bh_result *r)
{
    if (r->skipped) {
        fprintf(f, "%-24s SKIPPED  %s\n", r->name, r->note);
        return;
    }
    char mbs[32] = "-", rps[32] = "-";
    if (r->bytes && r->median > 0)
        snprintf(mbs, sizeof(mbs), "%.1f", (double)r->bytes / 1e6 / r->median);
    if (r->counters.records && r->median > 0)
        snprintf(rps, sizeof(rps), "%.0f",
                 (double)r->counters.records / r->median);
    fprintf(f, "%-24s %10.3f %10.3f %10.3f %9s %11s %10llu %11llu %10llu%s%s %s\n",
            r->name, r->median * 1e3, r->min * 1e3, r->max * 1e3, mbs, rps,
            (unsigned long long)r->counters.records,
            (unsigned long long)r->counters.matches,
            (unsigned long long)r->counters.skills,
            r->broken ? "  BROKEN" : "", r->unstable ? "  UNSTABLE" : "",
            r->note);
    fflush(f);
}

const struct bh_result *bh_run(struct bh_harness *h, const char *name,
                               const char *note, uint64_t bytes,
                               unsigned expect, bh_fn fn, void *ctx)
{
    if (!bh_selected(h, name))
        return NULL;
    struct bh_result *r = new_result(h, name, note);
    if (!r) {
        fprintf(stderr, "skidx-bench: out of memory\n");
        exit(2);
    }
    r->bytes = bytes;
    struct bh_counters c;
    for (int i = 0; i < h->warmup && !r->broken; i++) {
        memset(&c, 0, sizeof(c));
        if (fn(ctx, &c))
            r->broken = 1;
    }
    for (int i = 0; i < h->reps && !r->broken; i++) {
        memset(&c, 0, sizeof(c));
        double t0 = bh_now();
        int rc = fn(ctx, &c);
        double t1 = bh_now();
        if (rc) {
            r->broken = 1;
            break;
        }
        r->secs[r->reps++] = t1 - t0;
        if (i == 0) {
            r->counters = c;
        } else if (memcmp(&c, &r->counters, sizeof(c))) {
            r->unstable = 1;
            fprintf(stderr,
                    "skidx-bench: warning: '%s' counters differ between "
                    "repetitions (%llu/%llu/%llu vs %llu/%llu/%llu)\n",
                    name, (unsigned long long)c.records,
                    (unsigned long long)c.matches,
                    (unsigned long long)c.skills,
                    (unsigned long long)r->counters.records,
                    (unsigned long long)r->counters.matches,
                    (unsigned long long)r->counters.skills);
        }
    }
    if (r->reps) {
        double s[BH_MAX_REPS];
        memcpy(s, r->secs, (size_t)r->reps * sizeof(double));
        qsort(s, (size_t)r->reps, sizeof(double), cmp_double);
        r->min = s[0];
        r->max = s[r->reps - 1];
        r->median = r->reps % 2 ? s[r->reps / 2]
                                : (s[r->reps / 2 - 1] + s[r->reps / 2]) / 2;
    }
    if (((expect & BH_EXPECT_RECORDS) && !r->counters.records) ||
        ((expect & BH_EXPECT_MATCHES) && !r->counters.matches) ||
        ((expect & BH_EXPECT_SKILLS) && !r->counters.skills) ||
        (!r->counters.records && !r->counters.matches && !r->counters.skills))
        r->broken = 1;
    if (r->broken)
        h->n_broken++;
    print_line(stdout, r);
    return r;
}

void bh_skip(struct bh_harness *h, const char *name, const char *why)
{
    if (!bh_selected(h, name))
        return;
    struct bh_result *r = new_result(h, name, why);
    if (!r)
        return;
    r->skipped = 1;
    print_line(stdout, r);
}

void bh_print_header(const struct bh_harness *h, FILE *f)
{
    fprintf(f, "# cpu: %s, %d cores\n", bh_cpu_model(), bh_cores());
    fprintf(f, "# compiler: %s\n", BH_COMPILER);
    fprintf(f, "# zstd %s, hyperscan %s, xxhash %s\n", ZSTD_versionString(),
            hs_version(), xxh_version());
    fprintf(f, "# command: %s\n", h->command);
    fprintf(f, "# %d warm-up run(s), %d timed repetition(s); MB/s of "
               "uncompressed JSON Lines text\n", h->warmup, h->reps);
    fprintf(f, "%-24s %10s %10s %10s %9s %11s %10s %11s %10s\n", "benchmark",
            "median_ms", "min_ms", "max_ms", "MB/s", "records/s", "records",
            "matches", "skills");
    fflush(f);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

int bh_write_json(const struct bh_harness *h, const char *path,
                  const char *corpus, const char *taxonomy)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "{\n  \"machine\": {\"cpu\": ");
    json_str(f, bh_cpu_model());
    fprintf(f, ", \"cores\": %d, \"compiler\": ", bh_cores());
    json_str(f, BH_COMPILER);
    fprintf(f, ", \"zstd\": ");
    json_str(f, ZSTD_versionString());
    fprintf(f, ", \"hyperscan\": ");
    json_str(f, hs_version());
    fprintf(f, ", \"xxhash\": ");
    json_str(f, xxh_version());
    fprintf(f, "},\n  \"command\": ");
    json_str(f, h->command);
    fprintf(f, ",\n  \"corpus\": ");
    json_str(f, corpus ? corpus : "");
    fprintf(f, ",\n  \"taxonomy\": ");
    json_str(f, taxonomy ? taxonomy : "");
    fprintf(f, ",\n  \"warmup\": %d, \"reps\": %d,\n  \"benchmarks\": [",
            h->warmup, h->reps);
    for (size_t i = 0; i < h->n; i++) {
        const struct bh_result *r = &h->res[i];
        fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
        json_str(f, r->name);
        fprintf(f, ", \"note\": ");
        json_str(f, r->note);
        if (r->skipped) {
            fprintf(f, ", \"status\": \"skipped\"}");
            continue;
        }
        fprintf(f, ", \"status\": \"%s\", \"unstable\": %s",
                r->broken ? "broken" : "ok", r->unstable ? "true" : "false");
        fprintf(f, ", \"bytes\": %llu, \"records\": %llu, \"matches\": %llu, "
                   "\"skills\": %llu",
                (unsigned long long)r->bytes,
                (unsigned long long)r->counters.records,
                (unsigned long long)r->counters.matches,
                (unsigned long long)r->counters.skills);
        fprintf(f, ", \"median_s\": %.9f, \"min_s\": %.9f, \"max_s\": %.9f",
                r->median, r->min, r->max);
        fprintf(f, ", \"mb_per_s\": %.3f, \"records_per_s\": %.1f",
                r->median > 0 ? (double)r->bytes / 1e6 / r->median : 0.0,
                r->median > 0 ? (double)r->counters.records / r->median : 0.0);
        fprintf(f, ", \"secs\": [");
        for (int k = 0; k < r->reps; k++)
            fprintf(f, "%s%.9f", k ? ", " : "", r->secs[k]);
        fprintf(f, "]}");
    }
    fprintf(f, "\n  ]\n}\n");
    return fclose(f) ? -1 : 0;
}

int bh_finish(const struct bh_harness *h, FILE *f)
{
    size_t ok = 0, skipped = 0;
    for (size_t i = 0; i < h->n; i++) {
        if (h->res[i].skipped)
            skipped++;
        else if (!h->res[i].broken)
            ok++;
    }
    fprintf(f, "# %zu ok, %d BROKEN, %zu skipped\n", ok, h->n_broken,
            skipped);
    if (h->n_broken)
        fprintf(stderr, "skidx-bench: %d benchmark(s) BROKEN (failed or "
                        "found nothing)\n", h->n_broken);
    return h->n_broken ? 1 : 0;
}
