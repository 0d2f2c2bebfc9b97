import Hummingbird
import Logging

/// The access log: one line per request once its answer is known — method, path with query, status and the time the
/// service took — with the request's id (``RequestIDMiddleware`` runs first). For example:
///
///     … info provisio.gateway: request.id=5387fb74-… service=gateway [ServiceKit] GET /scim/v2/acme/okta/Users?filter=… 200 0.84ms
///
/// Hummingbird's `LogRequestsMiddleware` logs when a request arrives, so its line could say neither how the request
/// ended nor how long it took. The line is the gateway's largest cost of its own on a read, so it is built once,
/// and only when its level is enabled. Headers are
/// never logged, so neither `Authorization` nor the internal credential can reach a log.
package struct AccessLogMiddleware: RouterMiddleware {
    package typealias Context = ServiceRequestContext

    private let level: Logger.Level

    package init(_ level: Logger.Level) {
        self.level = level
    }

    package func handle(
        _ request: Request,
        context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        guard context.logger.logLevel <= level else { return try await next(request, context) }
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, status: response.status.code, since: start, logger: context.logger)
            return response
        } catch {
            // What Hummingbird answers for an error no middleware turned into a response.
            log(request, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start, logger: context.logger)
            throw error
        }
    }

    private func log(_ request: Request, status: Int, since start: ContinuousClock.Instant, logger: Logger) {
        let elapsed = ContinuousClock.now - start
        logger.log(level: level, "\(request.method.rawValue) \(request.uri.description) \(status) \(Self.milliseconds(elapsed))ms")
    }

    /// `elapsed` in milliseconds with two decimals, e.g. `0.84`, without going through `Double` formatting.
    package static func milliseconds(_ elapsed: Duration) -> String {
        let (seconds, attoseconds) = elapsed.components
        let hundredths = max(0, seconds * 100_000 + attoseconds / 10_000_000_000_000)
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
