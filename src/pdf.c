/* pdf.c — the PDF stage: draws laid-out pages with libharu 2.3.0, embeds
 * the fonts the pages use, adds empty signature fields and metadata, and
 * writes reproducible bytes atomically. One HPDF_Doc per call, so calls
 * on different threads never share libharu state. */
#include "pdf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_objects.h>
#include <hpdf_doc.h>
#include <openssl/evp.h>

#include "digest.h"
#include "fsutil.h"
#include "oom.h"
#include "pdffont.h"

/* The state of one document being written. */
struct pdf_ctx {
	HPDF_Doc pdf;
	HPDF_STATUS error_no, detail_no;
	const struct fontset *fs;
	struct pdffont **fonts;     /* per fontset index, NULL until used */
	EVP_MD_CTX *id_hash;        /* the input, for a deterministic /ID */
	struct err *e;
};

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
                          void *data)
{
	struct pdf_ctx *c = data;

	if (c->error_no == 0) {
		c->error_no = error_no;
		c->detail_no = detail_no;
	}
}

/* libharu's allocator: a failure raises the out-of-memory flag (oom.h), so
 * the error says so rather than "libharu error 0x1015". */
static void *hpdf_alloc(HPDF_UINT size)
{
	return oom_malloc(size);
}

static void hpdf_free(void *p)
{
	free(p);
}

/* Sets e from the first libharu error (or a generic message). */
static int hpdf_fail(struct pdf_ctx *c, const char *what)
{
	/* zlib allocates on its own: Z_MEM_ERROR (-4) comes as a detail. */
	if (c->error_no == HPDF_ZLIB_ERROR && (int)c->detail_no == -4)
		oom_note();
	return err_set(c->e, "pdf: %s failed (libharu error 0x%04X, detail %u)",
	               what, (unsigned)c->error_no, (unsigned)c->detail_no);
}

static void hash_bytes(struct pdf_ctx *c, const void *p, size_t n)
{
	EVP_DigestUpdate(c->id_hash, p, n);
}

static void hash_str(struct pdf_ctx *c, const char *s)
{
	if (s == NULL)
		s = "";
	hash_bytes(c, s, strlen(s) + 1);
}

static void hash_num(struct pdf_ctx *c, double v)
{
	hash_bytes(c, &v, sizeof v);
}

/* A PDF text string (UTF-16BE with BOM) from UTF-8, as a hex string
 * object. Invalid UTF-8 becomes U+FFFD. NULL on out of memory. */
static HPDF_Binary text_string(HPDF_Doc pdf, const char *utf8)
{
	size_t len = strlen(utf8), i = 0, o = 2;
	HPDF_BYTE *buf = malloc(len * 4 + 2);
	HPDF_Binary bin;

	if (buf == NULL) {
		oom_note();
		return NULL;
	}
	buf[0] = 0xFE;
	buf[1] = 0xFF;
	while (i < len) {
		uint32_t cp;
		int n = fontset_utf8_next(utf8 + i, len - i, &cp);
		i += n > 0 ? (size_t)n : 1;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			unsigned hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
			buf[o++] = (HPDF_BYTE)(hi >> 8);
			buf[o++] = (HPDF_BYTE)hi;
			buf[o++] = (HPDF_BYTE)(lo >> 8);
			buf[o++] = (HPDF_BYTE)lo;
		} else {
			buf[o++] = (HPDF_BYTE)(cp >> 8);
			buf[o++] = (HPDF_BYTE)cp;
		}
	}
	bin = HPDF_Binary_New(pdf->mmgr, buf, (HPDF_UINT)o);
	free(buf);
	return bin;
}

/* Parses YYYY-MM-DD into an HPDF_Date at 00:00 UTC. */
static int parse_date(const char *s, HPDF_Date *d)
{
	int y, m, day;
	char tail;

	if (s == NULL || strlen(s) != 10 ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3 ||
	    s[4] != '-' || s[7] != '-' || y < 1 || m < 1 || m > 12 ||
	    day < 1 || day > 31)
		return -1;
	memset(d, 0, sizeof *d);
	d->year = y;
	d->month = m;
	d->day = day;
	d->ind = '+';
	return 0;
}

static int set_info_text(struct pdf_ctx *c, const char *key,
                         const char *value)
{
	HPDF_Binary s;

	if (value == NULL || value[0] == '\0')
		return 0;
	s = text_string(c->pdf, value);
	if (s == NULL || HPDF_Dict_Add(c->pdf->info, key, s) != HPDF_OK)
		return hpdf_fail(c, "setting the document information");
	return 0;
}

