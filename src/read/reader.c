/* reader.c — streaming, validating reader of application records (see
 * reader.h). Pass 1 checks that the file is well-formed and has no DTD;
 * pass 2 expands one <application> at a time, validates that subtree
 * against the schema, fills a struct record and applies src/read/rules.c. */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "array.h"
#include "dates.h"
#include "oom.h"
#include "rules.h"
#include "text.h"
#include "xmldoc.h"
#include "xmlsafe.h"

#define NS_APPLICATIONS "urn:eumayors:applications:1"
#define XSI_NAMESPACE "http://www.w3.org/2001/XMLSchema-instance"

#define READER_OPTIONS XMLSAFE_OPTIONS

/* The longest text (or run of whitespace) one node may hold: libxml2's
 * own limit for a text node, applied by pass 1 so that a file past it is
 * rejected whole, with its place, before any of its records is used. */
#define READER_MAX_TEXT XML_MAX_TEXT_LENGTH

struct reader {
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr valid;
	struct idset *ids;
	const struct fontset *fonts;    /* for the glyph rule; may be NULL */
};

/* Where each <application> start tag begins, found by pass 1, in order. */
struct positions {
	struct place {
		int line, col;
	} *at;
	int n, cap, next;
};

/* State of reading one file. */
struct file_state {
	const char *path;
	struct positions starts;
	struct diag_list file_diags;
	struct diag_list *sink;     /* where schema errors go right now */
	const char *record_id;      /* for messages, while validating */
	int last_facet_line;        /* to drop libxml2's repeated type errors */
	int fixed_line;             /* > 0: the line of every schema error */
	struct batch batch;
};

struct reader *reader_new(const char *schema_path,
                          const struct fontset *fonts, struct err *e)
{
	struct reader *rd = calloc(1, sizeof *rd);
	xmlSchemaParserCtxtPtr pctxt = NULL;
	xmlDocPtr doc;

	if (rd == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	rd->fonts = fonts;
	xmlsafe_init();
	/* Read by xmldoc_read, not by libxml2's file input: that one goes
	 * through liblzma and zlib, whose failed allocations it reports as
	 * a file it cannot read. */
	doc = xmldoc_read(schema_path, e);
	if (doc == NULL)
		goto fail;
	pctxt = xmlSchemaNewDocParserCtxt(doc);
	if (pctxt != NULL) {
		xmlSchemaSetParserStructuredErrors(pctxt, NULL, NULL);
		rd->schema = xmlSchemaParse(pctxt);
		xmlSchemaFreeParserCtxt(pctxt);
	}
	xmlFreeDoc(doc);
	if (rd->schema == NULL) {
		err_set(e, "%s: cannot load the records schema", schema_path);
		goto fail;
	}
	rd->valid = xmlSchemaNewValidCtxt(rd->schema);
	rd->ids = idset_new();
	if (rd->valid == NULL || rd->ids == NULL) {
		err_set(e, "out of memory");
		goto fail;
	}
	return rd;
fail:
	reader_free(rd);
	return NULL;
}

void reader_free(struct reader *rd)
{
	if (rd == NULL)
		return;
	if (rd->valid != NULL)
		xmlSchemaFreeValidCtxt(rd->valid);
	if (rd->schema != NULL)
		xmlSchemaFree(rd->schema);
	idset_free(rd->ids);
	free(rd);
}

struct reader *reader_open(const char *datadir, struct fontset **fonts,
                           struct err *e)
{
	char path[4096];
	struct reader *rd;

	snprintf(path, sizeof path, "%s/fonts", datadir);
	if ((*fonts = fontset_load(path, e)) == NULL)
		return NULL;
	snprintf(path, sizeof path, "%s/schema/records.xsd", datadir);
	if ((rd = reader_new(path, *fonts, e)) == NULL) {
		fontset_free(*fonts);
		*fonts = NULL;
	}
	return rd;
}

/* --- opening a record file ------------------------------------------- */

/* A record file as libxml2 reads it: opened without blocking and refused
 * unless it is a regular file (a FIFO would hang the run), and read
 * through a guard that stops at a run of whitespace longer than a text
 * may be: libxml2 keeps whitespace before and after the root element in
 * memory, so a file of 1 GiB of blanks would cost 1 GB. */
struct guarded {
	int fd;
	off_t offset;           /* bytes read so far */
	off_t run_start;        /* where the current run of blanks began */
	off_t run;              /* its length so far */
	int too_long;           /* the run passed READER_MAX_TEXT */
};

/* Bytes of a run of blanks: XML's white space, and NUL for UTF-16 (a
 * UTF-8 file holding NUL is refused by the parser anyway). */
static int is_blank_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0';
}

static void guarded_close(struct guarded *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

/* Opens path for reading. Returns 0, or -1 with a message in msg (the
 * system's reason, or what kind of file it is). */
static int guarded_open(struct guarded *g, const char *path, char *msg,
                        size_t size)
{
	struct stat sb;

	memset(g, 0, sizeof *g);
	g->fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (g->fd < 0) {
		snprintf(msg, size, "cannot open the file: %s", strerror(errno));
		return -1;
	}
	if (fstat(g->fd, &sb) != 0) {
		snprintf(msg, size, "cannot read the file: %s", strerror(errno));
		guarded_close(g);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(msg, size, "not a regular file%s",
		         S_ISFIFO(sb.st_mode) ? " (a FIFO)" : "");
		guarded_close(g);
		return -1;
	}
	/* Regular files never block; reads go back to plain ones. */
	fcntl(g->fd, F_SETFL, fcntl(g->fd, F_GETFL) & ~O_NONBLOCK);
	return 0;
}

/* libxml2's read callback: only the blanks at both ends of a chunk are
 * looked at, so the guard costs nothing on ordinary files. */
static int guarded_read(void *ctx, char *buf, int len)
{
	struct guarded *g = ctx;
	ssize_t n;
	off_t lead = 0, tail;

	if (g->too_long)
		return -1;
	do
		n = read(g->fd, buf, (size_t)len);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return (int)n;
	while (lead < n && is_blank_byte((unsigned char)buf[lead]))
		lead++;
	if (g->run == 0)
		g->run_start = g->offset;
	g->run += lead;
	if (lead < n) {
		if (g->run <= READER_MAX_TEXT) {
			for (tail = n; is_blank_byte((unsigned char)buf[tail - 1]);)
				tail--;
			g->run = n - tail;
			g->run_start = g->offset + tail;
		}
	}
	g->offset += n;
	if (g->run > READER_MAX_TEXT) {
		g->too_long = 1;
		return -1;
	}
	return (int)n;
}

/* The file is closed by guarded_close, once libxml2 is done with it. */
static int guarded_keep_open(void *ctx)
{
	(void)ctx;
	return 0;
}

/* Line and column (in characters) of byte offset `at` of the open file:
 * read again, only after an error. */
static void guarded_position(struct guarded *g, off_t at, int *line,
                             int *col)
{
	char buf[65536];
	off_t pos = 0;

	*line = 1;
	*col = 1;
	while (pos < at) {
		size_t want = at - pos < (off_t)sizeof buf ? (size_t)(at - pos) :
		              sizeof buf;
		ssize_t n = pread(g->fd, buf, want, pos);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)buf[i];
			if (c == '\n') {
				(*line)++;
				*col = 1;
			} else if ((c & 0xC0) != 0x80 &&
			           !(pos + i == 0 && c == 0xEF)) {
				(*col)++;       /* a character; not the BOM */
			}
		}
		pos += n;
	}
}

