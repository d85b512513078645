/* test_compose.c — forms and the composer: forms load and validate,
 * documents come out in the record's language with every fallback
 * reported, placeholders filled, empty fields omitted, names protected by
 * nohyph spans; and the five real forms compose with the real catalogues.
 * Run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compose.h"
#include "form.h"

#define UNIT "tests/data/unit"
#define DATE "2026-11-23"

struct fixture {
	struct catalog *cat;
	struct form_set *forms;
	const struct form *demo;
	struct record rec;
	struct batch batch;
};

static void fill_record(struct record *r, const char *lang)
{
	memset(r, 0, sizeof *r);
	r->id = strdup("LV-COORD-0042");
	r->role = ROLE_COORDINATOR;
	r->lang = strdup(lang);
	r->status = STATUS_ELIGIBLE;
	r->org_name = strdup("Vidzemes plānošanas reģions");
	r->org_category = strdup("region");
	r->org_country = strdup("LV");
	r->address[0] = strdup("Jāņa Poruka iela 8");
	r->address[1] = strdup("2. stāvs");
	r->n_address = 2;
	r->postcode = strdup("LV-4101");
	r->city = strdup("Cēsis");
	r->website = strdup("https://www.vidzeme.lv");
	r->signatory.name = strdup("Jānis Bērziņš");
	r->signatory.position = strdup("Administrācijas vadītājs");
	r->signatory.email = strdup("janis.berzins@example.lv");
	r->eligibility_confirmed = strdup("2026-11-20");
	r->eligibility_reference = strdup("CoMO/2026/0042");
	r->signing_place = strdup("Cēsis");
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	struct err e = { { 0 } };

	fx->cat = catalog_load(UNIT "/locales", &e);
	if (fx->cat == NULL)
		fail_msg("catalog: %s", e.msg);
	fx->forms = form_set_load(UNIT "/forms", "forms/form.xsd", &e);
	if (fx->forms == NULL)
		fail_msg("forms: %s", e.msg);
	fx->demo = form_set_find(fx->forms, "demo");
	assert_non_null(fx->demo);
	fill_record(&fx->rec, "en");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	record_clear(&fx->rec);
	batch_clear(&fx->batch);
	form_set_free(fx->forms);
	catalog_free(fx->cat);
	free(fx);
	return 0;
}

static void set_lang(struct fixture *fx, const char *lang)
{
	free(fx->rec.lang);
	fx->rec.lang = strdup(lang);
}

static void compose_ok(struct fixture *fx, struct doc *d,
                       struct compose_info *info)
{
	struct err e = { { 0 } };

	if (compose_doc(fx->demo, fx->cat, &fx->rec, &fx->batch, DATE, d, info,
	                &e) != 0)
		fail_msg("compose_doc: %s", e.msg);
}

/* The first block of kind k whose label (if label) or text starts with s. */
static const struct block *find(const struct doc *d, enum block_kind k,
                                const char *label, const char *text)
{
	for (int i = 0; i < d->n_blocks; i++) {
		const struct block *b = &d->blocks[i];
		if (b->kind != k)
			continue;
		if (label && (!b->label || strcmp(b->label, label) != 0))
			continue;
		if (text && (!b->text || strncmp(b->text, text, strlen(text)) != 0))
			continue;
		return b;
	}
	return NULL;
}

static int count(const struct doc *d, enum block_kind k)
{
	int n = 0;

	for (int i = 0; i < d->n_blocks; i++)
		n += d->blocks[i].kind == k;
	return n;
}

/* Whether b has a nohyph span covering exactly the first occurrence of s. */
static int has_span(const struct block *b, const char *s)
{
	const char *at = strstr(b->text, s);

	if (at == NULL)
		return 0;
	for (int i = 0; i < b->n_nohyph; i++)
		if (b->nohyph[i].start == (size_t)(at - b->text) &&
		    b->nohyph[i].end == b->nohyph[i].start + strlen(s))
			return 1;
	return 0;
}

static int has_fallback(const struct compose_info *in, const char *unit,
                        const char *from)
{
	for (int i = 0; i < in->n_fallbacks; i++)
		if (strcmp(in->fallbacks[i].unit, unit) == 0 &&
		    strcmp(in->fallbacks[i].from, from) == 0)
			return 1;
	return 0;
}

