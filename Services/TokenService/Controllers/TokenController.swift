import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Internal API of bearer tokens: issue, list, revoke, verify. The secret appears only in the answer to
/// `create`; logs and errors never carry it.
struct TokenController<Store: TokenStore> {
    let store: Store
    let clock: any TokenClock
    /// Longest validity an admin may choose, in days (ten years).
    static var maximumValidDays: Int { 3650 }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("tenants/:tenant/idps/:idp/tokens", use: create)
        group.get("tenants/:tenant/idps/:idp/tokens", use: list)
        group.delete("tenants/:tenant/idps/:idp/tokens", use: revokeIdentityProvider)
        group.delete("tenants/:tenant/tokens", use: revokeTenant)
        group.post("verify", use: verify)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        let body = try await JSONCoding.decode(TokenCreateRequest.self, from: request, context: context)
        let now = clock.now()
        let expiresAt: Date?
        switch (body.validDays, body.noExpiry ?? false) {
        case (nil, true):
            expiresAt = nil
        case (let days?, false) where (1...Self.maximumValidDays).contains(days):
            expiresAt = now.addingTimeInterval(TimeInterval(days) * 86_400)
        case (_?, true):
            throw ScimError.invalidValue("Give either validDays or noExpiry: true, not both.")
        case (nil, false):
            throw ScimError.invalidValue("A token needs a validity: validDays (1 to \(Self.maximumValidDays)) or noExpiry: true.")
        case (let days?, false):
            throw ScimError.invalidValue("validDays must be between 1 and \(Self.maximumValidDays); got \(days).")
        }
        let token = BearerToken.generate()
        let metadata = TokenMetadata(
            id: UUID().uuidString.lowercased(), prefix: token.prefix, tenantID: tenantID, idpID: idpID, createdAt: now,
            expiresAt: expiresAt, lastUsedAt: nil, revokedAt: nil)
        try await store.insert(TokenRecord(metadata: metadata, secretHash: token.secretHash), actor: "admin")
        context.logger.info(
            "Token created", metadata: ["tenant.id": "\(tenantID)", "idp.id": "\(idpID)", "token.prefix": "\(token.prefix)"])
        return JSONCoding.response(IssuedToken(token: token.text, metadata: metadata), status: .created)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        return JSONCoding.response(try await store.tokens(tenantID: tenantID, idpID: idpID))
    }

    @Sendable func revokeIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        let count = try await store.revokeAll(tenantID: tenantID, idpID: idpID, at: clock.now(), actor: "admin")
        context.logger.info("Tokens revoked", metadata: ["tenant.id": "\(tenantID)", "idp.id": "\(idpID)", "count": "\(count)"])
        return Response(status: .noContent)
    }

    @Sendable func revokeTenant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let count = try await store.revokeAll(tenantID: tenantID, idpID: nil, at: clock.now(), actor: "admin")
        context.logger.info("Tokens revoked", metadata: ["tenant.id": "\(tenantID)", "count": "\(count)"])
        return Response(status: .noContent)
    }

    /// 200 with the tenant and IdP the token authenticates, or 401 with a SCIM body. The detail says "expired"
    /// or "revoked" only for a token whose secret matched, so guessing learns nothing.
    @Sendable func verify(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONCoding.decode(TokenVerifyRequest.self, from: request, context: context)
        let invalid = ScimError.unauthorized("The bearer token is not valid.")
        guard let presented = BearerToken(parsing: body.token), let record = try await store.token(prefix: presented.prefix) else {
            throw invalid
        }
        guard ConstantTime.equals(presented.secretHash, record.secretHash) else { throw invalid }
        let metadata = record.metadata
        let now = clock.now()
        if metadata.revokedAt.map({ $0 <= now }) == true {
            throw ScimError.unauthorized("The bearer token has been revoked.")
        }
        if let expiresAt = metadata.expiresAt, expiresAt <= now {
            throw ScimError.unauthorized("The bearer token expired at \(ISO8601DateFormatter().string(from: expiresAt)); ask the admin for a new one.")
        }
        try await store.markUsed(tokenID: metadata.id, at: now)
        return JSONCoding.response(
            TokenVerification(tenantID: metadata.tenantID, idpID: metadata.idpID, tokenID: metadata.id, expiresAt: metadata.expiresAt))
    }
}
