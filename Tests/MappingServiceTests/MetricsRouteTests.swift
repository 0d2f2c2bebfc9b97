import HTTPTypes
import HummingbirdTesting
import ServiceTestSupport
import Testing

/// The mapping service's `GET /metrics`: no internal key needed, Prometheus text with the request just made.
@Suite("Mapping service: /metrics", .timeLimit(.minutes(1)))
struct MetricsRouteTests {
    @Test func metricsNeedNoKey() async throws {
        try await withMappingService { client in
            #expect(try await client.send(.get, "/healthz").status == .ok)
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(metrics.text.contains(#"route="/healthz",method="GET",status="200""#))
        }
    }
}
