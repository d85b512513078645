/* xmlsafe.h — the one libxml2 policy for every XML file pactdoc reads
 * (records, schemas, forms, catalogues). A file opened by pactdoc itself
 * is loaded from a local path or a file:// URL, never from the network.
 * What a document refers to while it is parsed (external entities, an
 * external DTD subset) is never loaded: the loader refuses every load
 * made from inside a parse. An XSD's own xs:include or xs:import is a new
 * top-level load and is allowed when local; pactdoc's schemas have none. */
#ifndef PACTDOC_XMLSAFE_H
#define PACTDOC_XMLSAFE_H

/* Parser options every module uses: no network, big line numbers, no
 * XInclude marker nodes. Never add XML_PARSE_NOENT, XML_PARSE_DTDLOAD or
 * XML_PARSE_HUGE. */
#define XMLSAFE_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES | \
                         XML_PARSE_NOXINCNODE)

/* Installs the entity loader policy (process-wide) and silences libxml2's
 * generic error printer, which is per thread (errors reach pactdoc
 * through structured handlers). Idempotent; call before any parsing, from
 * every thread that parses. */
void xmlsafe_init(void);

#endif
