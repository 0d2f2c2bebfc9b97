import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceClients
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// `/admin/v1/tenants/{tenant}/api-keys` and what a tenant key opens of the admin API, on the whole gateway (the
/// fake token service issues and verifies the keys; the directory is the real one).
@Suite("SCIM gateway: tenant API keys on the admin API", .timeLimit(.minutes(2)))
struct ApiKeyAdminRouterTests {
    /// Two tenants, each with an IdP `okta`.
    static func seed(_ gateway: Gateway) async throws {
        _ = try await gateway.seed(tenant: "acme", idp: "okta")
        _ = try await gateway.seed(tenant: "globex", idp: "okta")
    }

    // MARK: Managing keys

    @Test func rootKeyCreatesListsAndRevokesAKeyThatIsShownOnce() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            try await Self.seed(gateway)
            let created = try await client.admin(.post, "/tenants/acme/api-keys", json: ["name": "console", "role": "viewer"])
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.cacheControl] == "no-store")
            let body = try created.json
            let key = try #require(body["key"]?.stringValue)
            #expect(key.hasPrefix("pvk_"))
            let metadata = try #require(body["metadata"]?.objectValue)
            #expect(Set(metadata.keys) == ["id", "name", "role", "prefix", "createdAt", "lastUsedAt"])
            #expect(metadata["name"] == "console")
            #expect(metadata["role"] == "viewer")
            #expect(metadata["lastUsedAt"] == .null)
            let id = try #require(metadata["id"]?.stringValue)

            let listed = try await client.admin(.get, "/tenants/acme/api-keys")
            #expect(listed.status == .ok)
            #expect(try listed.json.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
            #expect(!listed.text.contains(key))
            #expect(try await client.admin(.get, "/tenants/globex/api-keys").json.arrayValue?.isEmpty == true)

            #expect(try await client.admin(.delete, "/tenants/acme/api-keys/\(id)").status == .noContent)
            #expect(try await client.admin(.get, "/tenants/acme/api-keys").json.arrayValue?.isEmpty == true)
            try await client.admin(.delete, "/tenants/acme/api-keys/\(id)").expectScimError(404)
        }
    }

    @Test(
        arguments: [
            (["role": "admin"], "needs a name"),
            (["name": "   ", "role": "admin"], "needs a name"),
            (["name": .string(String(repeating: "n", count: 101)), "role": "admin"], "1 to 100 characters"),
            (["name": "ci"], "needs a role"),
            (["name": "ci", "role": "owner"], "Unknown API key role 'owner'"),
        ] as [(JSONValue, String)]
    )
    func invalidNameOrRoleIsAClear400(body: JSONValue, detail: String) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            try await Self.seed(gateway)
            let refused = try await client.admin(.post, "/tenants/acme/api-keys", json: body)
            try refused.expectScimError(400, scimType: "invalidValue")
            #expect(try refused.json["detail"]?.stringValue?.contains(detail) == true, "\(refused.text)")
            #expect(try await gateway.tokens.listApiKeys(tenantID: "acme", logger: .discarding).isEmpty)
        }
    }

    @Test func keysOfATenantThatDoesNotExistAre404() async throws {
        try await Gateway().run { client in
            try await client.admin(.post, "/tenants/nope/api-keys", json: ["name": "ci", "role": "app"]).expectScimError(404)
            try await client.admin(.get, "/tenants/nope/api-keys").expectScimError(404)
        }
    }

    // MARK: What each role opens

    struct Rule: Sendable, CustomTestStringConvertible {
        var role: ApiKeyRole
        var method: HTTPRequest.Method
        var path: String
        var body: JSONValue?
        var status: Int
        var testDescription: String { "\(role) \(method) \(path) → \(status)" }
    }

    static let rules: [Rule] = [
        Rule(role: .admin, method: .get, path: "/tenants/acme", status: 200),
        Rule(role: .admin, method: .get, path: "/tenants/acme/idps", status: 200),
        Rule(role: .admin, method: .post, path: "/tenants/acme/idps", body: ["id": "second", "name": "Second"], status: 201),
        Rule(role: .admin, method: .delete, path: "/tenants/acme/idps/okta", status: 204),
        Rule(role: .admin, method: .get, path: "/tenants/acme/activity", status: 200),
        Rule(role: .admin, method: .post, path: "/tenants/acme/api-keys", body: ["name": "more", "role": "app"], status: 201),
        Rule(role: .admin, method: .patch, path: "/tenants/acme", body: ["name": "Renamed"], status: 403),
        Rule(role: .admin, method: .delete, path: "/tenants/acme", status: 403),
        Rule(role: .admin, method: .get, path: "/tenants", status: 403),
        Rule(role: .admin, method: .post, path: "/tenants", body: ["id": "mine", "name": "Mine"], status: 403),
        Rule(role: .admin, method: .get, path: "/signing-keys", status: 403),
        Rule(role: .admin, method: .post, path: "/signing-keys/rotate", status: 403),
        Rule(role: .viewer, method: .get, path: "/tenants/acme", status: 200),
        Rule(role: .viewer, method: .get, path: "/tenants/acme/idps/okta", status: 200),
        Rule(role: .viewer, method: .get, path: "/tenants/acme/api-keys", status: 200),
        Rule(role: .viewer, method: .post, path: "/tenants/acme/idps", body: ["id": "second", "name": "Second"], status: 403),
        Rule(role: .viewer, method: .patch, path: "/tenants/acme/idps/okta", body: ["name": "Okta 2"], status: 403),
        Rule(role: .viewer, method: .delete, path: "/tenants/acme/idps/okta", status: 403),
        Rule(role: .viewer, method: .post, path: "/tenants/acme/api-keys", body: ["name": "mine", "role": "admin"], status: 403),
        Rule(role: .viewer, method: .post, path: "/tenants/acme/idps/okta/tokens", body: ["validDays": 30], status: 403),
        Rule(role: .viewer, method: .get, path: "/tenants", status: 403),
        Rule(role: .viewer, method: .get, path: "/signing-keys", status: 403),
        Rule(role: .app, method: .get, path: "/tenants/acme", status: 403),
        Rule(role: .app, method: .get, path: "/tenants/acme/idps", status: 403),
        Rule(role: .app, method: .post, path: "/tenants/acme/api-keys", body: ["name": "mine", "role": "admin"], status: 403),
        Rule(role: .app, method: .get, path: "/tenants", status: 403),
    ]

    @Test(arguments: rules)
    func aTenantKeyOpensWhatItsRoleAllows(rule: Rule) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            try await Self.seed(gateway)
            let (key, _) = gateway.tokens.issueApiKey(tenantID: "acme", role: rule.role)
            let answer = try await client.request(rule.method, "/admin/v1" + rule.path, bearer: key, json: rule.body, contentType: "application/json")
            #expect(answer.status.code == rule.status, "\(answer.text)")
            if rule.status >= 400 { try answer.expectScimError(rule.status) }
            if rule.status == 403 {  // refused before anything changed
                #expect(try await gateway.directory.tenantIDs == ["acme", "globex"])
                #expect(try await gateway.directory.client.listIdentityProviders(tenantID: "acme", logger: .discarding).map(\.id) == ["okta"])
                #expect(try await gateway.tokens.listApiKeys(tenantID: "acme", logger: .discarding).count == 1)
            }
        }
    }

    /// The same requests through the root key: it keeps every right, the operator's included.
    @Test func theRootKeyKeepsOperatorRights() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            try await Self.seed(gateway)
            #expect(try await client.admin(.get, "/tenants").status == .ok)
            #expect(try await client.admin(.get, "/signing-keys").status == .ok)
            #expect(try await client.admin(.patch, "/tenants/globex", json: ["name": "Globex 2"]).status == .ok)
            #expect(try await client.admin(.post, "/tenants", json: ["id": "mine", "name": "Mine"]).status == .created)
        }
    }

    static let foreignRequests: [(HTTPRequest.Method, String, JSONValue?)] = [
        (.get, "", nil), (.patch, "", ["name": "x"]), (.delete, "", nil), (.get, "/idps", nil), (.get, "/idps/okta", nil),
        (.post, "/idps", ["id": "x", "name": "x"]), (.delete, "/idps/okta", nil), (.get, "/api-keys", nil),
        (.post, "/api-keys", ["name": "x", "role": "admin"]), (.delete, "/api-keys/x", nil), (.get, "/activity", nil),
        (.get, "/idps/okta/tokens", nil), (.get, "/attributes", nil),
    ]

    @Test(arguments: [ApiKeyRole.admin, .viewer])
    func anotherTenantsRoutesAnswerExactlyLikeATenantThatDoesNotExist(role: ApiKeyRole) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            try await Self.seed(gateway)
            let (key, _) = gateway.tokens.issueApiKey(tenantID: "acme", role: role)
            for (method, suffix, body) in Self.foreignRequests {
                func answer(_ tenant: String) async throws -> TestResponse {
                    try await client.request(method, "/admin/v1/tenants/\(tenant)\(suffix)", bearer: key, json: body, contentType: "application/json")
                }
                let existing = try await answer("globex")
                let missing = try await answer("nope")
                try existing.expectScimError(404)
                #expect(existing.status == missing.status, "\(method) \(suffix)")
                #expect(existing.text == missing.text, "\(method) \(suffix): \(existing.text) vs \(missing.text)")
                #expect(existing.headers[.contentType] == missing.headers[.contentType])
            }
            #expect(try await gateway.directory.client.tenant("globex", logger: .discarding).name == "globex")
        }
    }

    // MARK: Credentials that never open the admin API, and keys that never open SCIM

    @Test func scimTokensAndOAuthAccessTokensNeverOpenTheAdminAPI() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let scimToken = try await gateway.seed(tenant: "acme", idp: "okta")
            let granted = try await OAuthRouterTests.token(client, "grant_type=client_credentials", authorization: OAuthRouterTests.basic())
            let jwt = try OAuthRouterTests.expectAccessToken(granted)
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users", bearer: jwt).status == .ok)
            let tooLong = "pvk_unknown000_" + String(repeating: "x", count: 129)
            for credential in [scimToken, jwt, "pvk_unknown000_" + String(repeating: "x", count: 43), tooLong, "not-a-key"] {
                for path in ["/tenants/acme", "/tenants/acme/idps", "/tenants"] {
                    try await client.request(.get, "/admin/v1" + path, bearer: credential).expectScimError(401)
                }
            }
            try await client.request(.get, "/admin/v1/tenants/acme").expectScimError(401)
            #expect(!gateway.tokens.apiKeyVerifyCalls.contains(tooLong), "refused without asking")
            #expect(gateway.tokens.apiKeyVerifyCalls.count == 3, "only the pvk_-shaped key of a possible length was verified")
        }
    }

    @Test(arguments: ApiKeyRole.allCases)
    func aTenantKeyNeverOpensSCIMAndTheTokenServiceIsNotAsked(role: ApiKeyRole) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let (key, _) = gateway.tokens.issueApiKey(tenantID: "acme", role: role)
            for path in ["/Users", "/Groups", "/ServiceProviderConfig", "/Bulk"] {
                let method: HTTPRequest.Method = path == "/Bulk" ? .post : .get
                let answer = try await client.request(method, "/scim/v2/acme/okta" + path, bearer: key, json: path == "/Bulk" ? [:] : nil)
                try answer.expectScimError(401)
                #expect(try answer.json["detail"] == "The bearer token is not valid.")
            }
            #expect(gateway.tokens.verifyCalls.isEmpty)
            #expect(gateway.tokens.apiKeyVerifyCalls.isEmpty)
        }
    }

    // MARK: Revocation, caching and failures

    @Test func revokingAKeyStopsItAtOnceOnTheGatewayThatRevoked() async throws {
        let gateway = Gateway()
        try await gateway.run(tokenCacheTTL: .seconds(3_600)) { client in
            try await Self.seed(gateway)
            let (key, id) = gateway.tokens.issueApiKey(tenantID: "acme", role: .admin)
            let (other, _) = gateway.tokens.issueApiKey(tenantID: "acme", role: .viewer)
            #expect(try await client.request(.get, "/admin/v1/tenants/acme/idps", bearer: key).status == .ok)
            #expect(try await client.request(.get, "/admin/v1/tenants/acme/idps", bearer: other).status == .ok)
            #expect(try await client.request(.get, "/admin/v1/tenants/acme/idps", bearer: key).status == .ok)
            #expect(gateway.tokens.apiKeyVerifyCalls == [key, other], "the second use is served from the cache")

            #expect(try await client.admin(.delete, "/tenants/acme/api-keys/\(id)").status == .noContent)
            try await client.request(.get, "/admin/v1/tenants/acme/idps", bearer: key).expectScimError(401)
            #expect(try await client.request(.get, "/admin/v1/tenants/acme/idps", bearer: other).status == .ok)
            #expect(gateway.tokens.apiKeyVerifyCalls == [key, other, key], "only the revoked key was verified again")
        }
    }

    @Test func failedKeyAuthenticationsCountInTheLimiterAndKnownCredentialsStillWork() async throws {
        let gateway = Gateway(authFailureLimit: 3)
        try await gateway.run { client in
            try await Self.seed(gateway)
            let (key, _) = gateway.tokens.issueApiKey(tenantID: "acme", role: .viewer)
            #expect(try await client.request(.get, "/admin/v1/tenants/acme", bearer: key).status == .ok)
            let wrong = "pvk_wrongwrong_" + String(repeating: "y", count: 43)
            for _ in 0..<3 { try await client.request(.get, "/admin/v1/tenants/acme", bearer: wrong).expectScimError(401) }
            let blocked = try await client.request(.get, "/admin/v1/tenants/acme", bearer: wrong)
            try blocked.expectScimError(429)
            #expect(blocked.headers[.retryAfter] != nil)
            try await client.request(.get, "/scim/v2/acme/okta/Users", bearer: "pvs_garbage000_" + String(repeating: "z", count: 43))
                .expectScimError(429)
            #expect(try await client.request(.get, "/admin/v1/tenants/acme", bearer: key).status == .ok, "a key that authenticated")
            #expect(try await client.admin(.get, "/tenants").status == .ok, "the root key")
            gateway.limiterClock.advance(by: .seconds(61))
            try await client.request(.get, "/admin/v1/tenants/acme", bearer: wrong).expectScimError(401)
        }
    }

    // MARK: OAuth clients: revoke and rotate act at once here too

    @Test(arguments: ["revoke", "rotate"])
    func revokingOrRotatingAnOAuthClientStopsItsAccessTokensAtOnce(action: String) async throws {
        let gateway = Gateway()
        try await gateway.run(tokenCacheTTL: .seconds(3_600)) { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let granted = try await OAuthRouterTests.token(client, "grant_type=client_credentials", authorization: OAuthRouterTests.basic())
            let jwt = try OAuthRouterTests.expectAccessToken(granted)
            let bearer = gateway.tokens.issue(tenantID: "acme", idpID: "okta")
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users", bearer: jwt).status == .ok)
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users", bearer: bearer).status == .ok)
            let clientPath = "/tenants/acme/idps/okta/clients/\(FakeTokenClient.clientID)"
            let done =
                action == "revoke"
                ? try await client.admin(.delete, clientPath) : try await client.admin(.post, clientPath + "/rotate", json: ["graceHours": 0])
            #expect(done.status.code < 300, "\(done.text)")
            try await client.request(.get, "/scim/v2/acme/okta/Users", bearer: jwt).expectScimError(401)
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users", bearer: bearer).status == .ok, "another credential stays cached")
            #expect(gateway.tokens.verifyCalls == [jwt, bearer, jwt])
        }
    }

    @Test func rotatingWithAGracePeriodKeepsTheAccessTokensWorking() async throws {
        let gateway = Gateway()
        try await gateway.run(tokenCacheTTL: .seconds(3_600)) { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let granted = try await OAuthRouterTests.token(client, "grant_type=client_credentials", authorization: OAuthRouterTests.basic())
            let jwt = try OAuthRouterTests.expectAccessToken(granted)
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users", bearer: jwt).status == .ok)
            let path = "/tenants/acme/idps/okta/clients/\(FakeTokenClient.clientID)/rotate"
            #expect(try await client.admin(.post, path, json: ["graceHours": 24]).status == .ok)
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users", bearer: jwt).status == .ok)
        }
    }
}
