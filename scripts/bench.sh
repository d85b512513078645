#!/bin/sh
# make bench: generates a 5,000-record mixed corpus and measures
# `pactdoc generate` on it: documents per second (hyperfine and the tool's
# own summary) and peak RSS (/usr/bin/time -v). Prints the figures.
set -eu
cd "$(dirname "$0")/.."
pactdoc=${1:-build/pactdoc}
records=${BENCH_RECORDS:-5000}
work=$(mktemp -d /tmp/pactdoc-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 scripts/gen-records.py --count "$records" --seed 1 \
	--eligible-only --out "$work/records.xml"

echo "== corpus: $records records ($(du -h "$work/records.xml" | cut -f1))"
/usr/bin/time -v "$pactdoc" generate -o "$work/out" --date 2026-11-23 \
	"$work/records.xml" >/dev/null 2>"$work/time.txt" || true
docs=$(find "$work/out" -name '*.pdf' ! -path '*/packages/*' | wc -l)
grep -E '^pactdoc: ' "$work/time.txt" || true
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
echo "documents: $docs, wall: $wall, peak RSS: $((rss / 1024)) MB"

if command -v hyperfine >/dev/null 2>&1; then
	# Each run writes into a fresh directory, as a bulk run after an
	# eligibility round does. The previous output is moved aside, not
	# deleted: deleting ~15,000 files between runs makes ext4's inode
	# allocation of the next run (not pactdoc) the largest cost.
	# The second command measures what durability costs: the same run
	# without its fsync calls (PACTDOC_NO_FSYNC=1 exists only for this).
	# The third runs twice as many threads as cores, which overlaps the
	# waits for the disk with the work of the other threads.
	hyperfine --warmup 1 --runs 5 --export-json "$work/h.json" \
		--prepare "mv $work/out $work/old.\$(date +%s%N) 2>/dev/null || true" \
		"$pactdoc generate -q -o $work/out --date 2026-11-23 $work/records.xml" \
		"env PACTDOC_NO_FSYNC=1 $pactdoc generate -q -o $work/out --date 2026-11-23 $work/records.xml" \
		"$pactdoc generate -q -j $((2 * $(nproc))) -o $work/out --date 2026-11-23 $work/records.xml"
	/usr/bin/python3 - "$work/h.json" "$docs" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
docs = int(sys.argv[2])
synced, unsynced, wide = (r["mean"] for r in runs)
print("documents/s (hyperfine mean): %.0f" % (docs / synced))
print("documents/s without fsync (PACTDOC_NO_FSYNC=1, not durable): %.0f"
      % (docs / unsynced))
print("cost of fsync: %.2f ms per document, %+.0f %% wall time"
      % ((synced - unsynced) * 1000 / docs, (synced / unsynced - 1) * 100))
print("documents/s with fsync and -j twice the cores: %.0f" % (docs / wide))
PY
fi
