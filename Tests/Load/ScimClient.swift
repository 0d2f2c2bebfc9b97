import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A SCIM client for one IdP URL: JSON in, status + body out, with a connection pool sized for the load.
struct ScimClient: Sendable {
    struct Answer: Sendable {
        var status: Int
        var body: Data
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        /// The resource's `id`, without parsing the whole body: the first `"id":"…"` of a SCIM resource is its own
        /// (sub-objects carry `value`, never `id`); falls back to a full parse.
        var resourceID: String? {
            let marker = Data(#""id":""#.utf8)
            if let start = body.range(of: marker)?.upperBound, let end = body[start...].firstIndex(of: UInt8(ascii: "\"")) {
                return String(decoding: body[start..<end], as: UTF8.self)
            }
            return json["id"] as? String
        }
        /// True when the body holds `"totalResults":N`.
        func hasTotalResults(_ count: Int) -> Bool { Self.hasTotalResults(count, in: ByteBuffer(data: body)) }

        /// `"totalResults":N` as the last member or before another (keys are written in order, without spaces), checked
        /// on an answer's bytes where they lie: the closed-loop reads check every answer on the cores the servers use,
        /// so the check copies nothing (copying into `Data` and searching with `Data.range(of:)` cost the filter run
        /// about 20 µs of client CPU per request).
        static func hasTotalResults(_ count: Int, in body: ByteBuffer) -> Bool {
            body.containsBytes(#""totalResults":\#(count),"#) || body.containsBytes(#""totalResults":\#(count)}"#)
        }
    }

    let http: HTTPClient
    let baseURL: String
    let token: String

    static func withClient<T>(_ demo: DemoFile, connections: Int, _ body: (ScimClient) async throws -> T) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(120))
        configuration.tracing.tracer = nil  // no per-request no-op span: the client's own cost counts in every figure
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let client = ScimClient(http: http, baseURL: demo.scimBaseURL, token: demo.token)
        do {
            let result = try await body(client)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// `path` is relative to the SCIM base URL; `body` is already-encoded JSON.
    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws -> Answer {
        try await send(method, absoluteURL: baseURL + path, body: body)
    }

    /// Any URL (the floor servers), with the same headers.
    func send(_ method: HTTPMethod, absoluteURL: String, body: Data? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: absoluteURL)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/scim+json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/scim+json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await http.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), body: Data(buffer: bytes))
    }

    func send(_ method: HTTPMethod, _ path: String, json: Any) async throws -> Answer {
        try await send(method, path, body: try JSONSerialization.data(withJSONObject: json))
    }

    /// Fails unless the answer has one of `expected` statuses; `body` is already-encoded JSON (no encoding cost on
    /// the client, which shares the machine with the services it measures).
    @discardableResult
    func expect(_ expected: Set<Int>, _ method: HTTPMethod, _ path: String, body: Data) async throws -> Answer {
        let answer = try await send(method, path, body: body)
        guard expected.contains(answer.status) else {
            throw LoadError("\(method) \(path) answered \(answer.status), expected \(expected.sorted()): \(answer.text.prefix(500))")
        }
        return answer
    }

    /// Fails unless the answer has one of `expected` statuses.
    @discardableResult
    func expect(_ expected: Set<Int>, _ method: HTTPMethod, _ path: String, json: Any? = nil) async throws -> Answer {
        let answer = if let json { try await send(method, path, json: json) } else { try await send(method, path) }
        guard expected.contains(answer.status) else {
            throw LoadError("\(method) \(path) answered \(answer.status), expected \(expected.sorted()): \(answer.text.prefix(500))")
        }
        return answer
    }
}

extension ByteBuffer {
    /// Whether the readable bytes contain `needle`'s UTF-8 bytes.
    func containsBytes(_ needle: String) -> Bool {
        var needle = needle
        return needle.withUTF8 { pattern in
            withUnsafeReadableBytes { bytes in
                guard !pattern.isEmpty else { return true }
                guard pattern.count <= bytes.count else { return false }
                return (0...(bytes.count - pattern.count)).contains { start in
                    memcmp(bytes.baseAddress! + start, pattern.baseAddress!, pattern.count) == 0
                }
            }
        }
    }
}

extension String {
    /// Percent-encoding for a query value (filters contain spaces, quotes, `@`).
    var queryEncoded: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
