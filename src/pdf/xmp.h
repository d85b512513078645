/* xmp.h — the XMP metadata packet of a PDF/A-2 and PDF/UA-1 document
 * (ISO 19005-2 §6.6, ISO 14289-1 §7.1): the same values as the Info
 * dictionary, the PDF/A and PDF/UA identification, and the extension
 * schema PDF/A-2 requires for the pdfuaid namespace. Pure and
 * deterministic. */
#ifndef PACTDOC_XMP_H
#define PACTDOC_XMP_H

#include <stddef.h>

struct xmp_info {
	const char *title;        /* dc:title (x-default and `lang`) */
	const char *author;       /* dc:creator */
	const char *subject;      /* dc:description */
	const char *creator_tool; /* xmp:CreatorTool (Info /Creator) */
	const char *producer;     /* pdf:Producer (Info /Producer) */
	const char *lang;         /* dc:language, xml:lang of the title */
	const char *date;         /* YYYY-MM-DD: CreateDate, ModifyDate,
	                           * MetadataDate at 00:00 UTC */
	const char *conformance;  /* pdfaid:conformance ("A", "B") */
};

/* Returns the packet (UTF-8, malloc'd, caller frees; *len its size), or
 * NULL when out of memory. NULL strings count as empty and their
 * properties are left out. */
char *xmp_packet(const struct xmp_info *x, size_t *len);

#endif