/* --- forms ------------------------------------------------------------ */

static void test_form_model(void **state)
{
	struct fixture *fx = *state;
	const struct form *f = fx->demo;
	const struct form *out[4];

	assert_string_equal(f->kind, "declaration");
	assert_string_equal(f->catalogue, "demo");
	assert_int_equal(f->n_roles, 2);
	assert_string_equal(f->title.file, "demo");
	assert_string_equal(f->title.unit, "title");
	assert_string_equal(f->footer.file, "common");
	assert_int_equal(f->blocks[0].kind, FB_TITLE);
	assert_int_equal(form_set_for_role(fx->forms, ROLE_SUPPORTER, out, 4), 1);
	assert_int_equal(form_set_for_role(fx->forms, ROLE_ASSOCIATED_PARTNER,
	                                   out, 4), 0);
}

/* Writes one form into a temporary directory and loads it. */
static const char *load_form_text(const char *text)
{
	static struct err e;
	char dir[] = "/tmp/pactdoc-test-form-XXXXXX";
	char path[256];
	struct form_set *s;
	FILE *f;

	memset(&e, 0, sizeof e);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/x.xml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	s = form_set_load(dir, "forms/form.xsd", &e);
	form_set_free(s);
	unlink(path);
	rmdir(dir);
	return s ? NULL : e.msg;
}

static void test_bad_forms_refused(void **state)
{
	const char *head =
		"<form xmlns=\"urn:pactdoc:form:1\" id=\"x\" kind=\"declaration\" "
		"catalogue=\"x\"><roles><role>supporter</role></roles>"
		"<meta title=\"title\"><subject><part field=\"id\"/></subject></meta>"
		"<footer reference=\"common:footer.reference\" page=\"common:"
		"footer.page\"/><body>";
	char buf[2048];
	const char *msg;

	(void)state;
	snprintf(buf, sizeof buf, "%s<title text=\"title\"/></body></form>", head);
	assert_null(load_form_text(buf));
	/* An unknown record field. */
	snprintf(buf, sizeof buf, "%s<field label=\"a\" field=\"organisation."
	         "secret\"/></body></form>", head);
	msg = load_form_text(buf);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "x.xml:1"));
	/* An unknown block. */
	snprintf(buf, sizeof buf, "%s<table/></body></form>", head);
	assert_non_null(load_form_text(buf));
	/* A subject part with both text and field. */
	snprintf(buf, sizeof buf, "%s", head);
	memcpy(strstr(buf, "<part field"), "<part text=\"a\" field=\"id\"/>",
	       27);
	strcat(buf, "<space points=\"1\"/></body></form>");
	assert_non_null(load_form_text(buf));
	/* roles= naming a role the form does not serve. */
	snprintf(buf, sizeof buf, "%s<paragraph text=\"a\" roles=\"supporter "
	         "coordinator\"/></body></form>", head);
	msg = load_form_text(buf);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "'coordinator', a role this form does not serve"));
	snprintf(buf, sizeof buf, "%s<paragraph text=\"a\" roles=\"supporter\"/>"
	         "</body></form>", head);
	assert_null(load_form_text(buf));
	/* A DOCTYPE. */
	snprintf(buf, sizeof buf, "<!DOCTYPE form SYSTEM \"file:///etc/passwd\">"
	         "%s<title text=\"title\"/></body></form>", head);
	msg = load_form_text(buf);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "DOCTYPE"));
	/* A record form with the cover sheet's fields or table. */
	snprintf(buf, sizeof buf, "%s<field label=\"a\" field=\"package.file\"/>"
	         "</body></form>", head);
	msg = load_form_text(buf);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "field of the cover sheet"));
	snprintf(buf, sizeof buf, "%s<documents id=\"a\" organisation=\"a\" "
	         "document=\"a\" pages=\"a\" sha256=\"a\"/></body></form>", head);
	msg = load_form_text(buf);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "belongs to a cover sheet"));
	/* A record form without roles; a cover sheet with roles, or sent to
	 * the countersigning package itself. */
	snprintf(buf, sizeof buf, "%s<title text=\"title\"/></body></form>", head);
	memmove(strstr(buf, "<roles>"), strstr(buf, "<meta"),
	        strlen(strstr(buf, "<meta")) + 1);
	msg = load_form_text(buf);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "needs <roles>"));
	snprintf(buf, sizeof buf, "<form xmlns=\"urn:pactdoc:form:1\" id=\"x\" "
	         "kind=\"cover-sheet\" purpose=\"countersign-cover\" "
	         "catalogue=\"x\"><roles><role>supporter</role></roles>%s",
	         strstr(head, "<meta"));
	strcat(buf, "<title text=\"title\"/></body></form>");
	msg = load_form_text(buf);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "has no <roles>"));
	snprintf(buf, sizeof buf, "<form xmlns=\"urn:pactdoc:form:1\" id=\"x\" "
	         "kind=\"cover-sheet\" purpose=\"countersign-cover\" "
	         "countersign-folder=\"a\" catalogue=\"x\">%s",
	         strstr(head, "<meta"));
	strcat(buf, "<title text=\"title\"/></body></form>");
	msg = load_form_text(buf);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "not itself countersigned"));
}

