/*
 * cmd_index.c - `skidx index` and `skidx merge`: everything that writes an
 * index file.
 */
#include "build/indexer.h"
#include "cli/cmd_index.h"
#include "cli/cmds.h"
#include "cli/out.h"
#include "cli/tax_open.h"
#include "core/error.h"
#include "core/pmerge.h"
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
#include <sys/mman.h>
#include <unistd.h>


static const char index_usage[] =
    "usage: skidx index CORPUS... -o OUT.skidx [options]\n"
    "\n"
    "Index job postings. CORPUS is a directory (its *.jsonl, *.ndjson,\n"
    "*.csv and *.tsv files, each plain or as .zst or .gz, in sorted order),\n"
    "a file or a FIFO. The format goes by the name: *.csv (and *.csv.gz,\n"
    "*.csv.zst) is CSV (RFC 4180: a header row names the fields, quoted\n"
    "fields may hold commas, quotes and line breaks), *.tsv the same with\n"
    "TABs, anything else JSON Lines (one JSON object a line). zstd and gzip\n"
    "are recognised by their magic numbers, whatever the name.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE        the index to write (replaced atomically; an\n"
    "                           input, a device or a FIFO is refused)\n"
    "  -t, --taxonomy DIR       skills.tsv and roles.tsv (default: %s)\n"
    "  -j, --threads N          worker threads (default: all %d cores; one for\n"
    "                           a corpus of regular files of 256 KiB or less)\n"
    "  -f, --field FIELD=KEY    read FIELD from JSON key or CSV column KEY,\n"
    "                           e.g. --field title=job_title or --field\n"
    "                           'title=Job Title' (repeatable); fields:\n"
    "                           id title description company location posted\n"
    "                           salary_min salary_max salary_period currency\n"
    "                           seniority. CSV columns match caseless, and a\n"
    "                           field not remapped also takes common names\n"
    "                           (job_title, job_description, company_name...;\n"
    "                           README lists them)\n"
    "      --format jsonl|csv|tsv  read every shard in this format, whatever\n"
    "                           its name\n"
    "  -k, --keep-going         index the other shards when one is corrupt\n"
    "                           (the index lists the lost shards; exit 1)\n"
    "      --no-postings        the count cube only, without the posting-level\n"
    "                           sections (a version-1 file: no --where,\n"
    "                           --related, --list, exact merge; README)\n"
    "      --allow-empty        write the index even when the run, or a shard\n"
    "                           with records, counted no posting (else an\n"
    "                           error: a wrong --field, a wrong --format)\n"
    "      --currency CODE      salary statistics in this currency (USD)\n"
    "      --max-record-bytes N skip longer records (default 4M)\n"
    "      --chunk-bytes N      records per work unit (default 1M; in a zstd\n"
    "                           shard at least its window, 2M at the usual\n"
    "                           levels)\n"
    "      --engine words|oracle  literal matching engine (default words;\n"
    "                           oracle is the slow reference)\n"
    "  -q, --quiet              no progress line, summary or examples\n"
    "      --no-cache           compile the taxonomy, neither reading nor\n"
    "                           writing the compiled-taxonomy cache (also\n"
    "                           SKIDX_CACHE=off; README \"The cache\")\n"
    "  -h, --help               this text\n";

/* Indexing frees and allocates the same buffers over and over (a shard's
 * decoder, chunk results, Hyperscan scratch). By default glibc hands freed
 * memory at the top of a heap back to the kernel and maps large blocks
 * afresh, so the next allocation faults its pages in again; with two
 * threads, each give-back also interrupts the other core to flush its TLB.
 * Keep freed memory for reuse instead: peak RSS is unchanged (it is the
 * peak), page faults fall by a quarter and 2 threads run 2-4 % faster.
 * One arena for all threads: a segment's buffers are filled by whichever
 * thread commits, encoded by another and freed by a third, and with an
 * arena per thread the freed blocks of one arena did not serve the next
 * segment in another, so peak RSS grew with the corpus even though only
 * a segment or two is alive at a time (2 threads, 131072 against 524288
 * postings: 121 against 162 MB; with one arena 120 against 128 MB, the
 * rest being the duplicate keys). Small blocks come from each thread's
 * cache without the arena's lock. */
