import HTTPTypes
import HummingbirdTesting
import ServiceTestSupport
import Testing

/// The token service's `GET /metrics`: no internal key needed (the service is not public), while its internal API
/// still refuses a call without one; the refusal is counted under its route template.
@Suite("Token service: /metrics", .timeLimit(.minutes(1)))
struct MetricsRouteTests {
    @Test func metricsNeedNoKey() async throws {
        try await withTokenService { client in
            let refused = try await client.send(.get, "/internal/v1/tenants/acme/idps/okta/tokens")
            #expect(refused.status == .unauthorized)
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(metrics.text.contains(#"route="/internal/v1/tenants/{tenant}/idps/{idp}/tokens",method="GET",status="401""#))
        }
    }
}