/* Adds the diagnostic of a run of blanks past the limit. */
static void guarded_report(struct guarded *g, const char *path,
                           struct diag_list *diags)
{
	int line, col;

	guarded_position(g, g->run_start, &line, &col);
	diag_add(diags, path, line, col, RULE_TEXT_SIZE,
	         "a run of more than %d bytes of white space starts here; "
	         "no text of a record file may be longer", READER_MAX_TEXT);
}

/* --- pass 1: well-formedness ----------------------------------------- */

/* A SAX parse that keeps nothing (memory is flat): it notes where each
 * record begins and how long the current text is, and stops at the
 * first fatal error, at a DOCTYPE or at a text past READER_MAX_TEXT. */
struct wf_state {
	const char *path;
	struct diag_list *diags;
	xmlParserCtxtPtr ctxt;
	struct positions *starts;
	struct guarded *input;
	int fatal;
	long text;              /* bytes of the text node being read */
	int text_line, text_col;  /* where it begins */
};

/* Appends a start tag's place to p. Returns 0, or -1 out of memory. */
static int positions_add(struct positions *p, int line, int col)
{
	struct place *at;

	if ((at = array_reserve_int(p->at, sizeof *at, p->n, 1, &p->cap)) == NULL)
		return -1;
	p->at = at;
	p->at[p->n].line = line;
	p->at[p->n].col = col;
	p->n++;
	return 0;
}

/* Frees what p holds and zeroes it. */
static void positions_clear(struct positions *p)
{
	free(p->at);
	memset(p, 0, sizeof *p);
}

/* The parser calls back at the end of a start tag, and the whole tag is
 * still in its buffer: scan back to its '<' for the line and column where
 * it begins (libxml2's own node lines are those of the tag's end, and
 * past line 65,535 those of its first child). */
static void tag_start(xmlParserCtxtPtr ctxt, int *line, int *col)
{
	const xmlChar *base = ctxt->input->base, *p = ctxt->input->cur;
	int l = ctxt->input->line;

	while (p > base && *p != '<') {
		p--;
		if (*p == '\n')
			l--;
	}
	*line = l;
	*col = 1;
	for (const xmlChar *q = p; q > base && q[-1] != '\n'; q--)
		if ((q[-1] & 0xC0) != 0x80)   /* count characters, not bytes */
			(*col)++;
}

/* A new text node may begin where the parser stands: just after a tag,
 * a comment, a processing instruction or a CDATA section (libxml2 joins
 * only adjacent character data into one node). The parser calls these
 * handlers past what they report, except the start tag's (on its '>'). */
static void text_starts(struct wf_state *st)
{
	st->text = 0;
	st->text_line = st->ctxt->input->line;
	st->text_col = st->ctxt->input->col;
}

static void on_end_element(void *ctx, const xmlChar *name,
                           const xmlChar *prefix, const xmlChar *uri)
{
	(void)name;
	(void)prefix;
	(void)uri;
	text_starts(ctx);
}

static void on_comment(void *ctx, const xmlChar *text)
{
	(void)text;
	text_starts(ctx);
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	(void)target;
	(void)data;
	text_starts(ctx);
}

static void on_cdata(void *ctx, const xmlChar *text, int len)
{
	(void)text;
	(void)len;
	text_starts(ctx);
}

/* Counts the bytes of the text node being read: one longer than libxml2
 * lets pass 2 build rejects the file here, at the text's start. */
static void on_characters(void *ctx, const xmlChar *text, int len)
{
	struct wf_state *st = ctx;

	(void)text;
	st->text += len;
	if (st->text <= READER_MAX_TEXT || st->fatal)
		return;
	diag_add(st->diags, st->path, st->text_line, st->text_col,
	         RULE_TEXT_SIZE, "a text of more than %d bytes starts here; no "
	         "text of a record file may be longer", READER_MAX_TEXT);
	st->fatal = 1;
	xmlStopParser(st->ctxt);
}

static void on_start_element(void *ctx, const xmlChar *name,
                             const xmlChar *prefix, const xmlChar *uri,
                             int n_ns, const xmlChar **ns, int n_attrs,
                             int n_defaulted, const xmlChar **attrs)
{
	struct wf_state *st = ctx;
	int line, col;

	(void)prefix;
	(void)n_ns;
	(void)ns;
	(void)n_attrs;
	(void)n_defaulted;
	(void)attrs;
	text_starts(st);
	st->text_col++;     /* the parser stands on the tag's '>' */
	/* Records are the root or its children (the parser pushes an
	 * element's name after this callback). */
	if (st->ctxt->nameNr > 1 || uri == NULL ||
	    strcmp((const char *)uri, NS_APPLICATIONS) != 0 ||
	    strcmp((const char *)name, "application") != 0)
		return;
	tag_start(st->ctxt, &line, &col);
	if (positions_add(st->starts, line, col) != 0) {
		/* The file must not pass for one without records. */
		oom_note();
		diag_add(st->diags, st->path, line, col, RULE_MEMORY,
		         "out of memory reading the file");
		st->fatal = 1;
		xmlStopParser(st->ctxt);
	}
}

