/* zipw.c — deterministic ZIP writing and bounded ZIP reading with libzip
 * (see zipw.h). */
#include "zipw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>
#include <zlib.h>

#include "array.h"
#include "dates.h"
#include "fsutil.h"
#include "oom.h"

struct zipw_entry {
	char *name;
	char *src;          /* file to read at commit, or NULL */
	void *data;         /* bytes owned by the entry, when src is NULL */
	size_t len;
};

struct zipw {
	char *path;
	uint16_t dos_date, dos_time;
	struct zipw_entry *entries;
	size_t n, cap;
};

int zipw_dos_datetime(const char *date, uint16_t *dos_date,
                      uint16_t *dos_time)
{
	int y, m, d;

	if (dates_split(date, &y, &m, &d) != 0 || y < 1980 || y > 2107)
		return -1;
	*dos_date = (uint16_t)(((y - 1980) << 9) | (m << 5) | d);
	*dos_time = 0;
	return 0;
}

struct zipw *zipw_new(const char *path, const char *date, struct err *e)
{
	struct zipw *z = calloc(1, sizeof *z);

	if (z == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	if (zipw_dos_datetime(date, &z->dos_date, &z->dos_time) != 0) {
		err_set(e, "%s: date not representable in a ZIP", date);
		free(z);
		return NULL;
	}
	z->path = strdup(path);
	if (z->path == NULL) {
		err_set(e, "out of memory");
		free(z);
		return NULL;
	}
	return z;
}

/* Appends a zeroed entry holding a copy of name and returns it (valid
 * until the next add_entry), or NULL with e set (an empty name, out of
 * memory). */
static struct zipw_entry *add_entry(struct zipw *z, const char *name,
                                    struct err *e)
{
	struct zipw_entry *ent;

	if (name[0] == '\0') {
		err_set(e, "empty entry name");
		return NULL;
	}
	ent = array_reserve(z->entries, sizeof *ent, z->n, 1, &z->cap);
	if (ent == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	z->entries = ent;
	ent = &z->entries[z->n];
	memset(ent, 0, sizeof *ent);
	ent->name = strdup(name);
	if (ent->name == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	z->n++;
	return ent;
}

int zipw_add_file(struct zipw *z, const char *name, const char *src,
                  struct err *e)
{
	struct zipw_entry *ent = add_entry(z, name, e);

	if (ent == NULL)
		return -1;
	ent->src = strdup(src);
	if (ent->src == NULL)
		return err_set(e, "out of memory");
	return 0;
}

int zipw_add_data(struct zipw *z, const char *name, const void *data,
                  size_t len, struct err *e)
{
	struct zipw_entry *ent = add_entry(z, name, e);

	if (ent == NULL)
		return -1;
	ent->data = malloc(len ? len : 1);
	if (ent->data == NULL)
		return err_set(e, "out of memory");
	if (len > 0)
		memcpy(ent->data, data, len);
	ent->len = len;
	return 0;
}

size_t zipw_count(const struct zipw *z)
{
	return z == NULL ? 0 : z->n;
}

void zipw_free(struct zipw *z)
{
	if (z == NULL)
		return;
	for (size_t i = 0; i < z->n; i++) {
		free(z->entries[i].name);
		free(z->entries[i].src);
		free(z->entries[i].data);
	}
	free(z->entries);
	free(z->path);
	free(z);
}

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct zipw_entry *)a)->name,
	              ((const struct zipw_entry *)b)->name);
}

static int has_suffix_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* libzip has no allocator hook, and some of its allocation failures come
 * back as "No error", "not a ZIP archive" or a zlib error: raise the
 * out-of-memory flag (oom.h) when the error, or errno, says memory ran out,
 * so that err_set says so. The callers clear errno before the call. */
static void note_zip_oom(zip_error_t *ze)
{
	int code = ze != NULL ? zip_error_code_zip(ze) : ZIP_ER_OK;

	if (code == ZIP_ER_MEMORY || errno == ENOMEM ||
	    (code == ZIP_ER_ZLIB && zip_error_code_system(ze) == Z_MEM_ERROR))
		oom_note();
}

