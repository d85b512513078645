/* fsutil.c — atomic and durable writes, the registry of temporary files,
 * directories and sorted listings (see fsutil.h). */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "text.h"

/* ---- the registry of temporary files -----------------------------------
 * Every temporary file being written is in this list, for fs_remove_temps,
 * which a signal handler calls. The list grows with the number of files
 * written at once (one node each, reused, never freed), so no file goes
 * unregistered.
 *
 * The handler and the writing threads never overlap: a thread changes the
 * registry (or creates a file it is about to register) only inside a
 * section where the fatal signals are blocked and `busy` counts it; the
 * handler first sets `dying`, then waits until `busy` is 0, then unlinks.
 * A thread that enters a section after `dying` is set creates nothing.
 * Both flags are sequentially consistent atomics, so either the thread
 * sees `dying` or the handler sees the thread busy. */
struct temp {
	struct temp *next;
	atomic_int live;          /* path names a file to remove */
	char path[4096];
};

static struct temp *_Atomic temp_head;
static atomic_int temp_busy;
static atomic_int temp_dying;
static pthread_mutex_t temp_lock = PTHREAD_MUTEX_INITIALIZER;

/* Longest the handler waits for writing threads to leave their section. */
#define DYING_WAIT_MS 2000

static void fatal_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/* Enters a section (see above). Returns 0, or -1 when the run is being
 * interrupted (then nothing is to be created; old is left as it was). */
static int section_enter(sigset_t *old)
{
	sigset_t block;

	fatal_signals(&block);
	pthread_sigmask(SIG_BLOCK, &block, old);
	atomic_fetch_add(&temp_busy, 1);
	if (atomic_load(&temp_dying)) {
		atomic_fetch_sub(&temp_busy, 1);
		pthread_sigmask(SIG_SETMASK, old, NULL);
		errno = EINTR;
		return -1;
	}
	return 0;
}

static void section_leave(const sigset_t *old)
{
	atomic_fetch_sub(&temp_busy, 1);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* Records tmp in a free node, or a new one. Inside a section. Returns 0, or
 * -1 when out of memory. */
static int temp_register(const char *tmp)
{
	struct temp *t;
	int rc = 0;

	pthread_mutex_lock(&temp_lock);
	for (t = atomic_load(&temp_head); t != NULL; t = t->next)
		if (!atomic_load(&t->live))
			break;
	if (t == NULL) {
		t = calloc(1, sizeof *t);
		if (t == NULL) {
			rc = -1;
			goto cleanup;
		}
		t->next = atomic_load(&temp_head);
		atomic_store(&temp_head, t);
	}
	snprintf(t->path, sizeof t->path, "%s", tmp);
	atomic_store(&t->live, 1);
cleanup:
	pthread_mutex_unlock(&temp_lock);
	return rc;
}

/* Frees tmp's node for reuse. Inside a section. */
static void temp_forget(const char *tmp)
{
	pthread_mutex_lock(&temp_lock);
	for (struct temp *t = atomic_load(&temp_head); t != NULL; t = t->next) {
		if (atomic_load(&t->live) && strcmp(t->path, tmp) == 0) {
			atomic_store(&t->live, 0);
			break;
		}
	}
	pthread_mutex_unlock(&temp_lock);
}

/* Forgets tmp, unlinking it first when `remove` is set. */
static void temp_done(const char *tmp, int remove)
{
	sigset_t old;

	if (remove)
		unlink(tmp);
	if (section_enter(&old) != 0)
		return;
	temp_forget(tmp);
	section_leave(&old);
}

void fs_remove_temps(void)
{
	struct timespec ms = { 0, 1000000 };

	atomic_store(&temp_dying, 1);
	for (int i = 0; i < DYING_WAIT_MS && atomic_load(&temp_busy) > 0; i++)
		nanosleep(&ms, NULL);
	for (struct temp *t = atomic_load(&temp_head); t != NULL; t = t->next)
		if (atomic_load(&t->live))
			unlink(t->path);
}

void fs_temp_discard(const char *tmp)
{
	temp_done(tmp, 1);
}

int fs_temp_track(const char *path, struct err *e)
{
	sigset_t old;
	int rc;

	if (section_enter(&old) != 0)
		return err_set(e, "%s: interrupted", path);
	rc = temp_register(path);
	section_leave(&old);
	if (rc != 0)
		return err_set(e, "%s: out of memory", path);
	return 0;
}

/* ---- writing -------------------------------------------------------- */

int fs_err_write(struct err *e, const char *path, const char *what)
{
	if (errno == ENOSPC || errno == EDQUOT)
		return err_sys(e, "%s: cannot %s: the disk is full", path,
		               what);
	return err_sys(e, "%s: cannot %s", path, what);
}

/* Creates tmp (a mkstemp template) and registers it, inside a section.
 * Returns the fd, or -1 with errno set. */
static int create_registered(char *tmp)
{
	sigset_t old;
	int fd, saved;

	if (section_enter(&old) != 0)
		return -1;
	fd = mkostemp(tmp, O_CLOEXEC);
	saved = errno;
	if (fd >= 0 && temp_register(tmp) != 0) {
		unlink(tmp);
		close(fd);
		fd = -1;
		saved = ENOMEM;
	}
	section_leave(&old);
	errno = saved;
	return fd;
}

int fs_temp_beside(const char *path, char *tmp, size_t tmp_size,
                   struct err *e)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dir_len = slash ? (int)(slash - path + 1) : 0;

	/* A sweep by another run may take the file between its creation and
	 * the lock (flock): then it is unlinked, and a new one is made. */
	for (int attempt = 0; attempt < 8; attempt++) {
		struct stat st;
		int fd;

		if ((size_t)snprintf(tmp, tmp_size, "%.*s.%s.tmp.XXXXXX",
		                     dir_len, path, base) >= tmp_size)
			return err_set(e, "%s: path too long", path);
		fd = create_registered(tmp);
		if (fd < 0) {
			if (errno == EINTR)
				return err_set(e, "%s: interrupted", path);
			return fs_err_write(e, path, "create a temporary file");
		}
		/* A file system without flock only loses the protection
		 * against another run's sweep. */
		(void)flock(fd, LOCK_EX);
		if (fstat(fd, &st) != 0) {
			fs_err_write(e, path, "create a temporary file");
			close(fd);
			temp_done(tmp, 1);
			return -1;
		}
		if (st.st_nlink > 0)
			return fd;
		close(fd);
		temp_done(tmp, 0);
	}
	return err_set(e, "%s: cannot keep a temporary file", path);
}

