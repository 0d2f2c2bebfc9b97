#!/usr/bin/env bash
# SCIM conformance check of a live Provisio gateway with scim2-tester (RFC 7643/7644).
#
#   Deploy/scripts/conformance.sh [demo.json] [options for scim_conformance.py]
#   SCIM_BASE_URL=http://127.0.0.1:8080/scim/v2 SCIM_TOKEN=... Deploy/scripts/conformance.sh [options]
#
# demo.json: {"scimBaseURL": "...", "token": "...", "adminURL": "...", "adminKey": "..."}; when given, its
# scimBaseURL/token are used (adminURL/adminKey are not needed by the checker). Otherwise SCIM_BASE_URL and
# SCIM_TOKEN come from the environment.
#
# Options (passed through): --include-tags discovery,crud --exclude-tags patch --resource-types User
#   --fail-on-deviation --quiet --timeout 30 --insecure
#   (tags: discovery, service-provider-config, resource-types, schemas, crud, crud:create|read|update|delete,
#    crud:read:attributes, patch:add|remove|replace, misc)
#
# WARNING: scim2-tester creates, modifies and deletes Users and Groups. Point it at a throwaway tenant.
#
# Failures are judged against Tests/Conformance/expected-failures.txt (override: CONFORMANCE_EXPECTED_FAILURES).
# A JSON report goes to .build-conformance/scim2-tester-report.json (override: CONFORMANCE_REPORT).
# Exit status: 0 = no unexpected failure, 1 = unexpected failures, 2 = usage or setup error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${CONFORMANCE_VENV:-$ROOT/.venv-scim2}"
PYTHON="${PYTHON:-python3}"
EXPECTED="${CONFORMANCE_EXPECTED_FAILURES:-$ROOT/Tests/Conformance/expected-failures.txt}"
REPORT="${CONFORMANCE_REPORT:-$ROOT/.build-conformance/scim2-tester-report.json}"
# Pinned so results are comparable run to run; scim2-client's engine module and scim2-tester's checks move fast.
PINS='scim2-tester[httpx2]==0.5.2 scim2-client[httpx2]==0.13.2 scim2-models==0.12.3 httpx2==2.16.2'
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
fail_setup() { echo "conformance: $*" >&2; echo "conformance: 0 passed, 1 failed"; exit 2; }

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    DEMO="$1"; shift
    [ -f "$DEMO" ] || fail_setup "no such file: $DEMO"
    # Read with the system python: no jq needed. Missing keys leave the variables empty (checked below).
    SCIM_BASE_URL="$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("scimBaseURL") or "")' "$DEMO")" \
        || fail_setup "$DEMO is not valid JSON"
    SCIM_TOKEN="$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("token") or "")' "$DEMO")" \
        || fail_setup "$DEMO is not valid JSON"
fi
[ -n "${SCIM_BASE_URL:-}" ] || fail_setup "set SCIM_BASE_URL (or pass a demo.json with scimBaseURL)"
[ -n "${SCIM_TOKEN:-}" ] || fail_setup "set SCIM_TOKEN (or pass a demo.json with token)"

# Install scim2-tester into its own ignored venv on the first run (or when PINS change).
if ! { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c '' 2>/dev/null \
        && [ "$(cat "$VENV/.provisio-pins" 2>/dev/null)" = "$PINS" ]; }; then
    echo "conformance: installing scim2-tester into ${VENV#"$ROOT"/} (first run only) ..."
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" || fail_setup "could not create $VENV"
    # shellcheck disable=SC2086  # word splitting of the pin list is intended
    if ! "$VENV/bin/pip" install -q $PINS; then rm -rf "$VENV"; fail_setup "pip install of scim2-tester failed"; fi
    printf '%s' "$PINS" >"$VENV/.provisio-pins"
fi

export SCIM_TOKEN  # the driver reads the token from the environment, never from argv
exec "$VENV/bin/python" "$ROOT/Deploy/scripts/scim_conformance.py" \
    --base-url "$SCIM_BASE_URL" --expected-failures "$EXPECTED" --report "$REPORT" "$@"
