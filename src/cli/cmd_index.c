/*
 * cmd_index.c - `skidx index` and `skidx merge`: everything that writes an
 * index file.
 */
#include "cli/cmds.h"
#include "cli/indexer.h"
#include "cli/out.h"
#include "core/error.h"
#include "core/taxonomy.h"
#include "io/index_read.h"
#include "io/index_write.h"

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SKIDX_VERSION_STRING
#define SKIDX_VERSION_STRING "0.0.0"
#endif

/* Set while shards are read: nothing is on disk yet, so a signal ends the
 * process at once. Waiting for the indexer to notice the stop flag could
 * take for ever: a thread may be blocked in read(2) on a stalled pipe or
 * in open(2) on a FIFO without a writer, and the signal need not land on
 * that thread (nor would EINTR reach it: reads are retried). */
static volatile sig_atomic_t exit_at_once;

static void on_signal(int sig)
{
    (void)sig;
    skidx_stop_requested = 1;
    if (exit_at_once) {
        static const char msg[] = "skidx: interrupted: no index written\n";
        if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
            /* nothing to do: exiting anyway */
        }
        _exit(EXIT_INTERRUPTED);
    }
    const char *tmp = skidx_index_write_tmp_path();
    if (tmp) {
        unlink(tmp);
        _exit(EXIT_INTERRUPTED);
    }
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Parse a size with an optional K/M/G suffix (binary). */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || s[0] == '-')
        return -1;
    unsigned long long mul = 1;
    if (*end == 'k' || *end == 'K')
        mul = 1ull << 10, end++;
    else if (*end == 'm' || *end == 'M')
        mul = 1ull << 20, end++;
    else if (*end == 'g' || *end == 'G')
        mul = 1ull << 30, end++;
    if (*end || v > (1ull << 40) / mul)
        return -1;
    *out = (size_t)(v * mul);
    return 0;
}

static const char index_usage[] =
    "usage: skidx index CORPUS... -o OUT.skidx [options]\n"
    "\n"
    "Index job postings. CORPUS is a directory (its *.jsonl, *.jsonl.zst,\n"
    "*.ndjson and *.ndjson.zst files, in sorted order), a file or a FIFO.\n"
    "One JSON object a line; zstd is recognised by its magic number.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE        the index to write (replaced atomically)\n"
    "  -t, --taxonomy DIR       skills.tsv and roles.tsv (default: %s)\n"
    "  -j, --threads N          worker threads (default: all %d cores)\n"
    "  -f, --field FIELD=KEY    read FIELD from JSON key KEY, e.g.\n"
    "                           --field title=job_title (repeatable); fields:\n"
    "                           id title description company location posted\n"
    "                           salary_min salary_max salary_period currency\n"
    "                           seniority\n"
    "  -k, --keep-going         index the other shards when one is corrupt\n"
    "                           (the index lists the lost shards; exit 1)\n"
    "      --allow-empty        write the index even when the run, or a shard\n"
    "                           with records, counted no posting (else an\n"
    "                           error: a wrong --field, CSV given as JSON)\n"
    "      --currency CODE      salary statistics in this currency (USD)\n"
    "      --max-record-bytes N skip longer records (default 4M)\n"
    "      --chunk-bytes N      records per work unit (default 1M; in a zstd\n"
    "                           shard at least its window, 2M at the usual\n"
    "                           levels)\n"
    "      --engine words|oracle  literal matching engine (default words;\n"
    "                           oracle is the slow reference)\n"
    "  -q, --quiet              no progress line, summary or examples\n"
    "  -h, --help               this text\n";

/* Indexing frees and allocates the same buffers over and over (a shard's
 * decoder, chunk results, Hyperscan scratch). By default glibc hands freed
 * memory at the top of a heap back to the kernel and maps large blocks
 * afresh, so the next allocation faults its pages in again; with two
 * threads, each give-back also interrupts the other core to flush its TLB.
 * Keep freed memory for reuse instead: peak RSS is unchanged (it is the
 * peak), page faults fall by a quarter and 2 threads run 2-4 % faster. */
static void keep_freed_memory(void)
{
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
}

