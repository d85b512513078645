/* form.c — loading the forms in forms/ against forms/form.xsd into an
 * immutable model, and finding the forms of a role (see form.h). */
#include "form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "fsutil.h"
#include "xmldoc.h"

struct form_set {
	struct form *forms;
	int n;
};

/* Fields only a cover sheet (purpose="countersign-cover") has. */
static int cover_field(const char *path)
{
	return strcmp(path, "countersignatory") == 0 ||
	       strncmp(path, "batch.", 6) == 0 ||
	       strncmp(path, "package.", 8) == 0;
}

/* --- freeing ---------------------------------------------------------- */

static void msg_clear(struct form_msg *m)
{
	free(m->file);
	free(m->unit);
}

static void block_clear(struct form_block *b)
{
	msg_clear(&b->text);
	msg_clear(&b->label);
	free(b->field);
	free(b->series);
	free(b->sig_field);
	msg_clear(&b->tooltip);
	msg_clear(&b->caption);
	for (int i = 0; i < 5; i++)
		msg_clear(&b->cols[i]);
	for (int i = 0; i < b->n_lines; i++) {
		msg_clear(&b->lines[i].label);
		free(b->lines[i].field);
	}
	free(b->lines);
}

static void form_clear(struct form *f)
{
	free(f->id);
	free(f->kind);
	free(f->catalogue);
	free(f->countersign_folder);
	msg_clear(&f->title);
	for (int i = 0; i < f->n_subject; i++) {
		msg_clear(&f->subject[i].msg);
		free(f->subject[i].field);
	}
	free(f->subject);
	msg_clear(&f->footer);
	msg_clear(&f->page);
	for (int i = 0; i < f->n_blocks; i++)
		block_clear(&f->blocks[i]);
	free(f->blocks);
	free(f->path);
}

void form_set_free(struct form_set *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < s->n; i++)
		form_clear(&s->forms[i]);
	free(s->forms);
	free(s);
}

/* --- schema validation ------------------------------------------------ */

/* Keeps the first structured error libxml2 reports. */
static void keep_first_error(void *ctx, xmlErrorPtr x)
{
	struct err *e = ctx;
	char msg[512];
	size_t n;

	if (e->msg[0] != '\0' || x == NULL)
		return;
	snprintf(msg, sizeof msg, "%s", x->message ? x->message : "invalid");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	err_set(e, "%s:%d: %s", x->file ? x->file : "?", x->line, msg);
}

static xmlSchemaPtr schema_load(const char *path, struct err *e)
{
	xmlDocPtr doc = xmldoc_read(path, e);
	xmlSchemaParserCtxtPtr pctxt = NULL;
	xmlSchemaPtr schema = NULL;
	struct err first = { { 0 } };

	if (doc == NULL)
		return NULL;
	pctxt = xmlSchemaNewDocParserCtxt(doc);
	if (pctxt == NULL) {
		err_set(e, "%s: out of memory", path);
		goto cleanup;
	}
	xmlSchemaSetParserStructuredErrors(pctxt, keep_first_error, &first);
	schema = xmlSchemaParse(pctxt);
	if (schema == NULL && first.msg[0] == '\0')
		err_set(e, "%s: not a usable XML schema", path);
	else if (schema == NULL)
		err_set(e, "%s", first.msg);
cleanup:
	xmlSchemaFreeParserCtxt(pctxt);
	xmlFreeDoc(doc);
	return schema;
}

static int schema_validate(xmlSchemaPtr schema, xmlDocPtr doc,
                           const char *path, struct err *e)
{
	xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema);
	struct err first = { { 0 } };
	int rc;

	if (v == NULL)
		return err_set(e, "%s: out of memory", path);
	xmlSchemaSetValidStructuredErrors(v, keep_first_error, &first);
	rc = xmlSchemaValidateDoc(v, doc);
	xmlSchemaFreeValidCtxt(v);
	if (rc != 0) {
		if (first.msg[0] == '\0')
			return err_set(e, "%s: does not match form.xsd", path);
		return err_set(e, "%s", first.msg);
	}
	return 0;
}

/* --- building the model ----------------------------------------------- */

/* Splits "file:unit" or "unit" (in `own` file) into m. An absent
 * attribute leaves m empty. Returns 0, or -1 out of memory. */
