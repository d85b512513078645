/* compose.h — one document's abstract content (struct doc, doc.h) from a
 * form (form.h), the message catalogues (catalog.h), a record and its
 * batch: messages in the record's language, placeholders filled, fields
 * localised, names and addresses protected from hyphenation. */
#ifndef PACTDOC_COMPOSE_H
#define PACTDOC_COMPOSE_H

#include "catalog.h"
#include "doc.h"
#include "err.h"
#include "form.h"
#include "record.h"

/* A message that came from a language other than the document's. */
struct compose_fallback {
	char *file;             /* catalogue file id */
	char *unit;             /* unit id */
	const char *from;       /* language it came from (owned by the catalog) */
};

/* What compose_doc reports about languages, for the run report. */
struct compose_info {
	const char *requested;  /* the record's lang, whole (borrowed from
	                           the record; "" when it has none) */
	const char *lang;       /* the catalogue language used (owned by the
	                           catalog); also in doc->lang */
	int lang_fallback;      /* lang is not the requested tag */
	struct compose_fallback *fallbacks;  /* each message once, in order */
	int n_fallbacks, cap_fallbacks;
	struct compose_fallback *unreviewed; /* each message whose text is
	                                        not reviewed/final, in order */
	int n_unreviewed, cap_unreviewed;
};

/* Frees what info owns and zeroes it; accepts NULL and a zeroed info. */
void compose_info_clear(struct compose_info *info);

/* Builds out (a zeroed struct doc) from form f for record r of batch b
 * (b may be NULL), in the record's language as catalog c resolves it.
 * run_date is YYYY-MM-DD: the "date" field and {date}. Placeholders
 * {organisation} {signatory} {position} {role} {countersignatory} {id}
 * {reference} {date} {country} are filled ({page} and {pages} are left for
 * the layout stage) and names, e-mails, URLs and places put into text are
 * marked as nohyph spans. info (zeroed; may be NULL) receives the language
 * used and every message fallback; free it with compose_info_clear.
 * Returns 0, or -1 with e set (a message missing even in en, an invalid
 * date, out of memory); on error out and info are cleared.
 * Thread-safe: f, c, r and b are only read. */
int compose_doc(const struct form *f, const struct catalog *c,
                const struct record *r, const struct batch *b,
                const char *run_date, struct doc *out,
                struct compose_info *info, struct err *e);

/* One document listed on a cover sheet. */
struct cover_row {
	const char *id;         /* record id */
	const char *org;        /* organisation name; may be NULL */
	const char *file;       /* file name in the package */
	const char *sha256;     /* 64 hex digits */
	int pages;
};

/* What a countersigning package's cover sheet shows. */
struct cover_data {
	const char *lang;       /* BCP 47 tag of the sheet; NULL: English */
	const char *batch;      /* field batch.name; may be NULL */
	const struct person *countersignatory;  /* field countersignatory;
	                           NULL: common:commission.representative */
	const char *package_file;   /* field package.file: "countersign-X.zip" */
	int part, parts;        /* field package.part: "2 / 5", "" when parts <= 1 */
	const struct cover_row *rows;   /* the <documents> table, in order */
	size_t n_rows;          /* field package.count */
	const struct lang_text *positions;  /* the countersignatory's
	                           positions by language (batch_position) */
	int n_positions;
};

/* Builds out (a zeroed struct doc) from the cover sheet form f (purpose
 * "countersign-cover") for the package cv, in cv->lang as catalog c
 * resolves it; fields and placeholders as compose_doc, plus the cover
 * fields above; record fields are empty. info as in compose_doc (may be
 * NULL). Returns 0, or -1 with e set; on error out and info are cleared.
 * Thread-safe: f, c and cv are only read. */
int compose_cover(const struct form *f, const struct catalog *c,
                  const struct cover_data *cv, const char *run_date,
                  struct doc *out, struct compose_info *info, struct err *e);

#endif
