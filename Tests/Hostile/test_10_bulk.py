"""Bulk (RFC 7644 §3.7): too many operations, too large, circular and dangling bulkId references, failOnErrors
extremes, malformed operations. A refused request is a SCIM error; an accepted one is a BulkResponse whose every
operation has a status, none of them 5xx, and whose errors carry SCIM error bodies.
"""

import json
import uuid

import pytest

from conftest import BULK_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA, RUN, USER_SCHEMA, assert_answer, assert_scim_error, get, send, user_body

BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"


def bulk(operations, **extra):
    return {"schemas": [BULK_SCHEMA], "Operations": operations, **extra}


def new_user(bulk_id=None, tag="bulk"):
    operation = {"method": "POST", "path": "/Users", "data": user_body(f"{tag}-{RUN}-{uuid.uuid4().hex[:10]}@example.com")}
    if bulk_id is not None:
        operation["bulkId"] = bulk_id
    return operation


def new_group(bulk_id, members):
    return {
        "method": "POST",
        "path": "/Groups",
        "bulkId": bulk_id,
        "data": {"schemas": [GROUP_SCHEMA], "displayName": f"bulk-{RUN}-{uuid.uuid4().hex[:10]}", "members": [{"value": m} for m in members]},
    }


def check_bulk_response(answer, operations_sent=None):
    assert answer.status == 200, answer
    body = answer.json
    assert BULK_RESPONSE in body.get("schemas", []), answer
    results = body.get("Operations", [])
    if operations_sent is not None:
        assert len(results) <= operations_sent, answer
    for result in results:
        status = int(result["status"] if not isinstance(result["status"], dict) else result["status"]["code"])
        assert status < 500, f"an operation answered {status}: {result}"
        if status >= 400 and "response" in result:
            response = result["response"]
            assert "urn:ietf:params:scim:api:messages:2.0:Error" in response.get("schemas", []), result
            assert str(response.get("status")) == str(status), result
    return results


def statuses(results):
    return [int(r["status"]) for r in results]


def test_too_many_operations():
    answer = send("POST", "Bulk", bulk([{"method": "DELETE", "path": "/Users/none"}] * 1_001))
    assert_scim_error(answer, 413)


def test_payload_over_max():
    padding = "p" * (5 * 1024 * 1024)
    answer = send("POST", "Bulk", bulk([new_user("big") | {"data": user_body(f"bulk-big-{RUN}@example.com", nickName=padding)}]))
    assert_scim_error(answer, 413)


def test_ten_thousand_operations():
    answer = send("POST", "Bulk", bulk([{"method": "DELETE", "path": "/Users/none"}] * 10_000))
    assert_scim_error(answer, 413)


def test_max_operations_exactly():
    # 1,000 operations is the advertised maximum: answered, each refused operation a 404.
    answer = send("POST", "Bulk", bulk([{"method": "DELETE", "path": "/Users/00000000-0000-0000-0000-000000000000"}] * 1_000, failOnErrors=2000))
    results = check_bulk_response(answer, 1_000)
    assert all(status == 404 for status in statuses(results)), results[:3]


def test_circular_references_two():
    operations = [new_group("a", ["bulkId:b"]), new_group("b", ["bulkId:a"])]
    answer = send("POST", "Bulk", bulk(operations))
    assert_answer(answer, ok=200, errors=(400, 409))
    if answer.status == 200:
        results = check_bulk_response(answer, 2)
        assert all(400 <= s < 500 for s in statuses(results)), results


def test_circular_self_reference():
    answer = send("POST", "Bulk", bulk([new_group("self", ["bulkId:self"])]))
    assert_answer(answer, ok=200, errors=(400, 409))
    if answer.status == 200:
        assert all(400 <= s < 500 for s in statuses(check_bulk_response(answer, 1)))


def test_long_cycle():
    n = 200
    operations = [new_group(f"g{i}", [f"bulkId:g{(i + 1) % n}"]) for i in range(n)]
    answer = send("POST", "Bulk", bulk(operations))
    assert_answer(answer, ok=200, errors=(400, 409))
    if answer.status == 200:
        assert all(400 <= s < 500 for s in statuses(check_bulk_response(answer, n)))


