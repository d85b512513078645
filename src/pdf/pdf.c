/* pdf.c — the PDF stage: draws laid-out pages with libharu 2.3.0, embeds
 * the fonts the pages use, adds empty signature fields and metadata, and
 * writes reproducible bytes atomically. Every file is PDF/A-2a and
 * PDF/UA-1 (docs/archival.md): XMP metadata, an sRGB output intent, all
 * content in marked content (artifacts or tagged), a structure tree built
 * from the runs' roles (pages.h), widgets with appearances. One HPDF_Doc
 * per call, so calls on different threads never share libharu state. */
#include "pdf.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_objects.h>
#include <hpdf_doc.h>
#include <openssl/evp.h>

#include "arena.h"
#include "array.h"
#include "dates.h"
#include "digest.h"
#include "fsutil.h"
#include "icc.h"
#include "pack.h"
#include "oom.h"
#include "pdffont.h"
#include "xmp.h"

#define PRODUCER "Haru Free PDF Library " HPDF_VERSION_TEXT

/* One structure element, found by its run key (block, role, part). */
struct selem {
	int block, role, part;
	HPDF_Dict dict;
	HPDF_Array kids;
	HPDF_Page page;              /* its /Pg */
};

/* A word broken over lines (pages.h RUN_JOIN). Its pieces are drawn as
 * glyph outlines (an artifact) and the whole word as invisible text over
 * the first piece, so that every extractor reads it once and whole; when
 * the pieces use different fonts, /ActualText marks them instead. */
struct runx {
	char *actual;                /* on the first run of the word: the whole
	                              * word; NULL elsewhere */
	double hscale;               /* on the first run: the invisible word's
	                              * horizontal scale */
	unsigned char outline;       /* a piece drawn as outlines */
	unsigned char open, close;   /* /ActualText: a /Span begins before /
	                              * ends after this run */
	unsigned char cont;          /* the rest of the word: /ActualText
	                              * empty (the word is read before) */
};

/* The state of one document being written. */
struct pdf_ctx {
	HPDF_Doc pdf;
	HPDF_STATUS error_no, detail_no;
	const struct fontset *fs;
	struct pdffont **fonts;     /* per fontset index, NULL until used */
	EVP_MD_CTX *id_hash;        /* the input, for a deterministic /ID */
	struct err *e;
	/* the structure tree */
	HPDF_Dict root, doc;        /* StructTreeRoot, its Document element */
	HPDF_Array doc_kids, nums;  /* Document's /K; the ParentTree's /Nums */
	struct selem *elems;
	int n_elems, cap_elems;
	HPDF_Dict last_top;         /* the last child added to Document */
	int last_top_kind;          /* its kind: TOP_LIST, TOP_FIELDS, ... */
	int seen_heading;           /* an H2 came before: signatures get H3 */
	int mcid;                   /* next MCID on the page being drawn */
	HPDF_Array page_parents;    /* ParentTree entry of that page */
};

enum { TOP_OTHER, TOP_LIST, TOP_FIELDS, TOP_TABLE };

/* libharu allocates and frees every object of a document on its own. The
 * objects of the document being written on a thread come from that
 * thread's arena instead (arena.h): libharu's frees are no-ops, and
 * pdf_write resets the arena after HPDF_Free, keeping its blocks for the
 * next document of the thread; they are freed when the thread ends
 * (pdf_thread_cleanup for the main thread). HPDF_Alloc_Func takes no
 * user data, hence the thread-local pointer. */
static pthread_key_t arena_key;
static pthread_once_t arena_once = PTHREAD_ONCE_INIT;
static _Thread_local struct arena *hpdf_arena;

static void arena_destroy(void *p)
{
	struct arena *a = p;

	if (a == NULL)
		return;
	arena_release(a);
	free(a);
}

static void arena_key_init(void)
{
	pthread_key_create(&arena_key, arena_destroy);
}

/* The calling thread's arena, made on first use; NULL when out of
 * memory. */
static struct arena *thread_arena(void)
{
	struct arena *a = hpdf_arena;

	if (a != NULL)
		return a;
	pthread_once(&arena_once, arena_key_init);
	a = malloc(sizeof *a);
	if (a == NULL)
		return NULL;
	arena_init(a, ARENA_BLOCK_SIZE, ARENA_KEEP);
	if (pthread_setspecific(arena_key, a) != 0) {
		free(a);
		return NULL;
	}
	hpdf_arena = a;
	return a;
}

void pdf_thread_cleanup(void)
{
	pthread_once(&arena_once, arena_key_init);
	arena_destroy(hpdf_arena);
	hpdf_arena = NULL;
	pthread_setspecific(arena_key, NULL);
}

/* libharu's allocator (HPDF_NewEx): NULL makes libharu report
 * HPDF_FAILD_TO_ALLOC_MEM through on_hpdf_error, and raises the
 * out-of-memory flag (oom.h), so the error says so rather than
 * "libharu error 0x1015". */
static void *hpdf_alloc(HPDF_UINT size)
{
	void *p = arena_alloc(hpdf_arena, size);

	if (p == NULL)
		oom_note();
	return p;
}

