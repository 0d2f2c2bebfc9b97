#!/usr/bin/env bash
# Faults under load (issue 19, item 9): an Entra-style sync through `provisio up` while the directory, the token
# service, the mapping service and the gateway are killed with SIGKILL one after the other; then lost, duplicate
# and missing users are counted (all must be 0). See faults.py.
#
#   bash Tests/Faults/run.sh                 # SQLite
#   bash Tests/Faults/run.sh --postgres      # a throwaway PostgreSQL cluster (synchronous_commit on), also
#                                            # restarted with `pg_ctl restart -m immediate` mid-sync
#   FAULT_USERS=2000 bash Tests/Faults/run.sh   # a larger sync
#
# Uses PROVISIO_BIN_DIR (default .build/debug): `provisio` finds the four services next to itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
# provisio up prints the demo tenant's bearer token; a test log shows its output without it.
show_up_output() { sed -E 's/pvs_[A-Za-z0-9_]+/pvs_(masked)/g' "$DATA_DIR/up.out"; }

engine=sqlite
[ "${1:-}" = "--postgres" ] && engine=postgres
BIN_DIR="${PROVISIO_BIN_DIR:-$ROOT/.build/debug}"
[ -x "$BIN_DIR/provisio" ] || { echo "faults: $BIN_DIR/provisio is missing (swift build first)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
DATA_DIR="$(mktemp -d /tmp/provisio-faults.XXXXXX)"
PG_DIR=""
STACK_PID=""
cleanup() {
    if [ -n "$STACK_PID" ] && kill -0 "$STACK_PID" 2>/dev/null; then
        kill -TERM "$STACK_PID" 2>/dev/null || true
        wait "$STACK_PID" 2>/dev/null || true
    fi
    if [ -n "$PG_DIR" ]; then bash Tests/Postgres/cluster.sh stop "$PG_DIR" || true; rm -rf "$PG_DIR"; fi
    if [ "${FAULTS_KEEP_DATA:-}" = 1 ]; then echo "faults: data kept in $DATA_DIR"; else rm -rf "$DATA_DIR"; fi
}
trap cleanup EXIT

UP_ARGS=(up --data-dir "$DATA_DIR" --port "$(free_port)")
FAULT_ARGS=()
if [ "$engine" = postgres ]; then
    PG_DIR="$(mktemp -d /tmp/provisio-faults-pg.XXXXXX)"
    # A crash of the server must not lose acknowledged commits: synchronous_commit on (fsync may stay off, since
    # the operating system keeps what the killed server wrote).
    PG_URL="$(PG_SYNCHRONOUS_COMMIT=on bash Tests/Postgres/cluster.sh start "$PG_DIR" "$(free_port)")"
    UP_ARGS+=(--postgres "$PG_URL")
    FAULT_ARGS+=(--pg-restart "bash $ROOT/Tests/Postgres/cluster.sh restart-immediate $PG_DIR")
fi

"$BIN_DIR/provisio" "${UP_ARGS[@]}" >"$DATA_DIR/up.out" 2>&1 &
STACK_PID=$!
for _ in $(seq 1 900); do
    grep -q "SCIM base URL:" "$DATA_DIR/up.out" 2>/dev/null && break
    kill -0 "$STACK_PID" 2>/dev/null || { show_up_output; echo "faults: provisio up exited" >&2; exit 1; }
    sleep 0.2
done
grep -q "SCIM base URL:" "$DATA_DIR/up.out" || { show_up_output; echo "faults: the stack did not start" >&2; exit 1; }
echo "faults: stack up ($engine), data in $DATA_DIR"

status=0
python3 Tests/Faults/faults.py --demo "$DATA_DIR/demo.json" --data-dir "$DATA_DIR" --users "${FAULT_USERS:-300}" "${FAULT_ARGS[@]}" || status=$?
if ! kill -0 "$STACK_PID" 2>/dev/null; then
    echo "faults: provisio up is no longer running" >&2
    show_up_output >&2
    status=1
fi
if [ "$status" != 0 ]; then
    tail -n 20 "$DATA_DIR"/logs/*.log >&2 || true
fi
exit "$status"