/* Copies a libxml2 message on one line, without its trailing newline. */
static void clean_message(const char *msg, char *buf, size_t size)
{
	size_t n;

	snprintf(buf, size, "%s", msg ? msg : "unknown error");
	for (char *p = buf; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
}

static void on_parse_error(void *ctx, xmlErrorPtr error)
{
	struct wf_state *st = ctx;
	char msg[1024];

	if (error->level == XML_ERR_WARNING || st->fatal)
		return;
	if (st->input->too_long) {      /* the guard stopped the read */
		guarded_report(st->input, st->path, st->diags);
		st->fatal = 1;
		return;
	}
	clean_message(error->message, msg, sizeof msg);
	diag_add(st->diags, st->path, error->line, error->int2,
	         RULE_NOT_WELL_FORMED, "not well-formed XML: %s", msg);
	st->fatal = 1;
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
                       const xmlChar *sys)
{
	struct wf_state *st = ctx;

	(void)name;
	(void)ext;
	(void)sys;
	diag_add(st->diags, st->path, st->ctxt->input->line,
	         st->ctxt->input->col, RULE_DOCTYPE,
	         "DOCTYPE declarations (DTDs, entities) are not allowed in "
	         "records");
	st->fatal = 1;
	xmlStopParser(st->ctxt);
}

/* Returns 0 when the file is well-formed, has no DTD and no text longer
 * than READER_MAX_TEXT; otherwise the problem is in diags. */
static int check_well_formed(const char *path, struct diag_list *diags,
                             struct positions *starts)
{
	struct wf_state st = { 0 };
	struct guarded in;
	xmlSAXHandler sax;
	char msg[256];
	int ok;

	st.path = path;
	st.diags = diags;
	st.starts = starts;
	st.input = &in;
	if (guarded_open(&in, path, msg, sizeof msg) != 0) {
		diag_add(diags, path, 0, 0, RULE_IO, "%s", msg);
		return -1;
	}
	if (lseek(in.fd, 0, SEEK_END) == 0) {
		diag_add(diags, path, 1, 1, RULE_NOT_WELL_FORMED,
		         "not well-formed XML: the file is empty");
		guarded_close(&in);
		return -1;
	}
	lseek(in.fd, 0, SEEK_SET);
	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.internalSubset = on_doctype;
	sax.startElementNs = on_start_element;
	sax.endElementNs = on_end_element;
	sax.characters = on_characters;
	sax.ignorableWhitespace = on_characters;
	sax.comment = on_comment;
	sax.processingInstruction = on_pi;
	sax.cdataBlock = on_cdata;
	sax.serror = on_parse_error;
	st.ctxt = xmlCreateIOParserCtxt(&sax, &st, guarded_read,
	                                guarded_keep_open, &in,
	                                XML_CHAR_ENCODING_NONE);
	if (st.ctxt == NULL) {
		diag_add(diags, path, 0, 0, RULE_MEMORY,
		         "out of memory reading the file");
		guarded_close(&in);
		return -1;
	}
	st.ctxt->userData = &st;
	xmlCtxtUseOptions(st.ctxt, READER_OPTIONS);
	text_starts(&st);
	xmlParseDocument(st.ctxt);
	if (!st.fatal && in.too_long) {
		guarded_report(&in, path, diags);
		st.fatal = 1;
	}
	if (!st.fatal && !st.ctxt->wellFormed)
		diag_add(diags, path, st.ctxt->input ? st.ctxt->input->line : 0,
		         st.ctxt->input ? st.ctxt->input->col : 0,
		         RULE_NOT_WELL_FORMED, "not well-formed XML");
	ok = !st.fatal && st.ctxt->wellFormed;
	/* A broken DOCTYPE can make the parser start a document of its own
	 * (for the entities it declares): ours to free. */
	if (st.ctxt->myDoc != NULL) {
		xmlFreeDoc(st.ctxt->myDoc);
		st.ctxt->myDoc = NULL;
	}
	xmlFreeParserCtxt(st.ctxt);
	guarded_close(&in);
	return ok ? 0 : -1;
}

/* --- schema errors, made readable ------------------------------------- */

struct friendly_rule {
	const char *element;    /* local name, or NULL for any */
	const char *attribute;  /* NULL for the element's own value */
	enum diag_rule rule;
	const char *explain;
};

static const struct friendly_rule friendly_rules[] = {
	{ "application", "id", RULE_ID,
	  "must be 1 to 64 characters of A-Z a-z 0-9 . _ - starting with a "
	  "letter or digit" },
	{ "application", "role", RULE_ROLE,
	  "must be coordinator, national-coordinator, supporter or "
	  "associated-partner" },
	{ "application", "status", RULE_STATUS,
	  "must be received, eligible, rejected or withdrawn" },
	{ "application", "lang", RULE_LANG, "is not a BCP 47 language tag" },
	{ "offer", "kind", RULE_OFFER_KIND,
	  "must be technical, financial, strategic, capacity-building or other" },
	{ "eligibility", "confirmed", RULE_DATE, "is not a date YYYY-MM-DD" },
	{ "applications", "batch", RULE_BATCH,
	  "must be 1 to 1000 characters, not only white space" },
	{ "category", NULL, RULE_CATEGORY, "is not a known category" },
	{ "country", NULL, RULE_COUNTRY,
	  "is not an ISO 3166-1 alpha-2 code (two capital letters)" },
	{ "email", NULL, RULE_EMAIL, "is not an e-mail address" },
};

/* Removes every "{namespace}" from a libxml2 message, in place. */
static void strip_namespaces(char *s)
{
	char *out = s;

	for (char *p = s; *p != '\0'; p++) {
		if (*p == '{' && strncmp(p + 1, "urn:", 4) == 0) {
			char *close = strchr(p, '}');
			if (close != NULL) {
				p = close;
				continue;
			}
		}
		*out++ = *p;
	}
	*out = '\0';
}

/* Extracts 'X' after prefix in msg into buf; returns buf or NULL. */
static char *quoted_after(const char *msg, const char *prefix, char *buf,
                          size_t size)
{
	const char *p = strstr(msg, prefix);
	const char *end;

	if (p == NULL)
		return NULL;
	p += strlen(prefix);
	end = strstr(p, "' is not");
	if (end == NULL)
		end = strchr(p, '\'');
	if (end == NULL || (size_t)(end - p) >= size)
		return NULL;
	memcpy(buf, p, (size_t)(end - p));
	buf[end - p] = '\0';
	return buf;
}

/* Lengths the schema bounds (maxLength), said in the record's terms. */
struct length_rule {
	const char *element;    /* local name */
	const char *attribute;  /* NULL for the element's own value */
	enum diag_rule rule;
	const char *field;      /* as the other messages name it */
};

static const struct length_rule length_rules[] = {
	{ "offer", NULL, RULE_OFFER_LENGTH, "support/offer" },
	{ "applications", "batch", RULE_BATCH, "applications batch" },
};

static const struct length_rule *find_length_rule(const char *element,
                                                  const char *attribute)
{
	for (size_t i = 0; i < sizeof length_rules / sizeof length_rules[0];
	     i++) {
		const struct length_rule *l = &length_rules[i];
		if (strcmp(l->element, element) == 0 &&
		    (l->attribute == NULL ? attribute[0] == '\0' :
		     strcmp(l->attribute, attribute) == 0))
			return l;
	}
	return NULL;
}

/* Characters of the value a schema error is about: the attribute's, or
 * the element's text. -1 when it cannot be had. */
static long value_chars(xmlErrorPtr error, const char *attribute)
{
	xmlNodePtr n = error->node;
	xmlChar *v;
	long len;

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return -1;
	v = attribute[0] ? xmlGetNoNsProp(n, BAD_CAST attribute) :
	    xmlNodeGetContent(n);
	len = v ? xmlUTF8Strlen(v) : -1;
	xmlFree(v);
	return len;
}

/* A maxLength error of a bounded field as one readable line; returns 0
 * when the error is not one. libxml2 cuts messages at about 64,000
 * bytes, and quotes an attribute's value before the lengths: the length
 * is then counted from the node itself. */
static int length_error(struct file_state *st, int line, int col,
                        xmlErrorPtr error, const char *element,
                        const char *attribute)
{
	const struct length_rule *l = find_length_rule(element, attribute);
	const char *msg = error->message;
	const char *has_at = strstr(msg, "has a length of '");
	const char *max_at = strstr(msg, "maximum length of '");
	long has = -1, max = -1;

	if (l == NULL || strstr(msg, "[facet 'maxLength']") == NULL)
		return 0;
	if (has_at == NULL || sscanf(has_at, "has a length of '%ld'", &has) != 1)
		has = value_chars(error, attribute);
	if (max_at != NULL)
		sscanf(max_at, "maximum length of '%ld'", &max);
	if (max >= 0)
		diag_add(st->sink, st->path, line, col, l->rule,
		         "%s%s%s%s has %ld characters; at most %ld are allowed",
		         st->record_id ? "record " : "",
		         st->record_id ? st->record_id : "",
		         st->record_id ? ": " : "", l->field, has, max);
	else
		diag_add(st->sink, st->path, line, col, l->rule,
		         "%s%s%s%s has %ld characters, more than are allowed",
		         st->record_id ? "record " : "",
		         st->record_id ? st->record_id : "",
		         st->record_id ? ": " : "", l->field, has);
	return 1;
}

static const struct friendly_rule *find_friendly(const char *element,
                                                 const char *attribute)
{
	for (size_t i = 0; i < sizeof friendly_rules / sizeof friendly_rules[0];
	     i++) {
		const struct friendly_rule *f = &friendly_rules[i];
		if (strcmp(f->element, element) != 0)
			continue;
		if ((f->attribute == NULL) != (attribute[0] == '\0'))
			continue;
		if (f->attribute == NULL || strcmp(f->attribute, attribute) == 0)
			return f;
	}
	return NULL;
}

static void on_schema_error(void *ctx, xmlErrorPtr error)
{
	struct file_state *st = ctx;
	char msg[1024], element[128] = "", attribute[128] = "", value[512];
	const struct friendly_rule *f = NULL;
	/* A record's problem names the record; the file's own do not. */
	const char *prefix = st->record_id ? "record " : "";
	const char *id = st->record_id ? st->record_id : "";
	const char *colon = st->record_id ? ": " : "";
	int is_facet, line = error->line, col = error->int2;

	if (error->level == XML_ERR_WARNING)
		return;
	if (st->fixed_line > 0) {      /* a synthetic element: its place */
		line = st->fixed_line;
		col = 1;
	}
	clean_message(error->message, msg, sizeof msg);
	strip_namespaces(msg);
	is_facet = strstr(msg, "[facet '") != NULL;
	if (!is_facet && strstr(msg, "is not a valid value of the") != NULL &&
	    st->last_facet_line == line)
		return;     /* libxml2 repeats a facet error as a type error */
	if (is_facet)
		st->last_facet_line = line;
	if (sscanf(msg, "Element '%127[^']', attribute '%127[^']'", element,
	           attribute) < 1)
		element[0] = '\0';
	if (strstr(msg, "', attribute '") == NULL)
		attribute[0] = '\0';
	if (element[0] != '\0')
		f = find_friendly(element, attribute);
	if (f != NULL && quoted_after(msg, "The value '", value, sizeof value)) {
		diag_add(st->sink, st->path, line, col, f->rule,
			 "%s%s%s%s%s%s '%s' %s", prefix, id, colon,
		         element, attribute[0] ? " " : "", attribute, value,
		         f->explain);
		return;
	}
	if (element[0] != '\0' && error->message != NULL &&
	    length_error(st, line, col, error, element, attribute))
		return;
	diag_add(st->sink, st->path, line, col, RULE_SCHEMA,
		 "%s%s%s%s", prefix, id, colon, msg);
}

/* --- pass 2: filling the model ---------------------------------------- */

static int is_ns_element(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       strcmp((const char *)n->ns->href, NS_APPLICATIONS) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr first_child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent->children; c != NULL; c = c->next)
		if (is_ns_element(c, name))
			return c;
	return NULL;
}

