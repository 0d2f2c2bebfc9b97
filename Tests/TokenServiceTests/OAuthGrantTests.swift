import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceTestSupport
import Testing

@testable import TokenService

@Suite("Token service: OAuth clients, client-credentials grant, JWT verification, signing keys", .timeLimit(.minutes(1)))
struct OAuthGrantTests {
    static let clients = "/internal/v1/tenants/acme/idps/okta/clients"
    static let grant = "/internal/v1/tenants/acme/oauth/token"

    @Test func grantIssuesAJWTThatVerifiesToTheClientsIdPUntilItExpires() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock) { client in
            let created = try await client.call(.post, Self.clients)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(try created.json["clientID"]?.stringValue)
            let secret = try #require(try created.json["clientSecret"]?.stringValue)
            let listed = try await client.call(.get, Self.clients)
            #expect(!listed.text.contains(secret))
            try await client.call(.post, Self.clients).expectScimError(409, scimType: "uniqueness")

            let answer = try await client.call(.post, Self.grant, json: ["clientID": .string(id), "clientSecret": .string(secret)])
            #expect(answer.status == .ok, "\(answer.text)")
            let jwt = try #require(try answer.json["access_token"]?.stringValue)
            #expect(try answer.json["token_type"] == "Bearer")
            #expect(try answer.json["expires_in"] == 3600)
            #expect(jwt.split(separator: ".").count == 3)
            let header = try JSONValue.decode(Data(base64URL: String(jwt.split(separator: ".")[0]))!)
            #expect(header["alg"] == "ES256")
            let jwks = try await client.call(.get, "/internal/v1/jwks").json
            #expect(jwks["keys"]?.arrayValue?.first?["kid"] == header["kid"])
            #expect(jwks["keys"]?.arrayValue?.first?["d"] == nil)

            let verified = try await client.verify(jwt)
            #expect(verified.status == .ok)
            #expect(try verified.json["tenantID"] == "acme")
            #expect(try verified.json["idpID"] == "okta")
            clock.advance(by: 3600)
            let expired = try await client.verify(jwt)
            try expired.expectScimError(401)
            #expect(expired.detail?.contains("expired") == true)
        }
    }

    @Test func wrongSecretUnknownClientAndOtherTenantAreTheSame401() async throws {
        try await withTokenService { client in
            let created = try await client.call(.post, Self.clients).json
            let id = try #require(created["clientID"]?.stringValue)
            let secret = try #require(created["clientSecret"]?.stringValue)
            for (path, clientID, clientSecret) in [
                (Self.grant, id, "pvcs_wrong"), (Self.grant, "pvc_nobody", secret), ("/internal/v1/tenants/other/oauth/token", id, secret),
            ] {
                try await client.call(.post, path, json: ["clientID": .string(clientID), "clientSecret": .string(clientSecret)])
                    .expectScimError(401)
            }
            try await client.call(.post, Self.grant, json: ["clientID": .string(id), "clientSecret": .string(secret), "scope": "admin"])
                .expectScimError(400, scimType: "invalidValue")
        }
    }

    @Test func rotationWithGraceAndRevocation() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock) { client in
            let created = try await client.call(.post, Self.clients).json
            let id = try #require(created["clientID"]?.stringValue)
            let old = try #require(created["clientSecret"]?.stringValue)
            let rotated = try await client.call(.post, "\(Self.clients)/\(id)/rotate", json: ["graceHours": 1]).json
            let new = try #require(rotated["clientSecret"]?.stringValue)
            #expect(new != old)
            let jwt = try #require(
                try await client.call(.post, Self.grant, json: ["clientID": .string(id), "clientSecret": .string(old)]).json["access_token"]?
                    .stringValue
            )
            clock.advance(by: 3600)
            try await client.call(.post, Self.grant, json: ["clientID": .string(id), "clientSecret": .string(old)]).expectScimError(401)
            let fresh = try #require(
                try await client.call(.post, Self.grant, json: ["clientID": .string(id), "clientSecret": .string(new)]).json["access_token"]?
                    .stringValue
            )
            #expect(try await client.verify(fresh).status == .ok)
            _ = jwt
            #expect(try await client.call(.delete, "\(Self.clients)/\(id)").status == .noContent)
            try await client.verify(fresh).expectScimError(401)
            try await client.call(.post, Self.grant, json: ["clientID": .string(id), "clientSecret": .string(new)]).expectScimError(401)
            let actions = try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/token-events").json.arrayValue?
                .compactMap { $0["action"]?.stringValue }
            #expect(actions == ["client.revoked", "client.secret-rotated", "client.created"])
        }
    }

    @Test func signingKeyRotationKeepsEarlierTokensValid() async throws {
        try await withTokenService { client in
            let created = try await client.call(.post, Self.clients).json
            let grant: JSONValue = ["clientID": created["clientID"] ?? .null, "clientSecret": created["clientSecret"] ?? .null]
            let before = try #require(try await client.call(.post, Self.grant, json: grant).json["access_token"]?.stringValue)
            let rotated = try await client.call(.post, "/internal/v1/signing-keys/rotate")
            #expect(rotated.status == .created)
            #expect(try rotated.json.arrayValue?.count == 2)
            let after = try #require(try await client.call(.post, Self.grant, json: grant).json["access_token"]?.stringValue)
            #expect(try await client.verify(before).status == .ok)
            #expect(try await client.verify(after).status == .ok)
            #expect(try await client.call(.get, "/internal/v1/jwks").json["keys"]?.arrayValue?.count == 2)
        }
    }

    @Test func forgedOrForeignJWTsAreTheGarbageAnswer() async throws {
        try await withTokenService { client in
            let garbage = try await client.verify("pvs_aaaaaaaaaa_" + String(repeating: "x", count: 43))
            for token in ["eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "a.b.c"] {
                let answer = try await client.verify(token)
                try answer.expectScimError(401)
                #expect(answer.detail == garbage.detail)
            }
        }
    }
}

