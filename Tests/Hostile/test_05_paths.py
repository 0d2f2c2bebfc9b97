"""Path tricks: dot segments, encoded slashes, other namespaces' resources with this token, trailing and doubled
slashes, very long and hostile ids, unknown endpoints. Nothing outside this IdP may be read or written, and every
refusal is a SCIM error.
"""

import pytest

from conftest import BASE_PATH, TENANT, IDP, RUN, assert_answer, assert_scim_error, get, send, user_body

REFUSED = (401, 429)


@pytest.mark.parametrize(
    "suffix",
    [
        "Users/..",
        "Users/../Groups",
        "Users/%2e%2e",
        "Users/%2E%2E/Groups",
        "Users/.",
        "Users/%2e",
        "Users/..%2f..%2f..%2fadmin%2fv1%2ftenants",
        "Users/..%5c..%5cGroups",
        "Users/%2fetc%2fpasswd",
        "Users/%252e%252e",
        "Users/a%2fb",
        "Users/a%5cb",
        "Users/;id=1",
        "Users/*",
        "Users/%",
        "Users/%ZZ",
        "Users/%00",
        "Users/a%00b",
        "Users/'%20OR%201=1%20--",
        "Users/%27",
        "Users/%22",
        "Users/%25",
        "Users/_",
        "Users/null",
        "Users/undefined",
        "Users/-1",
        "Users/0",
        "Users/00000000-0000-0000-0000-000000000000",
        "Users/" + "a" * 4096,
        "Users/" + "a" * 70_000,
        "Users/%C0%AE%C0%AE",
        "Users/%F0%9F%98%80",
        "Groups/..",
        "Groups/%2e%2e%2fUsers",
        "Users/.search/x",
        "Users/x/y",
        "Users/x/y/z/../../..",
    ],
)
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_hostile_ids(suffix, method, sentinels):
    answer = send(method, suffix)
    # Not found, or refused as malformed (400/414); a dot segment the server resolves may land on a collection (200 for GET).
    assert_answer(answer, ok=(200,) if method == "GET" else (), errors=(400, 404, 405, 414, 431))
    if answer.status == 200:
        assert "ListResponse" in answer.text, answer


@pytest.mark.parametrize("suffix", ["Users/%2e%2e", "Users/a%00b", "Users/'%20OR%201=1%20--", "Users/" + "a" * 4096, "Users/%25"])
@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_hostile_ids_writes(suffix, method):
    body = user_body(f"path-{RUN}@example.com") if method == "PUT" else {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "displayName", "value": "x"}],
    }
    assert_scim_error(send(method, suffix, body), (400, 404, 405, 414))


def test_other_tenant_user_id_at_this_url(elsewhere):
    # A real id from another tenant, asked for with this IdP's token at this IdP's URL: not found here.
    for method in ("GET", "DELETE"):
        assert_scim_error(send(method, f"Users/{elsewhere.other_user['id']}"), 404)
    patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "displayName", "value": "pwned"}]}
    assert_scim_error(send("PATCH", f"Users/{elsewhere.other_user['id']}", patch), 404)
    assert_scim_error(send("PUT", f"Users/{elsewhere.other_user['id']}", user_body(elsewhere.other_user["userName"])), (404, 409))
    read = get(f"{elsewhere.other_base}/Users/{elsewhere.other_user['id']}", token=elsewhere.other_token)
    assert read.status == 200 and "pwned" not in read.text, read


def test_second_idp_user_id_at_this_url(elsewhere):
    assert_scim_error(get(f"Users/{elsewhere.second_user['id']}"), 404)
    assert_scim_error(send("DELETE", f"Users/{elsewhere.second_user['id']}"), 404)
    read = get(f"{elsewhere.second_base}/Users/{elsewhere.second_user['id']}", token=elsewhere.second_token)
    assert read.status == 200, read


def test_other_tenant_users_do_not_leak_into_filters(elsewhere):
    for filter_text in (f'userName eq "{elsewhere.other_user["userName"]}"', f'id eq "{elsewhere.other_user["id"]}"', f'userName eq "{elsewhere.second_user["userName"]}"'):
        answer = send("POST", "Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": filter_text})
        assert answer.status == 200 and answer.json["totalResults"] == 0, answer


