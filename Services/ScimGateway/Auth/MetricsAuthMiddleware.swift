import Hummingbird
import ScimCore
import ServiceKit

/// The guard of the gateway's `GET /metrics` on its public port: only `Authorization: Bearer <root admin key>`
/// (compared in constant time). Anything else — no credential, a tenant API key, a SCIM token — is 401, and counts
/// as a failed authentication in the ``AuthFailureLimiter`` the other routes share (a blocked source gets 429, the
/// root key excepted). A cluster-internal scrape without the key uses `METRICS_PORT` instead.
struct MetricsAuthMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let adminKey: String
    let limiter: AuthFailureLimiter

    func handle(
        _ request: Request,
        context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        if let credential = BearerCredential.from(request), ConstantTime.equals(credential, adminKey) {
            return try await next(request, context)
        }
        if let retryAfter = limiter.retryAfter(source: context.authenticationSource) {
            return ScimError.tooManyRequests("Too many failed authentications from this address; retry after \(retryAfter) seconds.")
                .response(extraHeaders: [.retryAfter: String(retryAfter)])
        }
        limiter.recordFailure(source: context.authenticationSource)
        throw ScimError.unauthorized("The metrics need the admin key as a bearer token.")
    }
}
