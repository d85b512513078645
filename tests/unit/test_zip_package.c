/* test_zip_package.c — unit tests of the packager (package.h) with fake
 * documents and a fake cover sheet: the per-applicant and countersigning
 * ZIPs hold what they should, verify as intact, are byte-identical across
 * runs, bad input leaves no package behind, more than PACKAGE_PART_MAX
 * countersigned documents make parts, and the cover sheet is asked for in
 * the language the documents share. */
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
#include "fsutil.h"
#include "package.h"
#include "verify.h"
#include "zipw.h"

static char dir[] = "/tmp/pactdoc-pkg-XXXXXX";

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
		docs[i].countersign_folder = strstr(files[i], "agreement") ?
		                             "agreements" : NULL;
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
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}


/* What the fake cover sheet was asked for, per call. */
struct cover_log {
	int calls;
	int parts;
	size_t n[8];
	char lang[8][16];
	char top[8][128];
	char first_id[8][32];
	int fail;               /* make the cover sheet fail */
};

/* A package_cover_fn writing a small fake PDF. */
static int fake_cover(void *ctx, const struct package_cover *c,
                      struct produced_doc *out, struct err *e)
{
	struct cover_log *log = ctx;
	char body[256];
	size_t len;
	int k = log->calls < 8 ? log->calls : 7;

	if (log->fail)
		return err_set(e, "cover sheet failed");
	log->calls++;
	log->parts = c->parts;
	log->n[k] = c->n;
	snprintf(log->lang[k], sizeof log->lang[k], "%s",
	         c->lang ? c->lang : "(none)");
	snprintf(log->top[k], sizeof log->top[k], "%s", c->top);
	snprintf(log->first_id[k], sizeof log->first_id[k], "%s",
	         c->n ? c->docs[0].id : "");
	len = (size_t)snprintf(body, sizeof body, "%%PDF-1.7\ncover %s %d/%d "
	                       "%zu\n%%%%EOF\n", c->top, c->part, c->parts,
	                       c->n);
	if (fs_write_atomic(c->path, body, len, e) != 0 ||
	    digest_buffer(DIGEST_SHA256, body, len, out->sha256, e) != 0)
		return -1;
	out->pages = 1;
	out->bytes = len;
	return 0;
}

static struct person cs = { "Anna Example", "Head of Unit", NULL, NULL };

/* Packs docs[0..n) as generate does: a run of one batch, each applicant's
 * documents added together, then the countersigning package(s). */
static int pack(const struct produced_doc *d, size_t n, const char *batch,
                struct cover_log *log, struct err *e)
{
	struct batch b = { (char *)batch, NULL, cs, 1, NULL, 0 };
	struct packager *pk = packager_new(dir, "2026-11-23", e);
	int rc = -1;

	if (pk == NULL)
		return -1;
	if (packager_note_batch(pk, &b, e) != 0)
		goto cleanup;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(d[j].id, d[i].id) == 0; j++)
			;
		if (packager_add(pk, &d[i], j - i, batch, e) != 0)
			goto cleanup;
	}
	rc = packager_finish(pk, fake_cover, log, e);
cleanup:
	packager_free(pk);
	return rc;
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
	struct cover_log log = { 0 };
	struct verify_summary sum;
	char zip[512];
	struct err e;
	uint64_t n;
	char **names;

	(void)state;
	assert_int_equal(pack(docs, 5, "2026-11/A", &log, &e), 0);
	/* One cover sheet, for both agreements, which share no language. */
	assert_int_equal(log.calls, 1);
	assert_int_equal(log.parts, 1);
	assert_int_equal(log.n[0], 2);
	assert_string_equal(log.lang[0], "(none)");
	assert_string_equal(log.top[0], "countersign-2026-11-A");

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
	struct cover_log log = { 0 };
	char zip[512];
	char *a, *b;
	size_t la, lb;
	struct err e;

	(void)state;
	package_path(zip, sizeof zip, "countersign-2026-11-A.zip");
	assert_int_equal(pack(docs, 5, "2026-11/A", &log, &e), 0);
	a = fs_read_file(zip, 1 << 26, &la, &e);
	assert_non_null(a);
	assert_int_equal(pack(docs, 5, "2026-11/A", &log, &e), 0);
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
	struct cover_log log = { 0 };
	char zip[512];
	struct err e;

	(void)state;
	package_path(zip, sizeof zip, "SE-2.zip");
	unlink(zip);
	memcpy(copy, docs, sizeof copy);
	copy[2].sha256[0] = copy[2].sha256[0] == 'a' ? 'b' : 'a';
	assert_int_equal(pack(copy, 5, "2026-11/A", &log, &e), -1);
	assert_non_null(strstr(e.msg, "changed since it was written"));
	assert_int_not_equal(access(zip, F_OK), 0);

	memcpy(copy, docs, sizeof copy);
	copy[1].relpath = "../etc/passwd";
	assert_int_equal(pack(copy, 5, "2026-11/A", &log, &e), -1);
	memcpy(copy, docs, sizeof copy);
	copy[1].id = copy[0].id = "../x";
	assert_int_equal(pack(copy, 5, "2026-11/A", &log, &e), -1);
	memcpy(copy, docs, sizeof copy);
	copy[3].countersign_folder = "../up";
	assert_int_equal(pack(copy, 5, "2026-11/A", &log, &e), -1);
	/* A cover sheet that fails leaves no countersigning package. */
	package_path(zip, sizeof zip, "countersign-2026-11-B.zip");
	log.fail = 1;
	assert_int_equal(pack(docs, 5, "2026-11/B", &log, &e), -1);
	assert_string_equal(e.msg, "cover sheet failed");
	assert_int_not_equal(access(zip, F_OK), 0);
}

