/* inputs.c — expanding INPUT arguments into record files (see inputs.h). */
#include "inputs.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"

static int push(struct input_list *list, const char *path)
{
	if (list->n == list->cap) {
		int cap = list->cap ? list->cap * 2 : 16;
		char **files = realloc(list->files, (size_t)cap * sizeof *files);
		if (files == NULL)
			return -1;
		list->files = files;
		list->cap = cap;
	}
	if ((list->files[list->n] = strdup(path)) == NULL)
		return -1;
	list->n++;
	return 0;
}

static int expand_dir(const char *dir, struct input_list *list,
                      struct diag_list *problems)
{
	struct err e;
	char **names = NULL;
	int n = fs_list_dir(dir, ".xml", &names, &e);
	int rc = 0;

	if (n < 0) {
		diag_add(problems, dir, 0, 0, SEV_ERROR, "input", "%s", e.msg);
		return 0;
	}
	for (int i = 0; i < n && rc == 0; i++)
		rc = push(list, names[i]);
	fs_free_list(names, n);
	return rc;
}

int inputs_expand(char *const *args, int n_args, struct input_list *list,
                  struct diag_list *problems)
{
	for (int i = 0; i < n_args; i++) {
		struct stat st;

		if (stat(args[i], &st) != 0) {
			diag_add(problems, args[i], 0, 0, SEV_ERROR, "input",
			         "no such file or directory");
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (expand_dir(args[i], list, problems) != 0)
				return -1;
		} else if (S_ISREG(st.st_mode)) {
			if (push(list, args[i]) != 0)
				return -1;
		} else {
			diag_add(problems, args[i], 0, 0, SEV_ERROR, "input",
			         "not a regular file or directory");
		}
	}
	return 0;
}

void inputs_clear(struct input_list *list)
{
	for (int i = 0; i < list->n; i++)
		free(list->files[i]);
	free(list->files);
	memset(list, 0, sizeof *list);
}
