/* produce.h — one record's documents: for each form of its role, compose
 * (form + catalogue + record), lay out and write the PDF. Thread-safe:
 * the producer's resources are only read. */
#ifndef PACTDOC_PRODUCE_H
#define PACTDOC_PRODUCE_H

#include "catalog.h"
#include "diag.h"
#include "err.h"
#include "fontset.h"
#include "form.h"
#include "pdf.h"
#include "record.h"

/* What every worker shares, read-only during a run. */
struct producer {
	const struct form_set *forms;
	const struct catalog *catalog;
	const struct fontset *fonts;
	const char *outdir;
	const char *date;          /* YYYY-MM-DD */
};

#define PRODUCE_MAX_FILES 4

struct produced_file {
	char kind[32];             /* "declaration", "agreement" */
	char lang[64];             /* the catalogue language used */
	char *path;                /* outdir/<id>/<id>-<kind>-<lang>.pdf */
	char *relpath;             /* <id>/<id>-<kind>-<lang>.pdf */
	struct pdf_result pdf;
	char *fallback;            /* NULL, or "pt-BR -> pt -> en" */
	char **missing;            /* "file/unit" messages taken from another language */
	int n_missing;
};

struct production {
	struct produced_file files[PRODUCE_MAX_FILES];
	int n_files;
};

/* Writes the documents of record r (valid, eligible). Returns 0 when all
 * were written; 1 when the record is rejected (a character the fonts
 * cannot draw: a diagnostic is added, nothing is written); -1 on a system
 * error (e set; documents already written stay complete). */
int produce_record(const struct producer *p, const struct record *r,
                   const struct batch *b, struct production *out,
                   struct diag_list *diags, struct err *e);

/* Removes the documents out says were written (their content cannot be
 * trusted, e.g. memory ran out in a library while making them), then
 * clears out. */
void production_discard(struct production *out);

/* Frees what out owns and zeroes it. */
void production_clear(struct production *out);

#endif
