import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// The gateway's `GET /metrics` on its public port: the root admin key only. Every other credential — none, a
/// tenant API key of any role, a SCIM token, a wrong key — gets the SCIM 401. A request shows up under its route
/// template (never its concrete path), and a path no route serves under `unmatched`.
@Suite("SCIM gateway: /metrics", .timeLimit(.minutes(2)))
struct MetricsRouterTests {
    @Test func anonymousTenantKeysScimTokensAndWrongKeysGet401() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let admin = gateway.tokens.issueApiKey(tenantID: "acme", role: .admin).key
            let app = gateway.tokens.issueApiKey(tenantID: "acme", role: .app).key
            for bearer in [nil, token, admin, app, "not-the-admin-key", Fixture.adminKey + "x"] {
                let response = try await client.request(.get, "/metrics", bearer: bearer)
                try response.expectScimError(401)
                #expect(!response.text.contains("provisio_"), "no metric reaches a refused caller")
            }
            let basic = try await client.send(.get, "/metrics", headers: [.authorization: "Basic \(Fixture.adminKey)"])
            try basic.expectScimError(401)
        }
    }

    @Test func theRootKeyReadsPrometheusTextWithRouteTemplates() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let created = try await client.request(
                .post,
                "/scim/v2/acme/okta/Users",
                bearer: token,
                json: ["schemas": [.string(ScimSchemaURN.user)], "userName": "ada@example.com"]
            )
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.json["id"]?.stringValue)
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users/\(id)", bearer: token).status == .ok)
            #expect(try await client.request(.get, "/no/such/route/\(id)").status == .notFound)

            let metrics = try await client.request(.get, "/metrics", bearer: Fixture.adminKey)
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = metrics.text
            #expect(text.contains("# TYPE provisio_http_server_requests_total counter"))
            #expect(text.contains("# TYPE provisio_http_server_request_duration_seconds histogram"))
            #expect(text.contains(#"route="/scim/v2/{tenant}/{idp}/Users/{id}",method="GET",status="200""#))
            #expect(text.contains(#"route="/scim/v2/{tenant}/{idp}/Users",method="POST",status="201""#))
            #expect(text.contains(#"route="unmatched",method="GET",status="404""#))
            #expect(!text.contains(id), "a concrete path never becomes a label")
            #expect(!text.contains("acme"), "no tenant label unless METRICS_TENANT_LABEL is on")
            #expect(text.contains(#"provisio_cache_misses_total{cache="token"}"#))
        }
    }

    @Test func aBlockedSourceGets429ButTheRootKeyStillReads() async throws {
        var gateway = Gateway()
        gateway.authFailureLimit = 2
        try await gateway.run { client in
            for _ in 0..<2 { try await client.request(.get, "/metrics", bearer: "wrong").expectScimError(401) }
            try await client.request(.get, "/metrics", bearer: "wrong").expectScimError(429)
            #expect(try await client.request(.get, "/metrics", bearer: Fixture.adminKey).status == .ok)
        }
    }
}
