import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Authenticates every SCIM request: the bearer token must authenticate exactly the tenant and identity
/// provider named in the URL. Any other case is the same 401, so a token never reveals whether another
/// tenant or IdP exists.
struct ScimAuthMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let verifier: CachingTokenVerifier

    func handle(
        _ request: Request, context: ServiceRequestContext, next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        guard let token = BearerCredential.from(request) else {
            throw ScimError.unauthorized("This SCIM endpoint needs a bearer token (Authorization: Bearer <token>).")
        }
        let verification = try await verifier.verify(token, logger: context.logger)
        guard verification.tenantID == tenantID, verification.idpID == idpID else {
            context.logger.notice("Token presented at another namespace's SCIM URL", metadata: ["token.id": "\(verification.tokenID)"])
            throw ScimError.unauthorized("The bearer token is not valid.")
        }
        var context = context
        context.principal = ScimPrincipal(tenantID: tenantID, idpID: idpID, tokenID: verification.tokenID)
        context.logger[metadataKey: "tenant.id"] = .string(tenantID)
        context.logger[metadataKey: "idp.id"] = .string(idpID)
        return try await next(request, context)
    }
}