/* Cleans raw text for a field and checks it for forbidden characters.
 * Returns a new string or NULL (absent or rejected, with a diagnostic). */
static char *clean_field(const char *raw, enum text_shape shape,
                         const char *field, int line, const char *id,
                         struct file_state *st)
{
	size_t at = 0;
	uint32_t bad;
	char *s;

	if (raw == NULL)
		return NULL;
	bad = text_forbidden(raw, &at);
	if (bad != 0) {
		diag_add(st->sink, st->path, line, 0, RULE_TEXT_CONTROL,
		         "record %s: %s contains U+%04X, a control or "
		         "non-character that a record may not hold", id, field,
		         (unsigned)bad);
		return NULL;
	}
	s = text_clean(raw, shape);
	if (s == NULL && !oom_seen())  /* else the command reports the lack */
		diag_add(st->sink, st->path, line, 0, RULE_UTF8,
		         "record %s: %s is not valid UTF-8", id, field);
	return s;
}

static char *element_text(xmlNodePtr parent, const char *name,
                          const char *field, const char *id,
                          struct file_state *st)
{
	xmlNodePtr n = parent ? first_child(parent, name) : NULL;
	xmlChar *raw;
	char *s;

	if (n == NULL)
		return NULL;
	raw = xmlNodeGetContent(n);
	s = clean_field((const char *)raw, TEXT_LINE, field, xmlGetLineNo(n),
	                id, st);
	xmlFree(raw);
	return s;
}

