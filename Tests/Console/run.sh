#!/usr/bin/env bash
# The admin console end to end in headless Chromium (Debian's chromium and chromium-driver, driven by Selenium from
# PyPI with the driver path given, SE_OFFLINE=true, so nothing is downloaded): starts `provisio up` on a throwaway data
# folder and a free loopback port, runs console_e2e.py against it with the stack's demo.json, stops the stack.
# Screenshots go to Tests/Console/screenshots/ (ignored). Needs a debug build (`swift build`). Exit status: the test's.
# Arguments are passed to `provisio up` (e.g. `--postgres postgres://app@127.0.0.1:5432` for the stack on PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/../.."

for binary in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$binary" ] || { echo "console: $binary is missing (apt-get install chromium chromium-driver)" >&2; exit 1; }
done
PYTHON="$(bash Tests/Console/venv.sh)"
BIN_DIR="${PROVISIO_BIN_DIR:-$(swift build --show-bin-path)}"
DATA_DIR="$(mktemp -d /tmp/provisio-console.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

"$BIN_DIR/provisio" up --data-dir "$DATA_DIR" --port "$PORT" "$@" >"$DATA_DIR/up.out" 2>&1 &
STACK_PID=$!
cleanup() {
    kill -TERM "$STACK_PID" 2>/dev/null || true
    wait "$STACK_PID" 2>/dev/null || true
    rm -rf "$DATA_DIR"
}
trap cleanup EXIT

for _ in $(seq 1 600); do
    grep -q "SCIM base URL:" "$DATA_DIR/up.out" 2>/dev/null && break
    kill -0 "$STACK_PID" 2>/dev/null || { cat "$DATA_DIR/up.out"; echo "console: provisio up exited"; exit 1; }
    sleep 0.2
done
grep -q "SCIM base URL:" "$DATA_DIR/up.out" || { cat "$DATA_DIR/up.out"; echo "console: provisio up did not start"; exit 1; }

mkdir -p Tests/Console/screenshots
SE_OFFLINE=true "$PYTHON" Tests/Console/console_e2e.py "$DATA_DIR/demo.json" Tests/Console/screenshots
