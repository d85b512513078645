/* fsutil.h — file-system helpers: atomic and durable writes, the
 * temporary files an interrupted run removes, directories, listings. */
#ifndef PACTDOC_FSUTIL_H
#define PACTDOC_FSUTIL_H

#include <dirent.h>
#include <stddef.h>

#include "err.h"

/* Writing a result. A file is written to a hidden temporary beside its
 * final name (dir/.NAME.tmp.XXXXXX), flushed to the disk (fsync), renamed
 * into place, and the directory is flushed too: once a write returns 0,
 * the file survives a power cut. On failure nothing is left at path or
 * beside it. A full disk gives a message "PATH: cannot ...: the disk is
 * full: No space left on device". The environment variable
 * PACTDOC_NO_FSYNC=1 skips the two flushes; it exists to measure their
 * cost and makes results not durable. */

/* Fills e for a failed write (errno) of path: "PATH: cannot WHAT: ...",
 * naming a full disk (ENOSPC, EDQUOT) as such. Returns -1. */
int fs_err_write(struct err *e, const char *path, const char *what);

/* Writes len bytes to path as above. Returns 0, or -1 with e set. */
int fs_write_atomic(const char *path, const void *data, size_t len,
                    struct err *e);

/* Creates a temporary file beside `path`, writes its name into tmp (size
 * tmp_size), registers it for fs_remove_temps and locks it (flock) so that
 * no other run takes it for a killed run's leftover. Returns the fd (the
 * caller closes it after fs_commit or fs_temp_discard), or -1 with e set
 * (also when the run is being interrupted). */
int fs_temp_beside(const char *path, char *tmp, size_t tmp_size,
                   struct err *e);

enum fs_commit_mode {
	FS_REPLACE,      /* an existing file at path is replaced */
	FS_NO_REPLACE    /* an existing file at path is kept: returns -2 */
};

/* Flushes fd (the temporary tmp) to the disk, moves tmp to path and
 * flushes the directory; forgets tmp. Does not close fd. On failure tmp is
 * unlinked. Returns 0, -2 (e set) when mode is FS_NO_REPLACE and path
 * exists, or -1 with e set. */
int fs_commit(int fd, const char *tmp, const char *path,
              enum fs_commit_mode mode, struct err *e);

/* Unlinks a temporary file that will not be committed, and forgets it. */
void fs_temp_discard(const char *tmp);

/* Registers path (which may not exist yet) as a temporary for
 * fs_remove_temps, to be dropped later with fs_temp_discard: for a file
 * written whole under a hidden name and removed after use. Returns 0, or
 * -1 with e set. */
int fs_temp_track(const char *path, struct err *e);

/* Unlinks every temporary file still registered, after waiting (at most
 * 2 s) for threads that are registering one; from then on no temporary
 * can be created. Async-signal-safe: the commands call it from their
 * SIGINT/SIGTERM/SIGHUP handler, so that an interrupted run leaves no
 * temporary files behind. The registry has no size limit. */
void fs_remove_temps(void);

/* mkdir -p, for a directory pactdoc is about to write into. Each directory
 * made is made durable in its parent. When the last one already existed,
 * the temporaries that a killed run left in it (".NAME.tmp.XXXXXX" files
 * that no running pactdoc holds) are removed. Returns 0, or -1 with e
 * set. */
int fs_mkdirs(const char *path, struct err *e);

/* Reads a whole file (at most max bytes) into a NUL-terminated buffer the
 * caller frees. Returns NULL with e set on error or when larger. */
char *fs_read_file(const char *path, size_t max, size_t *len, struct err *e);

/* Reads dir with scandir(3): the entries whose names do not start with
 * '.', sorted by byte order (strcmp, whatever the locale). Returns their
 * count, with *out an array the caller frees with fs_free_entries; or -1
 * with e set ("DIR: No such file or directory", "DIR: out of memory")
 * and *out NULL. Nothing is opened but dir itself. */
int fs_scan_dir(const char *dir, struct dirent ***out, struct err *e);

/* Frees n entries of list and list; accepts NULL. */
void fs_free_entries(struct dirent **list, int n);

/* Lists the regular files in dir whose names end in suffix and do not
 * start with '.', sorted by byte order, as "dir/name" strings. *out is a
 * NULL-free array (NULL when the count is 0) the caller frees with
 * fs_free_list. Returns the count, or -1 with e set. */
int fs_list_dir(const char *dir, const char *suffix, char ***out,
                struct err *e);
/* Like fs_list_dir, but every name ending in suffix, whatever it is (a
 * FIFO, a directory, a dangling link): for callers that report what they
 * cannot read instead of skipping it. Only the names are read (nothing is
 * stat'ed or opened). */
int fs_list_names(const char *dir, const char *suffix, char ***out,
                  struct err *e);

/* Frees n strings of list and list; accepts NULL. */
void fs_free_list(char **list, int n);

/* "dir/name", malloc'd at its size (the caller frees it); NULL when out
 * of memory. */
char *fs_path_join(const char *dir, const char *name);

/* The one rule for a relative file name that pactdoc writes into a ZIP or
 * a bag, or extracts from one: why name is unsafe ("unsafe name: '..'
 * component", a static string), or NULL when it is safe. Safe means
 * non-empty, relative (no leading '/', no drive letter "C:"), valid UTF-8
 * without control characters or backslashes, and no empty, '.' or '..'
 * component (a trailing '/' of a folder entry is allowed). Thread-safe. */
const char *fsutil_unsafe_name(const char *name);

#endif