/* Adds one entry to the open archive with its fixed attributes. */
static int add_to_archive(zip_t *za, const struct zipw *z,
                          const struct zipw_entry *ent, struct err *e)
{
	zip_source_t *src;
	zip_int64_t idx;
	int store = has_suffix_ci(ent->name, ".pdf");

	if (ent->src != NULL)
		src = zip_source_file(za, ent->src, 0, -1);
	else
		src = zip_source_buffer(za, ent->data, ent->len, 0);
	if (src == NULL) {
		note_zip_oom(zip_get_error(za));
		return err_set(e, "%s: %s", ent->name, zip_strerror(za));
	}
	idx = zip_file_add(za, ent->name, src, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		note_zip_oom(zip_get_error(za));
		zip_source_free(src);
		return err_set(e, "%s: %s", ent->name, zip_strerror(za));
	}
	if (zip_set_file_compression(za, (zip_uint64_t)idx,
	                             store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
	                             store ? 0 : 9) != 0 ||
	    zip_file_set_dostime(za, (zip_uint64_t)idx, z->dos_time,
	                         z->dos_date, 0) != 0 ||
	    zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
	                                     ZIP_OPSYS_UNIX,
	                                     (zip_uint32_t)0100644 << 16) != 0) {
		note_zip_oom(zip_get_error(za));
		return err_set(e, "%s: %s", ent->name, zip_strerror(za));
	}
	return 0;
}

/* ---- the archive's own file --------------------------------------------
 * libzip writes a new archive through a "source". Its file source would
 * write to a second temporary of its own (NAME.XXXXXX) that pactdoc does
 * not know, so an interrupted run could leave it behind; this source
 * writes straight into the temporary file that fsutil created, registered
 * and locked. Only the commands libzip uses to write a new archive are
 * supported; reading it back is refused. */
struct sink {
	int fd;
	const char *path;        /* the final name, for messages */
	int sys_errno;           /* errno of the first failed call, or 0 */
	zip_error_t error;
};

static zip_int64_t sink_fail(struct sink *s, int zip_code)
{
	if (s->sys_errno == 0)
		s->sys_errno = errno;
	zip_error_set(&s->error, zip_code, errno);
	return -1;
}

static zip_int64_t sink_write(struct sink *s, const void *data,
                              zip_uint64_t len)
{
	const char *p = data;
	zip_uint64_t left = len;

	while (left > 0) {
		ssize_t n = write(s->fd, p, left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sink_fail(s, ZIP_ER_WRITE);
		}
		p += n;
		left -= (zip_uint64_t)n;
	}
	return (zip_int64_t)len;
}

static zip_int64_t sink_seek(struct sink *s, void *data, zip_uint64_t len)
{
	zip_source_args_seek_t *args = ZIP_SOURCE_GET_ARGS(
		zip_source_args_seek_t, data, len, &s->error);

	if (args == NULL)
		return -1;
	if (lseek(s->fd, (off_t)args->offset, args->whence) < 0)
		return sink_fail(s, ZIP_ER_SEEK);
	return 0;
}

