import Hummingbird

extension RouterMethods where Context == ServiceRequestContext {
    /// `GET /metrics`: the process's metrics in the Prometheus text format. Whoever registers it decides who may read
    /// it: the internal services serve it to anyone on their network, the gateway behind the root admin key.
    package func addMetricsRoute() {
        get("metrics") { _, _ in MetricsExport.response() }
    }
}