static int set_metadata(struct pdf_ctx *c, const struct pdf_meta *meta)
{
	HPDF_Date date;

	if (parse_date(meta->date, &date) < 0)
		return err_set(c->e, "pdf: bad date '%s' (want YYYY-MM-DD)",
		               meta->date ? meta->date : "");
	/* Creates the Info dictionary (libharu makes it on first use). */
	if (HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_CREATION_DATE, date) !=
	        HPDF_OK ||
	    HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_MOD_DATE, date) != HPDF_OK)
		return hpdf_fail(c, "setting the dates");
	if (set_info_text(c, "Title", meta->title) < 0 ||
	    set_info_text(c, "Author", meta->author) < 0 ||
	    set_info_text(c, "Subject", meta->subject) < 0 ||
	    set_info_text(c, "Creator", meta->creator) < 0)
		return -1;
	if (meta->lang != NULL && meta->lang[0] != '\0') {
		HPDF_String lang = HPDF_String_New(c->pdf->mmgr, meta->lang,
		                                   NULL);
		if (lang == NULL ||
		    HPDF_Dict_Add(c->pdf->catalog, "Lang", lang) != HPDF_OK)
			return hpdf_fail(c, "setting /Lang");
	}
	return 0;
}

/* Adds the /ID pair: the first 16 bytes of SHA-256 over the input. */
static int set_id(struct pdf_ctx *c)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	HPDF_Array id;

	if (EVP_DigestFinal_ex(c->id_hash, md, &mdlen) != 1 || mdlen < 16)
		return err_set(c->e, "pdf: digest failed");
	id = HPDF_Array_New(c->pdf->mmgr);
	if (id == NULL ||
	    HPDF_Dict_Add(c->pdf->trailer, "ID", id) != HPDF_OK ||
	    HPDF_Array_Add(id, HPDF_Binary_New(c->pdf->mmgr, md, 16)) !=
	        HPDF_OK ||
	    HPDF_Array_Add(id, HPDF_Binary_New(c->pdf->mmgr, md, 16)) !=
	        HPDF_OK)
		return hpdf_fail(c, "setting /ID");
	return 0;
}

/* Looks up (loading on first use) the libharu font for fontset index i. */
static struct pdffont *font_for(struct pdf_ctx *c, int i)
{
	if (i < 0 || i >= fontset_count(c->fs)) {
		err_set(c->e, "pdf: run uses unknown font %d", i);
		return NULL;
	}
	if (c->fonts[i] == NULL)
		c->fonts[i] = pdffont_new(c->pdf, c->fs, i, c->e);
	return c->fonts[i];
}

/* Whether v is a usable coordinate or length (finite, within 100,000 pt). */
static int sane(double v)
{
	return isfinite(v) && fabs(v) <= 100000;
}

static int finish_fonts(struct pdf_ctx *c)
{
	int i;

	for (i = 0; i < fontset_count(c->fs); i++)
		if (c->fonts[i] != NULL && pdffont_finish(c->fonts[i], c->e) < 0)
			return -1;
	return 0;
}

static int draw_runs(struct pdf_ctx *c, HPDF_Page page,
                     const struct page *pg)
{
	int i;

	if (pg->n_runs == 0)
		return 0;
	if (HPDF_Page_BeginText(page) != HPDF_OK)
		return hpdf_fail(c, "BeginText");
	for (i = 0; i < pg->n_runs; i++) {
		const struct run *r = &pg->runs[i];
		struct pdffont *f;

		hash_num(c, r->font);
		hash_num(c, r->size);
		hash_num(c, r->x);
		hash_num(c, r->y);
		hash_str(c, r->text);
		if (r->text == NULL || r->text[0] == '\0')
			continue;
		if (!(r->size > 0 && r->size <= 1000))
			return err_set(c->e, "pdf: bad font size %g", r->size);
		if (!sane(r->x) || !sane(r->y))
			return err_set(c->e, "pdf: bad text position");
		f = font_for(c, r->font);
		if (f == NULL)
			return -1;
		if (pdffont_show(f, page, r->size, r->x, r->y, r->text,
		                 c->e) < 0)
			return -1;
	}
	if (HPDF_Page_EndText(page) != HPDF_OK)
		return hpdf_fail(c, "EndText");
	return 0;
}

static int draw_rules(struct pdf_ctx *c, HPDF_Page page,
                      const struct page *pg)
{
	int i;

	for (i = 0; i < pg->n_rules; i++) {
		const struct rule *r = &pg->rules[i];

		hash_num(c, r->x0);
		hash_num(c, r->y0);
		hash_num(c, r->x1);
		hash_num(c, r->y1);
		hash_num(c, r->width);
		if (!sane(r->x0) || !sane(r->y0) || !sane(r->x1) ||
		    !sane(r->y1) || !(r->width >= 0 && r->width <= 1000))
			return err_set(c->e, "pdf: bad rule");
		if (HPDF_Page_SetLineWidth(page, (HPDF_REAL)r->width) !=
		        HPDF_OK ||
		    HPDF_Page_MoveTo(page, (HPDF_REAL)r->x0,
		                     (HPDF_REAL)r->y0) != HPDF_OK ||
		    HPDF_Page_LineTo(page, (HPDF_REAL)r->x1,
		                     (HPDF_REAL)r->y1) != HPDF_OK ||
		    HPDF_Page_Stroke(page) != HPDF_OK)
			return hpdf_fail(c, "drawing a rule");
	}
	return 0;
}

