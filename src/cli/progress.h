/* progress.h — progress of a long run on stderr: records and documents
 * done, rate and time left, redrawn at most 4 times a second on one line.
 * Silent when stderr is not a terminal or with --quiet. Main thread only. */
#ifndef PACTDOC_PROGRESS_H
#define PACTDOC_PROGRESS_H

struct progress {
	int enabled;
	long total;          /* records expected, 0 if unknown */
	long records;
	long documents;
	double started;      /* monotonic seconds */
	double last_draw;
	int drawn;           /* something is on the line */
};

/* Starts; enabled only if stderr is a terminal and !quiet. */
void progress_start(struct progress *p, long total, int quiet);

/* Records that one more record is done with `documents` documents. */
void progress_step(struct progress *p, int documents);

/* Clears the progress line (before other output on stderr, and at end). */
void progress_clear(struct progress *p);

/* Seconds since progress_start. */
double progress_elapsed(const struct progress *p);

#endif
