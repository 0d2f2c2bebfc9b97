import Foundation
import InternalAPI
import Logging
import ServiceKit

/// The SCIM gateway: the only public face of Provisio (SCIM 2.0 per tenant and IdP, and the admin API).
@main
struct ScimGatewayMain {
    static func main() async throws {
        try await ServiceMain.run(service: "gateway", defaultPort: ServiceConfiguration.DefaultPort.gateway) { configuration, reader, logger in
            try await buildApplication(
                configuration: configuration,
                gateway: try GatewayConfiguration(reader: reader, port: configuration.port),
                logger: logger
            )
        }
    }
}
