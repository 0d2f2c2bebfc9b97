"""Run scim2-tester against a live SCIM server and judge the results against an allow-list.

Called by Deploy/scripts/conformance.sh inside .venv-scim2; run it directly only from that venv:

    SCIM_TOKEN=... python Deploy/scripts/scim_conformance.py --base-url URL \
        --expected-failures Tests/Conformance/expected-failures.txt [--report FILE] [--include-tags discovery,crud] ...

The bearer token is read from the SCIM_TOKEN environment variable (never from argv, which other users can see).

Every scim2-tester result gets a check ID, printed on its line and used in the allow-list:
    <ResourceType or "Server">/<checker name>[/<attribute path> | /<HTTP method>]
e.g. "Server/random_url", "Server/schemas_endpoint_methods/POST", "User/object_creation",
"User/check_add_attribute/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager".
An allow-list line matches a check ID exactly, or as a prefix when it ends with "*" ("User/check_add_attribute/*").

Outcomes: SUCCESS, COMPLIANT, ACCEPTABLE -> pass; DEVIATION (a SHOULD not followed) -> pass with a warning
(a failure with --fail-on-deviation); ERROR, CRITICAL -> fail, or expected failure when allow-listed; SKIPPED -> skip.
Exit status: 0 when nothing failed unexpectedly, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

PASS_STATUSES = {"SUCCESS", "COMPLIANT", "ACCEPTABLE"}
FAIL_STATUSES = {"ERROR", "CRITICAL"}
METHOD_PREFIX = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) ")


def csv_set(value: str | None) -> set[str] | None:
    items = {v.strip() for v in (value or "").split(",") if v.strip()}
    return items or None


def load_allow_list(path: Path) -> list[str]:
    """One check ID (or ID prefix ending in '*') per line; '#' starts a comment, blank lines are ignored."""
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            entries.append(entry)
    return entries


def matches(entry: str, check_id: str) -> bool:
    return check_id.startswith(entry[:-1]) if entry.endswith("*") else check_id == entry


def check_id(result: Any) -> str:
    parts = [result.resource_type or "Server", result.title or "unnamed_check"]
    data = result.data
    if isinstance(data, dict) and isinstance(data.get("urn"), str):
        parts.append(data["urn"])
    elif (result.title or "").endswith("_methods") and result.reason:
        method = METHOD_PREFIX.match(result.reason)
        if method:
            parts.append(method.group(1))
    return "/".join(parts)


def one_line(text: str | None, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="SCIM base URL, e.g. http://127.0.0.1:8080/scim/v2")
    parser.add_argument("--expected-failures", type=Path, required=True, help="allow-list file")
    parser.add_argument("--report", type=Path, help="write a JSON report here")
    parser.add_argument("--include-tags", help="comma-separated scim2-tester tags to run (default: all)")
    parser.add_argument("--exclude-tags", help="comma-separated scim2-tester tags to skip")
    parser.add_argument("--resource-types", help="comma-separated resource type names (default: all discovered)")
    parser.add_argument("--fail-on-deviation", action="store_true", help="treat DEVIATION (SHOULD) results as failures")
    parser.add_argument("--timeout", type=float, default=30.0, help="HTTP timeout in seconds (default 30)")
    parser.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    parser.add_argument("--quiet", action="store_true", help="print only non-passing checks")
    args = parser.parse_args()

    token = os.environ.get("SCIM_TOKEN", "")
    if not token:
        print("conformance: SCIM_TOKEN is empty", file=sys.stderr)
        return 2

    import httpx2
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import check_server

    allow_list = load_allow_list(args.expected_failures)
    tester_version = version("scim2-tester")
    base_url = args.base_url.rstrip("/")
    print(f"conformance: scim2-tester {tester_version} against {base_url}")

    started = time.monotonic()
    http = httpx2.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=args.timeout,
        verify=not args.insecure,
    )
    try:
        results = check_server(
            SyncSCIMClient(http),
            raise_exceptions=False,
            include_tags=csv_set(args.include_tags),
            exclude_tags=csv_set(args.exclude_tags),
            resource_types=sorted(csv_set(args.resource_types) or []) or None,
        )
    except Exception as exc:  # the tester itself crashed (e.g. server unreachable before any check could record it)
        print(f"  FAIL   Server/check_server  scim2-tester aborted: {type(exc).__name__}: {one_line(str(exc))}")
        print("conformance: 0 passed, 1 failed")
        return 1
    finally:
        http.close()
    elapsed = time.monotonic() - started

    counts = {"pass": 0, "fail": 0, "xfail": 0, "deviation": 0, "skip": 0}
    used_entries: set[str] = set()
    rows = []
    for result in results:
        cid = check_id(result)
        status = result.status.name
        if status in PASS_STATUSES:
            outcome = "pass"
        elif status == "DEVIATION":
            outcome = "fail" if args.fail_on_deviation else "deviation"
        elif status in FAIL_STATUSES:
            outcome = "fail"
        else:
            outcome = "skip"
        if outcome == "fail":
            entry = next((e for e in allow_list if matches(e, cid)), None)
            if entry is not None:
                outcome = "xfail"
                used_entries.add(entry)
        counts[outcome] += 1
        rows.append(
            {
                "id": cid,
                "outcome": outcome,
                "status": status,
                "resource_type": result.resource_type,
                "title": result.title,
                "tags": sorted(result.tags),
                "reason": result.reason,
            }
        )

    labels = {"pass": "PASS", "fail": "FAIL", "xfail": "XFAIL", "deviation": "WARN", "skip": "SKIP"}
    for row in rows:
        if args.quiet and row["outcome"] == "pass":
            continue
        detail = "" if row["outcome"] == "pass" else f"  [{row['status']}] {one_line(row['reason'])}"
        print(f"  {labels[row['outcome']]:<6} {row['id']}{detail}")

    stale = [e for e in allow_list if e not in used_entries]
    for entry in stale:
        print(f"conformance: note: expected failure '{entry}' did not fail (fixed, or not run): remove it from the allow-list")
    unexpected = sorted({row["id"] for row in rows if row["outcome"] == "fail"})
    if unexpected:
        print(f"conformance: unexpected failures ({len(unexpected)}): {', '.join(unexpected)}")
    if not results:
        print("conformance: scim2-tester returned no results")
        counts["fail"] = 1

    summary = {
        "passed": counts["pass"] + counts["deviation"],
        "failed": counts["fail"],
        "expected_failures": counts["xfail"],
        "deviations": counts["deviation"],
        "skipped": counts["skip"],
        "total": len(rows),
        "seconds": round(elapsed, 2),
    }
    print(
        f"conformance: {summary['total']} checks in {elapsed:.1f}s: {summary['deviations']} SHOULD-deviations (counted as passed), "
        f"{summary['expected_failures']} allow-listed failures (counted as skipped)"
    )
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(
            json.dumps(
                {
                    "tool": "scim2-tester",
                    "version": tester_version,
                    "base_url": base_url,
                    "summary": summary,
                    "unexpected_failures": unexpected,
                    "stale_allow_list_entries": stale,
                    "results": rows,
                },
                indent=2,
                default=str,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"conformance: JSON report in {args.report}")
    # Last line in the 'N passed, N failed, N skipped' form that CI log readers understand.
    print(f"conformance: {summary['passed']} passed, {summary['failed']} failed, {summary['skipped'] + summary['expected_failures']} skipped")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
