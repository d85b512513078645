/* zipw.h — deterministic ZIP archives with libzip: writing (entries sorted,
 * fixed times, permissions and compression; atomic) and bounded reading
 * (names, sizes, streamed contents) for verify. */
#ifndef PACTDOC_ZIPW_H
#define PACTDOC_ZIPW_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* ---- writing ------------------------------------------------------------
 * Every entry gets the time 00:00 of the run date (the DOS date/time fields
 * are computed here, so the time zone never matters), Unix permissions
 * 0644, no extra fields, and the compression its name calls for: PDFs are
 * stored (their streams are already compressed), everything else deflated
 * at level 9. Entries are written in byte order of their names, whatever
 * order they were added in. The same entries and date give the same bytes.
 * Not thread-safe per object; distinct objects may be used in parallel. */
struct zipw;

/* Starts an archive that will be written to `path`. `date` is YYYY-MM-DD,
 * from 1980-01-01 to 2107-12-31. Nothing is created until zipw_commit.
 * Returns NULL with e set on error. */
struct zipw *zipw_new(const char *path, const char *date, struct err *e);

/* Adds an entry named `name` (UTF-8, '/' separated) whose data is the file
 * at `src`. The file is read by zipw_commit, so it must stay unchanged
 * until then. Both strings are copied. Returns 0, or -1 with e set. */
int zipw_add_file(struct zipw *z, const char *name, const char *src,
                  struct err *e);

/* Adds an entry whose data is `len` bytes at `data` (copied). */
int zipw_add_data(struct zipw *z, const char *name, const void *data,
                  size_t len, struct err *e);

/* Number of entries added so far. */
size_t zipw_count(const struct zipw *z);

enum zipw_mode {
	ZIPW_REPLACE,     /* an existing file at path is replaced */
	ZIPW_NO_REPLACE   /* an existing file at path is kept: returns -2 */
};

/* Writes the archive to a temporary file beside `path` (fs_temp_beside:
 * registered for an interrupted run, locked), flushes it to the disk and
 * moves it into place (fs_commit); on any failure nothing is left at path
 * or beside it, and a full disk is named as such. Duplicate
 * names and an empty archive are errors. Frees z in every case. Returns 0,
 * -2 (e set) when mode is ZIPW_NO_REPLACE and path already exists, or -1
 * with e set. */
int zipw_commit(struct zipw *z, enum zipw_mode mode, struct err *e);

/* Abandons an archive that was not committed. Accepts NULL. */
void zipw_free(struct zipw *z);

/* The DOS date and time fields for 00:00 of an ISO date. Returns 0, or -1
 * when the date is not YYYY-MM-DD in the DOS range. */
int zipw_dos_datetime(const char *date, uint16_t *dos_date,
                      uint16_t *dos_time);

/* ---- reading ------------------------------------------------------------
 * A read-only view of an archive. Nothing is extracted to disk. */
struct zipr;

/* Opens `path` read-only. Returns NULL with e set (and *is_zip 0 when the
 * file is not a ZIP at all, 1 when it could be read but is damaged; -1
 * when it could not be read) on error. */
struct zipr *zipr_open(const char *path, int *is_zip, struct err *e);
void zipr_close(struct zipr *r);

/* The same for an archive held in memory: data (len bytes) is not copied
 * and must outlive the zipr. */
struct zipr *zipr_open_mem(const void *data, size_t len, int *is_zip,
                           struct err *e);

/* Number of entries in the central directory. */
uint64_t zipr_count(const struct zipr *r);

/* Entry i's raw name bytes (not converted, may hold any byte but NUL) and
 * its declared uncompressed and compressed sizes. Returns the name (owned
 * by r, valid until zipr_close), or NULL with e set. */
const char *zipr_entry(struct zipr *r, uint64_t i, uint64_t *size,
                       uint64_t *comp_size, struct err *e);

/* Entry i's Unix file type and permissions (st_mode bits), taken from the
 * upper 16 bits of its external attributes whatever system made it (that
 * is what unzip restores), or 0 when the entry declares none. */
uint32_t zipr_entry_mode(struct zipr *r, uint64_t i);

/* Callback receiving successive pieces of an entry's data; return 0 to go
 * on, non-zero to stop. */
typedef int (*zipr_sink)(void *ctx, const void *data, size_t len);

/* Streams entry i's decompressed data to sink, reading at most `cap`
 * bytes: an entry that yields more, or a different size than it declares,
 * or fails its CRC check, is an error. *got receives the bytes read.
 * Returns 0, 1 when the sink stopped early, or -1 with e set. */
int zipr_stream(struct zipr *r, uint64_t i, uint64_t cap, zipr_sink sink,
                void *ctx, uint64_t *got, struct err *e);

#endif