void keep_freed_memory(void)
{
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_ARENA_MAX, 1);
}

/* The heap in 2 MiB pages: on a VM a fault costs some 10 us, and an
 * empty `skidx index` touched some 400 fresh 4 KiB heap pages one by
 * one (the model's tables and strings, the writer's buffers, the gaps
 * that 2 MiB-aligned blocks leave), 4-6 ms of its ~25 ms; a run over a
 * corpus, with its raw and encoded segments, Roaring containers and
 * reader buffers, grows the heap to 50-90 MB. So the heap is grown at
 * once by HUGE_HEAP (a block of 1 MiB asked with that much top pad: the
 * break moves by both, and nothing is touched but the two chunk headers
 * at the block's ends) and the whole 2 MiB pages above the block are
 * advised for transparent huge pages: what is used later faults a
 * 2 MiB page at a time.
 *
 * Two rules of the kernel shape this. Only an advised region gets huge
 * pages on the VMs measured (their THP setting says "always", yet a
 * plain mapping faulted 4 KiB pages), and a region grown later by brk
 * is a mapping of its own, not advised: so the heap is grown once, by
 * enough for a run (128 MiB at 2 threads held 90 MB; past it the heap
 * grows in 4 KiB pages as before). And a 2 MiB range touched before it
 * was advised, or while the break cut through it, keeps 4 KiB pages for
 * good: the 30 MiB block this replaces wrote the top chunk's header in
 * the range of its end, which the raw segments' strings then filled
 * with 434 faults, and each later growth of the break did the same
 * above it (page faults of a run at 1 thread, 4 and 16 shards: 6,172
 * and 10,014, now 2,339 and 2,367; at 2 threads 11,096 and 15,702, now
 * 4,469 and 4,570). So the advised range starts
 * above the block's end, and the block is then taken again by one that
 * is never touched, so that what comes next starts on a huge page.
 * keep_freed_memory() must come first, or the freed block would be
 * handed back at once. Peak RSS grows by at most the unused part of the
 * huge pages touched. The top pad is set back to glibc's default. */
#define HUGE_HEAP ((size_t)128 << 20)
#define HUGE_HEAP_PROBE ((size_t)1 << 20)
#define GLIBC_TOP_PAD (128 << 10)