/* --- composing the fixture form --------------------------------------- */

static void test_placeholders_and_nohyph(void **state)
{
	struct fixture *fx = *state;
	struct doc d = { 0 };
	const struct block *b;

	compose_ok(fx, &d, NULL);
	assert_string_equal(d.lang, "en");
	assert_string_equal(d.title, "Declaration of a Covenant Coordinator");
	assert_string_equal(d.author, "Vidzemes plānošanas reģions");
	assert_string_equal(d.subject, "Covenant of Mayors \xE2\x80\x94 "
	                    "Commitment declaration \xE2\x80\x94 LV-COORD-0042");
	assert_string_equal(d.footer, "LV-COORD-0042 · CoMO/2026/0042");
	assert_string_equal(d.page_format, "Page {page} of {pages}");
	b = find(&d, BLOCK_PARAGRAPH, NULL, NULL);
	assert_non_null(b);
	assert_true(b->bold);
	assert_string_equal(b->text,
	        "Vidzemes plānošanas reģions (Latvia), represented by Jānis "
	        "Bērziņš, Administrācijas vadītājs, commits to what follows "
	        "before the representative of the European Commission on "
	        "23 November 2026.");
	assert_true(has_span(b, "Vidzemes plānošanas reģions"));
	assert_true(has_span(b, "Jānis Bērziņš"));
	assert_true(has_span(b, "Latvia"));
	assert_false(has_span(b, "Administrācijas vadītājs"));
	assert_false(has_span(b, "the representative of the European Commission"));
	/* Unknown names, {page} and a lone brace stay as written. */
	b = find(&d, BLOCK_ITEM, "\xE2\x80\xA2", NULL);
	assert_non_null(b);
	assert_string_equal(b->text, "Keep {nothing} and {page} as written {");
	doc_clear(&d);
}

static void test_record_text_is_not_a_template(void **state)
{
	struct fixture *fx = *state;
	struct doc d = { 0 };
	const struct block *b;

	free(fx->rec.org_name);
	fx->rec.org_name = strdup("Evil {signatory} {page} Org");
	compose_ok(fx, &d, NULL);
	b = find(&d, BLOCK_PARAGRAPH, NULL, NULL);
	assert_non_null(strstr(b->text, "Evil {signatory} {page} Org (Latvia)"));
	assert_true(has_span(b, "Evil {signatory} {page} Org"));
	doc_clear(&d);
	free(fx->rec.org_name);
	fx->rec.org_name = strdup("Vidzemes plānošanas reģions");
}

static void test_countersignatory_named(void **state)
{
	struct fixture *fx = *state;
	struct doc d = { 0 };
	const struct block *b;

	fx->batch.countersignatory.name = strdup("Maria Rossi");
	fx->batch.countersignatory.position = strdup("Head of Unit");
	fx->batch.has_countersignatory = 1;
	compose_ok(fx, &d, NULL);
	b = find(&d, BLOCK_PARAGRAPH, NULL, NULL);
	assert_non_null(strstr(b->text, "before Maria Rossi on"));
	assert_true(has_span(b, "Maria Rossi"));
	b = &d.blocks[d.n_blocks - 1];
	assert_int_equal(b->kind, BLOCK_SIGNATURE);
	assert_string_equal(b->sig.lines[0], "Name: Maria Rossi");
	doc_clear(&d);
	batch_clear(&fx->batch);
}