static int parse_msg(const xmlNode *n, const char *attr, const char *own,
                     struct form_msg *m)
{
	char *v = xmldoc_attr(n, attr);
	char *colon;

	if (v == NULL)
		return 0;
	colon = strchr(v, ':');
	if (colon != NULL) {
		m->file = strndup(v, (size_t)(colon - v));
		m->unit = strdup(colon + 1);
	} else {
		m->file = strdup(own);
		m->unit = strdup(v);
	}
	free(v);
	return m->file && m->unit ? 0 : -1;
}

static int parse_lines(const xmlNode *n, const char *own,
                       struct form_block *b)
{
	int count = 0;

	for (const xmlNode *c = n->children; c; c = c->next)
		if (xmldoc_is(c, FORM_NS, "line"))
			count++;
	if (count == 0)
		return 0;
	b->lines = calloc((size_t)count, sizeof *b->lines);
	if (b->lines == NULL)
		return -1;
	for (const xmlNode *c = n->children; c; c = c->next) {
		struct form_line *l;
		char *empty;

		if (!xmldoc_is(c, FORM_NS, "line"))
			continue;
		l = &b->lines[b->n_lines++];
		if (parse_msg(c, "label", own, &l->label) != 0)
			return -1;
		l->field = xmldoc_attr(c, "field");
		empty = xmldoc_attr(c, "empty");
		l->rule = empty != NULL && strcmp(empty, "rule") == 0;
		l->keep_blank = l->rule ||
		                (empty != NULL && strcmp(empty, "blank") == 0);
		free(empty);
		if (l->field == NULL && l->label.file == NULL)
			return -1;      /* the schema allows it; nothing to show */
	}
	return 0;
}

static int attr_flag(const xmlNode *n, const char *name)
{
	char *v = xmldoc_attr(n, name);
	int on = v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);

	free(v);
	return on;
}

static enum form_marker attr_marker(const xmlNode *n)
{
	char *v = xmldoc_attr(n, "marker");
	enum form_marker m = v && strcmp(v, "bullet") == 0 ? FM_BULLET : FM_NUMBER;

	free(v);
	return m;
}

/* Reads the roles="..." scope of a block into b->roles. Returns 0, or -1
 * with e set for a role the form does not serve. */
static int parse_scope(const xmlNode *n, const struct form *f,
                       struct form_block *b, struct err *e)
{
	char *v = xmldoc_attr(n, "roles");
	char *save = NULL;
	int rc = 0;

	if (v == NULL)
		return 0;
	for (char *w = strtok_r(v, " \t\r\n", &save); w != NULL && rc == 0;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		enum role r = role_from_name(w);
		int served = 0;

		for (int i = 0; i < f->n_roles; i++)
			served |= f->roles[i] == r;
		if (!served)
			rc = err_set(e, "%s:%d: roles names '%s', a role this form "
			             "does not serve", f->path, (int)xmlGetLineNo(n),
			             w);
		else
			b->roles |= 1u << r;
	}
	free(v);
	return rc;
}

int form_block_for_role(const struct form_block *b, enum role r)
{
	return b->roles == 0 || (b->roles & (1u << r)) != 0;
}

/* Fills b from one child of <body>; the schema has checked its shape.
 * Returns 0, 1 when the element is not a block, -1 out of memory. */
