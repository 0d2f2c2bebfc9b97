#!/usr/bin/env bash
# Runs the independent SCIM checker (scim2-tester) against a live stack: starts `provisio up` on a throwaway data
# folder and a free loopback port, runs Deploy/scripts/conformance.sh on its demo.json, stops the stack.
# Needs a debug build (`swift build`). Exit status: the checker's.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN_DIR="${PROVISIO_BIN_DIR:-$(swift build --show-bin-path)}"
DATA_DIR="$(mktemp -d /tmp/provisio-conformance.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

"$BIN_DIR/provisio" up --data-dir "$DATA_DIR" --port "$PORT" >"$DATA_DIR/up.out" 2>&1 &
STACK_PID=$!
cleanup() {
    kill -TERM "$STACK_PID" 2>/dev/null || true
    wait "$STACK_PID" 2>/dev/null || true
    rm -rf "$DATA_DIR"
}
trap cleanup EXIT

for _ in $(seq 1 600); do
    grep -q "SCIM base URL:" "$DATA_DIR/up.out" 2>/dev/null && break
    kill -0 "$STACK_PID" 2>/dev/null || { cat "$DATA_DIR/up.out"; echo "conformance: provisio up exited"; exit 1; }
    sleep 0.2
done
grep -q "SCIM base URL:" "$DATA_DIR/up.out" || { cat "$DATA_DIR/up.out"; echo "conformance: provisio up did not start"; exit 1; }

bash Deploy/scripts/conformance.sh "$DATA_DIR/demo.json" --quiet
