import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// The guard of the admin API (`/admin/v1`) and of the application API (`/api/v1/tenants/{tenant}`):
/// `Authorization: Bearer <root admin key>` (compared in constant time; every route, as before tenant keys) or
/// `Bearer pvk_…`, a tenant API key whose role and tenant ``TenantKeyAccess`` checks against the route.
///
/// Anything else is 401: a SCIM token or an OAuth access token never opens these APIs. Failed authentications count
/// in the ``AuthFailureLimiter`` the SCIM routes share, and a blocked source gets 429 unless it presents the root key
/// or a key that authenticated recently. The principal reaches handlers as ``ApiPrincipal/current``; the actor
/// (`admin` or `apikey:<id>`) goes into the logger's metadata, the key never does.
struct TenantKeyAuthMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let surface: ApiSurface
    let adminKey: String
    let verifier: CachingApiKeyVerifier
    let limiter: AuthFailureLimiter

    func handle(
        _ request: Request,
        context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        let credential = BearerCredential.from(request)
        if let credential, ConstantTime.equals(credential, adminKey) {
            return try await serve(request, context, as: ApiPrincipal(authority: .root), next: next)
        }
        let fingerprint = credential.map(TokenFingerprint.init)
        if let retryAfter = limiter.retryAfter(source: context.authenticationSource), !(fingerprint.map(limiter.isTrusted) ?? false) {
            context.logger.notice(
                "Source blocked after repeated failed authentications",
                metadata: ["source": "\(context.authenticationSource)"]
            )
            return ScimError.tooManyRequests("Too many failed authentications from this address; retry after \(retryAfter) seconds.")
                .response(extraHeaders: [.retryAfter: String(retryAfter)])
        }
        guard let credential, let fingerprint, ApiKeyFormat.isApiKey(credential), credential.utf8.count <= ApiKeyFormat.maximumLength else {
            limiter.recordFailure(source: context.authenticationSource)
            throw ScimError.unauthorized(unauthorizedDetail)
        }
        let key: ApiKeyVerification
        do {
            key = try await verifier.verify(credential, fingerprint: fingerprint, logger: context.logger)
        } catch let error as ScimError where error.status == 401 {
            limiter.recordFailure(source: context.authenticationSource)
            throw error
        }
        limiter.recordSuccess(fingerprint)
        let principal = ApiPrincipal(authority: .tenantKey(tenantID: key.tenantID, keyID: key.keyID, role: key.role))
        let decision = TenantKeyAccess.decide(
            role: key.role,
            keyTenant: key.tenantID,
            surface: surface,
            routeTenant: context.parameters.get("tenant"),
            isTenantItself: isTenantItself(request),
            method: request.method
        )
        switch decision {
        case .allow:
            return try await serve(request, context, as: principal, next: next)
        case .forbidden(let detail):
            context.logger.notice("API key refused", metadata: ["actor": "\(principal.actor)", "apikey.role": "\(key.role)"])
            throw ScimError.forbidden(detail)
        case .notFound:
            throw ScimError.notFound(TenantKeyAccess.tenantNotFound)
        }
    }

    private func serve(
        _ request: Request,
        _ context: ServiceRequestContext,
        as principal: ApiPrincipal,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.logger[metadataKey: "actor"] = .string(principal.actor)
        if let tenantID = principal.tenantID { context.logger[metadataKey: "tenant.id"] = .string(tenantID) }
        return try await ApiPrincipal.$current.withValue(principal) { try await next(request, context) }
    }

    /// `/admin/v1/tenants/{tenant}` itself (as opposed to a resource under it).
    private func isTenantItself(_ request: Request) -> Bool {
        let segments = request.uri.path.split(separator: "/")
        return surface == .admin && segments.count == 4 && segments[2] == "tenants"
    }

    private var unauthorizedDetail: String {
        switch surface {
        case .admin: "The admin API needs the admin key or a tenant API key (pvk_…) as a bearer token."
        case .application: "The application API needs a tenant API key (pvk_…) as a bearer token."
        case .contract: "The API documents need the admin key or a tenant API key (pvk_…) as a bearer token."
        }
    }
}