/* PACTDOC_NO_FSYNC=1 skips every fsync: for measuring their cost only. */
static int want_sync(void)
{
	const char *s = getenv("PACTDOC_NO_FSYNC");

	return s == NULL || strcmp(s, "1") != 0;
}

/* fsyncs the directory holding path (for a rename or mkdir in it). */
static int sync_parent(const char *path, struct err *e)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	if (!want_sync())
		return 0;
	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else if ((size_t)snprintf(dir, sizeof dir, "%.*s", (int)(slash - path),
	                          path) >= sizeof dir)
		return err_set(e, "%s: path too long", path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "%s: cannot open to sync", dir);
	if (fsync(fd) != 0)
		rc = fs_err_write(e, dir, "sync");
	close(fd);
	return rc;
}

int fs_commit(int fd, const char *tmp, const char *path,
              enum fs_commit_mode mode, struct err *e)
{
	int rc = -1;

	if (want_sync() && fsync(fd) != 0) {
		fs_err_write(e, path, "write");
		goto cleanup;
	}
	if (mode == FS_REPLACE) {
		if (rename(tmp, path) != 0) {
			fs_err_write(e, path, "rename into place");
			goto cleanup;
		}
	} else if (link(tmp, path) != 0) {
		if (errno == EEXIST) {
			err_set(e, "%s: already exists", path);
			rc = -2;
		} else {
			fs_err_write(e, path, "move into place");
		}
		goto cleanup;
	} else {
		unlink(tmp);
	}
	temp_done(tmp, 0);
	return sync_parent(path, e);
cleanup:
	temp_done(tmp, 1);
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
	int rc;

	if (fd < 0)
		return -1;
	if (fchmod(fd, 0644) != 0 || write_all(fd, data, len) != 0) {
		fs_err_write(e, path, "write");
		close(fd);
		fs_temp_discard(tmp);
		return -1;
	}
	rc = fs_commit(fd, tmp, path, FS_REPLACE, e);
	close(fd);
	return rc;
}

/* ---- temporaries left by a killed run ---------------------------------- */

static int is_temp_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

/* Whether s starts with 6 mkstemp characters. */
static int six_temp_chars(const char *s)
{
	for (int i = 0; i < 6; i++)
		if (!is_temp_char(s[i]))
			return 0;
	return 1;
}

/* Whether name is one of pactdoc's temporary names: ".NAME.tmp.XXXXXX",
 * or ".NAME.tmp.XXXXXX.XXXXXX" (libzip's own, made by older versions). */
static int is_temp_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] != '.' || n < 12 || !six_temp_chars(name + n - 6))
		return 0;
	if (strncmp(name + n - 11, ".tmp.", 5) == 0)
		return 1;
	return n >= 19 && strncmp(name + n - 18, ".tmp.", 5) == 0 &&
	       six_temp_chars(name + n - 13) && name[n - 7] == '.';
}

/* Removes dir/name if it is a regular file no live process holds (its
 * writer keeps a lock on it until it is renamed or removed). */