/* The cleaned text of element n itself; NULL when rejected. */
static char *element_text_of(xmlNodePtr n, const char *field, const char *id,
                             struct file_state *st)
{
	xmlChar *raw = xmlNodeGetContent(n);
	char *s = clean_field((const char *)raw, TEXT_LINE, field,
	                      xmlGetLineNo(n), id, st);

	xmlFree(raw);
	return s;
}

static char *attribute_text(xmlNodePtr n, const char *name, const char *id,
                            struct file_state *st)
{
	xmlChar *raw = n ? xmlGetNoNsProp(n, (const xmlChar *)name) : NULL;
	char *s;

	if (raw == NULL)
		return NULL;
	s = clean_field((const char *)raw, TEXT_LINE, name, xmlGetLineNo(n), id,
	                st);
	xmlFree(raw);
	return s;
}

static void read_person(xmlNodePtr n, struct person *p, const char *what,
                        const char *id, struct file_state *st)
{
	char field[64];

	snprintf(field, sizeof field, "%s/name", what);
	p->name = element_text(n, "name", field, id, st);
	snprintf(field, sizeof field, "%s/position", what);
	p->position = element_text(n, "position", field, id, st);
	snprintf(field, sizeof field, "%s/email", what);
	p->email = element_text(n, "email", field, id, st);
	snprintf(field, sizeof field, "%s/phone", what);
	p->phone = element_text(n, "phone", field, id, st);
}

static void read_address(xmlNodePtr org, struct record *r,
                         struct file_state *st)
{
	xmlNodePtr addr = first_child(org, "address");

	if (addr == NULL)
		return;
	for (xmlNodePtr c = addr->children; c != NULL; c = c->next) {
		if (!is_ns_element(c, "line") ||
		    r->n_address >= RECORD_MAX_ADDRESS_LINES)
			continue;
		xmlChar *raw = xmlNodeGetContent(c);
		char *s = clean_field((const char *)raw, TEXT_LINE,
		                      "address/line", xmlGetLineNo(c), r->id, st);
		xmlFree(raw);
		if (s != NULL)
			r->address[r->n_address++] = s;
	}
	r->postcode = element_text(addr, "postcode", "address/postcode", r->id,
	                           st);
	r->city = element_text(addr, "city", "address/city", r->id, st);
}

static int read_offers(xmlNodePtr app, struct record *r,
                       struct file_state *st)
{
	xmlNodePtr support = first_child(app, "support");
	int n = 0;

	if (support == NULL)
		return 0;
	for (xmlNodePtr c = support->children; c != NULL; c = c->next)
		n += is_ns_element(c, "offer");
	if (n == 0)
		return 0;
	r->offers = calloc((size_t)n, sizeof *r->offers);
	if (r->offers == NULL)
		return -1;
	for (xmlNodePtr c = support->children; c != NULL; c = c->next) {
		if (!is_ns_element(c, "offer"))
			continue;
		xmlChar *raw = xmlNodeGetContent(c);
		struct offer *o = &r->offers[r->n_offers];
		o->kind = attribute_text(c, "kind", r->id, st);
		o->text = clean_field((const char *)raw, TEXT_PARAGRAPHS,
		                      "support/offer", xmlGetLineNo(c), r->id, st);
		xmlFree(raw);
		if (o->kind != NULL && o->text != NULL)
			r->n_offers++;
		else {
			free(o->kind);
			free(o->text);
			memset(o, 0, sizeof *o);
		}
	}
	return 0;
}

static void read_application(xmlNodePtr app, struct record *r,
                             struct file_state *st)
{
	xmlNodePtr org = first_child(app, "organisation");
	xmlNodePtr elig = first_child(app, "eligibility");
	xmlNodePtr contact = first_child(app, "contact");
	char *role, *status;

	role = attribute_text(app, "role", r->id, st);
	status = attribute_text(app, "status", r->id, st);
	r->role = role ? role_from_name(role) : ROLE_NONE;
	r->status = status ? status_from_name(status) : STATUS_NONE;
	free(role);
	free(status);
	r->lang = attribute_text(app, "lang", r->id, st);

	r->org_name = element_text(org, "name", "organisation/name", r->id, st);
	r->org_acronym = element_text(org, "acronym", "organisation/acronym",
	                              r->id, st);
	r->org_category = element_text(org, "category", "organisation/category",
	                               r->id, st);
	r->org_country = element_text(org, "country", "organisation/country",
	                              r->id, st);
	r->website = element_text(org, "website", "organisation/website", r->id,
	                          st);
	if (org != NULL)
		read_address(org, r, st);
	read_person(first_child(app, "signatory"), &r->signatory, "signatory",
	            r->id, st);
	if (contact != NULL) {
		r->has_contact = 1;
		read_person(contact, &r->contact, "contact", r->id, st);
	}
	if (elig != NULL) {
		r->eligibility_confirmed = attribute_text(elig, "confirmed",
		                                          r->id, st);
		r->eligibility_reference = attribute_text(elig, "reference",
		                                          r->id, st);
	}
	r->signing_place = attribute_text(first_child(app, "signing"), "place",
	                                  r->id, st);
	if (read_offers(app, r, st) != 0)
		diag_add(st->sink, st->path, r->line, 0, RULE_MEMORY,
		         "record %s: out of memory", r->id);
}

