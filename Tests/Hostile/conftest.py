"""Shared plumbing of the hostile corpus: the stack's coordinates, an HTTP client that sends exactly what a case
says (http.client, one connection per request), a raw-socket client for framing, the assertions every case makes,
and the sentinels (users and a group created before the corpus and compared byte for byte after it).

run.sh exports PROVISIO_HOSTILE_DEMO (the stack's demo.json), PROVISIO_HOSTILE_STACK_PID (`provisio up`) and
PROVISIO_HOSTILE_GATEWAY. Every test file is named test_NN_*.py so that pytest's file order is the corpus order:
the costliest structures run late (test_90) and the liveness and sentinel check last (test_99).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field

import pytest

SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
BULK_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
SCIM_JSON = "application/scim+json"


def _demo() -> dict:
    path = os.environ.get("PROVISIO_HOSTILE_DEMO")
    if not path:
        raise RuntimeError("PROVISIO_HOSTILE_DEMO is not set: run the corpus with bash Tests/Hostile/run.sh")
    with open(path) as handle:
        return json.load(handle)


DEMO = _demo()
BASE_URL: str = DEMO["scimBaseURL"].rstrip("/")
TOKEN: str = DEMO["token"]
ADMIN_URL: str = DEMO["adminURL"].rstrip("/")
ADMIN_KEY: str = DEMO["adminKey"]
_parsed = urllib.parse.urlsplit(BASE_URL)
HOST: str = _parsed.hostname or "127.0.0.1"
PORT: int = _parsed.port or 80
BASE_PATH: str = _parsed.path  # /scim/v2/demo/default
TENANT, IDP = BASE_PATH.rstrip("/").split("/")[-2:]
ADMIN_PATH: str = urllib.parse.urlsplit(ADMIN_URL).path
GATEWAY: str = os.environ.get("PROVISIO_HOSTILE_GATEWAY", f"http://{HOST}:{PORT}")
STACK_PID = int(os.environ.get("PROVISIO_HOSTILE_STACK_PID", "0") or 0)
ENGINE = os.environ.get("PROVISIO_HOSTILE_ENGINE", "SQLite")
RUN = uuid.uuid4().hex[:8]  # keeps names of one run apart from another's on a reused database


# ---------------------------------------------------------------------------------------------------------------
# HTTP


def first_header(headers: list[tuple[str, str]], name: str) -> str | None:
    """The first value of the header `name` (any letter case), or None."""
    return next((value for key, value in headers if key.lower() == name.lower()), None)


@dataclass
class Answer:
    status: int | None  # None: the connection was dropped without an answer
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    request: str = ""

    def header(self, name: str) -> str | None:
        return first_header(self.headers, name)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def json(self):
        return json.loads(self.body)

    def __repr__(self) -> str:  # what a failing assertion prints: the request and the answer, shortened
        body = self.text
        if len(body) > 600:
            body = body[:600] + f"... ({len(self.body)} bytes)"
        return f"<{self.request} -> {self.status} {self.reason} {body!r}>"


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit] + f"...({len(text)} chars)"


def send(
    method: str,
    path: str,
    body: bytes | str | dict | list | None = None,
    headers: dict[str, str] | list[tuple[str, str]] | None = None,
    token: str | None = TOKEN,
    content_type: str | None = SCIM_JSON,
    timeout: float = 60,
) -> Answer:
    """One request on its own connection. `path` is sent as given (relative to the host), a leading "/" added
    when it names a SCIM endpoint relative to the base URL (no leading slash)."""
    if not path.startswith("/"):
        path = BASE_PATH + "/" + path
    if isinstance(body, (dict, list)):
        payload = json.dumps(body).encode()
    elif isinstance(body, str):
        payload = body.encode("utf-8", "surrogatepass")
    else:
        payload = body
    connection = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        names = {name.lower() for name, _ in pairs}
        if token is not None and "authorization" not in names:
            connection.putheader("Authorization", f"Bearer {token}")
        if payload is not None and content_type and "content-type" not in names:
            connection.putheader("Content-Type", content_type)
        if payload is not None and "content-length" not in names and "transfer-encoding" not in names:
            connection.putheader("Content-Length", str(len(payload)))
        for name, value in pairs:
            connection.putheader(name, value)
        try:
            connection.endheaders(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered (and closed) before reading the whole request: read what it said
        try:
            response = connection.getresponse()
            data = response.read()
        except (http.client.RemoteDisconnected, http.client.IncompleteRead, ConnectionResetError, BrokenPipeError) as error:
            return Answer(None, f"connection dropped: {error!r}", [], b"", f"{method} {_short(path)}")
        return Answer(response.status, response.reason, response.getheaders(), data, f"{method} {_short(path)}")
    finally:
        connection.close()


def get(path: str, **kwargs) -> Answer:
    return send("GET", path, **kwargs)


def query(params: dict[str, str] | list[tuple[str, str]]) -> str:
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


@dataclass
class RawAnswer:
    status: int | None  # None: the connection closed (or timed out) without an answer
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    raw: bytes = b""
    closed: bool = False

    def header(self, name: str) -> str | None:
        return first_header(self.headers, name)

    @property
    def json(self):
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<raw -> {self.status} {self.raw[:700]!r}>"


def raw_exchange(data: bytes, timeout: float = 10, shutdown_write: bool = False) -> RawAnswer:
    """Sends bytes on a fresh connection and reads the first answer (status line, headers, a body by
    Content-Length or chunked), or notes that the server closed without one."""
    with socket.create_connection((HOST, PORT), timeout=timeout) as sock:
        sock.sendall(data)
        if shutdown_write:
            sock.shutdown(socket.SHUT_WR)
        buffer = b""
        deadline = time.monotonic() + timeout
        while True:
            parsed = _parse_raw(buffer)
            if parsed is not None:
                return parsed
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return RawAnswer(None, raw=buffer)
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(65536)
            except (socket.timeout, TimeoutError):
                return RawAnswer(None, raw=buffer)
            except ConnectionResetError:
                return RawAnswer(None, raw=buffer, closed=True)
            if not chunk:
                parsed = _parse_raw(buffer, eof=True)
                return parsed if parsed is not None else RawAnswer(None, raw=buffer, closed=True)
            buffer += chunk


def _parse_raw(buffer: bytes, eof: bool = False) -> RawAnswer | None:
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buffer[:end].decode("latin-1").split("\r\n")
    try:
        status = int(head[0].split(" ")[1])
    except (IndexError, ValueError):
        return RawAnswer(-1, raw=buffer)
    headers = []
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    rest = buffer[end + 4 :]
    answer = RawAnswer(status, headers, b"", buffer)
    length = answer.header("Content-Length")
    if answer.header("Transfer-Encoding") and "chunked" in answer.header("Transfer-Encoding").lower():
        body, position = b"", 0
        while True:
            line_end = rest.find(b"\r\n", position)
            if line_end < 0:
                return answer if eof else None
            size = int(rest[position:line_end].split(b";")[0], 16)
            if size == 0:
                answer.body = body
                return answer
            if len(rest) < line_end + 2 + size + 2:
                return answer if eof else None
            body += rest[line_end + 2 : line_end + 2 + size]
            position = line_end + 2 + size + 2
    if length is not None:
        if len(rest) < int(length):
            return answer if eof else None
        answer.body = rest[: int(length)]
        return answer
    if status in (204, 304) or 100 <= status < 200:
        return answer
    if eof:
        answer.body = rest
        return answer
    return None


def raw_request(
    method: str, path: str, extra_headers: list[str], body: bytes = b"", token: str | None = TOKEN, host: bool = True, version: str = "HTTP/1.1"
) -> bytes:
    """Builds request bytes by hand: exactly the header lines given (plus Host and Authorization)."""
    if not path.startswith("/"):
        path = BASE_PATH + "/" + path
    lines = [f"{method} {path} {version}"]
    if host:
        lines.append(f"Host: {HOST}:{PORT}")
    if token is not None:
        lines.append(f"Authorization: Bearer {token}")
    lines += extra_headers
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


# ---------------------------------------------------------------------------------------------------------------
# What every case asserts


def is_scim_error(answer, status: int | None = None) -> bool:
    try:
        body = answer.json
    except ValueError:
        return False
    return (
        isinstance(body, dict)
        and SCIM_ERROR in (body.get("schemas") or [])
        and str(body.get("status")) == str(status if status is not None else answer.status)
    )


def assert_scim_error(answer, statuses, scim_type: str | tuple[str, ...] | None = None):
    """A SCIM error: the status is one of `statuses`, the body a SCIM Error whose `status` is the HTTP status as a
    string, and (when given) its scimType one of `scim_type`."""
    statuses = (statuses,) if isinstance(statuses, int) else tuple(statuses)
    assert answer.status is not None, f"no answer (connection dropped) for a request that deserved one: {answer!r}"
    assert answer.status < 500, f"5xx: {answer!r}"
    assert answer.status in statuses, f"expected {statuses}, got {answer!r}"
    try:
        body = answer.json
    except ValueError:
        pytest.fail(f"the {answer.status} has no JSON body: {answer!r}")
    assert isinstance(body, dict), f"the error body is not an object: {answer!r}"
    assert SCIM_ERROR in (body.get("schemas") or []), f"the error body lacks the SCIM Error schema: {answer!r}"
    assert body.get("status") == str(answer.status), f"the body's status is not the HTTP status as a string: {answer!r}"
    if scim_type is not None:
        types = (scim_type,) if isinstance(scim_type, str) else tuple(scim_type)
        assert body.get("scimType") in types, f"expected scimType {types}, got {answer!r}"
    if answer.status == 405:
        assert answer.header("Allow"), f"405 without Allow: {answer!r}"
    if answer.status == 429:
        assert answer.header("Retry-After"), f"429 without Retry-After: {answer!r}"
    return body


def assert_answer(answer, ok=(), errors=(), scim_type=None):
    """An RFC-allowed success (status in `ok`) or a SCIM error (status in `errors`). Never a 5xx."""
    ok = (ok,) if isinstance(ok, int) else tuple(ok)
    errors = (errors,) if isinstance(errors, int) else tuple(errors)
    assert answer.status is not None, f"no answer (connection dropped): {answer!r}"
    assert answer.status < 500, f"5xx: {answer!r}"
    if answer.status in ok:
        return answer
    if answer.status in errors:
        assert_scim_error(answer, errors, scim_type)
        return answer
    pytest.fail(f"expected success {ok} or SCIM error {errors}, got {answer!r}")


def assert_list(answer) -> dict:
    """200 with a coherent ListResponse."""
    assert answer.status == 200, f"expected a 200 ListResponse: {answer!r}"
    body = answer.json
    assert LIST_SCHEMA in body.get("schemas", []), answer
    resources = body.get("Resources", [])
    assert isinstance(body.get("totalResults"), int) and body["totalResults"] >= 0, answer
    assert len(resources) <= body["totalResults"] or "nextCursor" in body or "previousCursor" in body, answer
    if "itemsPerPage" in body:
        assert body["itemsPerPage"] == len(resources), answer
    if "startIndex" in body:
        assert isinstance(body["startIndex"], int) and body["startIndex"] >= 1, answer
    return body


# ---------------------------------------------------------------------------------------------------------------
# Fixtures: resources the corpus needs, and the sentinels


def user_body(user_name: str, **extra) -> dict:
    body = {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": "Hostile", "familyName": "Case"},
        "emails": [{"value": "case@example.com", "type": "work", "primary": True}],
        "active": True,
    }
    body.update(extra)
    return body


def create_user(user_name: str | None = None, token: str = TOKEN, base: str = BASE_PATH, **extra) -> dict:
    user_name = user_name or f"scratch-{RUN}-{uuid.uuid4().hex[:10]}@example.com"
    answer = send("POST", base + "/Users", user_body(user_name, **extra), token=token)
    assert answer.status == 201, f"could not create {user_name}: {answer!r}"
    created = answer.json
    created["_etag"] = answer.header("ETag")
    return created


def create_group(display_name: str | None = None, members: list[str] = (), token: str = TOKEN, base: str = BASE_PATH) -> dict:
    display_name = display_name or f"scratch-group-{RUN}-{uuid.uuid4().hex[:10]}"
    body = {"schemas": [GROUP_SCHEMA], "displayName": display_name, "members": [{"value": m} for m in members]}
    answer = send("POST", base + "/Groups", body, token=token)
    assert answer.status == 201, f"could not create group {display_name}: {answer!r}"
    created = answer.json
    created["_etag"] = answer.header("ETag")
    return created


@pytest.fixture
def scratch_user() -> dict:
    """A user of one case's own, for cases whose RFC-allowed outcome may change it."""
    return create_user()


