/*
 * cmds.h - the subcommands of skidx. Each takes argv with argv[0] = the
 * command's name and returns the process exit code.
 */
#ifndef SKIDX_CLI_CMDS_H
#define SKIDX_CLI_CMDS_H

int cmd_index(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_taxonomy(int argc, char **argv);

#endif
