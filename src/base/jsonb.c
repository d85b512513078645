/* jsonb.c — checked json-c construction (see jsonb.h). */
#include "jsonb.h"

#include <errno.h>

#include "oom.h"

static void fail(int *failed)
{
	*failed = 1;
	oom_note();
}

void jb_add(int *failed, json_object *o, const char *key, json_object *v)
{
	if (o == NULL || v == NULL || json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		fail(failed);
	}
}

void jb_add_str(int *failed, json_object *o, const char *key, const char *s)
{
	json_object *v = NULL;

	if (s != NULL) {
		v = json_object_new_string(s);
		if (v == NULL) {
			fail(failed);
			return;
		}
	}
	if (o == NULL || json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		fail(failed);
	}
}

void jb_add_int(int *failed, json_object *o, const char *key, int64_t v)
{
	jb_add(failed, o, key, json_object_new_int64(v));
}

void jb_push(int *failed, json_object *a, json_object *v)
{
	if (a == NULL || v == NULL || json_object_array_add(a, v) != 0) {
		json_object_put(v);
		fail(failed);
	}
}

json_object *jb_object(int *failed)
{
	json_object *o = json_object_new_object();

	if (o == NULL)
		fail(failed);
	return o;
}

json_object *jb_array(int *failed)
{
	json_object *a = json_object_new_array();

	if (a == NULL)
		fail(failed);
	return a;
}

const char *jb_text(int *failed, json_object *o, int flags)
{
	const char *s;

	/* json-c's serialisers ignore a failed append (a string comes out
	 * as ""), so a failure is seen only in errno. */
	errno = 0;
	s = o ? json_object_to_json_string_ext(o, flags) : NULL;
	if (s == NULL || errno == ENOMEM) {
		fail(failed);
		return NULL;
	}
	return s;
}