/* libharu's free: nothing; arena_reset after HPDF_Free frees it all. */
static void hpdf_free(void *p)
{
	(void)p;
}

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
                          void *data)
{
	struct pdf_ctx *c = data;

	if (c->error_no == 0) {
		c->error_no = error_no;
		c->detail_no = detail_no;
	}
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

	if (dates_split(s, &y, &m, &day) != 0)
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

/* ---- the structure tree (PDF/UA-1, ISO 32000-1 §14.7) ---------------- */

enum { KEY_LI = 100, KEY_TR, KEY_DIV };   /* containers, keyed like runs */

/* Writes raw operators into the page's content stream. */
static int emit(struct pdf_ctx *c, HPDF_Page page, const char *s)
{
	HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;

	if (HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)s,
	                      (HPDF_UINT)strlen(s)) != HPDF_OK)
		return hpdf_fail(c, "writing the page");
	return 0;
}

/* A new indirect dictionary, or NULL. */
static HPDF_Dict new_obj(struct pdf_ctx *c)
{
	HPDF_Dict d = HPDF_Dict_New(c->pdf->mmgr);

	if (d == NULL || HPDF_Xref_Add(c->pdf->xref, d) != HPDF_OK)
		return NULL;
	return d;
}

/* A structure element of type `type` appended to parent's kids. NULL with
 * c->e set on error. */
static HPDF_Dict new_elem(struct pdf_ctx *c, const char *type,
                          HPDF_Dict parent, HPDF_Array parent_kids,
                          HPDF_Page page)
{
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_Dict d = new_obj(c);

	if (d == NULL ||
	    HPDF_Dict_AddName(d, "S", type) != HPDF_OK ||
	    HPDF_Dict_Add(d, "P", parent) != HPDF_OK ||
	    (page != NULL && HPDF_Dict_Add(d, "Pg", page) != HPDF_OK) ||
	    HPDF_Dict_Add(d, "K", HPDF_Array_New(mm)) != HPDF_OK ||
	    HPDF_Array_Add(parent_kids, d) != HPDF_OK) {
		hpdf_fail(c, "building the structure tree");
		return NULL;
	}
	if (parent == c->doc)
		c->last_top = d;
	return d;
}

/* The standard structure type of a run role or container key. */
static const char *elem_type(const struct pdf_ctx *c, int role)
{
	switch (role) {
	case TAG_TITLE:       return "H1";
	case TAG_HEADING:     return "H2";
	case TAG_ITEM_LABEL:  return "Lbl";
	case TAG_ITEM_BODY:   return "LBody";
	case TAG_FIELD_LABEL:
	case TAG_HEAD_CELL:   return "TH";
	case TAG_FIELD_VALUE:
	case TAG_CELL:        return "TD";
	case TAG_SIG_HEADING: return c->seen_heading ? "H3" : "H2";
	case KEY_LI:          return "LI";
	case KEY_TR:          return "TR";
	case KEY_DIV:         return "Div";
	default:              return "P";
	}
}

/* The Document-level container (L or Table) that a new LI or TR joins:
 * the last top-level element when it is of that kind, else a new one. */
static HPDF_Dict top_container(struct pdf_ctx *c, int kind, HPDF_Page page)
{
	if (c->last_top != NULL && c->last_top_kind == kind)
		return c->last_top;
	(void)page;
	if (new_elem(c, kind == TOP_LIST ? "L" : "Table", c->doc, c->doc_kids,
	             NULL) == NULL)
		return NULL;
	c->last_top_kind = kind;
	return c->last_top;
}

static int find_elem(const struct pdf_ctx *c, int block, int role, int part)
{
	for (int i = c->n_elems - 1; i >= 0; i--) {
		const struct selem *el = &c->elems[i];
		if (el->block == block && el->role == role && el->part == part)
			return i;
	}
	return -1;
}

static int get_elem(struct pdf_ctx *c, int block, int role, int part,
                    HPDF_Page page);

/* The dictionary of the container element (block, key, part) (a list
 * item, a table row, a signature block), created on first use. Returns
 * NULL with c->e set. */
static HPDF_Dict container(struct pdf_ctx *c, int block, int key, int part,
                           HPDF_Page page)
{
	int i = get_elem(c, block, key, part, page);

	return i < 0 ? NULL : c->elems[i].dict;
}

/* The element of key (block, role, part), created with its containers on
 * first use. Returns its index in c->elems, or -1 with c->e set. */