def test_long_chain_resolves():
    # g0 <- g1 <- ... <- g199 (each group has the previous as member), sent in reverse order: all created.
    n = 200
    operations = [new_group("g0", [])] + [new_group(f"g{i}", [f"bulkId:g{i - 1}"]) for i in range(1, n)]
    operations.reverse()
    answer = send("POST", "Bulk", bulk(operations))
    results = check_bulk_response(answer, n)
    assert statuses(results) == [201] * n, sorted(set(statuses(results)))


def test_dangling_reference():
    answer = send("POST", "Bulk", bulk([new_group("x", ["bulkId:never"])]))
    assert_answer(answer, ok=200, errors=(400, 409))
    if answer.status == 200:
        assert all(400 <= s < 500 for s in statuses(check_bulk_response(answer, 1)))


def test_reference_to_failed_operation():
    failing = {"method": "POST", "path": "/Users", "bulkId": "bad", "data": {"schemas": [USER_SCHEMA], "userName": 42}}
    answer = send("POST", "Bulk", bulk([failing, new_group("g", ["bulkId:bad"])]))
    assert_answer(answer, ok=200, errors=400)
    if answer.status == 200:
        assert all(400 <= s < 500 for s in statuses(check_bulk_response(answer, 2)))


def test_duplicate_bulk_ids():
    answer = send("POST", "Bulk", bulk([new_user("dup"), new_user("dup"), new_group("g", ["bulkId:dup"])]))
    assert_answer(answer, ok=200, errors=400)
    if answer.status == 200:
        check_bulk_response(answer, 3)


@pytest.mark.parametrize("bulk_id", ["", "bulkId:x", "' OR 1=1 --", "a" * 10_000, "\u0000", "%", "../x"])
def test_odd_bulk_ids(bulk_id):
    answer = send("POST", "Bulk", bulk([new_user(bulk_id), new_group("g", [f"bulkId:{bulk_id}"])]))
    assert_answer(answer, ok=200, errors=(400, 413))
    if answer.status == 200:
        check_bulk_response(answer, 2)


# failOnErrors beyond Int's range: see test_90 (they crashed the gateway).
@pytest.mark.parametrize("fail_on_errors", [0, -1, 1, 2, 1_000_000, 2**31, "abc", 1.5, None, True, [], {}])
def test_fail_on_errors_extremes(fail_on_errors):
    operations = [{"method": "DELETE", "path": "/Users/00000000-0000-0000-0000-000000000000"}] * 5 + [new_user(f"after-{uuid.uuid4().hex[:6]}")]
    answer = send("POST", "Bulk", bulk(operations, failOnErrors=fail_on_errors))
    assert_answer(answer, ok=200, errors=400, scim_type=("invalidValue", "invalidSyntax", None))
    if answer.status == 200:
        results = check_bulk_response(answer, 6)
        if type(fail_on_errors) is int and fail_on_errors in (1, 2):
            # RFC 7644 §3.7.3: stop after that many errors.
            assert len(results) == fail_on_errors, results


MALFORMED_OPERATIONS = {
    "method-unknown": {"method": "HOSTILE", "path": "/Users"},
    "method-lower": {"method": "post", "path": "/Users", "bulkId": "l", "data": user_body(f"bulk-lower-{RUN}@example.com")},
    "method-get": {"method": "GET", "path": "/Users"},
    "method-missing": {"path": "/Users"},
    "method-number": {"method": 1, "path": "/Users"},
    "path-missing": {"method": "DELETE"},
    "path-relative": {"method": "DELETE", "path": "Users/x"},
    "path-dot-dot": {"method": "DELETE", "path": "/Users/../Groups/x"},
    "path-absolute-url": {"method": "DELETE", "path": "http://evil.example.com/Users/x"},
    "path-bulk": {"method": "POST", "path": "/Bulk", "bulkId": "r", "data": {"schemas": [BULK_SCHEMA], "Operations": []}},
    "path-search": {"method": "POST", "path": "/Users/.search", "bulkId": "s", "data": {"filter": "userName pr"}},
    "path-nul": {"method": "DELETE", "path": "/Users/\u0000"},
    "path-long": {"method": "DELETE", "path": "/Users/" + "x" * 100_000},
    "post-without-bulkId": {"method": "POST", "path": "/Users", "data": user_body(f"bulk-nobulkid-{RUN}@example.com")},
    "post-without-data": {"method": "POST", "path": "/Users", "bulkId": "d"},
    "post-data-string": {"method": "POST", "path": "/Users", "bulkId": "d", "data": "x"},
    "post-emails-object": {"method": "POST", "path": "/Users", "bulkId": "e", "data": user_body(f"bulk-emails-{RUN}@example.com", emails={"value": "x"})},
    "post-nul-userName": {"method": "POST", "path": "/Users", "bulkId": "n", "data": user_body(f"bulk-nul-{RUN}\u0000@example.com")},
    "patch-bad-op": {"method": "PATCH", "path": "/Users/x", "data": {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "hostile"}]}},
    "put-no-data": {"method": "PUT", "path": "/Users/x"},
    "version-garbage": {"method": "DELETE", "path": "/Users/x", "version": "garbage"},
    "operation-string": "DELETE /Users/x",
    "operation-null": None,
    "nested-operations": {"method": "POST", "path": "/Users", "bulkId": "z", "Operations": [{"method": "DELETE"}]},
}


