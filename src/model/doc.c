/* doc.c — building and freeing the abstract document (see doc.h). */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"

struct block *doc_add_block(struct doc *d, enum block_kind kind)
{
	struct block *b;

	b = array_reserve_int(d->blocks, sizeof *b, d->n_blocks, 1,
	                      &d->cap_blocks);
	if (b == NULL)
		return NULL;
	d->blocks = b;
	b = &d->blocks[d->n_blocks++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	return b;
}

static void block_clear(struct block *b)
{
	free(b->text);
	free(b->label);
	free(b->nohyph);
	for (int i = 0; i < b->n_cells; i++)
		free(b->cells[i]);
	free(b->cells);
	free(b->sig.heading);
	for (int i = 0; i < b->sig.n_lines; i++)
		free(b->sig.lines[i]);
	free(b->sig.lines);
	for (int i = 0; i < b->sig.n_blanks; i++)
		free(b->sig.blanks[i]);
	free(b->sig.blanks);
	free(b->sig.caption);
	free(b->sig.field_name);
	free(b->sig.tooltip);
}

void doc_clear(struct doc *d)
{
	for (int i = 0; i < d->n_blocks; i++)
		block_clear(&d->blocks[i]);
	free(d->blocks);
	free(d->lang);
	free(d->footer);
	free(d->page_format);
	free(d->title);
	free(d->author);
	free(d->subject);
	memset(d, 0, sizeof *d);
}
