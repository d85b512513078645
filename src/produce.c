/* produce.c — from one validated record to its PDF documents (see
 * produce.h): glyph coverage, then compose -> layout -> pdf per form. */
#include "produce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include "compose.h"
#include "fsutil.h"
#include "layout.h"

/* A record field by name, for coverage messages. */
struct named_text {
	const char *name;
	const char *text;
};

static void add_field(struct named_text *out, int *n, int max,
                      const char *name, const char *text)
{
	if (text != NULL && *n < max)
		out[(*n)++] = (struct named_text){ name, text };
}

/* Every text of the record (and its batch) that a document may print. */
static int collect_fields(const struct record *r, const struct batch *b,
                          struct named_text *out, int max)
{
	int n = 0;

	add_field(out, &n, max, "organisation/name", r->org_name);
	add_field(out, &n, max, "organisation/acronym", r->org_acronym);
	for (int i = 0; i < r->n_address; i++)
		add_field(out, &n, max, "organisation/address/line",
		          r->address[i]);
	add_field(out, &n, max, "organisation/address/postcode", r->postcode);
	add_field(out, &n, max, "organisation/address/city", r->city);
	add_field(out, &n, max, "organisation/website", r->website);
	add_field(out, &n, max, "signatory/name", r->signatory.name);
	add_field(out, &n, max, "signatory/position", r->signatory.position);
	add_field(out, &n, max, "signatory/email", r->signatory.email);
	add_field(out, &n, max, "contact/name", r->contact.name);
	add_field(out, &n, max, "contact/email", r->contact.email);
	add_field(out, &n, max, "contact/phone", r->contact.phone);
	add_field(out, &n, max, "eligibility/reference",
	          r->eligibility_reference);
	add_field(out, &n, max, "signing/place", r->signing_place);
	for (int i = 0; i < r->n_offers; i++)
		add_field(out, &n, max, "support/offer", r->offers[i].text);
	if (b != NULL) {
		add_field(out, &n, max, "countersignatory/name",
		          b->countersignatory.name);
		add_field(out, &n, max, "countersignatory/position",
		          b->countersignatory.position);
	}
	return n;
}

/* Rejects the record if any of its text has a character no shipped font
 * can draw. Returns 1 when rejected (diagnostics added), else 0. */
static int check_glyphs(const struct fontset *fs, const struct record *r,
                        const struct batch *b, struct diag_list *diags)
{
	struct named_text fields[64];
	int n = collect_fields(r, b, fields, 64);
	int rejected = 0;

	for (int i = 0; i < n; i++) {
		uint32_t cp = fontset_missing(fs, FACE_REGULAR, fields[i].text);
		if (cp == 0)
			cp = fontset_missing(fs, FACE_BOLD, fields[i].text);
		if (cp == 0)
			continue;
		diag_add(diags, r->file, r->line, r->col, SEV_ERROR, "glyph",
		         "record %s: %s has U+%04X, which no shipped font can "
		         "draw", r->id, fields[i].name, (unsigned)cp);
		rejected = 1;
	}
	return rejected;
}

static char *join_path(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s/%s", a, b);
	return s;
}

/* The tags tried for a document, as the catalogue resolved them (RFC 4647
 * lookup): "sr-Latn-RS -> sr-Latn -> sr -> en". A new string, or NULL. */
static char *fallback_chain(const char *requested, const char *used)
{
	size_t size = 4 * strlen(requested) + strlen(used) + 64;
	char *chain = malloc(size), *tag = strdup(requested);
	size_t len;

	if (chain == NULL || tag == NULL) {
		free(chain);
		free(tag);
		return NULL;
	}
	len = (size_t)snprintf(chain, size, "%s", tag);
	while (strcasecmp(tag, used) != 0) {
		char *dash = strrchr(tag, '-');
		if (dash == NULL) {
			snprintf(chain + len, size - len, " -> %s", used);
			break;
		}
		*dash = '\0';
		dash = strrchr(tag, '-');   /* a singleton goes with what follows */
		if (dash != NULL && strlen(dash + 1) == 1)
			*dash = '\0';
		len += (size_t)snprintf(chain + len, size - len, " -> %s", tag);
	}
	free(tag);
	return chain;
}

