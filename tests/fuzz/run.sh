#!/bin/sh
# Runs the libFuzzer harnesses built in build/fuzz/ (make fuzz, make test).
#
#   tests/fuzz/run.sh SECONDS NAME...   fuzz each NAME for SECONDS, then
#                                       replay tests/fuzz/regress/NAME/
#   tests/fuzz/run.sh --merge NAME...   rewrite tests/fuzz/corpus/NAME/ as
#                                       the inputs of build/fuzz/seeds/NAME
#                                       and build/fuzz/corpus/NAME that add
#                                       coverage (make-seeds.py first)
#
# Each fuzzing run starts from the checked-in corpus (tests/fuzz/corpus/NAME,
# read only) and the inputs earlier runs found (build/fuzz/corpus/NAME), with
# the format's dictionary (tests/fuzz/dict/). A crash, leak or timeout is
# saved as build/fuzz/crashes/NAME-*: add it to tests/fuzz/regress/NAME/ with
# its fix. One line per run, then "fuzz: N passed, N failed".
# Environment: FUZZ_JOBS_NICE (default 0) is passed to nice.
set -u
cd "$(dirname "$0")/../.."

dict_of() {
	case "$1" in
	reader|produce) echo records ;;
	catalog) echo xliff ;;
	form) echo form ;;
	verify) echo zip ;;
	esac
}

max_len_of() {
	case "$1" in
	verify) echo 16384 ;;
	*) echo 24576 ;;
	esac
}

if [ "${1:-}" = "--merge" ]; then
	shift
	for name in "$@"; do
		out=tests/fuzz/corpus/$name
		mkdir -p "$out.new" "build/fuzz/corpus/$name"
		"build/fuzz/fuzz_$name" -merge=1 -max_len="$(max_len_of "$name")" \
		    "$out.new" "build/fuzz/seeds/$name" "$out" \
		    "build/fuzz/corpus/$name" >/dev/null 2>&1 || exit 1
		rm -rf "$out"
		mv "$out.new" "$out"
		echo "fuzz: $name: $(ls "$out" | wc -l) inputs," \
		     "$(du -sk "$out" | cut -f1) KB"
	done
	exit 0
fi

seconds=$1
shift
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
mkdir -p build/fuzz/crashes

for name in "$@"; do
	bin=build/fuzz/fuzz_$name
	mkdir -p "build/fuzz/corpus/$name"
	nice -n "${FUZZ_JOBS_NICE:-0}" "$bin" -max_total_time="$seconds" \
	    -timeout=30 -rss_limit_mb=3072 -max_len="$(max_len_of "$name")" \
	    -dict="tests/fuzz/dict/$(dict_of "$name").dict" \
	    -artifact_prefix="build/fuzz/crashes/$name-" -print_final_stats=1 \
	    "build/fuzz/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	if [ $rc -eq 0 ]; then
		echo "fuzz: $name: ${runs:-?} runs in ${seconds} s (${rate:-?}/s): ok"
		passed=$((passed + 1))
	else
		tail -n 60 "$log"
		echo "fuzz: $name: FAILED (exit $rc), input saved in build/fuzz/crashes/"
		failed=$((failed + 1))
	fi
	regress=tests/fuzz/regress/$name
	if [ -d "$regress" ] && [ -n "$(ls "$regress")" ]; then
		"$bin" -timeout=30 -rss_limit_mb=3072 "$regress"/* >"$log" 2>&1
		rc=$?
		n=$(ls "$regress" | wc -l)
		if [ $rc -eq 0 ]; then
			echo "fuzz: $name: $n regression inputs replayed: ok"
			passed=$((passed + 1))
		else
			tail -n 60 "$log"
			echo "fuzz: $name: regression input FAILED (exit $rc)"
			failed=$((failed + 1))
		fi
	fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