static int get_elem(struct pdf_ctx *c, int block, int role, int part,
                    HPDF_Page page)
{
	int i = find_elem(c, block, role, part);
	HPDF_Dict parent = c->doc, d;
	HPDF_Array kids;
	const char *scope = NULL;

	if (i >= 0)
		return i;
	switch (role) {
	case TAG_ITEM_LABEL:
	case TAG_ITEM_BODY:
		parent = container(c, block, KEY_LI, 0, page);
		break;
	case TAG_FIELD_LABEL:
	case TAG_FIELD_VALUE:
	case TAG_HEAD_CELL:
	case TAG_CELL:
		parent = container(c, block, KEY_TR, role == TAG_FIELD_LABEL ||
		                   role == TAG_FIELD_VALUE ? TOP_FIELDS : TOP_TABLE,
		                   page);
		scope = role == TAG_FIELD_LABEL ? "Row" :
		        role == TAG_HEAD_CELL ? "Column" : NULL;
		break;
	case TAG_SIG_HEADING:
	case TAG_SIG_LINE:
		parent = container(c, block, KEY_DIV, 0, page);
		break;
	case KEY_LI:
		parent = top_container(c, TOP_LIST, page);
		break;
	case KEY_TR:
		parent = top_container(c, part, page);
		break;
	default:
		break;
	}
	if (parent == NULL)
		return -1;
	kids = HPDF_Dict_GetItem(parent, "K", HPDF_OCLASS_ARRAY);
	if (kids == NULL)
		return hpdf_fail(c, "building the structure tree");
	/* /Pg only where marked content is listed (runs, not containers) */
	d = new_elem(c, elem_type(c, role), parent, kids,
	             role < KEY_LI ? page : NULL);
	if (d == NULL)
		return -1;
	if (parent == c->doc)
		c->last_top_kind = TOP_OTHER;
	if (role == TAG_HEADING)
		c->seen_heading = 1;
	if (scope != NULL) {
		HPDF_Dict attr = HPDF_Dict_New(c->pdf->mmgr);
		if (attr == NULL ||
		    HPDF_Dict_AddName(attr, "O", "Table") != HPDF_OK ||
		    HPDF_Dict_AddName(attr, "Scope", scope) != HPDF_OK ||
		    HPDF_Dict_Add(d, "A", attr) != HPDF_OK)
			return hpdf_fail(c, "building the structure tree");
	}
	if (c->n_elems == c->cap_elems) {
		struct selem *p = array_reserve_int(c->elems, sizeof *p,
		                                    c->n_elems, 1, &c->cap_elems);
		if (p == NULL)
			return err_set(c->e, "pdf: out of memory");
		c->elems = p;
	}
	c->elems[c->n_elems] = (struct selem){ block, role, part, d,
	        HPDF_Dict_GetItem(d, "K", HPDF_OCLASS_ARRAY), page };
	return c->n_elems++;
}

/* The element a run belongs to. */
static int run_elem(struct pdf_ctx *c, const struct run *r, HPDF_Page page)
{
	return get_elem(c, r->block, r->role, r->part, page);
}

/* Opens a marked-content sequence for element el on page: the next MCID,
 * listed in the element's /K and in the page's ParentTree entry. */
/* Lists MCID mcid of page in element el's /K. */
static int kid_add(struct pdf_ctx *c, HPDF_Page page, int el, int mcid)
{
	HPDF_MMgr mm = c->pdf->mmgr;
	struct selem *e = &c->elems[el];

	if (e->page == page) {
		if (HPDF_Array_AddNumber(e->kids, mcid) != HPDF_OK)
			return hpdf_fail(c, "building the structure tree");
	} else {
		HPDF_Dict mcr = HPDF_Dict_New(mm);
		if (mcr == NULL || HPDF_Dict_AddName(mcr, "Type", "MCR") != HPDF_OK ||
		    HPDF_Dict_Add(mcr, "Pg", page) != HPDF_OK ||
		    HPDF_Dict_AddNumber(mcr, "MCID", mcid) != HPDF_OK ||
		    HPDF_Array_Add(e->kids, mcr) != HPDF_OK)
			return hpdf_fail(c, "building the structure tree");
	}
	return 0;
}

/* Opens a marked-content sequence for element el on page: the next MCID,
 * in the page's ParentTree entry and, unless `later` is given (then it
 * gets the MCID, for kid_add), in the element's /K. */
static int mark_begin(struct pdf_ctx *c, HPDF_Page page, int el, int *later)
{
	struct selem *e = &c->elems[el];
	const char *type = HPDF_Name_GetValue(HPDF_Dict_GetItem(e->dict, "S",
	                                      HPDF_OCLASS_NAME));
	char op[96];
	int mcid = c->mcid++;

	if (later != NULL)
		*later = mcid;
	else if (kid_add(c, page, el, mcid) < 0)
		return -1;
	if (HPDF_Array_Add(c->page_parents, e->dict) != HPDF_OK)
		return hpdf_fail(c, "building the parent tree");
	snprintf(op, sizeof op, "/%s <</MCID %d>> BDC\n", type, mcid);
	return emit(c, page, op);
}

/* A PDF text string in a content stream: <FEFF…> hex UTF-16BE. */
static int emit_text_string(struct pdf_ctx *c, HPDF_Page page,
                            const char *utf8)
{
	size_t len = strlen(utf8), i = 0, o = 0;
	char *hex = malloc(len * 8 + 8);
	int rc;

	if (hex == NULL)
		return err_set(c->e, "pdf: out of memory");
	o += (size_t)sprintf(hex, "<FEFF");
	while (i < len) {
		uint32_t cp;
		int n = fontset_utf8_next(utf8 + i, len - i, &cp);
		i += n > 0 ? (size_t)n : 1;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			o += (size_t)sprintf(hex + o, "%04X%04X",
			                     0xD800 + (unsigned)(v >> 10),
			                     0xDC00 + (unsigned)(v & 0x3FF));
		} else {
			o += (size_t)sprintf(hex + o, "%04X", (unsigned)cp);
		}
	}
	hex[o++] = '>';
	hex[o] = '\0';
	rc = emit(c, page, hex);
	free(hex);
	return rc;
}