static int parse_block(const xmlNode *n, const char *own, struct form_block *b)
{
	static const struct {
		const char *name;
		enum form_block_kind kind;
	} names[] = {
		{ "title", FB_TITLE }, { "subtitle", FB_SUBTITLE },
		{ "heading", FB_HEADING }, { "paragraph", FB_PARAGRAPH },
		{ "item", FB_ITEM }, { "items", FB_ITEMS }, { "field", FB_FIELD },
		{ "offers", FB_OFFERS }, { "signature", FB_SIGNATURE },
		{ "space", FB_SPACE }, { "documents", FB_DOCUMENTS },
	};
	static const char *const cols[5] = {
		"id", "organisation", "document", "pages", "sha256"
	};
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (xmldoc_is(n, FORM_NS, names[i].name))
			break;
	if (i == sizeof names / sizeof names[0])
		return 1;
	b->kind = names[i].kind;
	switch (b->kind) {
	case FB_FIELD:
		rc |= parse_msg(n, "label", own, &b->label);
		b->field = xmldoc_attr(n, "field");
		rc |= b->field == NULL ? -1 : 0;
		break;
	case FB_ITEMS:
		b->series = xmldoc_attr(n, "series");
		rc |= b->series == NULL ? -1 : 0;
		b->marker = attr_marker(n);
		break;
	case FB_OFFERS:
		rc |= parse_msg(n, "heading", own, &b->text);
		break;
	case FB_SIGNATURE:
		rc |= parse_msg(n, "heading", own, &b->text);
		rc |= parse_msg(n, "tooltip", own, &b->tooltip);
		rc |= parse_msg(n, "caption", own, &b->caption);
		b->sig_field = xmldoc_attr(n, "field");
		rc |= b->sig_field == NULL ? -1 : 0;
		rc |= parse_lines(n, own, b);
		break;
	case FB_DOCUMENTS:
		for (int c = 0; c < 5; c++)
			rc |= parse_msg(n, cols[c], own, &b->cols[c]);
		break;
	case FB_SPACE: {
		char *v = xmldoc_attr(n, "points");
		b->space = v ? strtod(v, NULL) : 0;
		free(v);
		break;
	}
	default:
		rc |= parse_msg(n, "text", own, &b->text);
		b->bold = attr_flag(n, "bold");
		b->marker = attr_marker(n);
		break;
	}
	return rc ? -1 : 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (xmldoc_is(c, FORM_NS, name))
			return c;
	return NULL;
}

static int parse_subject(const xmlNode *subject, struct form *f,
                         struct err *e)
{
	int count = 0;

	for (const xmlNode *c = subject->children; c; c = c->next)
		count += xmldoc_is(c, FORM_NS, "part");
	f->subject = calloc((size_t)count, sizeof *f->subject);
	if (f->subject == NULL)
		return err_set(e, "%s: out of memory", f->path);
	for (const xmlNode *c = subject->children; c; c = c->next) {
		struct form_part *p;

		if (!xmldoc_is(c, FORM_NS, "part"))
			continue;
		p = &f->subject[f->n_subject++];
		if (parse_msg(c, "text", f->catalogue, &p->msg) != 0)
			return err_set(e, "%s: out of memory", f->path);
		p->field = xmldoc_attr(c, "field");
		if ((p->field != NULL) == (p->msg.file != NULL))
			return err_set(e, "%s:%d: a <part> needs text or field, not both",
			               f->path, (int)xmlGetLineNo(c));
	}
	return 0;
}

/* Builds f from a schema-valid document. */
static int build_form(const xmlNode *root, struct form *f, struct err *e)
{
	const xmlNode *meta = child(root, "meta");
	const xmlNode *footer = child(root, "footer");
	const xmlNode *body = child(root, "body");
	const xmlNode *roles = child(root, "roles");
	char *order, *purpose;
	int count = 0;

	f->id = xmldoc_attr(root, "id");
	f->kind = xmldoc_attr(root, "kind");
	f->catalogue = xmldoc_attr(root, "catalogue");
	order = xmldoc_attr(root, "order");
	f->order = order ? atoi(order) : 1;
	free(order);
	purpose = xmldoc_attr(root, "purpose");
	f->cover = purpose != NULL && strcmp(purpose, "countersign-cover") == 0;
	free(purpose);
	f->countersign_folder = xmldoc_attr(root, "countersign-folder");
	if (f->id == NULL || f->kind == NULL || f->catalogue == NULL)
		return err_set(e, "%s: out of memory", f->path);
	if ((roles != NULL) == f->cover)
		return err_set(e, "%s: %s", f->path, f->cover ?
		               "a cover sheet form has no <roles>" :
		               "a record form needs <roles>");
	if (f->cover && f->countersign_folder != NULL)
		return err_set(e, "%s: a cover sheet is not itself countersigned",
		               f->path);
	for (const xmlNode *r = roles ? roles->children : NULL; r; r = r->next) {
		xmlChar *name;
		enum role role;

		if (!xmldoc_is(r, FORM_NS, "role"))
			continue;
		name = xmlNodeGetContent(r);
		role = name ? role_from_name((const char *)name) : ROLE_NONE;
		xmlFree(name);
		for (int i = 0; i < f->n_roles; i++)
			if (f->roles[i] == role)
				role = ROLE_NONE;
		if (role == ROLE_NONE || f->n_roles == 4)
			return err_set(e, "%s:%d: unknown or repeated role", f->path,
			               (int)xmlGetLineNo(r));
		f->roles[f->n_roles++] = role;
	}
	if (parse_msg(meta, "title", f->catalogue, &f->title) != 0 ||
	    parse_msg(footer, "reference", f->catalogue, &f->footer) != 0 ||
	    parse_msg(footer, "page", f->catalogue, &f->page) != 0)
		return err_set(e, "%s: out of memory", f->path);
	if (parse_subject(child(meta, "subject"), f, e) != 0)
		return -1;
	for (const xmlNode *c = body->children; c; c = c->next)
		count += c->type == XML_ELEMENT_NODE;
	f->blocks = calloc((size_t)count + 1, sizeof *f->blocks);
	if (f->blocks == NULL)
		return err_set(e, "%s: out of memory", f->path);
	for (const xmlNode *c = body->children; c; c = c->next) {
		int rc;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		rc = parse_block(c, f->catalogue, &f->blocks[f->n_blocks]);
		if (rc < 0) {
			f->n_blocks++;  /* so that form_clear frees its parts */
			return err_set(e, "%s: out of memory", f->path);
		}
		if (rc == 0 && parse_scope(c, f, &f->blocks[f->n_blocks++], e) != 0)
			return -1;
	}
	return 0;
}