/* Reads the id attribute as written (only for messages and the model);
 * the schema has already judged it. */
static char *raw_id(xmlNodePtr app)
{
	xmlChar *raw = xmlGetNoNsProp(app, (const xmlChar *)"id");
	char *id = strdup(raw ? (const char *)raw : "(no id)");

	xmlFree(raw);
	return id;
}

static int has_rule(const struct diag_list *diags, enum diag_rule rule)
{
	for (int i = 0; i < diags->n; i++)
		if (diags->items[i].id == rule)
			return 1;
	return 0;
}

/* Applies the rules beyond the schema, leaving out any rule the schema
 * already reported for this record (a bad lang is said once). */
static void add_rule_diags(const struct reader *rd, const struct record *r,
                           const struct batch *b, struct diag_list *diags)
{
	struct diag_list extra = { 0 };

	rules_check_record(r, &extra);
	if (rd->fonts != NULL)
		rules_check_glyphs(rd->fonts, r, b, &extra);
	for (int i = 0; i < extra.n; i++) {
		struct diag *d = &extra.items[i];
		if (has_rule(diags, d->id))
			continue;
		diag_add(diags, d->file, d->line, d->col, d->id, "%s",
		         d->message);
	}
	diag_list_clear(&extra);
}

static void check_unique_id(struct reader *rd, struct record *r,
                            struct diag_list *diags)
{
	const char *first_file;
	int first_line;

	/* An id the schema refused names nothing: no uniqueness to check. */
	if (has_rule(diags, RULE_ID))
		return;
	if (idset_add(rd->ids, r->id, r->file, r->line, &first_file,
	              &first_line) == 0)
		diag_add(diags, r->file, r->line, r->col, RULE_ID_UNIQUE,
		         "record %s: id already used at %s:%d", r->id,
		         first_file, first_line);
}

/* The record's place: its start tag as pass 1 found it. */
static void record_position(struct file_state *st, xmlNodePtr app,
                            struct record *r)
{
	struct positions *p = &st->starts;

	if (p->next < p->n) {
		r->line = p->at[p->next].line;
		r->col = p->at[p->next].col;
		p->next++;
	} else {
		r->line = xmlGetLineNo(app);
		r->col = 1;
	}
}

/* Validates and reads one expanded <application>, then calls back. */
static int process_application(struct reader *rd, xmlNodePtr app,
                               struct file_state *st,
                               const struct reader_events *ev)
{
	struct diag_list diags = { 0 };
	struct record r = { 0 };
	int rc;

	r.file = st->path;
	record_position(st, app, &r);
	r.id = raw_id(app);
	if (r.id == NULL) {
		/* Raises the flag: the command stops at this record. */
		diag_add(&diags, st->path, r.line, 1, RULE_MEMORY,
		         "out of memory reading a record");
		rc = ev->on_record(ev->ctx, &r, &st->batch, &diags);
		diag_list_clear(&diags);
		return rc;
	}
	st->sink = &diags;
	st->record_id = r.id;
	st->last_facet_line = -1;
	xmlSchemaSetValidStructuredErrors(rd->valid, on_schema_error, st);
	if (xmlSchemaValidateOneElement(rd->valid, app) < 0)
		diag_add(&diags, st->path, r.line, 1, RULE_SCHEMA,
		         "record %s: the schema validator failed", r.id);
	read_application(app, &r, st);
	add_rule_diags(rd, &r, &st->batch, &diags);
	check_unique_id(rd, &r, &diags);
	st->sink = &st->file_diags;
	st->record_id = NULL;
	rc = ev->on_record(ev->ctx, &r, &st->batch, &diags);
	record_clear(&r);
	diag_list_clear(&diags);
	return rc;
}

/* Reads every <position> of <countersignatory> n into the batch, in file
 * order, with its xml:lang (NULL when absent or empty: the default), and
 * points countersignatory.position at a copy of the default. */
static void read_positions(xmlNodePtr n, struct file_state *st)
{
	struct batch *b = &st->batch;
	int count = 0;

	for (xmlNodePtr c = n->children; c != NULL; c = c->next)
		count += is_ns_element(c, "position");
	if (count == 0)
		return;
	b->positions = calloc((size_t)count, sizeof *b->positions);
	if (b->positions == NULL)
		goto oom;
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		struct lang_text *p;
		xmlChar *lang;

		if (!is_ns_element(c, "position"))
			continue;
		p = &b->positions[b->n_positions++];
		p->line = xmlGetLineNo(c);
		p->text = element_text_of(c, "countersignatory/position",
		                          "(batch)", st);
		lang = xmlGetNsProp(c, (const xmlChar *)"lang", XML_XML_NAMESPACE);
		if (lang != NULL && lang[0] != '\0' &&
		    (p->lang = strdup((const char *)lang)) == NULL) {
			xmlFree(lang);
			goto oom;
		}
		xmlFree(lang);
		if (p->lang == NULL && p->text != NULL &&
		    b->countersignatory.position == NULL &&
		    (b->countersignatory.position = strdup(p->text)) == NULL)
			goto oom;
	}
	return;
oom:
	diag_add(&st->file_diags, st->path, xmlGetLineNo(n), 1, RULE_MEMORY,
		 "countersignatory: out of memory");
}

/* Forgets what an earlier <countersignatory> of the file left in the
 * batch (one with an error is not kept, and a later one is read anew). */
static void forget_countersignatory(struct batch *b)
{
	person_clear(&b->countersignatory);
	for (int i = 0; i < b->n_positions; i++) {
		free(b->positions[i].lang);
		free(b->positions[i].text);
	}
	free(b->positions);
	b->positions = NULL;
	b->n_positions = 0;
}

/* Reads <countersignatory> n into the batch and checks it; the batch has
 * a countersignatory only when the element has no error. */
