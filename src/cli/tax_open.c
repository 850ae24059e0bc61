/*
 * tax_open.c - a taxonomy and its compiled form, through the cache
 * (tax_open.h). The cache files are core/tax_cache.h images named by
 * their key; they are written through io/atomic_file (a temporary beside
 * the target, renamed over it), so a concurrent skidx never reads half a
 * file, and never rewritten in place. A short run maps the file it loads
 * (CLI_TAX_MAP), a long one reads it into memory; the image's own checks
 * apply to either before anything is used.
 *
 * The directory keeps at most CACHE_KEEP images: after one is written,
 * the least recently used others (by mtime, refreshed on a hit at most
 * daily) are removed, and so are temporaries left by a killed writer.
 */
#include "cli/tax_open.h"
#include "cli/out.h"
#include "core/tax_cache.h"
#include "io/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* A cache image mapped read-only, for a SIGBUS while it is in use: the
 * range and the message, built before the handler is installed and
 * written with write(2) alone. */
static uintptr_t bus_lo, bus_hi;
static char bus_msg[SKIDX_ATOMIC_PATH_MAX + 160];
static size_t bus_len;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
    const uintptr_t a = (uintptr_t)si->si_addr;
    (void)uc;
    if (a >= bus_lo && a < bus_hi) {
        if (write(STDERR_FILENO, bus_msg, bus_len) < 0) {
            /* nothing left to tell */
        }
        _exit(EXIT_DATA);
    }
    /* not the image's: the default action, as if no handler were here */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Turn a SIGBUS in [p, p + n), the mapped image of `path`, into a
 * message and exit 1 (the file was cut short under the run). */
static void catch_sigbus(const char *path, const void *p, size_t n)
{
    const int k = snprintf(bus_msg, sizeof(bus_msg),
                           "skidx: compiled-taxonomy cache '%s' was cut "
                           "short while in use; is another process "
                           "writing it?\n",
                           path);
    bus_len = k < 0 ? 0 : (size_t)k < sizeof(bus_msg) ? (size_t)k
                                                       : sizeof(bus_msg) - 1;
    bus_lo = (uintptr_t)p;
    bus_hi = bus_lo + n;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

/* An image as read: buf[0..len), the whole file or its first part
 * (whole); map_len 0 when buf is a malloc'd copy, else buf is a
 * read-only mapping of map_len bytes. */
struct image {
    unsigned char *buf;
    size_t len, map_len;
    int whole;
};

/* The whole of a regular file, or with `first_part` only the image's
 * first part (its header and taxonomy, core/tax_cache.h) when the header
 * gives its length, into *im; 0, or -1 (missing, unreadable, too big).
 *
 * With `map` (a short run), the file is mapped read-only, its pages
 * mapped at once (MAP_POPULATE): they are in the page cache since the run
 * that wrote the file, so this costs neither the kernel's clearing of
 * fresh pages nor a copy. Reading the 11 MB image of the default taxonomy
 * into prefaulted huge pages took 1.8-2.5 ms of a 9-13 ms `skidx match`
 * on the 2-vCPU VM, mapping it 0.4 ms; its checksum then reads 4 KiB
 * pages rather than huge ones (0.4 -> 1.0 ms). skidx never writes a cache
 * file in place (a new one is renamed over it), and removing it leaves a
 * mapping whole; another process cutting it short under a run would
 * raise SIGBUS, which ends the run with a message (catch_sigbus), and one
 * rewriting it in place could change the tables after their checks: the
 * README says the directory is skidx's. Without `map`, or when the
 * kernel refuses the mapping, the file is read into memory. */
static int read_file(const char *path, int first_part, int map,
                     struct image *im)
{
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    unsigned char *buf = NULL;
    size_t *len = &im->len;
    memset(im, 0, sizeof(*im));
    im->whole = 1;
    if (fd < 0)
        return -1;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        (uint64_t)sb.st_size > CACHE_MAX_BYTES) {
        close(fd);
        return -1;
    }
    size_t want = (size_t)sb.st_size;
    unsigned char hdr[SKIDX_TCACHE_HEADER];
    size_t part;
    if (first_part && want >= sizeof(hdr) &&
        pread(fd, hdr, sizeof(hdr), 0) == (ssize_t)sizeof(hdr) &&
        (part = skidx_tcache_taxonomy_bytes(hdr, (uint64_t)sb.st_size))) {
        want = part;
        im->whole = 0;
    }
    if (want && map) {
        void *m = mmap(NULL, want, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
                       fd, 0);
        if (m != MAP_FAILED) {
            if (time(NULL) - sb.st_mtime > 86400)
                (void)futimens(fd, NULL);
            close(fd);
            catch_sigbus(path, m, want);
            im->buf = m;
            im->len = im->map_len = want;
            return 0;
        }
    }
    /* in huge pages, prefaulted: a fault for each 4 KiB page as read()
     * fills it would cost more than the whole load (core/blob.h) */
    if (!(buf = skidx_bigbuf(want ? want : 1))) {
        close(fd);
        return -1;
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
    close(fd);
    *len = got;
    im->buf = buf;
    return 0;
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

int cli_taxonomy_damaged(const struct skidx_compiled *comp)
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
            loaded, gone ? " (removed: the next run compiles the taxonomy)"
                         : "");
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
        struct image im;
        /* SKIDX_CACHE=read: never map (to compare the two ways) */
        const int map =
            (flags & CLI_TAX_MAP) && !(mode && !strcmp(mode, "read"));
        const int got =
            read_file(path, flags & CLI_TAX_NO_MATCHERS, map, &im);
        if (!got) {
            const int whole = im.whole;
            if (im.map_len)
                st = skidx_tcache_load_mapped(im.buf, im.len, im.map_len,
                                              !whole, &key, dir, &f, tax,
                                              comp);
            else if (whole)
                st = skidx_tcache_load(im.buf, im.len, &key, dir, &f, tax,
                                       comp);
            else
                st = skidx_tcache_load_taxonomy(im.buf, im.len, &key, dir,
                                                &f, tax, comp);
            if (!st) {
                if (verbose)
                    cli_msg("cache: loaded '%s'%s%s", path,
                            whole ? "" : " (the taxonomy, no matchers)",
                            im.map_len ? ", mapped" : "");
                memcpy(loaded, path, sizeof(loaded));
                skidx_taxonomy_files_release(&f);
                return SKIDX_OK;
            }
            if (im.map_len) {
                bus_lo = bus_hi = 0;
                munmap(im.buf, im.map_len);
            } else {
                free(im.buf);
            }
            if (verbose)
                cli_msg("cache: ignored '%s': %s", path, skidx_strerror(st));
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