@pytest.fixture
def scratch_group(scratch_user) -> dict:
    return create_group(members=[scratch_user["id"]])


# Sentinel userNames: SQL and LIKE metacharacters on purpose, so the filter cases can check literal matching.
SENTINEL_NAMES = {
    "plain": f"sentinel-{RUN}-plain@example.com",
    "percent": f"sentinel-{RUN}-50%off@example.com",
    "underscore": f"sentinel-{RUN}-snake_case@example.com",
    "quote": f"sentinel-{RUN}-o'brien@example.com",
    "backslash": f"sentinel-{RUN}-back\\slash@example.com",
    "dquote": f'sentinel-{RUN}-say"hi"@example.com',
    "semicolon": f"sentinel-{RUN}-drop;--@example.com",
    "star": f"sentinel-{RUN}-st*r[x]@example.com",
}


@dataclass
class Sentinels:
    users: dict[str, dict]  # key -> created resource
    group: dict
    snapshots: dict[str, bytes]  # path -> GET body before the corpus
    etags: dict[str, str]

    def path(self, key: str) -> str:
        return f"Users/{self.users[key]['id']}"

    def id(self, key: str) -> str:
        return self.users[key]["id"]


_SENTINELS: Sentinels | None = None


def sentinel_snapshot_paths(s: Sentinels) -> list[str]:
    return [f"Users/{u['id']}" for u in s.users.values()] + [f"Groups/{s.group['id']}"]