/* Adds `value` under `key` of dict, or returns -1. */
static int dict_add(struct pdf_ctx *c, HPDF_Dict d, const char *key,
                    void *value)
{
	if (value == NULL || HPDF_Dict_Add(d, key, value) != HPDF_OK)
		return hpdf_fail(c, "building a dictionary");
	return 0;
}

/* One empty signature field: a merged field/widget annotation. */
static int add_sigfield(struct pdf_ctx *c, HPDF_Page page, HPDF_Array annots,
                        HPDF_Array fields, const struct sigfield *sf)
{
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_Dict w;
	HPDF_Array rect;

	hash_num(c, sf->page);
	hash_num(c, sf->x);
	hash_num(c, sf->y);
	hash_num(c, sf->w);
	hash_num(c, sf->h);
	hash_str(c, sf->name);
	hash_str(c, sf->tooltip);
	if (!sane(sf->x) || !sane(sf->y) || !sane(sf->w) || !sane(sf->h))
		return err_set(c->e, "pdf: bad signature field box");
	if (sf->name == NULL || sf->name[0] == '\0' ||
	    strpbrk(sf->name, ".()\\") != NULL)
		return err_set(c->e, "pdf: bad signature field name");
	w = HPDF_Dict_New(mm);
	if (w == NULL || HPDF_Xref_Add(c->pdf->xref, w) != HPDF_OK)
		return hpdf_fail(c, "creating a signature field");
	rect = HPDF_Array_New(mm);
	if (dict_add(c, w, "Type", HPDF_Name_New(mm, "Annot")) < 0 ||
	    dict_add(c, w, "Subtype", HPDF_Name_New(mm, "Widget")) < 0 ||
	    dict_add(c, w, "FT", HPDF_Name_New(mm, "Sig")) < 0 ||
	    dict_add(c, w, "T", HPDF_String_New(mm, sf->name, NULL)) < 0 ||
	    dict_add(c, w, "Rect", rect) < 0 ||
	    dict_add(c, w, "P", page) < 0 ||
	    dict_add(c, w, "F", HPDF_Number_New(mm, 132)) < 0)
		return -1;
	if (sf->tooltip != NULL && sf->tooltip[0] != '\0' &&
	    dict_add(c, w, "TU", text_string(c->pdf, sf->tooltip)) < 0)
		return -1;
	if (HPDF_Array_AddReal(rect, (HPDF_REAL)sf->x) != HPDF_OK ||
	    HPDF_Array_AddReal(rect, (HPDF_REAL)sf->y) != HPDF_OK ||
	    HPDF_Array_AddReal(rect, (HPDF_REAL)(sf->x + sf->w)) != HPDF_OK ||
	    HPDF_Array_AddReal(rect, (HPDF_REAL)(sf->y + sf->h)) != HPDF_OK ||
	    HPDF_Array_Add(annots, w) != HPDF_OK ||
	    HPDF_Array_Add(fields, w) != HPDF_OK)
		return hpdf_fail(c, "listing a signature field");
	return 0;
}

/* The catalog's /AcroForm with every signature field, each also in its
 * page's /Annots. */
static int add_sigfields(struct pdf_ctx *c, const struct pages *pages,
                         HPDF_Page *hpages)
{
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_Dict form;
	HPDF_Array fields;
	int i;

	if (pages->n_fields == 0)
		return 0;
	form = HPDF_Dict_New(mm);
	fields = HPDF_Array_New(mm);
	if (dict_add(c, c->pdf->catalog, "AcroForm", form) < 0 ||
	    dict_add(c, form, "Fields", fields) < 0 ||
	    dict_add(c, form, "SigFlags", HPDF_Number_New(mm, 1)) < 0)
		return -1;
	for (i = 0; i < pages->n_fields; i++) {
		const struct sigfield *sf = &pages->fields[i];
		HPDF_Page page;
		HPDF_Array annots;

		if (sf->page < 0 || sf->page >= pages->n_pages)
			return err_set(c->e, "pdf: field %s on missing page %d",
			               sf->name ? sf->name : "?", sf->page);
		page = hpages[sf->page];
		annots = HPDF_Dict_GetItem(page, "Annots", HPDF_OCLASS_ARRAY);
		if (annots == NULL) {
			annots = HPDF_Array_New(mm);
			if (dict_add(c, page, "Annots", annots) < 0)
				return -1;
		}
		if (add_sigfield(c, page, annots, fields, sf) < 0)
			return -1;
	}
	return 0;
}