void huge_heap(void)
{
    const uintptr_t unit = (uintptr_t)2 << 20;
    mallopt(M_TOP_PAD, (int)(HUGE_HEAP - HUGE_HEAP_PROBE));
    unsigned char *p = malloc(HUGE_HEAP_PROBE);
    mallopt(M_TOP_PAD, GLIBC_TOP_PAD);
    if (!p)
        return;
    const uintptr_t start = (uintptr_t)p;
    const uintptr_t brk_end = (uintptr_t)sbrk(0);
    /* above the header of the top chunk, written at the block's end */
    const uintptr_t a =
        (start + HUGE_HEAP_PROBE + 64 + unit - 1) & ~(unit - 1);
    const uintptr_t b = brk_end & ~(unit - 1);
#ifdef MADV_HUGEPAGE
    /* the break did not move (the block came from freed memory), or the
     * block is not in the brk heap: then b <= a or the call fails */
    if (brk_end != (uintptr_t)-1 && b > a && b - a <= HUGE_HEAP)
        (void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#endif
    free(p);
    /* the heap below a (the probe block's range) keeps 4 KiB pages: it
     * is taken by a block never freed nor touched (its pages are never
     * faulted), so that what comes next starts at a, on huge pages, and
     * small blocks (the cache image's first part, the arena) do not
     * fault in 4 KiB pages one by one */
    static void *below;
    if (!below && a - start > 64)
        below = malloc(a - start - 32);
}

/* The callbacks of the indexer: the progress line and the messages
 * about skipped and repaired records (both on stderr; a message first
 * clears the progress line it would otherwise run into). */
static void on_index_progress(void *arg, const struct skidx_index_progress *p)
{
    (void)arg;
    const double el = p->seconds;
    const double frac =
        p->bytes_total ? (double)p->bytes_in / (double)p->bytes_total : 0;
    const double eta = frac > 0.01 ? el * (1 - frac) / frac : 0;
    fprintf(stderr,
            "\r\033[Kskidx: %zu/%zu shards, %.0f MB read, %.1f MB/s, %.0f "
            "postings/s, ETA %.0f s",
            p->shards_done, p->shards_total, p->bytes_in / 1e6,
            el > 0 ? p->bytes_in / 1e6 / el : 0,
            el > 0 ? (double)p->postings / el : 0, eta);
    if (p->final)
        fputs("\r\033[K", stderr);
}

static void on_index_message(void *arg, const struct skidx_index_message *m)
{
    const struct cli_index *ix = arg;
    const char *kind = skidx_cause_is_fix(m->cause) ? "repaired" : "skipped";
    if (ix->progress)
        fputs("\r\033[K", stderr);
    if (m->col != UINT64_MAX)
        fprintf(stderr, "skidx: %s:%llu: %s record: %s (byte %llu)\n",
                m->path, (unsigned long long)m->line, kind,
                skidx_cause_text(m->cause), (unsigned long long)m->col + 1);
    else
        fprintf(stderr, "skidx: %s:%llu: %s record: %s\n", m->path,
                (unsigned long long)m->line, kind, skidx_cause_text(m->cause));
}

int cli_index_args(struct cli_index *ix, int argc, char **argv)
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
        {"format", required_argument, 0, 6},
        {"no-cache", no_argument, 0, 7},
        {"no-postings", no_argument, 0, 8},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    struct skidx_index_opts *o = &ix->o;
    struct skidx_error err;
    int c;

    memset(ix, 0, sizeof(*ix));
    ix->tax_dir = skidx_taxonomy_default_dir();
    o->currency = "USD";
    o->max_examples = 5;
    o->format = -1;
    skidx_jsonl_keys_default(&o->keys);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:t:j:f:kqh", lo, NULL)) != -1) {
        switch (c) {
        case 'o': ix->out = optarg; break;
        case 't': ix->tax_dir = optarg; break;
        case 'j': {
            uint64_t n;
            if (cli_parse_u64("--threads", optarg, 1, 1024, &n))
                return EXIT_USAGE;
            o->threads = (int)n;
            break;
        }
        case 'f':
            skidx_error_clear(&err);
            if (skidx_jsonl_keys_remap_once(&o->keys, optarg, &err)) {
                cli_msg("invalid --field '%s': %s", optarg, err.msg);
                return EXIT_USAGE;
            }
            break;
        case 'k': o->keep_going = 1; break;
        case 'q': ix->quiet = 1; break;
        case 7: ix->tax_flags |= CLI_TAX_NO_CACHE; break;
        case 8: o->no_postings = 1; break;
        case 1:
            if (!*optarg || strlen(optarg) > 16) {
                cli_msg("invalid --currency '%s'", optarg);
                return EXIT_USAGE;
            }
            o->currency = optarg;
            break;
        case 2:
            if (cli_parse_size("--max-record-bytes", optarg, 1024,
                               1ull << 40, &o->max_record_bytes))
                return EXIT_USAGE;
            break;
        case 3:
            if (cli_parse_size("--chunk-bytes", optarg, 1, 1ull << 40,
                               &o->chunk_bytes))
                return EXIT_USAGE;
            break;
        case 4:
            if (!strcmp(optarg, "words"))
                o->engine = SKIDX_ENGINE_WORDS;
            else if (!strcmp(optarg, "oracle"))
                o->engine = SKIDX_ENGINE_ORACLE;
            else {
                cli_msg("invalid --engine '%s': words or oracle", optarg);
                return EXIT_USAGE;
            }
            break;
        case 6:
            if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "ndjson"))
                o->format = SKIDX_FORMAT_JSONL;
            else if (!strcmp(optarg, "csv"))
                o->format = SKIDX_FORMAT_CSV;
            else if (!strcmp(optarg, "tsv"))
                o->format = SKIDX_FORMAT_TSV;
            else {
                cli_msg("invalid --format '%s': jsonl, csv or tsv", optarg);
                return EXIT_USAGE;
            }
            break;
        case 5: o->allow_empty = 1; break;
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
    if (optind >= argc || !ix->out) {
        cli_msg(optind >= argc ? "no corpus given" : "no output given (-o)");
        fprintf(stderr, index_usage, skidx_taxonomy_default_dir(),
                omp_get_num_procs());
        return EXIT_USAGE;
    }
    ix->corpus = (const char *const *)argv + optind;
    ix->n_corpus = (size_t)(argc - optind);
    ix->progress = !ix->quiet && isatty(STDERR_FILENO);
    o->on_progress = ix->progress ? on_index_progress : NULL;
    o->on_message = ix->quiet ? NULL : on_index_message;
    o->cb_arg = ix;
    o->stop = &skidx_stop_requested;
    return -1;
}

