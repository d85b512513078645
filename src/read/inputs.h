/* inputs.h — turns the command line's INPUT arguments into the list of
 * record files to read: a file as given, a directory as its *.xml files
 * in byte order. */
#ifndef PACTDOC_INPUTS_H
#define PACTDOC_INPUTS_H

#include "diag.h"

struct input_list {
	char **files;
	int n;
	int cap;
};

/* Expands args into list. An argument, or a *.xml name in a directory
 * argument, that does not exist or is not a regular file (a FIFO, a
 * device, a directory, a dangling link, a link loop) gets an "input"
 * error in problems saying what it is, and is not read; nothing is
 * opened, so nothing blocks. Returns 0, or -1 when out of memory. */
int inputs_expand(char *const *args, int n_args, struct input_list *list,
                  struct diag_list *problems);

void inputs_clear(struct input_list *list);

#endif
