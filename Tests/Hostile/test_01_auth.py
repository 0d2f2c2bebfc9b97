"""Authentication: missing, garbage and other namespaces' credentials, the token in the query, huge headers.

Every refusal is the same 401 SCIM error (or, once this address has failed AUTH_FAILURE_LIMIT times within the
window, 429 with Retry-After: the gateway's failed-authentication limiter, RFC 6585), never a hint that another
tenant or IdP exists.
"""

import pytest

from conftest import BASE_PATH, TOKEN, ADMIN_KEY, TENANT, IDP, assert_scim_error, assert_answer, send, raw_exchange, raw_request

REFUSED = (401, 429)

ENDPOINTS = ["Users", "Groups", "Users/.search", "Bulk", "Users/{sentinel}", "Groups/{group}"]


def _endpoint(endpoint, sentinels):
    return endpoint.format(sentinel=sentinels.id("plain"), group=sentinels.group["id"])


def _method(endpoint):
    return "POST" if endpoint.endswith(".search") or endpoint == "Bulk" else "GET"


def _body(endpoint):
    if endpoint.endswith(".search"):
        return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": 'userName pr'}
    if endpoint == "Bulk":
        return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": []}
    return None


AUTHORIZATIONS = {
    "missing": None,
    "empty": "",
    "scheme-only": "Bearer",
    "scheme-space": "Bearer ",
    "basic": "Basic dXNlcjpwYXNz",
    "garbage": "Bearer garbage",
    "pvs-shaped": "Bearer pvs_AAAAAAAAAA_" + "B" * 43,
    "truncated": "Bearer " + TOKEN[:-1],
    "extended": "Bearer " + TOKEN + "x",
    "upper-cased": "Bearer " + TOKEN.upper(),
    "prefix-only": "Bearer " + "_".join(TOKEN.split("_")[:2]),
    "two-tokens": "Bearer " + TOKEN + " " + TOKEN,
    "comma-list": "Bearer garbage, Bearer " + TOKEN,
    "admin-key": "Bearer " + ADMIN_KEY,
    "jwt-none": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    "jwt-garbage": "Bearer a.b.c",
    "sql": "Bearer ' OR '1'='1",
    "percent": "Bearer %00%27",
    "long-64k": "Bearer " + "A" * 65536,
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("authorization", list(AUTHORIZATIONS), ids=list(AUTHORIZATIONS))
def test_bad_credentials(authorization, endpoint, sentinels):
    value = AUTHORIZATIONS[authorization]
    path = _endpoint(endpoint, sentinels)
    headers = {} if value is None else {"Authorization": value}
    answer = send(_method(endpoint), path, _body(endpoint), headers=headers, token=None)
    if authorization == "long-64k":
        # A header past the server's size limit may be refused before authentication (431, 400, 413).
        assert_scim_error(answer, (*REFUSED, 400, 413, 431))
    else:
        assert_scim_error(answer, REFUSED)


@pytest.mark.parametrize("endpoint", ["Users", "Groups", "Users/{sentinel}"])
@pytest.mark.parametrize("where", ["other-tenant-token", "second-idp-token"])
def test_foreign_token_at_this_url(where, endpoint, elsewhere, sentinels):
    token = elsewhere.other_token if where == "other-tenant-token" else elsewhere.second_token
    assert_scim_error(send("GET", _endpoint(endpoint, sentinels), token=token), REFUSED)


@pytest.mark.parametrize(
    "where",
    ["other-tenant-url", "second-idp-url", "unknown-tenant", "unknown-idp", "upper-case-tenant", "tenant-with-dots", "empty-idp"],
)
def test_this_token_at_foreign_url(where, elsewhere):
    base = {
        "other-tenant-url": elsewhere.other_base,
        "second-idp-url": elsewhere.second_base,
        "unknown-tenant": "/scim/v2/no-such-tenant/default",
        "unknown-idp": f"/scim/v2/{TENANT}/no-such-idp",
        "upper-case-tenant": f"/scim/v2/{TENANT.upper()}/{IDP}",
        "tenant-with-dots": f"/scim/v2/{TENANT}.x/{IDP}",
        "empty-idp": f"/scim/v2/{TENANT}//Users",
    }[where]
    path = base if where == "empty-idp" else base + "/Users"
    # Same 401 as garbage whether or not the tenant exists; a path that names no SCIM namespace may be a 404.
    answer = send("GET", path)
    assert_scim_error(answer, (*REFUSED, 404) if where == "empty-idp" else REFUSED)
    assert elsewhere.other_user["userName"] not in answer.text


@pytest.mark.parametrize("param", ["access_token", "token", "bearer", "Authorization"])
def test_token_in_query_is_not_a_credential(param):
    # RFC 6750 §2.3 allows a query token only if the server chooses to; ours does not: no header, no access.
    assert_scim_error(send("GET", f"Users?{param}={TOKEN}", token=None), REFUSED)


@pytest.mark.parametrize("field", ["access_token", "token"])
def test_token_in_form_body_is_not_a_credential(field):
    answer = send("POST", "Users/.search", f"{field}={TOKEN}", token=None, content_type="application/x-www-form-urlencoded")
    assert_scim_error(answer, REFUSED)


@pytest.mark.parametrize("size", [16 * 1024, 64 * 1024, 256 * 1024])
def test_huge_unrelated_header_with_valid_token(size):
    # A valid request with one enormous header: either served, or refused as too large with a SCIM error.
    answer = send("GET", "Users?count=1", headers={"X-Hostile": "h" * size})
    assert_answer(answer, ok=200, errors=(400, 413, 431))


def test_many_headers_with_valid_token():
    headers = [(f"X-Hostile-{i}", "v") for i in range(2000)]
    assert_answer(send("GET", "Users?count=1", headers=headers), ok=200, errors=(400, 413, 431))


def test_scim_token_on_admin_api():
    answer = send("GET", "/admin/v1/tenants", token=TOKEN)
    assert answer.status == 401, answer
    assert answer.status < 500


def test_duplicated_authorization_header(sentinels):
    # Two Authorization fields: refused (a server must not pick one silently) or, if it does, only for this IdP.
    answer = raw_exchange(raw_request("GET", "Users?count=1", ["Authorization: Bearer garbage"], token=TOKEN))
    assert answer.status is not None, answer
    if answer.status != 200:
        assert_scim_error(answer, (*REFUSED, 400))


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "BeArEr"])
def test_scheme_is_case_insensitive_or_refused(scheme):
    # RFC 9110 §11.1: the scheme is case-insensitive; accepting it is right, refusing it with 401 is tolerable.
    answer = send("GET", "Users?count=1", headers={"Authorization": f"{scheme} {TOKEN}"}, token=None)
    assert_answer(answer, ok=200, errors=REFUSED)


@pytest.mark.parametrize("value", ["Bearer\t" + TOKEN, "Bearer  " + TOKEN, "Bearer " + TOKEN + " "])
def test_whitespace_variants(value):
    answer = send("GET", "Users?count=1", headers={"Authorization": value}, token=None)
    assert_answer(answer, ok=200, errors=REFUSED)


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x7f"])
def test_control_characters_in_token(control):
    answer = raw_exchange(raw_request("GET", "Users?count=1", [f"Authorization: Bearer {TOKEN}{control}"], token=None))
    # A control character in a field value is malformed (RFC 9110 §5.5): 400, or the token simply does not verify.
    assert answer.status is not None, answer
    assert_scim_error(answer, (*REFUSED, 400))
