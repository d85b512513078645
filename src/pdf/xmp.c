/* xmp.c — builds the XMP packet of a PDF/A-2 / PDF/UA-1 document (see
 * xmp.h). Values are XML-escaped; no bytes or encoding attribute in the
 * packet header (ISO 19005-2 §6.6.2.1); no padding, indentation or line
 * breaks (a reader needs none); equal input gives equal bytes. */
#include "xmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

/* Appends n bytes of s to b, kept NUL-terminated; out of memory sets
 * b->oom and makes every later put a no-op. */
static void put(struct sbuf *b, const char *s, size_t n)
{
	char *np;

	if (b->oom)
		return;
	if ((np = array_reserve(b->p, 1, b->len, n + 1, &b->cap)) == NULL) {
		b->oom = 1;
		return;
	}
	b->p = np;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void puts_(struct sbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Appends s with & < > " ' escaped. */
static void put_esc(struct sbuf *b, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '&': puts_(b, "&amp;"); break;
		case '<': puts_(b, "&lt;"); break;
		case '>': puts_(b, "&gt;"); break;
		case '"': puts_(b, "&quot;"); break;
		case '\'': puts_(b, "&apos;"); break;
		default: put(b, s, 1); break;
		}
	}
}

static int empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* <tag>value</tag> on its own line, escaped; nothing when value is empty. */
static void simple(struct sbuf *b, const char *tag, const char *value)
{
	if (empty(value))
		return;
	puts_(b, "<");
	puts_(b, tag);
	puts_(b, ">");
	put_esc(b, value);
	puts_(b, "</");
	puts_(b, tag);
	puts_(b, ">");
}

/* A language alternative: x-default, and `lang` when given. */
static void alt(struct sbuf *b, const char *tag, const char *value,
                const char *lang)
{
	if (empty(value))
		return;
	puts_(b, "<");
	puts_(b, tag);
	puts_(b, "><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	put_esc(b, value);
	puts_(b, "</rdf:li>");
	if (!empty(lang)) {
		puts_(b, "<rdf:li xml:lang=\"");
		put_esc(b, lang);
		puts_(b, "\">");
		put_esc(b, value);
		puts_(b, "</rdf:li>");
	}
	puts_(b, "</rdf:Alt></");
	puts_(b, tag);
	puts_(b, ">");
}

static const char head[] =
	"<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
	"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
	"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
	"<rdf:Description rdf:about=\"\""
	" xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
	" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\""
	" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\""
	" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\""
	" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\""
	" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\""
	" xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\""
	" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">"
	"<dc:format>application/pdf</dc:format>";

/* pdfuaid is not a schema of XMP 2004: PDF/A-2 wants it described
 * (ISO 19005-2 §6.6.2.3.2). */
static const char ua_schema[] =
	"<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">"
	"<pdfaSchema:schema>PDF/UA identification schema</pdfaSchema:schema>"
	"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/"
	"</pdfaSchema:namespaceURI>"
	"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
	"<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">"
	"<pdfaProperty:name>part</pdfaProperty:name>"
	"<pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
	"<pdfaProperty:category>internal</pdfaProperty:category>"
	"<pdfaProperty:description>Part of ISO 14289 the file conforms to"
	"</pdfaProperty:description>"
	"</rdf:li></rdf:Seq></pdfaSchema:property>"
	"</rdf:li></rdf:Bag></pdfaExtension:schemas>";

static const char tail[] =
	"</rdf:Description>"
	"</rdf:RDF>"
	"</x:xmpmeta>"
	"<?xpacket end=\"r\"?>";

char *xmp_packet(const struct xmp_info *x, size_t *len)
{
	struct sbuf b = { 0 };
	char date[40] = "";

	if (!empty(x->date) && strlen(x->date) == 10)
		snprintf(date, sizeof date, "%sT00:00:00+00:00", x->date);
	puts_(&b, head);
	alt(&b, "dc:title", x->title, x->lang);
	if (!empty(x->author)) {
		puts_(&b, "<dc:creator><rdf:Seq><rdf:li>");
		put_esc(&b, x->author);
		puts_(&b, "</rdf:li></rdf:Seq></dc:creator>");
	}
	alt(&b, "dc:description", x->subject, x->lang);
	if (!empty(x->lang)) {
		puts_(&b, "<dc:language><rdf:Bag><rdf:li>");
		put_esc(&b, x->lang);
		puts_(&b, "</rdf:li></rdf:Bag></dc:language>");
	}
	simple(&b, "xmp:CreateDate", date);
	simple(&b, "xmp:ModifyDate", date);
	simple(&b, "xmp:MetadataDate", date);
	simple(&b, "xmp:CreatorTool", x->creator_tool);
	simple(&b, "pdf:Producer", x->producer);
	if (!empty(x->conformance)) {
		simple(&b, "pdfaid:part", "2");
		simple(&b, "pdfaid:conformance", x->conformance);
	}
	simple(&b, "pdfuaid:part", "1");
	puts_(&b, ua_schema);
	puts_(&b, tail);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	*len = b.len;
	return b.p;
}
