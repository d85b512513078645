/* test_zip_package.c — unit tests of package_write (package.h) with fake
 * documents: the per-applicant and countersigning ZIPs hold what they
 * should, verify as intact, are byte-identical across runs, and bad input
 * leaves no package behind. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "fontset.h"
#include "fsutil.h"
#include "package.h"
#include "verify.h"
#include "zipw.h"

static char dir[] = "/tmp/pactdoc-pkg-XXXXXX";
static struct fontset *fonts;

static const char *const files[] = {
	"LV-1/LV-1-agreement-lv.pdf",
	"LV-1/LV-1-declaration-lv.pdf",
	"SE-2/SE-2-declaration-sv.pdf",
	"KG-3/KG-3-agreement-ky.pdf",
	"KG-3/KG-3-declaration-ky.pdf",
};

static struct produced_doc docs[5];

static int setup(void **state)
{
	struct err e;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	fonts = fontset_load("fonts", &e);
	if (fonts == NULL) {
		fprintf(stderr, "fonts: %s\n", e.msg);
		return -1;
	}
	for (int i = 0; i < 5; i++) {
		char path[512], sub[512], body[128];
		size_t len;
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		snprintf(sub, sizeof sub, "%s/%.4s", dir, files[i]);
		len = (size_t)snprintf(body, sizeof body,
		                       "%%PDF-1.7\nfake %s\n%%%%EOF\n", files[i]);
		if (fs_mkdirs(sub, &e) != 0 ||
		    fs_write_atomic(path, body, len, &e) != 0 ||
		    digest_buffer(DIGEST_SHA256, body, len, docs[i].sha256,
		                  &e) != 0)
			return -1;
		docs[i].bytes = len;
		docs[i].relpath = files[i];
		docs[i].pages = 2 + i % 2;
		docs[i].lang = i < 2 ? "lv" : i == 2 ? "sv" : "ky";
		docs[i].kind = strstr(files[i], "agreement") ? "agreement"
		                                             : "declaration";
	}
	docs[0].id = docs[1].id = "LV-1";
	docs[2].id = "SE-2";
	docs[3].id = docs[4].id = "KG-3";
	docs[0].org = docs[1].org = "Rīgas plānošanas reģions";
	docs[2].org = "Energikontor Sydost";
	docs[3].org = docs[4].org = "Бишкек шаарынын мэриясы";
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	fontset_free(fonts);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct person cs = { "Anna Example", "Head of Unit", NULL, NULL };

static struct package_run make_run(void)
{
	struct package_run run = { 0 };

	run.outdir = dir;
	run.date = "2026-11-23";
	run.batch = "2026-11/A";
	run.countersignatory = &cs;
	run.docs = docs;
	run.n_docs = 5;
	run.fonts = fonts;
	run.datadir = ".";
	return run;
}

static void no_problem(void *ctx, const char *entry, const char *problem)
{
	fprintf(stderr, "%s: %s: %s\n", (const char *)ctx,
	        entry ? entry : "-", problem);
	fail();
}

static void ignore_problem(void *ctx, const char *entry,
                           const char *problem)
{
	(void)ctx;
	(void)entry;
	(void)problem;
}

static char **names_of(const char *zip, uint64_t *n)
{
	struct zipr *r;
	struct err e;
	char **names;

	r = zipr_open(zip, NULL, &e);
	assert_non_null(r);
	*n = zipr_count(r);
	names = calloc(*n, sizeof *names);
	for (uint64_t i = 0; i < *n; i++)
		names[i] = strdup(zipr_entry(r, i, NULL, NULL, &e));
	zipr_close(r);
	return names;
}

static void free_names(char **names, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void package_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/packages/%s", dir, name);
}

static void test_packages_are_written_and_verify(void **state)
{
	struct package_run run = make_run();
	struct verify_summary sum;
	char zip[512];
	struct err e;
	uint64_t n;
	char **names;

	(void)state;
	assert_int_equal(package_write(&run, &e), 0);

	package_path(zip, sizeof zip, "LV-1.zip");
	assert_int_equal(verify_zip(zip, NULL, no_problem, zip, &sum, &e), 0);
	assert_int_equal(sum.kind, 2);
	assert_int_equal(sum.payload_files, 3);
	names = names_of(zip, &n);
	assert_int_equal(n, 4);
	assert_string_equal(names[0], "LV-1/LV-1-agreement-lv.pdf");
	assert_string_equal(names[1], "LV-1/LV-1-declaration-lv.pdf");
	assert_string_equal(names[2], "LV-1/manifest-sha256.txt");
	assert_string_equal(names[3], "LV-1/manifest.json");
	free_names(names, n);

	/* The same archive checked from memory. */
	{
		size_t len;
		char *bytes = fs_read_file(zip, 1 << 26, &len, &e);
		struct verify_summary msum;
		assert_non_null(bytes);
		assert_int_equal(verify_zip_mem(bytes, len, NULL, no_problem,
		                                zip, &msum, &e), 0);
		assert_int_equal(msum.kind, 2);
		assert_int_equal(msum.payload_files, 3);
		bytes[len / 2] ^= 1;    /* a flipped byte in the middle */
		assert_true(verify_zip_mem(bytes, len, NULL, ignore_problem,
		                           NULL, &msum, &e) > 0);
		free(bytes);
	}

	package_path(zip, sizeof zip, "SE-2.zip");
	assert_int_equal(verify_zip(zip, NULL, no_problem, zip, &sum, &e), 0);
	package_path(zip, sizeof zip, "KG-3.zip");
	assert_int_equal(verify_zip(zip, NULL, no_problem, zip, &sum, &e), 0);

	package_path(zip, sizeof zip, "countersign-2026-11-A.zip");
	assert_int_equal(verify_zip(zip, NULL, no_problem, zip, &sum, &e), 0);
	names = names_of(zip, &n);
	assert_int_equal(n, 5);
	assert_string_equal(names[0], "countersign-2026-11-A/agreements/"
	                    "KG-3-agreement-ky.pdf");
	assert_string_equal(names[1], "countersign-2026-11-A/agreements/"
	                    "LV-1-agreement-lv.pdf");
	assert_string_equal(names[2], "countersign-2026-11-A/cover-sheet.pdf");
	assert_string_equal(names[3], "countersign-2026-11-A/"
	                    "manifest-sha256.txt");
	assert_string_equal(names[4], "countersign-2026-11-A/manifest.json");
	free_names(names, n);
	/* The cover sheet's temporary file is gone. */
	package_path(zip, sizeof zip,
	             ".countersign-2026-11-A.cover-sheet.pdf");
	assert_int_not_equal(access(zip, F_OK), 0);
}

