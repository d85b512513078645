/* pipeline.c — ordered worker pool (see pipeline.h): a ring of job slots;
 * workers take slots in order, the main thread retires them in order. */
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

struct pipeline {
	struct pipeline_ops ops;
	pthread_mutex_t lock;
	pthread_cond_t work_ready;   /* a slot was pushed, or stopping */
	pthread_cond_t job_done;     /* a worker finished a slot */
	struct slot *ring;
	unsigned depth;
	unsigned head;      /* oldest slot not yet retired */
	unsigned next;      /* next slot a worker takes */
	unsigned tail;      /* next free slot */
	int stopping;
	pthread_t *threads;
	int n_threads;
};

static void *worker_main(void *arg)
{
	struct pipeline *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->next == p->tail && !p->stopping)
			pthread_cond_wait(&p->work_ready, &p->lock);
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
	free(p->ring);
	free(p->threads);
	free(p);
}