static void read_countersignatory(xmlNodePtr n, struct file_state *st)
{
	struct person *p = &st->batch.countersignatory;
	int before = st->file_diags.errors;

	int names = 0;

	forget_countersignatory(&st->batch);

	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		if (is_ns_element(c, "name") && names++ > 0)
			diag_add(&st->file_diags, st->path, xmlGetLineNo(c), 1,
			         RULE_COUNTERSIGNATORY, "countersignatory "
			         "has a second <name>; it is written once");
		else if (c->type == XML_ELEMENT_NODE &&
		         !is_ns_element(c, "name") && !is_ns_element(c, "position"))
			diag_add(&st->file_diags, st->path, xmlGetLineNo(c), 1,
			         RULE_SCHEMA, "unexpected element <%s> in "
			         "<countersignatory>", (const char *)c->name);
	}
	p->name = element_text(n, "name", "countersignatory/name", "(batch)",
	                       st);
	read_positions(n, st);
	rules_check_countersignatory(&st->batch, st->path, xmlGetLineNo(n),
	                             &st->file_diags);
	if (st->file_diags.errors == before)
		st->batch.has_countersignatory = 1;
}

static int node_line(xmlTextReaderPtr r)
{
	xmlNodePtr n = xmlTextReaderCurrentNode(r);

	return n ? xmlGetLineNo(n) : xmlTextReaderGetParserLineNumber(r);
}

/* Checks the root element; returns 1 for <applications>, 2 for a single
 * <application>, 0 for anything else (with a diagnostic). */
static int check_root(xmlTextReaderPtr r, struct file_state *st)
{
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
	const char *name = (const char *)xmlTextReaderConstLocalName(r);

	if (ns != NULL && strcmp(ns, NS_APPLICATIONS) == 0) {
		if (strcmp(name, "applications") == 0)
			return 1;
		if (strcmp(name, "application") == 0)
			return 2;
	}
	diag_add(&st->file_diags, st->path, node_line(r), 1, RULE_ROOT,
	         "the root element must be <applications> or <application> in "
	         "namespace %s, not <%s>%s%s", NS_APPLICATIONS, name,
	         ns ? " in namespace " : " without a namespace", ns ? ns : "");
	return 0;
}

/* Whether s is an xs:dateTime as the export writes it:
 * YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm], with a real date and time. */
static int is_datetime(const char *s)
{
	char date[11];
	int hh, mm, ss, n = 0;

	if (strlen(s) < 19 || s[10] != 'T')
		return 0;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (dates_parse_iso(date, date) != 0)
		return 0;
	if (sscanf(s + 11, "%2d:%2d:%2d%n", &hh, &mm, &ss, &n) != 3 || n != 8 ||
	    hh > 23 || mm > 59 || ss > 60)
		return 0;
	s += 19;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			;
	if (*s == 'Z')
		return s[1] == '\0';
	if (*s == '+' || *s == '-')
		return sscanf(s + 1, "%2d:%2d%n", &hh, &mm, &n) == 2 && n == 5 &&
		       s[6] == '\0' && hh <= 14 && mm <= 59;
	return *s == '\0';
}

/* Applies the schema's own rule for the batch attribute (its type, Line:
 * length and pattern) to value, on a bare <applications batch="..."/>,
 * so validate, generate and xmllint agree. A problem goes to the file's
 * diagnostics at `line`. Returns 1 when the value is valid. */
static int batch_valid(struct reader *rd, struct file_state *st,
                       const char *value, int line)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = NULL;
	xmlNsPtr ns = NULL;
	int before = st->file_diags.errors;

	if (doc != NULL)
		root = xmlNewDocNode(doc, NULL, BAD_CAST "applications", NULL);
	if (root != NULL) {
		xmlDocSetRootElement(doc, root);
		ns = xmlNewNs(root, BAD_CAST NS_APPLICATIONS, NULL);
	}
	if (ns == NULL || xmlSetProp(root, BAD_CAST "batch",
	                             BAD_CAST value) == NULL) {
		diag_add(&st->file_diags, st->path, line, 1, RULE_MEMORY,
		         "out of memory checking the batch attribute");
		goto cleanup;
	}
	xmlSetNs(root, ns);
	st->sink = &st->file_diags;
	st->record_id = NULL;
	st->fixed_line = line;
	st->last_facet_line = -1;
	xmlSchemaSetValidStructuredErrors(rd->valid, on_schema_error, st);
	if (xmlSchemaValidateOneElement(rd->valid, root) < 0)
		diag_add(&st->file_diags, st->path, line, 1, RULE_SCHEMA,
		         "the schema validator failed on the batch attribute");
	st->fixed_line = 0;
cleanup:
	xmlFreeDoc(doc);
	return st->file_diags.errors == before;
}

/* The <applications> attributes: batch (a line) and exported (a
 * dateTime); anything else is refused as the schema would. A batch that
 * breaks its rule is reported and not used (packages are then named
 * after the date). */
static void read_batch_attributes(struct reader *rd, xmlTextReaderPtr r,
                                  struct file_state *st)
{
	int line = node_line(r);

	while (xmlTextReaderMoveToNextAttribute(r) == 1) {
		const char *name = (const char *)xmlTextReaderConstLocalName(r);
		const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
		const char *value = (const char *)xmlTextReaderConstValue(r);

		/* xsi:* attributes are always allowed by XML Schema (a
		 * schemaLocation is never loaded). */
		if (xmlTextReaderIsNamespaceDecl(r) ||
		    (ns != NULL && strcmp(ns, XSI_NAMESPACE) == 0))
			continue;
		if (ns == NULL && strcmp(name, "batch") == 0) {
			if (batch_valid(rd, st, value, line))
				st->batch.name = clean_field(value, TEXT_LINE,
				                             "batch", line,
				                             "(batch)", st);
		} else if (ns == NULL && strcmp(name, "exported") == 0 &&
		         is_datetime(value))
			st->batch.exported = clean_field(value, TEXT_LINE,
			                                 "exported", line,
			                                 "(batch)", st);
		else if (ns == NULL && strcmp(name, "exported") == 0)
			diag_add(&st->file_diags, st->path, line, 1, RULE_DATE,
				 "applications exported '%s' is not a "
			         "date and time (YYYY-MM-DDThh:mm:ssZ)", value);
		else
			diag_add(&st->file_diags, st->path, line, 1, RULE_SCHEMA,
			         "unexpected attribute '%s' on "
			         "<applications>", name);
	}
	xmlTextReaderMoveToElement(r);
}

