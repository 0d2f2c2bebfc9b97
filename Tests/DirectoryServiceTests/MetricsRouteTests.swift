import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceKit
import ServiceTestSupport
import Testing

@testable import DirectoryService

/// The internal services' `GET /metrics` (ServiceKit): no internal key needed, Prometheus text, every request counted
/// under its route template; the tenant label only when asked for, and never for a caller that did not get in.
@Suite("Directory: /metrics", .timeLimit(.minutes(1)))
struct MetricsRouteTests {
    @Test func metricsNeedNoKeyAndCountRequestsByRouteTemplate() async throws {
        // As ServiceMain does before anything else: the store makes its handles before the router is built.
        MetricsExport.bootstrap()
        try await withDirectory { client in
            try await client.createTenant("metrics-directory")
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(metrics.text.contains(#"route="/internal/v1/tenants",method="POST",status="201""#))
            #expect(!metrics.text.contains("metrics-directory"))
            #expect(metrics.text.contains("# TYPE provisio_db_operation_duration_seconds histogram"))
            #expect(metrics.text.contains(#"provisio_db_statement_duration_seconds_count{engine="sqlite",statement="insert"}"#))
        }
    }

    @Test func theTenantLabelIsAddedOnlyWhenAskedAndOnlyForAdmittedCallers() async throws {
        let router = ServiceApplication.makeRouter(metricsTenantLabel: true)
        router.addHealthRoutes(service: "test", checks: [])
        router.get("tenants/:tenant/things") { _, _ in "ok" }
        router.get("tenants/:tenant/secret") { _, _ -> String in throw HTTPError(.unauthorized) }
        let app = Application(router: router, logger: .discarding)
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/tenants/initech/things", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/tenants/umbrella/secret", method: .get).status == .unauthorized)
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(text.contains(#"route="/tenants/{tenant}/things",method="GET",status="200",tenant="initech""#))
            #expect(text.contains(#"route="/tenants/{tenant}/secret",method="GET",status="401",tenant="""#))
            #expect(!text.contains("umbrella"))
        }
    }

}
