/* test_pdf.c — pdf_write on hand-built pages: files written atomically,
 * reproducible bytes, errors leave nothing behind. With environment
 * variables it also writes the PDFs that tests/e2e/test_fonts.py and
 * test_pdf.py render and inspect:
 *   PACTDOC_PDF_SAMPLE=FILE.pdf   the script sample (+ FILE.pdf.txt list)
 *   PACTDOC_PDF_CHARS=IN.txt and PACTDOC_PDF_CHARS_OUT=FILE.pdf
 *                                 every character of IN.txt, regular and
 *                                 bold, one per cell (+ FILE.pdf.txt) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture_fonts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

#include "fontset.h"
#include "fsutil.h"
#include "pages.h"
#include "pdf.h"

#define A4_W 595.276
#define A4_H 841.89

static const struct pdf_meta meta = {
	.title = "Commitment declaration — Ģirts Ķēniņš",
	.author = "Бишкек шаары мэриясы",
	.subject = "Covenant of Mayors",
	.creator = "pactdoc test",
	.lang = "lv",
	.date = "2026-01-31",
};

/* Appends one run of `face` text at x, y and writes a manifest line. */
static void sample_run(struct page *pg, FILE *manifest, const char *label,
                       enum face face, double size, double x, double y,
                       const char *text)
{
	uint32_t cp;
	int font;

	fontset_utf8_next(text, strlen(text), &cp);
	font = fontset_pick(fs, face, cp);
	assert_true(font >= 0);
	double w = fontset_width(fs, font, size, text, strlen(text));
	assert_int_equal(page_add_run(pg, font, size, x, y, w, text,
	                              strlen(text)), 0);
	if (manifest != NULL)
		fprintf(manifest, "%s\t%s\t%g\t%g\t%g\t%g\t%s\n", label,
		        fontset_path(fs, font), size, x, y, w, text);
}

/* The script sample: the characters libharu 2.3.0 is known to break with
 * stock fonts, and one line in each script the records use. */
static void build_sample(struct pages *p, FILE *manifest)
{
	struct page *pg, *pg2;
	static const struct { const char *label; enum face face;
	                      const char *text; } lines[] = {
		{ "latvian", FACE_REGULAR, "Ģirts Ķēniņš, Rīgas dome" },
		{ "latvian-bold", FACE_BOLD, "Ģirts Ķēniņš, Rīgas dome" },
		{ "cyrillic", FACE_REGULAR, "Кыргыз Республикасы ңөү" },
		{ "serbian-bold", FACE_BOLD, "Ђорђе Ћирић, Љубљана" },
		{ "greek", FACE_REGULAR, "Ο Δήμος Αθηναίων" },
		{ "georgian", FACE_REGULAR, "საქართველო" },
		{ "armenian", FACE_REGULAR, "Երևանի քաղաքապետարան" },
		{ "hebrew", FACE_REGULAR, "םילשורי" },            /* visual */
		{ "arabic", FACE_REGULAR, "ﺔﻴﺑﺮﻌﻟﺍ" },  /* العربية, shaped, visual */
		{ "english", FACE_REGULAR,
		  "Covenant of Mayors for Climate & Energy — “№ 42” €" },
	};
	static const struct { const char *label; enum face face;
	                      const char *text; } glyphs[] = {
		{ "bold-scaron", FACE_BOLD, "š" },
		{ "bold-s", FACE_BOLD, "s" },
		{ "greek-omicron", FACE_REGULAR, "ο" },
		{ "greek-omicron-tonos", FACE_REGULAR, "ό" },
		{ "greek-Omicron-tonos", FACE_REGULAR, "Ό" },
		{ "bold-greek-omicron", FACE_BOLD, "ο" },
		{ "bold-greek-omicron-tonos", FACE_BOLD, "ό" },
		{ "bold-greek-Omicron-tonos", FACE_BOLD, "Ό" },
		{ "regular-scaron", FACE_REGULAR, "š" },
		{ "regular-s", FACE_REGULAR, "s" },
	};
	size_t i;

	memset(p, 0, sizeof *p);
	p->width = A4_W;
	p->height = A4_H;
	pg = pages_add_page(p);
	assert_non_null(pg);
	for (i = 0; i < sizeof glyphs / sizeof glyphs[0]; i++)
		sample_run(pg, manifest, glyphs[i].label, glyphs[i].face, 36,
		           50 + (double)(i % 5) * 100, 760 - (double)(i / 5) * 70,
		           glyphs[i].text);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
		sample_run(pg, manifest, lines[i].label, lines[i].face, 14, 50,
		           580 - (double)i * 30, lines[i].text);
	assert_int_equal(page_add_rule(pg, 50, 200, 250, 200, 0.5), 0);
	pg2 = pages_add_page(p);
	assert_non_null(pg2);
	sample_run(pg2, manifest, "page2", FACE_REGULAR, 11, 50, 780,
	           "Pa\xC2\xADraksts / Signature");   /* soft hyphen */
	assert_int_equal(page_add_rule(pg2, 50, 600, 250, 600, 0.5), 0);
	assert_int_equal(page_add_rule(pg2, 320, 600, 520, 600, 0.5), 0);
	assert_int_equal(pages_add_field(p, 1, 50, 600, 200, 60,
	                 "applicant_signature",
	                 "Pieteicēja likumīgā pārstāvja paraksts"), 0);
	assert_int_equal(pages_add_field(p, 1, 320, 600, 200, 60,
	                 "commission_signature",
	                 "Eiropas Komisijas pārstāvja paraksts"), 0);
}