static zip_int64_t sink_cb(void *ud, void *data, zip_uint64_t len,
                           zip_source_cmd_t cmd)
{
	struct sink *s = ud;
	off_t at;

	switch (cmd) {
	case ZIP_SOURCE_SUPPORTS:
		return ZIP_SOURCE_SUPPORTS_WRITABLE;
	case ZIP_SOURCE_STAT:
		/* A new archive: "no such file" (as libzip's file source
		 * says it) makes zip_open_from_source start an empty one. */
		zip_error_set(&s->error, ZIP_ER_READ, ENOENT);
		return -1;
	case ZIP_SOURCE_BEGIN_WRITE:
		if (ftruncate(s->fd, 0) != 0 || lseek(s->fd, 0, SEEK_SET) < 0)
			return sink_fail(s, ZIP_ER_WRITE);
		return 0;
	case ZIP_SOURCE_WRITE:
		return sink_write(s, data, len);
	case ZIP_SOURCE_SEEK_WRITE:
		return sink_seek(s, data, len);
	case ZIP_SOURCE_TELL_WRITE:
		at = lseek(s->fd, 0, SEEK_CUR);
		if (at < 0)
			return sink_fail(s, ZIP_ER_TELL);
		return (zip_int64_t)at;
	case ZIP_SOURCE_COMMIT_WRITE:
	case ZIP_SOURCE_ROLLBACK_WRITE:
	case ZIP_SOURCE_REMOVE:
	case ZIP_SOURCE_FREE:
		/* fsutil flushes, renames or removes the file; zipw_commit
		 * closes it. */
		return 0;
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&s->error, data, len);
	default:
		zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

/* Opens a new, empty archive writing into s->fd. Returns NULL with e
 * set. */
static zip_t *open_sink(struct sink *s, struct err *e)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;

	zip_error_init(&ze);
	src = zip_source_function_create(sink_cb, s, &ze);
	if (src == NULL) {
		note_zip_oom(&ze);
		err_set(e, "%s: %s", s->path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return NULL;
	}
	za = zip_open_from_source(src, ZIP_CREATE | ZIP_TRUNCATE, &ze);
	if (za == NULL) {
		note_zip_oom(&ze);
		err_set(e, "%s: %s", s->path, zip_error_strerror(&ze));
		zip_source_free(src);
	}
	zip_error_fini(&ze);
	return za;
}

/* Fills e after zip_close failed: a failed write names its path and, when
 * the disk is full, says so. */
static void close_failed(zip_t *za, const struct sink *s, struct err *e)
{
	if (s->sys_errno != 0) {
		errno = s->sys_errno;
		fs_err_write(e, s->path, "write");
	} else {
		note_zip_oom(zip_get_error(za));
		err_set(e, "%s: %s", s->path, zip_strerror(za));
	}
}

int zipw_commit(struct zipw *z, enum zipw_mode mode, struct err *e)
{
	char tmp[4096];
	struct sink s;
	zip_t *za = NULL;
	int rc = -1;

	memset(&s, 0, sizeof s);
	s.fd = -1;
	s.path = z->path;
	zip_error_init(&s.error);
	if (z->n == 0) {
		err_set(e, "%s: an archive needs at least one entry", z->path);
		goto cleanup;
	}
	qsort(z->entries, z->n, sizeof *z->entries, compare_entries);
	for (size_t i = 1; i < z->n; i++) {
		if (strcmp(z->entries[i - 1].name, z->entries[i].name) == 0) {
			err_set(e, "%s: two entries named %s", z->path,
			        z->entries[i].name);
			goto cleanup;
		}
	}
	if (mode == ZIPW_NO_REPLACE && access(z->path, F_OK) == 0) {
		err_set(e, "%s: already exists", z->path);
		rc = -2;
		goto cleanup;
	}
	s.fd = fs_temp_beside(z->path, tmp, sizeof tmp, e);
	if (s.fd < 0)
		goto cleanup;
	if (fchmod(s.fd, 0644) != 0) {
		fs_err_write(e, z->path, "chmod");
		goto cleanup;
	}
	errno = 0;
	if ((za = open_sink(&s, e)) == NULL)
		goto cleanup;
	for (size_t i = 0; i < z->n; i++)
		if (add_to_archive(za, z, &z->entries[i], e) != 0)
			goto cleanup;
	errno = 0;
	if (zip_close(za) != 0) {
		close_failed(za, &s, e);
		goto cleanup;
	}
	za = NULL;
	rc = fs_commit(s.fd, tmp, z->path, mode == ZIPW_REPLACE ? FS_REPLACE :
	               FS_NO_REPLACE, e);
	close(s.fd);
	s.fd = -1;
cleanup:
	if (za != NULL)
		zip_discard(za);
	if (s.fd >= 0) {
		close(s.fd);
		fs_temp_discard(tmp);
	}
	zip_error_fini(&s.error);
	zipw_free(z);
	return rc;
}

/* ---- reading ---------------------------------------------------------- */

struct zipr {
	zip_t *za;
};

/* Wraps an archive libzip opened (za), or says why it could not (zerr).
 * Returns as zipr_open. */
static struct zipr *wrap_archive(zip_t *za, int zerr, int *is_zip,
                                 struct err *e)
{
	struct zipr *r;

	if (za == NULL) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		note_zip_oom(&ze);
		if (oom_seen())
			zerr = ZIP_ER_MEMORY;
		if (zerr == ZIP_ER_EXISTS)
			err_set(e, "duplicate entry names");
		else
			err_set(e, "damaged archive: %s",
			        zip_error_strerror(&ze));
		zip_error_fini(&ze);
		if (is_zip != NULL)
			*is_zip = zerr == ZIP_ER_NOZIP ? 0 :
			          (zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ ||
			           zerr == ZIP_ER_NOENT || zerr == ZIP_ER_MEMORY)
			          ? -1 : 1;
		return NULL;
	}
	r = calloc(1, sizeof *r);
	if (r == NULL) {
		zip_discard(za);
		err_set(e, "out of memory");
		if (is_zip != NULL)
			*is_zip = -1;
		return NULL;
	}
	r->za = za;
	return r;
}

