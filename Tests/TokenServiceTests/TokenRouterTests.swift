import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import NIOCore
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import TokenService

@Suite("Token service: internal API through the router, SQL store on in-memory SQLite", .timeLimit(.minutes(1)))
struct TokenRouterTests {
    // MARK: Authentication and health

    @Test(arguments: [nil, "wrong-internal-key-of-good-length"] as [String?])
    func internalEndpointsRefuseCallsWithoutTheInternalKey(key: String?) async throws {
        try await withTokenService { client in
            try await client.call(.post, "/internal/v1/tenants/acme/idps/okta/tokens", json: ["validDays": 30], internalKey: key)
                .expectScimError(401)
            try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/tokens", internalKey: key).expectScimError(401)
            try await client.call(.post, "/internal/v1/verify", json: ["token": "pvs_x"], internalKey: key).expectScimError(401)
            // The refused creation did not happen.
            #expect(try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/tokens").json["tokens"] == [])
        }
    }

    @Test func healthAndReadiness() async throws {
        try await withTokenService { client in
            let health = try await client.call(.get, "/healthz", internalKey: nil)
            #expect(health.status == .ok)
            #expect(try health.json["service"] == "token")
            let ready = try await client.call(.get, "/readyz", internalKey: nil)
            #expect(ready.status == .ok)
            #expect(try ready.json["checks"]?["store"] == "ok")
        }
    }

    // MARK: Issuing

    @Test func createWithValidDaysReturnsTheTokenAndItsMetadata() async throws {
        try await withTokenService { client in
            let response = try await client.call(.post, "/internal/v1/tenants/acme/idps/okta/tokens", json: ["validDays": 30])
            #expect(response.status == .created)
            let body = try response.json
            let token = try #require(body["token"]?.stringValue)
            #expect(token.hasPrefix("pvs_"))
            let parts = token.split(separator: "_", maxSplits: 2).map(String.init)
            try #require(parts.count == 3)
            #expect(parts[1].count == 10)
            #expect(parts[2].count == 43)  // 32 random bytes, base64url without padding

            let metadata = try #require(body["metadata"])
            #expect(metadata["prefix"] == .string(parts[1]))
            #expect(metadata["tenantID"] == "acme")
            #expect(metadata["idpID"] == "okta")
            #expect(metadata["id"]?.stringValue.flatMap(UUID.init(uuidString:)) != nil)
            #expect(metadata["createdAt"] == "2030-01-01T00:00:00Z")
            #expect(metadata["expiresAt"] == "2030-01-31T00:00:00Z")
            #expect(metadata["revokedAt"] == nil)
            #expect(metadata["lastUsedAt"] == nil)
            // The secret appears once, in `token`, and its hash never.
            let secretHash = try #require(BearerToken(parsing: token)).secretHash
            #expect(!response.text.contains(secretHash))
            #expect(response.text.components(separatedBy: parts[2]).count == 2)
        }
    }

    @Test func twoTokensHaveDifferentPrefixesAndSecrets() async throws {
        try await withTokenService { client in
            let first = try await client.issue()
            let second = try await client.issue()
            #expect(first.token != second.token)
            #expect(first.metadata["prefix"] != second.metadata["prefix"])
            #expect(first.metadata["id"] != second.metadata["id"])
        }
    }

    @Test func noExpiryTokenHasNoExpiresAt() async throws {
        try await withTokenService { client in
            let response = try await client.call(.post, "/internal/v1/tenants/acme/idps/okta/tokens", json: ["noExpiry": true])
            #expect(response.status == .created)
            let metadata = try #require(try response.json["metadata"])
            #expect(metadata["expiresAt"] == nil || metadata["expiresAt"] == .null)
            #expect(try response.json["token"]?.stringValue?.hasPrefix("pvs_") == true)
        }
    }