/* Whether runs a and b belong to one element. */
static int same_elem(const struct run *a, const struct run *b)
{
	return a->role == b->role && a->block == b->block && a->part == b->part;
}

/* Marks runs [start, end] of pg (the first piece of a broken word and its
 * hyphen) to be drawn as outlines, and sets the horizontal scale that
 * fits the whole word rx[start].actual over them. 0 or -1 with c->e. */
static int plan_outline(struct pdf_ctx *c, const struct page *pg,
                        struct runx *rx, int start, int end)
{
	const struct run *a = &pg->runs[start], *b = &pg->runs[end];
	struct pdffont *f = font_for(c, a->font);
	double natural, target = b->x + b->width - a->x;

	if (f == NULL)
		return -1;
	natural = pdffont_width(f, a->size, rx[start].actual, c->e);
	if (natural < 0)
		return -1;
	rx[start].hscale = natural > 0 && target > 0 ? target / natural : 1;
	for (int k = start; k <= end; k++)
		rx[k].outline = 1;
	return 0;
}

/* Finds the words broken over two lines (RUN_JOIN) and plans their
 * /ActualText: the whole word on the part before the break, an empty one
 * on the rest, so that every extractor reads the word once and whole, an
 * added hyphen dropped and a real one kept. rx[p] gets one entry per run
 * of page p. Returns 0 or -1 with c->e set. */
static int plan_joins(struct pdf_ctx *c, const struct pages *pages,
                      struct runx **rx)
{
	for (int p = 0; p < pages->n_pages; p++) {
		rx[p] = calloc((size_t)pages->pages[p].n_runs + 1, sizeof **rx);
		if (rx[p] == NULL)
			return err_set(c->e, "pdf: out of memory");
	}
	for (int p = 0; p < pages->n_pages; p++) {
		const struct page *pg = &pages->pages[p];
		for (int i = 0; i < pg->n_runs; i++) {
			const struct run *r = &pg->runs[i], *nx = NULL;
			int start = i, np = p, ni = i + 1, added;
			size_t la, lb;
			char *word;

			if (!(r->flags & RUN_JOIN) || r->role == TAG_ARTIFACT ||
			    rx[p][i].cont)
				continue;
			added = strcmp(r->text, "-") == 0 && i > 0 &&
			        same_elem(&pg->runs[i - 1], r) &&
			        fabs(pg->runs[i - 1].y - r->y) < 0.01;
			if (added)
				start = i - 1;
			for (; np < pages->n_pages; np++, ni = 0) {
				for (; ni < pages->pages[np].n_runs; ni++)
					if (same_elem(&pages->pages[np].runs[ni], r))
						break;
				if (ni < pages->pages[np].n_runs) {
					nx = &pages->pages[np].runs[ni];
					break;
				}
			}
			if (nx == NULL || (nx->flags & RUN_JOIN) ||
			    rx[p][start].cont)
				continue;
			la = strlen(pg->runs[start].text);
			lb = strlen(nx->text);
			word = malloc(la + lb + 1);
			if (word == NULL)
				return err_set(c->e, "pdf: out of memory");
			memcpy(word, pg->runs[start].text, la);
			memcpy(word + la, nx->text, lb + 1);
			rx[p][start].actual = word;
			if (pg->runs[start].font == r->font && nx->font == r->font) {
				if (plan_outline(c, pg, rx[p], start, i) < 0)
					return -1;
				rx[np][ni].outline = 1;
				rx[np][ni].cont = 1;
				continue;
			}
			rx[p][start].open = 1;
			rx[p][i].close = 1;
			rx[np][ni].open = rx[np][ni].close = rx[np][ni].cont = 1;
		}
	}
	return 0;
}

/* Marks in own[] the runs of lines whose runs bidi reordered: the runs
 * of one element on one baseline, drawn (in visual order) out of their
 * logical order. Each gets its own MCID, and the element lists them in
 * logical order, so that the structure reads a right-to-left name inside
 * left-to-right text (or the reverse) in the order it is written. Lines
 * holding an /ActualText span keep one sequence. own[i] is the index of
 * the group's first run + 1, or 0. */
static void find_reordered(const struct page *pg, const struct runx *rx,
                           int *own)
{
	int a = 0;

	while (a < pg->n_runs) {
		const struct run *r = &pg->runs[a];
		int b = a + 1, mixed = 0, spans = rx[a].open || rx[a].close;
		while (b < pg->n_runs && same_elem(&pg->runs[b], r) &&
		       fabs(pg->runs[b].y - r->y) < 0.01) {
			mixed |= pg->runs[b].order < pg->runs[b - 1].order;
			spans |= rx[b].open || rx[b].close;
			b++;
		}
		for (int k = a; k < b; k++)
			own[k] = r->role != TAG_ARTIFACT && mixed && !spans ? a + 1
			                                                    : 0;
		a = b;
	}
}

/* Lists the MCIDs of a reordered line (pending, n) in logical order. */
static int flush_line(struct pdf_ctx *c, HPDF_Page page, int el,
                      int (*pending)[2], int n)
{
	for (int i = 1; i < n; i++)           /* insertion sort by order */
		for (int k = i; k > 0 && pending[k][0] < pending[k - 1][0]; k--) {
			int t0 = pending[k][0], t1 = pending[k][1];
			pending[k][0] = pending[k - 1][0];
			pending[k][1] = pending[k - 1][1];
			pending[k - 1][0] = t0;
			pending[k - 1][1] = t1;
		}
	for (int i = 0; i < n; i++)
		if (kid_add(c, page, el, pending[i][1]) < 0)
			return -1;
	return 0;
}

