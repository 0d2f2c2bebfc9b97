import Metrics

/// The webhook worker's metrics, with their handles made once per worker:
/// - `provisio_webhook_endpoints_pending`: enabled endpoints with events they have not received yet (due now or
///   waiting for a retry), counted every few seconds by the replica's worker;
/// - `provisio_webhook_delivery_attempts_total{outcome}` (`success`, `failure`) and
///   `provisio_webhook_delivery_failures_total`;
/// - `provisio_webhook_delivery_lag_seconds`: from an event's time to its successful delivery.
struct WebhookMetrics: Sendable {
    private let pendingEndpoints = Gauge(label: "provisio_webhook_endpoints_pending")
    private let successes = Counter(label: "provisio_webhook_delivery_attempts_total", dimensions: [("outcome", "success")])
    private let failedAttempts = Counter(label: "provisio_webhook_delivery_attempts_total", dimensions: [("outcome", "failure")])
    private let failures = Counter(label: "provisio_webhook_delivery_failures_total")
    private let lag = Timer(label: "provisio_webhook_delivery_lag_seconds")

    /// How often the worker counts the pending endpoints (a query).
    static let pendingCountInterval: Duration = .seconds(5)

    func pending(endpoints: Int) { pendingEndpoints.record(endpoints) }

    func delivered(lag seconds: Double?) {
        successes.increment()
        if let seconds { lag.record(duration: .milliseconds(Int64(max(0, seconds) * 1000))) }
    }

    func failed() {
        failedAttempts.increment()
        failures.increment()
    }
}
