/* rules.c — contract rules beyond the schema (see rules.h). */
#include "rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/uloc.h>

#include "array.h"
#include "dates.h"
#include "text.h"

static const char *const coordinator_categories[] = {
	"province", "region", "metropolitan-area", "local-authority-grouping",
	"national-authority", "energy-agency", NULL
};
static const char *const supporter_categories[] = {
	"network", "association", NULL
};
static const char *const partner_categories[] = {
	"financial-institution", "industry-association", "ngo-civil-society",
	"other", NULL
};

static const char *const *categories_for(enum role role)
{
	switch (role) {
	case ROLE_COORDINATOR:
	case ROLE_NATIONAL_COORDINATOR:
		return coordinator_categories;
	case ROLE_SUPPORTER:
		return supporter_categories;
	case ROLE_ASSOCIATED_PARTNER:
		return partner_categories;
	default:
		return NULL;
	}
}

int rules_category_ok(enum role role, const char *category)
{
	const char *const *list = categories_for(role);

	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, category) == 0)
			return 1;
	return 0;
}

int rules_lang_ok(const char *tag)
{
	UErrorCode status = U_ZERO_ERROR;
	char locale[ULOC_FULLNAME_CAPACITY];
	int32_t parsed = 0;
	size_t len = strlen(tag);

	if (len == 0 || len > RULES_LANG_MAX)
		return 0;
	uloc_forLanguageTag(tag, locale, sizeof locale, &parsed, &status);
	return U_SUCCESS(status) && (size_t)parsed == len;
}

int rules_country_ok(const char *cc)
{
	const char *const *codes = uloc_getISOCountries();

	if (strlen(cc) != 2)
		return 0;
	for (; *codes != NULL; codes++)
		if (strcmp(*codes, cc) == 0)
			return 1;
	return 0;
}

static void check_categories(const struct record *r, struct diag_list *out)
{
	const char *const *list = categories_for(r->role);
	char allowed[256] = "";

	if (r->org_category == NULL || r->role == ROLE_NONE ||
	    rules_category_ok(r->role, r->org_category))
		return;
	for (; *list != NULL; list++) {
		strcat(allowed, allowed[0] ? ", " : "");
		strcat(allowed, *list);
	}
	diag_add(out, r->file, r->line, r->col, RULE_CATEGORY,
	         "record %s: category '%s' is not allowed for role %s "
	         "(allowed: %s)", r->id, r->org_category, role_name(r->role),
	         allowed);
}

static void check_eligibility(const struct record *r, struct diag_list *out)
{
	char iso[11];

	if (r->status == STATUS_ELIGIBLE && r->eligibility_confirmed == NULL)
		diag_add(out, r->file, r->line, r->col, RULE_ELIGIBILITY_REQUIRED,
		         "record %s: status is eligible but there is no "
		         "<eligibility confirmed=... reference=...>", r->id);
	if (r->eligibility_confirmed != NULL &&
	    dates_parse_iso(r->eligibility_confirmed, iso) != 0)
		diag_add(out, r->file, r->line, r->col, RULE_DATE,
		         "record %s: eligibility confirmed '%s' is not a real "
		         "date (YYYY-MM-DD)", r->id, r->eligibility_confirmed);
}

static void check_codes(const struct record *r, struct diag_list *out)
{
	if (r->lang != NULL && strlen(r->lang) > RULES_LANG_MAX)
		diag_add(out, r->file, r->line, r->col, RULE_LANG,
		         "record %s: lang has %zu characters; a language tag "
		         "may have at most %d", r->id, strlen(r->lang),
		         RULES_LANG_MAX);
	else if (r->lang != NULL && !rules_lang_ok(r->lang))
		diag_add(out, r->file, r->line, r->col, RULE_LANG,
		         "record %s: lang '%s' is not a well-formed BCP 47 tag",
		         r->id, r->lang);
	if (r->org_country != NULL && !rules_country_ok(r->org_country))
		diag_add(out, r->file, r->line, r->col, RULE_COUNTRY,
		         "record %s: country '%s' is not an assigned ISO 3166-1 "
		         "alpha-2 code", r->id, r->org_country);
}

static void check_support(const struct record *r, struct diag_list *out)
{
	if (r->n_offers > 0 && r->role == ROLE_ASSOCIATED_PARTNER)
		diag_add(out, r->file, r->line, r->col, RULE_SUPPORT_ROLE,
		         "record %s: support offers are made by coordinators "
		         "and supporters; they are not printed for an "
		         "associated partner", r->id);
}

/* Characters (code points) of UTF-8 text. */
static size_t count_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* One offer's length is the schema's (maxLength); the number of offers
 * and their length together are bounded here, so one document stays a
 * bounded number of pages and of memory. */