/* Draws the runs of a page, each run inside the marked-content sequence
 * of its element (or an /Artifact for the footer). */
static int draw_runs(struct pdf_ctx *c, HPDF_Page page,
                     const struct page *pg, const struct runx *rx)
{
	const struct run *open = NULL;
	int *own = NULL, (*pending)[2] = NULL;
	int i, n_pending = 0, pending_group = 0, pending_el = -1, rc = -1;
	int in_span = 0;     /* inside a word's /ActualText */
	struct pdftext ts = { 0 };

	if (pg->n_runs == 0)
		return 0;
	own = calloc((size_t)pg->n_runs, sizeof *own);
	pending = calloc((size_t)pg->n_runs, sizeof *pending);
	if (own == NULL || pending == NULL) {
		err_set(c->e, "pdf: out of memory");
		goto cleanup;
	}
	find_reordered(pg, rx, own);
	if (HPDF_Page_BeginText(page) != HPDF_OK) {
		hpdf_fail(c, "BeginText");
		goto cleanup;
	}
	for (i = 0; i < pg->n_runs; i++) {
		const struct run *r = &pg->runs[i];
		struct pdffont *f;
		int el;

		if (n_pending > 0 && own[i] != pending_group) {
			if (flush_line(c, page, pending_el, pending, n_pending) < 0)
				goto cleanup;
			n_pending = 0;
		}
		hash_num(c, r->font);
		hash_num(c, r->size);
		hash_num(c, r->x);
		hash_num(c, r->y);
		hash_num(c, r->block);
		hash_num(c, r->role);
		hash_num(c, r->part);
		hash_num(c, r->flags);
		hash_num(c, r->order);
		hash_str(c, r->text);
		if (r->text == NULL || r->text[0] == '\0')
			continue;
		if (!(r->size > 0 && r->size <= 1000)) {
			err_set(c->e, "pdf: bad font size %g", r->size);
			goto cleanup;
		}
		if (!sane(r->x) || !sane(r->y)) {
			err_set(c->e, "pdf: bad text position");
			goto cleanup;
		}
		f = font_for(c, r->font);
		if (f == NULL)
			goto cleanup;
		if (rx[i].outline && rx[i].actual == NULL)
			continue;        /* drawn as outlines, read in the word */
		if (own[i]) {
			/* a run of a reordered line: its own MCID, listed later */
			if (open != NULL && emit(c, page, "EMC\n") < 0)
				goto cleanup;
			open = NULL;
			if ((el = run_elem(c, r, page)) < 0 ||
			    mark_begin(c, page, el, &pending[n_pending][1]) < 0)
				goto cleanup;
			pending[n_pending++][0] = r->order;
			pending_group = own[i];
			pending_el = el;
		} else if (open == NULL || !same_elem(open, r)) {
			if (open != NULL && emit(c, page, "EMC\n") < 0)
				goto cleanup;
			open = r;
			if (r->role == TAG_ARTIFACT) {
				if (emit(c, page, "/Artifact <</Type /Pagination "
				         "/Subtype /Footer>> BDC\n") < 0)
					goto cleanup;
			} else if ((el = run_elem(c, r, page)) < 0 ||
			           mark_begin(c, page, el, NULL) < 0) {
				goto cleanup;
			}
		}
		if (rx[i].open) {
			if (emit(c, page, "/Span <</ActualText ") < 0 ||
			    emit_text_string(c, page, rx[i].cont ? "" :
			                     rx[i].actual) < 0 ||
			    emit(c, page, ">> BDC\n") < 0)
				goto cleanup;
			in_span = 1;
		}
		if (rx[i].outline) {
			/* the whole word, invisible (3 Tr), over its first piece */
			if (emit(c, page, "3 Tr\n") < 0 ||
			    pdffont_show_scaled(f, page, &ts, r->size, rx[i].hscale,
			                        r->x, r->y, rx[i].actual, c->e) < 0 ||
			    emit(c, page, "0 Tr\n") < 0)
				goto cleanup;
		} else if (pdffont_show(f, page, &ts, r->size, r->x, r->y, r->text,
		                        !in_span, c->e) < 0) {
			goto cleanup;
		}
		if (rx[i].close) {
			if (emit(c, page, "EMC\n") < 0)
				goto cleanup;
			in_span = 0;
		}
		if (own[i] && emit(c, page, "EMC\n") < 0)
			goto cleanup;
	}
	if (n_pending > 0 &&
	    flush_line(c, page, pending_el, pending, n_pending) < 0)
		goto cleanup;
	if (open != NULL && emit(c, page, "EMC\n") < 0)
		goto cleanup;
	if (HPDF_Page_EndText(page) != HPDF_OK) {
		hpdf_fail(c, "EndText");
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(own);
	free(pending);
	return rc;
}

/* Draws the pieces of broken words as glyph outlines: one /Artifact
 * sequence outside any text object (their text is the invisible word). */
static int draw_outlines(struct pdf_ctx *c, HPDF_Page page,
                         const struct page *pg, const struct runx *rx)
{
	int any = 0;

	for (int i = 0; i < pg->n_runs; i++) {
		const struct run *r = &pg->runs[i];
		struct pdffont *f;
		if (!rx[i].outline)
			continue;
		if (!any && emit(c, page, "/Artifact BMC\n") < 0)
			return -1;
		any = 1;
		f = font_for(c, r->font);
		if (f == NULL ||
		    pdffont_outline(f, page, r->size, r->x, r->y, r->text,
		                    c->e) < 0)
			return -1;
	}
	if (any && emit(c, page, "EMC\n") < 0)
		return -1;
	return 0;
}

/* Draws the rules of a page: page furniture, one /Artifact sequence. */
static int draw_rules(struct pdf_ctx *c, HPDF_Page page,
                      const struct page *pg)
{
	int i;

	if (pg->n_rules > 0 && emit(c, page, "/Artifact BMC\n") < 0)
		return -1;
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
	if (pg->n_rules > 0 && emit(c, page, "EMC\n") < 0)
		return -1;
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

/* The normal appearance of an empty signature widget: a form XObject
 * that draws nothing (the layout's rule under the box stays the only
 * mark), as PDF/A-2 §6.3.3 wants an /AP /N for every widget. */
static HPDF_Dict empty_appearance(struct pdf_ctx *c, double w, double h)
{
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_Dict ap = HPDF_Dict_New(mm);
	HPDF_Dict n = HPDF_DictStream_New(mm, c->pdf->xref);
	HPDF_Array bbox = HPDF_Array_New(mm);

	if (ap == NULL || n == NULL || bbox == NULL ||
	    HPDF_Dict_AddName(n, "Type", "XObject") != HPDF_OK ||
	    HPDF_Dict_AddName(n, "Subtype", "Form") != HPDF_OK ||
	    HPDF_Dict_Add(n, "BBox", bbox) != HPDF_OK ||
	    HPDF_Dict_Add(n, "Resources", HPDF_Dict_New(mm)) != HPDF_OK ||
	    HPDF_Array_AddReal(bbox, 0) != HPDF_OK ||
	    HPDF_Array_AddReal(bbox, 0) != HPDF_OK ||
	    HPDF_Array_AddReal(bbox, (HPDF_REAL)w) != HPDF_OK ||
	    HPDF_Array_AddReal(bbox, (HPDF_REAL)h) != HPDF_OK ||
	    HPDF_Dict_Add(ap, "N", n) != HPDF_OK) {
		hpdf_fail(c, "building a widget appearance");
		return NULL;
	}
	return ap;
}

/* The Form element of signature field i, in its block's Div, holding the
 * widget (OBJR); the widget's /StructParent points back to it. */
static int tag_widget(struct pdf_ctx *c, HPDF_Page page, HPDF_Dict w,
                      const struct sigfield *sf, int key)
{
	HPDF_MMgr mm = c->pdf->mmgr;
	int div = get_elem(c, sf->block, KEY_DIV, 0, page);
	HPDF_Dict form, objr;
	HPDF_Array kids;

	if (div < 0)
		return -1;
	form = new_elem(c, "Form", c->elems[div].dict, c->elems[div].kids, NULL);
	if (form == NULL)
		return -1;
	kids = HPDF_Dict_GetItem(form, "K", HPDF_OCLASS_ARRAY);
	objr = HPDF_Dict_New(mm);
	if (kids == NULL || objr == NULL ||
	    HPDF_Dict_AddName(objr, "Type", "OBJR") != HPDF_OK ||
	    HPDF_Dict_Add(objr, "Obj", w) != HPDF_OK ||
	    HPDF_Dict_Add(objr, "Pg", page) != HPDF_OK ||
	    HPDF_Array_Add(kids, objr) != HPDF_OK ||
	    HPDF_Dict_AddNumber(w, "StructParent", key) != HPDF_OK ||
	    HPDF_Array_AddNumber(c->nums, key) != HPDF_OK ||
	    HPDF_Array_Add(c->nums, form) != HPDF_OK)
		return hpdf_fail(c, "tagging a signature field");
	return 0;
}

/* One empty signature field: a merged field/widget annotation, printed,
 * with an appearance, tagged as a Form element under parent-tree key
 * `key`. */
static int add_sigfield(struct pdf_ctx *c, HPDF_Page page, HPDF_Array annots,
                        HPDF_Array fields, const struct sigfield *sf, int key)
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
	    dict_add(c, w, "F", HPDF_Number_New(mm, 132)) < 0 ||
	    dict_add(c, w, "AP", empty_appearance(c, sf->w, sf->h)) < 0 ||
	    tag_widget(c, page, w, sf, key) < 0)
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
	/* Indirect, so that signers update it in place; /Type first, where
	 * @signpdf/placeholder-plain looks for it to keep the fields. */
	form = new_obj(c);
	fields = HPDF_Array_New(mm);
	if (dict_add(c, form, "Type", HPDF_Name_New(mm, "AcroForm")) < 0 ||
	    dict_add(c, c->pdf->catalog, "AcroForm", form) < 0 ||
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
			if (dict_add(c, page, "Annots", annots) < 0 ||
			    dict_add(c, page, "Tabs", HPDF_Name_New(mm, "S")) < 0)
				return -1;
		}
		if (add_sigfield(c, page, annots, fields, sf,
		                 pages->n_pages + i) < 0)
			return -1;
	}
	return 0;
}

