import HTTPTypes
import Hummingbird
import Logging

/// One thing a service needs before it can serve: its store, or a peer service.
package struct ReadinessCheck: Sendable {
    package var name: String
    package var isReady: @Sendable (Logger) async -> Bool

    package init(name: String, isReady: @escaping @Sendable (Logger) async -> Bool) {
        self.name = name
        self.isReady = isReady
    }
}

package struct ReadinessReport: Codable, Sendable {
    package var status: String
    package var checks: [String: String]
}

extension Router where Context == ServiceRequestContext {
    /// `GET /healthz`: the process is alive. `GET /readyz`: every check passes (200) or not (503, naming which).
    /// `GET /metrics` (``addMetricsRoute()``), unless `metrics` is false: the gateway serves it behind the root key.
    package func addHealthRoutes(service: String, checks: [ReadinessCheck], metrics: Bool = true) {
        if metrics { addMetricsRoute() }
        get("healthz") { _, _ in
            Self.withInstance(JSONCoding.response(["status": "alive", "service": service]))
        }
        get("readyz") { _, context in
            let results = await withTaskGroup(of: (String, Bool).self) { group in
                for check in checks {
                    group.addTask { (check.name, await check.isReady(context.logger)) }
                }
                var results: [String: String] = [:]
                for await (name, ready) in group { results[name] = ready ? "ok" : "unavailable" }
                return results
            }
            let ready = !results.values.contains("unavailable")
            return Self.withInstance(
                JSONCoding.response(
                    ReadinessReport(status: ready ? "ready" : "not ready", checks: results),
                    status: ready ? .ok : .serviceUnavailable
                )
            )
        }
    }

    /// `response` with the `Provisio-Instance` header when a supervisor named this process (``ServiceInstance``).
    private static func withInstance(_ response: Response) -> Response {
        guard let id = ServiceInstance.id, let name = HTTPField.Name(ServiceInstance.headerName) else { return response }
        var response = response
        response.headers[name] = id
        return response
    }
}
