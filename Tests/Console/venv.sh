#!/usr/bin/env bash
# Prints the path of a Python that has Selenium (the driver of the console's end-to-end test), creating the ignored
# virtualenv .venv-console/ at the repository root on first use. Selenium 4.51.0: later versions need a `certifi` the
# registry does not have.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="${CONSOLE_VENV:-$ROOT/.venv-console}"
PINS="selenium==4.51.0"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$PINS" ]; then
    rm -rf "$VENV"
    python3 -m venv "$VENV" >&2
    if ! "$VENV/bin/pip" install -q $PINS >&2; then rm -rf "$VENV"; echo "venv.sh: pip install of $PINS failed" >&2; exit 1; fi
    echo "$PINS" >"$VENV/.pins"
fi
echo "$VENV/bin/python"
