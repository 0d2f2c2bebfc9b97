#!/usr/bin/env bash
# The test command of the README: everything CI checks, in one go.
#   1. system packages the build needs (Debian; installed only when missing and we are root), and the format check
#      (`swift format lint --strict` with the committed .swift-format, on every Swift file)
#   2. debug build of every target, then every test suite (unit, in-process router, end-to-end through the real executables)
#      on SQLite, then the end-to-end suites again on a throwaway PostgreSQL cluster
#   3. the hostile corpus and the faults-under-load sync through the real stack (SQLite, then PostgreSQL), each fuzz
#      target for a bounded time, the independent SCIM checker (scim2-tester) against a live stack, and the published
#      OpenAPI documents validated and checked by schemathesis against a live stack, and the admin console end to end
#      in headless Chromium (Debian's chromium and chromium-driver, driven by Selenium)
#   4. deploy files validated offline (docker-compose config, yamllint, kubernetes-validate, hadolint)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "System packages"
missing=()
# chromium and chromium-driver: the admin console's end-to-end test (Tests/Console/run.sh).
for package in libssl-dev libsqlite3-dev libcurl4-openssl-dev chromium chromium-driver; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    else
        echo "Missing packages: ${missing[*]} (install them with apt-get)" >&2
        exit 1
    fi
fi
echo "ok"

step "Format (swift format lint --strict)"
# `swift format format -i -r -p Package.swift Services Shared Tests` fixes what this reports, except the few rules
# that only lint (e.g. forEach instead of for-in).
swift format lint --strict --recursive --parallel Package.swift Services Shared Tests
echo "ok"

step "Build (debug, with tests)"
swift build --build-tests

step "Tests"
# In two runs: the in-process suites hold well over a thousand descriptors at once (live servers, SQLite files),
# and Foundation's Process.run on Linux reads /proc/self/fd in a way that crashed (SIGSEGV in memcpy) once the
# table filled its directory buffer; the end-to-end suites, which start processes, run on their own with few.
swift test --skip-build --skip EndToEndTests
swift test --skip-build --filter EndToEndTests

step "End-to-end suites again, and the directory's PostgreSQL-aware suites, on PostgreSQL"
PG_DIR="$(mktemp -d /tmp/provisio-pg.XXXXXX)"
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
trap 'bash Tests/Postgres/cluster.sh stop "$PG_DIR"; rm -rf "$PG_DIR"' EXIT
PG_URL="$(bash Tests/Postgres/cluster.sh start "$PG_DIR" "$PG_PORT")"
# With the directory's in-process suites that read PROVISIO_TEST_POSTGRES_URL: webhook delivery (two directory
# replicas sharing endpoints through FOR UPDATE SKIP LOCKED) and the change feed's retention.
# The provisioning log's store and queries run on both engines too.
PROVISIO_TEST_POSTGRES_URL="$PG_URL" swift test --skip-build --filter EndToEndTests
PROVISIO_TEST_POSTGRES_URL="$PG_URL" swift test --skip-build \
    --filter "GrowthStatisticsTests|PostgresConcurrentOpenTests|WebhookDeliveryTests|WebhookAPITests|ChangeEventFeedTests|ProvisioningLogTests|ProvisioningLogQueryTests"

step "Hostile corpus (SQLite, then PostgreSQL)"
bash Tests/Hostile/run.sh
bash Tests/Hostile/run.sh --postgres "$PG_URL"

step "Faults under load (SQLite, then PostgreSQL restarted mid-sync)"
bash Tests/Faults/run.sh
bash Tests/Faults/run.sh --postgres

step "Fuzzing (libFuzzer, 60 s per target)"
bash Tests/Fuzz/run.sh 60

step "SCIM conformance (scim2-tester against a live stack)"
bash Tests/Conformance/run.sh

step "API contract (openapi-spec-validator, then schemathesis against a live stack)"
bash Tests/OpenAPI/run.sh

step "Admin console (headless Chromium against a live stack: SQLite, then PostgreSQL)"
bash Tests/Console/run.sh
bash Tests/Console/run.sh --postgres "$PG_URL"

step "Deploy files"
bash Deploy/scripts/validate-deploy.sh
