"""PATCH (RFC 7644 §3.5.2): unknown ops, bad paths, huge operation counts, required attributes removed, value
filters with odd filters, wrong value types.

Every refused PATCH is sent to a sentinel and must change nothing (PATCH is atomic: a request whose last operation
fails applies none of the earlier ones); test_99 compares the sentinels byte for byte. Cases whose outcome the RFC
leaves open run on a scratch user of their own.
"""

import json

import pytest

from conftest import PATCH_SCHEMA, RUN, assert_answer, assert_scim_error, get, send


def patch_body(operations, schemas=(PATCH_SCHEMA,)):
    return {"schemas": list(schemas), "Operations": operations}


def op(name, path=None, value=None, **extra):
    operation = {"op": name}
    if path is not None:
        operation["path"] = path
    if value is not None:
        operation["value"] = value
    operation.update(extra)
    return operation


VALID = op("replace", "displayName", "CHANGED BY A REFUSED PATCH")

# Refused PATCHes of a user: (request body, allowed scimTypes).
REFUSED_USER_PATCHES = {
    "unknown-op": (patch_body([op("hostile", "displayName", "x")]), ("invalidSyntax", "invalidValue")),
    "op-missing": (patch_body([{"path": "displayName", "value": "x"}]), ("invalidSyntax", "invalidValue")),
    "op-number": (patch_body([{"op": 1, "path": "displayName", "value": "x"}]), ("invalidSyntax", "invalidValue")),
    "op-null": (patch_body([{"op": None, "path": "displayName", "value": "x"}]), ("invalidSyntax", "invalidValue")),
    "op-empty": (patch_body([op("", "displayName", "x")]), ("invalidSyntax", "invalidValue")),
    "op-sql": (patch_body([op("replace'; --", "displayName", "x")]), ("invalidSyntax", "invalidValue")),
    "operations-missing": ({"schemas": [PATCH_SCHEMA]}, ("invalidSyntax", "invalidValue")),
    "operations-object": ({"schemas": [PATCH_SCHEMA], "Operations": VALID}, ("invalidSyntax", "invalidValue")),
    "operations-string": ({"schemas": [PATCH_SCHEMA], "Operations": "replace"}, ("invalidSyntax", "invalidValue")),
    "operations-null": ({"schemas": [PATCH_SCHEMA], "Operations": None}, ("invalidSyntax", "invalidValue")),
    "operation-not-object": (patch_body(["replace"]), ("invalidSyntax", "invalidValue")),
    "add-without-value": (patch_body([op("add", "displayName")]), ("invalidSyntax", "invalidValue", "noTarget")),
    "replace-without-value": (patch_body([op("replace", "displayName")]), ("invalidSyntax", "invalidValue", "noTarget")),
    "remove-without-path": (patch_body([op("remove")]), ("noTarget", "invalidPath", "invalidSyntax", "invalidValue")),
    "path-number": (patch_body([op("replace", 42, "x")]), ("invalidPath", "invalidSyntax", "invalidValue")),
    "path-empty": (patch_body([op("replace", "", "x")]), ("invalidPath", "noTarget", "invalidSyntax", "invalidValue")),
    "path-double-dot": (patch_body([op("replace", "name..givenName", "x")]), ("invalidPath",)),
    "path-trailing-dot": (patch_body([op("replace", "name.", "x")]), ("invalidPath",)),
    "path-open-bracket": (patch_body([op("replace", "emails[", "x")]), ("invalidPath", "invalidFilter")),
    "path-empty-filter": (patch_body([op("replace", "emails[]", "x")]), ("invalidPath", "invalidFilter")),
    "path-bare-word-filter": (patch_body([op("replace", "emails[type eq work].value", "x")]), ("invalidPath", "invalidFilter")),
    "path-unbalanced": (patch_body([op("replace", 'emails[type eq "work"', "x")]), ("invalidPath", "invalidFilter")),
    "path-nested-brackets": (patch_body([op("replace", 'emails[type[eq "work"]]', "x")]), ("invalidPath", "invalidFilter")),
    "path-sql": (patch_body([op("replace", "displayName; DROP TABLE users", "x")]), ("invalidPath", "noTarget")),
    "path-too-deep": (patch_body([op("replace", "name.givenName.x.y.z", "x")]), ("invalidPath", "noTarget")),
    "path-long": (patch_body([op("replace", "a" * 100_000, "x")]), ("invalidPath", "noTarget", "tooLarge", "invalidValue")),
    "path-nul": (patch_body([op("replace", "displayName\u0000", "x")]), ("invalidPath", "noTarget", "invalidValue", "invalidSyntax")),
    "path-filter-nul": (patch_body([op("replace", 'emails[value eq "\\u0000"].value', "x")]), ("invalidPath", "invalidFilter", "noTarget", "invalidValue", "invalidSyntax")),
    "remove-userName": (patch_body([op("remove", "userName")]), ("mutability", "invalidValue", "noTarget")),
    "replace-userName-null": (patch_body([op("replace", "userName", None, value_null=True)]), ("invalidValue", "mutability", "invalidSyntax")),
    "replace-userName-empty": (patch_body([op("replace", "userName", "")]), ("invalidValue", "mutability")),
    "replace-userName-number": (patch_body([op("replace", "userName", 42)]), ("invalidValue",)),
    "replace-userName-nul": (patch_body([op("replace", "userName", "a\u0000b")]), ("invalidValue", "invalidSyntax")),
    "replace-id": (patch_body([op("replace", "id", "11111111-1111-1111-1111-111111111111")]), ("mutability",)),
    "remove-id": (patch_body([op("remove", "id")]), ("mutability",)),
    "replace-meta": (patch_body([op("replace", "meta.version", 'W/"999"')]), ("mutability", "invalidPath")),
    "remove-schemas": (patch_body([op("remove", "schemas")]), ("mutability", "invalidPath", "invalidValue")),
    "emails-string": (patch_body([op("replace", "emails", "x@example.com")]), ("invalidValue",)),
    "emails-number": (patch_body([op("add", "emails", 42)]), ("invalidValue",)),
    "active-maybe": (patch_body([op("replace", "active", "maybe")]), ("invalidValue",)),
    "active-object": (patch_body([op("replace", "active", {"x": True})]), ("invalidValue",)),
    "name-array": (patch_body([op("replace", "name", ["a", "b"])]), ("invalidValue",)),
    "name-string": (patch_body([op("replace", "name", "Ada")]), ("invalidValue",)),
    "givenName-object": (patch_body([op("replace", "name.givenName", {"x": 1})]), ("invalidValue",)),
    "pathless-value-string": (patch_body([op("replace", value="x")]), ("invalidValue", "invalidSyntax")),
    "pathless-value-array": (patch_body([op("add", value=[1, 2])]), ("invalidValue", "invalidSyntax")),
    "valid-then-invalid": (patch_body([VALID, op("hostile", "displayName", "x")]), ("invalidSyntax", "invalidValue")),
    "valid-then-bad-path": (patch_body([VALID, op("replace", "emails[", "x")]), ("invalidPath", "invalidFilter")),
    "valid-then-remove-userName": (patch_body([VALID, op("remove", "userName")]), ("mutability", "invalidValue", "noTarget")),
    "members-on-user": (patch_body([op("add", "members", [{"value": "x"}])]), ("invalidPath", "noTarget", "invalidValue")),
}


