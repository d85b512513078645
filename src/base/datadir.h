/* datadir.h — finds the directory holding schema/, forms/, locales/ and
 * fonts/: $PACTDOC_DATADIR, else the source tree the binary was built in
 * or the share/pactdoc beside its bin/, else the compiled-in PREFIX. */
#ifndef PACTDOC_DATADIR_H
#define PACTDOC_DATADIR_H

/* Returns the directory (static storage), or NULL when none is found. */
const char *datadir_find(void);

#endif
