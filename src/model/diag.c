/* diag.c — collecting and printing diagnostics (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "oom.h"
#include "text.h"

/* The catalogue of rules: one row each, indexed by enum diag_rule. */
static const struct rule_info {
	const char *name;
	enum severity severity;
	const char *summary;
} rules[RULE__COUNT] = {
	[RULE_INPUT] = { "input", SEV_FAILURE,
	  "an input path is missing, a dangling or looping link, or not a "
	  "regular file or directory" },
	[RULE_IO] = { "io", SEV_ERROR, "a record file cannot be read" },
	[RULE_MEMORY] = { "memory", SEV_ERROR,
	  "memory ran out while a file or record was read" },
	[RULE_NOT_WELL_FORMED] = { "not-well-formed", SEV_ERROR,
	  "the file is not well-formed XML (or is empty)" },
	[RULE_DOCTYPE] = { "doctype", SEV_ERROR,
	  "the file has a DOCTYPE (DTDs and entities are not allowed)" },
	[RULE_TEXT_SIZE] = { "text-size", SEV_ERROR,
	  "a text or run of white space is longer than 10,000,000 bytes" },
	[RULE_READ] = { "read", SEV_ERROR,
	  "reading the file stopped before its end" },
	[RULE_ROOT] = { "root", SEV_ERROR,
	  "the root element is not <applications> or <application> in the "
	  "records namespace" },
	[RULE_SCHEMA] = { "schema", SEV_ERROR,
	  "the record breaks schema/records.xsd" },
	[RULE_ID] = { "id", SEV_ERROR,
	  "the application id is not 1 to 64 characters of A-Z a-z 0-9 . _ -" },
	[RULE_ID_UNIQUE] = { "id-unique", SEV_ERROR,
	  "the application id is already used in this run" },
	[RULE_ROLE] = { "role", SEV_ERROR, "the role is not a known role" },
	[RULE_STATUS] = { "status", SEV_ERROR,
	  "the status is not a known status" },
	[RULE_LANG] = { "lang", SEV_ERROR,
	  "a language tag is not well-formed BCP 47, or longer than 64 "
	  "characters" },
	[RULE_CATEGORY] = { "category", SEV_ERROR,
	  "the category is not known, or not allowed for the role" },
	[RULE_COUNTRY] = { "country", SEV_ERROR,
	  "the country is not an assigned ISO 3166-1 alpha-2 code" },
	[RULE_EMAIL] = { "email", SEV_ERROR, "an e-mail address is not one" },
	[RULE_DATE] = { "date", SEV_ERROR,
	  "a date (or date and time) is not a real one" },
	[RULE_BATCH] = { "batch", SEV_ERROR,
	  "the batch attribute is not 1 to 1,000 characters, or only white "
	  "space" },
	[RULE_ELIGIBILITY_REQUIRED] = { "eligibility-required", SEV_ERROR,
	  "an eligible record has no <eligibility>" },
	[RULE_TEXT_CONTROL] = { "text-control", SEV_ERROR,
	  "a text holds a control character or a non-character" },
	[RULE_UTF8] = { "utf8", SEV_ERROR, "a text is not valid UTF-8" },
	[RULE_OFFER_KIND] = { "offer-kind", SEV_ERROR,
	  "a support offer's kind is not a known kind" },
	[RULE_OFFER_LENGTH] = { "offer-length", SEV_ERROR,
	  "one support offer is longer than 100,000 characters" },
	[RULE_OFFERS_COUNT] = { "offers-count", SEV_ERROR,
	  "a record has more than 100 support offers" },
	[RULE_OFFERS_TOTAL] = { "offers-total", SEV_ERROR,
	  "a record's support offers have more than 200,000 characters "
	  "together" },
	[RULE_SUPPORT_ROLE] = { "support-role", SEV_WARNING,
	  "an associated partner's support offers are not printed" },
	[RULE_GLYPH] = { "glyph", SEV_ERROR,
	  "a character a document would print has no glyph in the shipped "
	  "fonts" },
	[RULE_COUNTERSIGNATORY] = { "countersignatory", SEV_ERROR,
	  "the countersignatory lacks a <name> or <position>, or has a second "
	  "<name>" },
	[RULE_POSITION_LANG] = { "position-lang", SEV_ERROR,
	  "the countersignatory's positions are not one per language plus one "
	  "without xml:lang" },
	[RULE_UNREVIEWED] = { "unreviewed", SEV_ERROR,
	  "with generate --require-reviewed: a document of the record would "
	  "print catalogue messages no native speaker has reviewed" },
};

