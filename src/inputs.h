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

/* Expands args into list. An argument that does not exist or cannot be
 * read gets an "input" error in problems and is skipped. Returns 0, or -1
 * when out of memory. */
int inputs_expand(char *const *args, int n_args, struct input_list *list,
                  struct diag_list *problems);

void inputs_clear(struct input_list *list);

#endif
