#!/usr/bin/env bash
# Prints the path of a Python that has the PyPI package `prometheus-client` (its text-format parser is the independent
# check of every service's /metrics in the end-to-end tests), creating the ignored virtualenv .venv-metrics/ at the
# repository root on first use.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="${METRICS_VENV:-$ROOT/.venv-metrics}"
PINS="prometheus-client==0.21.1"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$PINS" ]; then
    rm -rf "$VENV"
    python3 -m venv "$VENV" >&2
    if ! "$VENV/bin/pip" install -q $PINS >&2; then rm -rf "$VENV"; echo "venv.sh: pip install of $PINS failed" >&2; exit 1; fi
    echo "$PINS" >"$VENV/.pins"
fi
echo "$VENV/bin/python"
