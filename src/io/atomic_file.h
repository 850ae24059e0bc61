/*
 * atomic_file.h - replace an output file or directory only by a complete
 * one: write a temporary beside the target, fsync, rename over it, fsync
 * the directory. Used by the index writer and by the CLI's report and
 * export outputs.
 *
 * Invariants:
 * - The temporary is named ".skidx-XXXXXX" in the target's directory: 13
 *   bytes, so any target name up to NAME_MAX works.
 * - A new output is created with mode 0666 (0777 for a directory) less the
 *   process umask, as open(2) and mkdir(2) apply it; a replaced output
 *   keeps the mode of the file or directory it replaces.
 * - Only a regular file (a directory for the directory form) is replaced;
 *   a device, FIFO, socket or other existing node is refused with
 *   SKIDX_ERR_USAGE before anything is created.
 * - At most one temporary is live in the process at a time; its paths are
 *   published so that a signal handler can remove them
 *   (skidx_atomic_remove_live(), async-signal-safe).
 */
#ifndef SKIDX_IO_ATOMIC_FILE_H
#define SKIDX_IO_ATOMIC_FILE_H

#include "skidx.h"

#include <sys/types.h>

#define SKIDX_ATOMIC_PATH_MAX 4096
/* files a temporary directory may hold (the tables of an export) */
#define SKIDX_ATOMIC_DIR_FILES 16

struct skidx_atomic {
    char path[SKIDX_ATOMIC_PATH_MAX]; /* the target */
    char tmp[SKIDX_ATOMIC_PATH_MAX];  /* the temporary file or directory */
    int fd;                           /* the temporary file; -1 once closed */
    int is_dir;
    int replaces;                     /* the target exists */
    int live;
};

/* Create the temporary for `path`: a file (is_dir = 0; a->fd is open for
 * writing) or an empty directory (is_dir = 1; fill it with
 * skidx_atomic_dir_create()). Errors: SKIDX_ERR_USAGE when the target
 * exists and is not a regular file (not a directory for is_dir), or its
 * path is too long; SKIDX_ERR_IO with errno text otherwise (for instance
 * when the target's directory does not exist). */
skidx_status skidx_atomic_open(struct skidx_atomic *a, const char *path,
                               int is_dir, struct skidx_error *err);

/* Create the file `name` inside the temporary directory and return its
 * open descriptor (the caller closes it before the commit), or -1 with
 * errno set. At most SKIDX_ATOMIC_DIR_FILES files. */
int skidx_atomic_dir_create(struct skidx_atomic *a, const char *name);

/* Make the temporary the target: fsync and close the file (when a->fd is
 * still open; a caller that wrote through stdio closes it itself after
 * fflush and fsync and sets a->fd = -1), rename it over the target, fsync
 * the directory. An existing directory target is swapped with the new one
 * atomically (renameat2 RENAME_EXCHANGE) and the old one removed; it must
 * hold only regular files. On error the temporary is removed and the
 * target left as it was. Errors: SKIDX_ERR_IO. */
skidx_status skidx_atomic_commit(struct skidx_atomic *a,
                                 struct skidx_error *err);

/* Close and remove the temporary, if any. The target is untouched. */
void skidx_atomic_abort(struct skidx_atomic *a);

/* Remove the live temporary (file, or directory and the files created in
 * it), if any; returns 1 if there was one. Async-signal-safe: for a
 * SIGINT/SIGTERM handler that then _exit()s. */
int skidx_atomic_remove_live(void);

/* "a directory", "a FIFO", "a character device", ... for messages about
 * a path of that file type. A static string. */
const char *skidx_file_kind_name(mode_t m);

#endif
