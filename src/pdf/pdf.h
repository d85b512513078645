/* pdf.h — the PDF stage: laid-out pages become a PDF file with libharu,
 * fonts embedded, empty signature fields, metadata, reproducible bytes. */
#ifndef PACTDOC_PDF_H
#define PACTDOC_PDF_H

#include <stddef.h>

#include "err.h"
#include "fontset.h"
#include "pages.h"

struct pdf_meta {
	const char *title;
	const char *author;    /* the organisation */
	const char *subject;
	const char *creator;   /* "pactdoc VERSION" */
	const char *lang;      /* catalog /Lang, BCP 47 */
	const char *date;      /* YYYY-MM-DD: CreationDate and ModDate, UTC */
};

/* What was written. */
struct pdf_result {
	size_t bytes;
	int pages;
	char sha256[65];       /* lowercase hex of the file's bytes */
};

/* Frees the calling thread's cache of memory for libharu's objects (kept
 * between documents; freed by itself when a thread other than the main
 * thread ends). pdf_write may be called again afterwards. */
void pdf_thread_cleanup(void);

/* Writes the pages to `path` atomically (a temporary file in the same
 * directory, renamed into place; nothing is left on failure). Returns 0,
 * or -1 with e set. */
int pdf_write(const struct fontset *fs, const struct pages *pages,
              const struct pdf_meta *meta, const char *path,
              struct pdf_result *res, struct err *e);

#endif
