import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import TokenService

@Suite("Token service: tenant API keys through the router, SQL store on in-memory SQLite", .timeLimit(.minutes(1)))
struct ApiKeyRouterTests {
    static let keys = "/internal/v1/tenants/acme/api-keys"
    static let verify = "/internal/v1/api-keys/verify"

    static func create(_ client: any TestClientProtocol, _ body: JSONValue, tenant: String = "acme") async throws -> (key: String, id: String) {
        let created = try await client.call(.post, "/internal/v1/tenants/\(tenant)/api-keys", json: body)
        try #require(created.status == .created, "\(created.text)")
        let json = try created.json
        return (try #require(json["key"]?.stringValue), try #require(json["metadata"]?["id"]?.stringValue))
    }

    @Test func createShowsTheKeyOnceAndStoresOnlyItsPrefixAndHash() async throws {
        let activity = RecordingActivitySink()
        try await withTokenService(activity: activity) { client in
            let created = try await client.call(.post, Self.keys, json: ["name": " deploy bot ", "role": "app"])
            #expect(created.status == .created)
            let body = try created.json
            let key = try #require(body["key"]?.stringValue)
            let parts = key.split(separator: "_", maxSplits: 2).map(String.init)
            try #require(parts.count == 3)
            #expect(parts[0] == "pvk")
            #expect(parts[1].count == 10)
            #expect(parts[2].count == 43)
            let metadata = try #require(body["metadata"]?.objectValue)
            #expect(Set(metadata.keys) == ["id", "name", "role", "prefix", "createdAt", "lastUsedAt"])
            #expect(metadata["name"] == "deploy bot")
            #expect(metadata["role"] == "app")
            #expect(metadata["prefix"] == .string(parts[1]))
            #expect(metadata["createdAt"] == "2030-01-01T00:00:00Z")
            #expect(metadata["lastUsedAt"] == .null)
            let secretHash = try #require(ApiKeySecret(parsing: key)).secretHash
            #expect(!created.text.contains(secretHash))

            let listed = try await client.call(.get, Self.keys)
            #expect(listed.status == .ok)
            #expect(try listed.json.arrayValue?.map { $0["id"] } == [metadata["id"]])
            #expect(!listed.text.contains(parts[2]))
            #expect(!listed.text.contains(secretHash))
            #expect(try await client.call(.get, "/internal/v1/tenants/globex/api-keys").json == [])

            let event = try #require(activity.recorded.last)
            #expect(event.action == "api-key.created")
            #expect(event.tenantID == "acme")
            #expect(event.idpID == "")
            #expect(event.subjectID == metadata["id"]?.stringValue)
            #expect(event.detail == "prefix=\(parts[1]) role=app")
            #expect(DirectoryActivitySink.resourceType(event.action) == "ApiKey")
        }
    }

    @Test func aKeyVerifiesToItsTenantAndRoleAndNotesItsLastUse() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock) { client in
            let (key, id) = try await Self.create(client, ["name": "console", "role": "viewer"])
            clock.advance(by: 120)
            let verified = try await client.call(.post, Self.verify, json: ["key": .string(key)])
            #expect(verified.status == .ok)
            #expect(try verified.json == ["tenantID": "acme", "keyID": .string(id), "role": "viewer"])
            #expect(try await client.call(.get, Self.keys).json.arrayValue?.first?["lastUsedAt"] == "2030-01-01T00:02:00Z")
        }
    }

    @Test func wrongSecretUnknownPrefixGarbageAndScimTokensAreTheSame401() async throws {
        try await withTokenService { client in
            let (key, _) = try await Self.create(client, ["name": "ci", "role": "admin"])
            let scimToken = try await client.issue().token
            let wrongSecret = String(key.dropLast(4)) + "AAAA"
            let unknownPrefix = "pvk_zzzzzzzzzz_" + String(key.split(separator: "_", maxSplits: 2)[2])
            var bodies: Set<String> = []
            for presented in [wrongSecret, unknownPrefix, "pvk_short", "garbage", scimToken] {
                let refused = try await client.call(.post, Self.verify, json: ["key": .string(presented)])
                try refused.expectScimError(401)
                bodies.insert(refused.text)
            }
            #expect(bodies.count == 1)
            // And a key is not a SCIM token.
            try await client.verify(key).expectScimError(401)
        }
    }

    @Test func revokeStopsTheKeyAndOnlyInItsTenant() async throws {
        let activity = RecordingActivitySink()
        try await withTokenService(activity: activity) { client in
            let (key, id) = try await Self.create(client, ["name": "ci", "role": "admin"])
            let (kept, keptID) = try await Self.create(client, ["name": "other", "role": "app"])
            try await client.call(.delete, "/internal/v1/tenants/globex/api-keys/\(id)").expectScimError(404)
            #expect(try await client.call(.post, Self.verify, json: ["key": .string(key)]).status == .ok)

            #expect(try await client.call(.delete, "\(Self.keys)/\(id)").status == .noContent)
            let refused = try await client.call(.post, Self.verify, json: ["key": .string(key)])
            try refused.expectScimError(401)
            #expect(refused.detail?.contains("revoked") == true)
            #expect(try await client.call(.post, Self.verify, json: ["key": .string(kept)]).status == .ok)
            #expect(try await client.call(.get, Self.keys).json.arrayValue?.compactMap { $0["id"]?.stringValue } == [keptID])
            #expect(try await client.call(.delete, "\(Self.keys)/\(id)").status == .noContent)
            try await client.call(.delete, "\(Self.keys)/unknown").expectScimError(404)
            #expect(activity.recorded.map(\.action) == ["api-key.created", "api-key.created", "api-key.revoked"])
        }
    }

    @Test(
        arguments: [
            (["role": "app"], "needs a name"),
            (["name": "", "role": "app"], "needs a name"),
            (["name": .string(String(repeating: "é", count: 101)), "role": "app"], "1 to 100 characters"),
            (["name": "line\nbreak", "role": "app"], "without control characters"),
            (["name": "ci"], "needs a role"),
            (["name": "ci", "role": "Admin"], "Unknown API key role 'Admin'"),
        ] as [(JSONValue, String)]
    )
    func invalidNameOrRoleIsAClear400(body: JSONValue, detail: String) async throws {
        try await withTokenService { client in
            let refused = try await client.call(.post, Self.keys, json: body)
            try refused.expectScimError(400, scimType: "invalidValue")
            #expect(refused.detail?.contains(detail) == true, "\(refused.text)")
            #expect(try await client.call(.get, Self.keys).json == [])
        }
    }

    @Test func aNameOfExactly100CharactersIsAccepted() async throws {
        try await withTokenService { client in
            _ = try await Self.create(client, ["name": .string(String(repeating: "é", count: 100)), "role": "viewer"])
        }
    }

    @Test func aTenantHoldsAtMostTheConfiguredNumberOfKeys() async throws {
        var settings = TokenSettings(expiryCheckInterval: .zero)
        settings.maxApiKeys = 2
        try await withTokenService(settings: settings) { client in
            let (_, first) = try await Self.create(client, ["name": "one", "role": "app"])
            _ = try await Self.create(client, ["name": "two", "role": "app"])
            let refused = try await client.call(.post, Self.keys, json: ["name": "three", "role": "app"])
            try refused.expectScimError(409, scimType: "uniqueness")
            #expect(refused.detail?.contains("already has 2 API keys") == true)
            _ = try await Self.create(client, ["name": "elsewhere", "role": "app"], tenant: "globex")
            #expect(try await client.call(.delete, "\(Self.keys)/\(first)").status == .noContent)
            _ = try await Self.create(client, ["name": "three", "role": "app"])
        }
    }

    @Test func revokingATenantsCredentialsRevokesItsKeys() async throws {
        try await withTokenService { client in
            let (key, _) = try await Self.create(client, ["name": "ci", "role": "admin"])
            let (other, _) = try await Self.create(client, ["name": "ci", "role": "admin"], tenant: "globex")
            #expect(try await client.call(.delete, "/internal/v1/tenants/acme/tokens").status == .noContent)
            try await client.call(.post, Self.verify, json: ["key": .string(key)]).expectScimError(401)
            #expect(try await client.call(.post, Self.verify, json: ["key": .string(other)]).status == .ok)
            #expect(try await client.call(.get, Self.keys).json == [])
        }
    }
}