/* The catalog's /StructTreeRoot with its Document element and an empty
 * ParentTree, /MarkInfo and /ViewerPreferences. */
static int start_structure(struct pdf_ctx *c)
{
	HPDF_MMgr mm = c->pdf->mmgr;
	HPDF_Dict tree = HPDF_Dict_New(mm), mark = HPDF_Dict_New(mm);
	HPDF_Dict prefs = HPDF_Dict_New(mm);
	HPDF_Array root_kids = HPDF_Array_New(mm);

	c->root = new_obj(c);
	c->nums = HPDF_Array_New(mm);
	if (c->root == NULL || tree == NULL || mark == NULL || prefs == NULL ||
	    root_kids == NULL || c->nums == NULL ||
	    HPDF_Dict_AddName(c->root, "Type", "StructTreeRoot") != HPDF_OK ||
	    HPDF_Dict_Add(c->root, "K", root_kids) != HPDF_OK ||
	    HPDF_Dict_Add(c->root, "ParentTree", tree) != HPDF_OK ||
	    HPDF_Dict_Add(tree, "Nums", c->nums) != HPDF_OK ||
	    HPDF_Dict_Add(c->pdf->catalog, "StructTreeRoot", c->root) !=
	        HPDF_OK ||
	    HPDF_Dict_AddBoolean(mark, "Marked", HPDF_TRUE) != HPDF_OK ||
	    HPDF_Dict_Add(c->pdf->catalog, "MarkInfo", mark) != HPDF_OK ||
	    HPDF_Dict_AddBoolean(prefs, "DisplayDocTitle", HPDF_TRUE) !=
	        HPDF_OK ||
	    HPDF_Dict_Add(c->pdf->catalog, "ViewerPreferences", prefs) !=
	        HPDF_OK)
		return hpdf_fail(c, "starting the structure tree");
	c->doc = new_elem(c, "Document", c->root, root_kids, NULL);
	if (c->doc == NULL)
		return -1;
	c->doc_kids = HPDF_Dict_GetItem(c->doc, "K", HPDF_OCLASS_ARRAY);
	c->last_top = NULL;
	return 0;
}

