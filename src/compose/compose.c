/* compose.c — building a document's blocks from a form, the catalogues
 * and a record (see compose.h). */
#include "compose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "array.h"
#include "dates.h"
#include "langtag.h"

#define SUBJECT_SEP " \xE2\x80\x94 "    /* " — " */
#define BULLET "\xE2\x80\xA2"           /* "•" */

/* A growing string and the nohyph spans marked in it. */
struct text {
	char *s;
	size_t len, cap;
	struct span *spans;
	int n_spans, cap_spans;
	int oom;
};

/* A placeholder's value, computed on first use. */
struct var {
	const char *name;
	char *value;
	int nohyph;
	int done;
};

enum { V_ORGANISATION, V_SIGNATORY, V_POSITION, V_ROLE, V_COUNTERSIGNATORY,
       V_ID, V_REFERENCE, V_DATE, V_COUNTRY, V_PACKAGE, N_VARS };

struct ctx {
	const struct form *f;
	const struct catalog *c;
	const struct record *r;
	const struct batch *b;
	const char *run_date;
	const char *lang;               /* catalogue language used */
	struct compose_info *info;      /* may be NULL */
	struct err *e;
	struct var vars[N_VARS];
	char *run_date_long;            /* the run date printed, once per doc */
	const struct cover_data *cover; /* the cover sheet's package, or NULL */
};

/* --- strings ---------------------------------------------------------- */

/* Appends n bytes of s to t, kept NUL-terminated; out of memory sets
 * t->oom and makes every later add a no-op. */
