import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Internal API of the admin console's sessions (README "Admin console"), stored here because this service owns
/// credentials: create, read (which also notes the activity), delete. A session ends at its idle or absolute timeout,
/// and a tenant key's session ends as soon as the key is revoked (its tenant's deletion revokes it too). Rows hold the
/// SHA-256 of the session id, never the id, and never a key.
struct ConsoleSessionController<Store: TokenStore> {
    let store: Store
    let clock: any TokenClock
    /// `last_seen_at` is written at most this often per session, so reading a session is not a write per page.
    var touchGranularity: TimeInterval = 30

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("console-sessions", use: create)
        group.post("console-sessions/:session/read", use: read)
        group.delete("console-sessions/:session", use: delete)
    }

    /// 201 with ``ConsoleSession``; 400 for a malformed hash, timeout or principal, 401 for a key that is not active.
    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONCoding.decode(ConsoleSessionCreateRequest.self, from: request, context: context)
        guard ConsoleSessionID.isValidHash(body.idHash) else { throw ScimError.invalidValue("idHash must be 64 lower-case hex digits.") }
        guard (60...86_400).contains(body.idleSeconds), (60...604_800).contains(body.absoluteSeconds) else {
            throw ScimError.invalidValue("idleSeconds must be 60 to 86400 and absoluteSeconds 60 to 604800.")
        }
        let principal = body.principal
        if principal.isRoot {
            guard principal.apiKeyID == nil, principal.role == nil else { throw ScimError.invalidValue("A root session names no key.") }
        } else {
            guard let keyID = principal.apiKeyID, try await isActive(keyID: keyID, principal) else {
                throw ScimError.unauthorized("The API key is not active.")
            }
        }
        let now = clock.now()
        let session = ConsoleSession(
            principal: principal,
            createdAt: now,
            lastSeenAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(body.absoluteSeconds))
        )
        try await store.insertConsoleSession(ConsoleSessionRecord(idHash: body.idHash, session: session, idleSeconds: body.idleSeconds), at: now)
        context.logger.info(
            "Console session created",
            metadata: ["tenant.id": "\(principal.tenantID ?? "*")", "apikey.id": "\(principal.apiKeyID ?? "root")"]
        )
        return JSONCoding.response(session, status: .created)
    }

    /// 200 with the live ``ConsoleSession``; 404 for an unknown, timed-out or revoked one (which is deleted).
    @Sendable func read(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idHash = try context.parameters.require("session")
        guard ConsoleSessionID.isValidHash(idHash), let record = try await store.consoleSession(idHash: idHash) else { throw Self.notFound }
        let now = clock.now()
        var session = record.session
        let idleEnd = session.lastSeenAt.addingTimeInterval(TimeInterval(record.idleSeconds))
        let keyActive = try await session.principal.apiKeyID.asyncMap { try await isActive(keyID: $0, session.principal) } ?? true
        guard now < session.expiresAt, now < idleEnd, keyActive else {
            try await store.deleteConsoleSession(idHash: idHash)
            throw Self.notFound
        }
        if now.timeIntervalSince(session.lastSeenAt) >= touchGranularity {
            try await store.touchConsoleSession(idHash: idHash, at: now)
            session.lastSeenAt = now
        }
        return JSONCoding.response(session)
    }

    /// 204, whether or not the session existed (sign-out is idempotent).
    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idHash = try context.parameters.require("session")
        guard ConsoleSessionID.isValidHash(idHash) else { throw Self.notFound }
        try await store.deleteConsoleSession(idHash: idHash)
        return Response(status: .noContent)
    }

    private static var notFound: ScimError { ScimError.notFound("No such console session.") }

    private func isActive(keyID: String, _ principal: ConsolePrincipal) async throws -> Bool {
        guard let key = try await store.apiKey(id: keyID) else { return false }
        return key.revokedAt == nil && key.tenantID == principal.tenantID && key.metadata.role == principal.role
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
