"""After the corpus: the stack is alive (every service) and the sentinels are byte-for-byte what they were.

Runs last (pytest collects files in name order). The gateway's /readyz asks the token, directory and mapping
services; a SCIM read goes gateway -> directory; `provisio up` exits when any service dies, so its process running
is the fourth check.
"""

import os
import urllib.request

from conftest import GATEWAY, STACK_PID, SENTINEL_NAMES, RUN, SEARCH_SCHEMA, get, send, sentinel_snapshot_paths


def test_stack_alive_and_sentinels_intact(sentinels):
    problems = []
    if STACK_PID:
        try:
            os.kill(STACK_PID, 0)
        except ProcessLookupError:
            problems.append(f"provisio up (pid {STACK_PID}) is no longer running")
    try:
        with urllib.request.urlopen(GATEWAY + "/readyz", timeout=10) as response:
            if response.status != 200:
                problems.append(f"/readyz answered {response.status}")
    except Exception as error:  # noqa: BLE001 - any failure to answer is the finding
        problems.append(f"/readyz failed: {error}")
    try:
        listing = get("Users?count=1")
        if listing.status != 200:
            problems.append(f"GET /Users answered {listing.status}")
        for path in sentinel_snapshot_paths(sentinels):
            answer = get(path)
            if answer.status != 200:
                problems.append(f"{path}: {answer.status} {answer.text[:300]}")
            elif answer.body != sentinels.snapshots[path]:
                problems.append(f"{path} changed:\n  before {sentinels.snapshots[path][:600]!r}\n  after  {answer.body[:600]!r}")
        scoped = send("POST", "Users/.search", {"schemas": [SEARCH_SCHEMA], "filter": f'userName sw "sentinel-{RUN}-"'})
        if scoped.status != 200 or scoped.json.get("totalResults") != len(SENTINEL_NAMES):
            problems.append(f"the sentinel search found {scoped.status} {scoped.text[:300]}")
    except OSError as error:
        problems.append(f"the gateway did not answer: {error}")
    assert not problems, "\n".join(problems)
