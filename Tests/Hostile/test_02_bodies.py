"""Bodies: invalid JSON, deep nesting, huge strings, wrong types, unknown schemas, NUL characters.

Malformed JSON is 400 invalidSyntax; a value of the wrong type for an attribute the schema knows is 400
invalidValue (issue 19 item 2); NUL is 400 on both engines. The refusals are also sent as a PUT of a sentinel user,
which must stay byte-for-byte as it was (test_99).
"""

import json
import uuid

import pytest

from conftest import RUN, USER_SCHEMA, GROUP_SCHEMA, assert_answer, assert_scim_error, send, user_body, get


def fresh_name(tag: str) -> str:
    return f"body-{RUN}-{tag}-{uuid.uuid4().hex[:8]}@example.com"


# Not JSON, or JSON that is not an object: 400 invalidSyntax.
MALFORMED = {
    "empty": b"",
    "whitespace": b"   \n ",
    "null": b"null",
    "array": b"[]",
    "string": b'"userName"',
    "number": b"42",
    "true": b"true",
    "open-brace": b"{",
    "close-brace": b"}",
    "mismatched": b"{]",
    "trailing-garbage": b'{"userName": "x@example.com"} trailing',
    "two-objects": b'{"userName": "a@example.com"}{"userName": "b@example.com"}',
    "trailing-comma": b'{"userName": "x@example.com",}',
    "single-quotes": b"{'userName': 'x@example.com'}",
    "unquoted-key": b'{userName: "x@example.com"}',
    "comment": b'{"userName": "x@example.com" /* hi */}',
    "nan": b'{"userName": "x@example.com", "active": NaN}',
    "infinity": b'{"userName": "x@example.com", "x": Infinity}',
    "hex-number": b'{"userName": "x@example.com", "x": 0x10}',
    "leading-zero": b'{"userName": "x@example.com", "x": 01}',
    "bad-escape": b'{"userName": "x\\q@example.com"}',
    "short-unicode-escape": b'{"userName": "x\\u12@example.com"}',
    "unterminated-string": b'{"userName": "x@example.com}',
    "raw-newline-in-string": b'{"userName": "x\n@example.com"}',
    "raw-nul-byte": b'{"userName": "x\x00@example.com"}',
    "invalid-utf8": b'{"userName": "x\xff\xfe@example.com"}',
    "overlong-utf8": b'{"userName": "x\xc0\xafy@example.com"}',
    "utf16-le": '{"userName": "x@example.com"}'.encode("utf-16-le"),
    "deep-arrays-100k": b"[" * 100_000 + b"]" * 100_000,
    "deep-objects-100k": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "deep-unclosed-1m": b"[" * 1_000_000,
}

# Well-formed JSON that is costly or odd to read: stored (an unknown attribute is ignored) or refused for a limit.
ODD_BUT_VALID = {
    "deep-in-attribute-10k": lambda name: b'{"userName": "%s", "x": ' % name + b"[" * 10_000 + b"]" * 10_000 + b"}",
    "deep-objects-in-attribute-10k": lambda name: b'{"userName": "%s", "x": ' % name + b'{"a":' * 10_000 + b"1" + b"}" * 10_000 + b"}",
    "number-1e999": lambda name: b'{"userName": "%s", "x": 1e999999}' % name,
    "number-long": lambda name: b'{"userName": "%s", "x": ' % name + b"9" * 100_000 + b"}",
    "number-tiny": lambda name: b'{"userName": "%s", "x": 1e-999999}' % name,
    "escapes-everywhere": lambda name: b'{"\\u0075serName": "%s", "\\u0061ctive": true}' % name,
}


@pytest.mark.parametrize("case", list(ODD_BUT_VALID))
def test_odd_but_valid_json(case):
    answer = send("POST", "Users", ODD_BUT_VALID[case](fresh_name(case).encode()))
    assert_answer(answer, ok=201, errors=(400, 413))


@pytest.mark.parametrize("case", list(MALFORMED))
def test_post_malformed_json(case):
    answer = send("POST", "Users", MALFORMED[case])
    # A body past the size limit may be 413 instead.
    assert_scim_error(answer, (400, 413), ("invalidSyntax", "invalidValue", "tooLarge", None) if case.startswith("deep") else "invalidSyntax")


@pytest.mark.parametrize("case", ["empty", "null", "array", "open-brace", "trailing-garbage", "deep-arrays-100k", "raw-nul-byte", "invalid-utf8"])
def test_put_sentinel_malformed_json(case, sentinels):
    assert_scim_error(send("PUT", sentinels.path("plain"), MALFORMED[case]), (400, 413))


