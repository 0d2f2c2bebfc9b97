import Foundation
import NIOHTTP1
import Testing

/// The metrics of the real four executables (`provisio up`): after a few SCIM requests, every service's `/metrics`
/// parses with the official Prometheus client parser and holds what the dashboard reads — the request counter under
/// the SCIM route template, the gateway's calls to its peers, the stores' statements, the caches. The gateway's public
/// port answers `/metrics` only to the root key; `METRICS_PORT` serves it without one.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct MetricsEndToEndTests {
    /// Names the dashboard reads that another part of issue 22 records (the provisioning log's outcome counter, in
    /// the directory); checked once that part is merged: remove them from here then.
    static let recordedElsewhere: Set<String> = []

    /// `HTTP_PORT` of service `name`, from the environment `provisio up` gave it.
    static func port(of name: String, in stack: StackProcess) throws -> Int {
        let pid = try #require(stack.servicePID(name))
        let environment = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        let entry = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.first { $0.hasPrefix("HTTP_PORT=") }
        let value = try #require(entry).dropFirst("HTTP_PORT=".count)
        return try #require(Int(value))
    }

    /// `Deploy/grafana/metric-names.txt`: the names the dashboard's queries use, one a line.
    static var dashboardNames: [String] {
        get throws {
            let file = PythonWebhookReceiver.repositoryRoot.appendingPathComponent("Deploy/grafana/metric-names.txt")
            return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
    }

    @Test func everyServiceExportsParseableMetricsThatTheDashboardReads() async throws {
        let metricsPort = try freePort()
        try await withStack(environment: ["METRICS_PORT": String(metricsPort)]) { demo, stack in
            let created = try await HTTP.scim(demo, .POST, "/Users", json: StackEndToEndTests.user)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            #expect(try await HTTP.scim(demo, .GET, "/Users/\(id)").status == 200)
            #expect(try await HTTP.scim(demo, .GET, "/Users?filter=userName%20eq%20%22ada@example.com%22").status == 200)
            #expect(try await HTTP.scim(demo, .DELETE, "/Users/\(id)").status == 204)
            // The provisioning log's outcomes are counted by the directory when the gateway's batch arrives (≤ 1 s).
            let directoryURL = "http://127.0.0.1:\(try Self.port(of: "DirectoryService", in: stack))/metrics"
            let outcome = #"provisio_provisioning_requests_total{idp_type="Generic",operation="create",status="success"}"#
            let deadline = ContinuousClock.now + .seconds(10)
            while !(try await HTTP.send(.GET, directoryURL).text.contains(outcome)), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }

            // The public port: the root key only.
            let gatewayURL = "http://127.0.0.1:\(stack.port)/metrics"
            #expect(try await HTTP.send(.GET, gatewayURL).status == 401)
            #expect(try await HTTP.send(.GET, gatewayURL, bearer: demo.token).status == 401)
            let gateway = try await HTTP.send(.GET, gatewayURL, bearer: demo.adminKey)
            #expect(gateway.status == 200)
            #expect(gateway.headers.first(name: "Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            // METRICS_PORT: the same registry, no key, nothing else served.
            let listener = try await HTTP.send(.GET, "http://127.0.0.1:\(metricsPort)/metrics")
            #expect(listener.status == 200)
            #expect(listener.text.contains("provisio_http_server_requests_total"))
            #expect(try await HTTP.send(.GET, "http://127.0.0.1:\(metricsPort)/healthz").status == 404)

            var families: [String: [String: PrometheusTextParser.Family]] = ["ScimGateway": try PrometheusTextParser.parse(gateway.text)]
            for service in ["TokenService", "DirectoryService", "MappingService"] {
                let answer = try await HTTP.send(.GET, "http://127.0.0.1:\(try Self.port(of: service, in: stack))/metrics")
                #expect(answer.status == 200, "\(service): \(answer.text)")
                families[service] = try PrometheusTextParser.parse(answer.text)
            }
            _ = try PrometheusTextParser.parse(listener.text)

            let gatewayFamilies = try #require(families["ScimGateway"])
            func total(_ samples: [PrometheusTextParser.Sample]) -> Double { samples.reduce(0) { $0 + $1.value } }
            #expect(gatewayFamilies["provisio_http_server_requests"]?.type == "counter")
            let route = "/scim/v2/{tenant}/{idp}/Users/{id}"
            #expect(total(gatewayFamilies.samples("provisio_http_server_requests_total", ["route": route, "method": "GET", "status": "200"])) >= 1)
            #expect(
                total(gatewayFamilies.samples("provisio_http_server_requests_total", ["route": route, "method": "DELETE", "status": "204"])) == 1
            )
            #expect(gatewayFamilies["provisio_http_server_request_duration_seconds"]?.type == "histogram")
            #expect(total(gatewayFamilies.samples("provisio_peer_request_duration_seconds_count", ["peer": "directory", "outcome": "ok"])) >= 4)
            #expect(total(gatewayFamilies.samples("provisio_cache_misses_total", ["cache": "token"])) >= 1)
            #expect(total(gatewayFamilies.samples("provisio_cache_hits_total", ["cache": "token"])) >= 1)
            #expect(!gateway.text.contains(id), "a resource id never becomes a label")

            let directory = try #require(families["DirectoryService"])
            #expect(directory["provisio_db_statement_duration_seconds"]?.type == "histogram")
            #expect(total(directory.samples("provisio_db_statement_duration_seconds_count", ["statement": "insert"])) >= 1)
            #expect(total(directory.samples("provisio_db_operation_duration_seconds_count", ["kind": "write"])) >= 2)
            #expect(
                total(directory.samples("provisio_http_server_requests_total", ["route": "/internal/v1/tenants/{tenant}/idps/{idp}/users"])) >= 1
            )
            for service in ["TokenService", "MappingService"] {
                let serviceFamilies = try #require(families[service])
                #expect(total(serviceFamilies.samples("provisio_db_operation_duration_seconds_count")) >= 1, "\(service)")
            }

            // What the dashboard reads is what the services export (Deploy/grafana/metric-names.txt cannot rot).
            let exported = families.values.reduce(into: Set<String>()) { $0.formUnion($1.queryableNames) }
            let names = try Self.dashboardNames
            #expect(names.count >= 15)
            let onPostgres = !(ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"]?.isEmpty ?? true)
            for name in names where !Self.recordedElsewhere.contains(name) && !(onPostgres && name.hasPrefix("provisio_db_sqlite_")) {
                #expect(exported.contains(name), "\(name) is in metric-names.txt but no service exports it")
            }
        }
    }
}
