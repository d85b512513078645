/* test_core.c — diagnostics, dates, language tags and the ordered
 * pipeline. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <pthread.h>
#include <time.h>

#include "dates.h"
#include "diag.h"
#include "langtag.h"
#include "pipeline.h"

static void printable_escapes_controls(void **state)
{
	char buf[64];
	(void)state;
	assert_string_equal(diag_printable("a\x1b[31mb", buf, sizeof buf),
	                    "aU+001B[31mb");
	assert_string_equal(diag_printable("x\xFFy", buf, sizeof buf), "x\\xFFy");
	assert_string_equal(diag_printable("Jānis", buf, sizeof buf), "Jānis");
	assert_string_equal(diag_printable("\xE2\x80\xAE" "evil", buf, sizeof buf),
	                    "U+202Eevil");
}

static void diag_list_counts_errors(void **state)
{
	struct diag_list l = { 0 };
	(void)state;
	diag_add(&l, "f.xml", 5, 1, RULE_SUPPORT_ROLE, "ignored");
	/* Warnings only: exit 0. */
	assert_int_equal(diag_exit_status(&l), 0);
	diag_add(&l, "f.xml", 3, 4, RULE_ID, "bad id %s", "x/y");
	assert_int_equal(l.n, 2);
	assert_int_equal(l.errors, 1);
	assert_string_equal(l.items[1].message, "bad id x/y");
	/* Severity and name come from the catalogue. */
	assert_int_equal(l.items[0].severity, SEV_WARNING);
	assert_string_equal(l.items[0].rule, "support-role");
	assert_int_equal(l.items[1].severity, SEV_ERROR);
	assert_string_equal(l.items[1].rule, "id");
	assert_int_equal(diag_exit_status(&l), 1);
	/* A missing input is a failure: exit 2, still printed as "error". */
	diag_add(&l, "nothere.xml", 0, 0, RULE_INPUT, "No such file");
	assert_int_equal(l.errors, 2);
	assert_int_equal(diag_exit_status(&l), 2);
	assert_string_equal(severity_name(l.items[2].severity), "error");
	diag_list_clear(&l);
}

static void iso_dates(void **state)
{
	char d[11];
	(void)state;
	assert_int_equal(dates_parse_iso("2026-11-20", d), 0);
	assert_int_equal(dates_parse_iso("2024-02-29", d), 0);
	assert_int_equal(dates_parse_iso("2026-02-30", d), -1);
	assert_int_equal(dates_parse_iso("2026-13-01", d), -1);
	assert_int_equal(dates_parse_iso("2026-1-01", d), -1);
	assert_int_equal(dates_epoch("1970-01-02"), 86400);
}

/* dates_split is the one date parser (pdf.c, zipw.c, reader.c use it). */
static void dates_split_is_strict(void **state)
{
	int y, m, d;
	(void)state;
	assert_int_equal(dates_split("2024-02-29", &y, &m, &d), 0);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	assert_int_equal(dates_split("2023-02-29", &y, &m, &d), -1);
	assert_int_equal(dates_split("2026-04-31", &y, &m, &d), -1);
	assert_int_equal(dates_split("0000-01-01", &y, &m, &d), -1);
	assert_int_equal(dates_split("2026-+1-01", &y, &m, &d), -1);
	assert_int_equal(dates_split("2026-01- 1", &y, &m, &d), -1);
	assert_int_equal(dates_split("2026/01/01", &y, &m, &d), -1);
	assert_int_equal(dates_split("2026-01-011", &y, &m, &d), -1);
	assert_int_equal(dates_split(NULL, &y, &m, &d), -1);
}