static void check_offers_total(const struct record *r, struct diag_list *out)
{
	size_t total = 0;

	if (r->n_offers > RULES_OFFERS_MAX)
		diag_add(out, r->file, r->line, r->col, RULE_OFFERS_COUNT,
		         "record %s: it has %d support offers; a record may "
		         "have at most %d", r->id, r->n_offers, RULES_OFFERS_MAX);
	for (int i = 0; i < r->n_offers; i++)
		total += count_chars(r->offers[i].text);
	if (total > RULES_OFFERS_MAX_CHARS)
		diag_add(out, r->file, r->line, r->col, RULE_OFFERS_TOTAL,
		         "record %s: its support offers have %zu characters "
		         "together; a record's offers may have at most %d",
		         r->id, total, RULES_OFFERS_MAX_CHARS);
}

void rules_check_record(const struct record *r, struct diag_list *out)
{
	check_codes(r, out);
	check_categories(r, out);
	check_eligibility(r, out);
	check_support(r, out);
	check_offers_total(r, out);
}

/* --- glyphs: every character a document prints can be drawn ----------- */

/* Reports field `name` when text holds a character that neither the
 * regular nor the bold face can draw. */
static void check_glyph(const struct fontset *fs, const struct record *r,
                        const char *name, const char *text,
                        struct diag_list *out)
{
	uint32_t cp;

	if (text == NULL)
		return;
	cp = fontset_missing(fs, FACE_REGULAR, text);
	if (cp == 0)
		cp = fontset_missing(fs, FACE_BOLD, text);
	if (cp != 0)
		diag_add(out, r->file, r->line, r->col, RULE_GLYPH,
		         "record %s: %s has U+%04X, which no shipped font can "
		         "draw", r->id, name, (unsigned)cp);
}

void rules_check_glyphs(const struct fontset *fs, const struct record *r,
                        const struct batch *b, struct diag_list *out)
{
	check_glyph(fs, r, "organisation/name", r->org_name, out);
	check_glyph(fs, r, "organisation/acronym", r->org_acronym, out);
	for (int i = 0; i < r->n_address; i++)
		check_glyph(fs, r, "organisation/address/line", r->address[i],
		            out);
	check_glyph(fs, r, "organisation/address/postcode", r->postcode, out);
	check_glyph(fs, r, "organisation/address/city", r->city, out);
	check_glyph(fs, r, "organisation/website", r->website, out);
	check_glyph(fs, r, "signatory/name", r->signatory.name, out);
	check_glyph(fs, r, "signatory/position", r->signatory.position, out);
	check_glyph(fs, r, "signatory/email", r->signatory.email, out);
	check_glyph(fs, r, "contact/name", r->contact.name, out);
	check_glyph(fs, r, "contact/email", r->contact.email, out);
	check_glyph(fs, r, "contact/phone", r->contact.phone, out);
	check_glyph(fs, r, "eligibility/reference", r->eligibility_reference,
	            out);
	check_glyph(fs, r, "signing/place", r->signing_place, out);
	for (int i = 0; i < r->n_offers; i++)
		check_glyph(fs, r, "support/offer", r->offers[i].text, out);
	if (b == NULL)
		return;
	check_glyph(fs, r, "countersignatory/name", b->countersignatory.name,
	            out);
	check_glyph(fs, r, "countersignatory/position",
	            b->countersignatory.position, out);
	for (int i = 0; i < b->n_positions; i++)
		check_glyph(fs, r, "countersignatory/position",
		            b->positions[i].text, out);
}

/* --- the countersignatory ------------------------------------------- */

void rules_check_countersignatory(const struct batch *b, const char *file,
                                  int line, struct diag_list *out)
{
	const struct lang_text *first_default = NULL;
	int tagged = 0;

	if (b->countersignatory.name == NULL)
		diag_add(out, file, line, 1, RULE_COUNTERSIGNATORY,
		         "countersignatory needs a <name>");
	if (b->n_positions == 0)
		diag_add(out, file, line, 1, RULE_COUNTERSIGNATORY,
		         "countersignatory needs a <position>");
	for (int i = 0; i < b->n_positions; i++) {
		const struct lang_text *p = &b->positions[i];

		if (p->lang == NULL) {
			if (first_default != NULL)
				diag_add(out, file, p->line, 1, RULE_POSITION_LANG,
				         "countersignatory has a "
				         "second <position> without xml:lang (the "
				         "first is on line %d)", first_default->line);
			else
				first_default = p;
			continue;
		}
		tagged++;
		if (!rules_lang_ok(p->lang))
			diag_add(out, file, p->line, 1, RULE_LANG,
			         "countersignatory position: xml:lang '%s' is not "
			         "a well-formed BCP 47 tag", p->lang);
		for (int j = 0; j < i; j++)
			if (b->positions[j].lang != NULL &&
			    strcasecmp(b->positions[j].lang, p->lang) == 0) {
				diag_add(out, file, p->line, 1, RULE_POSITION_LANG,
				         "countersignatory has a "
				         "second <position> with xml:lang '%s' (the "
				         "first is on line %d)", p->lang,
				         b->positions[j].line);
				break;
			}
	}
	if (tagged > 0 && first_default == NULL)
		diag_add(out, file, line, 1, RULE_POSITION_LANG,
		         "countersignatory gives positions only with xml:lang; "
		         "add one <position> without xml:lang, printed in "
		         "documents of every other language");
}

