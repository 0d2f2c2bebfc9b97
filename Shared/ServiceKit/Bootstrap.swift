import Configuration
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// The whole of each service's `main`: read configuration, set up logging, build, run until SIGTERM/SIGINT.
///
/// A service that cannot start (bad configuration, unreachable or newer database) logs why at `critical` and exits
/// with status 1, instead of crashing with a backtrace.
package enum ServiceMain {
    package static func run<App: ApplicationProtocol>(
        service: String,
        defaultPort: Int,
        build: @Sendable (ServiceConfiguration, ConfigReader, Logger) async throws -> App
    ) async throws {
        // Swift Concurrency's global executor becomes NIO's event loops (the ones the HTTP server and client use),
        // so an `await` on a peer call or a query resumes on the loop it came from instead of hopping to the
        // cooperative pool and back, two thread switches fewer per await on the hot path. It must come first, before
        // any task is created. What it asks of the code: nothing may block a thread, since a blocked thread is now an
        // event loop — SQLite runs on its connections' own threads (only point lookups, which take microseconds, run
        // on the loop: `SQLiteStorage.lookup`), log lines are written by a thread of their own (`LogWriter`: standard
        // error can block), locks are `AsyncLock` or short `Mutex` sections, and no `EventLoopFuture.wait()` is
        // called anywhere in the services.
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
            LogWriter.standardError.flush()
            exit(1)
        }
        let logger = ServiceApplication.makeLogger(service: service, level: configuration.logLevel)
        // Before anything makes a metric handle: one made earlier would record nowhere.
        MetricsExport.bootstrap()
        MetricsExport.tenantLabel = configuration.metricsTenantLabel
        let app: App
        do {
            app = try await build(configuration, reader, logger)
        } catch {
            couldNotStart(error, logger: logger)
        }
        do {
            try await makeServiceGroup(services: [app], configuration: configuration, logger: logger).run()
        } catch let failure as StartupFailure {  // the work before the server accepts: the store's migrations
            couldNotStart(failure.underlying, logger: logger)
        } catch {
            logger.critical("Stopped on an error", metadata: ["error": "\(String(reflecting: error))"])
            LogWriter.standardError.flush()
            exit(1)
        }
        LogWriter.standardError.flush()
    }

    private static func couldNotStart(_ error: any Error, logger: Logger) -> Never {
        // `String(reflecting:)`: PostgresNIO's errors describe themselves generically otherwise (no SQLSTATE, no
        // message), which leaves an operator nothing to go on. Connection URLs never appear in them.
        logger.critical("Could not start", metadata: ["error": "\(String(reflecting: error))"])
        LogWriter.standardError.flush()
        exit(1)
    }

    /// The group a service runs in: SIGTERM or SIGINT starts a graceful shutdown (the HTTP server drains, then the
    /// services stop in reverse order), and whatever still runs after `configuration.shutdownTimeout` is cancelled,
    /// so the process exits before Kubernetes kills it (`terminationGracePeriodSeconds`).
    package static func makeServiceGroup(services: [any Service], configuration: ServiceConfiguration, logger: Logger) -> ServiceGroup {
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = configuration.shutdownTimeout
        return ServiceGroup(configuration: group)
    }
}