/* The position printed is the one of the document's language, along the
 * tag, else the untagged one. */
static void test_countersignatory_position_by_language(void **state)
{
	struct lang_text pos[] = {
		{ NULL, "Head of Unit", 3 },
		{ "lv", "Nodaļas vadītāja", 4 },
		{ "sr-Latn", "Šef jedinice", 5 },
	};
	struct batch b = { 0 };

	(void)state;
	b.countersignatory.position = "Head of Unit";
	b.positions = pos;
	b.n_positions = 3;
	assert_string_equal(batch_position(&b, "lv"), "Nodaļas vadītāja");
	assert_string_equal(batch_position(&b, "LV"), "Nodaļas vadītāja");
	assert_string_equal(batch_position(&b, "lv-LV"), "Nodaļas vadītāja");
	assert_string_equal(batch_position(&b, "sr-Latn-RS"), "Šef jedinice");
	assert_string_equal(batch_position(&b, "sr"), "Head of Unit");
	assert_string_equal(batch_position(&b, "sv"), "Head of Unit");
	assert_string_equal(batch_position(&b, "en"), "Head of Unit");
	assert_string_equal(batch_position(&b, "l"), "Head of Unit");
}

static void test_fields_and_empty_ones_omitted(void **state)
{
	struct fixture *fx = *state;
	struct doc d = { 0 };
	const struct block *b;

	compose_ok(fx, &d, NULL);
	/* No acronym, no contact in the record: no rows for them. */
	assert_null(find(&d, BLOCK_FIELD, "Acronym", NULL));
	assert_null(find(&d, BLOCK_FIELD, "Contact person", NULL));
	assert_int_equal(count(&d, BLOCK_FIELD), 6);
	b = find(&d, BLOCK_FIELD, "Organisation", NULL);
	assert_string_equal(b->text, "Vidzemes plānošanas reģions");
	assert_int_equal(b->n_nohyph, 1);
	b = find(&d, BLOCK_FIELD, "Category", NULL);
	assert_string_equal(b->text, "Region");
	assert_int_equal(b->n_nohyph, 0);
	/* Latvian addresses put the postcode after the city. */
	b = find(&d, BLOCK_FIELD, "Address", NULL);
	assert_string_equal(b->text,
	                    "Jāņa Poruka iela 8, 2. stāvs, Cēsis, LV-4101");
	assert_true(has_span(b, b->text));
	b = find(&d, BLOCK_FIELD, "Website", NULL);
	assert_true(has_span(b, "https://www.vidzeme.lv"));
	b = find(&d, BLOCK_FIELD, "Eligibility confirmed on", NULL);
	assert_string_equal(b->text, "20 November 2026");
	doc_clear(&d);

	/* With an acronym and a contact they appear; elsewhere the postcode
	 * goes first. */
	fx->rec.org_acronym = strdup("VPR");
	fx->rec.contact.name = strdup("Ilze Kalniņa");
	fx->rec.has_contact = 1;
	free(fx->rec.org_country);
	fx->rec.org_country = strdup("SE");
	compose_ok(fx, &d, NULL);
	assert_string_equal(find(&d, BLOCK_FIELD, "Acronym", NULL)->text, "VPR");
	assert_string_equal(find(&d, BLOCK_FIELD, "Contact person", NULL)->text,
	                    "Ilze Kalniņa");
	assert_string_equal(find(&d, BLOCK_FIELD, "Address", NULL)->text,
	                    "Jāņa Poruka iela 8, 2. stāvs, LV-4101 Cēsis");
	assert_string_equal(find(&d, BLOCK_FIELD, "Country", NULL)->text,
	                    "Sweden");
	doc_clear(&d);
	free(fx->rec.org_country);
	fx->rec.org_country = strdup("LV");
}