/* A record form may not print the cover sheet's fields, nor hold its
 * table of documents. */
static int check_fields(const struct form *f, struct err *e)
{
	if (f->cover)
		return 0;
	for (int i = 0; i < f->n_subject; i++)
		if (f->subject[i].field && cover_field(f->subject[i].field))
			goto field;
	for (int i = 0; i < f->n_blocks; i++) {
		const struct form_block *b = &f->blocks[i];
		if (b->kind == FB_DOCUMENTS)
			return err_set(e, "%s: <documents> belongs to a cover sheet "
			               "form", f->path);
		if (b->field && cover_field(b->field))
			goto field;
		for (int j = 0; j < b->n_lines; j++)
			if (b->lines[j].field && cover_field(b->lines[j].field))
				goto field;
	}
	return 0;
field:
	return err_set(e, "%s: a record form uses a field of the cover sheet "
	               "(batch.*, package.*, countersignatory)", f->path);
}

static int load_one(const char *path, xmlSchemaPtr schema, struct form *f,
                    struct err *e)
{
	xmlDocPtr doc = xmldoc_read(path, e);
	int rc = -1;

	f->path = strdup(path);
	if (doc == NULL)
		return -1;
	if (f->path == NULL) {
		err_set(e, "%s: out of memory", path);
		goto cleanup;
	}
	if (schema_validate(schema, doc, path, e) != 0)
		goto cleanup;
	rc = build_form(xmlDocGetRootElement(doc), f, e);
	if (rc == 0)
		rc = check_fields(f, e);
cleanup:
	xmlFreeDoc(doc);
	return rc;
}

/* Rules across forms: unique ids, one form per role and kind. */
static int check_set(const struct form_set *s, struct err *e)
{
	for (int i = 0; i < s->n; i++) {
		const struct form *a = &s->forms[i];
		for (int j = i + 1; j < s->n; j++) {
			const struct form *b = &s->forms[j];
			if (strcmp(a->id, b->id) == 0)
				return err_set(e, "%s: form id '%s' is also used by %s",
				               b->path, b->id, a->path);
			if (a->cover && b->cover)
				return err_set(e, "%s: a second cover sheet form (%s)",
				               b->path, a->path);
			if (strcmp(a->kind, b->kind) != 0)
				continue;
			for (int x = 0; x < a->n_roles; x++)
				for (int y = 0; y < b->n_roles; y++)
					if (a->roles[x] == b->roles[y])
						return err_set(e, "%s: role '%s' already has a "
						               "'%s' form (%s)", b->path,
						               role_name(b->roles[y]), b->kind,
						               a->path);
		}
	}
	return 0;
}