static void test_no_agreements_no_countersign_package(void **state)
{
	struct cover_log log = { 0 };
	char zip[512];
	struct err e;

	(void)state;
	/* SE-2's declaration only */
	assert_int_equal(pack(&docs[2], 1, NULL, &log, &e), 0);
	assert_int_equal(log.calls, 0);
	package_path(zip, sizeof zip, "countersign-2026-11-23.zip");
	assert_int_not_equal(access(zip, F_OK), 0);
	package_path(zip, sizeof zip, "SE-2.zip");
	assert_int_equal(access(zip, F_OK), 0);
}

/* n fake agreement forms of one language, each its own applicant. */
static struct produced_doc *many_agreements(size_t n, char ***paths)
{
	struct produced_doc *d = calloc(n, sizeof *d);
	struct err e;

	*paths = calloc(n * 2, sizeof **paths);
	assert_non_null(d);
	assert_non_null(*paths);
	for (size_t i = 0; i < n; i++) {
		char id[32], rel[128], sub[512], path[512], body[64];
		size_t len;
		snprintf(id, sizeof id, "LV-%05zu", i);
		snprintf(rel, sizeof rel, "%s/%s-agreement-lv.pdf", id, id);
		snprintf(sub, sizeof sub, "%s/%s", dir, id);
		snprintf(path, sizeof path, "%s/%s", dir, rel);
		len = (size_t)snprintf(body, sizeof body, "%%PDF-1.7\n%s\n", id);
		assert_int_equal(fs_mkdirs(sub, &e), 0);
		assert_int_equal(fs_write_atomic(path, body, len, &e), 0);
		(*paths)[2 * i] = strdup(id);
		(*paths)[2 * i + 1] = strdup(rel);
		d[i] = (struct produced_doc){ .id = (*paths)[2 * i],
			.org = "Pašvaldība", .kind = "agreement", .lang = "lv",
			.relpath = (*paths)[2 * i + 1],
			.countersign_folder = "agreements", .pages = 3,
			.bytes = len };
	}
	return d;
}

static void test_many_agreements_make_parts(void **state)
{
	size_t n = 2 * PACKAGE_PART_MAX + 1;
	struct cover_log log = { 0 };
	struct verify_summary sum;
	char **paths, zip[512];
	struct produced_doc *d = many_agreements(n, &paths);
	struct err e;
	uint64_t count;
	char **names;

	(void)state;
	/* A single package of this name from an earlier, smaller run. */
	package_path(zip, sizeof zip, "countersign-big.zip");
	assert_int_equal(fs_write_atomic(zip, "old", 3, &e), 0);
	assert_int_equal(pack(d, n, "big", &log, &e), 0);
	assert_int_equal(log.calls, 3);
	assert_int_equal(log.parts, 3);
	assert_int_equal(log.n[0], PACKAGE_PART_MAX);
	assert_int_equal(log.n[1], PACKAGE_PART_MAX);
	assert_int_equal(log.n[2], 1);
	assert_string_equal(log.top[0], "countersign-big-part-0001");
	assert_string_equal(log.top[2], "countersign-big-part-0003");
	assert_string_equal(log.first_id[1], "LV-01000");
	assert_string_equal(log.lang[0], "lv");   /* all share Latvian */
	assert_int_not_equal(access(zip, F_OK), 0);
	for (int part = 1; part <= 3; part++) {
		char name[64];
		snprintf(name, sizeof name, "countersign-big-part-%04d.zip", part);
		package_path(zip, sizeof zip, name);
		assert_int_equal(verify_zip(zip, NULL, no_problem, zip, &sum, &e),
		                 0);
		names = names_of(zip, &count);
		assert_int_equal(count, (part < 3 ? PACKAGE_PART_MAX : 1) + 3);
		free_names(names, count);
	}
	/* Fewer documents again: one package, the parts are removed. */
	assert_int_equal(pack(d, 2, "big", &log, &e), 0);
	package_path(zip, sizeof zip, "countersign-big.zip");
	assert_int_equal(verify_zip(zip, NULL, no_problem, zip, &sum, &e), 0);
	package_path(zip, sizeof zip, "countersign-big-part-0001.zip");
	assert_int_not_equal(access(zip, F_OK), 0);
	package_path(zip, sizeof zip, "countersign-big-part-0003.zip");
	assert_int_not_equal(access(zip, F_OK), 0);
	for (size_t i = 0; i < 2 * n; i++)
		free(paths[i]);
	free(paths);
	free(d);
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
		cmocka_unit_test(test_many_agreements_make_parts),
		cmocka_unit_test(test_countersign_name),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
