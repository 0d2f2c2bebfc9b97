#!/usr/bin/env bash
# Checks the published API contract (README "API contract (OpenAPI)") against a live stack:
#   1. openapi-spec-validator validates both documents (Services/ScimGateway/OpenAPI/*.json);
#   2. `provisio up` starts on a throwaway data folder and a free loopback port; a user, a group with the user as its
#      member and a webhook are provisioned in the demo tenant, so that path parameters can name real resources;
#   3. schemathesis runs every operation of both documents as served by the gateway, with the root admin key, a bounded
#      number of examples each (OPENAPI_MAX_EXAMPLES, default 20), generated deterministically, and fails on any 5xx
#      and on any answer (status, content type, headers, body) the document does not describe.
# Deleting the demo tenant or its IdP would empty the run, so those two operations run last, on their own.
# Needs a debug build (`swift build`). The tools go into .venv-openapi/ (pinned). Exit status: non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

PINS='schemathesis==4.32.5 openapi-spec-validator==0.9.0'
VENV=.venv-openapi
MAX_EXAMPLES="${OPENAPI_MAX_EXAMPLES:-20}"
# The wall-clock bound of each schemathesis run (seconds): a hang fails instead of stalling CI.
MAX_SECONDS="${OPENAPI_MAX_SECONDS:-600}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

if ! { [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.provisio-pins" 2>/dev/null)" = "$PINS" ]; }; then
    echo "openapi: installing $PINS into $VENV (first run only) ..."
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    # shellcheck disable=SC2086  # word splitting of the pin list is intended
    "$VENV/bin/pip" install -q $PINS
    printf '%s' "$PINS" >"$VENV/.provisio-pins"
fi

echo "openapi: validating the documents"
"$VENV/bin/openapi-spec-validator" Services/ScimGateway/OpenAPI/admin.json Services/ScimGateway/OpenAPI/application.json

BIN_DIR="${PROVISIO_BIN_DIR:-$(swift build --show-bin-path)}"
DATA_DIR="$(mktemp -d /tmp/provisio-openapi.XXXXXX)"
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
    kill -0 "$STACK_PID" 2>/dev/null || { cat "$DATA_DIR/up.out"; echo "openapi: provisio up exited"; exit 1; }
    sleep 0.2
done
grep -q "SCIM base URL:" "$DATA_DIR/up.out" || { cat "$DATA_DIR/up.out"; echo "openapi: provisio up did not start"; exit 1; }

# Seeds the demo tenant through the real APIs and writes schemathesis.toml: the demo tenant, IdP and resources as
# the path parameters' values most of the time (the rest are generated, so that unknown ids are exercised too).
# It also carries the root admin key as every request's bearer (never on a command line).
# The documents are read as served (they need a key, which schemathesis' own loading would not send).
"$VENV/bin/python" Tests/OpenAPI/seed.py "$DATA_DIR/demo.json" "$DATA_DIR/schemathesis.toml" "$DATA_DIR"
ORIGIN="http://127.0.0.1:$PORT"

# --generation-deterministic: the same cases every run (schemathesis then uses no seed). Checks: no 5xx, and
# every answer's status, content type, headers and body as the document describes them; valid and invalid data both
# (negative_data_rejection is left out: the server clamps some bounds, a `limit` past its maximum, rather than refuse;
# ignored_auth too: its anonymous requests trip the failed-authentication limiter, whose documented 429 it does not
# accept. OpenAPIContractTests and the router suites check the 401s.)
run_schemathesis() {
    local document="$1" base="$2"
    shift 2
    timeout --kill-after=10 "$MAX_SECONDS" "$VENV/bin/schemathesis" --config-file "$DATA_DIR/schemathesis.toml" \
        run "$DATA_DIR/$document" --url "$ORIGIN$base" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
        --phases examples,coverage,fuzzing --mode all \
        --max-examples "$MAX_EXAMPLES" --generation-deterministic \
        --workers 1 --request-timeout 20 \
        --suppress-health-check all --no-color --output-truncate true "$@"
}

passed=0
failed=0
check() {
    echo "openapi: schemathesis on $1"
    shift
    if run_schemathesis "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
check "the application API" application.json /api/v1
check "the admin API (all but deleting a tenant or an IdP)" admin.json /admin/v1 \
    --exclude-operation-id deleteTenant --exclude-operation-id deleteIdentityProvider
check "deleting a tenant and an IdP" admin.json /admin/v1 --include-operation-id deleteTenant --include-operation-id deleteIdentityProvider
rm -rf .hypothesis .schemathesis  # caches schemathesis leaves in the working directory
echo "openapi: $passed passed, $failed failed"
[ "$failed" = 0 ]
