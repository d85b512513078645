/* pipeline.h — runs jobs on worker threads and hands them back to the
 * main thread in the order they were pushed, so that output (stdout, the
 * run report) is the same whatever the number of threads. At most
 * `depth` jobs are in flight: memory stays flat on any input size. */
#ifndef PACTDOC_PIPELINE_H
#define PACTDOC_PIPELINE_H

#include "err.h"

struct pipeline;

/* work() runs on a worker thread; finish() runs on the pushing thread, in
 * push order, and owns the job afterwards. */
struct pipeline_ops {
	void *ctx;
	void (*work)(void *ctx, void *job);
	void (*finish)(void *ctx, void *job);
};

/* Starts `threads` workers (threads >= 1) with big stacks (libharu keeps
 * 128 KiB arrays on the stack). NULL with e set on failure. */
struct pipeline *pipeline_start(int threads, const struct pipeline_ops *ops,
                                struct err *e);

/* Queues a job; finishes completed jobs at the head first, and waits for
 * the oldest one when `depth` jobs are in flight. */
void pipeline_push(struct pipeline *p, void *job);

/* Runs fn(arg, 0) .. fn(arg, n - 1), the parts of one job, and returns
 * when all have returned: on the calling thread and, at the same time,
 * on any worker that has no job of its own to run (at the start and the
 * end of a run, or with a single job). With every worker busy it costs
 * nothing: the caller runs them one after the other. Called from work()
 * (or any thread) while p runs; p NULL: runs them in order here. */
void pipeline_parallel(struct pipeline *p, int n, void (*fn)(void *arg, int i),
                       void *arg);

/* Waits for every job, finishes them in order, stops the workers and
 * frees p. */
void pipeline_finish(struct pipeline *p);

#endif