static void test_items_numbered_and_signatures(void **state)
{
	struct fixture *fx = *state;
	struct doc d = { 0 };
	const struct block *b;

	compose_ok(fx, &d, NULL);
	assert_int_equal(count(&d, BLOCK_ITEM), 5);
	assert_non_null(find(&d, BLOCK_ITEM, "1.", "First commitment"));
	assert_non_null(find(&d, BLOCK_ITEM, "3.", "Third commitment"));
	assert_non_null(find(&d, BLOCK_ITEM, "4.", "Only in English"));
	assert_int_equal(count(&d, BLOCK_SIGNATURE), 2);
	b = find(&d, BLOCK_SPACE, NULL, NULL);
	assert_true(b->space > 12.4 && b->space < 12.6);
	for (int i = 0; i < d.n_blocks; i++) {
		b = &d.blocks[i];
		if (b->kind != BLOCK_SIGNATURE)
			continue;
		if (strcmp(b->sig.field_name, "applicant_signature") == 0) {
			assert_string_equal(b->sig.heading, "For the applicant");
			assert_string_equal(b->sig.tooltip, "Signature of the applicant");
			assert_int_equal(b->sig.n_lines, 3);
			assert_string_equal(b->sig.lines[0], "Jānis Bērziņš");
			assert_string_equal(b->sig.lines[1], "Place: Cēsis");
			assert_string_equal(b->sig.lines[2], "Date: 23 November 2026");
		} else {
			assert_string_equal(b->sig.field_name, "commission_signature");
			/* No countersignatory: a blank to fill in by hand; a line
			 * with no field is always one. */
			assert_int_equal(b->sig.n_lines, 2);
			assert_string_equal(b->sig.lines[0],
			                    "Name: ________________________");
			assert_string_equal(b->sig.lines[1],
			                    "Date: ________________________");
		}
	}
	doc_clear(&d);

	/* Without a signing place the place line is omitted. */
	free(fx->rec.signing_place);
	fx->rec.signing_place = NULL;
	compose_ok(fx, &d, NULL);
	b = find(&d, BLOCK_SIGNATURE, NULL, NULL);
	assert_int_equal(b->sig.n_lines, 2);
	assert_string_equal(b->sig.lines[1], "Date: 23 November 2026");
	doc_clear(&d);
	fx->rec.signing_place = strdup("Cēsis");
}

static void test_offers(void **state)
{
	struct fixture *fx = *state;
	struct doc d = { 0 };
	const struct block *b;
	int i;

	compose_ok(fx, &d, NULL);
	assert_null(find(&d, BLOCK_HEADING, NULL, "Support offered"));
	doc_clear(&d);

	fx->rec.offers = calloc(2, sizeof *fx->rec.offers);
	fx->rec.offers[0].kind = strdup("technical");
	fx->rec.offers[0].text = strdup("Energy audits for 20 municipalities.");
	fx->rec.offers[1].kind = strdup("financial");
	fx->rec.offers[1].text = strdup("A fund of 2 million euro.");
	fx->rec.n_offers = 2;
	compose_ok(fx, &d, NULL);
	b = find(&d, BLOCK_HEADING, NULL, "Support offered to signatories");
	assert_non_null(b);
	i = (int)(b - d.blocks);
	assert_int_equal(d.blocks[i + 1].kind, BLOCK_PARAGRAPH);
	assert_true(d.blocks[i + 1].bold);
	assert_string_equal(d.blocks[i + 1].text, "Technical support");
	assert_false(d.blocks[i + 2].bold);
	assert_string_equal(d.blocks[i + 2].text,
	                    "Energy audits for 20 municipalities.");
	assert_string_equal(d.blocks[i + 3].text, "Financial support");
	assert_string_equal(d.blocks[i + 4].text, "A fund of 2 million euro.");
	doc_clear(&d);
	for (i = 0; i < 2; i++) {
		free(fx->rec.offers[i].kind);
		free(fx->rec.offers[i].text);
	}
	free(fx->rec.offers);
	fx->rec.offers = NULL;
	fx->rec.n_offers = 0;
}

/* --- languages and fallbacks ------------------------------------------ */

