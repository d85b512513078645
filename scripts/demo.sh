#!/bin/sh
# make demo: validates the bundled sample records, generates their
# documents and packages into out/, makes the archivists' dated bundle and
# verifies it. Usage: scripts/demo.sh PATH-TO-PACTDOC
set -eu
cd "$(dirname "$0")/.."
pactdoc=${1:-build/pactdoc}
samples=tests/data/samples
date=${DEMO_DATE:-2026-11-23}

mkdir -p out
echo "== pactdoc validate $samples (some samples are deliberately not eligible)"
"$pactdoc" validate --report out/validate-report.json "$samples" >/dev/null || true

echo "== pactdoc generate -o out --date $date $samples"
"$pactdoc" generate -o out --date "$date" --report out/generate-report.json "$samples"

echo "== pactdoc bundle -o out/bundles --date $date out $samples"
mkdir -p out/bundles
"$pactdoc" bundle -o out/bundles --date "$date" out "$samples"

echo "== pactdoc verify"
for z in out/bundles/*.zip out/packages/*.zip; do
	[ -e "$z" ] && "$pactdoc" verify "$z"
done

echo
echo "Documents:"
find out -name '*.pdf' | sort
echo "Packages and bundles:"
find out -name '*.zip' | sort
