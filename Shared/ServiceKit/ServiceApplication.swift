import Hummingbird
import Logging
import ServiceLifecycle

/// The parts every Provisio service is built from, so the four executables look and behave alike.
package enum ServiceApplication {
    /// A router with the standard middleware: request ids, the access log (``AccessLogMiddleware``: one line per
    /// request with its status and time, never its headers), SCIM error bodies, 405 for methods no route serves.
    ///
    /// Requests are logged at `requestLogLevel`: `info` at the gateway, where the IdPs' requests arrive; `debug` in
    /// the internal services, whose requests are the gateway's (the request id ties them together). At `info` there,
    /// every SCIM request would be logged two or three times, each line a cost on every read.
    /// `refusedValue` recognizes a store's refusal of a client's value, `isUnavailable` errors of the service's store
    /// that mean "not now" (``ScimErrorMiddleware``).
    ///
    /// First of all, ``HTTPMetricsMiddleware`` counts each request by route template with its final status;
    /// `metricsTenantLabel` (default: the process's `METRICS_TENANT_LABEL`) adds the route's tenant to its series.
    package static func makeRouter(
        requestLogLevel: Logger.Level = .debug,
        refusedValue: @escaping @Sendable (any Error) -> String? = { _ in nil },
        isUnavailable: @escaping @Sendable (any Error) -> Bool = { _ in false },
        metricsTenantLabel: Bool? = nil
    ) -> Router<ServiceRequestContext> {
        MetricsExport.bootstrap()
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: HTTPMetricsMiddleware(tenantLabel: metricsTenantLabel ?? MetricsExport.tenantLabel))
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware(requestLogLevel))
        router.add(middleware: ScimErrorMiddleware(refusedValue: refusedValue, isUnavailable: isUnavailable))
        router.add(middleware: MethodAllowListMiddleware())
        return router
    }

    /// The process logger, with the service name in every line.
    package static func makeLogger(service: String, level: Logger.Level) -> Logger {
        var logger = Logger(label: "provisio.\(service)")
        logger.logLevel = level
        logger[metadataKey: "service"] = .string(service)
        return logger
    }

    /// Work a service does before its HTTP server accepts — readying its store (PostgreSQL: creating the database)
    /// and applying its migrations — with the services that work needs running already: the store's connection pool.
    package struct Startup: Sendable {
        /// Started first and stopped last, after everything else has stopped.
        package var services: [any Service]
        package var work: @Sendable () async throws -> Void

        package init(services: [any Service], work: @escaping @Sendable () async throws -> Void) {
            self.services = services
            self.work = work
        }
    }

    /// The application: `startup.services` start first; then `startup.work` runs before the HTTP server accepts,
    /// and `services` wait for it (they use the migrated store); all of them stop after the server, in reverse order.
    /// When the work fails, the application throws ``StartupFailure`` (``ServiceMain`` exits with status 1).
    package static func makeApplication(
        router: Router<ServiceRequestContext>,
        configuration: ServiceConfiguration,
        startup: Startup? = nil,
        services: [any Service],
        logger: Logger
    ) -> some ApplicationProtocol {
        let started = StartupGate()
        var application = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [MalformedRequestHandler()])),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "provisio"),
            services: (startup?.services ?? []) + services.map { AfterStartup(gate: started, service: $0) },
            onServerRunning: { channel in
                logger.info("Listening", metadata: ["http.address": "\(channel.localAddress?.description ?? "?")"])
            },
            logger: logger
        )
        application.beforeServerStarts {
            do {
                try await startup?.work()
            } catch {
                let failure = StartupFailure(underlying: error)
                started.fail(failure)
                throw failure
            }
            started.open()
        }
        return application
    }
}

/// The startup work of an application failed: the service never accepted a request.
package struct StartupFailure: Error, CustomStringConvertible {
    package var underlying: any Error
    package var description: String { "\(underlying)" }
}

/// A service that starts once the application's startup work is done, or fails with it.
private struct AfterStartup: Service, CustomStringConvertible {
    let gate: StartupGate
    let service: any Service

    var description: String { "\(service)" }

    func run() async throws {
        try await gate.wait()
        try await service.run()
    }
}

/// Runs a closure when graceful shutdown begins: closing a store or an HTTP client after the server has stopped.
package struct ShutdownAction: Service {
    private let name: String
    private let action: @Sendable () async -> Void

    package init(name: String, action: @escaping @Sendable () async -> Void) {
        self.name = name
        self.action = action
    }

    package func run() async throws {
        try? await gracefulShutdown()
        await action()
    }
}
