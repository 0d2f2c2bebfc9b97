import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// `/admin/v1/tenants/{tenant}/api-keys`: a tenant's API keys (README "Tenant API keys"). Create answers the key once
/// (`Cache-Control: no-store`), list shows metadata only, revoke stops the key at once on this replica (its cached
/// verification is forgotten) and on others within the token cache's TTL. The tenant must exist (404 otherwise).
struct ApiKeyAdminController {
    let peers: GatewayPeers
    let verifier: CachingApiKeyVerifier

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("tenants/:tenant/api-keys", use: create)
        group.get("tenants/:tenant/api-keys", use: list)
        group.delete("tenants/:tenant/api-keys/:key", use: revoke)
    }

    /// `{"name", "role"}` → 201 `{"key": "pvk_…", "metadata": {…}}`.
    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try await existingTenant(context)
        let body = try await JSONCoding.decode(ApiKeyCreateRequest.self, from: request, context: context)
        _ = try body.validated()  // a clear 400 before the hop; the token service checks again
        let issued = try await peers.tokens.createApiKey(tenantID: tenantID, body, logger: context.logger)
        context.logger.info("API key created", metadata: ["apikey.id": "\(issued.metadata.id)", "apikey.prefix": "\(issued.metadata.prefix)"])
        return JSONCoding.response(issued, status: .created, headers: [.cacheControl: "no-store"])
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try await existingTenant(context)
        return JSONCoding.response(try await peers.tokens.listApiKeys(tenantID: tenantID, logger: context.logger))
    }

    @Sendable func revoke(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try await existingTenant(context)
        let keyID = try context.parameters.require("key")
        try await peers.tokens.revokeApiKey(tenantID: tenantID, keyID: keyID, logger: context.logger)
        verifier.invalidate(keyID: keyID)
        context.logger.info("API key revoked", metadata: ["apikey.id": "\(keyID)"])
        return Response(status: .noContent)
    }

    private func existingTenant(_ context: ServiceRequestContext) async throws -> String {
        try await peers.directory.tenant(try context.parameters.require("tenant"), logger: context.logger).id
    }
}
