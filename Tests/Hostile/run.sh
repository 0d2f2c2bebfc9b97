#!/usr/bin/env bash
# The hostile corpus (issue 19, item 7): several hundred malformed or hostile requests through the real stack.
#
#   bash Tests/Hostile/run.sh                      # SQLite
#   bash Tests/Hostile/run.sh --postgres URL       # PostgreSQL (or set PROVISIO_TEST_POSTGRES_URL)
#   bash Tests/Hostile/run.sh [--postgres URL] -- -k filters -x   # extra pytest arguments after --
#
# Starts `provisio up` from PROVISIO_BIN_DIR (default .build/debug; it finds the services next to itself) on a
# throwaway data folder and a free loopback port, waits for demo.json and the gateway, runs pytest (pinned, in the
# ignored virtualenv Tests/Hostile/.venv-hostile) with the demo tenant's SCIM URL, token, admin URL and admin key,
# then stops the stack with SIGTERM. Exit status: pytest's (non-zero when a case fails or none ran).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
# provisio up prints the demo tenant's bearer token; a test log shows its output without it.
show_up_output() { sed -E 's/pvs_[A-Za-z0-9_]+/pvs_(masked)/g' "$DATA_DIR/up.out"; }
HERE="$ROOT/Tests/Hostile"

POSTGRES_URL="${PROVISIO_TEST_POSTGRES_URL:-}"
PYTEST_ARGS=()
while (($#)); do
    case "$1" in
    --postgres) POSTGRES_URL="${2:?--postgres needs a URL}"; shift 2 ;;
    --postgres=*) POSTGRES_URL="${1#--postgres=}"; shift ;;
    --) shift; PYTEST_ARGS+=("$@"); break ;;
    *) PYTEST_ARGS+=("$1"); shift ;;
    esac
done

BIN_DIR="${PROVISIO_BIN_DIR:-$ROOT/.build/debug}"
[ -x "$BIN_DIR/provisio" ] || { echo "hostile: $BIN_DIR/provisio is missing (swift build first, or set PROVISIO_BIN_DIR)" >&2; exit 1; }

VENV="$HERE/.venv-hostile"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! cmp -s "$HERE/requirements.txt" "$VENV/.requirements.installed" 2>/dev/null; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
    cp "$HERE/requirements.txt" "$VENV/.requirements.installed"
fi

DATA_DIR="$(mktemp -d /tmp/provisio-hostile.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
UP_ARGS=(up --data-dir "$DATA_DIR" --port "$PORT")
ENGINE=SQLite
if [ -n "$POSTGRES_URL" ]; then
    UP_ARGS+=(--postgres "$POSTGRES_URL")
    ENGINE=PostgreSQL
fi

"$BIN_DIR/provisio" "${UP_ARGS[@]}" >"$DATA_DIR/up.out" 2>&1 &
STACK_PID=$!
cleanup() {
    if kill -0 "$STACK_PID" 2>/dev/null; then
        kill -TERM "$STACK_PID" 2>/dev/null || true
        wait "$STACK_PID" 2>/dev/null || true
    fi
    if [ "${HOSTILE_KEEP_DATA:-}" = 1 ]; then echo "hostile: data kept in $DATA_DIR"; else rm -rf "$DATA_DIR"; fi
}
trap cleanup EXIT

GATEWAY="http://127.0.0.1:$PORT"
ready=0
for _ in $(seq 1 900); do
    if [ -s "$DATA_DIR/demo.json" ] && grep -q "SCIM base URL:" "$DATA_DIR/up.out" 2>/dev/null \
        && python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$GATEWAY/readyz" 2>/dev/null; then
        ready=1; break
    fi
    kill -0 "$STACK_PID" 2>/dev/null || { show_up_output; echo "hostile: provisio up exited" >&2; exit 1; }
    sleep 0.2
done
[ "$ready" = 1 ] || { show_up_output; echo "hostile: the stack did not become ready" >&2; exit 1; }
echo "hostile: stack up on $GATEWAY ($ENGINE), data in $DATA_DIR"

export PROVISIO_HOSTILE_DEMO="$DATA_DIR/demo.json"
export PROVISIO_HOSTILE_STACK_PID="$STACK_PID"
export PROVISIO_HOSTILE_GATEWAY="$GATEWAY"
export PROVISIO_HOSTILE_LOGS="$DATA_DIR/logs"
export PROVISIO_HOSTILE_ENGINE="$ENGINE"
start=$(date +%s)
PYTEST_LOG="$DATA_DIR/pytest.out"
set +e
(cd "$HERE" && "$VENV/bin/python" -m pytest -p no:cacheprovider -q -rfE --tb=short "${PYTEST_ARGS[@]}") 2>&1 | tee "$PYTEST_LOG"
status=${PIPESTATUS[0]}
set -e
elapsed=$(($(date +%s) - start))
if ! kill -0 "$STACK_PID" 2>/dev/null; then
    echo "hostile: provisio up is no longer running:"
    show_up_output | tail -20 || true
fi
summary="$(grep -E '(passed|failed|error|errors|no tests ran).* in [0-9.]+s( =+)?$' "$PYTEST_LOG" | tail -1 || true)"
trap - EXIT
cleanup
echo "hostile: $ENGINE, pytest took ${elapsed} s, exit status $status"
# pytest's closing line last, as CI reads it
[ -n "$summary" ] && echo "$summary"
exit "$status"