const char *diag_rule_name(enum diag_rule r)
{
	return rules[r].name;
}

enum severity diag_rule_severity(enum diag_rule r)
{
	return rules[r].severity;
}

const char *diag_rule_summary(enum diag_rule r)
{
	return rules[r].summary;
}

const char *severity_name(enum severity s)
{
	return s == SEV_WARNING ? "warning" : "error";
}

int diag_exit_status(const struct diag_list *l)
{
	enum severity worst = SEV_WARNING;

	for (int i = 0; i < l->n; i++)
		if (l->items[i].severity > worst)
			worst = l->items[i].severity;
	return worst == SEV_FAILURE ? 2 : worst == SEV_ERROR ? 1 : 0;
}

/* Characters that could fool a terminal or a reader of the message. */
static int is_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
	       (cp >= 0x200E && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

char *diag_printable(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	if (size == 0)
		return buf;
	while (*p != '\0') {
		char esc[16];
		uint32_t cp;
		int len = text_utf8_next((const char *)p, &cp);
		const char *piece = (const char *)p;
		size_t piece_len = (size_t)len;

		if (len == 0) {
			snprintf(esc, sizeof esc, "\\x%02X", *p);
			piece = esc;
			piece_len = strlen(esc);
			len = 1;
		} else if (is_unsafe(cp)) {
			snprintf(esc, sizeof esc, "U+%04X", (unsigned)cp);
			piece = esc;
			piece_len = strlen(esc);
		}
		if (n + piece_len + 4 >= size) {
			memcpy(buf + n, "\xE2\x80\xA6", 3);   /* … */
			n += 3;
			break;
		}
		memcpy(buf + n, piece, piece_len);
		n += piece_len;
		p += len;
	}
	buf[n] = '\0';
	return buf;
}

/* Makes room for one more diagnostic in l. Returns 0, or -1 out of
 * memory (l unchanged). */
static int diag_grow(struct diag_list *l)
{
	struct diag *items;

	items = array_reserve_int(l->items, sizeof *items, l->n, 1, &l->cap);
	if (items == NULL)
		return -1;
	l->items = items;
	return 0;
}

int diag_add(struct diag_list *l, const char *file, int line, int col,
             enum diag_rule r, const char *fmt, ...)
{
	enum severity sev = rules[r].severity;
	char raw[2048], safe[2048], name[4096];
	struct diag *d;
	va_list ap;

	/* Memory that ran out, reported here or lost with this diagnostic,
	 * raises the thread's flag (oom.h): the commands then stop instead
	 * of trusting a verdict that lacks it. */
	if (r == RULE_MEMORY)
		oom_note();
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	diag_printable(raw, safe, sizeof safe);
	if (diag_grow(l) != 0) {
		oom_note();
		return -1;
	}
	d = &l->items[l->n];
	d->file = strdup(diag_printable(file ? file : "", name, sizeof name));
	d->message = strdup(safe);
	if (d->file == NULL || d->message == NULL) {
		free(d->file);
		free(d->message);
		oom_note();
		return -1;
	}
	d->line = line;
	d->col = col;
	d->id = r;
	d->severity = sev;
	d->rule = rules[r].name;
	l->n++;
	if (sev >= SEV_ERROR)
		l->errors++;
	return 0;
}

int diag_move(struct diag_list *dst, struct diag_list *src)
{
	for (int i = 0; i < src->n; i++) {
		if (diag_grow(dst) != 0)
			return -1;
		dst->items[dst->n++] = src->items[i];
		if (src->items[i].severity >= SEV_ERROR)
			dst->errors++;
	}
	free(src->items);
	memset(src, 0, sizeof *src);
	return 0;
}

void diag_list_clear(struct diag_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->items[i].file);
		free(l->items[i].message);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

void diag_print(FILE *f, const struct diag *d)
{
	if (d->line <= 0) {         /* no place in a file: a missing input */
		fprintf(f, "pactdoc: %s: %s: %s [%s]\n", d->file,
		        severity_name(d->severity), d->message, d->rule);
		return;
	}
	fprintf(f, "%s:%d:%d: %s: %s [%s]\n", d->file, d->line,
	        d->col > 0 ? d->col : 1, severity_name(d->severity),
	        d->message, d->rule);
}

void diag_print_list(FILE *f, const struct diag_list *l)
{
	for (int i = 0; i < l->n; i++)
		diag_print(f, &l->items[i]);
}
