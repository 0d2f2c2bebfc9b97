"""HTTP/1.1 framing, by hand on raw sockets: chunk sizes, Content-Length that is not a number, conflicts or is
repeated, Content-Length with Transfer-Encoding, truncated bodies, header and request-line syntax, Host.

Malformed framing is 400 with a SCIM error body, never a 5xx (issue 19 item 4, RFC 9112 §6.3). A well-framed
request is always answered. A body cut short before the client closes its side may be answered with 400 or the
connection closed (nothing was framed); never a 5xx.
"""

import json
import socket
import uuid

import pytest

from conftest import HOST, PORT, RUN, TOKEN, BASE_PATH, assert_answer, assert_scim_error, raw_exchange, raw_request, user_body, get


def user_json() -> bytes:
    return json.dumps(user_body(f"framing-{RUN}-{uuid.uuid4().hex[:10]}@example.com")).encode()


def post(headers: list[str], body: bytes, **kwargs) -> bytes:
    return raw_request("POST", "Users", ["Content-Type: application/scim+json", *headers], body, **kwargs)


def chunked(body: bytes, size_line: str | None = None) -> bytes:
    size = size_line if size_line is not None else format(len(body), "x")
    return f"{size}\r\n".encode() + body + b"\r\n0\r\n\r\n"


# Invalid chunk sizes: 400 with a SCIM body (issue 19: today a 500).
BAD_CHUNK_SIZES = ["zz", "-1", "0x10", "ffffffffffffffffffffffff", "", " ", "1 2", "+5", "5.0", "\u00bd", "g"]


@pytest.mark.parametrize("size", BAD_CHUNK_SIZES)
def test_invalid_chunk_size(size):
    body = user_json()
    answer = raw_exchange(post(["Transfer-Encoding: chunked"], chunked(body, size)))
    assert_scim_error(answer, 400)


@pytest.mark.parametrize("size_delta", [-5, 5, 1000])
def test_chunk_size_not_matching_data(size_delta):
    body = user_json()
    wire = format(len(body) + size_delta, "x").encode() + b"\r\n" + body + b"\r\n0\r\n\r\n"
    answer = raw_exchange(post(["Transfer-Encoding: chunked"], wire), shutdown_write=True)
    assert_scim_error(answer, 400)


def test_chunk_without_crlf_after_data():
    body = user_json()
    wire = format(len(body), "x").encode() + b"\r\n" + body + b"XX0\r\n\r\n"
    assert_scim_error(raw_exchange(post(["Transfer-Encoding: chunked"], wire), shutdown_write=True), 400)


BAD_CONTENT_LENGTHS = ["abc", "-5", "+{n}", "{n}.0", "0x10", "", " ", "1e2", "99999999999999999999999", "{n}abc", "{n} {n}", "\u0661"]


@pytest.mark.parametrize("value", BAD_CONTENT_LENGTHS)
def test_non_numeric_content_length(value):
    body = user_json()
    answer = raw_exchange(post([f"Content-Length: {value.format(n=len(body))}"], body), shutdown_write=True)
    assert_scim_error(answer, (400, 413) if value.startswith("999") else 400)


@pytest.mark.parametrize("shape", ["list", "two-fields", "two-fields-reversed", "list-three"])
def test_conflicting_content_length(shape):
    body = user_json()
    n = len(body)
    headers = {
        "list": [f"Content-Length: {n}, {n + 1}"],
        "two-fields": [f"Content-Length: {n}", f"Content-Length: {n - 1}"],
        "two-fields-reversed": [f"Content-Length: {n - 1}", f"Content-Length: {n}"],
        "list-three": [f"Content-Length: {n}, {n}, 3"],
    }[shape]
    assert_scim_error(raw_exchange(post(headers, body), shutdown_write=True), 400)


@pytest.mark.parametrize("shape", ["two-fields", "list"])
def test_duplicated_identical_content_length(shape):
    # RFC 9112 §6.3 item 5: identical values may be accepted as one, or the message refused.
    body = user_json()
    n = len(body)
    headers = [f"Content-Length: {n}", f"Content-Length: {n}"] if shape == "two-fields" else [f"Content-Length: {n}, {n}"]
    assert_answer(raw_exchange(post(headers, body)), ok=201, errors=400)


@pytest.mark.parametrize(
    "headers",
    [
        ["Content-Length: {n}", "Transfer-Encoding: chunked"],
        ["Transfer-Encoding: chunked", "Content-Length: {n}"],
        ["Transfer-Encoding: chunked", "Content-Length: 0"],
        ["Content-Length: 5", "Transfer-Encoding: chunked"],
    ],
    ids=["cl-te", "te-cl", "te-cl0", "cl5-te"],
)
def test_content_length_and_transfer_encoding(headers):
    body = user_json()
    wire = chunked(body)
    assert_scim_error(raw_exchange(post([h.format(n=len(wire)) for h in headers], wire), shutdown_write=True), 400)


