import Foundation
import Logging
import ServiceKit

/// The directory service: tenants, identity providers, users, groups, memberships, versions, activity log.
@main
struct DirectoryServiceMain {
    static func main() async throws {
        try await ServiceMain.run(service: "directory", defaultPort: ServiceConfiguration.DefaultPort.directory) { configuration, reader, logger in
            try await buildApplication(
                configuration: configuration,
                events: try EventSettings(reader: reader),
                webhooks: try WebhookSettings(reader: reader, configuration: configuration),
                provisioningLog: try ProvisioningLogSettings(reader: reader),
                logger: logger
            )
        }
    }
}
