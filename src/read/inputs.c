/* inputs.c — expanding INPUT arguments into record files (see inputs.h). */
#include "inputs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "array.h"
#include "fsutil.h"

/* Appends a copy of path to list. Returns 0, or -1 out of memory. */
static int push(struct input_list *list, const char *path)
{
	char **files;

	files = array_reserve_int(list->files, sizeof *files, list->n, 1,
	                          &list->cap);
	if (files == NULL)
		return -1;
	list->files = files;
	if ((list->files[list->n] = strdup(path)) == NULL)
		return -1;
	list->n++;
	return 0;
}

/* What kind of file st is, for a message. */
static const char *kind_of(const struct stat *st)
{
	if (S_ISFIFO(st->st_mode))
		return "a FIFO (named pipe)";
	if (S_ISSOCK(st->st_mode))
		return "a socket";
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		return "a device";
	if (S_ISDIR(st->st_mode))
		return "a directory";
	return "not a regular file";
}

/* Says why path cannot be read, from stat's errno: a link loop and a
 * dangling link are named as such. */
static void report_stat_error(const char *path, int err,
                              struct diag_list *problems)
{
	struct stat lst;

	if (err == ENOENT && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
		diag_add(problems, path, 0, 0, RULE_INPUT,
		         "a symbolic link to nothing (dangling link)");
	else if (err == ELOOP)
		diag_add(problems, path, 0, 0, RULE_INPUT,
		         "too many levels of symbolic links (a link loop)");
	else
		diag_add(problems, path, 0, 0, RULE_INPUT, "%s",
		         strerror(err));
}

/* Every *.xml name of dir is a record file: one that is not a regular
 * file is reported, never skipped silently. Only stat is used, so a
 * FIFO is never opened. */
static int expand_dir(const char *dir, struct input_list *list,
                      struct diag_list *problems)
{
	struct err e;
	char **names = NULL;
	int n = fs_list_names(dir, ".xml", &names, &e);
	int rc = 0;

	if (n < 0) {
		diag_add(problems, dir, 0, 0, RULE_INPUT, "%s", e.msg);
		return 0;
	}
	for (int i = 0; i < n && rc == 0; i++) {
		struct stat st;

		if (stat(names[i], &st) != 0)
			report_stat_error(names[i], errno, problems);
		else if (!S_ISREG(st.st_mode))
			diag_add(problems, names[i], 0, 0, RULE_INPUT,
			         "%s, not a record file: only regular files "
			         "are read", kind_of(&st));
		else
			rc = push(list, names[i]);
	}
	fs_free_list(names, n);
	return rc;
}

int inputs_expand(char *const *args, int n_args, struct input_list *list,
                  struct diag_list *problems)
{
	for (int i = 0; i < n_args; i++) {
		struct stat st;

		if (stat(args[i], &st) != 0) {
			report_stat_error(args[i], errno, problems);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (expand_dir(args[i], list, problems) != 0)
				return -1;
		} else if (S_ISREG(st.st_mode)) {
			if (push(list, args[i]) != 0)
				return -1;
		} else {
			diag_add(problems, args[i], 0, 0, RULE_INPUT,
			         "%s, not a regular file or directory",
			         kind_of(&st));
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
