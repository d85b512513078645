/* package.h — the packages `generate` writes to DIR/packages/ after all
 * documents: one ZIP per applicant for staff to send, and one ZIP per run
 * for the Commission representative who countersigns the agreement forms
 * (every agreement form, a cover sheet PDF, manifest.json and
 * manifest-sha256.txt). Both are deterministic ZIPs (zipw.h) that
 * `pactdoc verify` checks. */
#ifndef PACTDOC_PACKAGE_H
#define PACTDOC_PACKAGE_H

#include <stddef.h>

#include "err.h"
#include "fontset.h"
#include "record.h"

/* One document generate wrote. */
struct produced_doc {
	const char *id;        /* record id: names DIR/packages/<id>.zip */
	const char *org;       /* organisation name, for the cover sheet */
	const char *kind;      /* "declaration" | "agreement" */
	const char *lang;      /* language of the document (BCP 47) */
	const char *relpath;   /* relative to outdir: "LV-1/LV-1-agreement-lv.pdf" */
	char sha256[65];       /* of the file as written; "" when unknown */
	int pages;
	size_t bytes;
};

/* One generate run. */
struct package_run {
	const char *outdir;
	const char *date;                       /* YYYY-MM-DD */
	const char *batch;                      /* batch name, may be NULL */
	const struct person *countersignatory;  /* may be NULL */
	const struct produced_doc *docs;
	size_t n_docs;
	const struct fontset *fonts;            /* for the cover sheet */
	const char *datadir;
};

/* Writes, under OUTDIR/packages/ (created if needed):
 *   <id>.zip   for each applicant: <id>/ holding its documents,
 *              <id>/manifest.json and <id>/manifest-sha256.txt;
 *   countersign-<NAME>.zip when the run produced agreement forms:
 *              countersign-<NAME>/ holding agreements/<file>.pdf,
 *              cover-sheet.pdf, manifest.json and manifest-sha256.txt.
 * NAME is the batch name with every character outside [A-Za-z0-9._-]
 * replaced by '-' (at most 64), or the date when there is no batch.
 * Existing packages of those names are replaced; each ZIP is written to a
 * temporary file and renamed. Every document is read again and must still
 * have the SHA-256 given in docs (when given). Entry times are the run
 * date, so the same documents and date give the same bytes. Documents are
 * grouped by id whatever their order in docs. Returns 0, or -1 with e set
 * (packages already completed stay; the failing one is not left half
 * written). Not thread-safe with another call on the same outdir. */
int package_write(const struct package_run *run, struct err *e);

/* The countersigning package's NAME for a batch (may be NULL) and date,
 * as described above, into buf (at least 80 bytes). */
void package_countersign_name(const char *batch, const char *date,
                              char *buf, size_t size);

#endif
