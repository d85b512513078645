/* xmlsafe.h — the one libxml2 policy for every XML file pactdoc reads
 * (records, schemas, forms, catalogues): the main document may be loaded
 * from a local path; nothing a document references (external entities,
 * DTDs) is ever loaded, and nothing comes from the network. */
#ifndef PACTDOC_XMLSAFE_H
#define PACTDOC_XMLSAFE_H

/* Parser options every module uses: no network, big line numbers. Never
 * add XML_PARSE_NOENT, XML_PARSE_DTDLOAD or XML_PARSE_HUGE. */
#define XMLSAFE_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES | \
                         XML_PARSE_NOXINCNODE)

/* Installs the entity loader policy and silences libxml2's generic error
 * printer (errors reach pactdoc through structured handlers). Idempotent;
 * call before any parsing, from the thread that parses. */
void xmlsafe_init(void);

#endif
