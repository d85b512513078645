/* pack.c — rewrites libharu's output into a compact PDF (pack.h).
 *
 * libharu 2.3.0 deflates each stream itself with zlib at its default
 * level and writes every object, however small, uncompressed behind a
 * classic cross-reference table. pdf.c lets it write plain streams, and
 * this file rewrites the result once:
 *
 *   - every stream that has no /Filter is deflated with libdeflate at
 *     PACK_LEVEL (the XMP metadata stream stays plain: PDF/A-2 §6.6.2.1),
 *     and gets a direct /Length (libharu's separate length objects go);
 *   - the catalog, page tree, pages, form, widgets and Info stay plain
 *     objects listed in a classic table, since signers that read only
 *     tables (@signpdf/placeholder-plain) look for them there;
 *   - every other non-stream object goes into one compressed object
 *     stream, listed in a cross-reference stream that an update section's
 *     /XRefStm points at: the hybrid-reference file of ISO 32000-1
 *     §7.5.8.4 (the main table lists the packed objects as free with
 *     generation 65535, so readers that know only tables never reuse them).
 *
 * Objects are renumbered: the plain ones first, in libharu's order, then
 * the packed ones, the object stream and the cross-reference stream (the
 * highest number is a plain object, so a table-only tool adding objects
 * numbers them after every existing one). The parser accepts only the
 * regular syntax libharu writes; anything else is an error. */
#include "pack.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

/* libdeflate's compression level, measured on the 5,000-record corpus
 * (README "PDF structure"): 6 is within 1 % of 9's bytes at half its CPU. */
#define PACK_LEVEL 6

enum { K_ABSENT, K_LENGTH, K_PLAIN, K_PACKED };
enum { T_EOF, T_ERR, T_INT, T_OTHER, T_NAME, T_STR, T_OPEN_DICT,
       T_CLOSE_DICT, T_OPEN_ARR, T_CLOSE_ARR, T_KEYWORD };

/* One token; ws is where the whitespace before it begins. */
struct tok {
	int type;
	const unsigned char *ws, *p;
	size_t n;
};

/* One indirect object of the input. */
struct obj {
	const unsigned char *body;  /* right after "obj" */
	size_t body_len;            /* up to the whitespace before
	                             * "stream" or "endobj" */
	const unsigned char *data;  /* stream bytes; NULL: not a stream */
	size_t data_len;
	size_t skip_s, skip_e;      /* the /Length entry, offsets in body */
	long len_direct;            /* a direct /Length, else -1 */
	unsigned len_ref;           /* /Length N 0 R: N; else 0 */
	unsigned char kind;         /* K_* */
	unsigned char plain_type;   /* a /Type that must stay a plain object */
	unsigned char metadata;     /* /Type /Metadata: stays unfiltered */
	unsigned char has_filter;   /* already encoded */
	unsigned newnum;
	size_t out_off;
};

/* A growing output buffer; oom is sticky. */
struct obuf {
	unsigned char *p;
	size_t n, cap;
	int oom;
};

/* The input and what was learnt from it. */
struct pack {
	const unsigned char *in;
	size_t len;
	struct obj *objs;           /* by input object number */
	unsigned n_objs;            /* /Size of the input */
	unsigned root, info;        /* input numbers */
	const unsigned char *id;    /* the trailer's /ID array, verbatim */
	size_t id_len;
	size_t header_len;          /* bytes before the first object */
	struct err *e;
};

/* ---- output buffer --------------------------------------------------- */

static int ob_reserve(struct obuf *b, size_t more)
{
	size_t cap;
	unsigned char *p;

	if (b->oom)
		return -1;
	if (b->cap - b->n >= more)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->n < more) {
		if (cap > SIZE_MAX / 2) {
			b->oom = 1;
			return -1;
		}
		cap *= 2;
	}
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static void ob_put(struct obuf *b, const void *s, size_t n)
{
	if (n == 0 || ob_reserve(b, n) < 0)
		return;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void ob_str(struct obuf *b, const char *s)
{
	ob_put(b, s, strlen(s));
}

/* Appends v in decimal, padded with zeros to width digits. */
static void ob_uint(struct obuf *b, uint64_t v, int width)
{
	char d[24];
	int i = (int)sizeof d;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && i > 0);
	while ((int)sizeof d - i < width && i > 0)
		d[--i] = '0';
	ob_put(b, d + i, sizeof d - (size_t)i);
}

/* ---- the compressor, one per thread ---------------------------------- */

