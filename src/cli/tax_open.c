/*
 * tax_open.c - a taxonomy and its compiled form, through the cache
 * (tax_open.h). The cache files are core/tax_cache.h images named by
 * their key; they are written through io/atomic_file (a temporary beside
 * the target, renamed over it), so a concurrent skidx never reads half a
 * file and no file is ever changed in place, and read into memory, where
 * the image's own checks apply: its first two parts at the start, each
 * Hyperscan database of the third when it is first scanned, from the
 * file kept open (core/tax_cache.h, skidx_tcache_load_file).
 *
 * The directory keeps at most CACHE_KEEP images: after one is written,
 * the least recently used others (by mtime, refreshed on a hit at most
 * daily) are removed, and so are temporaries left by a killed writer.
 */
#include "cli/tax_open.h"
#include "cli/out.h"
#include "core/error.h"
#include "core/tax_cache.h"
#include "io/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CACHE_KEEP 8
/* the cache file the taxonomy was loaded from ("" when none) */
static char loaded[SKIDX_ATOMIC_PATH_MAX];
#define CACHE_MAX_BYTES ((size_t)1 << 30)

/* The cache directory into buf, or 0 when there is none to use. */
static int cache_dir(char *buf, size_t cap)
{
    const char *d = getenv("SKIDX_CACHE_DIR");
    int n;
    if (d && *d)
        n = snprintf(buf, cap, "%s", d);
    else if ((d = getenv("XDG_CACHE_HOME")) && *d == '/')
        n = snprintf(buf, cap, "%s/skidx", d);
    else if ((d = getenv("HOME")) && *d)
        n = snprintf(buf, cap, "%s/.cache/skidx", d);
    else
        return 0;
    return n > 0 && (size_t)n < cap;
}

/* mkdir -p, new directories private to the user. */
static int make_dirs(const char *path)
{
    char p[SKIDX_ATOMIC_PATH_MAX];
    const size_t n = strlen(path);
    if (n >= sizeof(p))
        return -1;
    memcpy(p, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        const char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            return -1;
        p[i] = c;
    }
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -1;
}

enum { READ_WHOLE, READ_TAXONOMY, READ_TABLES };

/* A cache image from a regular file, in a buffer aligned for the image
 * loader, or NULL (missing, unreadable, too big): with `first_part` only
 * its first part (its header and taxonomy, core/tax_cache.h), else its
 * first two parts, with the file left open in *fd for the databases; the
 * whole file when the header gives neither length (the loader refuses
 * it then and says why). *part says which was read (*fd is -1 unless it
 * is READ_TABLES). The file is read, not mapped: a file truncated under
 * a mapping would kill the process (SIGBUS), and one rewritten in place
 * would change the tables under the run. */