static int draw_pages(struct pdf_ctx *c, const struct pages *pages,
                      HPDF_Page *hpages, struct runx **rx)
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
		c->mcid = 0;
		c->page_parents = HPDF_Array_New(c->pdf->mmgr);
		if (c->page_parents == NULL ||
		    HPDF_Dict_AddNumber(page, "StructParents", i) != HPDF_OK ||
		    HPDF_Array_AddNumber(c->nums, i) != HPDF_OK ||
		    HPDF_Array_Add(c->nums, c->page_parents) != HPDF_OK)
			return hpdf_fail(c, "adding a page");
		if (draw_rules(c, page, &pages->pages[i]) < 0 ||
		    draw_outlines(c, page, &pages->pages[i], rx[i]) < 0 ||
		    draw_runs(c, page, &pages->pages[i], rx[i]) < 0)
			return -1;
	}
	return 0;
}

/* The XMP metadata stream (uncompressed, ISO 19005-2 §6.6.2.1) and the
 * sRGB output intent (§6.2.3), the Info /Producer they agree with, and
 * the PDF 1.7 header. */
static int add_pdfa(struct pdf_ctx *c, const struct pdf_meta *meta)
{
	HPDF_MMgr mm = c->pdf->mmgr;
	struct xmp_info x = {
		.title = meta->title, .author = meta->author,
		.subject = meta->subject, .creator_tool = meta->creator,
		.producer = PRODUCER, .lang = meta->lang, .date = meta->date,
		.conformance = "A",
	};
	size_t len = 0;
	char *xmp = xmp_packet(&x, &len);
	HPDF_Dict md, icc, intent;
	HPDF_Array intents;
	int rc = -1;

	if (xmp == NULL)
		return err_set(c->e, "pdf: out of memory");
	md = HPDF_DictStream_New(mm, c->pdf->xref);
	icc = HPDF_DictStream_New(mm, c->pdf->xref);
	intent = HPDF_Dict_New(mm);
	intents = HPDF_Array_New(mm);
	if (md == NULL || icc == NULL || intent == NULL || intents == NULL)
		goto fail;
	md->filter = HPDF_STREAM_FILTER_NONE;
	icc->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	if (HPDF_Dict_AddName(md, "Type", "Metadata") != HPDF_OK ||
	    HPDF_Dict_AddName(md, "Subtype", "XML") != HPDF_OK ||
	    HPDF_Stream_Write(md->stream, (HPDF_BYTE *)xmp, (HPDF_UINT)len) !=
	        HPDF_OK ||
	    HPDF_Dict_Add(c->pdf->catalog, "Metadata", md) != HPDF_OK ||
	    HPDF_Dict_AddNumber(icc, "N", 3) != HPDF_OK ||
	    HPDF_Stream_Write(icc->stream, srgb_icc, (HPDF_UINT)srgb_icc_len) !=
	        HPDF_OK ||
	    HPDF_Dict_AddName(intent, "Type", "OutputIntent") != HPDF_OK ||
	    HPDF_Dict_AddName(intent, "S", "GTS_PDFA1") != HPDF_OK ||
	    HPDF_Dict_Add(intent, "OutputConditionIdentifier",
	                  HPDF_String_New(mm, "sRGB IEC61966-2.1", NULL)) !=
	        HPDF_OK ||
	    HPDF_Dict_Add(intent, "Info",
	                  HPDF_String_New(mm, "sRGB IEC61966-2.1", NULL)) !=
	        HPDF_OK ||
	    HPDF_Dict_Add(intent, "DestOutputProfile", icc) != HPDF_OK ||
	    HPDF_Array_Add(intents, intent) != HPDF_OK ||
	    HPDF_Dict_Add(c->pdf->catalog, "OutputIntents", intents) !=
	        HPDF_OK ||
	    HPDF_Dict_Add(c->pdf->info, "Producer",
	                  HPDF_String_New(mm, PRODUCER, NULL)) != HPDF_OK)
		goto fail;
	c->pdf->pdf_version = HPDF_VER_17;
	rc = 0;
	goto cleanup;
fail:
	hpdf_fail(c, "adding the PDF/A metadata");
cleanup:
	free(xmp);
	return rc;
}

