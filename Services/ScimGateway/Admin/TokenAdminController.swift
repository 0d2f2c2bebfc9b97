import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// `/admin/v1` for credentials: bearer tokens (create, list with expiry warning, recreate, change validity,
/// revoke), the audit trail of token events, OAuth clients (create, list, rotate, revoke) and the JWT signing
/// keys. Every call for an IdP first checks that the IdP exists (404 otherwise). Secrets appear only in the
/// answers to create/recreate/rotate, which are `Cache-Control: no-store`.
struct TokenAdminController {
    let peers: GatewayPeers
    let gateway: GatewayConfiguration
    let verifier: CachingTokenVerifier

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("tenants/:tenant/idps/:idp/tokens", use: createToken)
        group.get("tenants/:tenant/idps/:idp/tokens", use: listTokens)
        group.post("tenants/:tenant/idps/:idp/tokens/:token/recreate", use: recreateToken)
        group.patch("tenants/:tenant/idps/:idp/tokens/:token", use: setValidity)
        group.delete("tenants/:tenant/idps/:idp/tokens/:token", use: revokeToken)
        group.get("tenants/:tenant/idps/:idp/token-events", use: tokenEvents)
        group.post("tenants/:tenant/idps/:idp/clients", use: createClient)
        group.get("tenants/:tenant/idps/:idp/clients", use: listClients)
        group.post("tenants/:tenant/idps/:idp/clients/:client/rotate", use: rotateClient)
        group.delete("tenants/:tenant/idps/:idp/clients/:client", use: revokeClient)
        group.get("signing-keys", use: signingKeys)
        group.post("signing-keys/rotate", use: rotateSigningKey)
    }

    private static var noStore: HTTPFields { [.cacheControl: "no-store"] }

    // MARK: Bearer tokens

    /// Issues a bearer token for an existing IdP. The answer is the only place the secret ever appears.
    @Sendable func createToken(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        let body = try await JSONCoding.decode(TokenCreateRequest.self, from: request, context: context)
        let issued = try await peers.tokens.createToken(tenantID: idp.tenantID, idpID: idp.id, body, logger: context.logger)
        return JSONCoding.response(issued, status: .created, headers: Self.noStore)
    }

    /// `{"tokens": [...], "maxActive": 2, "expiryWarning": {...}}`; `expiryWarning` is absent when no warning applies.
    @Sendable func listTokens(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        return JSONCoding.response(try await peers.tokens.listTokens(tenantID: idp.tenantID, idpID: idp.id, logger: context.logger))
    }

    @Sendable func recreateToken(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        let tokenID = try context.parameters.require("token")
        let body = try await JSONCoding.decode(TokenRecreateRequest.self, from: request, context: context)
        let recreated = try await peers.tokens.recreateToken(tenantID: idp.tenantID, idpID: idp.id, tokenID: tokenID, body, logger: context.logger)
        if (body.graceHours ?? 0) == 0 { verifier.invalidate(tokenID: tokenID) }
        return JSONCoding.response(recreated, status: .created, headers: Self.noStore)
    }

    @Sendable func setValidity(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        let tokenID = try context.parameters.require("token")
        let body = try await JSONCoding.decode(TokenCreateRequest.self, from: request, context: context)
        let updated = try await peers.tokens.setTokenValidity(tenantID: idp.tenantID, idpID: idp.id, tokenID: tokenID, body, logger: context.logger)
        verifier.invalidate(tokenID: tokenID)
        return JSONCoding.response(updated)
    }

    @Sendable func revokeToken(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        let tokenID = try context.parameters.require("token")
        try await peers.tokens.revokeToken(tenantID: idp.tenantID, idpID: idp.id, tokenID: tokenID, logger: context.logger)
        verifier.invalidate(tokenID: tokenID)
        return Response(status: .noContent)
    }

    /// The IdP's credential events, newest first: who did what and when (`?limit=`, default 100).
    @Sendable func tokenEvents(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 1000)
        return JSONCoding.response(try await peers.tokens.tokenEvents(tenantID: idp.tenantID, idpID: idp.id, limit: limit, logger: context.logger))
    }

    // MARK: OAuth clients

    @Sendable func createClient(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        var issued = try await peers.tokens.createClient(tenantID: idp.tenantID, idpID: idp.id, logger: context.logger)
        issued.tokenURL = gateway.tokenURL(tenantID: idp.tenantID)
        return JSONCoding.response(issued, status: .created, headers: Self.noStore)
    }

    @Sendable func listClients(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        return JSONCoding.response(try await peers.tokens.listClients(tenantID: idp.tenantID, idpID: idp.id, logger: context.logger))
    }

    /// `{"graceHours": 24}` keeps the previous secret working for a day; default 0.
    @Sendable func rotateClient(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        let body = try await JSONCoding.decode(ClientRotateRequest.self, from: request, context: context)
        var issued = try await peers.tokens.rotateClientSecret(
            tenantID: idp.tenantID,
            idpID: idp.id,
            clientID: try context.parameters.require("client"),
            body,
            logger: context.logger
        )
        issued.tokenURL = gateway.tokenURL(tenantID: idp.tenantID)
        verifier.invalidate(clientID: issued.clientID)  // tokens issued before the rotation are verified again
        return JSONCoding.response(issued, headers: Self.noStore)
    }

    @Sendable func revokeClient(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        let clientID = try context.parameters.require("client")
        try await peers.tokens.revokeClient(tenantID: idp.tenantID, idpID: idp.id, clientID: clientID, logger: context.logger)
        verifier.invalidate(clientID: clientID)
        return Response(status: .noContent)
    }

    // MARK: Signing keys (service-wide)

    @Sendable func signingKeys(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONCoding.response(try await peers.tokens.signingKeys(logger: context.logger))
    }

    /// A new ES256 key signs from now on; the previous one verifies until the tokens it signed have expired.
    @Sendable func rotateSigningKey(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONCoding.response(try await peers.tokens.rotateSigningKey(logger: context.logger), status: .created)
    }

    private func existingIdentityProvider(_ context: ServiceRequestContext) async throws -> IdentityProvider {
        try await peers.directory.identityProvider(
            tenantID: try context.parameters.require("tenant"),
            idpID: try context.parameters.require("idp"),
            logger: context.logger
        )
    }
}
