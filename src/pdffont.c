/* pdffont.c — fonts embedded the plain libharu way: HPDF_UseUTFEncodings,
 * HPDF_LoadTTFontFromFile with embedding, HPDF_GetFont(…, "UTF-8"). */
#include "pdffont.h"

#include <stdlib.h>

struct pdffont {
	HPDF_Doc pdf;
	HPDF_Font font;
	HPDF_REAL size;
};

int pdffont_begin(HPDF_Doc pdf, struct err *e)
{
	if (HPDF_UseUTFEncodings(pdf) != HPDF_OK ||
	    HPDF_SetCurrentEncoder(pdf, "UTF-8") != HPDF_OK)
		return err_set(e, "pdf: libharu has no UTF-8 encoder");
	return 0;
}

struct pdffont *pdffont_new(HPDF_Doc pdf, const struct fontset *fs, int font,
                            struct err *e)
{
	struct pdffont *f = calloc(1, sizeof *f);
	const char *name;

	if (f == NULL) {
		err_set(e, "pdf: out of memory");
		return NULL;
	}
	f->pdf = pdf;
	name = HPDF_LoadTTFontFromFile(pdf, fontset_path(fs, font), HPDF_TRUE);
	if (name != NULL)
		f->font = HPDF_GetFont(pdf, name, "UTF-8");
	if (f->font == NULL) {
		err_set(e, "pdf: cannot embed %s (libharu error 0x%04lX)",
		        fontset_path(fs, font), (unsigned long)HPDF_GetError(pdf));
		free(f);
		return NULL;
	}
	return f;
}

int pdffont_show(struct pdffont *f, HPDF_Page page, double size, double x,
                 double y, const char *utf8, struct err *e)
{
	if (HPDF_Page_SetFontAndSize(page, f->font, (HPDF_REAL)size) !=
	        HPDF_OK ||
	    HPDF_Page_TextOut(page, (HPDF_REAL)x, (HPDF_REAL)y, utf8) !=
	        HPDF_OK)
		return err_set(e, "pdf: drawing text failed (libharu error "
		               "0x%04lX)", (unsigned long)HPDF_GetError(f->pdf));
	return 0;
}

int pdffont_finish(struct pdffont *f, struct err *e)
{
	(void)f;
	(void)e;
	return 0;
}

void pdffont_free(struct pdffont *f)
{
	free(f);
}