int cmd_index(int argc, char **argv)
{
    static const struct option lo[] = {
        {"output", required_argument, 0, 'o'},
        {"taxonomy", required_argument, 0, 't'},
        {"threads", required_argument, 0, 'j'},
        {"field", required_argument, 0, 'f'},
        {"keep-going", no_argument, 0, 'k'},
        {"quiet", no_argument, 0, 'q'},
        {"currency", required_argument, 0, 1},
        {"max-record-bytes", required_argument, 0, 2},
        {"chunk-bytes", required_argument, 0, 3},
        {"engine", required_argument, 0, 4},
        {"allow-empty", no_argument, 0, 5},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    struct skidx_index_opts o;
    const char *out = NULL, *tax_dir = skidx_taxonomy_default_dir();
    struct skidx_error err;
    int c;

    memset(&o, 0, sizeof(o));
    o.currency = "USD";
    o.max_examples = 5;
    skidx_jsonl_keys_default(&o.keys);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:t:j:f:kqh", lo, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 't': tax_dir = optarg; break;
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1024) {
                cli_msg("invalid --threads '%s': give 1 to 1024", optarg);
                return EXIT_USAGE;
            }
            o.threads = (int)n;
            break;
        }
        case 'f':
            skidx_error_clear(&err);
            if (skidx_jsonl_keys_remap(&o.keys, optarg, &err)) {
                cli_msg("invalid --field '%s': %s", optarg, err.msg);
                return EXIT_USAGE;
            }
            break;
        case 'k': o.keep_going = 1; break;
        case 'q': o.quiet = 1; break;
        case 1:
            if (!*optarg || strlen(optarg) > 16) {
                cli_msg("invalid --currency '%s'", optarg);
                return EXIT_USAGE;
            }
            o.currency = optarg;
            break;
        case 2:
            if (parse_size(optarg, &o.max_record_bytes) ||
                o.max_record_bytes < 1024) {
                cli_msg("invalid --max-record-bytes '%s' (at least 1K)",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case 3:
            if (parse_size(optarg, &o.chunk_bytes) || o.chunk_bytes < 1) {
                cli_msg("invalid --chunk-bytes '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 4:
            if (!strcmp(optarg, "words"))
                o.engine = SKIDX_ENGINE_WORDS;
            else if (!strcmp(optarg, "oracle"))
                o.engine = SKIDX_ENGINE_ORACLE;
            else {
                cli_msg("invalid --engine '%s': words or oracle", optarg);
                return EXIT_USAGE;
            }
            break;
        case 5: o.allow_empty = 1; break;
        case 'h':
            printf(index_usage, skidx_taxonomy_default_dir(),
                   omp_get_num_procs());
            return EXIT_OK;
        default:
            fprintf(stderr, index_usage, skidx_taxonomy_default_dir(),
                    omp_get_num_procs());
            return EXIT_USAGE;
        }
    }
    if (optind >= argc || !out) {
        cli_msg(optind >= argc ? "no corpus given" : "no output given (-o)");
        fprintf(stderr, index_usage, skidx_taxonomy_default_dir(),
                omp_get_num_procs());
        return EXIT_USAGE;
    }
    o.progress = !o.quiet && isatty(STDERR_FILENO);
    exit_at_once = 1;
    install_signals();

    /* the corpus */
    struct skidx_shard_list shards;
    memset(&shards, 0, sizeof(shards));
    for (int i = optind; i < argc; i++) {
        skidx_error_clear(&err);
        if (skidx_shard_list_add(&shards, argv[i], &err)) {
            cli_report("cannot read the corpus", &err);
            skidx_shard_list_release(&shards);
            return EXIT_DATA;
        }
    }
    keep_freed_memory();
    /* the taxonomy */
    struct skidx_taxonomy *tax = NULL;
    struct skidx_compiled *comp = NULL;
    skidx_error_clear(&err);
    if (skidx_taxonomy_load(tax_dir, &tax, &err) ||
        skidx_compiled_create(tax, &comp, &err)) {
        cli_report("invalid taxonomy", &err);
        skidx_taxonomy_free(tax);
        skidx_shard_list_release(&shards);
        return EXIT_DATA;
    }
    struct skidx_model model;
    int rc = EXIT_OK;
    if (skidx_model_init(&model, tax, SKIDX_VERSION_STRING, o.currency)) {
        cli_msg("out of memory");
        rc = EXIT_DATA;
        goto out_tax;
    }
    struct skidx_index_summary sum;
    skidx_error_clear(&err);
    skidx_status st = skidx_run_index(&shards, comp, &o, &model, &sum, &err);
    exit_at_once = 0; /* from here the stop flag and the temp file rule */
    if (st == SKIDX_ERR_INTERRUPTED || skidx_stop_requested) {
        cli_msg("interrupted: no index written");
        rc = EXIT_INTERRUPTED;
        goto out_model;
    }
    if (st && (!o.keep_going || st == SKIDX_ERR_NOMEM)) {
        cli_report("cannot index", &err);
        cli_msg("no index written%s",
                st == SKIDX_ERR_NOMEM ? "" : " (--keep-going indexes the "
                                             "other shards)");
        rc = EXIT_DATA;
        goto out_model;
    }
    if (st) {
        /* every lost shard with its own fault, in corpus order */
        for (uint32_t i = 0; i < model.n_lost; i++) {
            struct skidx_error e;
            skidx_fail(&e, SKIDX_ERR_CORRUPT, model.lost_paths[i],
                       SKIDX_NOLINE, model.lost_offsets[i], "%s",
                       model.lost_causes[i]);
            cli_report("lost a shard", &e);
            cli_msg("shard '%s' lost after %llu records", model.lost_paths[i],
                    (unsigned long long)model.lost_records[i]);
        }
        rc = EXIT_DATA;
    }
    if (sum.empty) {
        cli_report("cannot index", &sum.empty_err);
        cli_msg("no index written (--allow-empty writes it all the same)");
        rc = EXIT_DATA;
        goto out_model;
    }
    skidx_error_clear(&err);
    if (skidx_index_write(&model, out, &err)) {
        cli_report("cannot write the index", &err);
        rc = EXIT_DATA;
        goto out_model;
    }
    if (!o.quiet) {
        const uint64_t *s = model.counts.stats;
        double mb = (double)s[SKIDX_STAT_BYTES_UNCOMPRESSED] / 1e6;
        fprintf(stderr,
                "skidx: indexed %llu postings from %llu shards (%.1f MB) in "
                "%.2f s, %.1f MB/s; %llu duplicates, %llu records skipped, "
                "%llu repaired -> %s\n",
                (unsigned long long)s[SKIDX_STAT_POSTINGS],
                (unsigned long long)s[SKIDX_STAT_SHARDS], mb, sum.seconds,
                sum.seconds > 0 ? mb / sum.seconds : 0.0,
                (unsigned long long)s[SKIDX_STAT_DUPLICATES],
                (unsigned long long)s[SKIDX_STAT_SKIPPED],
                (unsigned long long)s[SKIDX_STAT_REPAIRED], out);
    }
out_model:
    skidx_model_release(&model);
out_tax:
    skidx_compiled_free(comp);
    skidx_taxonomy_free(tax);
    skidx_shard_list_release(&shards);
    return rc;
}

static const char merge_usage[] =
    "usage: skidx merge A.skidx B.skidx... -o OUT.skidx\n"
    "\n"
    "Add indexes built with the same taxonomy and currency into one, as if\n"
    "their corpora had been indexed together (duplicates across the inputs\n"
    "are not detected). Refuses indexes built with different taxonomies.\n"
    "\n"
    "  -o, --output FILE   the index to write (replaced atomically)\n"
    "  -h, --help          this text\n";

int cmd_merge(int argc, char **argv)
{
    static const struct option lo[] = {{"output", required_argument, 0, 'o'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 'h') {
            fputs(merge_usage, stdout);
            return EXIT_OK;
        } else {
            fputs(merge_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (!out || optind >= argc) {
        cli_msg(!out ? "no output given (-o)" : "no index to merge");
        fputs(merge_usage, stderr);
        return EXIT_USAGE;
    }
    struct skidx_model acc;
    struct skidx_error err;
    int have = 0, rc = EXIT_OK;
    for (int i = optind; i < argc && rc == EXIT_OK; i++) {
        struct skidx_index *idx = NULL;
        struct skidx_model m;
        skidx_error_clear(&err);
        if (skidx_index_open(argv[i], 1, &idx, &err)) {
            cli_report("cannot read the index", &err);
            rc = EXIT_DATA;
            break;
        }
        skidx_status st = skidx_index_to_model(idx, have ? &m : &acc);
        skidx_index_close(idx);
        if (st) {
            cli_msg("cannot read '%s': %s", argv[i], skidx_strerror(st));
            rc = EXIT_DATA;
            break;
        }
        if (!have) {
            have = 1;
            continue;
        }
        skidx_error_clear(&err);
        if (skidx_model_merge(&acc, &m, &err)) {
            cli_msg("cannot merge '%s' into '%s': %s", argv[i], argv[optind],
                    err.msg);
            rc = EXIT_DATA;
        }
        skidx_model_release(&m);
    }
    if (rc == EXIT_OK) {
        skidx_error_clear(&err);
        if (skidx_index_write(&acc, out, &err)) {
            cli_report("cannot write the index", &err);
            rc = EXIT_DATA;
        }
    }
    if (have)
        skidx_model_release(&acc);
    return rc;
}
