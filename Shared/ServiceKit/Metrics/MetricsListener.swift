import Hummingbird
import Logging
import ServiceLifecycle

extension ServiceApplication {
    /// A second HTTP listener that serves only `GET /metrics`, without authentication (anything else is 404): the
    /// gateway's `METRICS_PORT`, for a scrape from inside the cluster while the public port keeps `/metrics` behind
    /// the root key. A service of the application's group: it stops with the others on graceful shutdown.
    package static func makeMetricsListener(host: String, port: Int, logger: Logger) -> some Service {
        let router = Router(context: BasicRequestContext.self)
        router.get("metrics") { _, _ in MetricsExport.response() }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "provisio"),
            onServerRunning: { channel in
                logger.info("Metrics listening", metadata: ["http.address": "\(channel.localAddress?.description ?? "?")"])
            },
            logger: logger
        )
    }
}