@pytest.mark.parametrize("case", list(MALFORMED_OPERATIONS))
def test_malformed_operation(case):
    answer = send("POST", "Bulk", bulk([MALFORMED_OPERATIONS[case]]))
    ok = (200,)
    assert_answer(answer, ok=ok, errors=(400, 413))
    if answer.status == 200:
        results = check_bulk_response(answer, 1)
        if case in ("method-unknown", "method-missing", "method-number", "path-missing", "path-bulk", "post-without-data", "post-data-string", "post-emails-object", "post-nul-userName", "patch-bad-op", "put-no-data", "operation-string", "operation-null", "path-absolute-url", "path-nul", "post-without-bulkId"):
            assert all(400 <= s < 500 for s in statuses(results)), (case, results)


BAD_ENVELOPES = {
    "operations-missing": {"schemas": [BULK_SCHEMA]},
    "operations-object": {"schemas": [BULK_SCHEMA], "Operations": {"method": "DELETE"}},
    "operations-string": {"schemas": [BULK_SCHEMA], "Operations": "x"},
    "schemas-wrong": {"schemas": ["urn:hostile"], "Operations": []},
    "not-an-object": [],
}


@pytest.mark.parametrize("case", list(BAD_ENVELOPES))
def test_bad_envelope(case):
    answer = send("POST", "Bulk", BAD_ENVELOPES[case])
    ok = (200,) if case == "schemas-wrong" else ()
    assert_answer(answer, ok=ok, errors=400, scim_type=("invalidSyntax", "invalidValue"))


def test_empty_operations():
    answer = send("POST", "Bulk", bulk([]))
    assert_answer(answer, ok=200, errors=400)


def test_bulk_against_sentinels_refused(sentinels):
    # Every operation on a sentinel is refused (stale version, bad PATCH, NUL) and none may change it.
    sentinel = sentinels.path("percent")
    operations = [
        {"method": "DELETE", "path": "/" + sentinel, "version": 'W/"999999"'},
        {"method": "PATCH", "path": "/" + sentinel, "data": {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "path": "displayName", "value": "x"}, {"op": "hostile"}]}},
        {"method": "PUT", "path": "/" + sentinel, "version": 'W/"999999"', "data": user_body(sentinels.users["percent"]["userName"])},
        {"method": "PATCH", "path": "/" + sentinel, "data": {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "path": "emails", "value": "x@example.com"}]}},
        {"method": "DELETE", "path": f"/Groups/{sentinels.group['id']}", "version": 'W/"999999"'},
    ]
    answer = send("POST", "Bulk", bulk(operations, failOnErrors=100))
    results = check_bulk_response(answer, len(operations))
    assert len(results) == len(operations), results
    assert all(400 <= s < 500 for s in statuses(results)), results
    assert statuses(results)[0] == 412 and statuses(results)[2] == 412 and statuses(results)[4] == 412, results


def test_bulk_reading_back_created():
    answer = send("POST", "Bulk", bulk([new_user("u1"), new_group("g1", ["bulkId:u1"])]))
    results = check_bulk_response(answer, 2)
    assert statuses(results) == [201, 201], results
    location = results[1]["location"]
    group_id = location.rstrip("/").split("/")[-1]
    read = get(f"Groups/{group_id}")
    assert read.status == 200 and len(read.json.get("members", [])) == 1, read
