import Foundation
import Logging
import ServiceKit

/// The mapping service: identity attributes per tenant, attribute mappings per IdP, validation at provisioning time.
@main
struct MappingServiceMain {
    static func main() async throws {
        try await ServiceMain.run(service: "mapping", defaultPort: ServiceConfiguration.DefaultPort.mapping) { configuration, _, logger in
            try await buildApplication(configuration: configuration, logger: logger)
        }
    }
}
