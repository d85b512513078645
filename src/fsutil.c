/* fsutil.c — atomic writes, directories and sorted listings (see fsutil.h). */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary files being written, for fs_remove_temps. A slot's path
 * is complete before its flag is set, so a signal handler only reads
 * finished paths. When every slot is taken a file is simply not
 * registered. */
#define TEMP_SLOTS 320

static char temp_paths[TEMP_SLOTS][4096];
static volatile sig_atomic_t temp_used[TEMP_SLOTS];
static pthread_mutex_t temp_lock = PTHREAD_MUTEX_INITIALIZER;

static void temp_register(const char *tmp)
{
	pthread_mutex_lock(&temp_lock);
	for (int i = 0; i < TEMP_SLOTS; i++) {
		if (temp_used[i])
			continue;
		snprintf(temp_paths[i], sizeof temp_paths[i], "%s", tmp);
		temp_used[i] = 1;
		break;
	}
	pthread_mutex_unlock(&temp_lock);
}

static void temp_forget(const char *tmp)
{
	pthread_mutex_lock(&temp_lock);
	for (int i = 0; i < TEMP_SLOTS; i++) {
		if (temp_used[i] && strcmp(temp_paths[i], tmp) == 0) {
			temp_used[i] = 0;
			break;
		}
	}
	pthread_mutex_unlock(&temp_lock);
}

void fs_remove_temps(void)
{
	for (int i = 0; i < TEMP_SLOTS; i++)
		if (temp_used[i])
			unlink(temp_paths[i]);
}

void fs_temp_discard(const char *tmp)
{
	unlink(tmp);
	temp_forget(tmp);
}

int fs_temp_beside(const char *path, char *tmp, size_t tmp_size,
                   struct err *e)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dir_len = slash ? (int)(slash - path + 1) : 0;
	int fd;

	if ((size_t)snprintf(tmp, tmp_size, "%.*s.%s.tmp.XXXXXX", dir_len, path,
	                     base) >= tmp_size)
		return err_set(e, "%s: path too long", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return err_sys(e, "%s: cannot create temporary file", path);
	temp_register(tmp);
	return fd;
}

int fs_commit(const char *tmp, const char *path, struct err *e)
{
	int rc = 0;

	if (rename(tmp, path) != 0) {
		rc = err_sys(e, "%s: cannot rename into place", path);
		unlink(tmp);
	}
	temp_forget(tmp);
	return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fs_write_atomic(const char *path, const void *data, size_t len,
                    struct err *e)
{
	char tmp[4096];
	int fd = fs_temp_beside(path, tmp, sizeof tmp, e);

	if (fd < 0)
		return -1;
	if (fchmod(fd, 0644) != 0 || write_all(fd, data, len) != 0) {
		err_sys(e, "%s: write", path);
		close(fd);
		fs_temp_discard(tmp);
		return -1;
	}
	if (close(fd) != 0) {
		err_sys(e, "%s: close", path);
		fs_temp_discard(tmp);
		return -1;
	}
	return fs_commit(tmp, path, e);
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_mkdirs(const char *path, struct err *e)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof buf)
		return err_set(e, "%s: bad directory name", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return err_sys(e, "%s: mkdir", buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return err_sys(e, "%s: mkdir", buf);
	if (!is_dir(buf))
		return err_set(e, "%s: not a directory", buf);
	return 0;
}

char *fs_read_file(const char *path, size_t max, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (f == NULL) {
		err_sys(e, "%s", path);
		return NULL;
	}
	for (;;) {
		if (cap - n < 65536) {
			char *nb;
			cap = cap ? cap * 2 : 65536;
			if (cap > max + 65537)
				cap = max + 65537;
			nb = realloc(buf, cap + 1);
			if (nb == NULL) {
				err_set(e, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > max) {
			err_set(e, "%s: larger than %zu bytes", path, max);
			goto fail;
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		err_sys(e, "%s: read", path);
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n >= s && strcmp(name + n - s, suffix) == 0;
}

/* "dir/name", allocated at its size; NULL when out of memory. */
static char *dir_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = malloc(n);

	if (path != NULL)
		snprintf(path, n, "%s/%s", dir, name);
	return path;
}

/* The names in dir ending in suffix (not hidden), as "dir/name", sorted;
 * with regular_only, only those that stat as regular files. */
static int list_dir(const char *dir, const char *suffix, int regular_only,
                    char ***out, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **list = NULL;
	int n = 0, cap = 0;

	*out = NULL;
	if (d == NULL)
		return err_sys(e, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *path;

		if (de->d_name[0] == '.' || !has_suffix(de->d_name, suffix))
			continue;
		if ((path = dir_join(dir, de->d_name)) == NULL)
			goto oom;
		if (regular_only &&
		    (stat(path, &st) != 0 || !S_ISREG(st.st_mode))) {
			free(path);
			continue;
		}
		if (n == cap) {
			char **nl;
			cap = cap ? cap * 2 : 64;
			nl = realloc(list, (size_t)cap * sizeof *nl);
			if (nl == NULL) {
				free(path);
				goto oom;
			}
			list = nl;
		}
		list[n++] = path;
	}
	closedir(d);
	if (n > 0)
		qsort(list, (size_t)n, sizeof *list, compare_names);
	*out = list;
	return n;
oom:
	closedir(d);
	fs_free_list(list, n);
	return err_set(e, "%s: out of memory", dir);
}

int fs_list_dir(const char *dir, const char *suffix, char ***out,
                struct err *e)
{
	return list_dir(dir, suffix, 1, out, e);
}

int fs_list_names(const char *dir, const char *suffix, char ***out,
                  struct err *e)
{
	return list_dir(dir, suffix, 0, out, e);
}

void fs_free_list(char **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}
