"""Filters: SQL metacharacters and LIKE wildcards that must match literally, broken grammar, bare words, bad
percent-encoding, unknown attributes, NUL, long values. Sent as GET query parameters and as POST /.search bodies.

The sentinel users carry %, _, ', \\, ", ;-- and * in their userNames; each literal-match case scopes its filter
to this run's sentinels and compares the exact set returned with what a literal, case-insensitive comparison
(userName is caseExact=false) of the sentinels gives.
"""

import json

import pytest

from conftest import (
    RUN,
    SENTINEL_NAMES,
    SEARCH_SCHEMA,
    assert_answer,
    assert_list,
    assert_scim_error,
    get,
    query,
    send,
)

PREFIX = f"sentinel-{RUN}-"
SUFFIX = "@example.com"


def scim_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def run_filter(filter_text: str, transport: str, resource: str = "Users", extra: dict | None = None):
    if transport == "get":
        params = {"filter": filter_text, "count": "200", **(extra or {})}
        return get(f"{resource}?{query(params)}")
    body = {"schemas": [SEARCH_SCHEMA], "filter": filter_text, "count": 200, **(extra or {})}
    return send("POST", f"{resource}/.search", body)


def literal(op: str, name: str, value: str) -> bool:
    name, value = name.lower(), value.lower()
    return {
        "eq": name == value,
        "ne": name != value,
        "co": value in name,
        "sw": name.startswith(value),
        "ew": name.endswith(value),
    }[op]


FRAGMENTS = [
    "%", "_", "'", "\\", '"', ";--", "*", "[x]", "50%", "%off", "snake_case", "snake%case", "sn_ke", "s%e",
    "o'brien", "' OR '1'='1", "'--", "%'", "\\%", "\\_", "back\\slash", "%%", "__", "*r[", "st*r", "x]", "[", "^", "$",
    ".*", "?", "say\"hi\"", "drop;", "%@", "_@", "'; DROP TABLE users; --", "/*", "*/", "`", "\\\\", "\u00e9", "OFF",
]
SW_FRAGMENTS = ["%", "_", "50%", "50_", "5_%", "snake_", "snake%", "o'", "o_b", "back\\", "back%", "say\"", "drop;-", "st*", "st_r", "%plain", "PLAIN"]
EW_FRAGMENTS = ["%", "_", "%off", "_off", "_case", "%case", "'brien", "\\slash", "%slash", "hi\"", ";--", "r[x]", "_[x]", "%[x]", "PLAIN", "%.com"]
EQ_VALUES = [
    *SENTINEL_NAMES.values(),
    *(name.upper() for name in SENTINEL_NAMES.values()),
    PREFIX + "50_off" + SUFFIX,
    PREFIX + "50%" + SUFFIX,
    PREFIX + "%" + SUFFIX,
    PREFIX + "snake%case" + SUFFIX,
    PREFIX + "o''brien" + SUFFIX,
    PREFIX + "back\\\\slash" + SUFFIX,
    PREFIX + "st_r[x]" + SUFFIX,
    "%",
    "_",
    "' OR '1'='1",
]

LITERAL_CASES = (
    [("co", f) for f in FRAGMENTS]
    + [("sw", PREFIX + f) for f in SW_FRAGMENTS]
    + [("ew", f + SUFFIX if not f.endswith(".com") else f) for f in EW_FRAGMENTS]
    + [("eq", v) for v in EQ_VALUES]
    + [("ne", v) for v in list(SENTINEL_NAMES.values())[:3]]
)


@pytest.mark.parametrize("transport", ["get", "search"])
@pytest.mark.parametrize("op,value", LITERAL_CASES, ids=[f"{op}-{value!r}" for op, value in LITERAL_CASES])
def test_metacharacters_match_literally(op, value, transport, sentinels):
    filter_text = f"userName sw {scim_string(PREFIX)} and userName {op} {scim_string(value)}"
    body = assert_list(run_filter(filter_text, transport))
    found = {r["userName"] for r in body.get("Resources", [])}
    expected = {name for name in SENTINEL_NAMES.values() if literal(op, name, value)}
    assert found == expected, f"filter {filter_text!r}: expected {sorted(expected)}, got {sorted(found)}"
    assert body["totalResults"] == len(expected)


OTHER_ATTRIBUTE_CASES = [
    ("externalId eq", "externalId", "eq", f"ext-{RUN}-percent", {"percent"}),
    ("externalId co %", "externalId", "co", "%", set()),
    ("externalId co _", "externalId", "co", "_", set()),
    ("externalId sql", "externalId", "eq", "' OR 1=1 --", set()),
    ("externalId sw", "externalId", "sw", f"ext-{RUN}-", set(SENTINEL_NAMES)),
    ("emails.value co %", "emails.value", "co", "%", set()),
    ("emails.value eq", "emails.value", "eq", "quote@sentinel.example.com", {"quote"}),
    ("emails.value ew", "emails.value", "ew", "@SENTINEL.example.com", set(SENTINEL_NAMES)),
    ("emails.value sql", "emails.value", "eq", "x' OR 'a'='a", set()),
    ("name.givenName co _", "name.givenName", "co", "_", set()),
    ("name.givenName eq", "name.givenName", "eq", "Sentinel star", {"star"}),
    ("displayName co '", "displayName", "co", "'", set()),
    ("emails[value co]", "emails[value co", None, "%", set()),
]