@pytest.mark.parametrize(
    "value",
    ["gzip", "gzip, chunked", "chunked, gzip", "chunked, chunked", "xchunked", "chunked;q=1", "identity", "CHUNKED ", "chunk", "\tchunked"],
)
def test_odd_transfer_encodings(value):
    body = user_json()
    answer = raw_exchange(post([f"Transfer-Encoding: {value}"], chunked(body)), shutdown_write=True)
    if value.strip().lower() == "chunked":
        assert_answer(answer, ok=201, errors=400)  # case-insensitive coding name, OWS around it
    else:
        # Not a coding the server can frame with: 400 (RFC 9112 §6.1 would also allow 501, which we do not give).
        assert_scim_error(answer, 400)


def test_transfer_encoding_on_http10():
    body = user_json()
    assert_scim_error(raw_exchange(post(["Transfer-Encoding: chunked"], chunked(body), version="HTTP/1.0"), shutdown_write=True), 400)


@pytest.mark.parametrize("missing", [1, 10, 100])
def test_truncated_body_content_length(missing):
    body = user_json()
    answer = raw_exchange(post([f"Content-Length: {len(body)}"], body[:-missing]), shutdown_write=True, timeout=15)
    # Nothing was framed: a 400 SCIM error, or the connection closed without an answer. Never a 5xx.
    if answer.status is not None:
        assert_scim_error(answer, 400)