static void test_fallback_chain_reported(void **state)
{
	struct fixture *fx = *state;
	struct doc d = { 0 };
	struct compose_info in = { 0 };

	set_lang(fx, "sr-Latn-RS");
	compose_ok(fx, &d, &in);
	assert_string_equal(d.lang, "sr-Latn");
	assert_string_equal(in.requested, "sr-Latn-RS");
	assert_string_equal(in.lang, "sr-Latn");
	assert_true(in.lang_fallback);
	/* In sr-Latn itself; {role} from sr, as the chain says. */
	assert_string_equal(d.title, "Izjava (latinica): Koordinator");
	assert_true(has_fallback(&in, "role.coordinator", "sr"));
	assert_true(has_fallback(&in, "commitment.1", "sr"));
	assert_true(has_fallback(&in, "commitment.2", "sr"));
	assert_true(has_fallback(&in, "only-en", "en"));
	assert_true(has_fallback(&in, "label.organisation", "en"));
	assert_false(has_fallback(&in, "title", "sr"));
	assert_false(has_fallback(&in, "title", "en"));
	/* Each message once. */
	for (int i = 0; i < in.n_fallbacks; i++)
		for (int j = i + 1; j < in.n_fallbacks; j++)
			assert_false(strcmp(in.fallbacks[i].file, in.fallbacks[j].file) == 0 &&
			             strcmp(in.fallbacks[i].unit, in.fallbacks[j].unit) == 0);
	assert_non_null(find(&d, BLOCK_ITEM, "1.", "Prva obaveza"));
	assert_non_null(find(&d, BLOCK_ITEM, "2.", "Druga obaveza"));
	doc_clear(&d);
	compose_info_clear(&in);

	/* A language with no catalogue: English, one whole-language
	 * fallback and no per-message ones. */
	set_lang(fx, "pt-BR");
	compose_ok(fx, &d, &in);
	assert_string_equal(d.lang, "en");
	assert_true(in.lang_fallback);
	assert_int_equal(in.n_fallbacks, 0);
	doc_clear(&d);
	compose_info_clear(&in);

	/* Latvian: dates and countries in Latvian, partial catalogue. */
	set_lang(fx, "LV");
	compose_ok(fx, &d, &in);
	assert_string_equal(d.lang, "lv");
	assert_false(in.lang_fallback);
	assert_string_equal(find(&d, BLOCK_FIELD, "LV Country", NULL)->text,
	                    "Latvija");
	assert_string_equal(find(&d, BLOCK_FIELD, "LV Eligibility confirmed on",
	                         NULL)->text, "2026. gada 20. novembris");
	/* label.website is missing from lv: English label, reported. */
	assert_non_null(find(&d, BLOCK_FIELD, "Website", NULL));
	assert_true(has_fallback(&in, "label.website", "en"));
	assert_string_equal(d.page_format, "LV Page {page} of {pages}");
	doc_clear(&d);
	compose_info_clear(&in);
	set_lang(fx, "en");
}

static void test_missing_message_is_an_error(void **state)
{
	struct fixture *fx = *state;
	struct doc d = { 0 };
	struct compose_info in = { 0 };
	struct err e = { { 0 } };

	/* No category.network in any fixture catalogue. */
	free(fx->rec.org_category);
	fx->rec.org_category = strdup("network");
	assert_int_equal(compose_doc(fx->demo, fx->cat, &fx->rec, NULL, DATE, &d,
	                             &in, &e), -1);
	assert_non_null(strstr(e.msg, "common:category.network"));
	assert_int_equal(d.n_blocks, 0);
	assert_null(d.title);
	assert_int_equal(in.n_fallbacks, 0);
	free(fx->rec.org_category);
	fx->rec.org_category = strdup("region");
	/* An invalid run date. */
	assert_int_equal(compose_doc(fx->demo, fx->cat, &fx->rec, NULL,
	                             "2026-02-30", &d, NULL, &e), -1);
}

/* --- threads ---------------------------------------------------------- */

struct job {
	struct fixture *fx;
	int ok;
	char title[256];
};

