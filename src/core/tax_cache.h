/*
 * tax_cache.h - the compiled-taxonomy cache image: a taxonomy and its four
 * matchers (skills, roles, levels, level fields) as one blob that loads in
 * about a millisecond instead of being parsed and compiled (most of a
 * second for the default taxonomy, nearly all of it in Hyperscan).
 *
 * This module only turns a compiled taxonomy into bytes and back; where
 * the bytes are kept is the caller's business (the CLI keeps them in a
 * cache directory, docs/FORMAT.md "The compiled-taxonomy cache").
 *
 * The key: a 128-bit digest of everything the compiled form depends on:
 * the image format version, skidx's version and the build id of the
 * running code (its GNU build-id note), the Hyperscan version, the
 * Hyperscan platform (tuning and CPU features), and the exact bytes of
 * skills.tsv, roles.tsv and sections.tsv (which determine the taxonomy
 * hash). An image whose key, lengths, checksums (XXH3-64: one over the
 * header and the taxonomy, one over the matchers' tables) or contents
 * disagree is refused with SKIDX_ERR_CORRUPT; each of the matchers'
 * Hyperscan databases (the image's third part) has a checksum of its
 * own, in the tables, checked when the database is first read. Before
 * an image is handed out to be written, it is loaded back and the
 * taxonomy hash computed again from what was loaded must equal the one
 * it was made from (this proves the serializer and the loader agree);
 * a later load of the same bytes (the key and the checksum prove they
 * are the same, for the same files and build) gives the same taxonomy,
 * so it takes the stored hash without computing it again. A refused
 * image never changes a result: the caller compiles from the files
 * instead. The proof also rebuilds every Hyperscan database; a load
 * reads, checks and rebuilds each only when it is first scanned
 * (core/match.h), so one that is damaged or does not rebuild then (a
 * file damaged or changed after it was written, or forged after its
 * checksum) fails that scan with SKIDX_ERR_HYPERSCAN and
 * skidx_matcher_damaged() is set: the caller names the cache file.
 *
 * Thread-safety: every function is reentrant; images are independent.
 */
#ifndef SKIDX_CORE_TAX_CACHE_H
#define SKIDX_CORE_TAX_CACHE_H

#include "core/blob.h"
#include "core/posting.h"
#include "core/taxonomy.h"
#include "skidx.h"

#include <stddef.h>
#include <stdint.h>

/* Image format version: bump on any change to the layout. */
#define SKIDX_TCACHE_VERSION 6u
/* Size of the image header. */
#define SKIDX_TCACHE_HEADER 128u

struct skidx_tcache_key {
    uint8_t digest[16];
    char name[48]; /* "taxonomy-<32 hex digits>.skc": the cache file name */
};

/* Compute the key of the taxonomy whose files are `f` for this build on
 * this machine. Errors: SKIDX_ERR_USAGE when no build id can be found
 * (then there is no safe key, and no cache), SKIDX_ERR_HYPERSCAN when the
 * platform cannot be queried. */
skidx_status skidx_tcache_key(const struct skidx_taxonomy_files *f,
                              struct skidx_tcache_key *key);

/* The image of compiled taxonomy `c` (with c->tax) under `key`, made
 * from files `f` (the ones the key was computed from), in a malloc'd
 * buffer the caller frees: *buf, *len. The image is proven first (see
 * above: loaded back, the taxonomy hash computed again). Errors:
 * SKIDX_ERR_NOMEM, SKIDX_ERR_CORRUPT when the proof fails (a bug: no
 * image is returned, so none is written). */
skidx_status skidx_tcache_save(const struct skidx_compiled *c,
                               const struct skidx_tcache_key *key,
                               const struct skidx_taxonomy_files *f,
                               unsigned char **buf, size_t *len);

/* struct skidx_tcache_image, what a taxonomy loaded from an image owns,
 * is in core/blob.h (so that taxonomy.c can free it alone). */

