/* package.h — the packages `generate` writes to DIR/packages/: one ZIP
 * per applicant for staff to send, written as soon as the applicant's
 * documents are, and the countersigning package(s) for the Commission
 * representative, written at the end of the run from a list kept on disk:
 * every document whose form names a countersign folder, a cover sheet,
 * manifest.json and manifest-sha256.txt. A run of more than
 * PACKAGE_PART_MAX such documents is split into parts. Both kinds are
 * deterministic ZIPs (zipw.h) that `pactdoc verify` checks. Memory does
 * not grow with the number of applicants: at most one part is held.
 *
 * Packaging takes documents and writes ZIPs: the cover sheet is made by
 * the caller (a callback), and no document kind is known here. */
#ifndef PACTDOC_PACKAGE_H
#define PACTDOC_PACKAGE_H

#include <stddef.h>

#include "err.h"
#include "record.h"

/* At most this many documents in one countersigning package. */
#define PACKAGE_PART_MAX 1000

/* One document generate wrote. */
struct produced_doc {
	const char *id;        /* record id: names DIR/packages/<id>.zip */
	const char *org;       /* organisation name, for the cover sheet */
	const char *kind;      /* the form's kind, for the manifests */
	const char *lang;      /* language of the document (BCP 47) */
	const char *relpath;   /* relative to outdir: "LV-1/LV-1-agreement-lv.pdf" */
	const char *countersign_folder;  /* folder in the countersigning
	                          package ("agreements"); NULL: not in it */
	char sha256[65];       /* of the file as written; "" when unknown */
	int pages;
	size_t bytes;
};

/* What the cover sheet of one countersigning package shows, and where the
 * callback writes it. */
struct package_cover {
	const char *path;      /* the PDF to write (a temporary the packager
	                          removes after use) */
	const char *top;       /* "countersign-NAME" or "...-part-0002" */
	const char *file;      /* top + ".zip" */
	const char *batch;     /* the run's batch name, or NULL */
	const struct person *countersignatory;   /* or NULL */
	const char *lang;      /* the language every listed document shares,
	                          or NULL when they differ */
	int part, parts;       /* 1-based; parts == 1: not split */
	const struct produced_doc *docs;   /* sorted by id, then path */
	const char *const *names;          /* each doc's file name in the ZIP */
	size_t n;
	const struct lang_text *positions; /* the countersignatory's positions
	                                      by language, as in the batch */
	int n_positions;
};

/* Writes the cover sheet c->path; fills out's sha256, pages and bytes.
 * Returns 0, or -1 with e set (nothing left at c->path). */
typedef int (*package_cover_fn)(void *ctx, const struct package_cover *c,
                                struct produced_doc *out, struct err *e);

struct packager;

/* Starts the packages of one run into OUTDIR/packages/ (created when the
 * first package is written), entry times `date` (YYYY-MM-DD; both strings
 * copied). Returns NULL with e set. */
struct packager *packager_new(const char *outdir, const char *date,
                              struct err *e);

/* Notes the batch of an input file: the countersigning package is named
 * after the batch name all files share (after the date when none is
 * given, or files differ), and names the first countersignatory any file
 * gives. Returns 0, or -1 with e set (out of memory). */
int packager_note_batch(struct packager *pk, const struct batch *b,
                        struct err *e);

/* Packs one applicant's documents (all of the same id, any order):
 * writes OUTDIR/packages/<id>.zip (<id>/ holding its documents,
 * manifest.json and manifest-sha256.txt; the manifest's batch is `batch`,
 * the applicant's own, may be NULL) now, replacing an older one, and
 * remembers the documents with a countersign folder for packager_finish.
 * Each document is read again and must still have its SHA-256 (when
 * given). Returns 0, or -1 with e set (that package is not written). */
int packager_add(struct packager *pk, const struct produced_doc *docs,
                 size_t n, const char *batch, struct err *e);

/* Writes the countersigning package(s), if any document went to one:
 * countersign-NAME.zip holding countersign-NAME/ with <folder>/<file>.pdf,
 * cover-sheet.pdf (made by cover(ctx, ...)), manifest.json and
 * manifest-sha256.txt; more than PACKAGE_PART_MAX documents make parts
 * countersign-NAME-part-0001.zip ... of at most that many, in the order
 * they were added, each with its own cover sheet. NAME: see
 * package_countersign_name. Packages of that NAME left by an earlier run
 * with another number of parts are removed. Returns 0, or -1 with e set
 * (parts already written stay complete). */
int packager_finish(struct packager *pk, package_cover_fn cover, void *ctx,
                    struct err *e);

/* Frees pk (and its list on disk); accepts NULL. */
void packager_free(struct packager *pk);

/* The countersigning package's NAME for a batch (may be NULL) and date:
 * the batch name with every character outside [A-Za-z0-9._-] replaced by
 * '-' (at most 64), or the date when there is no batch or it is only
 * dots. Into buf (at least 80 bytes). */
void package_countersign_name(const char *batch, const char *date,
                              char *buf, size_t size);

#endif