static void remove_if_stale(int dfd, const char *name)
{
	struct stat held, now;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	                           O_CLOEXEC);

	if (fd < 0)
		return;
	if (fstat(fd, &held) == 0 && S_ISREG(held.st_mode) &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    fstatat(dfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    now.st_dev == held.st_dev && now.st_ino == held.st_ino)
		unlinkat(dfd, name, 0);
	close(fd);
}

/* Removes the temporaries that a killed run left in dir. Best effort:
 * a folder that cannot be read is left as it is. readdir, not
 * fs_scan_dir: each name is checked and removed through the open
 * directory (dirfd), in no particular order. */
static void sweep_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (is_temp_name(de->d_name))
			remove_if_stale(dirfd(d), de->d_name);
	closedir(d);
}

/* ---- directories ------------------------------------------------------- */

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* mkdir of one level; a new directory is made durable in its parent.
 * Sets *made. Returns 0, or -1 with e set. */
static int make_one(const char *path, int *made, struct err *e)
{
	*made = 0;
	if (mkdir(path, 0755) != 0) {
		if (errno == EEXIST)
			return 0;
		return fs_err_write(e, path, "make the directory");
	}
	*made = 1;
	return sync_parent(path, e);
}

int fs_mkdirs(const char *path, struct err *e)
{
	char buf[4096];
	size_t len = strlen(path);
	int made;

	if (len == 0 || len >= sizeof buf)
		return err_set(e, "%s: bad directory name", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (make_one(buf, &made, e) != 0)
			return -1;
		*p = '/';
	}
	if (make_one(buf, &made, e) != 0)
		return -1;
	if (!is_dir(buf))
		return err_set(e, "%s: not a directory", buf);
	if (!made)
		sweep_temps(buf);
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
	/* Not array_reserve: the capacity stops at max + 64 KiB, so that a
	 * file at the limit costs that much memory and no more; doubling
	 * would allocate up to twice the limit. */
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

/* scandir's filter: every name but the hidden ones (and . and ..). */
static int not_hidden(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* scandir's order: bytes, as strcmp, so that no locale changes it. */
static int by_bytes(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int fs_scan_dir(const char *dir, struct dirent ***out, struct err *e)
{
	int n = scandir(dir, out, not_hidden, by_bytes);

	if (n < 0) {
		*out = NULL;
		if (errno == ENOMEM)
			return err_set(e, "%s: out of memory", dir);
		return err_sys(e, "%s", dir);
	}
	return n;
}

void fs_free_entries(struct dirent **list, int n)
{
	if (list == NULL)
		return;
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static int has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n >= s && strcmp(name + n - s, suffix) == 0;
}

char *fs_path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = malloc(n);

	if (path != NULL)
		snprintf(path, n, "%s/%s", dir, name);
	return path;
}

/* fs_list_dir (regular_only) and fs_list_names: the names of dir ending
 * in suffix, as "dir/name", in fs_scan_dir's order. Returns as they do. */
static int list_dir(const char *dir, const char *suffix, int regular_only,
                    char ***out, struct err *e)
{
	struct dirent **names;
	char **list = NULL;
	int n_names, n = 0;

	*out = NULL;
	if ((n_names = fs_scan_dir(dir, &names, e)) < 0)
		return -1;
	if ((list = calloc((size_t)n_names + 1, sizeof *list)) == NULL)
		goto oom;
	for (int i = 0; i < n_names; i++) {
		struct stat st;
		char *path;

		if (!has_suffix(names[i]->d_name, suffix))
			continue;
		if ((path = fs_path_join(dir, names[i]->d_name)) == NULL)
			goto oom;
		if (regular_only &&
		    (stat(path, &st) != 0 || !S_ISREG(st.st_mode))) {
			free(path);
			continue;
		}
		list[n++] = path;
	}
	fs_free_entries(names, n_names);
	if (n == 0) {
		free(list);
		list = NULL;
	}
	*out = list;
	return n;
oom:
	fs_free_entries(names, n_names);
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

const char *fsutil_unsafe_name(const char *name)
{
	const char *p = name;
	size_t len = strlen(name);

	if (len == 0)
		return "empty name";
	if (name[0] == '/')
		return "unsafe name: absolute path";
	if (len >= 2 && name[1] == ':' &&
	    ((name[0] >= 'A' && name[0] <= 'Z') ||
	     (name[0] >= 'a' && name[0] <= 'z')))
		return "unsafe name: drive letter";
	if (strchr(name, '\\') != NULL)
		return "unsafe name: backslash";
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return "unsafe name: control character";
	if (!text_utf8_valid(name))
		return "unsafe name: not UTF-8";
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return "unsafe name: '..' component";
		if (n == 1 && p[0] == '.')
			return "unsafe name: '.' component";
		if (n == 0)
			return "unsafe name: empty component";
		if (slash == NULL || slash[1] == '\0')
			break;
		p = slash + 1;
	}
	return NULL;
}
