import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Internal API of OAuth clients (one active client per IdP) and the client-credentials grant. The secret
/// appears only in the answers to `create` and `rotate`.
struct ClientController<Store: TokenStore> {
    let store: Store
    let clock: any TokenClock
    let accessTokens: AccessTokens<Store>
    let activity: any ActivitySink

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("tenants/:tenant/idps/:idp/clients", use: create)
        group.get("tenants/:tenant/idps/:idp/clients", use: list)
        group.post("tenants/:tenant/idps/:idp/clients/:client/rotate", use: rotate)
        group.delete("tenants/:tenant/idps/:idp/clients/:client", use: revoke)
        group.post("tenants/:tenant/oauth/token", use: grant)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        let now = clock.now()
        if try await store.clients(tenantID: tenantID, idpID: idpID).contains(where: { $0.metadata.revokedAt == nil }) {
            throw ScimError.uniqueness("This identity provider already has an OAuth client; rotate its secret or revoke it first.")
        }
        let secret = ClientSecret.newSecret()
        let metadata = OAuthClientMetadata(
            clientID: ClientSecret.newClientID(),
            tenantID: tenantID,
            idpID: idpID,
            createdAt: now,
            secretRotatedAt: nil,
            previousSecretValidUntil: nil,
            lastUsedAt: nil,
            revokedAt: nil
        )
        let event = TokenEvent(
            tenantID: tenantID,
            idpID: idpID,
            subjectID: metadata.clientID,
            action: "client.created",
            actor: "admin",
            occurredAt: now,
            detail: "clientID=\(metadata.clientID)"
        )
        try await store.insertClient(ClientRecord(metadata: metadata, secretHash: ClientSecret.hash(secret), previousSecretHash: nil), event: event)
        context.logger.info(
            "OAuth client created",
            metadata: ["tenant.id": "\(tenantID)", "idp.id": "\(idpID)", "client.id": "\(metadata.clientID)"]
        )
        await activity.forward(event, logger: context.logger)
        return JSONCoding.response(IssuedClientSecret(clientID: metadata.clientID, clientSecret: secret, client: metadata), status: .created)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let clients = try await store.clients(tenantID: try context.parameters.require("tenant"), idpID: try context.parameters.require("idp"))
        return JSONCoding.response(clients.map(\.metadata))
    }

    /// A new secret; the previous one keeps working for `graceHours` (default 0: stops at once).
    @Sendable func rotate(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        var client = try await existingClient(context)
        let body = try await JSONCoding.decode(ClientRotateRequest.self, from: request, context: context)
        guard client.revokedAt == nil else { throw ScimError.conflict("OAuth client \(client.clientID) is revoked.") }
        let grace = body.graceHours ?? 0
        guard (0...TokenController<Store>.maximumGraceHours).contains(grace) else {
            throw ScimError.invalidValue("graceHours must be between 0 and \(TokenController<Store>.maximumGraceHours); got \(grace).")
        }
        let now = clock.now()
        let previousValidUntil = grace > 0 ? now.addingTimeInterval(TimeInterval(grace) * 3600) : nil
        let secret = ClientSecret.newSecret()
        let event = TokenEvent(
            tenantID: client.tenantID,
            idpID: client.idpID,
            subjectID: client.clientID,
            action: "client.secret-rotated",
            actor: "admin",
            occurredAt: now,
            detail: "clientID=\(client.clientID) graceHours=\(grace)"
        )
        try await store.rotateClientSecret(
            clientID: client.clientID,
            newHash: ClientSecret.hash(secret),
            previousValidUntil: previousValidUntil,
            at: now,
            event: event
        )
        context.logger.info("OAuth client secret rotated", metadata: ["tenant.id": "\(client.tenantID)", "client.id": "\(client.clientID)"])
        await activity.forward(event, logger: context.logger)
        client.secretRotatedAt = now
        client.previousSecretValidUntil = previousValidUntil
        return JSONCoding.response(IssuedClientSecret(clientID: client.clientID, clientSecret: secret, client: client))
    }

    /// Revokes the client: its secret stops working and so do the access tokens it was issued.
    @Sendable func revoke(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let client = try await existingClient(context)
        let now = clock.now()
        let event = TokenEvent(
            tenantID: client.tenantID,
            idpID: client.idpID,
            subjectID: client.clientID,
            action: "client.revoked",
            actor: "admin",
            occurredAt: now,
            detail: "clientID=\(client.clientID)"
        )
        if try await store.revokeClient(clientID: client.clientID, at: now, event: event) {
            context.logger.info("OAuth client revoked", metadata: ["tenant.id": "\(client.tenantID)", "client.id": "\(client.clientID)"])
            await activity.forward(event, logger: context.logger)
        }
        return Response(status: .noContent)
    }

    /// The client-credentials grant, after the gateway has checked the protocol. 401 for any unknown client,
    /// wrong secret, revoked client or client of another tenant (the gateway answers `invalid_client`);
    /// 400 `invalidValue` for a scope other than `scim` (`invalid_scope`).
    @Sendable func grant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let body = try await JSONCoding.decode(ClientCredentialsGrant.self, from: request, context: context)
        let now = clock.now()
        let invalid = ScimError.unauthorized("Client authentication failed.")
        guard let record = try await store.client(id: body.clientID), record.metadata.tenantID == tenantID, record.metadata.revokedAt == nil else {
            _ = ClientSecret.hash(body.clientSecret)  // same work whether or not the client exists
            throw invalid
        }
        let presented = ClientSecret.hash(body.clientSecret)
        let current = ConstantTime.equals(presented, record.secretHash)
        let previous = record.previousSecretHash.map { ConstantTime.equals(presented, $0) } ?? false
        let previousStillValid = record.metadata.previousSecretValidUntil.map { $0 > now } ?? false
        guard current || (previous && previousStillValid) else { throw invalid }
        if let scope = body.scope, !scope.split(separator: " ").allSatisfy({ $0 == AccessTokens<Store>.scope }) {
            throw ScimError.invalidValue("The only scope is '\(AccessTokens<Store>.scope)'.")
        }
        try await store.markClientUsed(clientID: record.metadata.clientID, at: now)
        let token = try await accessTokens.issue(for: record.metadata)
        context.logger.info(
            "Access token issued",
            metadata: ["tenant.id": "\(tenantID)", "idp.id": "\(record.metadata.idpID)", "client.id": "\(record.metadata.clientID)"]
        )
        return JSONCoding.response(token)
    }

    private func existingClient(_ context: ServiceRequestContext) async throws -> OAuthClientMetadata {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        let id = try context.parameters.require("client")
        guard let record = try await store.client(id: id), record.metadata.tenantID == tenantID, record.metadata.idpID == idpID else {
            throw ScimError.notFound("OAuth client '\(id)' not found for identity provider '\(idpID)' of tenant '\(tenantID)'.")
        }
        return record.metadata
    }
}
