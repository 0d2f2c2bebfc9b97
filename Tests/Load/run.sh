#!/usr/bin/env bash
# The scale suite of issue 6 in one command: builds the stack and the load tool in release mode, starts the four
# services on a fresh data folder, and runs `provisio-load scale` (cost floor, Entra-style initial sync, reads and
# writes at size, peak RSS per service, ratios to the floor, targets).
#
#   bash Tests/Load/run.sh                      # SQLite files in a fresh data folder
#   bash Tests/Load/run.sh --postgres           # a throwaway PostgreSQL 15 cluster (Tests/Postgres/cluster.sh)
#   bash Tests/Load/run.sh --users 20000 …      # any other option goes to `provisio-load scale` (see --help)
#
# A first release build takes 12–20 minutes on a 2-core machine; this is why it is not part of .ci/run.
# Data folders go under .data/ (ignored by git) and are removed at the end unless KEEP_DATA=1.
set -euo pipefail
cd "$(dirname "$0")/../.."

engine=sqlite
args=()
for argument in "$@"; do
    if [ "$argument" = "--postgres" ]; then engine=postgres; else args+=("$argument"); fi
done

echo "== release build (.build-release) =="
# All products at once: building them one `--product` at a time plans a different build and recompiles the
# dependencies.
nice -n 5 swift build -c release --scratch-path .build-release
bin=.build-release/release

mkdir -p .data
data_dir="$(mktemp -d "$PWD/.data/scale-$engine.XXXXXX")"
pg_dir=""
cleanup() {
    if [ -n "$pg_dir" ]; then
        bash Tests/Postgres/cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true
        rm -rf "$pg_dir"
    fi
    [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$data_dir"
}
trap cleanup EXIT

target=(--start --data-dir "$data_dir/stack")
if [ "$engine" = postgres ]; then
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    pg_dir="$(mktemp -d /tmp/provisio-scale-pg.XXXXXX)"  # the postgres user must reach it: not under /work or /root
    url="$(bash Tests/Postgres/cluster.sh start "$pg_dir" "$port")"
    target+=(--postgres "$url")
fi

echo "== provisio-load scale ($engine) =="
"$bin/provisio-load" scale "${target[@]}" --build "release, $engine, $(git rev-parse --short HEAD)" --markdown ${args[@]+"${args[@]}"}
