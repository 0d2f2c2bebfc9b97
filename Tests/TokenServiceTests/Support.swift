import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InternalAPI
import Logging
import NIOCore
import ScimCore
import ServiceKit
import Synchronization
import Testing

@testable import TokenService

/// The token service as production builds it (composition root, real SQL store), on a private in-memory SQLite.
enum Fixture {
    static let internalKey = "token-test-internal-key"
    /// 2030-01-01T00:00:00Z: whole seconds, so stored millisecond timestamps round-trip exactly.
    static let start = Date(timeIntervalSince1970: 1_893_456_000)

    static var configuration: ServiceConfiguration {
        ServiceConfiguration(serviceName: "token", port: 0, internalKey: internalKey, databaseURL: "sqlite::memory:")
    }

    /// Tests never bootstrap the logging system; this logger discards everything.
    static var logger: Logger { Logger(label: "token-tests", factory: { _ in SwiftLogNoOpLogHandler() }) }
}

/// A clock the test moves by hand: expiry is tested without sleeping.
final class TestClock: TokenClock {
    private let current: Mutex<Date>

    init(_ start: Date = Fixture.start) { current = Mutex(start) }

    func now() -> Date { current.withLock { $0 } }

    func advance(by interval: TimeInterval) { current.withLock { $0.addTimeInterval(interval) } }
}

/// Runs `test` against a fresh token service through `app.test(.router)`, with `clock` as its time.
/// Token events forwarded to the activity log land in `activity`.
func withTokenService(
    clock: TestClock = TestClock(), settings: TokenSettings = TokenSettings(expiryCheckInterval: .zero),
    activity: RecordingActivitySink = RecordingActivitySink(), _ test: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let app = try await buildApplication(configuration: Fixture.configuration, settings: settings, logger: Fixture.logger, clock: clock, activity: activity)
    try await app.test(.router) { client in try await test(client) }
}

extension HTTPField.Name {
    static let internalKey = HTTPField.Name(InternalHeaders.internalKey)!
}

extension TestClientProtocol {
    /// A request to the internal API: with the internal credential unless told otherwise, with a JSON body when given.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, json: JSONValue? = nil, rawBody: String? = nil, internalKey: String? = Fixture.internalKey
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let internalKey { headers[.internalKey] = internalKey }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: json.encoded())
        } else if let rawBody {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: rawBody)
        }
        return try await executeRequest(uri: uri, method: method, headers: headers, body: body)
    }

    /// Issues a token and returns the secret text and the metadata; fails the test when issuing fails.
    func issue(tenant: String = "acme", idp: String = "okta", _ request: JSONValue = ["validDays": 30]) async throws -> (token: String, metadata: JSONValue) {
        let response = try await call(.post, "/internal/v1/tenants/\(tenant)/idps/\(idp)/tokens", json: request)
        try #require(response.status == .created, "issuing a token: \(response.text)")
        let body = try response.json
        return (try #require(body["token"]?.stringValue), try #require(body["metadata"]))
    }

    func verify(_ token: String) async throws -> TestResponse {
        try await call(.post, "/internal/v1/verify", json: ["token": .string(token)])
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as JSON; a body that is not JSON fails the test.
    var json: JSONValue {
        get throws { try JSONValue.decode(Data(body.readableBytesView)) }
    }

    /// Checks the SCIM error body (RFC 7644 §3.12): the error schema, `status` as a string, the scimType.
    func expectScimError(_ status: Int, scimType: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(self.status.code == status, "status; body: \(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == MediaType.scim, sourceLocation: sourceLocation)
        let body = try json
        #expect(body["schemas"] == [.string(ScimSchemaURN.error)], sourceLocation: sourceLocation)
        #expect(body["status"] == .string(String(status)), sourceLocation: sourceLocation)
        #expect(body["scimType"]?.stringValue == scimType, sourceLocation: sourceLocation)
        #expect(body["detail"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    }

    var detail: String? { (try? json)?["detail"]?.stringValue }
}

extension JSONValue {
    /// `value["key"]`: the member of an object (exact key), nil otherwise.
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}
