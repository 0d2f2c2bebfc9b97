import Foundation
import Logging
import ServiceKit

/// The mapping service: identity attributes per tenant, attribute mappings per IdP (which the gateway maps and
/// validates provisioned users with), and the re-apply jobs that re-map stored users after the rules change.
@main
struct MappingServiceMain {
    static func main() async throws {
        try await ServiceMain.run(service: "mapping", defaultPort: ServiceConfiguration.DefaultPort.mapping) { configuration, _, logger in
            try await buildApplication(configuration: configuration, logger: logger)
        }
    }
}