int cli_index_list(struct cli_index *ix)
{
    struct skidx_error err;
    /* the output is none of the inputs: the corpus as given, the
     * taxonomy's files, and (below) every listed shard */
    char tax_files[2][4096];
    snprintf(tax_files[0], sizeof(tax_files[0]), "%s/skills.tsv",
             ix->tax_dir);
    snprintf(tax_files[1], sizeof(tax_files[1]), "%s/roles.tsv", ix->tax_dir);
    const char *tax_in[2] = {tax_files[0], tax_files[1]};
    if (cli_check_output(ix->out, 0, ix->corpus, ix->n_corpus) ||
        cli_check_output(ix->out, 0, tax_in, 2))
        return EXIT_USAGE;

    /* the corpus */
    for (size_t i = 0; i < ix->n_corpus; i++) {
        skidx_error_clear(&err);
        skidx_status lst = skidx_shard_list_add(&ix->shards, ix->corpus[i],
                                                &err);
        if (lst) {
            cli_report_st("cannot read the corpus", lst, &err);
            return EXIT_DATA;
        }
    }
    if (cli_check_output(ix->out, 0, (const char *const *)ix->shards.paths,
                         ix->shards.n))
        return EXIT_USAGE;
    return -1;
}

int cli_index_taxonomy(struct cli_index *ix)
{
    struct skidx_error err;
    /* a corpus scans every Hyperscan database: each is rebuilt at load,
     * so a damaged cache file is refused there (compiled and written
     * again) and the run goes on; skidx-mpi's ranks too */
    if (!(ix->tax_flags & CLI_TAX_NO_MATCHERS) &&
        !skidx_shard_list_all_empty(&ix->shards))
        ix->tax_flags |= CLI_TAX_ALL_DBS;
    /* the taxonomy, within the limits of the index format */
    skidx_error_clear(&err);
    skidx_status tst = cli_taxonomy_open(ix->tax_dir, ix->tax_flags, &ix->tax,
                                         &ix->comp, &err);
    if (!tst)
        tst = skidx_index_check_dims(ix->tax->n_roles, ix->tax->n_levels,
                                     ix->tax->n_skills, ix->tax->n_cats, &err);
    if (tst) {
        cli_report_st("invalid taxonomy", tst, &err);
        return EXIT_DATA;
    }
    return -1;
}

static int cli_index_finish_write(struct cli_index *ix,
                                  struct skidx_model *model, skidx_status st,
                                  const struct skidx_error *err,
                                  const struct skidx_index_summary *sum);

int cli_index_open_out(struct cli_index *ix, struct skidx_model *model)
{
    struct skidx_error err;
    skidx_error_clear(&err);
    skidx_status st = skidx_index_out_open(ix->out, !ix->o.no_postings,
                                           &ix->w, &err);
    if (st) {
        cli_report_st("cannot write the index", st, &err);
        return st == SKIDX_ERR_USAGE ? EXIT_USAGE : EXIT_DATA;
    }
    skidx_index_out_attach(ix->w, &model->post);
    return -1;
}

