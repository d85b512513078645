/* bench_layout.c — the layout stage's speed: lays out a two-page Latvian
 * document (a title, ten numbered commitments, a signature block) n times
 * and prints the time per document. Run by `make bench` on the release
 * build; a measurement, not a test (it asserts nothing about time). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compose.h"
#include "fontset.h"
#include "layout.h"
#include "para.h"

static const char *commitment =
	"Atbalstīt pašvaldības, kas parakstījušas Pilsētu mēru paktu, "
	"sagatavojot ilgtspējīgas enerģētikas un klimata rīcības plānus, "
	"organizējot apmācības un sniedzot tehnisku un stratēģisku palīdzību, "
	"lai sasniegtu Eiropas Savienības klimata mērķus līdz 2030. gadam.";

/* Appends a block of kind k with copies of text and label. Returns 0, or
 * -1 when out of memory. */
static int add(struct doc *d, enum block_kind k, const char *text,
               const char *label)
{
	struct block *b = doc_add_block(d, k);

	if (b == NULL)
		return -1;
	b->text = text ? strdup(text) : NULL;
	b->label = label ? strdup(label) : NULL;
	return 0;
}

/* Appends the applicant's signature block. Returns 0 or -1. */
static int add_signature(struct doc *d)
{
	struct block *b = doc_add_block(d, BLOCK_SIGNATURE);

	if (b == NULL)
		return -1;
	b->sig.heading = strdup("Pieteicēja");
	b->sig.n_lines = 2;
	b->sig.lines = calloc(2, sizeof *b->sig.lines);
	if (b->sig.lines == NULL)
		return -1;
	b->sig.lines[0] = strdup("Jānis Bērziņš");
	b->sig.lines[1] = strdup("Place, date:");
	b->sig.field_name = strdup("applicant_signature");
	b->sig.tooltip = strdup("Signature");
	return 0;
}

int main(int argc, char **argv)
{
	const char *fonts = argc > 1 ? argv[1] : "fonts";
	int n = argc > 2 ? atoi(argv[2]) : 200;
	struct err e = { "" };
	struct fontset *fs;
	struct doc d;
	struct timespec t0, t1;
	double ms;
	int rc = 1;

	memset(&d, 0, sizeof d);
	fs = fontset_load(fonts, &e);
	if (fs == NULL) {
		fprintf(stderr, "bench_layout: %s\n", e.msg);
		return 1;
	}
	d.lang = strdup("lv");
	d.footer = strdup("CoM-2026-000123 · REF-77");
	d.page_format = strdup("Page {page} of {pages}");
	if (add(&d, BLOCK_TITLE, "Pievienošanās līgums", NULL) != 0)
		goto cleanup;
	for (int i = 0; i < 10; i++)
		if (add(&d, BLOCK_ITEM, commitment, "1.") != 0)
			goto cleanup;
	if (add_signature(&d) != 0)
		goto cleanup;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		struct pages p;

		memset(&p, 0, sizeof p);
		if (layout_doc(&d, fs, &p, &e) != 0) {
			fprintf(stderr, "bench_layout: %s\n", e.msg);
			goto cleanup;
		}
		pages_clear(&p);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = ((double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	      (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) / n;
	printf("layout: %.3f ms per 2-page document (%d runs)\n", ms, n);
	rc = 0;
cleanup:
	doc_clear(&d);
	fontset_free(fs);
	para_thread_cleanup();
	return rc;
}
