import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Authenticates every SCIM request: the bearer token (a `pvs_` token or an OAuth access token) must
/// authenticate exactly the tenant and identity provider named in the URL. Any other case is the same 401, so a
/// token never reveals whether another tenant or IdP exists. Sources that keep failing get 429 (see
/// ``AuthFailureLimiter``). It sets the principal the routes' ``ScimRequestContext`` is made with.
struct ScimAuthMiddleware: RouterMiddleware {
    typealias Context = ScimAuthenticationContext
    let verifier: CachingTokenVerifier
    let limiter: AuthFailureLimiter

    func handle(
        _ request: Request,
        context: ScimAuthenticationContext,
        next: (Request, ScimAuthenticationContext) async throws -> Response
    ) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        let token = BearerCredential.from(request)
        let fingerprint = token.map(TokenFingerprint.init)
        if let retryAfter = limiter.retryAfter(source: context.authenticationSource), !(fingerprint.map(limiter.isTrusted) ?? false) {
            context.logger.notice(
                "Source blocked after repeated failed authentications",
                metadata: ["source": "\(context.authenticationSource)"]
            )
            let error = ScimError.tooManyRequests("Too many failed authentications from this address; retry after \(retryAfter) seconds.")
            ProvisioningRecord.note { $0.error = error }
            return error.response(extraHeaders: [.retryAfter: String(retryAfter)])
        }
        guard let token, let fingerprint else {
            limiter.recordFailure(source: context.authenticationSource)
            throw ScimError.unauthorized("This SCIM endpoint needs a bearer token (Authorization: Bearer <token>).")
        }
        guard !ApiKeyFormat.isApiKey(token) else {  // a tenant API key never opens SCIM: refused without asking
            limiter.recordFailure(source: context.authenticationSource)
            throw ScimError.unauthorized("The bearer token is not valid.")
        }
        let verification: TokenVerification
        do {
            verification = try await verifier.verify(token, fingerprint: fingerprint, logger: context.logger)
        } catch let error as ScimError where error.status == 401 {
            limiter.recordFailure(source: context.authenticationSource)
            throw error
        }
        guard verification.tenantID == tenantID, verification.idpID == idpID else {
            limiter.recordFailure(source: context.authenticationSource)
            context.logger.notice("Token presented at another namespace's SCIM URL", metadata: ["token.id": "\(verification.tokenID)"])
            throw ScimError.unauthorized("The bearer token is not valid.")
        }
        limiter.recordSuccess(fingerprint)
        ProvisioningRecord.note { $0.authenticated = true }
        var context = context
        context.principal = ScimPrincipal(tenantID: tenantID, idpID: idpID, tokenID: verification.tokenID)
        context.logger[metadataKey: "tenant.id"] = .string(tenantID)
        context.logger[metadataKey: "idp.id"] = .string(idpID)
        return try await next(request, context)
    }
}
