/* test_fsutil.c — unit tests of the file-system helpers (fsutil.h): atomic
 * writes, the registry of temporaries (no size limit), the sweep of a
 * killed run's temporaries, the full-disk message, and directory listings
 * (byte order, hidden names, special files). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

static char dir[] = "/tmp/pactdoc-fsutil-XXXXXX";

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

/* Number of entries of d whose names start with '.' (not . and ..). */
static int count_hidden(const char *d)
{
	DIR *dh = opendir(d);
	struct dirent *de;
	int n = 0;

	assert_non_null(dh);
	while ((de = readdir(dh)) != NULL)
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dh);
	return n;
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void test_write_atomic_leaves_only_the_file(void **state)
{
	char sub[512], path[600];
	struct err e;
	size_t len;
	char *back;

	(void)state;
	snprintf(sub, sizeof sub, "%s/w/x", dir);
	snprintf(path, sizeof path, "%s/a.pdf", sub);
	assert_int_equal(fs_mkdirs(sub, &e), 0);
	assert_int_equal(fs_write_atomic(path, "%PDF-1.7\n", 9, &e), 0);
	back = fs_read_file(path, 100, &len, &e);
	assert_non_null(back);
	assert_int_equal(len, 9);
	assert_memory_equal(back, "%PDF-1.7\n", 9);
	free(back);
	assert_int_equal(count_hidden(sub), 0);
}

/* A killed run's temporaries go when a run writes into their folder
 * again; a temporary that a live writer holds, and other names, stay. */
static void test_mkdirs_sweeps_stale_temporaries(void **state)
{
	const char *stale[] = {
		".GEN-1-declaration-lv.pdf.tmp.a1B2c3",
		".countersign-X.zip.tmp.ZZZZZZ.q9Q9q9",   /* libzip's own */
	};
	const char *kept[] = {
		".keep", ".x.pdf.tmp.abc", "x.pdf.tmp.abcdef", "a.pdf",
	};
	char sub[512], path[700], held[700];
	struct err e;
	int fd;

	(void)state;
	snprintf(sub, sizeof sub, "%s/sweep", dir);
	assert_int_equal(fs_mkdirs(sub, &e), 0);
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", sub, stale[i]);
		assert_int_equal(fs_write_atomic(path, "x", 1, &e), 0);
	}
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", sub, kept[i]);
		assert_int_equal(fs_write_atomic(path, "x", 1, &e), 0);
	}
	snprintf(path, sizeof path, "%s/b.pdf", sub);
	fd = fs_temp_beside(path, held, sizeof held, &e);
	assert_true(fd >= 0);

	assert_int_equal(fs_mkdirs(sub, &e), 0);
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", sub, stale[i]);
		assert_false(exists(path));
	}
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", sub, kept[i]);
		assert_true(exists(path));
	}
	assert_true(exists(held));
	close(fd);
	fs_temp_discard(held);
	assert_false(exists(held));
}

static void test_full_disk_is_named(void **state)
{
	struct err e;

	(void)state;
	errno = ENOSPC;
	assert_int_equal(fs_err_write(&e, "out/a.pdf", "write"), -1);
	assert_string_equal(e.msg, "out/a.pdf: cannot write: the disk is full: "
	                    "No space left on device");
	errno = EACCES;
	fs_err_write(&e, "out/a.pdf", "write");
	assert_string_equal(e.msg, "out/a.pdf: cannot write: Permission denied");
}

/* More temporaries at once than the old fixed table held (320): every one
 * is removed by fs_remove_temps. Runs last: after fs_remove_temps no
 * temporary can be created in this process. */
static void test_every_temporary_is_removed(void **state)
{
	enum { N = 500 };
	static char tmp[N][600];
	static int fds[N];
	char sub[512], path[600];
	struct err e;

	(void)state;
	snprintf(sub, sizeof sub, "%s/many", dir);
	assert_int_equal(fs_mkdirs(sub, &e), 0);
	for (int i = 0; i < N; i++) {
		snprintf(path, sizeof path, "%s/doc-%d.pdf", sub, i);
		fds[i] = fs_temp_beside(path, tmp[i], sizeof tmp[i], &e);
		assert_true(fds[i] >= 0);
	}
	assert_int_equal(count_hidden(sub), N);
	fs_remove_temps();
	assert_int_equal(count_hidden(sub), 0);
	for (int i = 0; i < N; i++)
		close(fds[i]);
	/* The run is being interrupted: nothing new is created. */
	snprintf(path, sizeof path, "%s/late.pdf", sub);
	assert_int_equal(fs_write_atomic(path, "x", 1, &e), -1);
	assert_non_null(strstr(e.msg, "interrupted"));
	assert_int_equal(count_hidden(sub), 0);
	assert_false(exists(path));
}