@pytest.mark.parametrize("case", ["empty", "array", "mismatched", "deep-objects-100k", "invalid-utf8"])
def test_search_malformed_json(case):
    assert_scim_error(send("POST", "Users/.search", MALFORMED[case]), (400, 413))


@pytest.mark.parametrize("case", ["empty", "string", "trailing-garbage", "deep-arrays-100k"])
def test_group_post_malformed_json(case):
    assert_scim_error(send("POST", "Groups", MALFORMED[case]), (400, 413))


# Attributes of the wrong type for the User schema: 400 invalidValue (RFC 7644 §3.12; issue 19 item 2).
WRONG_TYPES = {
    "emails-object": {"emails": {"value": "x@example.com", "type": "work"}},
    "emails-string": {"emails": "x@example.com"},
    "emails-number": {"emails": 42},
    "emails-array-of-strings": {"emails": ["x@example.com"]},
    "emails-value-number": {"emails": [{"value": 42, "type": "work"}]},
    "emails-value-object": {"emails": [{"value": {"x": 1}}]},
    "emails-primary-string": {"emails": [{"value": "x@example.com", "primary": "maybe"}]},
    "active-maybe": {"active": "maybe"},
    "active-number": {"active": 2},
    "active-array": {"active": [True]},
    "active-object": {"active": {"value": True}},
    "name-array": {"name": ["Ada", "Lovelace"]},
    "name-string": {"name": "Ada Lovelace"},
    "name-number": {"name": 7},
    "givenName-number": {"name": {"givenName": 42, "familyName": "Case"}},
    "givenName-object": {"name": {"givenName": {"x": "y"}, "familyName": "Case"}},
    "displayName-array": {"displayName": ["a", "b"]},
    "displayName-object": {"displayName": {"a": 1}},
    "nickName-number": {"nickName": 3.5},
    "phoneNumbers-object": {"phoneNumbers": {"value": "+1 555"}},
    "phoneNumbers-string": {"phoneNumbers": "+1 555 0100"},
    "addresses-string": {"addresses": "1 Main St"},
    "addresses-array-of-numbers": {"addresses": [1, 2]},
    "externalId-number": {"externalId": 12345},
    "externalId-object": {"externalId": {"id": 1}},
    "enterprise-manager-number": {
        "schemas": [USER_SCHEMA, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": {"x": 1}},
    },
    "enterprise-extension-string": {
        "schemas": [USER_SCHEMA, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "department",
    },
}

# Wrong types of userName itself: refused, invalidValue (or invalidSyntax for a missing required attribute).
BAD_USERNAMES = {
    "userName-number": 42,
    "userName-null": None,
    "userName-array": ["a@example.com"],
    "userName-object": {"value": "a@example.com"},
    "userName-true": True,
    "userName-empty": "",
}


@pytest.mark.parametrize("case", list(WRONG_TYPES))
def test_post_wrong_type(case):
    answer = send("POST", "Users", user_body(fresh_name(case), **WRONG_TYPES[case]))
    assert_scim_error(answer, 400, "invalidValue")


@pytest.mark.parametrize("case", ["emails-object", "emails-string", "active-maybe", "name-array", "name-string", "externalId-number"])
def test_put_sentinel_wrong_type(case, sentinels):
    body = user_body(sentinels.users["plain"]["userName"], **WRONG_TYPES[case])
    assert_scim_error(send("PUT", sentinels.path("plain"), body), 400, "invalidValue")


@pytest.mark.parametrize("case", list(BAD_USERNAMES))
def test_post_bad_username(case):
    body = user_body("placeholder")
    body["userName"] = BAD_USERNAMES[case]
    assert_scim_error(send("POST", "Users", body), 400, ("invalidValue", "invalidSyntax"))


def test_post_missing_username():
    body = user_body("placeholder")
    del body["userName"]
    assert_scim_error(send("POST", "Users", body), 400, ("invalidValue", "invalidSyntax"))


# NUL and other characters no store can hold or no identifier should carry: 400 before the store (issue 19).
NUL_CASES = {
    "nul-in-userName": lambda: fresh_name("nul").replace("@", "\u0000@"),
    "nul-only": lambda: "\u0000",
    "nul-leading": lambda: "\u0000" + fresh_name("nul-lead"),
    "nul-trailing": lambda: fresh_name("nul-trail") + "\u0000",
}


@pytest.mark.parametrize("case", list(NUL_CASES))
def test_nul_in_username(case):
    answer = send("POST", "Users", user_body(NUL_CASES[case]()))
    assert_scim_error(answer, 400)


@pytest.mark.parametrize(
    "attribute",
    ["displayName", "externalId", "nickName", "title", "givenName", "email", "department"],
)
def test_nul_in_other_attributes(attribute):
    name = fresh_name(f"nul-{attribute}")
    value = "a\u0000b"
    extra = {
        "givenName": {"name": {"givenName": value, "familyName": "Case"}},
        "email": {"emails": [{"value": "a\u0000@example.com", "type": "work", "primary": True}]},
        "department": {
            "schemas": [USER_SCHEMA, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": value},
        },
    }.get(attribute, {attribute: value})
    answer = send("POST", "Users", user_body(name, **extra))
    assert_scim_error(answer, 400)


def test_nul_in_group_display_name():
    answer = send("POST", "Groups", {"schemas": [GROUP_SCHEMA], "displayName": f"group-{RUN}\u0000x"})
    assert_scim_error(answer, 400)


def test_nul_in_put_of_sentinel(sentinels):
    body = user_body(sentinels.users["plain"]["userName"] + "\u0000")
    assert_scim_error(send("PUT", sentinels.path("plain"), body), 400)


# Strings of odd size or content: stored as sent (201) or refused with a SCIM error; never a 5xx.
ODD_STRINGS = {
    "userName-10k": lambda: "u" * 10_000 + f"-{RUN}-{uuid.uuid4().hex[:6]}@example.com",
    "userName-1m": lambda: "u" * 1_000_000 + f"-{RUN}@example.com",
    "userName-emoji": lambda: f"\U0001F600-{RUN}-{uuid.uuid4().hex[:6]}@example.com",
    "userName-rtl-override": lambda: f"\u202eevil-{RUN}-{uuid.uuid4().hex[:6]}@example.com",
    "userName-lone-surrogate": lambda: f"\ud800-{RUN}-{uuid.uuid4().hex[:6]}@example.com",
    "userName-control-chars": lambda: f"\u0001\u001f-{RUN}-{uuid.uuid4().hex[:6]}@example.com",
    "userName-whitespace-only": lambda: "   ",
    "userName-newline": lambda: f"a\nb-{RUN}-{uuid.uuid4().hex[:6]}@example.com",
    "userName-sql": lambda: f"x'); DROP TABLE users; -- {RUN}-{uuid.uuid4().hex[:6]}",
    "userName-like": lambda: f"%_%\\-{RUN}-{uuid.uuid4().hex[:6]}",
}


@pytest.mark.parametrize("case", list(ODD_STRINGS))
def test_odd_strings(case):
    user_name = ODD_STRINGS[case]()
    payload = json.dumps(user_body(user_name), ensure_ascii=True)  # \ud800 travels as an escape
    answer = send("POST", "Users", payload)
    assert_answer(answer, ok=201, errors=(400, 409, 413))
    if answer.status == 201:
        # What was stored reads back as it was sent.
        read = get(f"Users/{answer.json['id']}")
        assert read.status == 200, read
        assert read.json["userName"] == json.loads(payload)["userName"]


def _random_text(size: int) -> str:
    return "".join(uuid.uuid4().hex for _ in range(size // 32 + 1))[:size]


# Long values of indexed attributes: stored, or refused with a SCIM error (a limit); never the store's own error
# (PostgreSQL's btree refuses an index row over ~2.7-8 KB: a 500 unless the value is checked first).
@pytest.mark.parametrize("size", [3_000, 10_000, 1_000_000])
@pytest.mark.parametrize("attribute", ["userName", "externalId", "emails.value", "group.displayName", "group.externalId", "patch.userName"])
def test_long_indexed_values(attribute, size):
    text = _random_text(size)
    if attribute == "patch.userName":
        user = send("POST", "Users", user_body(fresh_name("long-patch")))
        assert user.status == 201, user
        patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "userName", "value": text}]}
        answer = send("PATCH", f"Users/{user.json['id']}", patch)
        assert_answer(answer, ok=(200, 204), errors=(400, 413), scim_type=("invalidValue", "tooLarge", None))
        return
    if attribute.startswith("group."):
        answer = send("POST", "Groups", {"schemas": [GROUP_SCHEMA], "displayName": f"g-{RUN}-{uuid.uuid4().hex[:6]}", attribute[6:]: text})
    elif attribute == "userName":
        answer = send("POST", "Users", user_body(text))
    elif attribute == "externalId":
        answer = send("POST", "Users", user_body(fresh_name("long-ext"), externalId=text))
    else:
        answer = send("POST", "Users", user_body(fresh_name("long-email"), emails=[{"value": text + "@example.com", "type": "work", "primary": True}]))
    assert_answer(answer, ok=201, errors=(400, 413), scim_type=("invalidValue", "tooLarge", None))


def test_body_over_size_limit():
    body = user_body(fresh_name("huge"), nickName="n" * (12 * 1024 * 1024))
    assert_scim_error(send("POST", "Users", body), (400, 413))


def test_many_attributes():
    body = user_body(fresh_name("wide"))
    for i in range(20_000):
        body[f"urn:x:{i}"] = i
    assert_answer(send("POST", "Users", body), ok=201, errors=(400, 413))


def test_huge_multi_valued():
    body = user_body(fresh_name("emails"), emails=[{"value": f"e{i}@example.com", "type": "other"} for i in range(20_000)])
    assert_answer(send("POST", "Users", body), ok=201, errors=(400, 413))


# Schemas: unknown URNs are ignored (README), but a body that names no core schema, or not as a list, is refused.
SCHEMA_CASES = {
    "unknown-only": (["urn:hostile:unknown"], (400,), (201,)),
    "unknown-extra": ([USER_SCHEMA, "urn:hostile:unknown"], (), (201,)),
    "group-schema": ([GROUP_SCHEMA], (400,), (201,)),
    "empty-list": ([], (400,), (201,)),
    "string": (USER_SCHEMA, (400,), (201,)),
    "number": (42, (400,), ()),
    "object": ({"a": USER_SCHEMA}, (400,), ()),
    "null": (None, (400,), (201,)),
    "nested-list": ([[USER_SCHEMA]], (400,), ()),
    "10k-entries": ([USER_SCHEMA] + [f"urn:x:{i}" for i in range(10_000)], (400, 413), (201,)),
}


@pytest.mark.parametrize("case", list(SCHEMA_CASES))
def test_schemas_attribute(case):
    schemas, errors, ok = SCHEMA_CASES[case]
    body = user_body(fresh_name(f"schema-{case}"))
    body["schemas"] = schemas
    assert_answer(send("POST", "Users", body), ok=ok, errors=errors)


@pytest.mark.parametrize(
    "case,extra",
    [
        ("unknown-extension-object", {"urn:hostile:ext:2.0:User": {"x": "y"}}),
        ("client-id", {"id": "11111111-1111-1111-1111-111111111111"}),
        ("client-meta", {"meta": {"version": 'W/"1"', "resourceType": "Group", "location": "http://evil"}}),
        ("client-groups", {"groups": [{"value": "x"}]}),
        ("password", {"password": "hunter2"}),
        ("duplicate-key-json", None),
    ],
)
def test_ignored_or_refused_attributes(case, extra):
    name = fresh_name(case)
    if extra is None:
        payload = '{"schemas": ["%s"], "userName": "%s", "userName": "%s"}' % (USER_SCHEMA, name, fresh_name("dup"))
        answer = send("POST", "Users", payload)
        assert_answer(answer, ok=201, errors=400)
        return
    answer = send("POST", "Users", user_body(name, **extra))
    assert_answer(answer, ok=201, errors=400)
    if answer.status == 201:
        body = answer.json
        assert "password" not in body
        if case == "client-id":
            assert body["id"] != extra["id"]
        if case == "client-meta":
            assert body["meta"]["resourceType"] == "User" and "evil" not in body["meta"]["location"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/json; charset=latin1"]
)
def test_content_types(content_type):
    # RFC 7644 §3.8: scim+json or json; a server may accept others for a JSON body or refuse them (415/400).
    body = json.dumps(user_body(fresh_name("ctype")))
    answer = send("POST", "Users", body, headers={"Content-Type": content_type} if content_type else {}, content_type=None)
    assert_answer(answer, ok=201, errors=(400, 415))


@pytest.mark.parametrize(
    "case,body",
    [
        ("displayName-number", {"displayName": 42}),
        ("displayName-missing", {}),
        ("displayName-null", {"displayName": None}),
        ("members-object", {"displayName": "g", "members": {"value": "x"}}),
        ("members-string", {"displayName": "g", "members": "x"}),
        ("members-unknown-id", {"displayName": "g", "members": [{"value": "00000000-0000-0000-0000-000000000000"}]}),
        ("members-value-number", {"displayName": "g", "members": [{"value": 7}]}),
        ("members-sql", {"displayName": "g", "members": [{"value": "' OR 1=1 --"}]}),
        ("members-nul", {"displayName": "g", "members": [{"value": "a\u0000"}]}),
    ],
)
def test_group_bodies(case, body):
    payload = {"schemas": [GROUP_SCHEMA], **body}
    if isinstance(payload.get("displayName"), str):
        payload["displayName"] = f"{payload['displayName']}-{RUN}-{case}"
    answer = send("POST", "Groups", payload)
    assert_scim_error(answer, (400, 404), ("invalidValue", "invalidSyntax", "noTarget", None))
