"""Paging extremes: startIndex and count at 0, negative, huge, non-numeric; cursors that were never issued.

RFC 7644 §3.4.2.4: a startIndex below 1 is interpreted as 1, a negative count as 0, a count above the maximum as
the maximum; a value that is not an integer may be refused with 400 (invalidValue). Answers must be coherent
ListResponses either way.
"""

import pytest

from conftest import RUN, SEARCH_SCHEMA, assert_answer, assert_list, get, query, send

SCOPE = f'userName sw "sentinel-{RUN}-"'

NUMERIC = {
    "0": 0,
    "-1": -1,
    "-2147483649": -2147483649,
    "1": 1,
    "7": 7,
    "2147483647": 2147483647,
    "2147483648": 2147483648,
    "9223372036854775807": 9223372036854775807,
    "9223372036854775808": 9223372036854775808,
    "99999999999999999999999999": 99999999999999999999999999,
}
NON_NUMERIC = ["abc", "1.5", "1e3", "", " 1", "1 ", "+1", "0x10", "１", "NaN", "-", "1,2", "'", "1;--", "%27"]


def check_page(answer, start_index, count, total=8):
    body = assert_list(answer)
    resources = body.get("Resources", [])
    effective_start = max(start_index, 1) if isinstance(start_index, int) else 1
    if isinstance(count, int) and count <= 0:
        assert resources == [], answer
    if isinstance(start_index, int) and start_index > total:
        assert resources == [], answer
    if isinstance(count, int) and count > 0 and effective_start <= total:
        assert len(resources) == min(count, total - effective_start + 1), answer
    assert body["totalResults"] == total, answer


@pytest.mark.parametrize("value", list(NUMERIC))
@pytest.mark.parametrize("param", ["startIndex", "count"])
def test_numeric_extremes_get(param, value, sentinels):
    answer = get(f"Users?{query({'filter': SCOPE, param: value})}")
    assert_answer(answer, ok=200, errors=400, scim_type=(None, "invalidValue", "tooMany"))
    if answer.status == 200:
        start = NUMERIC[value] if param == "startIndex" else 1
        count = NUMERIC[value] if param == "count" else 100
        check_page(answer, start, count)


@pytest.mark.parametrize("value", list(NUMERIC))
@pytest.mark.parametrize("param", ["startIndex", "count"])
def test_numeric_extremes_search(param, value, sentinels):
    answer = send("POST", "Users/.search", {"schemas": [SEARCH_SCHEMA], "filter": SCOPE, param: NUMERIC[value]})
    assert_answer(answer, ok=200, errors=400, scim_type=(None, "invalidValue", "tooMany", "invalidSyntax"))
    if answer.status == 200:
        start = NUMERIC[value] if param == "startIndex" else 1
        count = NUMERIC[value] if param == "count" else 100
        check_page(answer, start, count)


@pytest.mark.parametrize("value", NON_NUMERIC)
@pytest.mark.parametrize("param", ["startIndex", "count"])
def test_non_numeric_get(param, value, sentinels):
    answer = get(f"Users?{query({'filter': SCOPE, param: value})}")
    assert_answer(answer, ok=200, errors=400, scim_type=(None, "invalidValue", "invalidSyntax"))
    if answer.status == 200:
        assert_list(answer)


@pytest.mark.parametrize("value", ["abc", 1.5, -0.0, None, True, [1], {"n": 1}, "7"])
@pytest.mark.parametrize("param", ["startIndex", "count"])
def test_non_integer_search(param, value, sentinels):
    answer = send("POST", "Users/.search", {"schemas": [SEARCH_SCHEMA], "filter": SCOPE, param: value})
    assert_answer(answer, ok=200, errors=400, scim_type=(None, "invalidValue", "invalidSyntax"))
    if answer.status == 200:
        assert_list(answer)


@pytest.mark.parametrize(
    "params",
    [
        {"startIndex": "0", "count": "0"},
        {"startIndex": "-1", "count": "-1"},
        {"startIndex": "9", "count": "1"},
        {"startIndex": "8", "count": "1"},
        {"startIndex": "2147483647", "count": "2147483647"},
    ],
)
def test_combined(params, sentinels):
    answer = get(f"Users?{query({'filter': SCOPE, **params})}")
    assert_answer(answer, ok=200, errors=400)
    if answer.status == 200:
        check_page(answer, int(params["startIndex"]), int(params["count"]))


def test_duplicate_paging_parameters(sentinels):
    answer = get(f"Users?filter={query({'f': SCOPE})[2:]}&count=1&count=5&startIndex=1&startIndex=3")
    assert_answer(answer, ok=200, errors=400)
    if answer.status == 200:
        assert_list(answer)


@pytest.mark.parametrize(
    "cursor",
    ["", "garbage", "A" * 10_000, "' OR 1=1 --", "%00", "eyJpZCI6IjEifQ", "-1", "0", "../../etc/passwd", "\u00e9\u00e9"],
)
def test_cursors_never_issued(cursor, sentinels):
    # RFC 9865: a cursor the server did not issue (or that expired) is 400 invalidCursor; an empty one starts over.
    answer = get(f"Users?{query({'filter': SCOPE, 'cursor': cursor, 'count': '2'})}")
    assert_answer(answer, ok=200 if cursor == "" else (), errors=(400, 414), scim_type=("invalidCursor", "invalidValue", None))


def test_cursor_with_start_index(sentinels):
    answer = get(f"Users?{query({'filter': SCOPE, 'cursor': '', 'startIndex': '2'})}")
    assert_answer(answer, ok=200, errors=400)


@pytest.mark.parametrize("resource", ["Groups", ""])
@pytest.mark.parametrize("params", [{"startIndex": "-5"}, {"count": "-5"}, {"count": "99999999999"}, {"startIndex": "abc"}, {"count": "0"}])
def test_other_endpoints(resource, params, sentinels):
    if resource == "":
        answer = send("POST", ".search", {"schemas": [SEARCH_SCHEMA], "filter": SCOPE, **{k: v for k, v in params.items()}})
    else:
        answer = get(f"{resource}?{query(params)}")
    assert_answer(answer, ok=200, errors=400)
    if answer.status == 200:
        assert_list(answer)