static pthread_key_t comp_key;
static pthread_once_t comp_once = PTHREAD_ONCE_INIT;
static int comp_key_ok;

static void comp_free(void *c)
{
	libdeflate_free_compressor(c);
}

static void comp_init(void)
{
	comp_key_ok = pthread_key_create(&comp_key, comp_free) == 0;
}

/* This thread's compressor (freed when the thread ends), or NULL. */
static struct libdeflate_compressor *compressor(void)
{
	struct libdeflate_compressor *c;

	if (pthread_once(&comp_once, comp_init) != 0 || !comp_key_ok)
		return NULL;
	c = pthread_getspecific(comp_key);
	if (c != NULL)
		return c;
	c = libdeflate_alloc_compressor(PACK_LEVEL);
	if (c != NULL && pthread_setspecific(comp_key, c) != 0) {
		libdeflate_free_compressor(c);
		c = NULL;
	}
	return c;
}

/* Deflates src (zlib format, FlateDecode) into z, replacing its content.
 * Returns 0, or -1 with e set. */
static int deflate_into(struct obuf *z, const unsigned char *src, size_t n,
                        struct err *e)
{
	struct libdeflate_compressor *c = compressor();
	size_t bound, got;

	if (c == NULL)
		return err_set(e, "pdf: out of memory (compressor)");
	bound = libdeflate_zlib_compress_bound(c, n);
	z->n = 0;
	if (ob_reserve(z, bound) < 0)
		return err_set(e, "pdf: out of memory");
	got = libdeflate_zlib_compress(c, src, n, z->p, bound);
	if (got == 0)
		return err_set(e, "pdf: deflate failed");
	z->n = got;
	return 0;
}

/* ---- tokens ------------------------------------------------------------ */

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' ||
	       c == '\0';
}