/* Completes the StructTreeRoot once every key is used. */
static int end_structure(struct pdf_ctx *c, const struct pages *pages)
{
	if (HPDF_Dict_AddNumber(c->root, "ParentTreeNextKey",
	                        pages->n_pages + pages->n_fields) != HPDF_OK)
		return hpdf_fail(c, "finishing the structure tree");
	return 0;
}

/* Documents longer than this (the countersigning cover sheet of up to
 * 1,000 agreements) keep libharu's zlib for their streams, so that the
 * whole uncompressed file never sits in memory; pack_pdf passes encoded
 * streams through. */
#define PLAIN_MAX_PAGES 32

/* Lets libharu write every stream plain: pack_pdf deflates each once,
 * faster than libharu's zlib (whatever filter a stage asked for). */
static void plain_streams(struct pdf_ctx *c, int n_pages)
{
	if (n_pages > PLAIN_MAX_PAGES)
		return;
	for (HPDF_Xref x = c->pdf->xref; x != NULL; x = x->prev)
		for (HPDF_UINT i = 0; i < x->entries->count; i++) {
			HPDF_XrefEntry en = HPDF_List_ItemAt(x->entries, i);
			HPDF_Obj_Header *h = en != NULL ? en->obj : NULL;

			if (h != NULL && (h->obj_class & HPDF_OCLASS_ANY) ==
			                     HPDF_OCLASS_DICT &&
			    ((HPDF_Dict)en->obj)->stream != NULL)
				((HPDF_Dict)en->obj)->filter = HPDF_STREAM_FILTER_NONE;
		}
}

/* Saves the document into a malloc'd buffer. */
static unsigned char *save_to_memory(struct pdf_ctx *c, int n_pages,
                                     size_t *len)
{
	HPDF_UINT32 size;
	HPDF_UINT got;
	unsigned char *buf;

	plain_streams(c, n_pages);
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
	struct runx **rx = NULL;
	unsigned char *raw = NULL, *buf = NULL;
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
	rx = calloc((size_t)pages->n_pages, sizeof *rx);
	c.id_hash = EVP_MD_CTX_new();
	if (c.fonts == NULL || hpages == NULL || rx == NULL || c.id_hash == NULL ||
	    EVP_DigestInit_ex(c.id_hash, EVP_sha256(), NULL) != 1) {
		err_set(e, "pdf: out of memory");
		goto cleanup;
	}
	if (thread_arena() == NULL) {
		err_set(e, "pdf: out of memory");
		goto cleanup;
	}
	c.pdf = HPDF_NewEx(on_hpdf_error, hpdf_alloc, hpdf_free, 0, &c);
	if (c.pdf == NULL) {
		err_set(e, "pdf: libharu could not start");
		goto cleanup;
	}
	if (HPDF_SetCompressionMode(c.pdf, pages->n_pages > PLAIN_MAX_PAGES ?
	                            HPDF_COMP_ALL : HPDF_COMP_NONE) != HPDF_OK) {
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
	    add_pdfa(&c, meta) < 0 ||
	    start_structure(&c) < 0 ||
	    plan_joins(&c, pages, rx) < 0 ||
	    draw_pages(&c, pages, hpages, rx) < 0 ||
	    add_sigfields(&c, pages, hpages) < 0 ||
	    end_structure(&c, pages) < 0 ||
	    finish_fonts(&c) < 0 ||
	    set_id(&c) < 0)
		goto cleanup;
	raw = save_to_memory(&c, pages->n_pages, &len);
	if (raw == NULL || pack_pdf(raw, len, &buf, &len, NULL, e) < 0)
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
	if (rx != NULL)
		for (i = 0; i < pages->n_pages; i++) {
			if (rx[i] != NULL)
				for (int k = 0; k < pages->pages[i].n_runs; k++)
					free(rx[i][k].actual);
			free(rx[i]);
		}
	free(rx);
	free(c.elems);
	free(buf);
	free(raw);
	if (c.pdf != NULL) {
		HPDF_Free(c.pdf);
		arena_reset(hpdf_arena);
	}
	EVP_MD_CTX_free(c.id_hash);
	return rc;
}
