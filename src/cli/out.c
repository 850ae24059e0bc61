/*
 * out.c - messages and the table / CSV / JSON printers of the CLI.
 */
#include "cli/out.h"
#include "io/atomic_file.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_msg(const char *fmt, ...)
{
    va_list ap;
    fputs("skidx: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_report(const char *what, const struct skidx_error *e)
{
    fputs("skidx: ", stderr);
    if (what && *what)
        fprintf(stderr, "%s: ", what);
    if (e->path[0]) {
        fprintf(stderr, "'%s'", e->path);
        if (e->line != UINT64_MAX)
            fprintf(stderr, ":%llu", (unsigned long long)e->line);
        if (e->offset != UINT64_MAX && e->line == UINT64_MAX)
            fprintf(stderr, " at byte %llu", (unsigned long long)e->offset);
        fputs(": ", stderr);
    }
    fputs(e->msg[0] ? e->msg : skidx_strerror(e->status), stderr);
    fputc('\n', stderr);
}

void cli_report_st(const char *what, skidx_status st,
                   const struct skidx_error *e)
{
    struct skidx_error x = *e;
    if (st != SKIDX_OK && x.status != st) {
        /* err was not filled by this failure: its text would be stale */
        x.status = st;
        x.msg[0] = '\0';
    }
    cli_report(what, &x);
}

/* ---- numbers ---- */

static int digits(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        const unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -2;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int bad_number(const char *opt, const char *s, uint64_t min,
                      uint64_t max, const char *unit)
{
    cli_msg("invalid %s '%s': give a whole number from %llu to %llu%s", opt,
            s, (unsigned long long)min, (unsigned long long)max, unit);
    return -1;
}

int cli_parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max,
                  uint64_t *out)
{
    uint64_t v;
    if (digits(s, &v) || v < min || v > max)
        return bad_number(opt, s, min, max, "");
    *out = v;
    return 0;
}

int cli_parse_size(const char *opt, const char *s, uint64_t min, uint64_t max,
                   size_t *out)
{
    char num[32];
    size_t n = strlen(s);
    uint64_t mul = 1, v;
    if (n && strchr("kKmMgG", s[n - 1])) {
        const char u = s[n - 1];
        mul = u == 'k' || u == 'K' ? 1ull << 10
              : u == 'm' || u == 'M' ? 1ull << 20
                                     : 1ull << 30;
        n--;
    }
    if (n >= sizeof(num) || digits((memcpy(num, s, n), num[n] = '\0', num),
                                   &v) ||
        v > max / mul || v * mul < min || v * mul > SIZE_MAX)
        return bad_number(opt, s, min, max, " bytes (K, M, G allowed)");
    *out = (size_t)(v * mul);
    return 0;
}

int cli_check_list(const char *opt, const char *s)
{
    const char *p = s;
    for (;;) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *q = p;
        while (q < end && *q == ' ')
            q++;
        if (q == end) {
            cli_msg(*s ? "invalid %s '%s': an empty name in the list"
                       : "invalid %s '%s': the list is empty",
                    opt, s);
            return -1;
        }
        if (!*end)
            return 0;
        p = end + 1;
    }
}

/* ---- outputs ---- */

int cli_check_output(const char *out, int is_dir, const char *const *inputs,
                     size_t n_inputs)
{
    struct stat so, si;
    const int exists = !stat(out, &so);
    if (!*out) {
        cli_msg("empty output path");
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < n_inputs; i++) {
        if (strcmp(out, inputs[i]) &&
            !(exists && !stat(inputs[i], &si) && si.st_dev == so.st_dev &&
              si.st_ino == so.st_ino))
            continue;
        cli_msg("refusing to write '%s': it is also an input ('%s')", out,
                inputs[i]);
        return EXIT_USAGE;
    }
    if (exists && (is_dir ? !S_ISDIR(so.st_mode) : !S_ISREG(so.st_mode))) {
        cli_msg("refusing to write '%s': it is %s, and only a %s is "
                "replaced",
                out, skidx_file_kind_name(so.st_mode),
                is_dir ? "directory" : "regular file");
        return EXIT_USAGE;
    }
    if (!exists) {
        /* the directory the temporary goes into must exist */
        const char *slash = strrchr(out, '/');
        if (slash) {
            char dir[4096];
            const size_t n = slash == out ? 1 : (size_t)(slash - out);
            if (n < sizeof(dir)) {
                memcpy(dir, out, n);
                dir[n] = '\0';
                const int bad = stat(dir, &si);
                if (bad || !S_ISDIR(si.st_mode)) {
                    const int missing = bad && errno == ENOENT;
                    cli_msg("cannot write '%s': '%s' %s (no parent "
                            "directory is created)",
                            out, dir,
                            missing ? "does not exist" : "is not a directory");
                    return EXIT_USAGE;
                }
            }
        }
    }
    return EXIT_OK;
}

FILE *cli_out_open(struct skidx_atomic *a, const char *path)
{
    struct skidx_error err;
    skidx_error_clear(&err);
    skidx_status st = skidx_atomic_open(a, path, 0, &err);
    if (st) {
        cli_report_st("cannot write", st, &err);
        return NULL;
    }
    FILE *f = fdopen(a->fd, "w");
    if (!f) {
        cli_msg("cannot write '%s': %s", path, strerror(errno));
        skidx_atomic_abort(a);
    }
    return f;
}

int cli_out_commit(struct skidx_atomic *a, FILE *f)
{
    int e = 0;
    if (fflush(f))
        e = errno;
    if (ferror(f) && !e)
        e = EIO;
    if (!e && fsync(fileno(f)))
        e = errno;
    if (fclose(f) && !e)
        e = errno;
    a->fd = -1; /* closed with f */
    if (e) {
        skidx_atomic_abort(a);
        cli_msg("cannot write '%s': %s (the old output, if any, is left "
                "as it was)",
                a->path, strerror(e));
        return -1;
    }
    struct skidx_error err;
    skidx_error_clear(&err);
    skidx_status st = skidx_atomic_commit(a, &err);
    if (st) {
        cli_report_st(NULL, st, &err);
        return -1;
    }
    return 0;
}

void cli_out_abort(struct skidx_atomic *a, FILE *f)
{
    if (f) {
        fclose(f);
        a->fd = -1;
    }
    skidx_atomic_abort(a);
}

volatile sig_atomic_t skidx_stop_requested;
static volatile sig_atomic_t graceful_stop;
static const char *volatile signal_msg;

static void on_signal(int sig)
{
    (void)sig;
    if (skidx_atomic_remove_live() || !graceful_stop) {
        const char *m = signal_msg;
        if (m && write(STDERR_FILENO, m, strlen(m)) < 0) {
            /* nothing to do: exiting anyway */
        }
        _exit(EXIT_INTERRUPTED);
    }
    skidx_stop_requested = 1;
}

void cli_install_signals(int graceful, const char *msg)
{
    struct sigaction sa;
    graceful_stop = graceful;
    signal_msg = msg;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_close_stdout(int rc)
{
    int e = 0;
    if (fflush(stdout))
        e = errno;
    if (ferror(stdout) && !e) {
        /* a write failed before this flush (a text longer than the
         * buffer written at once, as a long --help), and stdio kept no
         * errno: a write of no bytes asks the file again (a full device
         * and a closed descriptor answer, a regular file or a pipe says
         * nothing: then no cause is named) */
        e = write(STDOUT_FILENO, "", 0) < 0 ? errno : -1;
    }
    if (fclose(stdout) && !e)
        e = errno;
    if (!e)
        return rc;
    if (e < 0)
        cli_msg("write error on standard output: a write failed");
    else
        cli_msg("write error on standard output: %s", strerror(e));
    return rc == EXIT_OK ? EXIT_DATA : rc;
}

const char *fmt_grouped(uint64_t v, char *buf, size_t n)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}