@pytest.fixture(scope="session", autouse=True)
def sentinels() -> Sentinels:
    """Created before any case runs; test_99 compares them with these snapshots."""
    global _SENTINELS
    if _SENTINELS is None:
        users = {}
        for key, name in SENTINEL_NAMES.items():
            users[key] = create_user(
                name,
                name={"givenName": f"Sentinel {key}", "familyName": "Intact"},
                emails=[{"value": f"{key}@sentinel.example.com", "type": "work", "primary": True}],
                externalId=f"ext-{RUN}-{key}",
                displayName=f"Sentinel {key}",
            )
        group = create_group(f"sentinel-group-{RUN}", members=[users["plain"]["id"], users["percent"]["id"]])
        snapshot = Sentinels(users, group, {}, {})
        for path in sentinel_snapshot_paths(snapshot):
            answer = get(path)
            assert answer.status == 200, answer
            snapshot.snapshots[path] = answer.body
            snapshot.etags[path] = answer.header("ETag")
        _SENTINELS = snapshot
    return _SENTINELS


@dataclass
class Elsewhere:
    """Another tenant with an IdP and token, and a second IdP of the demo tenant with its token, each with a user."""

    other_base: str
    other_token: str
    other_user: dict
    second_base: str
    second_token: str
    second_user: dict


