/* nocache.c — the one reading of PACTDOC_NO_CACHE (see nocache.h). */
#include "nocache.h"

#include <stdlib.h>
#include <string.h>

int caches_turned_off(void)
{
	const char *env = getenv("PACTDOC_NO_CACHE");

	return env != NULL && env[0] != '\0' && strcmp(env, "0") != 0;
}