@pytest.mark.parametrize("cut", ["in-size", "in-data", "before-last-chunk", "in-trailer"])
def test_truncated_chunked_body(cut):
    body = user_json()
    full = chunked(body)
    wire = {
        "in-size": full[:1],
        "in-data": full[: len(full) // 2],
        "before-last-chunk": full[: -len(b"0\r\n\r\n")],
        "in-trailer": full[:-2],
    }[cut]
    answer = raw_exchange(post(["Transfer-Encoding: chunked"], wire), shutdown_write=True, timeout=15)
    if answer.status is not None:
        assert_scim_error(answer, 400)


def test_content_length_shorter_than_body():
    body = user_json()
    answer = raw_exchange(post([f"Content-Length: {len(body) - 5}"], body), shutdown_write=True)
    # The first request carries truncated JSON: 400 invalidSyntax. The five bytes left are not a request.
    assert_scim_error(answer, 400)


# Well-framed requests the server must answer.


def test_valid_chunked_with_extensions_and_trailer():
    body = user_json()
    wire = f"{len(body) // 2:x};name=value;other\r\n".encode() + body[: len(body) // 2] + b"\r\n"
    wire += f"{len(body) - len(body) // 2:X}\r\n".encode() + body[len(body) // 2 :] + b"\r\n0\r\nX-Trailer: yes\r\n\r\n"
    assert_answer(raw_exchange(post(["Transfer-Encoding: chunked"], wire)), ok=201, errors=400)


def test_many_tiny_chunks():
    body = user_json()
    wire = b"".join(b"1\r\n" + body[i : i + 1] + b"\r\n" for i in range(len(body))) + b"0\r\n\r\n"
    assert_answer(raw_exchange(post(["Transfer-Encoding: chunked"], wire)), ok=201)


def test_leading_zeros_chunk_size():
    body = user_json()
    assert_answer(raw_exchange(post(["Transfer-Encoding: chunked"], chunked(body, "000" + format(len(body), "x")))), ok=201, errors=400)


def test_zero_content_length_post():
    assert_scim_error(raw_exchange(post(["Content-Length: 0"], b"")), 400, "invalidSyntax")


def test_pipelined_requests_all_answered(sentinels):
    first = raw_request("GET", f"Users/{sentinels.id('plain')}", []).replace(b"Connection: close\r\n", b"")
    second = raw_request("GET", "Users?count=1", [])
    with socket.create_connection((HOST, PORT), timeout=15) as sock:
        sock.sendall(first + second)
        data = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (socket.timeout, TimeoutError, ConnectionResetError):
            pass
    assert data.count(b"HTTP/1.1 200") == 2, data[:500]


# Header and request-line syntax (RFC 9112 §5, §3): 400 with a SCIM body.
MALFORMED_HEADS = {
    "header-without-colon": ["X-Broken header"],
    "space-before-colon": ["Content-Type : application/scim+json"],
    "obs-fold": ["X-Folded: one", " two"],
    "empty-name": [": value"],
    "name-with-space": ["X Bad: value"],
    "nul-in-value": ["X-Nul: a\x00b"],
    "cr-in-value": ["X-Cr: a\rb"],
    "non-ascii-name": ["X-\u00e9t\u00e9: v"],
}


@pytest.mark.parametrize("case", list(MALFORMED_HEADS))
def test_malformed_header_lines(case):
    answer = raw_exchange(raw_request("GET", "Users?count=1", MALFORMED_HEADS[case]))
    assert_scim_error(answer, 400)


@pytest.mark.parametrize(
    "line",
    [
        "GET {path}",
        "GET {path} HTTP/0.9",
        "GET {path} HTTP/2.0",
        "GET {path} HTTP/x.y",
        "GET {path} http/1.1",
        "GET {path} HTTP/1.1 extra",
        "GET HTTP/1.1",
        "GET {path}\u00e9 HTTP/1.1",
    ],
)
def test_malformed_request_line(line):
    request_line = line.format(path=f"{BASE_PATH}/Users?count=1")
    wire = (request_line + f"\r\nHost: {HOST}:{PORT}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n").encode("utf-8")
    answer = raw_exchange(wire)
    # HTTP/2.0 in an HTTP/1 request line may be refused with 505 by RFC 9110 §15.6.6: not counted as a failure of ours.
    if answer.status == 505:
        return
    assert_scim_error(answer, 400)


@pytest.mark.parametrize("line", ["GET  {path}  HTTP/1.1", "GET\t{path}\tHTTP/1.1", " GET {path} HTTP/1.1"])
def test_request_line_whitespace(line):
    # RFC 9112 §3: a recipient MAY parse on whitespace boundaries (then it is served); otherwise 400, or the
    # leading-space form read as an unknown method (405 with Allow).
    request_line = line.format(path=f"{BASE_PATH}/Users?count=1")
    wire = (request_line + f"\r\nHost: {HOST}:{PORT}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n").encode()
    assert_answer(raw_exchange(wire), ok=200, errors=(400, 405))


def test_http_11_minor_version_above():
    # RFC 9110 §2.5: a higher minor version is processed as the highest this server speaks.
    answer = raw_exchange(raw_request("GET", "Users?count=1", [], version="HTTP/1.9"))
    assert_answer(answer, ok=200, errors=(400, 505))


@pytest.mark.parametrize("case", ["missing", "two", "two-different", "empty-with-absolute-target"])
def test_host_header(case):
    path = f"{BASE_PATH}/Users?count=1"
    extra = {
        "missing": [],
        "two": [f"Host: {HOST}:{PORT}", f"Host: {HOST}:{PORT}"],
        "two-different": [f"Host: {HOST}:{PORT}", "Host: evil.example.com"],
        "empty-with-absolute-target": ["Host: "],
    }[case]
    if case == "empty-with-absolute-target":
        path = f"http://{HOST}:{PORT}{path}"
    answer = raw_exchange(raw_request("GET", path, extra, host=False))
    # RFC 9112 §3.2: a 1.1 request without Host, or with more than one, MUST be answered 400. An absolute target wins over Host.
    if case == "empty-with-absolute-target":
        assert_answer(answer, ok=200, errors=(400, 404))
    else:
        assert_scim_error(answer, 400)


def test_http10_without_host_is_fine():
    answer = raw_exchange(raw_request("GET", "Users?count=1", [], host=False, version="HTTP/1.0"))
    assert_answer(answer, ok=200, errors=400)


@pytest.mark.parametrize("size", [9_000, 100_000])
def test_long_request_line(size):
    answer = raw_exchange(raw_request("GET", "Users?count=1&x=" + "a" * size, []))
    assert_answer(answer, ok=200, errors=(400, 414, 431))


@pytest.mark.parametrize("size", [100_000, 1_000_000])
def test_long_header_line(size):
    answer = raw_exchange(raw_request("GET", "Users?count=1", ["X-Long: " + "a" * size]))
    assert_answer(answer, ok=200, errors=(400, 413, 431))


def test_ten_thousand_headers():
    answer = raw_exchange(raw_request("GET", "Users?count=1", [f"X-H{i}: v" for i in range(10_000)]))
    assert_answer(answer, ok=200, errors=(400, 413, 431))


@pytest.mark.parametrize("value", ["100-continue", "hostile", "100-continue, x"])
def test_expect(value):
    body = user_json()
    answer = raw_exchange(post([f"Expect: {value}", f"Content-Length: {len(body)}"], body))
    if answer.status == 100:
        return  # an interim answer before the final one: fine
    assert_answer(answer, ok=201, errors=(400, 417))


def test_bare_lf_line_endings():
    wire = f"GET {BASE_PATH}/Users?count=1 HTTP/1.1\nHost: {HOST}:{PORT}\nAuthorization: Bearer {TOKEN}\nConnection: close\n\n".encode()
    # RFC 9112 §2.2: a recipient MAY accept a bare LF as a line terminator; otherwise 400.
    assert_answer(raw_exchange(wire), ok=200, errors=400)


def test_garbage_bytes_instead_of_request():
    answer = raw_exchange(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)) + b"\r\n\r\n", shutdown_write=True)
    # A TLS ClientHello at a plain-HTTP port: 400 (or 405, its first bytes read as a method) or closed.
    if answer.status is not None:
        assert_scim_error(answer, (400, 405))


def test_gateway_still_serves_after_framing(sentinels):
    assert get(f"Users/{sentinels.id('plain')}").status == 200