static void *compose_thread(void *arg)
{
	struct job *j = arg;

	for (int i = 0; i < 50; i++) {
		struct doc d = { 0 };
		struct compose_info in = { 0 };
		struct err e = { { 0 } };
		if (compose_doc(j->fx->demo, j->fx->cat, &j->fx->rec, NULL, DATE,
		                &d, &in, &e) != 0)
			return NULL;
		snprintf(j->title, sizeof j->title, "%s", d.title);
		doc_clear(&d);
		compose_info_clear(&in);
	}
	j->ok = 1;
	return NULL;
}

static void test_threads_share_catalog_and_forms(void **state)
{
	struct fixture *fx = *state;
	pthread_t t[4];
	struct job jobs[4];

	set_lang(fx, "sr-Latn-RS");
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){ fx, 0, "" };
		assert_int_equal(pthread_create(&t[i], NULL, compose_thread,
		                                &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_true(jobs[i].ok);
		assert_string_equal(jobs[i].title, "Izjava (latinica): Koordinator");
	}
	set_lang(fx, "en");
}

/* --- the real forms and catalogues ------------------------------------ */

static void test_real_forms(void **state)
{
	static const char *const langs[] = { "en", "lv", "sv", "bg", "ky" };
	static const enum role roles[] = { ROLE_COORDINATOR,
		ROLE_NATIONAL_COORDINATOR, ROLE_SUPPORTER, ROLE_ASSOCIATED_PARTNER };
	struct fixture *fx = *state;
	struct err e = { { 0 } };
	struct catalog *cat = catalog_load("locales", &e);
	struct form_set *forms = cat ? form_set_load("forms", "forms/form.xsd",
	                                              &e) : NULL;

	if (forms == NULL)
		fail_msg("%s", e.msg);
	assert_int_equal(form_set_count(forms), 6);
	for (int i = 0; i < form_set_count(forms); i++)
		if (form_check_messages(form_set_get(forms, i), cat, &e) != 0)
			fail_msg("%s", e.msg);
	for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
		const struct form *fs[4];
		int n = form_set_for_role(forms, roles[r], fs, 4);

		assert_int_equal(n, role_has_agreement(roles[r]) ? 2 : 1);
		assert_string_equal(fs[0]->kind, "declaration");
		fx->rec.role = roles[r];
		for (int k = 0; k < n; k++) {
			for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
				struct doc d = { 0 };
				struct compose_info in = { 0 };
				int sigs = strcmp(fs[k]->kind, "agreement") == 0 ? 2 : 1;

				if (strcmp(catalog_resolve(cat, langs[l]), langs[l]) != 0)
					continue;       /* catalogue not written yet */
				set_lang(fx, langs[l]);
				if (compose_doc(fs[k], cat, &fx->rec, NULL, DATE, &d, &in,
				                &e) != 0)
					fail_msg("%s/%s: %s", fs[k]->id, langs[l], e.msg);
				if (in.n_fallbacks != 0)
					fail_msg("%s/%s: %s:%s from %s", fs[k]->id, langs[l],
					         in.fallbacks[0].file, in.fallbacks[0].unit,
					         in.fallbacks[0].from);
				assert_string_equal(d.lang, langs[l]);
				assert_int_equal(count(&d, BLOCK_SIGNATURE), sigs);
				assert_int_equal(count(&d, BLOCK_ITEM),
				                 catalog_series_len(cat, fs[k]->catalogue,
				                                    "commitment.") +
				                 catalog_series_len(cat, fs[k]->catalogue,
				                                    "benefit."));
				assert_null(strstr(d.title, "{"));
				assert_non_null(strstr(d.page_format, "{page}"));
				for (int b = 0; b < d.n_blocks; b++)
					if (d.blocks[b].text != NULL &&
					    strstr(d.blocks[b].text, "{organisation}"))
						fail_msg("%s/%s: unfilled placeholder: %s",
						         fs[k]->id, langs[l], d.blocks[b].text);
				doc_clear(&d);
				compose_info_clear(&in);
			}
		}
	}
	fx->rec.role = ROLE_COORDINATOR;
	set_lang(fx, "en");
	form_set_free(forms);
	catalog_free(cat);
}

/* The countersigning cover sheet, from the real form and catalogues, in
 * each complete language: every message there, fields filled, the table
 * a header and a row per document, the part shown only when split. */
