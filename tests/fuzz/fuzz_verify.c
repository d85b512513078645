/* fuzz_verify.c — libFuzzer harness for the ZIP verifier (verify.c): any
 * bytes as a package or bundle ZIP, checked in memory with the default
 * limits. Problems are counted, and must agree with the return value. */
#include "fuzz.h"
#include "verify.h"

struct tally {
	int shown;
};

static void on_problem(void *ctx, const char *entry, const char *problem)
{
	struct tally *t = ctx;

	/* Touch every byte, so a bad pointer shows now. */
	if ((entry != NULL && strlen(entry) > (1u << 20)) ||
	    strlen(problem) > (1u << 20))
		abort();
	t->shown++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verify_summary sum;
	struct tally t = { 0 };
	struct err e;
	int rc;

	rc = verify_zip_mem(data, size, NULL, on_problem, &t, &sum, &e);
	/* Every problem is shown, or counted in the closing line. */
	if (rc >= 0 && (rc == 0) != (t.shown == 0))
		abort();
	if (rc > verify_default_limits.max_problems &&
	    t.shown != verify_default_limits.max_problems + 1)
		abort();
	return 0;
}