static char *read_all(const char *path, size_t *len)
{
	return fs_read_file(path, 64u << 20, len, NULL);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void test_write_reproducible(void **state)
{
	char dir[] = "/tmp/pactdoc-pdf-XXXXXX", a[256], b[256];
	struct pages p;
	struct pdf_result ra, rb;
	struct err e = { "" };
	char *da, *db;
	size_t la, lb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/a.pdf", dir);
	snprintf(b, sizeof b, "%s/b.pdf", dir);
	build_sample(&p, NULL);
	assert_int_equal(pdf_write(fs, &p, &meta, a, &ra, &e), 0);
	assert_int_equal(pdf_write(fs, &p, &meta, b, &rb, &e), 0);
	da = read_all(a, &la);
	db = read_all(b, &lb);
	assert_non_null(da);
	assert_non_null(db);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	assert_int_equal(ra.bytes, la);
	assert_int_equal(ra.pages, 2);
	assert_string_equal(ra.sha256, rb.sha256);
	assert_int_equal(strlen(ra.sha256), 64);
	assert_memory_equal(da, "%PDF-", 5);
	assert_non_null(memmem(da, la, "/FT /Sig", 8));
	assert_non_null(memmem(da, la, "/ID [", 5));
	assert_non_null(memmem(da, la, "D:20260131000000+00'00'", 23));
	assert_int_equal(count_entries(dir), 2);   /* no temporary left */
	free(da);
	free(db);
	unlink(a);
	unlink(b);
	rmdir(dir);
	pages_clear(&p);
}

static void test_errors_leave_nothing(void **state)
{
	char dir[] = "/tmp/pactdoc-pdf-XXXXXX", a[256];
	struct pages p;
	struct pdf_meta bad = meta;
	struct err e = { "" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/a.pdf", dir);
	build_sample(&p, NULL);

	bad.date = "2026-13-01";
	assert_int_equal(pdf_write(fs, &p, &bad, a, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "date"));

	p.pages[0].runs[0].font = 99;
	assert_int_equal(pdf_write(fs, &p, &meta, a, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "font"));
	p.pages[0].runs[0].font = 0;

	/* A character that is not in the run's font is refused, never a
	 * box or a blank. */
	free(p.pages[0].runs[0].text);
	p.pages[0].runs[0].text = strdup("a\xE1\x83\x90");   /* a + Georgian */
	p.pages[0].runs[0].font = fontset_pick(fs, FACE_REGULAR, 'a');
	assert_int_equal(pdf_write(fs, &p, &meta, a, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "U+10D0"));
	p.pages[0].runs[0].text[1] = '\0';

	p.pages[0].runs[1].x = 0.0 / 0.0;
	assert_int_equal(pdf_write(fs, &p, &meta, a, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "position"));
	p.pages[0].runs[1].x = 50;

	p.fields[0].page = 7;
	assert_int_equal(pdf_write(fs, &p, &meta, a, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "page"));

	assert_int_equal(count_entries(dir), 0);
	rmdir(dir);
	pages_clear(&p);
}

/* A different input gives a different file and /ID. */
static void test_input_changes_output(void **state)
{
	char dir[] = "/tmp/pactdoc-pdf-XXXXXX", a[256];
	struct pages p;
	struct pdf_meta other = meta;
	struct pdf_result ra, rb;
	struct err e = { "" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/a.pdf", dir);
	build_sample(&p, NULL);
	assert_int_equal(pdf_write(fs, &p, &meta, a, &ra, &e), 0);
	other.date = "2026-02-01";
	assert_int_equal(pdf_write(fs, &p, &other, a, &rb, &e), 0);
	assert_string_not_equal(ra.sha256, rb.sha256);
	unlink(a);
	rmdir(dir);
	pages_clear(&p);
}

/* Writes every character of a file in both faces, one per cell; a
 * character no font can draw is listed as "MISSING" in the manifest. */
static int write_chars(const char *in, const char *out)
{
	char mpath[4096];
	struct pages p;
	struct page *pg = NULL;
	struct err e = { "" };
	FILE *m;
	size_t len, i = 0;
	char *text = read_all(in, &len);
	int cell = 0, rc = -1;

	memset(&p, 0, sizeof p);
	if (text == NULL)
		return -1;
	snprintf(mpath, sizeof mpath, "%s.txt", out);
	m = fopen(mpath, "w");
	if (m == NULL)
		goto cleanup;
	p.width = A4_W;
	p.height = A4_H;
	while (i < len) {
		uint32_t cp;
		int n = fontset_utf8_next(text + i, len - i, &cp), face;
		char ch[8] = { 0 }, label[32];
		if (n < 0)
			goto cleanup;
		memcpy(ch, text + i, (size_t)n);
		i += (size_t)n;
		if (fontset_is_invisible(cp) || cp == ' ')
			continue;
		for (face = 0; face < FACE_COUNT; face++) {
			snprintf(label, sizeof label, "U+%04X-%s", (unsigned)cp,
			         face ? "bold" : "regular");
			if (fontset_pick(fs, (enum face)face, cp) < 0) {
				fprintf(m, "%s\tMISSING\n", label);
				continue;
			}
			if (cell % 240 == 0)
				pg = pages_add_page(&p);
			sample_run(pg, m, label, (enum face)face, 24,
			           40 + (cell % 12) * 45,
			           790 - ((cell % 240) / 12) * 38.0, ch);
			cell++;
		}
	}
	fclose(m);
	m = NULL;
	if (p.n_pages == 0)
		pages_add_page(&p);
	if (pdf_write(fs, &p, &meta, out, NULL, &e) < 0) {
		fprintf(stderr, "test_pdf: %s\n", e.msg);
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (m != NULL)
		fclose(m);
	free(text);
	pages_clear(&p);
	return rc;
}

static int write_sample(const char *out)
{
	char mpath[4096];
	struct pages p;
	struct err e = { "" };
	FILE *m;

	snprintf(mpath, sizeof mpath, "%s.txt", out);
	m = fopen(mpath, "w");
	if (m == NULL)
		return -1;
	build_sample(&p, m);
	fclose(m);
	if (pdf_write(fs, &p, &meta, out, NULL, &e) < 0) {
		fprintf(stderr, "test_pdf: %s\n", e.msg);
		return -1;
	}
	pages_clear(&p);
	return 0;
}

int main(void)
{
	const char *sample = getenv("PACTDOC_PDF_SAMPLE");
	const char *chars = getenv("PACTDOC_PDF_CHARS");
	const char *chars_out = getenv("PACTDOC_PDF_CHARS_OUT");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_reproducible),
		cmocka_unit_test(test_errors_leave_nothing),
		cmocka_unit_test(test_input_changes_output),
	};

	if ((sample && *sample) || (chars && *chars)) {
		int rc = 0;
		if (fonts_setup(NULL) < 0)
			return 1;
		if (sample && *sample && write_sample(sample) < 0)
			rc = 1;
		if (chars && *chars && chars_out &&
		    write_chars(chars, chars_out) < 0)
			rc = 1;
		fonts_teardown(NULL);
		return rc;
	}
	return cmocka_run_group_tests(tests, fonts_setup, fonts_teardown);
}
