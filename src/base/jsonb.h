/* jsonb.h — building json-c values with every allocation checked.
 * json-c returns NULL when it cannot allocate, and asserts when a NULL
 * object is then used. These helpers take the "failed" flag of the value
 * being built: any failure raises it, NULL objects are never passed on,
 * and the caller checks the flag once before writing the result. */
#ifndef PACTDOC_JSONB_H
#define PACTDOC_JSONB_H

#include <stdint.h>
#include <json-c/json.h>

/* Adds v to object o under key; o and v may be NULL (a failed creation),
 * which raises *failed. On any failure v is released. */
void jb_add(int *failed, json_object *o, const char *key, json_object *v);

/* Adds the string s under key, or JSON null when s is NULL. */
void jb_add_str(int *failed, json_object *o, const char *key, const char *s);

/* Adds the integer v under key. */
void jb_add_int(int *failed, json_object *o, const char *key, int64_t v);

/* Appends v to array a, like jb_add. */
void jb_push(int *failed, json_object *a, json_object *v);

/* A new object or array; NULL raises *failed. */
json_object *jb_object(int *failed);
json_object *jb_array(int *failed);

/* The text of o with the given json-c flags, owned by o; NULL (and *failed
 * raised) when o is NULL or memory ran out, even where json-c itself does
 * not notice (errno ENOMEM after it). */
const char *jb_text(int *failed, json_object *o, int flags);

#endif