def test_bulk_cannot_reach_other_tenant(elsewhere):
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [
            {"method": "DELETE", "path": f"{elsewhere.other_base}/Users/{elsewhere.other_user['id']}"},
            {"method": "DELETE", "path": f"/Users/{elsewhere.other_user['id']}"},
            {"method": "DELETE", "path": f"/../../{elsewhere.other_base.split('/')[3]}/default/Users/{elsewhere.other_user['id']}"},
        ],
    }
    answer = send("POST", "Bulk", body)
    assert_answer(answer, ok=200, errors=400)
    if answer.status == 200:
        for operation in answer.json["Operations"]:
            assert int(operation["status"]) >= 400 and int(operation["status"]) < 500, answer
    read = get(f"{elsewhere.other_base}/Users/{elsewhere.other_user['id']}", token=elsewhere.other_token)
    assert read.status == 200, read


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE_PATH}/../../{TENANT}/{IDP}/Users",
        f"{BASE_PATH}/../other/Users",
        f"/scim/v2/{TENANT}/{IDP}/%2e%2e/%2e%2e/admin/v1/tenants",
        f"/scim/v2/{TENANT}/{IDP}/../../../admin/v1/tenants",
        f"/scim/v2/{TENANT}%2f{IDP}/Users",
        f"/scim/v2/{TENANT}/{IDP}%2fUsers",
        f"/scim/v2//{TENANT}/{IDP}/Users",
        f"/scim//v2/{TENANT}/{IDP}/Users",
        f"//scim/v2/{TENANT}/{IDP}/Users",
        f"/scim/v2/{TENANT}/{IDP}//Users",
        f"/scim/v2/{TENANT}/{IDP}/Users/",
        f"/scim/v2/{TENANT}/{IDP}/Users//",
        f"/scim/v2/{TENANT}/{IDP}/",
        f"/scim/v2/{TENANT}/{IDP}",
        f"/SCIM/v2/{TENANT}/{IDP}/Users",
        f"/scim/V2/{TENANT}/{IDP}/Users",
        f"/scim/v2/{TENANT}/{IDP}/users",
        f"/scim/v2/{TENANT}/{IDP}/USERS",
        f"/scim/v2/{TENANT}/{IDP}/Users;jsessionid=1",
        f"/scim/v2/{TENANT}/{IDP}/Users%3Fcount=1",
        f"/scim/v2/{TENANT}/{IDP}/Users%20",
        f"/scim/v2/{TENANT}/{IDP}/Me",
        f"/scim/v2/{TENANT}/{IDP}/Hostile",
        f"/scim/v2/{TENANT}/{IDP}/Schemas/urn:hostile",
        f"/scim/v2/{TENANT}/{IDP}/Schemas/..",
        f"/scim/v2/{TENANT}/{IDP}/ResourceTypes/Hostile",
        f"/scim/v2/{TENANT}/{IDP}/ServiceProviderConfig/x",
        f"/scim/v2/{TENANT}/{IDP}/Bulk/x",
        f"/scim/v2/{TENANT}/{IDP}/.search/x",
        f"/scim/v2/{TENANT}",
        "/scim/v2",
        "/scim",
        f"/scim/v2/{TENANT}/{IDP}/" + "x/" * 2000,
        f"/scim/v2/{TENANT}/{IDP}/Users?" + "a=b&" * 5000,
        "*",
        f"http://evil.example.com/scim/v2/{TENANT}/{IDP}/Users",
        f"http://127.0.0.1/scim/v2/{TENANT}/{IDP}/Users",
    ],
)
def test_path_shapes(path, sentinels):
    answer = send("GET", path)
    # Served as the collection it resolves to, or a SCIM error (not found, bad request, a refused namespace).
    assert_answer(answer, ok=200, errors=(400, 401, 404, 405, 414, 429, 431))
    if answer.status == 200:
        assert "tenants" not in answer.json or "schemas" in answer.json, f"an admin answer reached with a SCIM token: {answer!r}"


def test_admin_path_tricks_do_not_reach_admin():
    for path in (f"{BASE_PATH}/../../../../admin/v1/tenants", f"{BASE_PATH}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/admin/v1/tenants"):
        answer = send("GET", path)
        assert answer.status in (400, 401, 404, 429), answer
