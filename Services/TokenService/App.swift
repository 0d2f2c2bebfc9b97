import Foundation
import Logging
import ServiceKit

/// The token service: the credentials identity providers use to call Provisio, per tenant and IdP.
@main
struct TokenServiceMain {
    static func main() async throws {
        try await ServiceMain.run(service: "token", defaultPort: ServiceConfiguration.DefaultPort.token) { configuration, reader, logger in
            try await buildApplication(configuration: configuration, settings: try TokenSettings(reader: reader), logger: logger)
        }
    }
}
