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
	char tail;

	if (date == NULL || strlen(date) != 10 ||
	    sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return -1;
	if (y < 1980 || y > 2107 || m < 1 || m > 12 || d < 1 || d > 31)
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

static struct zipw_entry *add_entry(struct zipw *z, const char *name,
                                    struct err *e)
{
	struct zipw_entry *ent;

	if (name[0] == '\0') {
		err_set(e, "empty entry name");
		return NULL;
	}
	if (z->n == z->cap) {
		size_t cap = z->cap ? z->cap * 2 : 32;
		struct zipw_entry *ne = realloc(z->entries, cap * sizeof *ne);
		if (ne == NULL) {
			err_set(e, "out of memory");
			return NULL;
		}
		z->entries = ne;
		z->cap = cap;
	}
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

/* Moves tmp to path: rename, or link + unlink when path must not be
 * replaced. Returns 0, -2 when path exists (no-replace), or -1. */
static int move_into_place(const char *tmp, const char *path,
                           enum zipw_mode mode, struct err *e)
{
	if (mode == ZIPW_REPLACE)
		return fs_commit(tmp, path, e);
	if (link(tmp, path) != 0) {
		int saved = errno;
		fs_temp_discard(tmp);
		errno = saved;
		if (saved == EEXIST) {
			err_set(e, "%s: already exists", path);
			return -2;
		}
		return err_sys(e, "%s: cannot move into place", path);
	}
	fs_temp_discard(tmp);
	return 0;
}

int zipw_commit(struct zipw *z, enum zipw_mode mode, struct err *e)
{
	char tmp[4096];
	zip_t *za = NULL;
	int fd, zerr = 0, rc = -1, have_tmp = 0;

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
	fd = fs_temp_beside(z->path, tmp, sizeof tmp, e);
	if (fd < 0)
		goto cleanup;
	have_tmp = 1;
	if (fchmod(fd, 0644) != 0) {
		err_sys(e, "%s: chmod", tmp);
		close(fd);
		goto cleanup;
	}
	close(fd);
	errno = 0;
	za = zip_open(tmp, ZIP_TRUNCATE, &zerr);
	if (za == NULL) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		note_zip_oom(&ze);
		err_set(e, "%s: %s", tmp, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		goto cleanup;
	}
	for (size_t i = 0; i < z->n; i++)
		if (add_to_archive(za, z, &z->entries[i], e) != 0)
			goto cleanup;
	errno = 0;
	if (zip_close(za) != 0) {
		note_zip_oom(zip_get_error(za));
		err_set(e, "%s: %s", z->path, zip_strerror(za));
		goto cleanup;
	}
	za = NULL;
	have_tmp = 0;
	rc = move_into_place(tmp, z->path, mode, e);
cleanup:
	if (za != NULL)
		zip_discard(za);
	if (have_tmp)
		fs_temp_discard(tmp);
	zipw_free(z);
	return rc;
}

/* ---- reading ---------------------------------------------------------- */

struct zipr {
	zip_t *za;
};

struct zipr *zipr_open(const char *path, int *is_zip, struct err *e)
{
	struct zipr *r;
	zip_t *za;
	int zerr = 0;

	errno = 0;
	za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
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