/* Rebuild the taxonomy and its compiled form from image buf[0..len),
 * which must carry `key`; buf is malloc'd (posix_memalign) and aligned to
 * SKIDX_BLOB_ALIGN. `dir` and `f` are the directory and files the key
 * came from (the paths in messages, and the section rules, which are
 * parsed from f: they cost next to nothing to parse). On success buf
 * belongs to *tax, and *tax and *comp are the caller's (free comp, then
 * tax); on failure buf stays the caller's and nothing is returned.
 * Errors: SKIDX_ERR_CORRUPT (not an image, another key, truncated,
 * checksum or contents wrong), SKIDX_ERR_VERSION (another image version),
 * SKIDX_ERR_USAGE (buf not aligned), SKIDX_ERR_NOMEM. Never reads
 * outside buf. */
skidx_status skidx_tcache_load(unsigned char *buf, size_t len,
                               const struct skidx_tcache_key *key,
                               const char *dir,
                               const struct skidx_taxonomy_files *f,
                               struct skidx_taxonomy **tax,
                               struct skidx_compiled **comp);

/* As skidx_tcache_load, from the image's first two parts in buf[0..len)
 * (len: skidx_tcache_tables_bytes) and its file, open as fd for reading:
 * the third part, the Hyperscan databases, stays in the file, and each
 * database is read from it (pread), checked against its checksum and
 * rebuilt when it is first scanned (core/match.h). The file's length
 * must be the image's. On success fd belongs to *tax (closed when it is
 * freed); on failure it stays the caller's. The file is never mapped: a
 * file truncated or rewritten after the load makes a database that is
 * then read fail its scans (skidx_matcher_damaged), never the process.
 * Errors: as skidx_tcache_load; SKIDX_ERR_USAGE when fd < 0.
 *
 * skidx_tcache_tables_bytes: from the first SKIDX_TCACHE_HEADER bytes of
 * an image whose file is `file_len` bytes long, how many bytes from its
 * start make its first two parts; 0 as for skidx_tcache_taxonomy_bytes. */
skidx_status skidx_tcache_load_file(unsigned char *buf, size_t len, int fd,
                                    const struct skidx_tcache_key *key,
                                    const char *dir,
                                    const struct skidx_taxonomy_files *f,
                                    struct skidx_taxonomy **tax,
                                    struct skidx_compiled **comp);
size_t skidx_tcache_tables_bytes(const unsigned char *header,
                                 uint64_t file_len);

/* The image's first part: its header and the taxonomy, without the
 * matchers. The first two parts have a checksum each, so that a
 * run that scans no text (`skidx index` of empty shards) reads and checks
 * some 1.1 MB of the default taxonomy's 15 MB and nothing else.
 *
 * skidx_tcache_taxonomy_bytes: from the first SKIDX_TCACHE_HEADER bytes of
 * an image whose file is `file_len` bytes long, how many bytes from its
 * start make the first part; 0 when the header is not one of this
 * version or its lengths disagree with file_len (read the whole file
 * then: skidx_tcache_load refuses it and says why).
 *
 * skidx_tcache_load_taxonomy: as skidx_tcache_load, from buf[0..len), the
 * first part alone (len must be the value above): *tax is the whole
 * taxonomy but for its section rules (none are parsed), and *comp has
 * tax and no matchers (skills, roles, levels and level_fields NULL),
 * which only a run that scans no text may take (build/indexer.h). The
 * first part's checks are the whole load's; the matchers' bytes are
 * neither read nor checked, so whatever they hold cannot change it. */
size_t skidx_tcache_taxonomy_bytes(const unsigned char *header,
                                   uint64_t file_len);
skidx_status skidx_tcache_load_taxonomy(unsigned char *buf, size_t len,
                                        const struct skidx_tcache_key *key,
                                        const char *dir,
                                        const struct skidx_taxonomy_files *f,
                                        struct skidx_taxonomy **tax,
                                        struct skidx_compiled **comp);

#endif
