import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceTestSupport
import Testing

@testable import TokenService

@Suite("Token service: recreate, validity, revoke, max active, expiry warnings, events", .timeLimit(.minutes(1)))
struct TokenLifecycleTests {
    static let tokens = "/internal/v1/tenants/acme/idps/okta/tokens"

    @Test func recreateWithoutGraceStopsTheOldTokenAtOnce() async throws {
        try await withTokenService { client in
            let old = try await client.issue()
            let id = try #require(old.metadata["id"]?.stringValue)
            let response = try await client.call(.post, "\(Self.tokens)/\(id)/recreate", json: [:])
            #expect(response.status == .created, "\(response.text)")
            let new = try #require(try response.json["token"]?.stringValue)
            try await client.verify(old.token).expectScimError(401)
            #expect(try await client.verify(new).status == .ok)
            #expect(try response.json["metadata"]?["expiresAt"] == "2030-01-31T00:00:00Z")  // same length as the old one
        }
    }

    @Test func recreateWithGraceKeepsTheOldTokenUntilTheGraceEnds() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock) { client in
            let old = try await client.issue()
            let id = try #require(old.metadata["id"]?.stringValue)
            let response = try await client.call(.post, "\(Self.tokens)/\(id)/recreate", json: ["graceHours": 2, "validDays": 90])
            #expect(response.status == .created)
            #expect(try response.json["replaced"]?["revokedAt"] == "2030-01-01T02:00:00Z")
            #expect(try await client.verify(old.token).status == .ok)
            clock.advance(by: 2 * 3600)
            let refused = try await client.verify(old.token)
            try refused.expectScimError(401)
            #expect(refused.detail?.contains("revoked") == true)
        }
    }

    @Test func atMostMaxActiveTokensAndRevokingOneFreesASlot() async throws {
        try await withTokenService { client in
            let first = try await client.issue()
            _ = try await client.issue()
            let third = try await client.call(.post, Self.tokens, json: ["validDays": 30])
            try third.expectScimError(409, scimType: "uniqueness")
            #expect(third.detail?.contains("2 active tokens") == true)
            let id = try #require(first.metadata["id"]?.stringValue)
            #expect(try await client.call(.delete, "\(Self.tokens)/\(id)").status == .noContent)
            try await client.verify(first.token).expectScimError(401)
            #expect(try await client.call(.post, Self.tokens, json: ["validDays": 30]).status == .created)
            // Another IdP's token is unknown here.
            let other = try await client.issue(idp: "entra")
            let otherID = try #require(other.metadata["id"]?.stringValue)
            try await client.call(.delete, "\(Self.tokens)/\(otherID)").expectScimError(404)
        }
    }

    @Test func maxActiveIsConfigurable() async throws {
        try await withTokenService(settings: TokenSettings(maxActiveTokens: 1, expiryCheckInterval: .zero)) { client in
            _ = try await client.issue()
            try await client.call(.post, Self.tokens, json: ["validDays": 30]).expectScimError(409, scimType: "uniqueness")
        }
    }

    @Test func editValidityExtendsAnExpiringTokenAndExpiryUsesTheClock() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock) { client in
            let token = try await client.issue(["validDays": 1])
            let id = try #require(token.metadata["id"]?.stringValue)
            clock.advance(by: 86_400)
            let expired = try await client.verify(token.token)
            try expired.expectScimError(401)
            #expect(expired.detail?.contains("expired") == true)
            let edited = try await client.call(.patch, "\(Self.tokens)/\(id)", json: ["validDays": 10])
            #expect(edited.status == .ok)
            #expect(try edited.json["expiresAt"] == "2030-01-12T00:00:00Z")
            #expect(try await client.verify(token.token).status == .ok)
            #expect(try await client.call(.patch, "\(Self.tokens)/\(id)", json: ["noExpiry": true]).json["expiresAt"] == nil)
        }
    }

    @Test func expiryWarningIsFlaggedAndRecordedOnce() async throws {
        let clock = TestClock()
        let activity = RecordingActivitySink()
        try await withTokenService(clock: clock, activity: activity) { client in
            _ = try await client.issue(["validDays": 30])
            #expect(try await client.call(.get, Self.tokens).json["expiryWarning"] == nil)
            clock.advance(by: 17 * 86_400)  // 13 days left: inside the 14-day window
            let warned = try await client.call(.get, Self.tokens).json
            #expect(warned["expiryWarning"]?["expiresAt"] == "2030-01-31T00:00:00Z")
            #expect(warned["expiryWarning"]?["windowDays"] == 14)
            _ = try await client.call(.get, Self.tokens)
            #expect(activity.recorded.filter { $0.action == "token.expiring" }.count == 1)
            // A second token that outlives the window clears the warning.
            _ = try await client.issue(["noExpiry": true])
            #expect(try await client.call(.get, Self.tokens).json["expiryWarning"] == nil)
        }
    }

    @Test func everyEventIsRecordedWithWhoAndWhenButNoSecret() async throws {
        let activity = RecordingActivitySink()
        try await withTokenService(activity: activity) { client in
            let token = try await client.issue()
            let id = try #require(token.metadata["id"]?.stringValue)
            let recreated = try await client.call(.post, "\(Self.tokens)/\(id)/recreate", json: [:])
            let newID = try #require(try recreated.json["metadata"]?["id"]?.stringValue)
            _ = try await client.call(.patch, "\(Self.tokens)/\(newID)", json: ["validDays": 5])
            _ = try await client.call(.delete, "\(Self.tokens)/\(newID)")
            let events = try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/token-events")
            let actions = try #require(try events.json.arrayValue).compactMap { $0["action"]?.stringValue }
            #expect(actions == ["token.revoked", "token.validity-changed", "token.recreated", "token.created"])
            #expect(try events.json.arrayValue?.allSatisfy { $0["actor"] == "admin" && $0["occurredAt"] != nil } == true)
            let secret = try #require(BearerToken(parsing: token.token)).secret
            #expect(!events.text.contains(secret))
            #expect(activity.recorded.map(\.action) == ["token.created", "token.recreated", "token.validity-changed", "token.revoked"])
        }
    }
}