int cli_index_finish(struct cli_index *ix, struct skidx_model *model,
                     skidx_status st, const struct skidx_error *err,
                     const struct skidx_index_summary *sum)
{
    int rc = cli_index_finish_write(ix, model, st, err, sum);
    /* nothing written: the temporary goes */
    skidx_index_out_abort(ix->w);
    ix->w = NULL;
    return rc;
}

static int cli_index_finish_write(struct cli_index *ix,
                                  struct skidx_model *model, skidx_status st,
                                  const struct skidx_error *err,
                                  const struct skidx_index_summary *sum)
{
    const struct skidx_index_opts *o = &ix->o;
    int rc = EXIT_OK;
    struct skidx_error werr;
    skidx_error_clear(&werr);
    /* a damaged compiled-taxonomy cache file: it is named */
    if (st && st != SKIDX_ERR_INTERRUPTED && cli_taxonomy_damaged(ix->comp, 0)) {
        cli_msg("no index written");
        return EXIT_DATA;
    }
    /* a segment that could not be written: the writer says why */
    if (st && st != SKIDX_ERR_INTERRUPTED &&
        skidx_index_out_error(ix->w, &werr)) {
        cli_report_st("cannot write the index", werr.status, &werr);
        return EXIT_DATA;
    }
    /* from here a signal removes a live temporary and exits 130, or, once
     * the index has been renamed into place, only sets the stop flag: a
     * complete index is never followed by exit 130 */
    cli_install_signals(1, "skidx: interrupted: no index written\n");
    if (st == SKIDX_ERR_INTERRUPTED || skidx_stop_requested) {
        cli_msg("interrupted: no index written");
        return EXIT_INTERRUPTED;
    }
    /* --keep-going writes the other shards' index when the failure is
     * lost shards alone; any other one (out of memory, a posting that
     * could not be matched) stops the run */
    const int lost = sum->shards_failed > 0;
    if (st && (!o->keep_going || !lost)) {
        cli_report_st("cannot index", st, err);
        cli_msg("no index written%s",
                lost ? " (--keep-going indexes the other shards)" : "");
        return EXIT_DATA;
    }
    if (st) {
        /* every lost shard with its own fault, in corpus order */
        for (uint32_t i = 0; i < model->n_lost; i++) {
            struct skidx_error e;
            skidx_fail(&e, SKIDX_ERR_CORRUPT, model->lost_paths[i],
                       SKIDX_NOLINE, model->lost_offsets[i], "%s",
                       model->lost_causes[i]);
            cli_report("lost a shard", &e);
            cli_msg("shard '%s' lost after %llu records",
                    model->lost_paths[i],
                    (unsigned long long)model->lost_records[i]);
        }
        rc = EXIT_DATA;
    }
    if (sum->empty) {
        cli_report("cannot index", &sum->empty_err);
        cli_msg("no index written (--allow-empty writes it all the same)");
        return EXIT_DATA;
    }
    struct skidx_index_out *w = ix->w;
    ix->w = NULL;
    st = w ? skidx_index_out_finish(w, model, &werr)
           : skidx_index_write(model, ix->out, &werr);
    if (st) {
        cli_report_st("cannot write the index", st, &werr);
        return st == SKIDX_ERR_USAGE ? EXIT_USAGE : EXIT_DATA;
    }
    if (!ix->quiet) {
        const uint64_t *s = model->counts.stats;
        double mb = (double)s[SKIDX_STAT_BYTES_UNCOMPRESSED] / 1e6;
        fprintf(stderr,
                "skidx: indexed %llu postings from %llu shards (%.1f MB) in "
                "%.2f s, %.1f MB/s; %llu duplicates, %llu records skipped, "
                "%llu repaired -> %s\n",
                (unsigned long long)s[SKIDX_STAT_POSTINGS],
                (unsigned long long)s[SKIDX_STAT_SHARDS], mb, sum->seconds,
                sum->seconds > 0 ? mb / sum->seconds : 0.0,
                (unsigned long long)s[SKIDX_STAT_DUPLICATES],
                (unsigned long long)s[SKIDX_STAT_SKIPPED],
                (unsigned long long)s[SKIDX_STAT_REPAIRED], ix->out);
    }
    return rc;
}

