"""Faults under load (issue 19, item 9): an Entra-style initial sync while services are killed with SIGKILL.

The sync is what Entra does for each user: `GET /Users?filter=userName eq "…"`, then `POST /Users` when the answer
is empty. The client retries as an IdP would: on a connection error, a 5xx or a 429 it waits and tries the same step
again (a POST that gets 409 after a retry was applied before its answer was lost; it counts as created). Meanwhile
the fault thread kills, one after the other, the directory, the token service, the mapping service and the gateway
(kill -9: no drain, no goodbye), and on PostgreSQL restarts the server with `pg_ctl restart -m immediate`. `provisio
up` restarts the services it supervises.

Afterwards every user is read back through the SCIM API, and the counts are printed:
- lost: writes answered 2xx whose user is missing or differs from what was sent (must be 0);
- duplicates: userNames present more than once (must be 0);
- missing: users of the sync that never got created (must be 0).
Exits non-zero when any count is not 0, when a fault could not be injected, or when the sync did not finish in time.

Standard library only, so CI needs no virtualenv for it.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

SERVICES = ["DirectoryService", "TokenService", "MappingService", "ScimGateway"]


def service_pids(name, data_dir):
    """PIDs of the service `name` whose working directory is this stack's data folder (provisio up sets it)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            exe = os.path.basename(os.readlink(f"/proc/{entry}/exe"))
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        if exe == name and os.path.realpath(cwd) == os.path.realpath(data_dir):
            pids.append(int(entry))
    return pids


class Client:
    def __init__(self, base, token, deadline):
        self.base, self.token, self.deadline = base, token, deadline
        self.retries = 0
        self.server_errors = {}  # 5xx status -> count; an outage must be a 503 with Retry-After, never another 5xx
        self.lock = threading.Lock()

    def send(self, method, path, body=None):
        """One SCIM exchange, retried like an IdP on connection errors, 5xx and 429; returns (status, json)."""
        delay = 0.1
        while True:
            data = json.dumps(body).encode() if body is not None else None
            request = urllib.request.Request(
                self.base + path, data=data, method=method,
                headers={"Authorization": "Bearer " + self.token, "Content-Type": "application/scim+json"})
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    return answer.status, json.loads(answer.read() or b"null")
            except urllib.error.HTTPError as error:
                if error.code < 500 and error.code != 429:
                    return error.code, json.loads(error.read() or b"null")
                retry_after = error.headers.get("Retry-After")
                if error.code >= 500:
                    key = error.code if error.code != 503 or retry_after else "503 without Retry-After"
                    with self.lock:
                        self.server_errors[key] = self.server_errors.get(key, 0) + 1
                if retry_after and retry_after.isdigit():
                    delay = max(delay, min(float(retry_after), 5.0))
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            with self.lock:
                self.retries += 1
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"{method} {path}: still failing at the deadline")
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 2.0)


def user(run, index):
    name = f"fault-{run}-{index:05d}@example.com"
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": name,
        "externalId": f"ext-{run}-{index}",
        "displayName": f"Fault User {index}",
        "name": {"givenName": "Fault", "familyName": f"User{index}"},
        "emails": [{"value": name, "type": "work", "primary": True}],
        "active": True,
    }


def sync_one(client, resource, acknowledged, outcome):
    filter_text = urllib.parse.quote(f'userName eq "{resource["userName"]}"')
    status, page = client.send("GET", f"/Users?filter={filter_text}")
    if status != 200:
        raise RuntimeError(f"GET filter answered {status}: {page}")
    if page.get("totalResults", 0) > 0:
        outcome["found"] += 1
        return
    status, body = client.send("POST", "/Users", resource)
    if status == 201:
        acknowledged[resource["userName"]] = resource
        outcome["created"] += 1
    elif status == 409:
        outcome["conflict"] += 1  # an earlier try was applied before its answer was lost
    else:
        raise RuntimeError(f"POST answered {status}: {body}")


