import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// Counts every request and its latency by route template (`/scim/v2/{tenant}/{idp}/Users/{id}`, never the concrete
/// path), method and status: `provisio_http_server_requests_total` and
/// `provisio_http_server_request_duration_seconds`. A request no route serves counts under the route `unmatched`, a
/// method outside the standard ones under `other`, so what a client sends cannot grow the number of series.
///
/// With `tenantLabel` (`METRICS_TENANT_LABEL=true`) the series also carry the route's `{tenant}`, for answers other
/// than 401, 403, 404 and 429 (a caller that did not get in names no tenant), and for at most
/// ``maximumTenants`` tenants (the others count as `other`).
///
/// The handles of a series are made once and found again in a dictionary; the time is read twice per request.
package struct HTTPMetricsMiddleware: RouterMiddleware {
    package typealias Context = ServiceRequestContext

    /// Tenants labelled one by one before the rest are counted together.
    package static let maximumTenants = 1_000
    static let unmatchedRoute = "unmatched"

    private let series: HTTPSeries
    private let tenantLabel: Bool

    package init(tenantLabel: Bool = false) {
        self.series = HTTPSeries(tenantLabel: tenantLabel)
        self.tenantLabel = tenantLabel
    }

    package func handle(
        _ request: Request,
        context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, since: start)
            return response
        } catch {
            record(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: ServiceRequestContext, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? Self.unmatchedRoute
        var tenant: String?
        if tenantLabel, ![401, 403, 404, 429].contains(status) {
            tenant = context.parameters.get("tenant")
        }
        let key = HTTPSeries.Key(route: route, method: Self.label(of: request.method), status: status, tenant: tenant)
        let handles = series.handles(for: key)
        handles.requests.increment()
        handles.duration.record(duration: elapsed)
    }

    /// The method as a label: the standard ones by name, anything else `other`.
    static func label(of method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .patch, .delete, .options: method.rawValue
        default: "other"
        }
    }
}

/// The handles of each series seen so far.
final class HTTPSeries: Sendable {
    struct Key: Hashable, Sendable {
        var route: String
        var method: String
        var status: Int
        var tenant: String?
    }

    struct Handles: Sendable {
        let requests: Counter
        let duration: Timer
    }

    private struct State {
        var handles: [Key: Handles] = [:]
        var tenants: Set<String> = []
    }

    private let tenantLabel: Bool
    private let state = Mutex(State())

    init(tenantLabel: Bool) {
        self.tenantLabel = tenantLabel
    }

    /// The handles of `key`'s series, made the first time. A tenant past ``HTTPMetricsMiddleware/maximumTenants``
    /// is counted as `other`.
    func handles(for key: Key) -> Handles {
        if let found = state.withLock({ $0.handles[key] }) { return found }
        var series = key
        if let tenant = key.tenant {
            let admitted = state.withLock { state in
                if state.tenants.contains(tenant) { return true }
                guard state.tenants.count < HTTPMetricsMiddleware.maximumTenants else { return false }
                state.tenants.insert(tenant)
                return true
            }
            if !admitted {
                series.tenant = "other"
                if let found = state.withLock({ $0.handles[series] }) { return found }
            }
        }
        var dimensions = [("route", series.route), ("method", series.method), ("status", String(series.status))]
        if tenantLabel { dimensions.append(("tenant", series.tenant ?? "")) }
        let made = Handles(
            requests: Counter(label: MetricName.httpRequests, dimensions: dimensions),
            duration: Timer(label: MetricName.httpRequestDuration, dimensions: dimensions)
        )
        return state.withLock { state in
            if let existing = state.handles[series] { return existing }
            state.handles[series] = made
            return made
        }
    }
}
