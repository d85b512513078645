/* test_xmp.c — the XMP packet: values escaped, the PDF/A and PDF/UA
 * identification, dates like the Info dictionary's, equal bytes twice. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/parser.h>

#include "xmp.h"

static const struct xmp_info info = {
	.title = "Ligums & \"Pakts\" <2026> 'A'",
	.author = "R&D <Vidzeme>",
	.subject = "Covenant",
	.creator_tool = "pactdoc 0.1.0",
	.producer = "Haru Free PDF Library 2.3.0",
	.lang = "lv",
	.date = "2026-11-23",
	.conformance = "A",
};

static void values_are_escaped(void **state)
{
	size_t len = 0;
	char *x = xmp_packet(&info, &len);

	(void)state;
	assert_non_null(x);
	assert_int_equal(strlen(x), len);
	assert_non_null(strstr(x, "<rdf:li xml:lang=\"x-default\">Ligums &amp; "
	                          "&quot;Pakts&quot; &lt;2026&gt; &apos;A&apos;"
	                          "</rdf:li><rdf:li xml:lang=\"lv\">"));
	assert_non_null(strstr(x, "<rdf:li>R&amp;D &lt;Vidzeme&gt;</rdf:li>"));
	assert_null(strstr(x, "<Vidzeme>"));
	free(x);
}

static void identification_and_dates(void **state)
{
	size_t len = 0;
	char *x = xmp_packet(&info, &len);

	(void)state;
	assert_non_null(x);
	assert_non_null(strstr(x, "<pdfaid:part>2</pdfaid:part>"));
	assert_non_null(strstr(x, "<pdfaid:conformance>A</pdfaid:conformance>"));
	assert_non_null(strstr(x, "<pdfuaid:part>1</pdfuaid:part>"));
	assert_non_null(strstr(x, "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"));
	assert_non_null(strstr(x, "<xmp:CreateDate>2026-11-23T00:00:00+00:00<"));
	assert_non_null(strstr(x, "<xmp:ModifyDate>2026-11-23T00:00:00+00:00<"));
	/* ISO 19005-2 6.6.2.1: no bytes or encoding attribute */
	assert_null(strstr(x, "bytes="));
	assert_null(strstr(x, "encoding="));
	free(x);
}

static void same_bytes_twice_and_empty_left_out(void **state)
{
	struct xmp_info bare = { .title = "T", .date = "2026-11-23" };
	size_t la = 0, lb = 0;
	char *a = xmp_packet(&info, &la), *b = xmp_packet(&info, &lb);
	char *c = xmp_packet(&bare, &la);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	assert_non_null(c);
	assert_null(strstr(c, "dc:creator"));
	assert_null(strstr(c, "pdfaid:part"));   /* no conformance: no claim */
	free(a);
	free(b);
	free(c);
}

/* No padding, indentation or line breaks (every byte is in each file,
 * uncompressed), and still well-formed XML with every property. */
static void compact_and_well_formed(void **state)
{
	size_t len = 0;
	char *x = xmp_packet(&info, &len);
	xmlDocPtr doc;

	(void)state;
	assert_non_null(x);
	assert_null(strchr(x, '\n'));
	assert_null(strstr(x, "  "));
	assert_null(strstr(x, "> <"));
	doc = xmlReadMemory(x, (int)len, "xmp.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlFreeDoc(doc);
	assert_non_null(strstr(x, "<xmp:MetadataDate>"));
	assert_non_null(strstr(x, "<pdf:Producer>"));
	assert_non_null(strstr(x, "<dc:language><rdf:Bag><rdf:li>lv<"));
	assert_true(strncmp(x + len - 19, "<?xpacket end=\"r\"?>", 19) == 0);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_are_escaped),
		cmocka_unit_test(identification_and_dates),
		cmocka_unit_test(same_bytes_twice_and_empty_left_out),
		cmocka_unit_test(compact_and_well_formed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