static void text_add(struct text *t, const char *s, size_t n)
{
	char *ns;

	if (t->oom)
		return;
	if ((ns = array_reserve(t->s, 1, t->len, n + 1, &t->cap)) == NULL) {
		t->oom = 1;
		return;
	}
	t->s = ns;
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void text_adds(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

/* Appends s as a span that must not be hyphenated. */
static void text_add_nohyph(struct text *t, const char *s)
{
	size_t start = t->len;
	struct span *ns;

	text_adds(t, s);
	if (t->oom || t->len == start)
		return;
	ns = array_reserve_int(t->spans, sizeof *ns, t->n_spans, 1, &t->cap_spans);
	if (ns == NULL) {
		t->oom = 1;
		return;
	}
	t->spans = ns;
	t->spans[t->n_spans].start = start;
	t->spans[t->n_spans].end = t->len;
	t->n_spans++;
}

static void text_free(struct text *t)
{
	free(t->s);
	free(t->spans);
	memset(t, 0, sizeof *t);
}

static int is_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/* --- messages --------------------------------------------------------- */

/* Adds file/unit (from `from`) once to the list *list of *n entries
 * (room for *cap).
 * Returns 0, or -1 out of memory. */
static int note_unit(struct compose_fallback **list, int *n, int *cap,
                     const char *file, const char *unit, const char *from)
{
	struct compose_fallback *nf;

	for (int i = 0; i < *n; i++)
		if (strcmp((*list)[i].file, file) == 0 &&
		    strcmp((*list)[i].unit, unit) == 0)
			return 0;
	nf = array_reserve_int(*list, sizeof *nf, *n, 1, cap);
	if (nf == NULL)
		return -1;
	*list = nf;
	nf = &nf[*n];
	nf->file = strdup(file);
	nf->unit = strdup(unit);
	nf->from = from;
	(*n)++;
	return nf->file && nf->unit ? 0 : -1;
}

/* Notes where a message came from: another language (a fallback) or a
 * unit not yet reviewed. Returns 0, or -1 out of memory. */
static int note_message(struct ctx *x, const char *file, const char *unit,
                        const char *from, int state)
{
	struct compose_info *in = x->info;

	if (in == NULL)
		return 0;
	if (from != x->lang &&
	    note_unit(&in->fallbacks, &in->n_fallbacks, &in->cap_fallbacks,
	              file, unit, from) != 0)
		return -1;
	if (state < CATALOG_REVIEWED &&
	    note_unit(&in->unreviewed, &in->n_unreviewed,
	              &in->cap_unreviewed, file, unit, from) != 0)
		return -1;
	return 0;
}

/* The text of a message in the document's language, noting a fallback.
 * Returns NULL with x->e set when even en lacks it. */
static const char *msg(struct ctx *x, const char *file, const char *unit)
{
	const char *from = NULL;
	int state = CATALOG_FINAL;
	const char *s = catalog_lookup_state(x->c, x->lang, file, unit, &from,
	                                     &state);

	if (s == NULL) {
		err_set(x->e, "message '%s:%s' is missing from the catalogues",
		        file, unit);
		return NULL;
	}
	if (note_message(x, file, unit, from, state) != 0) {
		err_set(x->e, "out of memory");
		return NULL;
	}
	return s;
}

static const char *fmsg(struct ctx *x, const struct form_msg *m)
{
	return msg(x, m->file, m->unit);
}

/* A message of `file` whose unit id is prefix + name ("role." + ...). */
static const char *msg_named(struct ctx *x, const char *file,
                             const char *prefix, const char *name)
{
	char unit[160];

	if (snprintf(unit, sizeof unit, "%s%s", prefix, name) >= (int)sizeof unit) {
		err_set(x->e, "name too long: '%s'", name);
		return NULL;
	}
	return msg(x, file, unit);
}

/* --- field values ----------------------------------------------------- */

/* The country's name in the document language (ICU/CLDR); the code
 * itself when ICU has no name for it. */
static char *country_name(const char *code, const char *lang)
{
	UErrorCode st = U_ZERO_ERROR;
	char loc[64], disp[64];
	UChar name[128];
	char out[512];
	int32_t n;

	if (is_empty(code))
		return strdup("");
	if (snprintf(loc, sizeof loc, "und_%s", code) >= (int)sizeof loc)
		return strdup(code);
	(void)langtag_icu_locale(lang, disp, sizeof disp);
	n = uloc_getDisplayCountry(loc, disp, name, 128, &st);
	if (U_FAILURE(st) || n <= 0 || n >= 128)
		return strdup(code);
	u_strToUTF8(out, (int32_t)sizeof out, NULL, name, n, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return strdup(code);
	return strdup(out);
}

/* Countries whose postal addresses put the postcode after the city:
 * ", " between them in Latvia, a space in the others. */
static const char *postcode_after_city(const char *country)
{
	static const char *const spaced[] = { "GB", "IE", "MT", "US", "CA",
	                                      "AU", "NZ" };

	if (country == NULL)
		return NULL;
	if (strcasecmp(country, "LV") == 0)
		return ", ";
	for (size_t i = 0; i < sizeof spaced / sizeof spaced[0]; i++)
		if (strcasecmp(country, spaced[i]) == 0)
			return " ";
	return NULL;
}

/* The address on one line: its lines, then postcode and city as the
 * country writes them, joined with ", ". */
static char *address_text(const struct record *r)
{
	struct text t = { 0 };
	const char *after = postcode_after_city(r->org_country);

	for (int i = 0; i < r->n_address; i++) {
		if (is_empty(r->address[i]))
			continue;
		if (t.len > 0)
			text_adds(&t, ", ");
		text_adds(&t, r->address[i]);
	}
	if (!is_empty(r->city) || !is_empty(r->postcode)) {
		if (t.len > 0)
			text_adds(&t, ", ");
		if (is_empty(r->postcode)) {
			text_adds(&t, r->city);
		} else if (is_empty(r->city)) {
			text_adds(&t, r->postcode);
		} else if (after != NULL) {
			text_adds(&t, r->city);
			text_adds(&t, after);
			text_adds(&t, r->postcode);
		} else {
			text_adds(&t, r->postcode);
			text_adds(&t, " ");
			text_adds(&t, r->city);
		}
	}
	text_adds(&t, "");
	if (t.oom) {
		text_free(&t);
		return NULL;
	}
	free(t.spans);
	return t.s;
}

/* The locale dates are written in: EU documents in English follow the
 * Interinstitutional Style Guide ("20 November 2026"), i.e. en-GB, not
 * ICU's default en-US ("November 20, 2026"). */
static const char *date_lang(const char *lang)
{
	return strcasecmp(lang, "en") == 0 ? "en-GB" : lang;
}

/* A new copy of s, or NULL with x->e set. */
static char *copy_of(struct ctx *x, const char *s)
{
	char *v = strdup(s);

	if (v == NULL)
		err_set(x->e, "out of memory");
	return v;
}

static char *long_date(struct ctx *x, const char *iso)
{
	char buf[128];

	if (is_empty(iso))
		return copy_of(x, "");
	if (dates_format_long(date_lang(x->lang), iso, buf, sizeof buf) != 0) {
		err_set(x->e, "'%s' is not a date that can be printed", iso);
		return NULL;
	}
	return copy_of(x, buf);
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static char *localised(struct ctx *x, const char *prefix, const char *name)
{
	const char *s;

	if (is_empty(name))
		return copy_of(x, "");
	s = msg_named(x, "common", prefix, name);
	return s ? copy_of(x, s) : NULL;
}

/* The value of a record field path as a new string ("" when absent),
 * *nohyph set for names, addresses, e-mails, URLs, places and codes.
 * NULL with x->e set on error. */
static char *cover_value(struct ctx *x, const char *path, int *nohyph);

static char *field_value(struct ctx *x, const char *path, int *nohyph)
{
	const struct record *r = x->r;
	const struct person *cs = x->b && x->b->has_countersignatory ?
	                          &x->b->countersignatory : NULL;
	const struct person *ct = r->has_contact ? &r->contact : NULL;
	char *v;

	*nohyph = 1;
	if (x->cover != NULL && (strcmp(path, "countersignatory") == 0 ||
	                         strncmp(path, "package.", 8) == 0 ||
	                         strncmp(path, "batch.", 6) == 0))
		return cover_value(x, path, nohyph);
	if (strcmp(path, "id") == 0)
		v = dup_or_empty(r->id);
	else if (strcmp(path, "organisation.name") == 0)
		v = dup_or_empty(r->org_name);
	else if (strcmp(path, "organisation.acronym") == 0)
		v = dup_or_empty(r->org_acronym);
	else if (strcmp(path, "organisation.country") == 0)
		v = country_name(r->org_country, x->lang);
	else if (strcmp(path, "organisation.address") == 0)
		v = address_text(r);
	else if (strcmp(path, "organisation.website") == 0)
		v = dup_or_empty(r->website);
	else if (strcmp(path, "signatory.name") == 0)
		v = dup_or_empty(r->signatory.name);
	else if (strcmp(path, "signatory.email") == 0)
		v = dup_or_empty(r->signatory.email);
	else if (strcmp(path, "contact.name") == 0)
		v = dup_or_empty(ct ? ct->name : NULL);
	else if (strcmp(path, "contact.email") == 0)
		v = dup_or_empty(ct ? ct->email : NULL);
	else if (strcmp(path, "contact.phone") == 0)
		v = dup_or_empty(ct ? ct->phone : NULL);
	else if (strcmp(path, "eligibility.reference") == 0)
		v = dup_or_empty(r->eligibility_reference);
	else if (strcmp(path, "signing.place") == 0)
		v = dup_or_empty(r->signing_place);
	else if (strcmp(path, "countersignatory.name") == 0)
		v = dup_or_empty(cs ? cs->name : NULL);
	else if (strcmp(path, "eligibility.confirmed") == 0)
		return long_date(x, r->eligibility_confirmed);
	else if (strcmp(path, "date") == 0) {
		if (x->run_date_long == NULL &&
		    (x->run_date_long = long_date(x, x->run_date)) == NULL)
			return NULL;
		v = strdup(x->run_date_long);
	}
	else {
		*nohyph = 0;
		if (strcmp(path, "role") == 0)
			return localised(x, "role.", role_name(r->role));
		if (strcmp(path, "organisation.category") == 0)
			return localised(x, "category.", r->org_category);
		if (strcmp(path, "signatory.position") == 0)
			v = dup_or_empty(r->signatory.position);
		else if (strcmp(path, "countersignatory.position") == 0)
			v = dup_or_empty(cs ? batch_position(x->b, x->lang) : NULL);
		else {
			err_set(x->e, "unknown record field '%s'", path);
			return NULL;
		}
	}
	if (v == NULL)
		err_set(x->e, "out of memory");
	return v;
}

/* The cover sheet's own fields (see compose_cover). NULL with x->e set. */
static char *cover_value(struct ctx *x, const char *path, int *nohyph)
{
	const struct cover_data *cv = x->cover;
	const struct person *cs = cv->countersignatory;
	const char *position = cs ? batch_position(x->b, x->lang) : NULL;
	char buf[64];
	char *v = NULL;

	*nohyph = 1;
	if (strcmp(path, "batch.name") == 0)
		v = dup_or_empty(cv->batch);
	else if (strcmp(path, "package.file") == 0)
		v = dup_or_empty(cv->package_file);
	else if (strcmp(path, "package.part") == 0) {
		if (cv->parts > 1)
			snprintf(buf, sizeof buf, "%d / %d", cv->part, cv->parts);
		else
			buf[0] = '\0';
		v = strdup(buf);
	} else if (strcmp(path, "package.count") == 0) {
		snprintf(buf, sizeof buf, "%zu", cv->n_rows);
		v = strdup(buf);
	} else if (strcmp(path, "countersignatory") == 0) {
		*nohyph = 0;
		if (cs == NULL || is_empty(cs->name)) {
			const char *s = msg(x, "common", "commission.representative");
			if (s == NULL)
				return NULL;
			v = strdup(s);
		} else if (asprintf(&v, "%s%s%s", cs->name,
		                    is_empty(position) ? "" : ", ",
		                    is_empty(position) ? "" : position) < 0) {
			v = NULL;
		}
	} else {
		err_set(x->e, "the cover sheet has no field '%s'", path);
		return NULL;
	}
	if (v == NULL)
		err_set(x->e, "out of memory");
	return v;
}

/* --- placeholders ----------------------------------------------------- */

static const char *const var_names[N_VARS] = {
	[V_ORGANISATION] = "organisation", [V_SIGNATORY] = "signatory",
	[V_POSITION] = "position", [V_ROLE] = "role",
	[V_COUNTERSIGNATORY] = "countersignatory", [V_ID] = "id",
	[V_REFERENCE] = "reference", [V_DATE] = "date", [V_COUNTRY] = "country",
	[V_PACKAGE] = "package",
};

static const char *const var_fields[N_VARS] = {
	[V_ORGANISATION] = "organisation.name", [V_SIGNATORY] = "signatory.name",
	[V_POSITION] = "signatory.position", [V_ROLE] = "role",
	[V_COUNTERSIGNATORY] = "countersignatory.name", [V_ID] = "id",
	[V_REFERENCE] = "eligibility.reference", [V_DATE] = "date",
	[V_COUNTRY] = "organisation.country", [V_PACKAGE] = "package.file",
};

/* The value of placeholder i, computed once. NULL with x->e set. */
static const struct var *var_get(struct ctx *x, int i)
{
	struct var *v = &x->vars[i];

	if (v->done)
		return v;
	v->name = var_names[i];
	v->value = field_value(x, var_fields[i], &v->nohyph);
	if (v->value == NULL)
		return NULL;
	if (i == V_COUNTERSIGNATORY && v->value[0] == '\0') {
		const char *s = msg(x, "common", "commission.representative");
		if (s == NULL)
			return NULL;
		free(v->value);
		v->value = strdup(s);
		v->nohyph = 0;
		if (v->value == NULL) {
			err_set(x->e, "out of memory");
			return NULL;
		}
	}
	v->done = 1;
	return v;
}

/* Whether s holds a right-to-left letter (Hebrew, Arabic...). */
static int has_rtl(const char *s)
{
	int32_t i = 0, len = (int32_t)strlen(s);

	while (i < len) {
		UChar32 c;
		U8_NEXT(s, i, len, c);
		UCharDirection d = u_charDirection(c);
		if (d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC)
			return 1;
	}
	return 0;
}

/* Appends a record value put into a sentence. A right-to-left value is
 * isolated (FSI ... PDI, Unicode's rule for inserted text) so that two
 * such values, or a value and the punctuation around it, keep their
 * order in a left-to-right sentence, on the page and when copied. */
static void add_value(struct text *t, const char *value, int nohyph)
{
	int isolate = has_rtl(value);

	if (isolate)
		text_adds(t, "\xE2\x81\xA8");        /* U+2068 FSI */
	if (nohyph)
		text_add_nohyph(t, value);
	else
		text_adds(t, value);
	if (isolate)
		text_adds(t, "\xE2\x81\xA9");        /* U+2069 PDI */
}

/* Appends template s to t with each known {name} replaced by its value
 * (names marked nohyph where they must be). Unknown names, {page} and
 * {pages} are copied as written. Returns 0, or -1 with x->e set. */
static int fill(struct ctx *x, const char *s, struct text *t)
{
	while (*s) {
		const char *open = strchr(s, '{');
		const char *close;
		int found = -1;

		if (open == NULL) {
			text_adds(t, s);
			break;
		}
		text_add(t, s, (size_t)(open - s));
		close = strchr(open + 1, '}');
		for (int i = 0; close != NULL && i < N_VARS; i++)
			if ((size_t)(close - open - 1) == strlen(var_names[i]) &&
			    strncmp(open + 1, var_names[i], strlen(var_names[i])) == 0)
				found = i;
		if (found < 0) {
			text_add(t, open, 1);
			s = open + 1;
			continue;
		}
		const struct var *v = var_get(x, found);
		if (v == NULL)
			return -1;
		add_value(t, v->value, v->nohyph);
		s = close + 1;
	}
	text_adds(t, "");
	return t->oom ? err_set(x->e, "out of memory") : 0;
}

/* A filled message as a new string. NULL with x->e set. */
static char *fill_msg(struct ctx *x, const struct form_msg *m)
{
	struct text t = { 0 };
	const char *s = fmsg(x, m);

	if (s == NULL || fill(x, s, &t) != 0) {
		text_free(&t);
		return NULL;
	}
	free(t.spans);
	return t.s;
}

/* --- blocks ----------------------------------------------------------- */

static struct block *add(struct ctx *x, struct doc *d, enum block_kind k)
{
	struct block *b = doc_add_block(d, k);

	if (b == NULL)
		err_set(x->e, "out of memory");
	return b;
}

/* Moves t's text and spans into block b. */
static void give_text(struct block *b, struct text *t)
{
	b->text = t->s;
	b->nohyph = t->spans;
	b->n_nohyph = t->n_spans;
	memset(t, 0, sizeof *t);
}

/* A block of kind k whose text is message m filled in. */
static int add_text_block(struct ctx *x, struct doc *d, enum block_kind k,
                          const struct form_msg *m, int bold,
                          const char *label)
{
	struct text t = { 0 };
	const char *s = fmsg(x, m);
	struct block *b;

	if (s == NULL || fill(x, s, &t) != 0)
		goto fail;
	b = add(x, d, k);
	if (b == NULL)
		goto fail;
	give_text(b, &t);
	b->bold = bold;
	if (label != NULL && (b->label = strdup(label)) == NULL)
		return err_set(x->e, "out of memory");
	return 0;
fail:
	text_free(&t);
	return -1;
}

/* "n." with n in the digits CLDR gives the language (Arabic-Indic in
 * Arabic), ASCII digits when ICU has nothing better; into out. */
static void list_number(const char *lang, int n, char *out, size_t size)
{
	char locale[64], num[48];
	UChar buf[24];
	UErrorCode st = U_ZERO_ERROR;
	UNumberFormat *nf;
	int32_t len;

	snprintf(out, size, "%d.", n);
	snprintf(locale, sizeof locale, "%s", lang ? lang : "en");
	for (char *p = locale; *p; p++)
		if (*p == '-')
			*p = '_';
	nf = unum_open(UNUM_DECIMAL, NULL, 0, locale, NULL, &st);
	if (U_FAILURE(st))
		return;
	unum_setAttribute(nf, UNUM_GROUPING_USED, 0);
	len = unum_format(nf, n, buf, 24, NULL, &st);
	if (U_SUCCESS(st) && len > 0)
		u_strToUTF8(num, (int32_t)sizeof num, NULL, buf, len, &st);
	if (U_SUCCESS(st) && st != U_STRING_NOT_TERMINATED_WARNING)
		snprintf(out, size, "%s.", num);
	unum_close(nf);
}

static int add_item(struct ctx *x, struct doc *d, const struct form_msg *m,
                    enum form_marker marker, int *number)
{
	char label[64];

	if (marker == FM_BULLET)
		snprintf(label, sizeof label, "%s", BULLET);
	else
		list_number(x->lang, ++*number, label, sizeof label);
	return add_text_block(x, d, BLOCK_ITEM, m, 0, label);
}

static int add_items(struct ctx *x, struct doc *d, const struct form_block *fb,
                     int *number)
{
	int n = catalog_series_len(x->c, x->f->catalogue, fb->series);

	for (int i = 1; i <= n; i++) {
		char unit[160];
		struct form_msg m = { x->f->catalogue, unit };

		snprintf(unit, sizeof unit, "%s%d", fb->series, i);
		if (add_item(x, d, &m, fb->marker, number) != 0)
			return -1;
	}
	return 0;
}

static int add_field(struct ctx *x, struct doc *d, const struct form_block *fb)
{
	int nohyph = 0;
	char *value = field_value(x, fb->field, &nohyph);
	const char *label;
	struct text t = { 0 };
	struct block *b;

	if (value == NULL)
		return -1;
	if (value[0] == '\0') {
		free(value);
		return 0;
	}
	label = fmsg(x, &fb->label);
	if (label == NULL) {
		free(value);
		return -1;
	}
	if (nohyph)
		text_add_nohyph(&t, value);
	else
		text_adds(&t, value);
	free(value);
	b = t.oom ? NULL : add(x, d, BLOCK_FIELD);
	if (b == NULL) {
		text_free(&t);
		return err_set(x->e, "out of memory");
	}
	give_text(b, &t);
	b->label = strdup(label);
	return b->label ? 0 : err_set(x->e, "out of memory");
}

/* The applicant's offer text as paragraphs: the reader keeps paragraph
 * breaks (blank lines in the record) as "\n". */
static int add_offer_paragraphs(struct ctx *x, struct doc *d, const char *text)
{
	const char *p = text;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		struct block *b;

		if (len > 0) {
			if ((b = add(x, d, BLOCK_PARAGRAPH)) == NULL)
				return -1;
			if ((b->text = strndup(p, len)) == NULL)
				return err_set(x->e, "out of memory");
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

static int add_offers(struct ctx *x, struct doc *d, const struct form_block *fb)
{
	const struct record *r = x->r;
	struct block *b;

	if (r->n_offers == 0)
		return 0;
	if (fb->text.file != NULL &&
	    add_text_block(x, d, BLOCK_HEADING, &fb->text, 0, NULL) != 0)
		return -1;
	for (int i = 0; i < r->n_offers; i++) {
		const char *label = msg_named(x, "common", "offer.",
		                              r->offers[i].kind ? r->offers[i].kind : "other");
		if (label == NULL)
			return -1;
		if ((b = add(x, d, BLOCK_PARAGRAPH)) == NULL)
			return -1;
		b->bold = 1;
		b->keep_with_next = 1;   /* never stranded below its text */
		if ((b->text = strdup(label)) == NULL)
			return err_set(x->e, "out of memory");
		if (add_offer_paragraphs(x, d, r->offers[i].text) != 0)
			return -1;
	}
	return 0;
}

#define BLANK "________________________"

/* The colon after a label ("Place:"), per language: French sets a
 * no-break space (U+00A0) before it (Lexique des règles typographiques
 * en usage à l'Imprimerie nationale), so the colon never starts a line.
 * Keyed by the catalogue language's primary subtag; other languages take
 * a bare colon. One table: add a row for another convention. */
static const struct { const char *lang, *colon; } label_colons[] = {
	{ "fr", "\u00a0:" },
};

/* The colon to put after a label in language `lang`. */
static const char *label_colon(const char *lang)
{
	size_t n = strcspn(lang, "-");

	for (size_t i = 0; i < sizeof label_colons / sizeof label_colons[0]; i++)
		if (strlen(label_colons[i].lang) == n &&
		    strncasecmp(label_colons[i].lang, lang, n) == 0)
			return label_colons[i].colon;
	return ":";
}

/* One signature line as a new string, or "" when it is omitted. When
 * the value is empty and the line is a drawn blank (empty="rule"), sets
 * *rule and returns the label alone, for the layout to draw its rule. */
static char *sig_line(struct ctx *x, const struct form_line *l, int *rule)
{
	int nohyph;
	char *value = l->field ? field_value(x, l->field, &nohyph) : strdup("");
	const char *label = NULL;
	struct text t = { 0 };

	if (value == NULL) {
		if (l->field == NULL)
			err_set(x->e, "out of memory");
		return NULL;
	}
	*rule = 0;
	if (value[0] == '\0' && !l->keep_blank && l->field != NULL)
		return value;
	if (l->label.file != NULL && (label = fmsg(x, &l->label)) == NULL) {
		free(value);
		return NULL;
	}
	if (value[0] == '\0' && l->rule && label != NULL) {
		free(value);
		*rule = 1;
		text_adds(&t, label);
		text_adds(&t, label_colon(x->lang));
		free(t.spans);
		if (t.oom) {
			free(t.s);
			err_set(x->e, "out of memory");
			return NULL;
		}
		return t.s;
	}
	if (label != NULL) {
		text_adds(&t, label);
		text_adds(&t, label_colon(x->lang));
		text_adds(&t, " ");
	}
	text_adds(&t, value[0] ? value : BLANK);
	free(value);
	free(t.spans);
	if (t.oom) {
		free(t.s);
		err_set(x->e, "out of memory");
		return NULL;
	}
	return t.s;
}

static int add_signature(struct ctx *x, struct doc *d,
                         const struct form_block *fb)
{
	struct block *b = add(x, d, BLOCK_SIGNATURE);
	const char *tip;

	if (b == NULL)
		return -1;
	b->sig.heading = fill_msg(x, &fb->text);
	if (b->sig.heading == NULL)
		return -1;
	tip = fmsg(x, &fb->tooltip);
	if (tip == NULL)
		return -1;
	b->sig.tooltip = strdup(tip);
	b->sig.field_name = strdup(fb->sig_field);
	if (fb->n_lines > 0) {
		b->sig.lines = calloc((size_t)fb->n_lines, sizeof *b->sig.lines);
		b->sig.blanks = calloc((size_t)fb->n_lines, sizeof *b->sig.blanks);
	}
	if (b->sig.tooltip == NULL || b->sig.field_name == NULL ||
	    (fb->n_lines > 0 && (b->sig.lines == NULL || b->sig.blanks == NULL)))
		return err_set(x->e, "out of memory");
	if (fb->caption.file != NULL) {
		const char *cap = fmsg(x, &fb->caption);
		if (cap == NULL)
			return -1;
		if ((b->sig.caption = strdup(cap)) == NULL)
			return err_set(x->e, "out of memory");
	}
	for (int i = 0; i < fb->n_lines; i++) {
		int rule;
		char *line = sig_line(x, &fb->lines[i], &rule);
		if (line == NULL)
			return -1;
		if (line[0] == '\0')
			free(line);
		else if (rule)
			b->sig.blanks[b->sig.n_blanks++] = line;
		else
			b->sig.lines[b->sig.n_lines++] = line;
	}
	return 0;
}

/* Fractions of the text width of the cover sheet's table columns:
 * applicant, organisation, document, pages. The fifth cell, the SHA-256,
 * is a line of its own under them, across the row (span_last): its 64
 * hex digits never wrap. Cells break only at spaces, so each column holds
 * its widest word: ids ("AM-COORD-0005"), file names
 * ("RS-SUP-0002-agreement-sr-Cyrl.pdf", 171 pt at 9.5 pt) and the
 * catalogues' header words in bold (widest: "Antragstellende" 86 pt,
 * "Leathanaigh" 67 pt; "Կազմակերպություն" 102 pt wraps no word). */
static const double documents_widths[4] = { 0.195, 0.27, 0.38, 0.155 };

/* A table row of five cells (copied). Returns 0, or -1 with x->e set. */
static int add_row(struct ctx *x, struct doc *d, const char *const cells[5],
                   int header)
{
	struct block *b = add(x, d, BLOCK_TABLE_ROW);

	if (b == NULL)
		return -1;
	if ((b->cells = calloc(5, sizeof *b->cells)) == NULL)
		return err_set(x->e, "out of memory");
	b->col_widths = documents_widths;
	b->span_last = 1;
	b->header = header;
	for (int i = 0; i < 5; i++) {
		if ((b->cells[i] = strdup(cells[i])) == NULL)
			return err_set(x->e, "out of memory");
		b->n_cells = i + 1;
	}
	return 0;
}

/* The cover sheet's table: a header row, then one row per document. */
static int add_documents(struct ctx *x, struct doc *d,
                         const struct form_block *fb)
{
	const char *head[5];

	if (x->cover == NULL)
		return err_set(x->e, "%s: <documents> belongs to a cover sheet",
		               x->f->path);
	for (int i = 0; i < 5; i++)
		if ((head[i] = fmsg(x, &fb->cols[i])) == NULL)
			return -1;
	if (add_row(x, d, head, 1) != 0)
		return -1;
	for (size_t i = 0; i < x->cover->n_rows; i++) {
		const struct cover_row *r = &x->cover->rows[i];
		char pages[16];
		const char *cells[5] = { r->id, r->org ? r->org : "", r->file,
		                         pages, r->sha256 };
		snprintf(pages, sizeof pages, "%d", r->pages);
		if (add_row(x, d, cells, 0) != 0)
			return -1;
	}
	return 0;
}

static int add_block(struct ctx *x, struct doc *d, const struct form_block *fb,
                     int *number)
{
	struct block *b;

	if (fb->kind != FB_ITEM && fb->kind != FB_ITEMS)
		*number = 0;
	switch (fb->kind) {
	case FB_TITLE:
		return add_text_block(x, d, BLOCK_TITLE, &fb->text, 0, NULL);
	case FB_SUBTITLE:
		return add_text_block(x, d, BLOCK_SUBTITLE, &fb->text, 0, NULL);
	case FB_HEADING:
		return add_text_block(x, d, BLOCK_HEADING, &fb->text, 0, NULL);
	case FB_PARAGRAPH:
		return add_text_block(x, d, BLOCK_PARAGRAPH, &fb->text, fb->bold,
		                      NULL);
	case FB_ITEM:
		return add_item(x, d, &fb->text, fb->marker, number);
	case FB_ITEMS:
		return add_items(x, d, fb, number);
	case FB_FIELD:
		return add_field(x, d, fb);
	case FB_OFFERS:
		return add_offers(x, d, fb);
	case FB_SIGNATURE:
		return add_signature(x, d, fb);
	case FB_DOCUMENTS:
		return add_documents(x, d, fb);
	case FB_SPACE:
		if ((b = add(x, d, BLOCK_SPACE)) == NULL)
			return -1;
		b->space = fb->space;
		return 0;
	}
	return err_set(x->e, "unknown block kind %d", (int)fb->kind);
}

/* Title, author, subject, footer and page format. */
static int add_metadata(struct ctx *x, struct doc *d)
{
	struct text subject = { 0 };

	d->title = fill_msg(x, &x->f->title);
	d->footer = d->title ? fill_msg(x, &x->f->footer) : NULL;
	d->page_format = d->footer ? fill_msg(x, &x->f->page) : NULL;
	if (d->page_format == NULL)
		return -1;
	d->author = strdup(x->cover ? "pactdoc" :
	                   x->r->org_name ? x->r->org_name : "");
	if (d->author == NULL)
		return err_set(x->e, "out of memory");
	for (int i = 0; i < x->f->n_subject; i++) {
		const struct form_part *p = &x->f->subject[i];
		if (i > 0)
			text_adds(&subject, SUBJECT_SEP);
		if (p->field != NULL) {
			int nohyph;
			char *v = field_value(x, p->field, &nohyph);
			if (v == NULL)
				goto fail;
			text_adds(&subject, v);
			free(v);
		} else {
			const char *s = fmsg(x, &p->msg);
			if (s == NULL || fill(x, s, &subject) != 0)
				goto fail;
		}
	}
	text_adds(&subject, "");
	if (subject.oom) {
		err_set(x->e, "out of memory");
		goto fail;
	}
	free(subject.spans);
	d->subject = subject.s;
	return 0;
fail:
	text_free(&subject);
	return -1;
}

void compose_info_clear(struct compose_info *info)
{
	if (info == NULL)
		return;
	for (int i = 0; i < info->n_fallbacks; i++) {
		free(info->fallbacks[i].file);
		free(info->fallbacks[i].unit);
	}
	free(info->fallbacks);
	for (int i = 0; i < info->n_unreviewed; i++) {
		free(info->unreviewed[i].file);
		free(info->unreviewed[i].unit);
	}
	free(info->unreviewed);
	memset(info, 0, sizeof *info);
}

static void ctx_clear(struct ctx *x)
{
	for (int i = 0; i < N_VARS; i++)
		free(x->vars[i].value);
	free(x->run_date_long);
}

/* compose_doc and compose_cover: x is filled but for x->lang. */
static int compose(struct ctx *x, struct doc *out);

int compose_doc(const struct form *f, const struct catalog *c,
                const struct record *r, const struct batch *b,
                const char *run_date, struct doc *out,
                struct compose_info *info, struct err *e)
{
	struct ctx x = { f, c, r, b, run_date, NULL, info, e, { { 0 } }, NULL,
	                 NULL };

	return compose(&x, out);
}

int compose_cover(const struct form *f, const struct catalog *c,
                  const struct cover_data *cv, const char *run_date,
                  struct doc *out, struct compose_info *info, struct err *e)
{
	struct record r = { 0 };
	struct batch b = { 0 };
	struct ctx x = { f, c, &r, &b, run_date, NULL, info, e, { { 0 } }, NULL,
	                 cv };

	r.lang = (char *)(cv->lang ? cv->lang : CATALOG_BASE_LANG);
	if (cv->countersignatory != NULL) {
		b.countersignatory = *cv->countersignatory;
		b.has_countersignatory = 1;
		b.positions = (struct lang_text *)cv->positions;
		b.n_positions = cv->n_positions;
	}
	return compose(&x, out);
}

static int compose(struct ctx *x, struct doc *out)
{
	const char *tag = x->r->lang;
	int number = 0;

	memset(out, 0, sizeof *out);
	if (x->info != NULL) {
		memset(x->info, 0, sizeof *x->info);
		x->info->requested = tag ? tag : "";
	}
	if (x->run_date == NULL ||
	    dates_parse_iso(x->run_date, (char[11]){ 0 }) != 0) {
		err_set(x->e, "invalid run date");
		goto fail;
	}
	x->lang = catalog_resolve(x->c, tag);
	if (catalog_prepare(x->c, tag, x->e) != 0)
		goto fail;
	if (x->info != NULL) {
		x->info->lang = x->lang;
		x->info->lang_fallback = tag == NULL ||
		                         strcasecmp(tag, x->lang) != 0;
	}
	out->lang = strdup(x->lang);
	if (out->lang == NULL) {
		err_set(x->e, "out of memory");
		goto fail;
	}
	if (add_metadata(x, out) != 0)
		goto fail;
	for (int i = 0; i < x->f->n_blocks; i++)
		if (form_block_for_role(&x->f->blocks[i], x->r->role) &&
		    add_block(x, out, &x->f->blocks[i], &number) != 0)
			goto fail;
	ctx_clear(x);
	return 0;
fail:
	ctx_clear(x);
	doc_clear(out);
	compose_info_clear(x->info);
	return -1;
}
