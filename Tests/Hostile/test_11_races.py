"""Uniqueness races: many clients create or rename to the same userName at once. Exactly one wins (201 or 200);
every other request is 409 uniqueness (RFC 7644 §3.3); afterwards exactly one user has the name.
"""

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import BULK_SCHEMA, PATCH_SCHEMA, RUN, SEARCH_SCHEMA, assert_scim_error, create_user, send, user_body

CLIENTS = 20


def together(requests):
    """Runs the callables at once (a barrier releases them together) and returns their answers in order."""
    barrier = threading.Barrier(len(requests))

    def run(request):
        barrier.wait()
        return request()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(run, requests))


def count_named(user_name):
    answer = send("POST", "Users/.search", {"schemas": [SEARCH_SCHEMA], "filter": f"userName eq {json.dumps(user_name)}"})
    assert answer.status == 200, answer
    return answer.json["totalResults"]


def check_one_winner(answers, winner_status):
    winners = [a for a in answers if a.status == winner_status]
    losers = [a for a in answers if a.status != winner_status]
    assert len(winners) == 1, f"{len(winners)} winners: {sorted(a.status for a in answers)} {answers[:3]!r}"
    for answer in losers:
        assert_scim_error(answer, 409, "uniqueness")


@pytest.mark.parametrize("variant", ["same", "same-case-insensitive"])
def test_concurrent_creates(variant):
    user_name = f"race-{RUN}-{uuid.uuid4().hex[:8]}@example.com"
    names = [user_name if variant == "same" or i % 2 == 0 else user_name.upper() for i in range(CLIENTS)]
    answers = together([lambda n=n: send("POST", "Users", user_body(n)) for n in names])
    check_one_winner(answers, 201)
    assert count_named(user_name) == 1


def test_concurrent_creates_with_metacharacters():
    user_name = f"race-{RUN}-%_'\\-{uuid.uuid4().hex[:8]}"
    answers = together([lambda: send("POST", "Users", user_body(user_name)) for _ in range(CLIENTS)])
    check_one_winner(answers, 201)
    assert count_named(user_name) == 1


def test_concurrent_renames_by_put():
    target = f"race-put-{RUN}-{uuid.uuid4().hex[:8]}@example.com"
    users = [create_user() for _ in range(10)]
    answers = together([lambda u=u: send("PUT", f"Users/{u['id']}", user_body(target)) for u in users])
    check_one_winner(answers, 200)
    assert count_named(target) == 1


def test_concurrent_renames_by_patch():
    target = f"race-patch-{RUN}-{uuid.uuid4().hex[:8]}@example.com"
    users = [create_user() for _ in range(10)]
    body = {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "path": "userName", "value": target}]}
    answers = together([lambda u=u: send("PATCH", f"Users/{u['id']}", body) for u in users])
    check_one_winner(answers, 200)
    assert count_named(target) == 1


def test_concurrent_bulk_creates():
    user_name = f"race-bulk-{RUN}-{uuid.uuid4().hex[:8]}@example.com"
    body = {"schemas": [BULK_SCHEMA], "Operations": [{"method": "POST", "path": "/Users", "bulkId": "u", "data": user_body(user_name)}]}
    answers = together([lambda: send("POST", "Bulk", body) for _ in range(10)])
    statuses = []
    for answer in answers:
        assert answer.status == 200, answer
        operation = answer.json["Operations"][0]
        statuses.append(int(operation["status"]))
        if int(operation["status"]) != 201:
            assert int(operation["status"]) == 409 and operation["response"].get("scimType") == "uniqueness", operation
    assert statuses.count(201) == 1, statuses
    assert count_named(user_name) == 1


def test_concurrent_create_and_delete():
    # Creates racing deletes of the same name: never a 5xx, and at most one user with the name at the end.
    user_name = f"race-del-{RUN}-{uuid.uuid4().hex[:8]}@example.com"
    first = create_user(user_name)
    requests = [lambda: send("DELETE", f"Users/{first['id']}") for _ in range(5)] + [lambda: send("POST", "Users", user_body(user_name)) for _ in range(10)]
    answers = together(requests)
    for answer in answers[:5]:
        assert answer.status == 204 or answer.status == 404, answer
        if answer.status == 404:
            assert_scim_error(answer, 404)
    assert [a.status for a in answers[:5]].count(204) >= 1, [a.status for a in answers[:5]]
    for answer in answers[5:]:
        assert answer.status in (201, 409), answer
        if answer.status == 409:
            assert_scim_error(answer, 409, "uniqueness")
    assert count_named(user_name) <= 1
