/*
 * atomic_file.c - temporary beside the target, fsync, rename (see
 * atomic_file.h).
 *
 * The live temporary's paths sit in static buffers that a signal handler
 * reads. SIGINT and SIGTERM are held while they are published or
 * unpublished and while the temporary is renamed, so a handler always sees
 * the truth: a published path exists exactly when it may remove it.
 */
#define _GNU_SOURCE
#include "io/atomic_file.h"
#include "core/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char live_tmp[SKIDX_ATOMIC_PATH_MAX];
static char live_files[SKIDX_ATOMIC_DIR_FILES][SKIDX_ATOMIC_PATH_MAX];
static volatile sig_atomic_t live_kind; /* 0 none, 1 file, 2 directory */
static volatile sig_atomic_t live_n_files;

int skidx_atomic_remove_live(void)
{
    if (live_kind == 1) {
        unlink(live_tmp);
        return 1;
    }
    if (live_kind == 2) {
        for (int i = 0; i < live_n_files; i++)
            unlink(live_files[i]);
        rmdir(live_tmp);
        return 1;
    }
    return 0;
}

static void hold_signals(sigset_t *old)
{
    sigset_t hold;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigprocmask(SIG_BLOCK, &hold, old);
}

/* Replace the last 6 bytes of `s` ("XXXXXX") by a fresh name. */
static void fill_name(char *s)
{
    static const char abc[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    static uint64_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t v = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull ^
                 (uint64_t)getpid() << 32 ^ ++counter * 0xC2B2AE3D27D4EB4Full;
    char *p = s + strlen(s) - 6;
    for (int i = 0; i < 6; i++, v /= 62)
        p[i] = abc[v % 62];
}

/* dir = the directory part of path with a final '/', or "" */
static size_t dir_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) + 1 : 0;
}

/* Build "<dir of path>.skidx-XXXXXX" into out. */
static int tmp_name(char *out, const char *path)
{
    size_t d = dir_len(path);
    if (d + 14 > SKIDX_ATOMIC_PATH_MAX)
        return -1;
    memcpy(out, path, d);
    memcpy(out + d, ".skidx-XXXXXX", 14);
    fill_name(out);
    return 0;
}

const char *skidx_file_kind_name(mode_t m)
{
    return S_ISDIR(m)    ? "a directory"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISSOCK(m) ? "a socket"
           : S_ISREG(m)  ? "a regular file"
                         : "not a regular file";
}

/* A directory target may hold only regular files (they are removed with
 * it when it is replaced). */
static int only_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int ok = 1;
    struct dirent *e;
    int dfd = dirfd(d);
    while (ok && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat st;
        ok = !fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
             S_ISREG(st.st_mode);
    }
    closedir(d);
    return ok ? 0 : -1;
}

skidx_status skidx_atomic_open(struct skidx_atomic *a, const char *path,
                               int is_dir, struct skidx_error *err)
{
    memset(a, 0, sizeof(*a));
    a->fd = -1;
    a->is_dir = is_dir;
    size_t n = strlen(path);
    if (!n || n >= sizeof(a->path))
        return skidx_fail(err, SKIDX_ERR_USAGE, path, SKIDX_NOLINE,
                          SKIDX_NOOFF, n ? "output path too long"
                                         : "empty output path");
    memcpy(a->path, path, n + 1);
    struct stat st;
    mode_t keep = 0;
    if (!stat(path, &st)) {
        if (is_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
            return skidx_fail(err, SKIDX_ERR_USAGE, path, SKIDX_NOLINE,
                              SKIDX_NOOFF,
                              "is %s: only a %s is replaced",
                              skidx_file_kind_name(st.st_mode),
                              is_dir ? "directory" : "regular file");
        if (is_dir && only_files(path))
            return skidx_fail(err, SKIDX_ERR_USAGE, path, SKIDX_NOLINE,
                              SKIDX_NOOFF,
                              "the directory holds other than regular "
                              "files: not replaced");
        a->replaces = 1;
        keep = st.st_mode & 07777;
    } else if (errno != ENOENT) {
        int e = errno;
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "cannot check the output: %s", strerror(e));
    }
    sigset_t old;
    int e = 0;
    for (int tries = 0; tries < 100; tries++) {
        if (tmp_name(a->tmp, path))
            return skidx_fail(err, SKIDX_ERR_USAGE, path, SKIDX_NOLINE,
                              SKIDX_NOOFF, "output path too long");
        hold_signals(&old);
        int r;
        if (is_dir)
            r = mkdir(a->tmp, 0777);
        else
            r = a->fd = open(a->tmp,
                             O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        e = r < 0 ? errno : 0;
        if (r >= 0) {
            memcpy(live_tmp, a->tmp, sizeof(live_tmp));
            live_n_files = 0;
            live_kind = is_dir ? 2 : 1;
            a->live = 1;
        }
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (r >= 0 || e != EEXIST)
            break;
    }
    if (!a->live)
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "cannot create a temporary %s beside it: %s",
                          is_dir ? "directory" : "file", strerror(e));
    /* a replaced output keeps its mode; a new one has the umask's */
    if (a->replaces &&
        (is_dir ? chmod(a->tmp, keep) : fchmod(a->fd, keep))) {
        e = errno;
        skidx_atomic_abort(a);
        return skidx_fail(err, SKIDX_ERR_IO, path, SKIDX_NOLINE, SKIDX_NOOFF,
                          "cannot set the mode of the temporary: %s",
                          strerror(e));
    }
    return SKIDX_OK;
}

