/* pipeline.c — ordered worker pool (see pipeline.h): a ring of job slots;
 * workers take slots in order, the main thread retires them in order. A
 * worker may also post a set of tasks of its job (pipeline_parallel),
 * which idle workers help with before they take the next slot. */
#include "pipeline.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define STACK_SIZE (4u << 20)

struct slot {
	void *job;
	int done;
};

/* Tasks 0..n-1 of one pipeline_parallel call. */
struct task_set {
	void (*fn)(void *arg, int i);
	void *arg;
	int n;
	int next;                   /* next task to claim */
	int running;                /* claimed by helpers, not finished */
	struct task_set *link;      /* next set with tasks left */
};

struct pipeline {
	struct pipeline_ops ops;
	pthread_mutex_t lock;
	pthread_cond_t work_ready;   /* a slot was pushed, or stopping */
	pthread_cond_t job_done;     /* a worker finished a slot */
	pthread_cond_t task_done;    /* a helper finished a task */
	struct task_set *tasks;      /* sets with tasks left to claim */
	struct slot *ring;
	unsigned depth;
	unsigned head;      /* oldest slot not yet retired */
	unsigned next;      /* next slot a worker takes */
	unsigned tail;      /* next free slot */
	int stopping;
	pthread_t *threads;
	int n_threads;
};

/* Claims the next task of the first set; called with the lock held.
 * Returns the task's index and sets *set, or -1 when none is left. */
static int claim_task(struct pipeline *p, struct task_set **set)
{
	struct task_set *t = p->tasks;
	int i;

	if (t == NULL)
		return -1;
	i = t->next++;
	if (t->next == t->n)
		p->tasks = t->link;         /* every task claimed */
	*set = t;
	return i;
}

/* Runs one task of another worker's set, if any; called with the lock
 * held, which it drops while the task runs. Returns 1 when it ran one. */
static int help(struct pipeline *p)
{
	struct task_set *t;
	int i = claim_task(p, &t);

	if (i < 0)
		return 0;
	t->running++;
	pthread_mutex_unlock(&p->lock);
	t->fn(t->arg, i);
	pthread_mutex_lock(&p->lock);
	t->running--;
	pthread_cond_broadcast(&p->task_done);
	return 1;
}

static void *worker_main(void *arg)
{
	struct pipeline *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->next == p->tail && !p->stopping && p->tasks == NULL)
			pthread_cond_wait(&p->work_ready, &p->lock);
		if (help(p))
			continue;               /* a job in flight comes first */
		if (p->next == p->tail)
			break;
		struct slot *s = &p->ring[p->next % p->depth];
		p->next++;
		pthread_mutex_unlock(&p->lock);
		p->ops.work(p->ops.ctx, s->job);
		pthread_mutex_lock(&p->lock);
		s->done = 1;
		pthread_cond_broadcast(&p->job_done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct pipeline *pipeline_start(int threads, const struct pipeline_ops *ops,
                                struct err *e)
{
	struct pipeline *p = calloc(1, sizeof *p);
	pthread_attr_t attr;
	int rc = 0;

	if (p == NULL)
		goto oom;
	p->ops = *ops;
	p->depth = (unsigned)threads * 4;
	p->ring = calloc(p->depth, sizeof *p->ring);
	p->threads = calloc((size_t)threads, sizeof *p->threads);
	if (p->ring == NULL || p->threads == NULL)
		goto oom;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work_ready, NULL);
	pthread_cond_init(&p->job_done, NULL);
	pthread_cond_init(&p->task_done, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	for (int i = 0; i < threads; i++) {
		rc = pthread_create(&p->threads[i], &attr, worker_main, p);
		if (rc != 0)
			break;
		p->n_threads++;
	}
	pthread_attr_destroy(&attr);
	if (p->n_threads == 0) {
		/* EAGAIN: no memory for the thread, or the thread limit. */
		err_set(e, "cannot start worker threads: %s", rc == EAGAIN ||
		        rc == ENOMEM ? "out of memory (or of threads)" :
		        strerror(rc));
		pipeline_finish(p);
		return NULL;
	}
	return p;
oom:
	if (p != NULL) {
		free(p->ring);
		free(p->threads);
		free(p);
	}
	err_set(e, "out of memory");
	return NULL;
}

/* Retires finished jobs at the head; with `wait`, waits for the head job.
 * Called with the lock held; finish() runs without it. */
static void retire(struct pipeline *p, int wait)
{
	while (p->head != p->tail) {
		struct slot *s = &p->ring[p->head % p->depth];
		if (!s->done) {
			if (!wait)
				return;
			pthread_cond_wait(&p->job_done, &p->lock);
			continue;
		}
		void *job = s->job;
		s->job = NULL;
		s->done = 0;
		p->head++;
		pthread_mutex_unlock(&p->lock);
		p->ops.finish(p->ops.ctx, job);
		pthread_mutex_lock(&p->lock);
		wait = 0;
	}
}

void pipeline_push(struct pipeline *p, void *job)
{
	pthread_mutex_lock(&p->lock);
	retire(p, 0);
	while (p->tail - p->head == p->depth)
		retire(p, 1);
	p->ring[p->tail % p->depth].job = job;
	p->ring[p->tail % p->depth].done = 0;
	p->tail++;
	pthread_cond_signal(&p->work_ready);
	pthread_mutex_unlock(&p->lock);
}

void pipeline_finish(struct pipeline *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	while (p->head != p->tail)
		retire(p, 1);
	p->stopping = 1;
	pthread_cond_broadcast(&p->work_ready);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->n_threads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work_ready);
	pthread_cond_destroy(&p->job_done);
	pthread_cond_destroy(&p->task_done);
	free(p->ring);
	free(p->threads);
	free(p);
}

void pipeline_parallel(struct pipeline *p, int n, void (*fn)(void *arg, int i),
                       void *arg)
{
	struct task_set t = { fn, arg, n, 0, 0, NULL };
	struct task_set **end;
	int i;

	if (p == NULL || n < 2) {
		for (i = 0; i < n; i++)
			fn(arg, i);
		return;
	}
	pthread_mutex_lock(&p->lock);
	for (end = &p->tasks; *end != NULL; end = &(*end)->link)
		;
	*end = &t;
	pthread_cond_broadcast(&p->work_ready);
	/* The caller claims tasks too: with no idle worker it runs them all. */
	while (t.next < t.n) {
		struct task_set **at = &p->tasks;
		i = t.next++;
		if (t.next == t.n) {
			while (*at != &t)
				at = &(*at)->link;
			*at = t.link;
		}
		pthread_mutex_unlock(&p->lock);
		fn(arg, i);
		pthread_mutex_lock(&p->lock);
	}
	while (t.running > 0)
		pthread_cond_wait(&p->task_done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}