def read_all(client):
    users, start = [], 1
    while True:
        status, page = client.send("GET", f"/Users?startIndex={start}&count=100")
        if status != 200:
            raise RuntimeError(f"list answered {status}: {page}")
        resources = page.get("Resources", [])
        users += resources
        if not resources or start + len(resources) > page["totalResults"]:
            return users
        start += len(resources)


def same_content(sent, stored):
    for key in ("userName", "externalId", "displayName", "active"):
        if sent[key] != stored.get(key):
            return False
    if sent["name"]["familyName"] != stored.get("name", {}).get("familyName"):
        return False
    return [e["value"] for e in sent["emails"]] == [e.get("value") for e in stored.get("emails", [])]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--demo", required=True, help="the stack's demo.json")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--pg-restart", help="pg_ctl restart command to run mid-sync (PostgreSQL)")
    args = parser.parse_args()

    demo = json.load(open(args.demo))
    client = Client(demo["scimBaseURL"], demo["token"], time.monotonic() + args.timeout)
    run = f"{int(time.time())}{random.randrange(1000)}"
    resources = [user(run, i) for i in range(args.users)]
    acknowledged, lock = {}, threading.Lock()
    outcome = {"created": 0, "found": 0, "conflict": 0}
    progress = {"done": 0}
    errors = []
    queue = list(reversed(resources))

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                resource = queue.pop()
            try:
                local = {"created": 0, "found": 0, "conflict": 0}
                acks = {}
                sync_one(client, resource, acks, local)
                with lock:
                    acknowledged.update(acks)
                    for key in outcome:
                        outcome[key] += local[key]
                    progress["done"] += 1
            except Exception as error:  # noqa: BLE001 - every failure is counted and reported
                with lock:
                    errors.append(f"{resource['userName']}: {error}")
                    progress["done"] += 1

    faults = [(name, None) for name in SERVICES]
    if args.pg_restart:
        faults.insert(2, ("PostgreSQL", args.pg_restart))
    injected = []

    def injector():
        for step, (name, command) in enumerate(faults, start=1):
            threshold = args.users * step // (len(faults) + 1)
            while progress["done"] < threshold and progress["done"] < args.users:
                time.sleep(0.02)
            if progress["done"] >= args.users:
                return
            if command:
                result = subprocess.run(command, shell=True, capture_output=True, text=True)
                injected.append((name, "restarted" if result.returncode == 0 else f"restart failed: {result.stderr.strip()}"))
                continue
            pids = service_pids(name, args.data_dir)
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            injected.append((name, f"killed pid {pids}" if pids else "not found"))

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.workers)] + [threading.Thread(target=injector)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    stored = read_all(client)
    by_name = {}
    for resource in stored:
        by_name.setdefault(resource["userName"], []).append(resource)
    ours = {r["userName"] for r in resources}
    duplicates = sum(len(v) - 1 for name, v in by_name.items() if len(v) > 1)
    lost = sum(1 for name, sent in acknowledged.items() if name not in by_name or not same_content(sent, by_name[name][0]))
    missing = sum(1 for name in ours if name not in by_name)

    print(f"faults: {args.users} users in {elapsed:.1f} s, {args.workers} workers, {client.retries} retried exchanges")
    for name, what in injected:
        print(f"faults: {name}: {what}")
    print(f"faults: acknowledged creates {outcome['created']}, found on a retried check {outcome['found']}, "
          f"409 after a retried POST {outcome['conflict']}, errors {len(errors)}")
    print(f"faults: lost {lost}, duplicates {duplicates}, missing {missing}")
    print(f"faults: 5xx answers {dict(sorted(client.server_errors.items(), key=str)) or 'none'} (only 503 with Retry-After may appear)")
    for error in errors[:10]:
        print(f"faults: error: {error}")
    unexpected_5xx = any(status != 503 for status in client.server_errors)
    failed = lost or duplicates or missing or errors or unexpected_5xx or any("not found" in w or "failed" in w for _, w in injected)
    failed = failed or len(injected) < len(faults)
    print(f"{0 if failed else 1} passed, {1 if failed else 0} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