/* Notes the language used and the fallbacks of one document. */
static int note_languages(struct produced_file *f, const struct record *r,
                          const struct compose_info *info)
{
	snprintf(f->lang, sizeof f->lang, "%s", info->lang);
	if (info->lang_fallback &&
	    (f->fallback = fallback_chain(r->lang, info->lang)) == NULL)
		return -1;
	if (info->n_fallbacks == 0)
		return 0;
	f->missing = calloc((size_t)info->n_fallbacks, sizeof *f->missing);
	if (f->missing == NULL)
		return -1;
	for (int i = 0; i < info->n_fallbacks; i++) {
		const struct compose_fallback *fb = &info->fallbacks[i];
		size_t n = strlen(fb->file) + strlen(fb->unit) + 2;
		if ((f->missing[i] = malloc(n)) == NULL)
			return -1;
		snprintf(f->missing[i], n, "%s/%s", fb->file, fb->unit);
		f->n_missing++;
	}
	return 0;
}

/* Composes, lays out and writes one document of form f. */
static int produce_one(const struct producer *p, const struct form *f,
                       const struct record *r, const struct batch *b,
                       struct produced_file *out,
                       struct err *e)
{
	struct compose_info info = { 0 };
	struct doc doc = { 0 };
	struct pages pages = { 0 };
	struct pdf_meta meta;
	char name[256];
	int rc = -1;

	if (compose_doc(f, p->catalog, r, b, p->date, &doc, &info, e) != 0)
		goto cleanup;
	snprintf(out->kind, sizeof out->kind, "%s", f->kind);
	if (note_languages(out, r, &info) != 0) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	snprintf(name, sizeof name, "%s/%s-%s-%s.pdf", r->id, r->id, f->kind,
	         out->lang);
	out->relpath = strdup(name);
	out->path = join_path(p->outdir, name);
	if (out->relpath == NULL || out->path == NULL) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	if (layout_doc(&doc, p->fonts, &pages, e) != 0)
		goto cleanup;
	meta = (struct pdf_meta){ doc.title, doc.author, doc.subject,
	                          "pactdoc " PACTDOC_VERSION, doc.lang, p->date };
	rc = pdf_write(p->fonts, &pages, &meta, out->path, &out->pdf, e);
cleanup:
	pages_clear(&pages);
	doc_clear(&doc);
	compose_info_clear(&info);
	return rc;
}

int produce_record(const struct producer *p, const struct record *r,
                   const struct batch *b, struct production *out,
                   struct diag_list *diags, struct err *e)
{
	const struct form *forms[PRODUCE_MAX_FILES];
	int n = form_set_for_role(p->forms, r->role, forms, PRODUCE_MAX_FILES);
	char *dir;

	memset(out, 0, sizeof *out);
	if (check_glyphs(p->fonts, r, b, diags))
		return 1;
	if (n > PRODUCE_MAX_FILES)
		n = PRODUCE_MAX_FILES;
	if (n == 0)
		return err_set(e, "record %s: no form for role %s", r->id,
		               role_name(r->role));
	dir = join_path(p->outdir, r->id);
	if (dir == NULL)
		return err_set(e, "out of memory");
	if (fs_mkdirs(dir, e) != 0) {
		free(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (produce_one(p, forms[i], r, b, &out->files[i], e) != 0) {
			out->n_files = i + 1;
			free(dir);
			return -1;
		}
		out->n_files = i + 1;
	}
	free(dir);
	return 0;
}

void production_discard(struct production *out)
{
	for (int i = 0; i < out->n_files; i++)
		if (out->files[i].path != NULL && out->files[i].pdf.bytes > 0)
			unlink(out->files[i].path);
	production_clear(out);
}

void production_clear(struct production *out)
{
	for (int i = 0; i < out->n_files; i++) {
		struct produced_file *f = &out->files[i];
		free(f->path);
		free(f->relpath);
		free(f->fallback);
		for (int j = 0; j < f->n_missing; j++)
			free(f->missing[j]);
		free(f->missing);
	}
	memset(out, 0, sizeof *out);
}
