/* diag.c — collecting and printing diagnostics (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

const char *severity_name(enum severity s)
{
	return s == SEV_ERROR ? "error" : "warning";
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

static int diag_grow(struct diag_list *l)
{
	struct diag *items;
	int cap;

	if (l->n < l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 8;
	items = realloc(l->items, (size_t)cap * sizeof *items);
	if (items == NULL)
		return -1;
	l->items = items;
	l->cap = cap;
	return 0;
}

int diag_add(struct diag_list *l, const char *file, int line, int col,
             enum severity sev, const char *rule, const char *fmt, ...)
{
	char raw[2048], safe[2048], name[4096];
	struct diag *d;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	diag_printable(raw, safe, sizeof safe);
	if (diag_grow(l) != 0)
		return -1;
	d = &l->items[l->n];
	d->file = strdup(diag_printable(file ? file : "", name, sizeof name));
	d->message = strdup(safe);
	if (d->file == NULL || d->message == NULL) {
		free(d->file);
		free(d->message);
		return -1;
	}
	d->line = line;
	d->col = col;
	d->severity = sev;
	snprintf(d->rule, sizeof d->rule, "%s", rule);
	l->n++;
	if (sev == SEV_ERROR)
		l->errors++;
	return 0;
}

int diag_move(struct diag_list *dst, struct diag_list *src)
{
	for (int i = 0; i < src->n; i++) {
		if (diag_grow(dst) != 0)
			return -1;
		dst->items[dst->n++] = src->items[i];
		if (src->items[i].severity == SEV_ERROR)
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
