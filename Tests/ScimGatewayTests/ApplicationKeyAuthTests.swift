import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceKit
import ServiceTestSupport
import Synchronization
import Testing

@testable import ScimGateway

/// The application API's guard (`/api/v1/tenants/{tenant}`): the production ``TenantKeyAuthMiddleware`` in front of a
/// probe route that answers the ``ApiPrincipal`` its handler sees, as the application API's controllers read it. (The
/// gateway registers those controllers on the group App+build.swift guards with this middleware.)
@Suite("SCIM gateway: tenant API keys on the application API", .timeLimit(.minutes(1)))
struct ApplicationKeyAuthTests {
    static let adminKey = Fixture.adminKey

    /// Runs `test` against the probe: `GET|POST /api/v1/tenants/{tenant}/probe` → `{"actor", "tenant", "role"}`.
    static func withProbe(
        _ tokens: FakeTokenClient,
        _ test: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let router = ServiceApplication.makeRouter()
        let middleware = TenantKeyAuthMiddleware(
            surface: .application,
            adminKey: adminKey,
            verifier: CachingApiKeyVerifier(tokens: tokens, ttl: .seconds(30)),
            limiter: AuthFailureLimiter(limit: 20, window: .seconds(60))
        )
        let group = router.group("api/v1/tenants/:tenant").add(middleware: middleware)
        let probe: @Sendable (Request, ServiceRequestContext) async throws -> Response = { _, _ in
            let principal = try #require(ApiPrincipal.current)
            let answer: JSONValue = [
                "actor": .string(principal.actor),
                "tenant": principal.tenantID.map(JSONValue.string) ?? .null,
                "role": principal.role.map { .string($0.rawValue) } ?? .null,
            ]
            return JSONCoding.response(answer)
        }
        group.get("probe", use: probe)
        group.post("probe", use: probe)
        try await Application(router: router).test(.router) { client in try await test(client) }
    }

    @Test(arguments: [ApiKeyRole.app, .admin])
    func appAndAdminKeysOpenTheirTenantAndTheHandlerSeesWho(role: ApiKeyRole) async throws {
        let tokens = FakeTokenClient()
        let (key, id) = tokens.issueApiKey(tenantID: "acme", role: role)
        try await Self.withProbe(tokens) { client in
            for method in [HTTPRequest.Method.get, .post] {
                let answer = try await client.request(method, "/api/v1/tenants/acme/probe", bearer: key, json: [:])
                #expect(answer.status == .ok, "\(answer.text)")
                #expect(try answer.json == ["actor": .string("apikey:\(id)"), "tenant": "acme", "role": .string(role.rawValue)])
            }
        }
    }

    @Test func theRootKeyOpensEveryTenantAsTheOperator() async throws {
        try await Self.withProbe(FakeTokenClient()) { client in
            for tenant in ["acme", "globex"] {
                let answer = try await client.request(.get, "/api/v1/tenants/\(tenant)/probe", bearer: Self.adminKey)
                #expect(try answer.json == ["actor": "admin", "tenant": .null, "role": .null])
            }
        }
    }

    @Test func aViewerKeyIsForbidden() async throws {
        let tokens = FakeTokenClient()
        let (key, _) = tokens.issueApiKey(tenantID: "acme", role: .viewer)
        try await Self.withProbe(tokens) { client in
            try await client.request(.get, "/api/v1/tenants/acme/probe", bearer: key).expectScimError(403)
        }
    }

    @Test(arguments: [ApiKeyRole.app, .admin])
    func anotherTenantAnswersExactlyLikeATenantThatDoesNotExist(role: ApiKeyRole) async throws {
        let tokens = FakeTokenClient()
        let (key, _) = tokens.issueApiKey(tenantID: "acme", role: role)
        _ = tokens.issueApiKey(tenantID: "globex", role: .app)
        try await Self.withProbe(tokens) { client in
            let existing = try await client.request(.get, "/api/v1/tenants/globex/probe", bearer: key)
            let missing = try await client.request(.get, "/api/v1/tenants/nope/probe", bearer: key)
            try existing.expectScimError(404)
            #expect(existing.status == missing.status)
            #expect(existing.text == missing.text)
        }
    }

    @Test func scimTokensJWTsAndNoCredentialAre401() async throws {
        let tokens = FakeTokenClient()
        let scimToken = tokens.issue(tenantID: "acme", idpID: "okta")
        let jwt = "eyJhbGciOiJFUzI1NiJ9.\(UUID().uuidString).sig"
        tokens.state.withLock { $0.tokens[jwt] = TokenVerification(tenantID: "acme", idpID: "okta", tokenID: "oauth:x", expiresAt: nil) }
        try await Self.withProbe(tokens) { client in
            let credentials: [String?] = [scimToken, jwt, "pvk_unknown000_" + String(repeating: "x", count: 43), nil]
            for credential in credentials {
                try await client.request(.get, "/api/v1/tenants/acme/probe", bearer: credential).expectScimError(401)
            }
            #expect(tokens.verifyCalls.isEmpty, "a SCIM token is not even looked at")
        }
    }
}
