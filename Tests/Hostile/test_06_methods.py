"""Methods: unknown, lower-case, TRACE, OPTIONS, and known methods on routes that do not take them.

An unknown or lower-case method is 405 (or 400) with Allow and a SCIM error body (issue 19 item 4; RFC 9110 §9.1:
method names are case-sensitive). A 405 always carries Allow (RFC 9110 §15.5.6). TRACE never echoes the request
(it would reflect the bearer token).
"""

import pytest

from conftest import TOKEN, assert_answer, assert_scim_error, raw_exchange, raw_request, send

TARGETS = ["Users", "Users/{id}", "Groups", "Bulk", "ServiceProviderConfig", ".search"]


def target(template, sentinels):
    return template.format(id=sentinels.id("plain"))


UNKNOWN = ["HOSTILE", "get", "post", "Get", "pAtCh", "delete", "PROPFIND", "MKCOL", "PURGE", "LINK", "SEARCH", "QUERY", "X" * 100, "GET2", "G-E-T"]


@pytest.mark.parametrize("template", TARGETS)
@pytest.mark.parametrize("method", UNKNOWN)
def test_unknown_and_lower_case_methods(method, template, sentinels):
    answer = raw_exchange(raw_request(method, target(template, sentinels), ["Content-Length: 0"]))
    assert_scim_error(answer, (405, 400))
    if answer.status in (405, 400):
        assert answer.header("Allow"), f"{method}: no Allow header: {answer!r}"


@pytest.mark.parametrize("template", TARGETS)
def test_trace_does_not_echo(template, sentinels):
    answer = raw_exchange(raw_request("TRACE", target(template, sentinels), ["X-Secret-Echo: canary"]))
    assert answer.status is not None, answer
    assert TOKEN.encode() not in answer.raw and b"canary" not in answer.raw, f"TRACE echoed the request: {answer!r}"
    assert_scim_error(answer, (405, 400))


@pytest.mark.parametrize("template", TARGETS)
def test_options(template, sentinels):
    answer = raw_exchange(raw_request("OPTIONS", target(template, sentinels), ["Content-Length: 0"]))
    assert_answer(answer, ok=(200, 204), errors=(405, 400))


def test_connect_method():
    """405 with Allow, and the connection closes. The answer has no body: SwiftNIO frames every answer to CONNECT
    without one (RFC 9112 §6.3 gives such answers none when they open a tunnel), so no SCIM body can be checked."""
    answer = raw_exchange(raw_request("CONNECT", "127.0.0.1:22", []))
    assert answer.status == 405, answer
    assert answer.header("allow"), answer
    assert (answer.header("connection") or "").lower() == "close", answer


@pytest.mark.parametrize(
    "method,template",
    [
        ("PUT", "Users"),
        ("PATCH", "Users"),
        ("DELETE", "Users"),
        ("PUT", "Groups"),
        ("DELETE", "Groups"),
        ("POST", "Users/{id}"),
        ("GET", "Bulk"),
        ("PUT", "Bulk"),
        ("DELETE", "Bulk"),
        ("GET", "Users/.search"),
        ("PUT", "Users/.search"),
        ("GET", ".search"),
        ("DELETE", ".search"),
        ("POST", "ServiceProviderConfig"),
        ("DELETE", "ServiceProviderConfig"),
        ("PUT", "Schemas"),
        ("POST", "ResourceTypes"),
        ("PATCH", "ResourceTypes/User"),
    ],
)
def test_known_method_wrong_route(method, template, sentinels):
    answer = send(method, target(template, sentinels), b"{}" if method in ("POST", "PUT", "PATCH") else None)
    # 405 with Allow is the precise answer; a router that does not know the pair may say 404.
    assert_scim_error(answer, (404, 405, 400))


def test_head(sentinels):
    answer = raw_exchange(raw_request("HEAD", f"Users/{sentinels.id('plain')}", []))
    assert answer.status is not None, answer
    assert answer.status in (200, 405, 404), answer
    assert answer.body == b"", answer


@pytest.mark.parametrize("override", ["DELETE", "PUT", "HOSTILE"])
def test_method_override_headers_are_ignored(override, sentinels):
    # A GET that asks to be treated as something else is still a GET: the sentinel survives.
    for header in ("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"):
        answer = send("GET", f"Users/{sentinels.id('plain')}", headers={header: override})
        assert answer.status == 200, answer
