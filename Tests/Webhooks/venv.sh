#!/usr/bin/env bash
# Prints the path of a Python that has the PyPI package `standardwebhooks` (the independent verifier of the webhook
# end-to-end tests), creating the ignored virtualenv .venv-webhooks/ at the repository root on first use.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="${WEBHOOKS_VENV:-$ROOT/.venv-webhooks}"
PINS="standardwebhooks==1.1.0"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$PINS" ]; then
    rm -rf "$VENV"
    python3 -m venv "$VENV" >&2
    if ! "$VENV/bin/pip" install -q $PINS >&2; then rm -rf "$VENV"; echo "venv.sh: pip install of $PINS failed" >&2; exit 1; fi
    echo "$PINS" >"$VENV/.pins"
fi
echo "$VENV/bin/python"