void cli_index_release(struct cli_index *ix)
{
    skidx_index_out_abort(ix->w);
    ix->w = NULL;
    skidx_compiled_free(ix->comp);
    skidx_taxonomy_free(ix->tax);
    skidx_shard_list_release(&ix->shards);
    ix->comp = NULL;
    ix->tax = NULL;
}

int cmd_index(int argc, char **argv)
{
    struct cli_index ix;
    struct skidx_error err;
    int rc = cli_index_args(&ix, argc, argv);
    if (rc >= 0)
        return rc;
    /* Nothing is on disk until the index is written, so a signal ends the
     * process at once (then removing the temporary, if one is live).
     * Waiting for the indexer to notice a stop flag could take for ever: a
     * thread may be blocked in read(2) on a stalled pipe or in open(2) on
     * a FIFO without a writer, and the signal need not land on it. */
    cli_install_signals(0, "skidx: interrupted: no index written\n");
    if ((rc = cli_index_list(&ix)) >= 0)
        goto out;
    keep_freed_memory();
    huge_heap();
    /* empty shards scan no text: the taxonomy without its matchers */
    if (skidx_shard_list_all_empty(&ix.shards))
        ix.tax_flags |= CLI_TAX_NO_MATCHERS;
    if ((rc = cli_index_taxonomy(&ix)) >= 0)
        goto out;
    struct skidx_model model;
    if (skidx_model_init(&model, ix.tax, SKIDX_VERSION_STRING,
                         ix.o.currency)) {
        cli_msg("out of memory");
        rc = EXIT_DATA;
        goto out;
    }
    /* the output's temporary is made now, before the corpus is read: the
     * segments go into it as they complete */
    if ((rc = cli_index_open_out(&ix, &model)) >= 0) {
        skidx_model_release(&model);
        goto out;
    }
    struct skidx_index_summary sum;
    skidx_error_clear(&err);
    skidx_status st = skidx_run_index(&ix.shards, ix.comp, &ix.o, &model,
                                      &sum, &err);
    rc = cli_index_finish(&ix, &model, st, &err, &sum);
    skidx_model_release(&model);
out:
    cli_index_release(&ix);
    return rc;
}

