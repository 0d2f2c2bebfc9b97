import AsyncHTTPClient
import Foundation
import InternalAPI
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import ScimCore

/// JSON over HTTP to another Provisio service, with the internal credential and the caller's request id.
///
/// An answer outside 2xx becomes the `ScimError` its SCIM error body describes, so a refusal from the directory
/// (409 uniqueness, 404) reaches the IdP unchanged; a service that cannot be reached is a 503.
package struct InternalHTTPClient: Sendable {
    package let httpClient: HTTPClient
    package let baseURL: String
    private let internalKey: String
    private let serviceName: String
    private let timeout: TimeAmount

    package init(httpClient: HTTPClient, baseURL: String, internalKey: String, serviceName: String, timeout: TimeAmount = .seconds(30)) {
        self.httpClient = httpClient
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.internalKey = internalKey
        self.serviceName = serviceName
        self.timeout = timeout
    }

    /// A client for calls between Provisio services: a bigger keep-alive pool than the default 8 per host.
    package static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(60))
        configuration.decompression = .disabled
        configuration.tracing.tracer = nil  // no tracer is bootstrapped; skip the per-request no-op span
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends a request and decodes a JSON answer.
    package func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, body: (some Encodable)? = Optional<Int>.none, as: Response.Type = Response.self,
        logger: Logger
    ) async throws -> Response {
        let data = try await sendRaw(method, path, body: try body.map(encode), logger: logger)
        do {
            if let convertible = Response.self as? any JSONValueConvertible.Type, let message = try convertible.decode(data) as? Response {
                return message
            }
            return try decoder.decode(Response.self, from: data)
        } catch {
            logger.error("Undecodable answer from a peer service", metadata: ["peer": "\(serviceName)", "path": "\(path)"])
            throw ScimError.internalError("The \(serviceName) service sent an answer that could not be read.")
        }
    }

    /// Sends a request whose answer carries no body (204).
    package func sendExpectingNoContent(_ method: HTTPMethod, _ path: String, body: (some Encodable)? = Optional<Int>.none, logger: Logger) async throws {
        _ = try await sendRaw(method, path, body: try body.map(encode), logger: logger)
    }

    /// Sends raw JSON bytes and returns the raw answer bytes of a 2xx answer.
    package func sendRaw(_ method: HTTPMethod, _ path: String, body: Data?, logger: Logger) async throws -> Data {
        Data(buffer: try await exchange(method, path, body: body, logger: logger).body)
    }

    /// A read the peer answers with final SCIM bytes (``ScimRendering``); the version comes from its `ETag`.
    package func sendRendered(
        _ method: HTTPMethod, _ path: String, body: Data? = nil, rendering: ScimRendering, logger: Logger
    ) async throws -> RenderedRead {
        let answer = try await exchange(method, path, body: body, extraHeaders: rendering.headers, logger: logger)
        return RenderedRead(
            body: Array(buffer: answer.body), version: answer.headers.first(name: "ETag").flatMap { ETag.version(from: $0) })
    }

    /// One request and its 2xx answer; anything else becomes the `ScimError` the answer describes.
    private func exchange(
        _ method: HTTPMethod, _ path: String, body: Data?, extraHeaders: [(name: String, value: String)] = [], logger: Logger
    ) async throws -> (headers: HTTPHeaders, body: ByteBuffer) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: InternalHeaders.internalKey, value: internalKey)
        request.headers.add(name: "Accept", value: "application/json")
        if case .string(let requestID) = logger[metadataKey: "request.id"] {
            request.headers.add(name: InternalHeaders.requestID, value: requestID)
        }
        for header in extraHeaders { request.headers.add(name: header.name, value: header.value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await httpClient.execute(request, timeout: timeout, logger: logger)
            bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        } catch {
            logger.warning("Peer service unreachable", metadata: ["peer": "\(serviceName)", "error": "\(error)"])
            throw ScimError.unavailable("The \(serviceName) service is unavailable; try again later.")
        }
        guard (200..<300).contains(response.status.code) else {
            if let body = try? decoder.decode(ScimErrorBody.self, from: Data(buffer: bytes)) {
                throw body.error
            }
            throw ScimError(status: Int(response.status.code), detail: "The \(serviceName) service answered \(response.status.code).")
        }
        return (response.headers, bytes)
    }

    /// True when the peer answers its liveness probe.
    package func isAlive(logger: Logger) async -> Bool {
        var request = HTTPClientRequest(url: baseURL + "/healthz")
        request.method = .GET
        guard let response = try? await httpClient.execute(request, timeout: .seconds(2), logger: logger) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 16)
        return response.status == .ok
    }

    /// Messages that carry resources go through ``JSONWriter``; the rest through `JSONEncoder`.
    private func encode(_ body: some Encodable) throws -> Data {
        if let convertible = body as? any JSONValueConvertible { return convertible.encoded() }
        return try encoder.encode(body)
    }

    private var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    private var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// Percent-encodes one URL path segment (ids from the IdP may carry anything): everything but RFC 3986's unreserved
/// characters is encoded. Ids and names made of unreserved ASCII only — nearly all of them — come back unchanged.
/// Also encodes the values of the directory's list queries (a filter on every IdP lookup), so it works on bytes.
package func pathSegment(_ text: String) -> String {
    if text.utf8.allSatisfy(isUnreserved) { return text }
    let hex = Array("0123456789ABCDEF".utf8)
    var encoded: [UInt8] = []
    encoded.reserveCapacity(text.utf8.count * 3)
    for byte in text.utf8 {
        if isUnreserved(byte) {
            encoded.append(byte)
        } else {
            encoded.append(UInt8(ascii: "%"))
            encoded.append(hex[Int(byte >> 4)])
            encoded.append(hex[Int(byte & 0x0F)])
        }
    }
    return String(decoding: encoded, as: UTF8.self)
}

/// RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~".
private func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

/// Never the internal key, however the client ends up printed: ServiceLifecycle logs its services at `debug`, and
/// a service holding a client printed its fields.
extension InternalHTTPClient: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String { "InternalHTTPClient(peer: \(serviceName), baseURL: \(baseURL))" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: ["peer": serviceName, "baseURL": baseURL]) }
}