@pytest.mark.parametrize("case", list(REFUSED_USER_PATCHES))
def test_refused_user_patch_changes_nothing(case, sentinels):
    body, scim_types = REFUSED_USER_PATCHES[case]
    if case == "replace-userName-null":
        body = json.loads(json.dumps(body))
        body["Operations"][0]["value"] = None
        del body["Operations"][0]["value_null"]
    answer = send("PATCH", sentinels.path("quote"), body)
    assert_scim_error(answer, (400, 413), scim_types)


# PATCHes the RFC leaves to the server (a missing or wrong PatchOp schema, a path into an extension URN it has not
# seen, which Okta and Entra rely on, a single object where a multi-valued attribute takes an array): applied or
# refused, on a scratch user; if applied, the result is well-formed (emails stays an array of objects).
LENIENT_USER_PATCHES = {
    "schemas-wrong": patch_body([VALID], schemas=["urn:ietf:params:scim:schemas:core:2.0:User"]),
    "schemas-missing": {"Operations": [VALID]},
    "path-unknown-urn": patch_body([op("replace", "urn:hostile:schema:attr", "x")]),
    "emails-object": patch_body([op("replace", "emails", {"value": "x@example.com"})]),
    "pathless-emails-object": patch_body([op("replace", value={"emails": {"value": "x@example.com"}})]),
    "valid-then-emails-object": patch_body([VALID, op("replace", "emails", {"value": "x@example.com"})]),
}


