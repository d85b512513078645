/* progress.c — the progress line on stderr (see progress.h). */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p, long total, int quiet)
{
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->total = total;
	p->records = 0;
	p->documents = 0;
	p->started = now();
	p->last_draw = 0;
	p->drawn = 0;
}

double progress_elapsed(const struct progress *p)
{
	return now() - p->started;
}

static void draw(struct progress *p, double t)
{
	double elapsed = t - p->started;
	double rate = elapsed > 0 ? (double)p->documents / elapsed : 0;
	double rec_rate = elapsed > 0 ? (double)p->records / elapsed : 0;

	fprintf(stderr, "\r\033[K%ld", p->records);
	if (p->total > 0)
		fprintf(stderr, "/%ld", p->total);
	fprintf(stderr, " records, %ld documents, %.0f documents/s",
	        p->documents, rate);
	if (p->total > 0 && rec_rate > 0 && p->records < p->total)
		fprintf(stderr, ", %.0f s left",
		        (double)(p->total - p->records) / rec_rate);
	fflush(stderr);
	p->last_draw = t;
	p->drawn = 1;
}

void progress_step(struct progress *p, int documents)
{
	double t;

	p->records++;
	p->documents += documents;
	if (!p->enabled)
		return;
	t = now();
	if (t - p->last_draw >= 0.25)
		draw(p, t);
}

void progress_clear(struct progress *p)
{
	if (p->enabled && p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->drawn = 0;
	}
}
