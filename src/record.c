/* record.c — names of roles and statuses, and freeing the record model. */
#include "record.h"

#include <stdlib.h>
#include <string.h>

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
	memset(b, 0, sizeof *b);
}
