/* record.c — names of roles and statuses, and freeing the record model. */
#include "record.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const role_names[] = {
	[ROLE_NONE] = "",
	[ROLE_COORDINATOR] = "coordinator",
	[ROLE_NATIONAL_COORDINATOR] = "national-coordinator",
	[ROLE_SUPPORTER] = "supporter",
	[ROLE_ASSOCIATED_PARTNER] = "associated-partner",
};

static const char *const status_names[] = {
	[STATUS_NONE] = "",
	[STATUS_RECEIVED] = "received",
	[STATUS_ELIGIBLE] = "eligible",
	[STATUS_REJECTED] = "rejected",
	[STATUS_WITHDRAWN] = "withdrawn",
};

const char *role_name(enum role r)
{
	return role_names[r];
}

enum role role_from_name(const char *s)
{
	for (int i = ROLE_COORDINATOR; i <= ROLE_ASSOCIATED_PARTNER; i++)
		if (strcmp(s, role_names[i]) == 0)
			return (enum role)i;
	return ROLE_NONE;
}

const char *status_name(enum status s)
{
	return status_names[s];
}

enum status status_from_name(const char *s)
{
	for (int i = STATUS_RECEIVED; i <= STATUS_WITHDRAWN; i++)
		if (strcmp(s, status_names[i]) == 0)
			return (enum status)i;
	return STATUS_NONE;
}

int role_has_agreement(enum role r)
{
	return r == ROLE_COORDINATOR || r == ROLE_NATIONAL_COORDINATOR ||
	       r == ROLE_SUPPORTER;
}

void person_clear(struct person *p)
{
	free(p->name);
	free(p->position);
	free(p->email);
	free(p->phone);
	memset(p, 0, sizeof *p);
}

void record_clear(struct record *r)
{
	free(r->id);
	free(r->lang);
	free(r->org_name);
	free(r->org_acronym);
	free(r->org_category);
	free(r->org_country);
	for (int i = 0; i < r->n_address; i++)
		free(r->address[i]);
	free(r->postcode);
	free(r->city);
	free(r->website);
	person_clear(&r->signatory);
	person_clear(&r->contact);
	free(r->eligibility_confirmed);
	free(r->eligibility_reference);
	for (int i = 0; i < r->n_offers; i++) {
		free(r->offers[i].kind);
		free(r->offers[i].text);
	}
	free(r->offers);
	free(r->signing_place);
	memset(r, 0, sizeof *r);
}

void batch_clear(struct batch *b)
{
	free(b->name);
	free(b->exported);
	person_clear(&b->countersignatory);
	for (int i = 0; i < b->n_positions; i++) {
		free(b->positions[i].lang);
		free(b->positions[i].text);
	}
	free(b->positions);
	memset(b, 0, sizeof *b);
}

static int copy_str(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return src != NULL && *dst == NULL ? -1 : 0;
}

int batch_copy(struct batch *dst, const struct batch *src)
{
	int rc = 0;

	rc |= copy_str(&dst->name, src->name);
	rc |= copy_str(&dst->exported, src->exported);
	rc |= copy_str(&dst->countersignatory.name, src->countersignatory.name);
	rc |= copy_str(&dst->countersignatory.position,
	               src->countersignatory.position);
	dst->has_countersignatory = src->has_countersignatory;
	if (src->n_positions == 0)
		return rc;
	dst->positions = calloc((size_t)src->n_positions, sizeof *dst->positions);
	if (dst->positions == NULL)
		return -1;
	for (int i = 0; i < src->n_positions; i++) {
		struct lang_text *d = &dst->positions[i];
		const struct lang_text *s = &src->positions[i];

		dst->n_positions++;
		rc |= copy_str(&d->lang, s->lang);
		rc |= copy_str(&d->text, s->text);
		d->line = s->line;
	}
	return rc;
}

/* The tagged position whose tag equals the first n bytes of tag. */
static const char *position_exact(const struct batch *b, const char *tag,
                                  size_t n)
{
	for (int i = 0; i < b->n_positions; i++) {
		const char *l = b->positions[i].lang;
		if (l != NULL && strlen(l) == n && strncasecmp(l, tag, n) == 0)
			return b->positions[i].text;
	}
	return NULL;
}

const char *batch_position(const struct batch *b, const char *tag)
{
	size_t n = tag ? strlen(tag) : 0;

	/* RFC 4647 lookup: drop the last subtag, and a singleton left before
	 * it (x in "de-x-foo"), until the tag is empty. */
	while (n > 0) {
		const char *s = position_exact(b, tag, n);
		if (s != NULL)
			return s;
		while (n > 0 && tag[n - 1] != '-')
			n--;
		if (n > 0)
			n--;
		if (n >= 2 && tag[n - 2] == '-')
			n -= 2;
	}
	return b->countersignatory.position;
}