/* --- the run's id set: open addressing, FNV-1a -----------------------
 * Held for the whole run, so it is kept small (about 35 bytes an id):
 * each id is packed with its line and file index into one growing
 * arena, the hash table holds 4-byte arena offsets at a load of at most
 * 3/4, and a file name is stored once for its run of ids. */

#define IDSET_EMPTY UINT32_MAX

/* An id in the arena: line, file index, then the id and its NUL. */
struct id_head {
	uint32_t line;
	uint32_t file;
};

struct idset {
	uint32_t *slots;         /* arena offsets; IDSET_EMPTY: empty */
	size_t cap;              /* power of two */
	size_t n;
	char *arena;
	size_t used, size;
	char **files;            /* distinct consecutive file names */
	size_t n_files, cap_files;
};

static uint64_t hash_string(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static uint32_t *new_slots(size_t cap)
{
	uint32_t *slots = malloc(cap * sizeof *slots);

	if (slots != NULL)
		memset(slots, 0xff, cap * sizeof *slots);   /* IDSET_EMPTY */
	return slots;
}

struct idset *idset_new(void)
{
	struct idset *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->cap = 1024;
	if ((s->slots = new_slots(s->cap)) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void idset_free(struct idset *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_files; i++)
		free(s->files[i]);
	free(s->files);
	free(s->arena);
	free(s->slots);
	free(s);
}

static const char *id_at(const struct idset *s, uint32_t off)
{
	return s->arena + off + sizeof(struct id_head);
}

static uint32_t *idset_find_slot(const struct idset *s, uint32_t *slots,
                                 size_t cap, const char *id)
{
	size_t i = (size_t)hash_string(id) & (cap - 1);

	while (slots[i] != IDSET_EMPTY && strcmp(id_at(s, slots[i]), id) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int idset_grow(struct idset *s)
{
	size_t cap = s->cap * 2;
	uint32_t *slots = new_slots(cap);

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i] != IDSET_EMPTY)
			*idset_find_slot(s, slots, cap, id_at(s, s->slots[i])) =
				s->slots[i];
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

/* Appends line, file and id to the arena. Returns its offset, or
 * IDSET_EMPTY when out of memory or past 4 GiB. */
static uint32_t idset_keep(struct idset *s, const char *id, uint32_t file,
                           uint32_t line)
{
	struct id_head h = { line, file };
	size_t len = strlen(id) + 1, need = sizeof h + len;
	uint32_t off;
	char *arena;

	if (s->used + need >= IDSET_EMPTY)
		return IDSET_EMPTY;
	if ((arena = array_reserve(s->arena, 1, s->used, need, &s->size)) == NULL)
		return IDSET_EMPTY;
	s->arena = arena;
	off = (uint32_t)s->used;
	memcpy(s->arena + off, &h, sizeof h);
	memcpy(s->arena + off + sizeof h, id, len);
	s->used += need;
	return off;
}

/* The index of file in s->files (the last one, or a new one); -1 when
 * out of memory. */
static long idset_file(struct idset *s, const char *file)
{
	char **files;

	if (s->n_files > 0 && strcmp(s->files[s->n_files - 1], file) == 0)
		return (long)s->n_files - 1;
	if (s->n_files == UINT32_MAX)
		return -1;
	files = array_reserve(s->files, sizeof *files, s->n_files, 1,
	                      &s->cap_files);
	if (files == NULL)
		return -1;
	s->files = files;
	if ((s->files[s->n_files] = strdup(file)) == NULL)
		return -1;
	return (long)s->n_files++;
}

int idset_add(struct idset *s, const char *id, const char *file, int line,
              const char **first_file, int *first_line)
{
	uint32_t *slot, off;
	struct id_head h;
	long f;

	if ((s->n + 1) * 4 > s->cap * 3 && idset_grow(s) != 0)
		return -1;
	slot = idset_find_slot(s, s->slots, s->cap, id);
	if (*slot != IDSET_EMPTY) {
		memcpy(&h, s->arena + *slot, sizeof h);
		*first_file = s->files[h.file];
		*first_line = (int)h.line;
		return 0;
	}
	if ((f = idset_file(s, file)) < 0)
		return -1;
	off = idset_keep(s, id, (uint32_t)f, line > 0 ? (uint32_t)line : 0);
	if (off == IDSET_EMPTY)
		return -1;
	*slot = off;
	s->n++;
	return 1;
}
