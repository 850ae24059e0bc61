/*
 * main.c - the skidx command: subcommand dispatch, usage, exit codes.
 *
 * Exit codes: 0 success, 1 data errors (some input lost, a check failed,
 * a write error on standard output), 2 usage errors, 130 interrupted.
 */
#include "cli/cmds.h"
#include "cli/out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


static const char usage_text[] =
    "usage: skidx <command> [options]\n"
    "\n"
    "Build a compact index of skill demand from job postings, and ask it\n"
    "questions.\n"
    "\n"
    "commands:\n"
    "  index CORPUS... -o OUT.skidx   index shards (JSON Lines, CSV, TSV; plain, zstd, gzip)\n"
    "  query IDX [--role R] [--seniority S] [--top N]\n"
    "  query IDX --skill A,B [--by role,seniority]\n"
    "                                 skill shares of slices of the index\n"
    "  query IDX --salary | --premium | --trend | --growth\n"
    "                                 salaries, skill premiums, trends, growth\n"
    "  report IDX [--format md|html] [-o FILE]\n"
    "                                 the whole skill-demand report\n"
    "  export IDX [--format csv|json] [-o DIR|FILE]\n"
    "                                 every table of the index, tidy\n"
    "  info IDX                       metadata and corpus statistics\n"
    "  info --taxonomy DIR            taxonomy statistics and compile cost\n"
    "  taxonomy lint [DIR]            likely mistakes in a taxonomy\n"
    "  verify IDX...                  check every checksum and structure\n"
    "  match [FILE...]                show which aliases a posting matches\n"
    "  merge A.skidx B.skidx... -o OUT.skidx\n"
    "                                 add indexes built with one taxonomy\n"
    "\n"
    "Run 'skidx <command> --help' for a command's options.\n"
    "Exit codes: 0 success, 1 data errors (input lost or check failed),\n"
    "2 usage errors, 130 interrupted.\n";

static int usage(FILE *out, int code)
{
    fputs(usage_text, out);
    return code;
}

/* A closed standard descriptor would be taken by the next file opened
 * (an index's temporary as descriptor 1, written to by printf). Hold them
 * with /dev/null: read-only for 0 and 1, so that output to a closed
 * standard output still fails and is reported. */
static void hold_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int n = open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY);
            if (n >= 0 && n != fd) {
                dup2(n, fd);
                close(n);
            }
        }
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr, EXIT_USAGE);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
        return usage(stdout, EXIT_OK);
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("skidx %s (index format %u)\n", SKIDX_VERSION_STRING,
               SKIDX_FORMAT_VERSION);
        return EXIT_OK;
    }
    argc--;
    argv++;
    if (!strcmp(cmd, "index"))
        return cmd_index(argc, argv);
    if (!strcmp(cmd, "query"))
        return cmd_query(argc, argv);
    if (!strcmp(cmd, "info"))
        return cmd_info(argc, argv);
    if (!strcmp(cmd, "verify"))
        return cmd_verify(argc, argv);
    if (!strcmp(cmd, "match"))
        return cmd_match(argc, argv);
    if (!strcmp(cmd, "merge"))
        return cmd_merge(argc, argv);
    if (!strcmp(cmd, "report"))
        return cmd_report(argc, argv);
    if (!strcmp(cmd, "export"))
        return cmd_export(argc, argv);
    if (!strcmp(cmd, "taxonomy"))
        return cmd_taxonomy(argc, argv);
    cli_msg("unknown command '%s'", cmd);
    return usage(stderr, EXIT_USAGE);
}

int main(int argc, char **argv)
{
    hold_std_fds();
    return cli_close_stdout(run(argc, argv));
}