    @Test(
        arguments: [
            ([:], "needs a validity"),
            (["noExpiry": false], "needs a validity"),
            (["validDays": 30, "noExpiry": true], "not both"),
            (["validDays": 0], "between 1 and 3650"),
            (["validDays": -5], "between 1 and 3650"),
            (["validDays": 3651], "between 1 and 3650"),
        ] as [(JSONValue, String)]
    )
    func invalidValidityIsRefused(request: JSONValue, detail: String) async throws {
        try await withTokenService { client in
            let response = try await client.call(.post, "/internal/v1/tenants/acme/idps/okta/tokens", json: request)
            try response.expectScimError(400, scimType: "invalidValue")
            #expect(response.detail?.contains(detail) == true, "detail: \(response.detail ?? "-")")
            #expect(try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/tokens").json["tokens"] == [])
        }
    }

    @Test(arguments: [1, 3650])
    func validDaysBoundsAreAccepted(days: Int) async throws {
        try await withTokenService { client in
            let issued = try await client.issue(["validDays": .number(Double(days)), "noExpiry": false])
            let expected = Fixture.start.addingTimeInterval(TimeInterval(days) * 86_400)
            #expect(issued.metadata["expiresAt"] == .string(expected.formatted(.iso8601)))
        }
    }

    @Test func malformedBodyIsInvalidSyntax() async throws {
        try await withTokenService { client in
            try await client.call(.post, "/internal/v1/tenants/acme/idps/okta/tokens", rawBody: "validDays=30")
                .expectScimError(400, scimType: "invalidSyntax")
            try await client.call(.post, "/internal/v1/tenants/acme/idps/okta/tokens", json: ["validDays": "thirty"])
                .expectScimError(400, scimType: "invalidSyntax")
        }
    }

    // MARK: Listing

    @Test func listShowsMetadataButNeverTheSecretOrItsHash() async throws {
        try await withTokenService { client in
            let first = try await client.issue()
            let second = try await client.issue(["noExpiry": true])
            _ = try await client.issue(idp: "entra")

            let response = try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/tokens")
            #expect(response.status == .ok)
            let list = try #require(try response.json["tokens"]?.arrayValue)
            #expect(list.count == 2)
            #expect(Set(list.compactMap { $0["id"] }) == Set([first.metadata["id"], second.metadata["id"]].compactMap { $0 }))
            #expect(Set(list.compactMap { $0["prefix"] }) == Set([first.metadata["prefix"], second.metadata["prefix"]].compactMap { $0 }))
            #expect(list.allSatisfy { $0["tenantID"] == "acme" && $0["idpID"] == "okta" })
            let allowedKeys: Set<String> = ["id", "prefix", "tenantID", "idpID", "createdAt", "expiresAt", "lastUsedAt", "revokedAt"]
            #expect(list.allSatisfy { ($0.objectValue.map { Set($0.keys) } ?? []).isSubset(of: allowedKeys) })

            for issued in [first, second] {
                let parsed = try #require(BearerToken(parsing: issued.token))
                #expect(!response.text.contains(issued.token))
                #expect(!response.text.contains(parsed.secret))
                #expect(!response.text.contains(parsed.secretHash))
            }
            #expect(try await client.call(.get, "/internal/v1/tenants/acme/idps/nobody/tokens").json["tokens"] == [])
        }
    }

    // MARK: Verification