int skidx_atomic_dir_create(struct skidx_atomic *a, const char *name)
{
    if (!a->live || !a->is_dir || live_n_files >= SKIDX_ATOMIC_DIR_FILES) {
        errno = EINVAL;
        return -1;
    }
    char *slot = live_files[live_n_files];
    if ((size_t)snprintf(slot, SKIDX_ATOMIC_PATH_MAX, "%s/%s", a->tmp,
                         name) >= SKIDX_ATOMIC_PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    /* published before it exists: unlinking a missing file is harmless */
    live_n_files++;
    return open(slot, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
}

static void unpublish(struct skidx_atomic *a)
{
    live_kind = 0;
    live_n_files = 0;
    a->live = 0;
}

void skidx_atomic_abort(struct skidx_atomic *a)
{
    if (a->fd >= 0)
        close(a->fd);
    a->fd = -1;
    if (!a->live)
        return;
    sigset_t old;
    hold_signals(&old);
    skidx_atomic_remove_live();
    unpublish(a);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Remove a directory of regular files. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(dir);
}

static void sync_dir(const char *path)
{
    char dir[SKIDX_ATOMIC_PATH_MAX];
    size_t d = dir_len(path);
    if (d)
        memcpy(dir, path, d);
    else
        dir[d++] = '.';
    dir[d] = '\0';
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

/* fsync every file of the temporary directory and the directory itself */
static int sync_tmp_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return errno;
    int e = 0;
    for (int i = 0; i < live_n_files && !e; i++) {
        int fd = open(live_files[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue; /* never created */
        if (fsync(fd))
            e = errno;
        close(fd);
    }
    if (!e && fsync(dfd))
        e = errno;
    close(dfd);
    return e;
}

skidx_status skidx_atomic_commit(struct skidx_atomic *a,
                                 struct skidx_error *err)
{
    int e = 0;
    if (a->fd >= 0) {
        if (fsync(a->fd))
            e = errno;
        if (close(a->fd) && !e)
            e = errno;
        a->fd = -1;
    }
    if (!e && a->is_dir)
        e = sync_tmp_dir(a->tmp);
    char old[SKIDX_ATOMIC_PATH_MAX] = "";
    sigset_t mask;
    hold_signals(&mask);
    if (!e && a->is_dir && a->replaces) {
        /* swap the new directory in; the old one is then at a->tmp */
        if (renameat2(AT_FDCWD, a->tmp, AT_FDCWD, a->path,
                      RENAME_EXCHANGE) == 0) {
            memcpy(old, a->tmp, sizeof(old));
        } else if (errno == EINVAL || errno == ENOSYS) {
            /* no exchange on this filesystem: move the old one aside */
            if (tmp_name(old, a->path) || rename(a->path, old))
                e = errno ? errno : ENAMETOOLONG;
            else if (rename(a->tmp, a->path)) {
                e = errno;
                rename(old, a->path);
                old[0] = '\0';
            }
        } else
            e = errno;
    } else if (!e && rename(a->tmp, a->path))
        e = errno;
    if (e)
        skidx_atomic_remove_live();
    unpublish(a);
    sigprocmask(SIG_SETMASK, &mask, NULL);
    if (e)
        return skidx_fail(err, SKIDX_ERR_IO, a->path, SKIDX_NOLINE,
                          SKIDX_NOOFF, "cannot write: %s", strerror(e));
    if (old[0])
        remove_dir(old);
    sync_dir(a->path);
    return SKIDX_OK;
}