static void test_real_cover_sheet(void **state)
{
	static const char *const langs[] = { "en", "lv", "sv", "bg", "ky" };
	static const char hex[] = "0123456789abcdef0123456789abcdef"
	                          "0123456789abcdef0123456789abcdef";
	static const struct cover_row rows[2] = {
		{ "LV-1", "Rīgas dome", "LV-1-agreement-lv.pdf", hex, 3 },
		{ "LV-2", NULL, "LV-2-agreement-lv.pdf", hex, 2 },
	};
	struct person cs = { "Anna Example", "Head of Unit", NULL, NULL };
	const struct lang_text positions[1] = {
		{ "lv", "Nodaļas vadītāja", 1 },
	};
	struct err e = { { 0 } };
	struct catalog *cat = catalog_load("locales", &e);
	struct form_set *forms = cat ? form_set_load("forms", "forms/form.xsd",
	                                              &e) : NULL;
	const struct form *f;

	(void)state;
	if (forms == NULL)
		fail_msg("%s", e.msg);
	f = form_set_cover(forms);
	assert_non_null(f);
	assert_string_equal(f->id, "countersign-cover-sheet");
	assert_int_equal(f->n_roles, 0);
	assert_int_equal(form_check_messages(f, cat, &e), 0);
	for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
		struct cover_data cv = { langs[l], "2026-11-A", &cs,
		                         "countersign-2026-11-A.zip", 1, 1, rows, 2,
		                         positions, 1 };
		/* The position in the cover's language, as in the documents. */
		const char *want = strcmp(langs[l], "lv") == 0 ?
		                   "Anna Example, Nodaļas vadītāja" :
		                   "Anna Example, Head of Unit";
		struct compose_info in = { 0 };
		struct doc d = { 0 };
		int part = 0, fields = 0;

		for (int split = 0; split < 2; split++) {
			cv.part = split ? 2 : 1;
			cv.parts = split ? 3 : 1;
			if (compose_cover(f, cat, &cv, DATE, &d, &in, &e) != 0)
				fail_msg("%s: %s", langs[l], e.msg);
			if (in.n_fallbacks != 0)
				fail_msg("%s: %s:%s from %s", langs[l],
				         in.fallbacks[0].file, in.fallbacks[0].unit,
				         in.fallbacks[0].from);
			assert_string_equal(d.lang, langs[l]);
			assert_string_equal(d.author, "pactdoc");
			assert_int_equal(count(&d, BLOCK_TABLE_ROW), 3);
			assert_non_null(strstr(d.footer, "countersign-2026-11-A.zip"));
			fields = count(&d, BLOCK_FIELD);
			part = 0;
			for (int b = 0; b < d.n_blocks; b++) {
				const struct block *k = &d.blocks[b];
				if (k->kind == BLOCK_FIELD && strcmp(k->text, "2 / 3") == 0)
					part = 1;
				if (k->kind == BLOCK_TABLE_ROW && !k->header) {
					/* the digest whole, on a line of its own */
					assert_int_equal(k->n_cells, 5);
					assert_true(k->span_last);
					assert_string_equal(k->cells[4], hex);
				}
				if (k->kind == BLOCK_FIELD &&
				    strstr(k->text, "Anna Example") != NULL)
					assert_string_equal(k->text, want);
			}
			assert_int_equal(part, split);
			assert_int_equal(fields, split ? 6 : 5);
			doc_clear(&d);
			compose_info_clear(&in);
		}
	}
	form_set_free(forms);
	catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_model),
		cmocka_unit_test(test_bad_forms_refused),
		cmocka_unit_test(test_countersignatory_position_by_language),
		cmocka_unit_test(test_placeholders_and_nohyph),
		cmocka_unit_test(test_record_text_is_not_a_template),
		cmocka_unit_test(test_countersignatory_named),
		cmocka_unit_test(test_fields_and_empty_ones_omitted),
		cmocka_unit_test(test_items_numbered_and_signatures),
		cmocka_unit_test(test_offers),
		cmocka_unit_test(test_fallback_chain_reported),
		cmocka_unit_test(test_missing_message_is_an_error),
		cmocka_unit_test(test_threads_share_catalog_and_forms),
		cmocka_unit_test(test_real_forms),
		cmocka_unit_test(test_real_cover_sheet),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
