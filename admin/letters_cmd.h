/*
 * letters_cmd: chatadmin's `letters` commands (keygen, list, purge, show).
 */
#ifndef LETTERS_CMD_H
#define LETTERS_CMD_H

#include "admin.h"

/* `chatadmin letters ...`: argv[0] is "letters". An exit code. */
int letters_cmd(struct admin *a, int argc, char **argv);

#endif