static unsigned char *read_file(const char *path, int first_part,
                                size_t *len, int *part, int *fdp)
{
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    unsigned char *buf = NULL;
    *len = 0;
    *part = READ_WHOLE;
    *fdp = -1;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        (uint64_t)sb.st_size > CACHE_MAX_BYTES) {
        close(fd);
        return NULL;
    }
    size_t want = (size_t)sb.st_size;
    unsigned char hdr[SKIDX_TCACHE_HEADER];
    size_t n;
    if (want >= sizeof(hdr) &&
        pread(fd, hdr, sizeof(hdr), 0) == (ssize_t)sizeof(hdr) &&
        (n = first_part
                 ? skidx_tcache_taxonomy_bytes(hdr, (uint64_t)sb.st_size)
                 : skidx_tcache_tables_bytes(hdr, (uint64_t)sb.st_size))) {
        want = n;
        *part = first_part ? READ_TAXONOMY : READ_TABLES;
    }
    /* in huge pages, prefaulted: a fault for each 4 KiB page as read()
     * fills it would cost more than the whole load (core/blob.h) */
    if (!(buf = skidx_bigbuf(want ? want : 1))) {
        close(fd);
        return NULL;
    }
    size_t got = 0;
    while (got < want) {
        const ssize_t r = pread(fd, buf + got, want - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    /* an image in use is refreshed for the eviction, at most daily */
    if (got == want && time(NULL) - sb.st_mtime > 86400)
        (void)futimens(fd, NULL);
    if (*part == READ_TABLES)
        *fdp = fd;
    else
        close(fd);
    *len = got;
    return buf;
}

struct entry {
    char name[256];
    time_t mtime;
};

static int entry_older(const void *x, const void *y)
{
    const struct entry *a = x, *b = y;
    return a->mtime < b->mtime ? -1 : a->mtime > b->mtime;
}

/* Keep the CACHE_KEEP newest images (`keep` among them); remove the
 * temporaries older than an hour (a live writer renames within seconds). */
static void prune(const char *dir, const char *keep)
{
    DIR *d = opendir(dir);
    struct entry *e = NULL;
    size_t n = 0, cap = 0;
    char path[SKIDX_ATOMIC_PATH_MAX];
    const time_t now = time(NULL);
    if (!d)
        return;
    for (const struct dirent *de; (de = readdir(d));) {
        const size_t len = strlen(de->d_name);
        const int image = len > 13 && !strncmp(de->d_name, "taxonomy-", 9) &&
                          !strcmp(de->d_name + len - 4, ".skc");
        const int temp = !strncmp(de->d_name, ".skidx-", 7);
        struct stat sb;
        if ((!image && !temp) || len >= sizeof(e->name) ||
            snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
                (int)sizeof(path) ||
            lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        if (temp) {
            if (now - sb.st_mtime > 3600)
                (void)unlink(path);
            continue;
        }
        if (!strcmp(de->d_name, keep))
            continue;
        if (n == cap) {
            struct entry *ne = realloc(e, (cap = cap ? 2 * cap : 16) *
                                              sizeof(*e));
            if (!ne)
                break;
            e = ne;
        }
        memcpy(e[n].name, de->d_name, len + 1);
        e[n++].mtime = sb.st_mtime;
    }
    closedir(d);
    if (n)
        qsort(e, n, sizeof(*e), entry_older);
    for (size_t i = 0; i + (CACHE_KEEP - 1) < n; i++)
        if (snprintf(path, sizeof(path), "%s/%s", dir, e[i].name) <
            (int)sizeof(path))
            (void)unlink(path);
    free(e);
}

/* Write the image; any failure only leaves the cache as it was. */
static void cache_write(const char *dir, const char *name,
                        const unsigned char *buf, size_t len, int verbose)
{
    char path[SKIDX_ATOMIC_PATH_MAX];
    struct skidx_atomic a;
    struct skidx_error err;
    skidx_error_clear(&err);
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
        (int)sizeof(path))
        return;
    if (make_dirs(dir) != 0) {
        if (verbose)
            cli_msg("cache: cannot create '%s': %s", dir, strerror(errno));
        return;
    }
    if (skidx_atomic_open(&a, path, 0, &err)) {
        if (verbose)
            cli_report("cache: cannot write", &err);
        return;
    }
    size_t done = 0;
    while (done < len) {
        const ssize_t w = write(a.fd, buf + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (verbose)
                cli_msg("cache: cannot write '%s': %s", path,
                        w < 0 ? strerror(errno) : "short write");
            skidx_atomic_abort(&a);
            return;
        }
        done += (size_t)w;
    }
    if (skidx_atomic_commit(&a, &err)) {
        if (verbose)
            cli_report("cache: cannot write", &err);
        return;
    }
    if (verbose)
        cli_msg("cache: wrote '%s' (%zu bytes)", path, len);
    prune(dir, name);
}

/* Every Hyperscan database of comp's matchers rebuilt now
 * (skidx_matcher_load_all): SKIDX_ERR_CORRUPT when one does not. */
static skidx_status all_dbs(const struct skidx_compiled *comp)
{
    const struct skidx_matcher *m[4] = {comp->skills, comp->roles,
                                        comp->levels, comp->level_fields};
    for (int i = 0; i < 4; i++)
        if (m[i])
            SKIDX_FORWARD(skidx_matcher_load_all(m[i]));
    return SKIDX_OK;
}

int cli_taxonomy_damaged(const struct skidx_compiled *comp, int compiling)
{
    if (!comp || !comp->skills || !loaded[0] ||
        !(skidx_matcher_damaged(comp->skills) ||
          skidx_matcher_damaged(comp->roles) ||
          skidx_matcher_damaged(comp->levels) ||
          skidx_matcher_damaged(comp->level_fields)))
        return 0;
    const int gone = !unlink(loaded) || errno == ENOENT;
    cli_msg("damaged compiled-taxonomy cache '%s': a Hyperscan database "
            "in it does not load%s",
            loaded,
            !gone       ? ""
            : compiling ? " (removed: the taxonomy is compiled instead)"
                        : " (removed: the next run compiles the taxonomy)");
    if (!gone)
        cli_msg("cannot remove '%s': %s", loaded, strerror(errno));
    return 1;
}

skidx_status cli_taxonomy_open(const char *dir, unsigned flags,
                               struct skidx_taxonomy **tax,
                               struct skidx_compiled **comp,
                               struct skidx_error *err)
{
    struct skidx_taxonomy_files f;
    struct skidx_tcache_key key;
    char cdir[SKIDX_ATOMIC_PATH_MAX], path[SKIDX_ATOMIC_PATH_MAX];
    const char *mode = getenv("SKIDX_CACHE");
    const int verbose = mode && !strcmp(mode, "verbose");
    int use = !(flags & CLI_TAX_NO_CACHE) &&
              !(mode && (!strcmp(mode, "off") || !strcmp(mode, "0")));
    *tax = NULL;
    *comp = NULL;
    skidx_status st = skidx_taxonomy_read(dir, &f, err);
    if (st)
        return st;
    if (use && !cache_dir(cdir, sizeof(cdir))) {
        if (verbose)
            cli_msg("cache: off (no SKIDX_CACHE_DIR, XDG_CACHE_HOME or HOME)");
        use = 0;
    }
    if (use && (skidx_tcache_key(&f, &key) ||
                snprintf(path, sizeof(path), "%s/%s", cdir, key.name) >=
                    (int)sizeof(path))) {
        if (verbose)
            cli_msg("cache: off (no build id or platform to key it by)");
        use = 0;
    }
    if (use) {
        size_t len;
        int part, fd;
        unsigned char *buf = read_file(path, flags & CLI_TAX_NO_MATCHERS,
                                       &len, &part, &fd);
        if (buf) {
            st = part == READ_TABLES
                     ? skidx_tcache_load_file(buf, len, fd, &key, dir, &f, tax,
                                              comp)
                 : part == READ_TAXONOMY
                     ? skidx_tcache_load_taxonomy(buf, len, &key, dir, &f, tax,
                                                  comp)
                     : skidx_tcache_load(buf, len, &key, dir, &f, tax, comp);
            if (!st && (flags & CLI_TAX_ALL_DBS) && part == READ_TABLES &&
                (st = all_dbs(*comp)) != SKIDX_OK) {
                /* fd and buf went to *tax: freed with it */
                skidx_compiled_free(*comp);
                skidx_taxonomy_free(*tax);
                *comp = NULL;
                *tax = NULL;
                if (st == SKIDX_ERR_NOMEM) {
                    skidx_taxonomy_files_release(&f);
                    return skidx_fail(err, st, path, SKIDX_NOLINE,
                                      SKIDX_NOOFF, "out of memory");
                }
                if (unlink(path) && errno != ENOENT && verbose)
                    cli_msg("cache: cannot remove '%s': %s", path,
                            strerror(errno));
                if (verbose)
                    cli_msg("cache: ignored '%s': a Hyperscan database in "
                            "it does not load (removed)",
                            path);
            } else if (!st) {
                if (verbose)
                    cli_msg("cache: loaded '%s'%s", path,
                            part == READ_TAXONOMY
                                ? " (the taxonomy, no matchers)"
                                : "");
                memcpy(loaded, path, sizeof(loaded));
                skidx_taxonomy_files_release(&f);
                return SKIDX_OK;
            } else {
                if (fd >= 0)
                    close(fd);
                free(buf);
                if (verbose)
                    cli_msg("cache: ignored '%s': %s", path,
                            skidx_strerror(st));
            }
        } else if (verbose) {
            cli_msg("cache: no '%s'", path);
        }
    }
    st = skidx_taxonomy_parse_files(dir, &f, tax, err);
    if (!st)
        st = skidx_compiled_create(*tax, comp, err);
    if (st) {
        skidx_taxonomy_files_release(&f);
        skidx_taxonomy_free(*tax);
        *tax = NULL;
        return st;
    }
    unsigned char *img;
    size_t len;
    if (use && !(st = skidx_tcache_save(*comp, &key, &f, &img, &len))) {
        cache_write(cdir, key.name, img, len, verbose);
        free(img);
    } else if (use && verbose) {
        cli_msg("cache: not written: %s", skidx_strerror(st));
    }
    skidx_taxonomy_files_release(&f);
    return SKIDX_OK;
}