@pytest.mark.parametrize("transport", ["get", "search"])
@pytest.mark.parametrize("case", OTHER_ATTRIBUTE_CASES, ids=[c[0] for c in OTHER_ATTRIBUTE_CASES])
def test_other_attributes_literally(case, transport, sentinels):
    _, attribute, op, value, keys = case
    if op is None:  # value filter form
        expression = f"emails[value co {scim_string(value)}]"
    else:
        expression = f"{attribute} {op} {scim_string(value)}"
    filter_text = f"userName sw {scim_string(PREFIX)} and {expression}"
    body = assert_list(run_filter(filter_text, transport))
    found = {r["userName"] for r in body.get("Resources", [])}
    assert found == {SENTINEL_NAMES[k] for k in keys}, f"{filter_text!r} -> {sorted(found)}"


@pytest.mark.parametrize("transport", ["get", "search"])
@pytest.mark.parametrize("value", ["%", "_", "sentinel-group-%", "' OR 1=1 --", f"sentinel-group-{RUN}", f"SENTINEL-GROUP-{RUN}"])
def test_group_display_name_literally(value, transport, sentinels):
    body = assert_list(run_filter(f"displayName eq {scim_string(value)}", transport, "Groups"))
    found = {r["displayName"] for r in body.get("Resources", [])}
    expected = {f"sentinel-group-{RUN}"} if value.lower() == f"sentinel-group-{RUN}" else set()
    assert found == expected


# Grammar errors: 400 invalidFilter (RFC 7644 §3.4.2.2, Figure 1; issue 19 item 3 for bare words).
INVALID_FILTERS = [
    "userName eq admin",
    "userName eq admin@example.com",
    "userName eq sentinel",
    "userName co %",
    "userName eq 'single'",
    'userName eq "unterminated',
    'userName eq "a"b"',
    '(userName eq "a"',
    'userName eq "a")',
    '((userName eq "a")',
    "()",
    'userName eq "a" and',
    'and userName eq "a"',
    'userName eq "a" or or userName eq "b"',
    'userName eq "a" userName eq "b"',
    'userName zz "a"',
    'userName like "a%"',
    'userName == "a"',
    "userName",
    "userName eq",
    'eq "a"',
    '"a" eq userName',
    'emails[value eq "a"',
    'emails[value eq "a"]]',
    'emails[[value eq "a"]]',
    "emails[]",
    'not userName eq "a"',
    "not()",
    'userName pr "a"',
    'userName eq "a" and (',
    'userName eq "a"; DROP TABLE users',
    'userName eq "a" ;--',
    'userName eq "a" --',
    'userName eq "\\q"',
    'userName eq "\\u12"',
    "userName eq -",
    "userName eq 1e",
    "userName eq 0x10",
    "userName eq NaN",
    "userName eq .5.5",
    'userName eq "a" and not',
    'userName eq "a" or ()',
    "[",
    "]",
    '"',
    "%",
    ";",
    "*",
    'userName eq "a" )(',
    'emails[type eq "work" emails]',
    'userName eq "a" ] or [',
]


@pytest.mark.parametrize("transport", ["get", "search"])
@pytest.mark.parametrize("filter_text", INVALID_FILTERS)
def test_invalid_filter(filter_text, transport):
    assert_scim_error(run_filter(filter_text, transport), 400, "invalidFilter")


# Well-formed filters the server may answer (no or some results) or refuse as unsupported (400 invalidFilter).
DEBATABLE_FILTERS = [
    'emails[value eq "a"].value eq "b"',  # not in RFC 7644's filter ABNF, but a path some servers accept
    'hostile eq "x"',
    'urn:hostile:2.0:User:foo eq "x"',
    'userName.sub eq "x"',
    'emails.value.x eq "x"',
    'meta.lastModified gt "not a date"',
    'meta.lastModified gt "9999-99-99T99:99:99Z"',
    "userName eq true",
    "userName eq 1",
    "userName eq null",
    "userName gt null",
    "active eq \"maybe\"",
    "active gt true",
    'name eq "x"',
    "emails pr",
    'members eq "x"',
    'password eq "x"',
    'groups.value eq "x"',
    'id eq "\' OR 1=1 --"',
    'id eq "%"',
    'meta.version eq "W/\\"1\\""',
    "x" * 10_000 + ' eq "a"',
    'userName eq "' + "v" * 100_000 + '"',
    "userName\teq\t\"x\"",
    "userName  eq   \"x\"",
    "userName EQ \"x\"",
    "USERNAME eq \"x\"",
    "userName eq TRUE",
    'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"',
    "",
    " ",
]