static int draw_pages(struct pdf_ctx *c, const struct pages *pages,
                      HPDF_Page *hpages)
{
	int i;

	hash_num(c, pages->width);
	hash_num(c, pages->height);
	for (i = 0; i < pages->n_pages; i++) {
		HPDF_Page page = HPDF_AddPage(c->pdf);

		if (page == NULL ||
		    HPDF_Page_SetWidth(page, (HPDF_REAL)pages->width) !=
		        HPDF_OK ||
		    HPDF_Page_SetHeight(page, (HPDF_REAL)pages->height) !=
		        HPDF_OK)
			return hpdf_fail(c, "adding a page");
		hpages[i] = page;
		if (draw_rules(c, page, &pages->pages[i]) < 0 ||
		    draw_runs(c, page, &pages->pages[i]) < 0)
			return -1;
	}
	return 0;
}

/* Saves the document into a malloc'd buffer. */
static unsigned char *save_to_memory(struct pdf_ctx *c, size_t *len)
{
	HPDF_UINT32 size;
	HPDF_UINT got;
	unsigned char *buf;

	if (HPDF_SaveToStream(c->pdf) != HPDF_OK) {
		hpdf_fail(c, "saving");
		return NULL;
	}
	size = HPDF_GetStreamSize(c->pdf);
	buf = malloc(size ? size : 1);
	if (buf == NULL) {
		err_set(c->e, "pdf: out of memory");
		return NULL;
	}
	got = size;
	if (HPDF_ReadFromStream(c->pdf, buf, &got) != HPDF_OK &&
	    got != size) {
		free(buf);
		hpdf_fail(c, "reading the saved document");
		return NULL;
	}
	*len = got;
	return buf;
}

int pdf_write(const struct fontset *fs, const struct pages *pages,
              const struct pdf_meta *meta, const char *path,
              struct pdf_result *res, struct err *e)
{
	struct pdf_ctx c;
	HPDF_Page *hpages = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc = -1, i;

	memset(&c, 0, sizeof c);
	c.fs = fs;
	c.e = e;
	if (fs == NULL || pages == NULL || meta == NULL || path == NULL)
		return err_set(e, "pdf: missing argument");
	if (pages->n_pages < 1)
		return err_set(e, "pdf: no pages");
	if (!(pages->width > 0 && pages->width <= 14400 &&
	      pages->height > 0 && pages->height <= 14400))
		return err_set(e, "pdf: bad page size");
	c.fonts = calloc((size_t)fontset_count(fs) + 1, sizeof *c.fonts);
	hpages = calloc((size_t)pages->n_pages, sizeof *hpages);
	c.id_hash = EVP_MD_CTX_new();
	if (c.fonts == NULL || hpages == NULL || c.id_hash == NULL ||
	    EVP_DigestInit_ex(c.id_hash, EVP_sha256(), NULL) != 1) {
		err_set(e, "pdf: out of memory");
		goto cleanup;
	}
	c.pdf = HPDF_NewEx(on_hpdf_error, hpdf_alloc, hpdf_free, 0, &c);
	if (c.pdf == NULL) {
		err_set(e, "pdf: libharu could not start");
		goto cleanup;
	}
	if (HPDF_SetCompressionMode(c.pdf, HPDF_COMP_ALL) != HPDF_OK) {
		hpdf_fail(&c, "setting compression");
		goto cleanup;
	}
	if (pdffont_begin(c.pdf, e) < 0)
		goto cleanup;
	hash_str(&c, meta->title);
	hash_str(&c, meta->author);
	hash_str(&c, meta->subject);
	hash_str(&c, meta->creator);
	hash_str(&c, meta->lang);
	hash_str(&c, meta->date);
	if (set_metadata(&c, meta) < 0 ||
	    draw_pages(&c, pages, hpages) < 0 ||
	    add_sigfields(&c, pages, hpages) < 0 ||
	    finish_fonts(&c) < 0 ||
	    set_id(&c) < 0)
		goto cleanup;
	buf = save_to_memory(&c, &len);
	if (buf == NULL)
		goto cleanup;
	if (res != NULL) {
		if (digest_buffer(DIGEST_SHA256, buf, len, res->sha256, e) < 0)
			goto cleanup;
		res->bytes = len;
		res->pages = pages->n_pages;
	}
	if (fs_write_atomic(path, buf, len, e) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	if (c.fonts != NULL)
		for (i = 0; i < fontset_count(fs); i++)
			pdffont_free(c.fonts[i]);
	free(c.fonts);
	free(hpages);
	free(buf);
	if (c.pdf != NULL)
		HPDF_Free(c.pdf);
	EVP_MD_CTX_free(c.id_hash);
	return rc;
}