/* Handles one child of <applications>; the reader is on its start. */
static int process_child(struct reader *rd, xmlTextReaderPtr r,
                         struct file_state *st, const struct reader_events *ev,
                         int *seen_application)
{
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
	const char *name = (const char *)xmlTextReaderConstLocalName(r);
	int ours = ns != NULL && strcmp(ns, NS_APPLICATIONS) == 0;
	xmlNodePtr n;

	if (ours && strcmp(name, "application") == 0) {
		*seen_application = 1;
		n = xmlTextReaderExpand(r);
		return n ? process_application(rd, n, st, ev) : 0;
	}
	if (ours && strcmp(name, "countersignatory") == 0 && !*seen_application &&
	    !st->batch.has_countersignatory) {
		n = xmlTextReaderExpand(r);
		if (n != NULL)
			read_countersignatory(n, st);
		return 0;
	}
	diag_add(&st->file_diags, st->path, node_line(r), 1, RULE_SCHEMA,
		 "unexpected element <%s> in <applications>", name);
	return 0;
}

/* The first error the parser of pass 2 met, for the file's message. */
struct read_error {
	int seen;
	int line, col;
	char msg[512];
};

static void on_read_error(void *ctx, xmlErrorPtr error)
{
	struct read_error *re = ctx;

	if (error->level == XML_ERR_WARNING || re->seen)
		return;
	re->seen = 1;
	re->line = error->line;
	re->col = error->int2;
	clean_message(error->message, re->msg, sizeof re->msg);
}

/* Rejects the file where pass 2 stopped: the records before were
 * reported one by one, the rest are not read. */
static void read_failed(struct file_state *st, xmlTextReaderPtr r,
                        const struct read_error *re)
{
	int line = re->seen ? re->line : xmlTextReaderGetParserLineNumber(r);
	int col = re->seen ? re->col : xmlTextReaderGetParserColumnNumber(r);

	diag_add(&st->file_diags, st->path, line > 0 ? line : 1,
	         col > 0 ? col : 1, RULE_READ,
	         "reading stopped here (%s); no record after this point was "
	         "read", re->seen ? re->msg : "the parser failed");
}

/* Pass 2 over a well-formed file. After a child of <applications> is
 * handled, Next() skips its subtree and leaves the reader positioned on
 * the following sibling, so the loop does not Read() again then. A read
 * that fails (pass 1 makes that rare: memory, a file changed meanwhile)
 * rejects the file at that place, so no record is lost unsaid. */
static int read_records(struct reader *rd, struct file_state *st,
                        const struct reader_events *ev, struct err *e)
{
	struct read_error re = { 0 };
	struct guarded in;
	xmlTextReaderPtr r;
	char msg[256];
	int ret, seen_application = 0, rc = 0;

	if (guarded_open(&in, st->path, msg, sizeof msg) != 0) {
		diag_add(&st->file_diags, st->path, 0, 0, RULE_IO, "%s",
		         msg);
		return 0;
	}
	r = xmlReaderForIO(guarded_read, guarded_keep_open, &in, st->path,
	                   NULL, READER_OPTIONS);
	if (r == NULL) {
		guarded_close(&in);
		return err_set(e, "%s: out of memory", st->path);
	}
	xmlTextReaderSetStructuredErrorHandler(r, on_read_error, &re);
	ret = xmlTextReaderRead(r);
	while (ret == 1 && rc == 0) {
		int type = xmlTextReaderNodeType(r);
		int depth = xmlTextReaderDepth(r);

		if (type == XML_READER_TYPE_ELEMENT && depth == 0) {
			int root = check_root(r, st);
			if (root == 2) {
				xmlNodePtr n = xmlTextReaderExpand(r);
				if (n != NULL)
					rc = process_application(rd, n, st, ev);
				else
					ret = -1;
			}
			if (root != 1)
				break;
			read_batch_attributes(rd, r, st);
		} else if (type == XML_READER_TYPE_ELEMENT && depth == 1) {
			rc = process_child(rd, r, st, ev, &seen_application);
			ret = xmlTextReaderNext(r);
			continue;
		} else if ((type == XML_READER_TYPE_TEXT ||
		            type == XML_READER_TYPE_CDATA) && depth == 1) {
			diag_add(&st->file_diags, st->path, node_line(r), 1,
			         RULE_SCHEMA,
			         "unexpected text in <applications>");
		}
		ret = xmlTextReaderRead(r);
	}
	if (rc == 0 && (ret < 0 || re.seen))
		read_failed(st, r, &re);
	xmlFreeTextReader(r);
	guarded_close(&in);
	return rc;
}

int reader_read_file(struct reader *rd, const char *path,
                     const struct reader_events *ev, struct err *e)
{
	struct file_state st = { 0 };
	int rc = 0;

	st.path = path;
	st.sink = &st.file_diags;
	if (check_well_formed(path, &st.file_diags, &st.starts) == 0)
		rc = read_records(rd, &st, ev, e);
	if (rc == 0)
		rc = ev->on_file(ev->ctx, path, &st.file_diags);
	diag_list_clear(&st.file_diags);
	batch_clear(&st.batch);
	positions_clear(&st.starts);
	return rc;
}

int reader_read_files(struct reader *rd, char *const *files, int n,
                      const struct reader_events *ev, struct err *e)
{
	for (int i = 0; i < n; i++)
		if (reader_read_file(rd, files[i], ev, e) != 0)
			return -1;
	return 0;
}

int reader_forget_ids(struct reader *rd, struct err *e)
{
	struct idset *ids = idset_new();

	if (ids == NULL)
		return err_set(e, "out of memory");
	idset_free(rd->ids);
	rd->ids = ids;
	return 0;
}

static void ignore_error(void *ctx, xmlErrorPtr error)
{
	(void)ctx;
	(void)error;
}

long reader_count(const char *path)
{
	struct guarded in;
	xmlTextReaderPtr r;
	char msg[256];
	long n = 0;

	if (guarded_open(&in, path, msg, sizeof msg) != 0)
		return -1;
	r = xmlReaderForIO(guarded_read, guarded_keep_open, &in, path, NULL,
	                   READER_OPTIONS);
	if (r == NULL) {
		guarded_close(&in);
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(r, ignore_error, NULL);
	while (xmlTextReaderRead(r) == 1) {
		if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT &&
		    xmlTextReaderDepth(r) <= 1 &&
		    strcmp((const char *)xmlTextReaderConstLocalName(r),
		           "application") == 0)
			n++;
	}
	xmlFreeTextReader(r);
	guarded_close(&in);
	return n;
}