static void test_same_documents_same_bytes(void **state)
{
	struct package_run run = make_run();
	char zip[512];
	char *a, *b;
	size_t la, lb;
	struct err e;

	(void)state;
	package_path(zip, sizeof zip, "countersign-2026-11-A.zip");
	assert_int_equal(package_write(&run, &e), 0);
	a = fs_read_file(zip, 1 << 26, &la, &e);
	assert_non_null(a);
	assert_int_equal(package_write(&run, &e), 0);
	b = fs_read_file(zip, 1 << 26, &lb, &e);
	assert_non_null(b);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
}

static void test_changed_document_is_refused(void **state)
{
	struct produced_doc copy[5];
	struct package_run run = make_run();
	struct err e;

	(void)state;
	memcpy(copy, docs, sizeof copy);
	copy[2].sha256[0] = copy[2].sha256[0] == 'a' ? 'b' : 'a';
	run.docs = copy;
	assert_int_equal(package_write(&run, &e), -1);
	assert_non_null(strstr(e.msg, "changed since it was written"));

	memcpy(copy, docs, sizeof copy);
	copy[1].relpath = "../etc/passwd";
	assert_int_equal(package_write(&run, &e), -1);
	memcpy(copy, docs, sizeof copy);
	copy[1].id = "../x";
	assert_int_equal(package_write(&run, &e), -1);
}

static void test_no_agreements_no_countersign_package(void **state)
{
	struct package_run run = make_run();
	char zip[512];
	struct err e;

	(void)state;
	run.docs = &docs[2];    /* SE-2's declaration only */
	run.n_docs = 1;
	run.batch = NULL;
	assert_int_equal(package_write(&run, &e), 0);
	package_path(zip, sizeof zip, "countersign-2026-11-23.zip");
	assert_int_not_equal(access(zip, F_OK), 0);
	package_path(zip, sizeof zip, "SE-2.zip");
	assert_int_equal(access(zip, F_OK), 0);
}

static void test_countersign_name(void **state)
{
	char buf[96];

	(void)state;
	package_countersign_name("2026-11-A", "2026-11-23", buf, sizeof buf);
	assert_string_equal(buf, "2026-11-A");
	package_countersign_name("a/../b c", "2026-11-23", buf, sizeof buf);
	assert_string_equal(buf, "a-..-b-c");
	package_countersign_name("..", "2026-11-23", buf, sizeof buf);
	assert_string_equal(buf, "2026-11-23");
	package_countersign_name(NULL, "2026-11-23", buf, sizeof buf);
	assert_string_equal(buf, "2026-11-23");
	package_countersign_name("", "2026-11-23", buf, sizeof buf);
	assert_string_equal(buf, "2026-11-23");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packages_are_written_and_verify),
		cmocka_unit_test(test_same_documents_same_bytes),
		cmocka_unit_test(test_changed_document_is_refused),
		cmocka_unit_test(test_no_agreements_no_countersign_package),
		cmocka_unit_test(test_countersign_name),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
