/* xmldoc.h — reading pactdoc's own XML data files (catalogues, forms,
 * their schema) with libxml2 safely: no network, no DTD, no entities,
 * and no output of libxml2's own (its errors land in struct err). */
#ifndef PACTDOC_XMLDOC_H
#define PACTDOC_XMLDOC_H

#include <stddef.h>

#include <libxml/tree.h>

#include "err.h"

/* Largest data file read (catalogues are far smaller). */
#define XMLDOC_MAX_BYTES (16u * 1024u * 1024u)

/* Parses the file at path with XML_PARSE_NONET and BIG_LINES, never
 * NOENT, DTDLOAD or HUGE; a document with a DOCTYPE is refused before any
 * declaration in it is read. Returns the tree (free with xmlFreeDoc), or NULL with e set to
 * "path:line:col: message". */
xmlDocPtr xmldoc_read(const char *path, struct err *e);

/* Whether node is an element named `name` in namespace `ns`. */
int xmldoc_is(const xmlNode *node, const char *ns, const char *name);

/* The attribute's value (a copy the caller frees with free()), or NULL
 * when absent or out of memory. */
char *xmldoc_attr(const xmlNode *node, const char *name);

#endif