/* langtag_icu_locale is the one BCP 47 -> ICU conversion. */
static void langtags_to_icu_locales(void **state)
{
	char buf[64], tiny[4];
	(void)state;
	assert_int_equal(langtag_icu_locale("lv", buf, sizeof buf), 0);
	assert_string_equal(buf, "lv");
	assert_int_equal(langtag_icu_locale("sr-Latn-RS", buf, sizeof buf), 0);
	assert_string_equal(buf, "sr_Latn_RS");
	/* An extension is a keyword, not a fourth subtag. */
	assert_int_equal(langtag_icu_locale("en-US-u-nu-arab", buf,
	                                    sizeof buf), 0);
	assert_string_equal(buf, "en_US@numbers=arab");
	assert_int_equal(langtag_icu_locale(NULL, buf, sizeof buf), 0);
	assert_string_equal(buf, "en");
	/* Too long for the buffer: "en", never a cut tag. */
	assert_int_equal(langtag_icu_locale("sr-Latn-RS", tiny, sizeof tiny), -1);
	assert_string_equal(tiny, "en");
	assert_int_equal(langtag_icu_locale("", buf, sizeof buf), -1);
	assert_string_equal(buf, "en");
}

static void long_dates_in_languages(void **state)
{
	char buf[128];
	(void)state;
	assert_int_equal(dates_format_long("en", "2026-11-20", buf, sizeof buf), 0);
	assert_string_equal(buf, "November 20, 2026");
	assert_int_equal(dates_format_long("lv", "2026-11-20", buf, sizeof buf), 0);
	assert_non_null(strstr(buf, "novembr"));
	assert_int_equal(dates_format_long("sv", "2026-11-20", buf, sizeof buf), 0);
	assert_string_equal(buf, "20 november 2026");
	assert_int_equal(dates_format_long("bg", "2026-11-20", buf, sizeof buf), 0);
	assert_non_null(strstr(buf, "ноември"));
	/* ky: genitive year and possessive month, not CLDR's "2026-ж., 17-ноябрь" */
	assert_int_equal(dates_format_long("ky", "2026-11-17", buf, sizeof buf), 0);
	assert_string_equal(buf, "2026-жылдын 17-ноябры");
	assert_int_equal(dates_format_long("ky-KG", "2026-06-01", buf, sizeof buf), 0);
	assert_string_equal(buf, "2026-жылдын 1-июну");
	assert_int_equal(dates_format_long("ky", "2026-11-17", buf, 10), -1);
	assert_int_equal(dates_format_long("ky", "2026-02-30", buf, sizeof buf), -1);
}

struct order_ctx {
	int finished[200];
	int n;
};

static void square(void *ctx, void *job)
{
	(void)ctx;
	int *v = job;
	for (volatile int i = 0; i < (*v % 7) * 10000; i++)
		;
	*v = *v * 2;
}

static void collect(void *ctx, void *job)
{
	struct order_ctx *c = ctx;
	c->finished[c->n++] = *(int *)job;
}

static void pipeline_keeps_order(void **state)
{
	struct order_ctx c = { { 0 }, 0 };
	struct pipeline_ops ops = { &c, square, collect };
	int values[200];
	struct err e;
	struct pipeline *p = pipeline_start(4, &ops, &e);
	(void)state;
	assert_non_null(p);
	for (int i = 0; i < 200; i++) {
		values[i] = i;
		pipeline_push(p, &values[i]);
	}
	pipeline_finish(p);
	assert_int_equal(c.n, 200);
	for (int i = 0; i < 200; i++)
		assert_int_equal(c.finished[i], 2 * i);
}

/* pipeline_parallel: tasks of one job that wait for each other. */
struct meet {
	struct pipeline *p;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int arrived;
	int met;            /* both tasks were running at the same time */
	int tasks_run;
	int n_tasks;
};

/* Waits (at most 10 s) until the other task has started too. */
static void meet_task(void *arg, int i)
{
	struct meet *m = arg;
	struct timespec until;

	(void)i;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&m->lock);
	m->arrived++;
	m->tasks_run++;
	pthread_cond_broadcast(&m->cond);
	while (m->arrived < 2 &&
	       pthread_cond_timedwait(&m->cond, &m->lock, &until) == 0)
		;
	if (m->arrived >= 2)
		m->met = 1;
	pthread_mutex_unlock(&m->lock);
}