@pytest.mark.parametrize("transport", ["get", "search"])
@pytest.mark.parametrize("filter_text", DEBATABLE_FILTERS, ids=[f[:60] + (f"...{len(f)}" if len(f) > 60 else "") for f in DEBATABLE_FILTERS])
def test_debatable_filter(filter_text, transport):
    answer = run_filter(filter_text, transport)
    assert_answer(answer, ok=200, errors=(400, 413, 414), scim_type=None)
    if answer.status == 200:
        body = assert_list(answer)
        if filter_text.startswith("id eq") or "hostile" in filter_text or "password" in filter_text:
            assert body["totalResults"] == 0, answer
    elif answer.status == 400:
        assert answer.json.get("scimType") in ("invalidFilter", "invalidValue", "invalidPath", None), answer


# NUL: 400 before the store, on both engines (issue 19).
NUL_FILTERS = ['userName eq "\\u0000"', 'userName eq "a\\u0000b"', 'userName co "\\u0000"', 'emails[value eq "\\u0000"]', 'externalId sw "\\u0000"']


@pytest.mark.parametrize("transport", ["get", "search"])
@pytest.mark.parametrize("filter_text", NUL_FILTERS)
def test_nul_in_filter_value(filter_text, transport):
    assert_scim_error(run_filter(filter_text, transport), 400)


@pytest.mark.parametrize("raw", ['userName%20eq%20%22a%00b%22', 'userName%20eq%20%22%00%22', 'userName%00eq%20%22a%22'])
def test_percent_encoded_nul_in_query(raw):
    assert_scim_error(get(f"Users?filter={raw}"), 400)


# Raw query strings whose percent-encoding does not decode: 400 invalidFilter (issue 19 item 3).
BAD_PERCENT = [
    "userName%20eq%20%22a%ZZ%22",
    "userName%20eq%20%22a%",
    "userName%20eq%20%22a%4%22",
    "userName%20eq%20%22a%G0%22",
    "userName%20eq%20%22a%u0041%22",
    "%ZZ",
    "userName%20eq%20%22%FF%FE%22",  # decodes to bytes that are not UTF-8
    "userName%20eq%20%22%C0%AF%22",  # overlong UTF-8
]


@pytest.mark.parametrize("raw", BAD_PERCENT)
def test_bad_percent_encoding_in_filter(raw):
    assert_scim_error(get(f"Users?filter={raw}"), 400, "invalidFilter")


@pytest.mark.parametrize(
    "raw",
    ["count=%ZZ", "startIndex=%", "attributes=%ZZ", "sortBy=%G1", "excludedAttributes=userName%", "%ZZ=1", "filter=userName%20pr&count=%ZZ"],
)
def test_bad_percent_encoding_elsewhere_in_query(raw):
    assert_scim_error(get(f"Users?{raw}"), 400)


@pytest.mark.parametrize(
    "raw,ok",
    [
        ("filter=userName+eq+%22x%22", (200,)),  # + as a space (form encoding) or a literal +: either way well-formed
        ("filter=userName%20pr&filter=userName%20eq%20%22x%22", (200,)),  # repeated parameter
        ("filter", (200,)),
        ("filter=", (200,)),
        ("&&&", (200,)),
        ("=", (200,)),
        ("filter=userName%20pr#fragment", (200,)),
        ("FILTER=userName%20eq%20%22x%22", (200,)),
    ],
)
def test_odd_query_strings(raw, ok):
    answer = get(f"Users?{raw}")
    assert_answer(answer, ok=ok, errors=400)
    if answer.status == 200:
        assert_list(answer)


# Projection and sorting parameters with hostile values: served (ignoring what is unknown) or refused with 400.
PARAMS = [
    {"sortBy": "userName; DROP TABLE users"},
    {"sortBy": "' OR 1=1 --"},
    {"sortBy": "hostile"},
    {"sortBy": "emails[value eq \"x\"]"},
    {"sortBy": "x" * 10_000},
    {"sortBy": "userName", "sortOrder": "sideways"},
    {"sortBy": "userName", "sortOrder": "descending;--"},
    {"sortOrder": "descending"},
    {"attributes": "userName,'--"},
    {"attributes": ",".join(f"a{i}" for i in range(5_000))},
    {"attributes": "..,..,."},
    {"attributes": 'emails[value eq "x"]'},
    {"attributes": "urn:ietf:params:scim:schemas:core:2.0:User:"},
    {"excludedAttributes": "userName,id,schemas"},
    {"excludedAttributes": "*"},
    {"excludedAttributes": ",,,,"},
    {"attributes": "userName", "excludedAttributes": "userName"},
]


@pytest.mark.parametrize("transport", ["get", "search"])
@pytest.mark.parametrize("params", PARAMS, ids=[json.dumps(p)[:60] for p in PARAMS])
def test_hostile_projection_and_sort(params, transport):
    filter_text = f"userName sw {scim_string(PREFIX)}"
    extra = dict(params)
    if transport == "search":
        for key in ("attributes", "excludedAttributes"):
            if key in extra:
                extra[key] = extra[key].split(",")
    answer = run_filter(filter_text, transport, extra=extra)
    assert_answer(answer, ok=200, errors=(400, 413, 414))
    if answer.status == 200:
        body = assert_list(answer)
        assert body["totalResults"] == len(SENTINEL_NAMES)
        for resource in body.get("Resources", []):
            assert "id" in resource, "id is returned always (RFC 7643 §7)"
