/* xmldoc.c — safe parsing of pactdoc's XML data files (see xmldoc.h). */
#include "xmldoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/threads.h>

#include "fsutil.h"
#include "oom.h"

/* SAX hook called at <!DOCTYPE ...>: data files never have one, so stop
 * before any entity or external subset is declared. */
static void refuse_doctype(void *ctx, const xmlChar *name,
                           const xmlChar *external_id,
                           const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name;
	(void)external_id;
	(void)system_id;
	*(int *)ctxt->_private = 1;
	xmlStopParser(ctxt);
}

xmlDocPtr xmldoc_read(const char *path, struct err *e)
{
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	char *buf = NULL;
	size_t len = 0;
	int doctype = 0;

	buf = fs_read_file(path, XMLDOC_MAX_BYTES, &len, e);
	if (buf == NULL)
		return NULL;
	if (len > (size_t)0x7fffffff) {
		err_set(e, "%s: too large", path);
		goto cleanup;
	}
	/* libxml2 makes a thread's global state on that thread's first call
	 * and, when it cannot, prints "xmlGetGlobalState: out of memory"
	 * and dereferences NULL (2.9.14). A worker thread's first parse (a
	 * catalogue read when first needed) asks for it here first. */
	if (!xmlIsMainThread() && xmlGetGlobalState() == NULL) {
		oom_note();
		err_set(e, "%s: out of memory", path);
		goto cleanup;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		err_set(e, "%s: out of memory", path);
		goto cleanup;
	}
	ctxt->sax->internalSubset = refuse_doctype;
	ctxt->_private = &doctype;
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, path, NULL,
	                        XML_PARSE_NONET | XML_PARSE_BIG_LINES |
	                        XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                        XML_PARSE_NOCDATA);
	if (doc != NULL && (doc->intSubset != NULL || doc->extSubset != NULL))
		doctype = 1;
	if (doctype) {
		err_set(e, "%s: a DOCTYPE is not allowed in a data file", path);
		goto fail;
	}
	if (doc == NULL || !ctxt->wellFormed) {
		const xmlError *x = xmlCtxtGetLastError(ctxt);
		if (x != NULL && x->message != NULL) {
			char msg[512];
			size_t n;
			snprintf(msg, sizeof msg, "%s", x->message);
			n = strlen(msg);
			while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
				msg[--n] = '\0';
			err_set(e, "%s:%d:%d: %s", path, x->line, x->int2, msg);
		} else {
			err_set(e, "%s: not well-formed XML", path);
		}
		goto fail;
	}
	goto cleanup;
fail:
	xmlFreeDoc(doc);
	doc = NULL;
cleanup:
	xmlFreeParserCtxt(ctxt);
	free(buf);
	return doc;
}

int xmldoc_is(const xmlNode *node, const char *ns, const char *name)
{
	return node != NULL && node->type == XML_ELEMENT_NODE &&
	       node->ns != NULL &&
	       strcmp((const char *)node->ns->href, ns) == 0 &&
	       strcmp((const char *)node->name, name) == 0;
}

char *xmldoc_attr(const xmlNode *node, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
	char *copy;

	if (v == NULL)
		return NULL;
	copy = strdup((const char *)v);
	if (copy == NULL)
		oom_note();  /* callers see NULL as "absent": say why */
	xmlFree(v);
	return copy;
}