@pytest.mark.parametrize("case", list(LENIENT_USER_PATCHES))
def test_lenient_user_patch(case, scratch_user):
    answer = send("PATCH", f"Users/{scratch_user['id']}", LENIENT_USER_PATCHES[case])
    assert_answer(answer, ok=(200, 204), errors=400, scim_type=("invalidSyntax", "invalidValue", "invalidPath", "noTarget"))
    read = get(f"Users/{scratch_user['id']}")
    assert read.status == 200, read
    emails = read.json.get("emails", [])
    assert isinstance(emails, list) and all(isinstance(e, dict) for e in emails), read


@pytest.mark.parametrize("kind", ["user", "group"])
@pytest.mark.parametrize("count", [1_001, 10_000])
def test_huge_operation_counts_on_sentinel(count, kind, sentinels):
    # Many valid operations followed by one that fails: either refused for its size, or refused for the last one.
    operations = [op("replace", "displayName", f"step {i}") for i in range(count)] + [op("hostile", "displayName", "x")]
    path = sentinels.path("star") if kind == "user" else f"Groups/{sentinels.group['id']}"
    assert_scim_error(send("PATCH", path, patch_body(operations)), (400, 413), ("invalidSyntax", "invalidValue", "tooMany", "tooLarge", None))


@pytest.mark.parametrize("count", [100, 1_000, 100_000])
def test_huge_operation_counts_scratch(count, scratch_user):
    operations = [op("replace", "nickName", f"n{i}") for i in range(count)]
    answer = send("PATCH", f"Users/{scratch_user['id']}", patch_body(operations))
    assert_answer(answer, ok=(200, 204), errors=(400, 413), scim_type=("tooMany", "tooLarge", "invalidValue", None))
    if answer.status == 200:
        assert answer.json["nickName"] == f"n{count - 1}"


# Value-filter paths with odd filters, on a scratch user: applied (200, matching nothing or something) or refused.
ODD_VALUE_FILTERS = [
    'emails[value co "%"].value',
    'emails[value co "_"].type',
    'emails[value eq "\' OR 1=1 --"].value',
    'emails[value sw "\\\\"].value',
    'emails[not (value pr)].value',
    'emails[type eq "work" or type ne "work"].value',
    'emails[type eq "work" and value co "@"].display',
    'emails[primary eq true].value',
    'emails[primary eq "true"].value',
    'emails[type gt 5].value',
    'emails[hostile eq "x"].value',
    'emails[value eq "' + "x" * 20_000 + '"].value',
    'addresses[type eq "work"].streetAddress',
    'phoneNumbers[value co "%"].value',
]