static void count_task(void *arg, int i)
{
	struct meet *m = arg;

	(void)i;
	pthread_mutex_lock(&m->lock);
	m->tasks_run++;
	pthread_mutex_unlock(&m->lock);
}

static void parallel_job(void *ctx, void *job)
{
	struct meet *m = ctx;

	(void)job;
	pipeline_parallel(m->p, m->n_tasks,
	                  m->n_tasks == 2 ? meet_task : count_task, m);
}

static void no_finish(void *ctx, void *job)
{
	(void)ctx;
	(void)job;
}

/* An idle worker helps with the tasks of the one job in flight: two tasks
 * that each wait for the other both finish (a one-after-the-other run
 * would time out). */
static void pipeline_idle_workers_help(void **state)
{
	struct meet m = { .n_tasks = 2 };
	struct pipeline_ops ops = { &m, parallel_job, no_finish };
	struct err e;
	int job = 0;

	(void)state;
	pthread_mutex_init(&m.lock, NULL);
	pthread_cond_init(&m.cond, NULL);
	m.p = pipeline_start(2, &ops, &e);
	assert_non_null(m.p);
	pipeline_push(m.p, &job);
	pipeline_finish(m.p);
	assert_int_equal(m.tasks_run, 2);
	assert_true(m.met);
	pthread_mutex_destroy(&m.lock);
	pthread_cond_destroy(&m.cond);
}

/* With one worker (no one to help) every task still runs, on the caller. */
static void pipeline_parallel_alone(void **state)
{
	struct meet m = { .n_tasks = 5 };
	struct pipeline_ops ops = { &m, parallel_job, no_finish };
	struct err e;
	int jobs[30] = { 0 };

	(void)state;
	pthread_mutex_init(&m.lock, NULL);
	pthread_cond_init(&m.cond, NULL);
	m.p = pipeline_start(1, &ops, &e);
	assert_non_null(m.p);
	for (int i = 0; i < 30; i++)
		pipeline_push(m.p, &jobs[i]);
	pipeline_finish(m.p);
	assert_int_equal(m.tasks_run, 150);
	pipeline_parallel(NULL, 3, count_task, &m);
	assert_int_equal(m.tasks_run, 153);
	pthread_mutex_destroy(&m.lock);
	pthread_cond_destroy(&m.cond);
}

/* Many jobs posting tasks at once on 3 workers: every task runs once. */
static void pipeline_parallel_busy(void **state)
{
	struct meet m = { .n_tasks = 3 };
	struct pipeline_ops ops = { &m, parallel_job, no_finish };
	struct err e;
	int jobs[200] = { 0 };

	(void)state;
	pthread_mutex_init(&m.lock, NULL);
	pthread_cond_init(&m.cond, NULL);
	m.p = pipeline_start(3, &ops, &e);
	assert_non_null(m.p);
	for (int i = 0; i < 200; i++)
		pipeline_push(m.p, &jobs[i]);
	pipeline_finish(m.p);
	assert_int_equal(m.tasks_run, 600);
	pthread_mutex_destroy(&m.lock);
	pthread_cond_destroy(&m.cond);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printable_escapes_controls),
		cmocka_unit_test(diag_list_counts_errors),
		cmocka_unit_test(iso_dates),
		cmocka_unit_test(dates_split_is_strict),
		cmocka_unit_test(langtags_to_icu_locales),
		cmocka_unit_test(long_dates_in_languages),
		cmocka_unit_test(pipeline_keeps_order),
		cmocka_unit_test(pipeline_idle_workers_help),
		cmocka_unit_test(pipeline_parallel_alone),
		cmocka_unit_test(pipeline_parallel_busy),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