    @Test func goodTokenVerifiesToItsTenantAndIdentityProvider() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock) { client in
            let issued = try await client.issue(tenant: "acme", idp: "entra")
            clock.advance(by: 60)
            let response = try await client.verify(issued.token)
            #expect(response.status == .ok)
            let body = try response.json
            #expect(body["tenantID"] == "acme")
            #expect(body["idpID"] == "entra")
            #expect(body["tokenID"] == issued.metadata["id"])
            #expect(body["expiresAt"] == issued.metadata["expiresAt"])
            #expect(!response.text.contains(try #require(BearerToken(parsing: issued.token)).secret))

            // The successful use is noted.
            let listed = try await client.call(.get, "/internal/v1/tenants/acme/idps/entra/tokens").json["tokens"]?.arrayValue?.first
            #expect(listed?["lastUsedAt"] == "2030-01-01T00:01:00Z")
        }
    }

    @Test func wrongSecretUnknownPrefixAndGarbageAllGetTheSameAnswer() async throws {
        try await withTokenService { client in
            let issued = try await client.issue()
            let prefix = try #require(issued.metadata["prefix"]?.stringValue)
            let wrongSecret = "pvs_\(prefix)_" + String(repeating: "A", count: 43)
            let unknownPrefix = "pvs_zzzzzzzzzz_" + String(repeating: "A", count: 43)

            let answers = try await [
                client.verify(wrongSecret), client.verify(unknownPrefix), client.verify("garbage"), client.verify(""),
                client.verify("pvs_\(prefix)_short"),
            ]
            for answer in answers {
                try answer.expectScimError(401)
                #expect(answer.detail == "The bearer token is not valid.")
                #expect(answer.headers[.wwwAuthenticate] != nil)
            }
            #expect(Set(answers.map(\.text)).count == 1)
            // A failed attempt is not a use.
            #expect(try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/tokens").json["tokens"]?.arrayValue?.first?["lastUsedAt"] == nil)
        }
    }

    @Test func revokingAnIdentityProvidersTokensStopsThemAndOnlyThem() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock) { client in
            let first = try await client.issue()
            let second = try await client.issue(["noExpiry": true])
            let otherIdP = try await client.issue(idp: "entra")
            #expect(try await client.verify(first.token).status == .ok)

            clock.advance(by: 3600)
            let revoke = try await client.call(.delete, "/internal/v1/tenants/acme/idps/okta/tokens")
            #expect(revoke.status == .noContent)

            for token in [first.token, second.token] {
                let response = try await client.verify(token)
                try response.expectScimError(401)
                #expect(response.detail?.contains("revoked") == true, "detail: \(response.detail ?? "-")")
            }
            #expect(try await client.verify(otherIdP.token).status == .ok)

            let list = try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/tokens").json["tokens"]?.arrayValue ?? []
            #expect(list.count == 2)
            #expect(list.allSatisfy { $0["revokedAt"] == "2030-01-01T01:00:00Z" })

            // A wrong secret for a revoked token learns nothing about the revocation.
            let prefix = try #require(first.metadata["prefix"]?.stringValue)
            #expect(try await client.verify("pvs_\(prefix)_" + String(repeating: "B", count: 43)).detail == "The bearer token is not valid.")
        }
    }

    @Test func revokingATenantsTokensStopsEveryIdentityProvidersTokens() async throws {
        try await withTokenService { client in
            let okta = try await client.issue(tenant: "acme", idp: "okta")
            let entra = try await client.issue(tenant: "acme", idp: "entra")
            let otherTenant = try await client.issue(tenant: "beta", idp: "okta")
            #expect(try await client.call(.delete, "/internal/v1/tenants/acme/tokens").status == .noContent)
            #expect(try await client.verify(okta.token).detail?.contains("revoked") == true)
            #expect(try await client.verify(entra.token).detail?.contains("revoked") == true)
            #expect(try await client.verify(otherTenant.token).status == .ok)
        }
    }

    @Test func tokenStopsWorkingExactlyAtItsExpiry() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock) { client in
            let expiring = try await client.issue(["validDays": 1])
            let forever = try await client.issue(["noExpiry": true])
            #expect(try await client.verify(expiring.token).status == .ok)

            clock.advance(by: 86_399)
            #expect(try await client.verify(expiring.token).status == .ok)

            clock.advance(by: 1)
            let expired = try await client.verify(expiring.token)
            try expired.expectScimError(401)
            #expect(expired.detail?.contains("expired") == true, "detail: \(expired.detail ?? "-")")
            #expect(expired.detail?.contains("2030-01-02T00:00:00Z") == true)

            clock.advance(by: 100 * 365 * 86_400)
            #expect(try await client.verify(forever.token).status == .ok)
        }
    }
}