/* fsutil_unsafe_name is the one file-name rule (bagit.c, verify.c). */
static void test_unsafe_names(void **state)
{
	(void)state;
	assert_null(fsutil_unsafe_name("agreements/LV-0001.pdf"));
	assert_null(fsutil_unsafe_name("Jānis/līgums.pdf"));
	assert_null(fsutil_unsafe_name("folder/"));
	assert_string_equal(fsutil_unsafe_name(""), "empty name");
	assert_non_null(strstr(fsutil_unsafe_name("/etc/passwd"), "absolute"));
	assert_non_null(strstr(fsutil_unsafe_name("C:x.pdf"), "drive letter"));
	assert_non_null(strstr(fsutil_unsafe_name("a\\b.pdf"), "backslash"));
	assert_non_null(strstr(fsutil_unsafe_name("a\nb.pdf"), "control"));
	assert_non_null(strstr(fsutil_unsafe_name("a\x7f.pdf"), "control"));
	assert_non_null(strstr(fsutil_unsafe_name("x\xff.pdf"), "UTF-8"));
	assert_non_null(strstr(fsutil_unsafe_name("a/../b"), "'..'"));
	assert_non_null(strstr(fsutil_unsafe_name(".."), "'..'"));
	assert_non_null(strstr(fsutil_unsafe_name("./a"), "'.'"));
	assert_non_null(strstr(fsutil_unsafe_name("a//b"), "empty"));
}

/* Listings are in byte order whatever the locale, skip hidden names,
 * and fs_list_dir keeps only regular files where fs_list_names keeps
 * every name with the suffix (a FIFO is named, never opened). */
static void test_listings_sorted_by_bytes(void **state)
{
	static const char *const files[] = {
		"b.xml", "B.xml", "a.xml", "\xc3\xa4.xml", ".hidden.xml",
		"c.txt", "a.xml.bak"
	};
	char sub[512], path[600];
	struct dirent **entries;
	char **list;
	struct err e;
	int n;

	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	snprintf(sub, sizeof sub, "%s/list", dir);
	assert_int_equal(fs_mkdirs(sub, &e), 0);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", sub, files[i]);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		assert_int_equal(fclose(f), 0);
	}
	snprintf(path, sizeof path, "%s/fifo.xml", sub);
	assert_int_equal(mkfifo(path, 0600), 0);

	n = fs_list_dir(sub, ".xml", &list, &e);
	assert_int_equal(n, 4);
	snprintf(path, sizeof path, "%s/B.xml", sub);
	assert_string_equal(list[0], path);
	snprintf(path, sizeof path, "%s/a.xml", sub);
	assert_string_equal(list[1], path);
	snprintf(path, sizeof path, "%s/b.xml", sub);
	assert_string_equal(list[2], path);
	snprintf(path, sizeof path, "%s/\xc3\xa4.xml", sub);
	assert_string_equal(list[3], path);
	fs_free_list(list, n);

	n = fs_list_names(sub, ".xml", &list, &e);
	assert_int_equal(n, 5);
	snprintf(path, sizeof path, "%s/fifo.xml", sub);
	assert_string_equal(list[3], path);
	fs_free_list(list, n);

	n = fs_list_dir(sub, ".pdf", &list, &e);
	assert_int_equal(n, 0);
	assert_null(list);

	n = fs_scan_dir(sub, &entries, &e);
	assert_int_equal(n, 7);     /* no ".", "..", ".hidden.xml" */
	assert_string_equal(entries[0]->d_name, "B.xml");
	assert_string_equal(entries[6]->d_name, "\xc3\xa4.xml");
	fs_free_entries(entries, n);

	snprintf(path, sizeof path, "%s/none", sub);
	assert_int_equal(fs_scan_dir(path, &entries, &e), -1);
	assert_null(entries);
	assert_non_null(strstr(e.msg, "No such file or directory"));
	assert_int_equal(fs_list_names(path, ".xml", &list, &e), -1);
	setlocale(LC_ALL, "C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_atomic_leaves_only_the_file),
		cmocka_unit_test(test_mkdirs_sweeps_stale_temporaries),
		cmocka_unit_test(test_full_disk_is_named),
		cmocka_unit_test(test_every_temporary_is_removed),
		cmocka_unit_test(test_unsafe_names),
		cmocka_unit_test(test_listings_sorted_by_bytes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