static int is_delim(unsigned char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
	       c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

/* Reads the token at *pp (not beyond end) into t and moves *pp past it.
 * Returns t->type: T_EOF at end, T_ERR on anything libharu does not
 * write (comments, unbalanced strings, bad hex). */
static int next_tok(const unsigned char **pp, const unsigned char *end,
                    struct tok *t)
{
	const unsigned char *p = *pp, *q;
	int depth, digits;

	t->ws = p;
	while (p < end && is_ws(*p))
		p++;
	t->p = q = p;
	t->type = T_EOF;
	if (p >= end)
		goto done;
	if (*p == '<' && p + 1 < end && p[1] == '<') {
		t->type = T_OPEN_DICT;
		q = p + 2;
	} else if (*p == '>' && p + 1 < end && p[1] == '>') {
		t->type = T_CLOSE_DICT;
		q = p + 2;
	} else if (*p == '[' || *p == ']') {
		t->type = *p == '[' ? T_OPEN_ARR : T_CLOSE_ARR;
		q = p + 1;
	} else if (*p == '<') {
		for (q = p + 1; q < end && *q != '>'; q++)
			if (!is_ws(*q) && !((*q >= '0' && *q <= '9') ||
			    (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F')))
				break;
		if (q >= end || *q != '>')
			goto bad;
		t->type = T_STR;
		q++;
	} else if (*p == '(') {
		for (q = p + 1, depth = 1; q < end && depth > 0; q++) {
			if (*q == '\\')
				q++;
			else if (*q == '(')
				depth++;
			else if (*q == ')')
				depth--;
		}
		if (depth != 0 || q > end)
			goto bad;
		t->type = T_STR;
	} else if (*p == '/') {
		for (q = p + 1; q < end && !is_ws(*q) && !is_delim(*q); q++)
			;
		t->type = T_NAME;
	} else if (!is_delim(*p)) {
		digits = 1;
		for (q = p; q < end && !is_ws(*q) && !is_delim(*q); q++)
			if (*q < '0' || *q > '9')
				digits = 0;
		if (digits)
			t->type = T_INT;
		else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			t->type = T_KEYWORD;
		else
			t->type = T_OTHER;      /* a real or signed number */
	} else {
		goto bad;
	}
done:
	t->n = (size_t)(q - p);
	*pp = q;
	return t->type;
bad:
	t->type = T_ERR;
	t->n = 0;
	return T_ERR;
}

static int tok_is(const struct tok *t, const char *s)
{
	return t->n == strlen(s) && memcmp(t->p, s, t->n) == 0;
}

/* The value of an integer token, or -1 when too large. */
static long tok_long(const struct tok *t)
{
	long v = 0;

	if (t->type != T_INT || t->n > 12)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		v = v * 10 + (t->p[i] - '0');
	return v;
}

/* ---- reading libharu's output ------------------------------------------ */

static int bad_input(struct pack *k, const char *what, size_t off)
{
	return err_set(k->e, "pdf: cannot pack libharu's output: %s at byte %zu",
	               what, off);
}

/* Which /Type values keep an object plain (table-only readers need them). */
static int plain_type(const struct tok *t)
{
	static const char *const types[] = {
		"/Catalog", "/Pages", "/Page", "/AcroForm", "/Annot",
	};

	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (tok_is(t, types[i]))
			return 1;
	return 0;
}

/* Reads the value of the outer dictionary's key at depth 1 that begins
 * with t: a reference (three tokens) or one token. Returns 0 with *ref
 * set for a reference, 1 otherwise, -1 on a bad token. */
static int dict_value(const unsigned char **pp, const unsigned char *end,
                      const struct tok *t, struct tok *last)
{
	const unsigned char *p = *pp;
	struct tok g, r;

	*last = *t;
	if (t->type != T_INT)
		return 1;
	if (next_tok(&p, end, &g) == T_INT && tok_is(&g, "0") &&
	    next_tok(&p, end, &r) == T_KEYWORD && tok_is(&r, "R")) {
		*pp = p;
		*last = r;
		return 0;
	}
	return 1;
}

/* Scans object o whose body starts at `start`: finds where it ends and
 * what its outer dictionary says. Returns 0, or -1 with e set. */
static int scan_obj(struct pack *k, struct obj *o, const unsigned char *start)
{
	const unsigned char *p = start, *end = k->in + k->len;
	struct tok t, v, last;
	int depth = 0, in_dict = 0, want_key = 0, r;
	struct tok key = { 0 };

	o->body = start;
	o->len_direct = -1;
	for (;;) {
		switch (next_tok(&p, end, &t)) {
		case T_EOF:
		case T_ERR:
			return bad_input(k, "bad token", (size_t)(t.p - k->in));
		case T_OPEN_DICT:
		case T_OPEN_ARR:
			if (depth == 0 && t.type == T_OPEN_DICT) {
				in_dict = 1;
				want_key = 1;
				depth++;
				continue;
			}
			if (depth == 1 && in_dict && want_key)
				return bad_input(k, "key expected",
				                 (size_t)(t.p - k->in));
			if (depth == 1 && in_dict && tok_is(&key, "/Filter"))
				o->has_filter = 1;      /* /Filter [ ... ] */
			depth++;
			continue;
		case T_CLOSE_DICT:
		case T_CLOSE_ARR:
			if (--depth < 0)
				return bad_input(k, "unbalanced", (size_t)(t.p - k->in));
			if (depth == 1 && in_dict)
				want_key = 1;
			continue;
		case T_KEYWORD:
			if (depth == 0 && (tok_is(&t, "endobj") ||
			                   tok_is(&t, "stream"))) {
				o->body_len = (size_t)(t.ws - start);
				if (tok_is(&t, "endobj"))
					return 0;
				if (p + 1 < end && p[0] == '\r' && p[1] == '\n')
					p += 2;
				else if (p < end && p[0] == '\n')
					p++;
				else
					return bad_input(k, "no end of line after stream",
					                 (size_t)(p - k->in));
				o->data = p;
				return 0;
			}
			break;
		default:
			break;
		}
		if (depth != 1 || !in_dict)
			continue;
		if (want_key) {
			if (t.type != T_NAME)
				return bad_input(k, "key expected", (size_t)(t.p - k->in));
			key = t;
			want_key = 0;
			continue;
		}
		v = t;
		r = dict_value(&p, end, &v, &last);
		if (r < 0)
			return bad_input(k, "bad value", (size_t)(t.p - k->in));
		want_key = 1;
		if (tok_is(&key, "/Length")) {
			o->skip_s = (size_t)(key.ws - start);
			o->skip_e = (size_t)(last.p + last.n - start);
			if (r == 0)
				o->len_ref = (unsigned)tok_long(&v);
			else if ((o->len_direct = tok_long(&v)) < 0)
				return bad_input(k, "bad /Length", (size_t)(v.p - k->in));
		} else if (tok_is(&key, "/Type") && v.type == T_NAME) {
			o->plain_type = (unsigned char)plain_type(&v);
			o->metadata = tok_is(&v, "/Metadata");
		} else if (tok_is(&key, "/Filter")) {
			o->has_filter = 1;
		}
	}
}

/* Reads a whole number at *pp after optional whitespace. */
static long read_num(const unsigned char **pp, const unsigned char *end)
{
	struct tok t;

	if (next_tok(pp, end, &t) != T_INT)
		return -1;
	return tok_long(&t);
}

/* Reads the trailer dictionary at p: /Root, /Info, /ID. */
static int read_trailer(struct pack *k, const unsigned char *p)
{
	const unsigned char *end = k->in + k->len, *id_start = NULL;
	struct tok t, v, last;
	int depth = 0;

	if (next_tok(&p, end, &t) != T_KEYWORD || !tok_is(&t, "trailer") ||
	    next_tok(&p, end, &t) != T_OPEN_DICT)
		return bad_input(k, "no trailer", (size_t)(p - k->in));
	for (;;) {
		if (next_tok(&p, end, &t) != T_NAME) {
			if (t.type == T_CLOSE_DICT)
				break;
			return bad_input(k, "bad trailer", (size_t)(t.p - k->in));
		}
		if (tok_is(&t, "/ID")) {
			if (next_tok(&p, end, &v) != T_OPEN_ARR)
				return bad_input(k, "bad /ID", (size_t)(v.p - k->in));
			id_start = v.p;
			for (depth = 1; depth > 0;) {
				int ty = next_tok(&p, end, &v);

				if (ty == T_CLOSE_ARR)
					depth--;
				else if (ty != T_STR)
					return bad_input(k, "bad /ID",
					                 (size_t)(v.p - k->in));
			}
			k->id = id_start;
			k->id_len = (size_t)(v.p + v.n - id_start);
			continue;
		}
		next_tok(&p, end, &v);
		if (dict_value(&p, end, &v, &last) < 0)
			return bad_input(k, "bad trailer", (size_t)(v.p - k->in));
		if (tok_is(&t, "/Root"))
			k->root = (unsigned)tok_long(&v);
		else if (tok_is(&t, "/Info"))
			k->info = (unsigned)tok_long(&v);
	}
	if (k->root == 0 || k->root >= k->n_objs || k->info >= k->n_objs ||
	    k->id == NULL)
		return bad_input(k, "trailer without /Root or /ID", 0);
	return 0;
}

/* Finds startxref and reads the table: every in-use object's body. */
static int read_xref(struct pack *k)
{
	const unsigned char *in = k->in, *end = in + k->len, *p;
	size_t tail = k->len > 64 ? k->len - 64 : 0, i;
	long xoff = -1, n;

	if (k->len < 16 || memcmp(in, "%PDF-", 5) != 0)
		return bad_input(k, "no header", 0);
	for (i = k->len - 9; i > tail; i--)
		if (memcmp(in + i, "startxref", 9) == 0) {
			p = in + i + 9;
			xoff = read_num(&p, end);
			while (p < end && is_ws(*p))
				p++;
			if (end - p < 5 || memcmp(p, "%%EOF", 5) != 0)
				xoff = -1;
			break;
		}
	if (xoff < 0 || (size_t)xoff + 4 > k->len ||
	    memcmp(in + xoff, "xref", 4) != 0)
		return bad_input(k, "no xref table", (size_t)(xoff < 0 ? 0 : xoff));
	p = in + xoff + 4;
	if (read_num(&p, end) != 0 || (n = read_num(&p, end)) < 1 ||
	    n > 10000000)
		return bad_input(k, "bad xref subsection", (size_t)(p - in));
	while (p < end && is_ws(*p))
		p++;
	if ((size_t)(end - p) < (size_t)n * 20)
		return bad_input(k, "short xref table", (size_t)(p - in));
	k->n_objs = (unsigned)n;
	k->objs = calloc((size_t)n, sizeof *k->objs);
	if (k->objs == NULL)
		return err_set(k->e, "pdf: out of memory");
	k->header_len = k->len;
	for (long j = 0; j < n; j++, p += 20) {
		const unsigned char *q = p;
		long off = read_num(&q, p + 10);

		if (off < 0 || p[10] != ' ' || p[16] != ' ' ||
		    (p[17] != 'n' && p[17] != 'f'))
			return bad_input(k, "bad xref entry", (size_t)(p - in));
		if (p[17] == 'f' || j == 0)
			continue;
		if ((size_t)off >= k->len)
			return bad_input(k, "offset out of range", (size_t)(p - in));
		if ((size_t)off < k->header_len)
			k->header_len = (size_t)off;
		k->objs[j].kind = K_PLAIN;
		k->objs[j].out_off = (size_t)off;  /* input offset for now */
	}
	return read_trailer(k, p);
}

/* Checks "N 0 obj" at each object's offset and scans its body. */
static int read_objects(struct pack *k)
{
	const unsigned char *end = k->in + k->len, *p;
	struct tok t;

	for (unsigned i = 1; i < k->n_objs; i++) {
		struct obj *o = &k->objs[i];

		if (o->kind == K_ABSENT)
			continue;
		p = k->in + o->out_off;
		if (read_num(&p, end) != (long)i || read_num(&p, end) != 0 ||
		    next_tok(&p, end, &t) != T_KEYWORD || !tok_is(&t, "obj"))
			return bad_input(k, "object header", o->out_off);
		if (scan_obj(k, o, p) < 0)
			return -1;
	}
	return 0;
}

/* Resolves each stream's length and checks "endstream endobj" after it;
 * marks the length objects, sorts the rest into plain and packed. */
static int read_streams(struct pack *k)
{
	const unsigned char *end = k->in + k->len, *p;
	struct tok t;
	long n;

	for (unsigned i = 1; i < k->n_objs; i++) {
		struct obj *o = &k->objs[i];

		if (o->kind == K_ABSENT || o->data == NULL)
			continue;
		n = o->len_direct;
		if (o->len_ref != 0) {
			struct obj *l;

			if (o->len_ref >= k->n_objs ||
			    k->objs[o->len_ref].kind == K_ABSENT)
				return bad_input(k, "missing /Length object", 0);
			l = &k->objs[o->len_ref];
			p = l->body;
			n = read_num(&p, l->body + l->body_len);
			if (n < 0 || next_tok(&p, l->body + l->body_len, &t) !=
			                 T_EOF)
				return bad_input(k, "bad /Length object",
				                 (size_t)(l->body - k->in));
			l->kind = K_LENGTH;
		}
		if (n < 0 || (size_t)n > (size_t)(end - o->data))
			return bad_input(k, "stream without length",
			                 (size_t)(o->data - k->in));
		o->data_len = (size_t)n;
		p = o->data + n;
		/* libharu ends the data with exactly one "\n" */
		if (p >= end || *p != '\n' || next_tok(&p, end, &t) != T_KEYWORD ||
		    !tok_is(&t, "endstream") ||
		    next_tok(&p, end, &t) != T_KEYWORD || !tok_is(&t, "endobj"))
			return bad_input(k, "no endstream", (size_t)(p - k->in));
	}
	for (unsigned i = 1; i < k->n_objs; i++) {
		struct obj *o = &k->objs[i];

		if (o->kind != K_PLAIN || o->data != NULL || o->plain_type ||
		    i == k->root || i == k->info)
			continue;
		o->kind = K_PACKED;
	}
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

/* Copies o's body with every reference renumbered. Drops the /Length
 * entry when drop_length; writes `extra` right after the outer "<<";
 * trims leading whitespace when trim. Returns 0, or -1 with e set. */
static int emit_body(struct pack *k, struct obuf *b, const struct obj *o,
                     int drop_length, const char *extra, int trim)
{
	const unsigned char *p = o->body, *end = o->body + o->body_len;
	const unsigned char *skip_s = o->body + o->skip_s;
	const unsigned char *skip_e = o->body + o->skip_e;
	struct tok t, pend[2];
	int n_pend = 0, first = 1, opened = 0;

	while (next_tok(&p, end, &t) != T_EOF) {
		if (t.type == T_ERR)
			return bad_input(k, "bad token", (size_t)(t.p - k->in));
		if (first && trim)
			t.ws = t.p;
		first = 0;
		if (drop_length && o->skip_e > o->skip_s && t.ws >= skip_s &&
		    t.p + t.n <= skip_e)
			continue;
		if (t.type == T_INT) {
			if (n_pend == 2) {
				ob_put(b, pend[0].ws, (size_t)(pend[0].p + pend[0].n -
				                               pend[0].ws));
				pend[0] = pend[1];
				n_pend = 1;
			}
			pend[n_pend++] = t;
			continue;
		}
		if (t.type == T_KEYWORD && tok_is(&t, "R")) {
			long num = n_pend == 2 ? tok_long(&pend[0]) : -1;

			if (num <= 0 || (unsigned long)num >= k->n_objs ||
			    !tok_is(&pend[1], "0") ||
			    (k->objs[num].kind != K_PLAIN &&
			     k->objs[num].kind != K_PACKED))
				return bad_input(k, "bad reference",
				                 (size_t)(t.p - k->in));
			ob_put(b, pend[0].ws, (size_t)(pend[0].p - pend[0].ws));
			ob_uint(b, k->objs[num].newnum, 0);
			ob_put(b, pend[0].p + pend[0].n,
			       (size_t)(t.p + t.n - (pend[0].p + pend[0].n)));
			n_pend = 0;
			continue;
		}
		for (int i = 0; i < n_pend; i++)
			ob_put(b, pend[i].ws, (size_t)(pend[i].p + pend[i].n -
			                               pend[i].ws));
		n_pend = 0;
		ob_put(b, t.ws, (size_t)(t.p + t.n - t.ws));
		if (t.type == T_OPEN_DICT && !opened && extra != NULL)
			ob_str(b, extra);
		opened = 1;
	}
	for (int i = 0; i < n_pend; i++)
		ob_put(b, pend[i].ws, (size_t)(pend[i].p + pend[i].n - pend[i].ws));
	return 0;
}

/* Writes plain object o: a dictionary or other value, or a stream (its
 * data deflated unless it is the XMP or already encoded). */
static int write_plain(struct pack *k, struct obuf *b, struct obuf *z,
                       struct obj *o, struct pack_stats *st)
{
	char extra[64];
	struct obuf lenb = { 0 };
	const unsigned char *data = o->data;
	size_t n = o->data_len;
	int deflate = o->data != NULL && !o->metadata && !o->has_filter;

	o->out_off = b->n;
	ob_uint(b, o->newnum, 0);
	ob_str(b, " 0 obj");
	if (o->data == NULL) {
		if (emit_body(k, b, o, 0, NULL, 0) < 0)
			return -1;
		ob_str(b, "\nendobj\n");
		return 0;
	}
	if (deflate) {
		if (deflate_into(z, o->data, o->data_len, k->e) < 0)
			return -1;
		data = z->p;
		n = z->n;
		st->deflated++;
	}
	/* "\n/Length N[\n/Filter /FlateDecode]" after the "<<" */
	ob_str(&lenb, "\n/Length ");
	ob_uint(&lenb, n, 0);
	if (deflate)
		ob_str(&lenb, "\n/Filter /FlateDecode");
	ob_put(&lenb, "", 1);
	if (lenb.oom || lenb.n > sizeof extra) {
		free(lenb.p);
		return err_set(k->e, "pdf: out of memory");
	}
	memcpy(extra, lenb.p, lenb.n);
	free(lenb.p);
	if (o->len_ref == 0 && o->len_direct < 0)
		return bad_input(k, "stream without /Length",
		                 (size_t)(o->body - k->in));
	if (emit_body(k, b, o, 1, extra, 0) < 0)
		return -1;
	ob_str(b, "\nstream\n");
	ob_put(b, data, n);
	ob_str(b, "\nendstream\nendobj\n");
	return 0;
}

/* Ends a stream object whose dictionary is written up to its last key:
 * "/Length N /Filter /FlateDecode", then the deflated bytes z. */
static void end_deflated_stream(struct obuf *b, const struct obuf *z)
{
	ob_str(b, "\n/Length ");
	ob_uint(b, z->n, 0);
	ob_str(b, "\n/Filter /FlateDecode\n>>\nstream\n");
	ob_put(b, z->p, z->n);
	ob_str(b, "\nendstream\nendobj\n");
}

/* Writes the object stream holding every packed object, as object num. */
static int write_objstm(struct pack *k, struct obuf *b, struct obuf *z,
                        unsigned num, int n_packed)
{
	struct obuf head = { 0 }, body = { 0 }, all = { 0 };
	int rc = -1;

	for (unsigned i = 1; i < k->n_objs; i++) {
		const struct obj *o = &k->objs[i];

		if (o->kind != K_PACKED)
			continue;
		ob_uint(&head, o->newnum, 0);
		ob_str(&head, " ");
		ob_uint(&head, body.n, 0);
		ob_str(&head, "\n");
		if (emit_body(k, &body, o, 0, NULL, 1) < 0)
			goto cleanup;
		ob_str(&body, "\n");
	}
	ob_put(&all, head.p, head.n);
	ob_put(&all, body.p, body.n);
	if (head.oom || body.oom || all.oom) {
		err_set(k->e, "pdf: out of memory");
		goto cleanup;
	}
	if (deflate_into(z, all.p, all.n, k->e) < 0)
		goto cleanup;
	ob_uint(b, num, 0);
	ob_str(b, " 0 obj\n<<\n/Type /ObjStm\n/N ");
	ob_uint(b, (uint64_t)n_packed, 0);
	ob_str(b, "\n/First ");
	ob_uint(b, head.n, 0);
	end_deflated_stream(b, z);
	rc = 0;
cleanup:
	free(head.p);
	free(body.p);
	free(all.p);
	return rc;
}

/* Bytes needed to hold v (at least 1). */
static int width_of(uint64_t v)
{
	int w = 1;

	while (v >>= 8)
		w++;
	return w;
}

static void put_be(struct obuf *b, uint64_t v, int w)
{
	unsigned char c[8];

	for (int i = w - 1; i >= 0; i--, v >>= 8)
		c[i] = (unsigned char)(v & 0xff);
	ob_put(b, c, (size_t)w);
}

/* Writes the cross-reference stream (object xnum, at the current end of
 * b) for the packed objects (first..), the object stream and itself. */
static int write_xrefstm(struct pack *k, struct obuf *b, struct obuf *z,
                         unsigned first, int n_packed, unsigned ostm,
                         size_t ostm_off)
{
	struct obuf rows = { 0 };
	size_t self = b->n;
	uint64_t maxv = self > ostm ? self : ostm;
	int w2 = width_of(maxv), w3 = width_of((uint64_t)n_packed);
	int idx = 0, rc = -1;

	for (unsigned i = 1; i < k->n_objs; i++)
		if (k->objs[i].kind == K_PACKED) {
			put_be(&rows, 2, 1);
			put_be(&rows, ostm, w2);
			put_be(&rows, (uint64_t)idx++, w3);
		}
	put_be(&rows, 1, 1);
	put_be(&rows, ostm_off, w2);
	put_be(&rows, 0, w3);
	put_be(&rows, 1, 1);
	put_be(&rows, self, w2);
	put_be(&rows, 0, w3);
	if (rows.oom) {
		err_set(k->e, "pdf: out of memory");
		goto cleanup;
	}
	if (deflate_into(z, rows.p, rows.n, k->e) < 0)
		goto cleanup;
	ob_uint(b, ostm + 1, 0);
	ob_str(b, " 0 obj\n<<\n/Type /XRef\n/Size ");
	ob_uint(b, ostm + 2, 0);
	ob_str(b, "\n/Index [ ");
	ob_uint(b, first, 0);
	ob_str(b, " ");
	ob_uint(b, (uint64_t)n_packed + 2, 0);
	ob_str(b, " ]\n/W [ 1 ");
	ob_uint(b, (uint64_t)w2, 0);
	ob_str(b, " ");
	ob_uint(b, (uint64_t)w3, 0);
	ob_str(b, " ]");
	end_deflated_stream(b, z);
	rc = 0;
cleanup:
	free(rows.p);
	return rc;
}

/* The trailer dictionary's common entries. */
static void write_trailer_keys(struct pack *k, struct obuf *b, unsigned size)
{
	ob_str(b, "trailer\n<<\n/Size ");
	ob_uint(b, size, 0);
	ob_str(b, "\n/Root ");
	ob_uint(b, k->objs[k->root].newnum, 0);
	ob_str(b, " 0 R\n");
	if (k->info != 0) {
		ob_str(b, "/Info ");
		ob_uint(b, k->objs[k->info].newnum, 0);
		ob_str(b, " 0 R\n");
	}
	ob_str(b, "/ID ");
	ob_put(b, k->id, k->id_len);
	ob_str(b, "\n");
}

/* The main table: every number 0..size-1, the packed ones free with
 * generation 65535 (linked in order), then the trailer. */
static void write_table(struct pack *k, struct obuf *b, unsigned size,
                        const size_t *off_by_new, const unsigned char *packed)
{
	size_t xref = b->n;
	unsigned next;

	ob_str(b, "xref\n0 ");
	ob_uint(b, size, 0);
	ob_str(b, "\n");
	for (unsigned n = 0; n < size; n++) {
		if (n == 0 || packed[n]) {
			for (next = n + 1; next < size && !packed[next]; next++)
				;
			ob_uint(b, next < size ? next : 0, 10);
			ob_str(b, " 65535 f\r\n");
		} else {
			ob_uint(b, off_by_new[n], 10);
			ob_str(b, " 00000 n\r\n");
		}
	}
	write_trailer_keys(k, b, size);
	ob_str(b, ">>\nstartxref\n");
	ob_uint(b, xref, 0);
	ob_str(b, "\n%%EOF\n");
}

/* Numbers the objects: plain ones first, then the packed ones. Returns
 * the count of packed objects; *n_plain gets the plain ones. */
static int renumber(struct pack *k, unsigned *n_plain)
{
	unsigned n = 1;
	int packed = 0;

	for (unsigned i = 1; i < k->n_objs; i++)
		if (k->objs[i].kind == K_PLAIN)
			k->objs[i].newnum = n++;
	*n_plain = n - 1;
	for (unsigned i = 1; i < k->n_objs; i++)
		if (k->objs[i].kind == K_PACKED) {
			k->objs[i].newnum = n++;
			packed++;
		}
	return packed;
}

/* Writes the whole file into b. */
static int write_all(struct pack *k, struct obuf *b, struct pack_stats *st)
{
	struct obuf z = { 0 };
	unsigned n_plain, size, ostm = 0;
	int n_packed = renumber(k, &n_plain), rc = -1;
	size_t ostm_off = 0, xstm_off = 0, main_xref;
	size_t *off = NULL;
	unsigned char *packed = NULL;

	size = n_plain + 1 + (n_packed > 0 ? (unsigned)n_packed + 2 : 0);
	off = calloc(size, sizeof *off);
	packed = calloc(size, 1);
	if (off == NULL || packed == NULL) {
		err_set(k->e, "pdf: out of memory");
		goto cleanup;
	}
	ob_put(b, k->in, k->header_len);
	for (unsigned i = 1; i < k->n_objs; i++) {
		struct obj *o = &k->objs[i];

		if (o->kind == K_PACKED)
			packed[o->newnum] = 1;
		if (o->kind != K_PLAIN)
			continue;
		if (write_plain(k, b, &z, o, st) < 0)
			goto cleanup;
		off[o->newnum] = o->out_off;
	}
	if (n_packed > 0) {
		ostm = n_plain + (unsigned)n_packed + 1;
		ostm_off = off[ostm] = b->n;
		if (write_objstm(k, b, &z, ostm, n_packed) < 0)
			goto cleanup;
		xstm_off = off[ostm + 1] = b->n;
		if (write_xrefstm(k, b, &z, n_plain + 1, n_packed, ostm,
		                  ostm_off) < 0)
			goto cleanup;
	}
	main_xref = b->n;
	write_table(k, b, size, off, packed);
	if (n_packed > 0) {
		/* the update section whose /XRefStm names the packed objects */
		size_t upd = b->n;

		ob_str(b, "xref\n0 0\n");
		write_trailer_keys(k, b, size);
		ob_str(b, "/Prev ");
		ob_uint(b, main_xref, 0);
		ob_str(b, "\n/XRefStm ");
		ob_uint(b, xstm_off, 0);
		ob_str(b, "\n>>\nstartxref\n");
		ob_uint(b, upd, 0);
		ob_str(b, "\n%%EOF\n");
	}
	if (b->oom) {
		err_set(k->e, "pdf: out of memory");
		goto cleanup;
	}
	st->objects = (int)size - 1;
	st->packed = n_packed;
	rc = 0;
cleanup:
	free(z.p);
	free(off);
	free(packed);
	return rc;
}

int pack_pdf(const unsigned char *in, size_t len, unsigned char **out,
             size_t *out_len, struct pack_stats *st, struct err *e)
{
	struct pack k;
	struct pack_stats dummy;
	struct obuf b = { 0 };
	int rc = -1;

	memset(&k, 0, sizeof k);
	k.in = in;
	k.len = len;
	k.e = e;
	*out = NULL;
	*out_len = 0;
	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof *st);
	if (in == NULL) {
		err_set(e, "pdf: nothing to pack");
		goto cleanup;
	}
	if (read_xref(&k) < 0 || read_objects(&k) < 0 || read_streams(&k) < 0)
		goto cleanup;
	if (ob_reserve(&b, len / 2 + 4096) < 0) {
		err_set(e, "pdf: out of memory");
		goto cleanup;
	}
	if (write_all(&k, &b, st) < 0)
		goto cleanup;
	*out = b.p;
	*out_len = b.n;
	b.p = NULL;
	rc = 0;
cleanup:
	free(b.p);
	free(k.objs);
	return rc;
}
