/* report.h — the JSON run report (--report FILE): the tool, its inputs,
 * and for each record its id, role, lang, status, outcome, diagnostics and
 * the documents produced. Records are streamed to a temporary file as
 * they finish, so memory stays flat; report_close renames it into place. */
#ifndef PACTDOC_REPORT_H
#define PACTDOC_REPORT_H

#include <stddef.h>

#include "diag.h"
#include "err.h"
#include "record.h"

struct report;

/* One document produced for a record. */
struct report_doc {
	const char *kind;         /* "declaration" | "agreement" */
	const char *path;         /* as written, e.g. out/LV-1/LV-1-declaration-lv.pdf */
	const char *sha256;
	int pages;
	size_t bytes;
	const char *lang;         /* language of the catalogue used */
	const char *fallback;     /* NULL, or how the language fell back */
	const char *const *missing;   /* message ids taken from English */
	int n_missing;
	const char *const *unreviewed; /* "file/unit" not reviewed/final */
	int n_unreviewed;
};

/* Starts a report for `command` ("validate", "generate"), creating the
 * report's directory if needed. NULL with e set on error. */
struct report *report_open(const char *path, const char *command,
                           const char *date, char *const *inputs,
                           int n_inputs, struct err *e);

/* Adds one record. outcome: "valid", "rejected", "generated", "skipped"
 * or "failed". docs may be NULL. Returns 0, or -1 with e set. */
int report_record(struct report *rep, const struct record *r,
                  const struct diag_list *diags, const char *outcome,
                  const struct report_doc *docs, int n_docs, struct err *e);

/* Adds one input file with its own diagnostics and record count. */
int report_file(struct report *rep, const char *path,
                const struct diag_list *diags, int n_records, struct err *e);

/* Finishes the JSON with the summary counts and renames it into place.
 * Frees rep whatever happens. Returns 0, or -1 with e set (nothing left). */
int report_close(struct report *rep, struct err *e);

/* Discards an unfinished report (the temporary file is removed). */
void report_abort(struct report *rep);

#endif
