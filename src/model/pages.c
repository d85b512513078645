/* pages.c — growing and freeing laid-out pages (see pages.h). */
#include "pages.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"

struct page *pages_add_page(struct pages *p)
{
	struct page *pg;

	pg = array_reserve_int(p->pages, sizeof *pg, p->n_pages, 1, &p->cap_pages);
	if (pg == NULL)
		return NULL;
	p->pages = pg;
	pg = &p->pages[p->n_pages++];
	memset(pg, 0, sizeof *pg);
	return pg;
}

int page_add_run(struct page *pg, int font, double size, double x, double y,
                 double width, const char *text, size_t len)
{
	struct run *r;
	char *copy;

	r = array_reserve_int(pg->runs, sizeof *r, pg->n_runs, 1, &pg->cap_runs);
	if (r == NULL)
		return -1;
	pg->runs = r;
	copy = malloc(len + 1);
	if (copy == NULL)
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	r = &pg->runs[pg->n_runs++];
	r->font = font;
	r->size = size;
	r->x = x;
	r->y = y;
	r->width = width;
	r->text = copy;
	r->block = 0;
	r->role = TAG_ARTIFACT;
	r->part = 0;
	r->flags = 0;
	r->order = 0;
	return 0;
}

int page_add_rule(struct page *pg, double x0, double y0, double x1,
                  double y1, double width)
{
	struct rule *r;

	r = array_reserve_int(pg->rules, sizeof *r, pg->n_rules, 1,
	                      &pg->cap_rules);
	if (r == NULL)
		return -1;
	pg->rules = r;
	r = &pg->rules[pg->n_rules++];
	r->x0 = x0;
	r->y0 = y0;
	r->x1 = x1;
	r->y1 = y1;
	r->width = width;
	return 0;
}

int pages_add_field(struct pages *p, int page, double x, double y, double w,
                    double h, const char *name, const char *tooltip)
{
	struct sigfield *f;
	char *n = strdup(name);
	char *t = strdup(tooltip ? tooltip : "");

	f = array_reserve_int(p->fields, sizeof *f, p->n_fields, 1,
	                      &p->cap_fields);
	if (f != NULL)
		p->fields = f;
	if (n == NULL || t == NULL || f == NULL) {
		free(n);
		free(t);
		return -1;
	}
	f = &p->fields[p->n_fields++];
	f->page = page;
	f->x = x;
	f->y = y;
	f->w = w;
	f->h = h;
	f->name = n;
	f->tooltip = t;
	f->block = 0;
	return 0;
}

void pages_clear(struct pages *p)
{
	for (int i = 0; i < p->n_pages; i++) {
		struct page *pg = &p->pages[i];
		for (int j = 0; j < pg->n_runs; j++)
			free(pg->runs[j].text);
		free(pg->runs);
		free(pg->rules);
	}
	free(p->pages);
	for (int i = 0; i < p->n_fields; i++) {
		free(p->fields[i].name);
		free(p->fields[i].tooltip);
	}
	free(p->fields);
	memset(p, 0, sizeof *p);
}