def admin(method: str, path: str, body=None) -> Answer:
    return send(method, ADMIN_PATH + path, body, token=ADMIN_KEY, content_type="application/json")


_ELSEWHERE: Elsewhere | None = None


@pytest.fixture(scope="session", autouse=True)
def elsewhere(sentinels) -> Elsewhere:
    """Autouse, so that its tokens authenticate before the auth cases trip the failed-authentication limiter
    (a token that authenticated recently is exempt from it)."""
    global _ELSEWHERE
    if _ELSEWHERE is None:
        other_tenant = f"hostile-{RUN}"
        assert admin("POST", "/tenants", {"id": other_tenant, "name": f"Hostile {RUN}"}).status == 201
        assert admin("POST", f"/tenants/{other_tenant}/idps", {"id": "default", "name": "Default"}).status == 201
        other = admin("POST", f"/tenants/{other_tenant}/idps/default/tokens", {"validDays": 1})
        assert other.status == 201, other
        second_idp = f"second-{RUN}"
        assert admin("POST", f"/tenants/{TENANT}/idps", {"id": second_idp, "name": f"Second {RUN}"}).status == 201
        second = admin("POST", f"/tenants/{TENANT}/idps/{second_idp}/tokens", {"validDays": 1})
        assert second.status == 201, second
        other_base = f"/scim/v2/{other_tenant}/default"
        second_base = f"/scim/v2/{TENANT}/{second_idp}"
        other_token, second_token = other.json["token"], second.json["token"]
        _ELSEWHERE = Elsewhere(
            other_base,
            other_token,
            create_user(f"elsewhere-{RUN}@example.com", token=other_token, base=other_base),
            second_base,
            second_token,
            create_user(f"second-{RUN}@example.com", token=second_token, base=second_base),
        )
    return _ELSEWHERE
