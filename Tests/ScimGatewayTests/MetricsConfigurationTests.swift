import Configuration
import ServiceKit
import Testing

@testable import ScimGateway

/// `METRICS_PORT` (the gateway's second listener) and `METRICS_TENANT_LABEL` (every service) as the configuration
/// reads them: a value that cannot be right stops the service at start.
@Suite("Metrics settings")
struct MetricsConfigurationTests {
    static func gateway(_ values: [AbsoluteConfigKey: ConfigValue]) throws -> GatewayConfiguration {
        var all: [AbsoluteConfigKey: ConfigValue] = ["admin.key": "gateway-test-admin-key"]
        all.merge(values) { $1 }
        return try GatewayConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: all)), port: 8080)
    }

    static func service(_ values: [AbsoluteConfigKey: ConfigValue]) throws -> ServiceConfiguration {
        var all: [AbsoluteConfigKey: ConfigValue] = ["internal.key": "an-internal-key-for-tests"]
        all.merge(values) { $1 }
        return try ServiceConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: all)), serviceName: "gateway", defaultPort: 8080)
    }

    @Test func metricsPortIsOptionalAndMustBeAnotherValidPort() throws {
        #expect(try Self.gateway([:]).metricsPort == nil)
        #expect(try Self.gateway(["metrics.port": 9090]).metricsPort == 9090)
        for refused: ConfigValue in [0, 8080, 70_000, -1] {
            #expect(throws: ServiceConfiguration.Invalid.self) { try Self.gateway(["metrics.port": refused]) }
        }
    }

    @Test func tenantLabelIsOffByDefaultAndOnlyTrueOrFalse() throws {
        #expect(try Self.service([:]).metricsTenantLabel == false)
        #expect(try Self.service(["metrics.tenant.label": "true"]).metricsTenantLabel == true)
        #expect(try Self.service(["metrics.tenant.label": "FALSE"]).metricsTenantLabel == false)
        #expect(throws: ServiceConfiguration.Invalid.self) { try Self.service(["metrics.tenant.label": "yes"]) }
    }
}
