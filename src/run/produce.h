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
#include "package.h"
#include "pdf.h"
#include "pipeline.h"
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
	struct pipeline *helpers;  /* idle workers make a record's documents
	                              side by side (pipeline_parallel); NULL:
	                              one after the other */
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
	const char *countersign_folder;  /* the form's; NULL: not countersigned */
	char *fallback;            /* NULL, or "pt-BR -> pt -> en" */
	char **missing;            /* "file/unit" messages taken from another language */
	int n_missing;
	char **unreviewed;         /* "file/unit" messages not reviewed/final */
	int n_unreviewed, cap_unreviewed;
};

struct production {
	struct produced_file files[PRODUCE_MAX_FILES];
	int n_files;
	int refused;               /* --require-reviewed: nothing written */
	const char *lang;          /* the catalogue language (when refused) */
	char **unreviewed;         /* when refused: every unreviewed message
	                              of the record's documents, once */
	int n_unreviewed, cap_unreviewed;
};

/* What becomes of a record the reader has checked. */
enum produce_action {
	PRODUCE_REJECT,    /* broke the contract: reported, nothing written */
	PRODUCE_SKIP,      /* valid, but not eligible: nothing written */
	PRODUCE_WRITE      /* valid and eligible: its documents are written */
};

/* The action for record r, given the reader's diagnostics about it. */
enum produce_action produce_decide(const struct record *r,
                                   const struct diag_list *diags);

/* Writes the documents of record r (valid, eligible: the validation
 * stage has checked its content, glyphs included). Returns 0 when all
 * were written, or when p->require_reviewed refused them (out->refused
 * set, out->unreviewed listing the messages, nothing written); -1 on a
 * system error (e set; documents already written stay complete). */
int produce_record(const struct producer *p, const struct record *r,
                   const struct batch *b, struct production *out,
                   struct err *e);

/* The documents of a production of record r, as packaging takes them,
 * into docs (at least PRODUCE_MAX_FILES). The strings are borrowed from
 * out and r. Returns how many. */
int production_docs(const struct production *out, const struct record *r,
                    struct produced_doc *docs);

/* Writes a countersigning package's cover sheet (a package_cover_fn; ctx
 * is the const struct producer) from the forms' cover sheet form, in
 * c->lang when the catalogues have it, else English. Returns 0, or -1
 * with e set. */
int produce_cover(void *ctx, const struct package_cover *c,
                  struct produced_doc *out, struct err *e);

/* Removes the documents out says were written (their content cannot be
 * trusted, e.g. memory ran out in a library while making them), then
 * clears out. */
void production_discard(struct production *out);

/* Frees what out owns and zeroes it. */
void production_clear(struct production *out);

#endif
