#!/bin/sh
# make bench: generates a mixed corpus (BENCH_RECORDS, 5,000 records) and
# measures `pactdoc generate` on it and on one applicant; scripts/bench.py
# says what each figure is and how it is taken. Needs only python3
# (hyperfine is not used). Takes a few minutes on 2 cores.
set -eu
cd "$(dirname "$0")/.."
pactdoc=${1:-build/pactdoc}
work=$(mktemp -d /tmp/pactdoc-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 scripts/bench.py "$pactdoc" "$work"