static int form_cmp(const void *pa, const void *pb)
{
	const struct form *a = pa, *b = pb;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return strcmp(a->id, b->id);
}

struct form_set *form_set_load(const char *dir, const char *schema_path,
                               struct err *e)
{
	struct form_set *s = NULL;
	xmlSchemaPtr schema = NULL;
	char **paths = NULL;
	int n = 0;

	schema = schema_load(schema_path, e);
	if (schema == NULL)
		return NULL;
	n = fs_list_dir(dir, ".xml", &paths, e);
	if (n < 0) {
		n = 0;
		goto fail;
	}
	if (n == 0) {
		err_set(e, "%s: no forms (*.xml)", dir);
		goto fail;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL || (s->forms = calloc((size_t)n, sizeof *s->forms)) == NULL) {
		err_set(e, "%s: out of memory", dir);
		goto fail;
	}
	for (int i = 0; i < n; i++) {
		s->n++;
		if (load_one(paths[i], schema, &s->forms[i], e) != 0)
			goto fail;
	}
	if (check_set(s, e) != 0)
		goto fail;
	qsort(s->forms, (size_t)s->n, sizeof *s->forms, form_cmp);
	xmlSchemaFree(schema);
	fs_free_list(paths, n);
	return s;
fail:
	xmlSchemaFree(schema);
	fs_free_list(paths, n);
	form_set_free(s);
	return NULL;
}

int form_set_count(const struct form_set *s)
{
	return s->n;
}

const struct form *form_set_get(const struct form_set *s, int i)
{
	return i >= 0 && i < s->n ? &s->forms[i] : NULL;
}

const struct form *form_set_find(const struct form_set *s, const char *id)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->forms[i].id, id) == 0)
			return &s->forms[i];
	return NULL;
}

const struct form *form_set_cover(const struct form_set *s)
{
	for (int i = 0; i < s->n; i++)
		if (s->forms[i].cover)
			return &s->forms[i];
	return NULL;
}

int form_set_for_role(const struct form_set *s, enum role r,
                      const struct form **out, int max)
{
	int n = 0;

	for (int i = 0; i < s->n; i++)
		for (int j = 0; j < s->forms[i].n_roles; j++)
			if (s->forms[i].roles[j] == r) {
				if (n < max)
					out[n] = &s->forms[i];
				n++;
			}
	return n;
}

/* --- checking against the catalogue ----------------------------------- */

static int check_msg(const struct form *f, const struct form_msg *m,
                     const struct catalog *c, struct err *e)
{
	if (m->file == NULL)
		return 0;
	if (catalog_get(c, CATALOG_BASE_LANG, m->file, m->unit) == NULL)
		return err_set(e, "%s: message '%s:%s' is not in %s.xlf", f->path,
		               m->file, m->unit, CATALOG_BASE_LANG);
	return 0;
}

int form_check_messages(const struct form *f, const struct catalog *c,
                        struct err *e)
{
	int rc = 0;

	rc |= check_msg(f, &f->title, c, e);
	rc |= check_msg(f, &f->footer, c, e);
	rc |= check_msg(f, &f->page, c, e);
	for (int i = 0; i < f->n_subject && rc == 0; i++)
		rc |= check_msg(f, &f->subject[i].msg, c, e);
	for (int i = 0; i < f->n_blocks && rc == 0; i++) {
		const struct form_block *b = &f->blocks[i];
		rc |= check_msg(f, &b->text, c, e);
		rc |= rc ? 0 : check_msg(f, &b->label, c, e);
		rc |= rc ? 0 : check_msg(f, &b->tooltip, c, e);
		if (rc == 0 && b->caption.file != NULL)
			rc |= check_msg(f, &b->caption, c, e);
		for (int j = 0; j < b->n_lines && rc == 0; j++)
			rc |= check_msg(f, &b->lines[j].label, c, e);
		for (int j = 0; j < 5 && rc == 0; j++)
			rc |= check_msg(f, &b->cols[j], c, e);
		if (rc == 0 && b->kind == FB_ITEMS &&
		    catalog_series_len(c, f->catalogue, b->series) == 0)
			rc = err_set(e, "%s: no message '%s:%s1' for the list",
			             f->path, f->catalogue, b->series);
	}
	return rc ? -1 : 0;
}
