#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port, for tests.
#
#   Tests/Postgres/cluster.sh start DIR PORT   # prints the server URL: postgres://app@127.0.0.1:PORT
#   Tests/Postgres/cluster.sh stop DIR
#   Tests/Postgres/cluster.sh restart-immediate DIR   # a crash and a restart: pg_ctl restart -m immediate
#
# The cluster runs with fsync and synchronous_commit off (fast, and enough while the machine stays up);
# PG_SYNCHRONOUS_COMMIT=on keeps commits acknowledged only once their WAL is written, for tests that crash the server.
# Installs PostgreSQL from Debian's packages when it is missing. initdb refuses to run as root, so the cluster
# belongs to the `postgres` user (created by the package); trust authentication, loopback only.
set -euo pipefail

command="${1:-}"; dir="${2:-}"
[ -n "$command" ] && [ -n "$dir" ] || { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }

find_bin() {
    for candidate in /usr/lib/postgresql/*/bin; do
        [ -x "$candidate/initdb" ] && { echo "$candidate"; return; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return; }
    return 1
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
start)
    port="${3:?port}"
    if ! bin="$(find_bin)"; then
        [ "$(id -u)" = 0 ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bin="$(find_bin)"
    fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_postgres "$bin/initdb" -D "$dir/data" -A trust -U app --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=${PG_SYNCHRONOUS_COMMIT:-off} -c max_connections=300" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://app@127.0.0.1:$port"
    ;;
restart-immediate)
    bin="$(find_bin)"
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m immediate -w restart >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    ;;
stop)
    bin="$(find_bin)" || exit 0
    [ -f "$dir/data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
*)
    echo "usage: $0 start DIR PORT | stop DIR | restart-immediate DIR" >&2; exit 2 ;;
esac
