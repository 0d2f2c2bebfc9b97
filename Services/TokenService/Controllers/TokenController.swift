import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Internal API of bearer tokens: issue, list, recreate, change validity, revoke, verify. The secret appears
/// only in the answers to `create` and `recreate`; logs, events and errors never carry it.
struct TokenController<Store: TokenStore> {
    let store: Store
    let clock: any TokenClock
    let settings: TokenSettings
    let warnings: ExpiryWarnings<Store>
    let accessTokens: AccessTokens<Store>
    let activity: any ActivitySink
    /// Longest validity an admin may choose, in days (ten years).
    static var maximumValidDays: Int { 3650 }
    /// Longest grace period of a recreated token, in hours (30 days).
    static var maximumGraceHours: Int { 720 }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("tenants/:tenant/idps/:idp/tokens", use: create)
        group.get("tenants/:tenant/idps/:idp/tokens", use: list)
        group.delete("tenants/:tenant/idps/:idp/tokens", use: revokeIdentityProvider)
        group.post("tenants/:tenant/idps/:idp/tokens/:token/recreate", use: recreate)
        group.patch("tenants/:tenant/idps/:idp/tokens/:token", use: setValidity)
        group.delete("tenants/:tenant/idps/:idp/tokens/:token", use: revoke)
        group.get("tenants/:tenant/idps/:idp/token-events", use: events)
        group.delete("tenants/:tenant/tokens", use: revokeTenant)
        group.post("verify", use: verify)
    }

    /// The expiry a validity choice gives, counted from `start`.
    static func expiry(validDays: Int?, noExpiry: Bool?, from start: Date) throws -> Date? {
        switch (validDays, noExpiry ?? false) {
        case (nil, true):
            return nil
        case (let days?, false) where (1...maximumValidDays).contains(days):
            return start.addingTimeInterval(TimeInterval(days) * 86_400)
        case (_?, true):
            throw ScimError.invalidValue("Give either validDays or noExpiry: true, not both.")
        case (nil, false):
            throw ScimError.invalidValue("A token needs a validity: validDays (1 to \(maximumValidDays)) or noExpiry: true.")
        case (let days?, false):
            throw ScimError.invalidValue("validDays must be between 1 and \(maximumValidDays); got \(days).")
        }
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        let body = try await JSONCoding.decode(TokenCreateRequest.self, from: request, context: context)
        let now = clock.now()
        let expiresAt = try Self.expiry(validDays: body.validDays, noExpiry: body.noExpiry, from: now)
        let active = try await store.activeTokens(tenantID: tenantID, idpID: idpID, at: now)
        guard active.count < settings.maxActiveTokens else {
            throw ScimError.uniqueness(
                "This identity provider already has \(active.count) active tokens, the most allowed (TOKEN_MAX_ACTIVE=\(settings.maxActiveTokens)). "
                    + "Recreate or revoke one of them instead of creating another."
            )
        }
        let token = BearerToken.generate()
        let metadata = TokenMetadata(
            id: UUID().uuidString.lowercased(),
            prefix: token.prefix,
            tenantID: tenantID,
            idpID: idpID,
            createdAt: now,
            expiresAt: expiresAt,
            lastUsedAt: nil,
            revokedAt: nil
        )
        try await store.insert(TokenRecord(metadata: metadata, secretHash: token.secretHash), actor: "admin")
        context.logger.info(
            "Token created",
            metadata: ["tenant.id": "\(tenantID)", "idp.id": "\(idpID)", "token.prefix": "\(token.prefix)"]
        )
        let expiry = expiresAt.map { "expires=\(ISO8601DateFormatter().string(from: $0))" } ?? "expires=never"
        await activity.forward(
            TokenEvent(
                tenantID: tenantID,
                idpID: idpID,
                subjectID: metadata.id,
                action: "token.created",
                actor: "admin",
                occurredAt: now,
                detail: "prefix=\(token.prefix) \(expiry)"
            ),
            logger: context.logger
        )
        return JSONCoding.response(IssuedToken(token: token.text, metadata: metadata), status: .created)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        let warning = try await warnings.check(tenantID: tenantID, idpID: idpID, logger: context.logger)
        let tokens = try await store.tokens(tenantID: tenantID, idpID: idpID)
        return JSONCoding.response(TokenList(tokens: tokens, maxActive: settings.maxActiveTokens, expiryWarning: warning))
    }

    /// Replaces a token by a new one; the old one stops now or when the grace period ends.
    @Sendable func recreate(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let old = try await existingToken(context)
        let body = try await JSONCoding.decode(TokenRecreateRequest.self, from: request, context: context)
        let now = clock.now()
        guard old.revokedAt == nil else {
            throw ScimError.conflict("Token \(old.prefix) is revoked or already being replaced; create a new token instead.")
        }
        let grace = body.graceHours ?? 0
        guard (0...Self.maximumGraceHours).contains(grace) else {
            throw ScimError.invalidValue("graceHours must be between 0 and \(Self.maximumGraceHours); got \(grace).")
        }
        let expiresAt: Date?
        if body.validDays != nil || body.noExpiry != nil {
            expiresAt = try Self.expiry(validDays: body.validDays, noExpiry: body.noExpiry, from: now)
        } else {
            expiresAt = old.expiresAt.map { now.addingTimeInterval($0.timeIntervalSince(old.createdAt)) }  // same length as the old one
        }
        let token = BearerToken.generate()
        let metadata = TokenMetadata(
            id: UUID().uuidString.lowercased(),
            prefix: token.prefix,
            tenantID: old.tenantID,
            idpID: old.idpID,
            createdAt: now,
            expiresAt: expiresAt,
            lastUsedAt: nil,
            revokedAt: nil
        )
        let revokeAt = now.addingTimeInterval(TimeInterval(grace) * 3600)
        let expiry = expiresAt.map { "expires=\(ISO8601DateFormatter().string(from: $0))" } ?? "expires=never"
        let event = TokenEvent(
            tenantID: old.tenantID,
            idpID: old.idpID,
            subjectID: metadata.id,
            action: "token.recreated",
            actor: "admin",
            occurredAt: now,
            detail: "prefix=\(token.prefix) \(expiry) replaces=\(old.prefix) graceHours=\(grace)"
        )
        try await store.recreate(oldID: old.id, revokeAt: revokeAt, new: TokenRecord(metadata: metadata, secretHash: token.secretHash), event: event)
        context.logger.info(
            "Token recreated",
            metadata: [
                "tenant.id": "\(old.tenantID)", "idp.id": "\(old.idpID)", "token.prefix": "\(token.prefix)", "replaced.prefix": "\(old.prefix)",
            ]
        )
        await activity.forward(event, logger: context.logger)
        var replaced = old
        replaced.revokedAt = revokeAt
        return JSONCoding.response(RecreatedToken(token: token.text, metadata: metadata, replaced: replaced), status: .created)
    }

    /// New validity counted from now (`validDays`), or no expiry. A revoked token cannot be revived.
    @Sendable func setValidity(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let token = try await existingToken(context)
        let body = try await JSONCoding.decode(TokenCreateRequest.self, from: request, context: context)
        let now = clock.now()
        guard token.revokedAt.map({ $0 > now }) ?? true else { throw ScimError.conflict("Token \(token.prefix) is revoked.") }
        let expiresAt = try Self.expiry(validDays: body.validDays, noExpiry: body.noExpiry, from: now)
        let event = TokenEvent(
            tenantID: token.tenantID,
            idpID: token.idpID,
            subjectID: token.id,
            action: "token.validity-changed",
            actor: "admin",
            occurredAt: now,
            detail: "prefix=\(token.prefix) " + (expiresAt.map { "expires=\(ISO8601DateFormatter().string(from: $0))" } ?? "expires=never")
        )
        try await store.setExpiry(tokenID: token.id, expiresAt: expiresAt, event: event)
        context.logger.info(
            "Token validity changed",
            metadata: ["tenant.id": "\(token.tenantID)", "idp.id": "\(token.idpID)", "token.prefix": "\(token.prefix)"]
        )
        await activity.forward(event, logger: context.logger)
        var updated = token
        updated.expiresAt = expiresAt
        return JSONCoding.response(updated)
    }

    /// Revokes one token at once (also one in its grace period). Revoking a revoked token changes nothing.
    @Sendable func revoke(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let token = try await existingToken(context)
        let now = clock.now()
        let event = TokenEvent(
            tenantID: token.tenantID,
            idpID: token.idpID,
            subjectID: token.id,
            action: "token.revoked",
            actor: "admin",
            occurredAt: now,
            detail: "prefix=\(token.prefix)"
        )
        if try await store.revoke(tokenID: token.id, at: now, event: event) {
            context.logger.info(
                "Token revoked",
                metadata: ["tenant.id": "\(token.tenantID)", "idp.id": "\(token.idpID)", "token.prefix": "\(token.prefix)"]
            )
            await activity.forward(event, logger: context.logger)
        }
        return Response(status: .noContent)
    }

    @Sendable func events(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 1000)
        return JSONCoding.response(
            try await store.events(tenantID: try context.parameters.require("tenant"), idpID: try context.parameters.require("idp"), limit: limit)
        )
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
        let now = clock.now()
        let count = try await store.revokeAll(tenantID: tenantID, idpID: nil, at: now, actor: "admin")
        let keys = try await store.revokeApiKeys(tenantID: tenantID, at: now, actor: "admin")  // the tenant's API keys too
        context.logger.info("Tokens revoked", metadata: ["tenant.id": "\(tenantID)", "count": "\(count)", "apikeys": "\(keys)"])
        return Response(status: .noContent)
    }

    /// 200 with the tenant and IdP the token authenticates, or 401 with a SCIM body. The detail says "expired"
    /// or "revoked" only for a token whose secret (or signature) matched, so guessing learns nothing.
    /// Bearer tokens (`pvs_…`) and OAuth access tokens (JWTs) are both accepted.
    @Sendable func verify(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONCoding.decode(TokenVerifyRequest.self, from: request, context: context)
        if AccessTokens<Store>.looksLikeJWT(body.token) {
            return JSONCoding.response(try await accessTokens.verify(body.token))
        }
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
            throw ScimError.unauthorized(
                "The bearer token expired at \(ISO8601DateFormatter().string(from: expiresAt)); ask the admin for a new one."
            )
        }
        try await store.markUsed(tokenID: metadata.id, at: now)
        // A token in its grace period is cached by gateways no longer than it has left.
        let validUntil = [metadata.expiresAt, metadata.revokedAt].compactMap { $0 }.min()
        return JSONCoding.response(
            TokenVerification(tenantID: metadata.tenantID, idpID: metadata.idpID, tokenID: metadata.id, expiresAt: validUntil)
        )
    }

    /// The token named in the path, which must belong to the path's tenant and IdP (404 otherwise).
    private func existingToken(_ context: ServiceRequestContext) async throws -> TokenMetadata {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        let id = try context.parameters.require("token")
        guard let record = try await store.token(id: id), record.metadata.tenantID == tenantID, record.metadata.idpID == idpID else {
            throw ScimError.notFound("Token '\(id)' not found for identity provider '\(idpID)' of tenant '\(tenantID)'.")
        }
        return record.metadata
    }
}
