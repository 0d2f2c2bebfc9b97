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
    package let baseURL: String
    private let connections: PeerConnectionPool
    private let internalKey: String
    private let serviceName: String
    private let timeout: TimeAmount
    private let metrics: PeerMetrics

    /// `baseURL` is the peer's `http://host[:port]`; the connections to it are opened when first needed. The calls
    /// are measured under the peer `serviceName` (``PeerMetrics``).
    package init(baseURL: String, internalKey: String, serviceName: String, timeout: TimeAmount = .seconds(30)) throws {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let metrics = PeerMetrics(peer: serviceName)
        self.metrics = metrics
        var configuration = PeerConnectionPool.Configuration()
        configuration.retries = metrics.retries
        self.connections = try PeerConnectionPool(baseURL: self.baseURL, configuration: configuration)
        self.internalKey = internalKey
        self.serviceName = serviceName
        self.timeout = timeout
    }

    /// Closes the connections to the peer.
    package func shutdown() async {
        await connections.shutdown()
    }

    /// Sends a request and decodes a JSON answer.
    package func send<Response: Decodable>(
        _ method: HTTPMethod,
        _ path: String,
        body: (some Encodable)? = Optional<Int>.none,
        as: Response.Type = Response.self,
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
    package func sendExpectingNoContent(
        _ method: HTTPMethod,
        _ path: String,
        body: (some Encodable)? = Optional<Int>.none,
        logger: Logger
    ) async throws {
        _ = try await sendRaw(method, path, body: try body.map(encode), logger: logger)
    }

    /// Sends a write whose answer carries no body (204) and returns the attributes it changed
    /// (``ProvisioningHeaders/changedAttributes``; nil when the answer did not say).
    package func sendReportingChanges(_ method: HTTPMethod, _ path: String, logger: Logger) async throws -> [String]? {
        let answer = try await exchange(method, path, body: nil, logger: logger)
        return answer.headers.first(name: ProvisioningHeaders.changedAttributes).map(ProvisioningHeaders.changedAttributes(from:))
    }

    /// Sends raw JSON bytes and returns the raw answer bytes of a 2xx answer.
    package func sendRaw(_ method: HTTPMethod, _ path: String, body: Data?, logger: Logger) async throws -> Data {
        Data(buffer: try await exchange(method, path, body: body, logger: logger).body)
    }

    /// A SCIM answer the directory renders for the gateway's client (``ScimRendering``): the public base URL goes in
    /// a header (the client's query is already in `path`); the version comes back in `ETag`, a created resource's
    /// location in `Location`.
    package func sendRendered(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim {
        let answer = try await exchange(method, path, body: body, extraHeaders: [(ScimRendering.baseHeader, rendering.baseURL)], logger: logger)
        return RenderedScim(
            body: Array(buffer: answer.body),
            version: answer.headers.first(name: "ETag").flatMap { ETag.version(from: $0) },
            location: answer.headers.first(name: "Location"),
            changedAttributes: answer.headers.first(name: ProvisioningHeaders.changedAttributes).map(ProvisioningHeaders.changedAttributes(from:))
        )
    }

    /// One request and its 2xx answer; anything else becomes the `ScimError` the answer describes.
    private func exchange(
        _ method: HTTPMethod,
        _ path: String,
        body: Data?,
        extraHeaders: [(name: String, value: String)] = [],
        logger: Logger
    ) async throws -> (headers: HTTPHeaders, body: ByteBuffer) {
        var headers = HTTPHeaders()
        headers.add(name: InternalHeaders.internalKey, value: internalKey)
        headers.add(name: "Accept", value: "application/json")
        if case .string(let requestID) = logger[metadataKey: "request.id"] {
            headers.add(name: InternalHeaders.requestID, value: requestID)
        }
        for header in extraHeaders { headers.add(name: header.name, value: header.value) }
        if let body {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.count))
        } else if method == .POST || method == .PUT || method == .PATCH {
            headers.add(name: "Content-Length", value: "0")
        }
        let request = PeerRequest(
            head: HTTPRequestHead(version: .http1_1, method: method, uri: connections.pathPrefix + path, headers: headers),
            body: body.map { ByteBuffer(data: $0) }
        )
        let response: PeerResponse
        let start = ContinuousClock.now
        do {
            response = try await connections.execute(request, timeout: timeout)
            metrics.record(PeerMetrics.outcome(status: response.status.code), since: start)
        } catch is CancellationError {
            // The caller stopped waiting (the pool ended the exchange): not the peer's failure.
            throw CancellationError()
        } catch {
            metrics.record(.unreachable, since: start)
            logger.warning("Peer service unreachable", metadata: ["peer": "\(serviceName)", "error": "\(error)"])
            throw ScimError.unavailable("The \(serviceName) service is unavailable; try again later.")
        }
        guard (200..<300).contains(response.status.code) else {
            if let body = try? decoder.decode(ScimErrorBody.self, from: Data(buffer: response.body)) {
                throw body.error
            }
            throw ScimError(status: Int(response.status.code), detail: "The \(serviceName) service answered \(response.status.code).")
        }
        return (response.headers, response.body)
    }

    /// True when the peer answers its liveness probe.
    package func isAlive(logger: Logger) async -> Bool {
        let request = PeerRequest(
            head: HTTPRequestHead(version: .http1_1, method: .GET, uri: connections.pathPrefix + "/healthz", headers: [:]),
            body: nil
        )
        guard let response = try? await connections.execute(request, timeout: .seconds(2)) else { return false }
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

/// Percent-encodes one URL path segment (ids from the IdP may carry anything) or query value.
package func pathSegment(_ text: String) -> String { PercentEncoding.encode(text) }

/// Never the internal key, however the client ends up printed: ServiceLifecycle logs its services at `debug`, and
/// a service holding a client printed its fields.
extension InternalHTTPClient: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String { "InternalHTTPClient(peer: \(serviceName), baseURL: \(baseURL))" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: ["peer": serviceName, "baseURL": baseURL]) }
}
