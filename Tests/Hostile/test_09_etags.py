"""ETags and preconditions (RFC 9110 §13, RFC 7644 §3.14): If-Match mismatches, If-None-Match on writes and reads.

A failed precondition is 412 with a SCIM error body and changes nothing: the mismatches are sent to the sentinels,
which test_99 compares byte for byte. If-None-Match: * on a PUT or PATCH of an existing resource is 412 (issue 19
item 5); on GET, 304 only when a current ETag matches, with the ETag header.
"""

import pytest

from conftest import PATCH_SCHEMA, assert_answer, assert_scim_error, get, send, user_body

PATCH = {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "path": "displayName", "value": "CHANGED DESPITE A PRECONDITION"}]}

STALE_TAGS = ['W/"999999"', 'W/"0"', '"999999"', 'W/"-1"', 'W/"99999999999999999999999"']


def write(method, path, resource, headers):
    if method == "PUT":
        body = {k: v for k, v in resource.items() if not k.startswith("_") and k not in ("meta", "id", "groups")}
        body["displayName"] = "CHANGED DESPITE A PRECONDITION"
    elif method == "PATCH":
        body = PATCH
    else:
        body = None
    return send(method, path, body, headers=headers)


@pytest.mark.parametrize("tag", STALE_TAGS)
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_if_match_mismatch_on_sentinel(method, tag, sentinels):
    answer = write(method, sentinels.path("backslash"), sentinels.users["backslash"], {"If-Match": tag})
    assert_scim_error(answer, 412)


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_if_match_mismatch_on_sentinel_group(method, sentinels):
    answer = send(method, f"Groups/{sentinels.group['id']}", PATCH if method == "PATCH" else None, headers={"If-Match": 'W/"999999"'})
    assert_scim_error(answer, 412)


@pytest.mark.parametrize("tag", ["garbage", 'W/"abc"', "W/", '""', "W/\"1\" garbage", "'1'", "*, W/\"1\"", "\u00e9"])
@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_if_match_malformed_on_sentinel(method, tag, sentinels):
    headers = {"If-Match": tag.encode("utf-8").decode("latin-1")}
    answer = write(method, sentinels.path("dquote"), sentinels.users["dquote"], headers)
    # Not a tag this server issued: refused (400 invalidVersion) or an unmet precondition (412). Never applied.
    assert_scim_error(answer, (400, 412), ("invalidVers", None))


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_if_none_match_star_on_existing(method, scratch_user):
    # RFC 9110 §13.1.2: "*" is false when a current representation exists; a write must then be 412.
    answer = write(method, f"Users/{scratch_user['id']}", scratch_user, {"If-None-Match": "*"})
    assert_scim_error(answer, 412)
    read = get(f"Users/{scratch_user['id']}")
    assert read.status == 200 and "CHANGED DESPITE" not in read.text, read


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_if_none_match_current_tag_on_write(method, scratch_user):
    answer = write(method, f"Users/{scratch_user['id']}", scratch_user, {"If-None-Match": scratch_user["_etag"]})
    assert_scim_error(answer, 412)


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_if_none_match_star_on_sentinel(method, sentinels):
    answer = write(method, sentinels.path("semicolon"), sentinels.users["semicolon"], {"If-None-Match": "*"})
    assert_scim_error(answer, 412)


def test_if_none_match_stale_tag_on_write(scratch_user):
    # A tag that is not current: the condition holds and the write goes through.
    answer = write("PATCH", f"Users/{scratch_user['id']}", scratch_user, {"If-None-Match": 'W/"999999"'})
    assert_answer(answer, ok=(200, 204))


def test_get_if_none_match_current(sentinels):
    path = sentinels.path("plain")
    tag = sentinels.etags[path]
    assert tag, "a GET carries an ETag"
    answer = get(path, headers={"If-None-Match": tag})
    assert answer.status == 304, answer
    assert answer.header("ETag") == tag, answer
    assert answer.body == b"", answer


def test_get_if_none_match_in_list(sentinels):
    path = sentinels.path("plain")
    answer = get(path, headers={"If-None-Match": f'W/"999999", {sentinels.etags[path]}'})
    assert answer.status == 304 and answer.header("ETag"), answer


def test_get_if_none_match_star(sentinels):
    # Issue 19 item 5: on GET, 304 only when a current ETag matches; "*" names none.
    answer = get(sentinels.path("plain"), headers={"If-None-Match": "*"})
    assert answer.status == 200, answer
    assert answer.header("ETag"), answer


@pytest.mark.parametrize("tag", STALE_TAGS + ["garbage", "", "W/", "\u00e9"])
def test_get_if_none_match_not_current(tag, sentinels):
    answer = get(sentinels.path("plain"), headers={"If-None-Match": tag.encode("utf-8").decode("latin-1")})
    assert_answer(answer, ok=200, errors=400)
    if answer.status == 200:
        assert answer.body == sentinels.snapshots[sentinels.path("plain")], answer


def test_get_if_match_mismatch(sentinels):
    # If-Match on GET: 412 when it fails (RFC 9110 §13.1.1), or ignored.
    answer = get(sentinels.path("plain"), headers={"If-Match": 'W/"999999"'})
    assert_answer(answer, ok=200, errors=412)


def test_list_ignores_if_none_match_star(sentinels):
    answer = get("Users?count=1", headers={"If-None-Match": "*"})
    assert answer.status in (200, 304), answer


def test_if_match_on_create_of_new():
    # A POST creates: If-Match names an existing representation, so it fails (412) or is ignored (201).
    body = user_body("etag-create-ignored@example.com")
    answer = send("POST", "Users", body, headers={"If-Match": 'W/"1"'})
    assert_answer(answer, ok=(201, 409), errors=(412, 409))


def test_if_match_current_tag_works(scratch_user):
    answer = send("PATCH", f"Users/{scratch_user['id']}", PATCH, headers={"If-Match": scratch_user["_etag"]})
    assert_answer(answer, ok=(200, 204))
    again = send("PATCH", f"Users/{scratch_user['id']}", PATCH, headers={"If-Match": scratch_user["_etag"]})
    assert_scim_error(again, 412)
