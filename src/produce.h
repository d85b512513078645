/* produce.h — one record's documents: for each form of its role, compose
 * (form + catalogue + record), lay out and write the PDF. Thread-safe:
 * the producer's resources are only read. */
#ifndef PACTDOC_PRODUCE_H
#define PACTDOC_PRODUCE_H

#include "catalog.h"
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
	int require_reviewed;      /* write nothing for a record whose
	                              documents hold unreviewed messages */
};

#define PRODUCE_MAX_FILES 4

struct produced_file {
	const char *kind;          /* the form's kind ("declaration",
	                              "agreement"; owned by the form set) */
	const char *lang;          /* the catalogue language used (owned by
	                              the catalogue) */
	char *path;                /* outdir/<id>/<id>-<kind>-<lang>.pdf */
	char *relpath;             /* <id>/<id>-<kind>-<lang>.pdf */
	struct pdf_result pdf;
	char *fallback;            /* NULL, or "pt-BR -> pt -> en" */
	char **missing;            /* "file/unit" messages taken from another language */
	int n_missing;
	char **unreviewed;         /* "file/unit" messages not reviewed/final */
	int n_unreviewed;
};

struct production {
	struct produced_file files[PRODUCE_MAX_FILES];
	int n_files;
	int refused;               /* --require-reviewed: nothing written */
	const char *lang;          /* the catalogue language (when refused) */
	char **unreviewed;         /* when refused: every unreviewed message
	                              of the record's documents, once */
	int n_unreviewed;
};

/* Writes the documents of record r (valid, eligible: the validation
 * stage has checked its content, glyphs included). Returns 0 when all
 * were written, or when p->require_reviewed refused them (out->refused
 * set, out->unreviewed listing the messages, nothing written); -1 on a
 * system error (e set; documents already written stay complete). */
int produce_record(const struct producer *p, const struct record *r,
                   const struct batch *b, struct production *out,
                   struct err *e);

/* Frees what out owns and zeroes it. */
void production_clear(struct production *out);

#endif
