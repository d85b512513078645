#!/bin/sh
# Runs the whole suite: every cmocka unit test binary in build/asan/, then
# the end-to-end tests in tests/e2e/, then each libFuzzer harness of
# build/fuzz/ for FUZZ_TEST_SECONDS (15). Prints the elapsed time, then
# ends with "N passed, N failed", followed by ", N skipped" when any test
# was skipped (a skip is never hidden: it shows in the closing line).
# Environment: PACTDOC (the binary under test), PYTHON.
set -u
cd "$(dirname "$0")/.."
: "${PACTDOC:=build/asan/pactdoc}"
: "${PYTHON:=/usr/bin/python3}"
export PACTDOC
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

passed=0
failed=0
skipped=0
start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in build/asan/test_*; do
	[ -x "$t" ] || continue
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
	if [ $rc -ne 0 ] && [ -z "$f" ]; then
		echo "unit: $t exited $rc" >&2
		failed=$((failed + 1))
	fi
done

"$PYTHON" tests/e2e/runner.py >"$log" 2>&1
rc=$?
cat "$log"
p=$(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$log" | tail -1)
f=$(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$log" | tail -1)
s=$(sed -n 's/^e2e: [0-9]* passed, [0-9]* failed, \([0-9]*\) skipped.*/\1/p' "$log" | tail -1)
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))
skipped=$((skipped + ${s:-0}))
if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
	echo "e2e: runner exited $rc" >&2
	failed=$((failed + 1))
fi

# The libFuzzer harnesses (tests/fuzz/), each briefly, plus their
# regression inputs: every run is one test.
fuzzers="reader catalog form verify produce"
built=1
for h in $fuzzers; do
	[ -x "build/fuzz/fuzz_$h" ] || built=0
done
if [ $built -eq 1 ]; then
	./tests/fuzz/run.sh "${FUZZ_TEST_SECONDS:-15}" $fuzzers >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$log" | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		echo "fuzz: tests/fuzz/run.sh exited $rc" >&2
		failed=$((failed + 1))
	fi
else
	echo "fuzz: harnesses not built (make build/fuzz/fuzz_reader ...)" >&2
	failed=$((failed + 1))
fi

elapsed=$(($(date +%s) - start))
echo
echo "time: $((elapsed / 60))m$((elapsed % 60))s"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