struct zipr *zipr_open(const char *path, int *is_zip, struct err *e)
{
	int zerr = 0;
	zip_t *za;

	errno = 0;
	za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	return wrap_archive(za, zerr, is_zip, e);
}

struct zipr *zipr_open_mem(const void *data, size_t len, int *is_zip,
                           struct err *e)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	int zerr;

	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (src == NULL) {
		zip_error_fini(&ze);
		return wrap_archive(NULL, ZIP_ER_MEMORY, is_zip, e);
	}
	za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	zerr = zip_error_code_zip(&ze);
	zip_error_fini(&ze);
	if (za == NULL)
		zip_source_free(src);
	return wrap_archive(za, zerr, is_zip, e);
}

void zipr_close(struct zipr *r)
{
	if (r == NULL)
		return;
	zip_discard(r->za);
	free(r);
}

uint64_t zipr_count(const struct zipr *r)
{
	zip_int64_t n = zip_get_num_entries(r->za, 0);

	return n < 0 ? 0 : (uint64_t)n;
}

const char *zipr_entry(struct zipr *r, uint64_t i, uint64_t *size,
                       uint64_t *comp_size, struct err *e)
{
	zip_stat_t st;

	zip_stat_init(&st);
	errno = 0;
	if (zip_stat_index(r->za, i, ZIP_FL_ENC_RAW, &st) != 0 ||
	    st.name == NULL) {
		note_zip_oom(zip_get_error(r->za));
		err_set(e, "entry %llu: %s", (unsigned long long)i,
		        zip_strerror(r->za));
		return NULL;
	}
	if (size != NULL)
		*size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
	if (comp_size != NULL)
		*comp_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
	return st.name;
}

uint32_t zipr_entry_mode(struct zipr *r, uint64_t i)
{
	zip_uint8_t opsys;
	zip_uint32_t attr;

	if (zip_file_get_external_attributes(r->za, i, 0, &opsys, &attr) != 0)
		return 0;
	return attr >> 16;
}

int zipr_stream(struct zipr *r, uint64_t i, uint64_t cap, zipr_sink sink,
                void *ctx, uint64_t *got, struct err *e)
{
	unsigned char buf[65536];
	zip_file_t *zf;
	zip_stat_t st;
	uint64_t total = 0;
	int rc = -1;

	*got = 0;
	zip_stat_init(&st);
	errno = 0;
	if (zip_stat_index(r->za, i, ZIP_FL_ENC_RAW, &st) != 0) {
		note_zip_oom(zip_get_error(r->za));
		return err_set(e, "%s", zip_strerror(r->za));
	}
	zf = zip_fopen_index(r->za, i, 0);
	if (zf == NULL) {
		note_zip_oom(zip_get_error(r->za));
		return err_set(e, "cannot read: %s", zip_strerror(r->za));
	}
	for (;;) {
		zip_int64_t n = zip_fread(zf, buf, sizeof buf);
		if (n < 0) {
			note_zip_oom(zip_file_get_error(zf));
			err_set(e, "damaged data: %s", zip_file_strerror(zf));
			goto cleanup;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > cap) {
			err_set(e, "decompresses to more than %llu bytes",
			        (unsigned long long)cap);
			goto cleanup;
		}
		if (sink(ctx, buf, (size_t)n) != 0) {
			rc = 1;
			goto cleanup;
		}
	}
	if ((st.valid & ZIP_STAT_SIZE) && total != st.size) {
		err_set(e, "decompresses to %llu bytes, declares %llu",
		        (unsigned long long)total, (unsigned long long)st.size);
		goto cleanup;
	}
	rc = 0;
cleanup:
	*got = total;
	zip_fclose(zf);
	return rc;
}
