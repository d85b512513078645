/* fsutil.h — file-system helpers: atomic writes, directories, listings. */
#ifndef PACTDOC_FSUTIL_H
#define PACTDOC_FSUTIL_H

#include <stddef.h>

#include "err.h"

/* Writes len bytes to path atomically: a temporary file beside it,
 * renamed into place (atomic, not fsync'd: durable once the system syncs). On failure nothing is left at path or beside it.
 * Returns 0, or -1 with e set. */
int fs_write_atomic(const char *path, const void *data, size_t len,
                    struct err *e);

/* Creates a temporary file beside `path`, hidden (dir/.name.tmp.XXXXXX),
 * writes its name into tmp (size tmp_size) and registers it for
 * fs_remove_temps. Returns the fd, or -1 with e set. */
int fs_temp_beside(const char *path, char *tmp, size_t tmp_size,
                   struct err *e);

/* Renames tmp to path (unlinks tmp on failure) and forgets it. */
int fs_commit(const char *tmp, const char *path, struct err *e);

/* Unlinks a temporary file that will not be committed, and forgets it. */
void fs_temp_discard(const char *tmp);

/* Unlinks every temporary file still registered. Async-signal-safe: the
 * commands call it from their SIGINT/SIGTERM/SIGHUP handler, so that an
 * interrupted run leaves no temporary files behind. */
void fs_remove_temps(void);

/* mkdir -p. Returns 0, or -1 with e set. */
int fs_mkdirs(const char *path, struct err *e);

/* Reads a whole file (at most max bytes) into a NUL-terminated buffer the
 * caller frees. Returns NULL with e set on error or when larger. */
char *fs_read_file(const char *path, size_t max, size_t *len, struct err *e);

/* Lists the regular files in dir whose names end in suffix, sorted by
 * byte order, as "dir/name" strings. *out is a NULL-free array the caller
 * frees with fs_free_list. Returns the count, or -1 with e set. */
int fs_list_dir(const char *dir, const char *suffix, char ***out,
                struct err *e);
/* Like fs_list_dir, but every name ending in suffix, whatever it is (a
 * FIFO, a directory, a dangling link): for callers that report what they
 * cannot read instead of skipping it. */
int fs_list_names(const char *dir, const char *suffix, char ***out,
                  struct err *e);
void fs_free_list(char **list, int n);

#endif
