/* test_zipw.c — unit tests of the deterministic ZIP writer and reader
 * (zipw.h) and of BagIt's manifest path encoding (bagit.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bagit.h"
#include "fsutil.h"
#include "zipw.h"

static char dir[] = "/tmp/pactdoc-zipw-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_in(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

/* Number of entries in dir whose name starts with prefix. */
static int count_files(const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static char *slurp(const char *path, size_t *len)
{
	struct err e;
	char *data = fs_read_file(path, 1 << 26, len, &e);

	assert_non_null(data);
	return data;
}

/* Writes the same three entries, added in the given order. */
static void write_sample(const char *zip, int reversed, const char *src)
{
	struct err e;
	struct zipw *z = zipw_new(zip, "2026-11-23", &e);
	static const char text[] = "Covenant of Mayors\n";

	assert_non_null(z);
	if (!reversed) {
		assert_int_equal(zipw_add_data(z, "b/notes.txt", text,
		                               strlen(text), &e), 0);
		assert_int_equal(zipw_add_file(z, "a/doc.pdf", src, &e), 0);
		assert_int_equal(zipw_add_data(z, "b/Ūdens.json", "{}", 2, &e),
		                 0);
	} else {
		assert_int_equal(zipw_add_data(z, "b/Ūdens.json", "{}", 2, &e),
		                 0);
		assert_int_equal(zipw_add_file(z, "a/doc.pdf", src, &e), 0);
		assert_int_equal(zipw_add_data(z, "b/notes.txt", text,
		                               strlen(text), &e), 0);
	}
	assert_int_equal(zipw_count(z), 3);
	assert_int_equal(zipw_commit(z, ZIPW_REPLACE, &e), 0);
}

static void test_same_input_same_bytes(void **state)
{
	char a[512], b[512], src[512];
	size_t la, lb;
	char *da, *db;
	struct err e;

	(void)state;
	path_in(src, sizeof src, "src.pdf");
	assert_int_equal(fs_write_atomic(src, "%PDF-1.7\n", 9, &e), 0);
	path_in(a, sizeof a, "a.zip");
	path_in(b, sizeof b, "b.zip");
	setenv("TZ", "UTC", 1);
	tzset();
	write_sample(a, 0, src);
	/* Another order, another time zone, another mtime of the source. */
	setenv("TZ", "Pacific/Kiritimati", 1);
	tzset();
	{
		struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
		utimensat(AT_FDCWD, src, ts, 0);
	}
	write_sample(b, 1, src);
	unsetenv("TZ");
	tzset();
	da = slurp(a, &la);
	db = slurp(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	/* Entry order in the file is sorted: a/doc.pdf comes first. */
	assert_memory_equal(da + 30, "a/doc.pdf", 9);
	free(da);
	free(db);
	assert_int_equal(count_files("a.zip.tmp"), 0);
}

static void test_entries_have_fixed_attributes(void **state)
{
	char zip[512], src[512];
	struct zipr *r;
	struct err e;
	uint64_t size;
	int is_zip;
	size_t len;
	unsigned char *data;

	(void)state;
	path_in(src, sizeof src, "src.pdf");
	path_in(zip, sizeof zip, "attrs.zip");
	write_sample(zip, 0, src);
	data = (unsigned char *)slurp(zip, &len);
	/* First local header: version, flags, method 0 (stored PDF), DOS time
	 * 00:00, DOS date 2026-11-23, no extra field. */
	assert_memory_equal(data, "PK\3\4", 4);
	assert_int_equal(data[8] | data[9] << 8, 0);
	assert_int_equal(data[10] | data[11] << 8, 0);
	assert_int_equal(data[12] | data[13] << 8,
	                 ((2026 - 1980) << 9) | (11 << 5) | 23);
	assert_int_equal(data[28] | data[29] << 8, 0);
	free(data);
	r = zipr_open(zip, &is_zip, &e);
	assert_non_null(r);
	assert_int_equal(zipr_count(r), 3);
	assert_string_equal(zipr_entry(r, 0, &size, NULL, &e), "a/doc.pdf");
	assert_int_equal(size, 9);
	assert_string_equal(zipr_entry(r, 1, &size, NULL, &e), "b/notes.txt");
	assert_string_equal(zipr_entry(r, 2, &size, NULL, &e), "b/Ūdens.json");
	zipr_close(r);
}

static void test_dos_datetime(void **state)
{
	uint16_t d, t;

	(void)state;
	assert_int_equal(zipw_dos_datetime("1980-01-01", &d, &t), 0);
	assert_int_equal(d, (1 << 5) | 1);
	assert_int_equal(t, 0);
	assert_int_equal(zipw_dos_datetime("2107-12-31", &d, &t), 0);
	assert_int_equal(zipw_dos_datetime("1979-12-31", &d, &t), -1);
	assert_int_equal(zipw_dos_datetime("2026-13-01", &d, &t), -1);
	assert_int_equal(zipw_dos_datetime("2026-11-23x", &d, &t), -1);
	assert_int_equal(zipw_dos_datetime("", &d, &t), -1);
	/* One date parser (dates_split): no 30 February, no sign or space. */
	assert_int_equal(zipw_dos_datetime("2026-02-30", &d, &t), -1);
	assert_int_equal(zipw_dos_datetime("2026-04-31", &d, &t), -1);
	assert_int_equal(zipw_dos_datetime("2026-+1-01", &d, &t), -1);
	assert_int_equal(zipw_dos_datetime("2026-01- 1", &d, &t), -1);
}

static void test_failures_leave_nothing(void **state)
{
	char zip[512], missing[512];
	struct zipw *z;
	struct err e;

	(void)state;
	path_in(zip, sizeof zip, "fail.zip");
	path_in(missing, sizeof missing, "no-such-file.pdf");

	/* Duplicate names. */
	z = zipw_new(zip, "2026-11-23", &e);
	assert_int_equal(zipw_add_data(z, "x.txt", "1", 1, &e), 0);
	assert_int_equal(zipw_add_data(z, "x.txt", "2", 1, &e), 0);
	assert_int_equal(zipw_commit(z, ZIPW_REPLACE, &e), -1);
	assert_non_null(strstr(e.msg, "two entries named x.txt"));

	/* Empty archive. */
	z = zipw_new(zip, "2026-11-23", &e);
	assert_int_equal(zipw_commit(z, ZIPW_REPLACE, &e), -1);

	/* A source that vanished before commit. */
	z = zipw_new(zip, "2026-11-23", &e);
	assert_int_equal(zipw_add_data(z, "a.txt", "1", 1, &e), 0);
	assert_int_equal(zipw_add_file(z, "b.pdf", missing, &e), 0);
	assert_int_equal(zipw_commit(z, ZIPW_REPLACE, &e), -1);

	/* Abandoned. */
	z = zipw_new(zip, "2026-11-23", &e);
	assert_int_equal(zipw_add_data(z, "a.txt", "1", 1, &e), 0);
	zipw_free(z);
	zipw_free(NULL);

	assert_int_equal(count_files("fail.zip"), 0);
	assert_null(zipw_new(zip, "1970-01-01", &e));
}

static void test_no_replace_keeps_the_old_file(void **state)
{
	char zip[512];
	struct zipw *z;
	struct err e;
	size_t len;
	char *data;

	(void)state;
	path_in(zip, sizeof zip, "keep.zip");
	assert_int_equal(fs_write_atomic(zip, "old", 3, &e), 0);
	z = zipw_new(zip, "2026-11-23", &e);
	assert_int_equal(zipw_add_data(z, "a.txt", "1", 1, &e), 0);
	assert_int_equal(zipw_commit(z, ZIPW_NO_REPLACE, &e), -2);
	data = slurp(zip, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(data, "old", 3);
	free(data);
	assert_int_equal(count_files("keep.zip"), 1);
}

static int sink_count(void *ctx, const void *data, size_t len)
{
	(void)data;
	*(size_t *)ctx += len;
	return 0;
}

static void test_reader_caps_what_it_reads(void **state)
{
	char zip[512];
	char *big = calloc(1, 1 << 20);
	struct zipw *z;
	struct zipr *r;
	struct err e;
	uint64_t got;
	size_t seen = 0;
	int is_zip;

	(void)state;
	assert_non_null(big);
	path_in(zip, sizeof zip, "cap.zip");
	z = zipw_new(zip, "2026-11-23", &e);
	assert_int_equal(zipw_add_data(z, "zeros.bin", big, 1 << 20, &e), 0);
	assert_int_equal(zipw_commit(z, ZIPW_REPLACE, &e), 0);
	free(big);
	r = zipr_open(zip, &is_zip, &e);
	assert_non_null(r);
	assert_int_equal(zipr_stream(r, 0, 1000, sink_count, &seen, &got, &e),
	                 -1);
	assert_true(got <= 1000 + 65536);
	assert_int_equal(zipr_stream(r, 0, 1 << 20, sink_count, &seen, &got,
	                             &e), 0);
	assert_int_equal(got, 1 << 20);
	zipr_close(r);
	zipr_close(NULL);
	assert_null(zipr_open("/nonexistent/x.zip", &is_zip, &e));
	assert_int_equal(is_zip, -1);
}

static void test_bagit_path_encoding(void **state)
{
	char *enc, *dec;

	(void)state;
	enc = bagit_encode_path("data/100%\r\nx.pdf");
	assert_string_equal(enc, "data/100%25%0D%0Ax.pdf");
	dec = bagit_decode_path(enc);
	assert_string_equal(dec, "data/100%\r\nx.pdf");
	free(enc);
	free(dec);
	dec = bagit_decode_path("data/%0d%0a%41%2");
	assert_string_equal(dec, "data/\r\n%41%2");
	free(dec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_input_same_bytes),
		cmocka_unit_test(test_entries_have_fixed_attributes),
		cmocka_unit_test(test_dos_datetime),
		cmocka_unit_test(test_failures_leave_nothing),
		cmocka_unit_test(test_no_replace_keeps_the_old_file),
		cmocka_unit_test(test_reader_caps_what_it_reads),
		cmocka_unit_test(test_bagit_path_encoding),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
