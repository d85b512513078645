#!/bin/sh
# Rewrites the render references tests/data/render/*.png (first page of
# every sample document, 50 dpi gray) after a deliberate change to the
# output. Look at the new PNGs before committing them.
# Usage: scripts/render-refs.sh [PACTDOC]   (default build/pactdoc)
set -eu
cd "$(dirname "$0")/.."
: "${PYTHON:=/usr/bin/python3}"
"$PYTHON" tests/e2e/render.py "${1:-build/pactdoc}"
git status --short tests/data/render 2>/dev/null || true