@pytest.mark.parametrize("path", ODD_VALUE_FILTERS, ids=[p[:50] for p in ODD_VALUE_FILTERS])
@pytest.mark.parametrize("operation", ["replace", "remove", "add"])
def test_value_filter_paths(path, operation, scratch_user):
    value = None if operation == "remove" else "filtered@example.com"
    answer = send("PATCH", f"Users/{scratch_user['id']}", patch_body([op(operation, path, value)]))
    assert_answer(answer, ok=(200, 204), errors=400, scim_type=("invalidPath", "invalidFilter", "noTarget", "invalidValue"))
    read = get(f"Users/{scratch_user['id']}")
    assert read.status == 200, read
    assert read.json["userName"] == scratch_user["userName"]


# Group PATCH.
REFUSED_GROUP_PATCHES = {
    "members-object": patch_body([op("add", "members", {"value": "x"})]),
    "members-string": patch_body([op("add", "members", "x")]),
    "members-value-number": patch_body([op("add", "members", [{"value": 7}])]),
    "members-nul": patch_body([op("add", "members", [{"value": "a\u0000"}])]),
    "displayName-number": patch_body([op("replace", "displayName", 7)]),
    "displayName-nul": patch_body([op("replace", "displayName", "a\u0000")]),
    "remove-displayName": patch_body([op("remove", "displayName")]),
    "members-bad-filter": patch_body([op("remove", "members[value eq x]")]),
    "members-unbalanced": patch_body([op("remove", 'members[value eq "x"')]),
    "unknown-op": patch_body([op("hostile", "members", [{"value": "x"}])]),
    "userName-on-group": patch_body([op("replace", "userName", "x")]),
    "valid-then-invalid": patch_body([op("replace", "displayName", "CHANGED"), op("hostile")]),
}


@pytest.mark.parametrize("case", list(REFUSED_GROUP_PATCHES))
def test_refused_group_patch_changes_nothing(case, sentinels):
    answer = send("PATCH", f"Groups/{sentinels.group['id']}", REFUSED_GROUP_PATCHES[case])
    assert_scim_error(answer, (400, 404), ("invalidValue", "invalidSyntax", "invalidPath", "invalidFilter", "noTarget", "mutability"))


@pytest.mark.parametrize(
    "case,operations",
    [
        ("add-unknown-member", [op("add", "members", [{"value": "00000000-0000-0000-0000-000000000000"}])]),
        ("add-sql-member", [op("add", "members", [{"value": "' OR 1=1 --"}])]),
        ("remove-non-member", [op("remove", 'members[value eq "00000000-0000-0000-0000-000000000000"]')]),
        ("remove-percent", [op("remove", 'members[value co "%"]')]),
        ("remove-all-pr", [op("remove", "members[value pr]")]),
        ("add-10k-members", [op("add", "members", [{"value": f"no-such-{i}"} for i in range(10_000)])]),
        ("add-self", None),
    ],
)
def test_group_membership_edges(case, operations, scratch_group):
    if operations is None:
        operations = [op("add", "members", [{"value": scratch_group["id"]}])]
    answer = send("PATCH", f"Groups/{scratch_group['id']}", patch_body(operations))
    assert_answer(answer, ok=(200, 204), errors=(400, 404, 413), scim_type=("invalidValue", "noTarget", "tooMany", "tooLarge", "invalidPath", "invalidFilter", None))
    read = get(f"Groups/{scratch_group['id']}")
    assert read.status == 200, read
    members = {m["value"] for m in read.json.get("members", [])}
    assert "' OR 1=1 --" not in members and "00000000-0000-0000-0000-000000000000" not in members


def test_patch_nonexistent_user():
    assert_scim_error(send("PATCH", "Users/00000000-0000-0000-0000-000000000000", patch_body([VALID])), 404)


def test_deeply_nested_patch_value(scratch_user):
    value = '{"x":' * 5_000 + "{}" + "}" * 5_000
    body = '{"schemas": ["%s"], "Operations": [{"op": "add", "path": "urn:hostile:ext:2.0:User:deep", "value": %s}]}' % (PATCH_SCHEMA, value)
    answer = send("PATCH", f"Users/{scratch_user['id']}", body)
    assert_answer(answer, ok=(200, 204), errors=(400, 413))
