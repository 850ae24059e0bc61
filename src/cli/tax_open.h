/*
 * tax_open.h - load and compile a taxonomy for `skidx index` and
 * `skidx match`, through the compiled-taxonomy cache.
 *
 * The cache directory is $SKIDX_CACHE_DIR, else $XDG_CACHE_HOME/skidx,
 * else ~/.cache/skidx. SKIDX_CACHE=off (or the flag CLI_TAX_NO_CACHE)
 * turns the cache off; SKIDX_CACHE=verbose reports on stderr what the
 * cache did. A cache file that is missing, stale, foreign or damaged is
 * ignored (the taxonomy is compiled and the file rewritten); a cache
 * directory that cannot be created or written is not an error. The
 * taxonomy and matchers are the same either way (core/tax_cache.h).
 */
#ifndef SKIDX_CLI_TAX_OPEN_H
#define SKIDX_CLI_TAX_OPEN_H

#include "core/posting.h"
#include "core/taxonomy.h"
#include "skidx.h"

enum cli_tax_flags {
    CLI_TAX_NO_CACHE = 1u << 0, /* neither read nor write the cache */
    /* the caller scans no text: from the cache, the taxonomy may come
     * without its matchers and section rules (*comp's matchers NULL) */
    CLI_TAX_NO_MATCHERS = 1u << 1,
    /* the caller scans a corpus: every Hyperscan database of a cache file
     * is read and rebuilt now (it would be on its first scan anyway), and
     * a file one of whose databases does not rebuild is treated as any
     * damaged cache file: removed, the taxonomy compiled and written
     * again, the run unaffected */
    CLI_TAX_ALL_DBS = 1u << 2,
};

/* Load the taxonomy in `dir` and compile it, or take both from the cache.
 * On success *tax and *comp are the caller's (skidx_compiled_free(comp),
 * then skidx_taxonomy_free(tax)). Errors: those of skidx_taxonomy_load()
 * and skidx_compiled_create(), with `err` filled; never one of the cache. */
skidx_status cli_taxonomy_open(const char *dir, unsigned flags,
                               struct skidx_taxonomy **tax,
                               struct skidx_compiled **comp,
                               struct skidx_error *err);

/* After a scan failed: when its taxonomy came from a cache file one of
 * whose Hyperscan databases did not rebuild on its first scan (a file
 * damaged on disk, or forged or miswritten behind a valid checksum:
 * core/match.h), say so, naming the file, remove it and return 1; else
 * say nothing and return 0. `compiling`: the caller compiles the
 * taxonomy now and goes on (the message says so), else the next run
 * does. */
int cli_taxonomy_damaged(const struct skidx_compiled *comp, int compiling);

#endif
