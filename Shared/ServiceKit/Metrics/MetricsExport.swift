import Hummingbird
import Metrics
import NIOCore
import Prometheus
import Synchronization

/// The process's metrics: everything recorded through swift-metrics lands in one Prometheus registry, which
/// `GET /metrics` renders (text format 0.0.4).
///
/// ``bootstrap()`` installs the registry as swift-metrics' backend once per process, however often it is called:
/// router tests build several services' routers in one process. A handle created before it records nowhere, so
/// ``ServiceMain`` calls it first, and every router calls it again (harmlessly). Asking the registry for a metric it
/// has already (same name and labels) returns the one it has.
package enum MetricsExport {
    /// The registry of this process.
    package static let registry = PrometheusCollectorRegistry()
    /// The content type of the Prometheus text format.
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private static let bootstrapped = Mutex(false)
    private static let tenantLabelSetting = Atomic<Bool>(false)

    /// Whether the HTTP request series carry the route's tenant (`METRICS_TENANT_LABEL`), for routers made from now on.
    package static var tenantLabel: Bool {
        get { tenantLabelSetting.load(ordering: .relaxed) }
        set { tenantLabelSetting.store(newValue, ordering: .relaxed) }
    }

    /// Latency buckets in seconds: a SCIM read takes under a millisecond, a bulk request or a cold PostgreSQL query
    /// seconds.
    package static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// How far behind the change feed a webhook delivery is, from a blink to a day.
    package static let lagBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(30), .seconds(60),
        .seconds(300), .seconds(900), .seconds(3600), .seconds(21_600), .seconds(86_400),
    ]

    /// Installs the registry behind swift-metrics, once per process.
    package static func bootstrap() {
        bootstrapped.withLock { done in
            guard !done else { return }
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = latencyBuckets
            factory.durationHistogramBuckets = [MetricName.webhookDeliveryLag: lagBuckets]
            factory.valueHistogramBuckets = [MetricName.sqliteGroupCommitBatchSize: [1, 2, 4, 8, 16, 32, 64]]
            MetricsSystem.bootstrap(factory)
            done = true
        }
    }

    /// The registry rendered in the Prometheus text format.
    package static func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(registry.internalBufferCapacity())
        registry.emit(into: &buffer)
        return buffer
    }

    /// `GET /metrics`'s answer.
    package static func response() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: render()))
        )
    }
}
