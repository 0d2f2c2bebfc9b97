import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InternalAPI
import Logging
import ScimCore
import ServiceKit
import ServiceTestSupport
import Synchronization
import Testing

@testable import TokenService

/// The token service as production builds it (composition root, real SQL store), on a private in-memory SQLite.
enum Fixture {
    static let internalKey = ServiceTestCredentials.internalKey
    /// 2030-01-01T00:00:00Z: whole seconds, so stored millisecond timestamps round-trip exactly.
    static let start = Date(timeIntervalSince1970: 1_893_456_000)

    static var configuration: ServiceConfiguration {
        ServiceConfiguration(serviceName: "token", port: 0, internalKey: internalKey, databaseURL: "sqlite::memory:")
    }
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
    clock: TestClock = TestClock(),
    settings: TokenSettings = TokenSettings(expiryCheckInterval: .zero),
    activity: RecordingActivitySink = RecordingActivitySink(),
    _ test: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let app = try await buildApplication(
        configuration: Fixture.configuration,
        settings: settings,
        logger: .discarding,
        clock: clock,
        activity: activity
    )
    try await app.test(.router) { client in try await test(client) }
}

extension TestClientProtocol {
    /// Issues a token and returns the secret text and the metadata; fails the test when issuing fails.
    func issue(
        tenant: String = "acme",
        idp: String = "okta",
        _ request: JSONValue = ["validDays": 30]
    ) async throws -> (token: String, metadata: JSONValue) {
        let response = try await call(.post, "/internal/v1/tenants/\(tenant)/idps/\(idp)/tokens", json: request)
        try #require(response.status == .created, "issuing a token: \(response.text)")
        let body = try response.json
        return (try #require(body["token"]?.stringValue), try #require(body["metadata"]))
    }

    func verify(_ token: String) async throws -> TestResponse {
        try await call(.post, "/internal/v1/verify", json: ["token": .string(token)])
    }
}
