import Configuration
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// The whole of each service's `main`: read configuration, set up logging, build, run until SIGTERM/SIGINT.
///
/// A service that cannot start (bad configuration, unreachable or newer database) logs why at `critical` and exits
/// with status 1, instead of crashing with a backtrace.
package enum ServiceMain {
    package static func run<App: ApplicationProtocol>(
        service: String, defaultPort: Int,
        build: @Sendable (ServiceConfiguration, ConfigReader, Logger) async throws -> App
    ) async throws {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        LoggingSystem.bootstrap { label in
            var handler = ServiceLogHandler(label: label)
            handler.logLevel = .trace  // the logger's own level filters
            return handler
        }
        let reader = ConfigReader.standard()
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration(reader: reader, serviceName: service, defaultPort: defaultPort)
        } catch {
            let logger = ServiceApplication.makeLogger(service: service, level: .info)
            logger.critical("Invalid configuration", metadata: ["error": "\(error)"])
            exit(1)
        }
        let logger = ServiceApplication.makeLogger(service: service, level: configuration.logLevel)
        let app: App
        do {
            app = try await build(configuration, reader, logger)
        } catch {
            logger.critical("Could not start", metadata: ["error": "\(error)"])
            exit(1)
        }
        try await app.runService()
    }
}
