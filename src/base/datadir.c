/* datadir.c — locating pactdoc's data files (see datadir.h). */
#include "datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char found[PATH_MAX];

static int has_data(const char *dir)
{
	char probe[PATH_MAX + 32];

	snprintf(probe, sizeof probe, "%s/schema/records.xsd", dir);
	return access(probe, R_OK) == 0;
}

/* Walks up from the executable's directory looking for the source tree
 * (build/pactdoc, build/asan/pactdoc) or an installed one
 * (PREFIX/bin/pactdoc with PREFIX/share/pactdoc), so that an installed
 * tree can be moved. */
static const char *from_executable(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');
		if (slash == NULL || slash == exe)
			return NULL;
		*slash = '\0';
		if (has_data(exe)) {
			snprintf(found, sizeof found, "%s", exe);
			return found;
		}
		/* An installed tree: PREFIX/bin/pactdoc, PREFIX/share/pactdoc. */
		if (strlen(exe) + sizeof "/share/pactdoc" <= sizeof found) {
			strcpy(found, exe);
			strcat(found, "/share/pactdoc");
			if (has_data(found))
				return found;
		}
	}
	return NULL;
}

const char *datadir_find(void)
{
	const char *env = getenv("PACTDOC_DATADIR");
	const char *dir;

	if (env != NULL && *env != '\0')
		return has_data(env) ? env : NULL;
	dir = from_executable();
	if (dir != NULL)
		return dir;
	return has_data(PACTDOC_DATADIR) ? PACTDOC_DATADIR : NULL;
}
