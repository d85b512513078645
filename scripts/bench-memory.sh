#!/bin/sh
# make bench-memory: peak RSS of `pactdoc generate` (release binary, under
# /usr/bin/time -v) on 1,000 and on 100,000 eligible records from
# scripts/gen-records.py, and their ratio (issue 8: within 25 %). Prints
# the wall time of each run too: 100,000 records need about 520 s of CPU,
# about 5 minutes on an idle 2-core machine (they write 100,000 applicant
# packages and 75 countersigning parts); it is a bench, not a test.
#   BENCH_SMALL, BENCH_LARGE   record counts (default 1000, 100000)
#   BENCH_JOBS                 generate -j (default: the tool's default)
set -eu
cd "$(dirname "$0")/.."
pactdoc=${1:-build/pactdoc}
small=${BENCH_SMALL:-1000}
large=${BENCH_LARGE:-100000}
jobs=${BENCH_JOBS:+-j $BENCH_JOBS}
work=$(mktemp -d /tmp/pactdoc-bench-memory.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Prints "PEAK_KB WALL" for one run of generate on $1 records.
measure() {
	/usr/bin/python3 scripts/gen-records.py --count "$1" --seed 1 \
		--eligible-only --out "$work/r$1.xml"
	# shellcheck disable=SC2086
	/usr/bin/time -v "$pactdoc" generate -q $jobs -o "$work/out$1" \
		--date 2026-11-23 "$work/r$1.xml" >/dev/null 2>"$work/time$1.txt" || {
		cat "$work/time$1.txt" >&2
		exit 1
	}
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time$1.txt")
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time$1.txt")
	parts=$(ls "$work/out$1/packages" | grep -c '^countersign-' || true)
	echo "$1 records: peak RSS $((rss / 1024)) MB ($rss kB), wall $wall," \
		"$parts countersigning package(s)"
	echo "$rss" >"$work/rss$1"
	rm -rf "$work/out$1" "$work/r$1.xml"
}

echo "== pactdoc generate, peak RSS ($pactdoc)"
measure "$small"
measure "$large"
/usr/bin/python3 -c "
a, b = int(open('$work/rss$small').read()), int(open('$work/rss$large').read())
print('ratio %d/%d records: %.2f (goal: at most 1.25)' % ($large, $small, b / a))"