static const char merge_usage[] =
    "usage: skidx merge A.skidx B.skidx... -o OUT.skidx\n"
    "\n"
    "Add indexes built with the same taxonomy and currency into one, in the\n"
    "order given: the same bytes as indexing their corpora in one run in\n"
    "that order, a repost of a posting in an earlier input dropped by its\n"
    "duplicate key. Indexes written with --no-postings (version 1) hold no\n"
    "keys: they merge only with each other, and a repost across them counts\n"
    "in each (a note says so). Refuses indexes built with different\n"
    "taxonomies.\n"
    "\n"
    "  -o, --output FILE   the index to write (replaced atomically; an input,\n"
    "                      a device or a FIFO is refused)\n"
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
    if (cli_check_output(out, 0, (const char *const *)argv + optind,
                         (size_t)(argc - optind)))
        return EXIT_USAGE;
    cli_install_signals(0, NULL);
    struct skidx_model acc;
    struct skidx_error err;
    struct skidx_pmerge pm;
    int have = 0, rc = EXIT_OK, v1 = 0, v2 = 0;
    struct skidx_index_out *w = NULL;
    skidx_pmerge_init(&pm);
    for (int i = optind; i < argc && rc == EXIT_OK; i++) {
        struct skidx_index *idx = NULL;
        struct skidx_model m;
        skidx_error_clear(&err);
        skidx_status ost = skidx_index_open(argv[i], 1, &idx, &err);
        if (!ost && (ost = skidx_index_check_postings(idx, &err))) {
            skidx_index_close(idx); /* merge reads every segment */
            idx = NULL;
        }
        if (ost) {
            cli_report_st("cannot read the index", ost, &err);
            rc = EXIT_DATA;
            break;
        }
        /* posting-level sections merge exactly or not at all: an index
         * without them cannot say which of its postings are reposts */
        const struct skidx_pview *pv = skidx_index_pview(idx);
        v1 += pv == NULL;
        v2 += pv != NULL;
        if (v1 && v2) {
            cli_msg("cannot merge '%s': %s is a version-1 index without "
                    "posting-level sections; re-index its corpus with this "
                    "skidx, or merge only version-1 indexes",
                    argv[i], pv ? "an earlier input" : "it");
            skidx_index_close(idx);
            rc = EXIT_DATA;
            break;
        }
        skidx_status st = skidx_index_to_model(idx, have ? &m : &acc);
        if (st) {
            skidx_index_close(idx);
            cli_msg("cannot read '%s': %s", argv[i], skidx_strerror(st));
            rc = EXIT_DATA;
            break;
        }
        if (have) {
            skidx_error_clear(&err);
            if (skidx_model_merge(&acc, &m, &err)) {
                cli_msg("cannot merge '%s' into '%s': %s", argv[i],
                        argv[optind], err.msg);
                rc = EXIT_DATA;
            }
            skidx_model_release(&m);
        }
        have = 1;
        /* the output's temporary, once the first input says whether it
         * has posting-level sections: the merged segments go into it as
         * they are made */
        if (rc == EXIT_OK && !w) {
            skidx_error_clear(&err);
            skidx_status wst = skidx_index_out_open(out, pv != NULL, &w,
                                                    &err);
            if (wst) {
                cli_report_st("cannot write the index", wst, &err);
                rc = wst == SKIDX_ERR_USAGE ? EXIT_USAGE : EXIT_DATA;
            } else {
                skidx_index_out_attach(w, &acc.post);
            }
        }
        if (rc == EXIT_OK && pv && (st = skidx_pmerge_add(&pm, &acc, pv))) {
            struct skidx_error werr;
            if (skidx_index_out_error(w, &werr)) {
                cli_report_st("cannot write the index", werr.status, &werr);
                rc = EXIT_DATA;
                skidx_index_close(idx);
                break;
            }
            cli_msg("cannot merge the postings of '%s': %s", argv[i],
                    st == SKIDX_ERR_CORRUPT
                        ? "a repost that its cube does not count"
                        : skidx_strerror(st));
            rc = EXIT_DATA;
        }
        skidx_index_close(idx);
    }
    if (rc == EXIT_OK && v2) {
        skidx_status st = skidx_pmerge_finish(&pm, &acc);
        struct skidx_error werr;
        if (st && skidx_index_out_error(w, &werr)) {
            cli_report_st("cannot write the index", werr.status, &werr);
            rc = EXIT_DATA;
        } else if (st) {
            cli_msg("cannot merge the postings: %s", skidx_strerror(st));
            rc = EXIT_DATA;
        }
    }
    skidx_pmerge_release(&pm);
    if (rc == EXIT_OK && v1 > 1)
        cli_msg("note: the %d inputs are version-1 indexes (written with "
                "--no-postings), which hold no duplicate keys: a repost "
                "across them is counted in each",
                v1);
    /* as in cli_index_finish: from here a signal removes a live temporary
     * and exits 130, or, once the index has been renamed into place, only
     * sets the stop flag, so a complete index is never followed by 130 */
    if (rc == EXIT_OK) {
        cli_install_signals(1, "skidx: interrupted: no index written\n");
        if (skidx_stop_requested) {
            cli_msg("interrupted: no index written");
            rc = EXIT_INTERRUPTED;
        }
    }
    if (rc == EXIT_OK) {
        skidx_error_clear(&err);
        skidx_status wst = skidx_index_out_finish(w, &acc, &err);
        w = NULL;
        if (wst) {
            cli_report_st("cannot write the index", wst, &err);
            rc = wst == SKIDX_ERR_USAGE ? EXIT_USAGE : EXIT_DATA;
        }
    }
    skidx_index_out_abort(w); /* no index written: no temporary left */
    if (have)
        skidx_model_release(&acc);
    return rc;
}