extension Data {
    init?(base64URL: String) {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        self.init(base64Encoded: text)
    }
}

/// A rotated secret ends the access tokens issued before it when it ends the previous secret: at once without a grace
/// period, at its end with one. Verifications name the client, so gateways can forget them by client.
@Suite("Token service: OAuth secret rotation and the access tokens issued before it", .timeLimit(.minutes(1)))
struct OAuthRotationTests {
    static let clients = OAuthGrantTests.clients
    static let grant = OAuthGrantTests.grant

    static func accessToken(_ client: any TestClientProtocol, _ id: String, _ secret: String) async throws -> String {
        let answer = try await client.call(.post, grant, json: ["clientID": .string(id), "clientSecret": .string(secret)])
        return try #require(try answer.json["access_token"]?.stringValue, "\(answer.text)")
    }

    @Test func rotationWithoutGraceEndsEarlierAccessTokensAtOnce() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock) { client in
            let created = try await client.call(.post, Self.clients).json
            let id = try #require(created["clientID"]?.stringValue)
            let before = try await Self.accessToken(client, id, try #require(created["clientSecret"]?.stringValue))
            let verified = try await client.verify(before)
            #expect(try verified.json["clientID"] == .string(id))
            clock.advance(by: 1)
            let rotated = try await client.call(.post, "\(Self.clients)/\(id)/rotate", json: ["graceHours": 0]).json
            let refused = try await client.verify(before)
            try refused.expectScimError(401)
            #expect(refused.detail?.contains("rotated") == true)
            let after = try await Self.accessToken(client, id, try #require(rotated["clientSecret"]?.stringValue))
            #expect(try await client.verify(after).status == .ok)
        }
    }

    @Test func rotationWithGraceEndsEarlierAccessTokensWhenTheGraceEnds() async throws {
        let clock = TestClock()
        try await withTokenService(clock: clock, settings: TokenSettings(expiryCheckInterval: .zero, accessTokenLifetime: 86_400)) { client in
            let created = try await client.call(.post, Self.clients).json
            let id = try #require(created["clientID"]?.stringValue)
            let before = try await Self.accessToken(client, id, try #require(created["clientSecret"]?.stringValue))
            clock.advance(by: 1)
            #expect(try await client.call(.post, "\(Self.clients)/\(id)/rotate", json: ["graceHours": 1]).status == .ok)
            let during = try await client.verify(before)
            #expect(during.status == .ok)
            #expect(try during.json["expiresAt"] == "2030-01-01T01:00:01Z", "cached no longer than the grace period")
            clock.advance(by: 3600)
            try await client.verify(before).expectScimError(401)
        }
    }
}
