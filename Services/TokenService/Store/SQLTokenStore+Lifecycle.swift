import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore

/// Rotation, validity, revocation, expiry warnings and the audit trail of bearer tokens.
extension SQLTokenStore {
    func token(id: String) async throws -> TokenRecord? {
        try await storage.read { database in
            try await database.raw("SELECT * FROM tokens WHERE id = \(bind: id)").first().map(Self.tokenRecord(from:))
        }
    }

    func activeTokens(tenantID: String, idpID: String, at date: Date) async throws -> [TokenMetadata] {
        let now = Timestamp.string(from: date)
        return try await storage.read { database in
            try await database.raw(
                """
                SELECT * FROM tokens WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND revoked_at IS NULL
                AND (expires_at IS NULL OR expires_at > \(bind: now)) ORDER BY created_at, id
                """
            ).all().map { try Self.tokenRecord(from: $0).metadata }
        }
    }

    func recreate(oldID: String, revokeAt: Date, new: TokenRecord, event: TokenEvent) async throws {
        let metadata = new.metadata
        try await storage.write { database in
            try await database.raw(
                "UPDATE tokens SET revoked_at = \(bind: Timestamp.string(from: revokeAt)) WHERE id = \(bind: oldID) AND revoked_at IS NULL"
            ).run()
            try await database.raw(
                """
                INSERT INTO tokens (id, tenant_id, idp_id, prefix, secret_hash, created_at, expires_at)
                VALUES (\(bind: metadata.id), \(bind: metadata.tenantID), \(bind: metadata.idpID), \(bind: metadata.prefix), \(bind: new.secretHash),
                        \(bind: Timestamp.string(from: metadata.createdAt)), \(bind: metadata.expiresAt.map(Timestamp.string(from:))))
                """
            ).run()
            try await Self.insert(event, in: database)
        }
    }

    func setExpiry(tokenID: String, expiresAt: Date?, event: TokenEvent) async throws {
        try await storage.write { database in
            try await database.raw(
                """
                UPDATE tokens SET expires_at = \(bind: expiresAt.map(Timestamp.string(from:))), expiry_warned_at = NULL
                WHERE id = \(bind: tokenID)
                """
            ).run()
            try await Self.insert(event, in: database)
        }
    }

    func revoke(tokenID: String, at date: Date, event: TokenEvent) async throws -> Bool {
        let now = Timestamp.string(from: date)
        return try await storage.write { database in
            // A token in its grace period (revocation scheduled) is revoked at once.
            let row = try await database.raw(
                "SELECT id FROM tokens WHERE id = \(bind: tokenID) AND (revoked_at IS NULL OR revoked_at > \(bind: now))"
            ).first()
            guard row != nil else { return false }
            try await database.raw("UPDATE tokens SET revoked_at = \(bind: now) WHERE id = \(bind: tokenID)").run()
            try await Self.insert(event, in: database)
            return true
        }
    }

    func markExpiryWarned(tokenID: String, event: TokenEvent) async throws -> Bool {
        try await storage.write { database in
            // One conditional UPDATE claims the warning: with several token-service replicas watching expiries on
            // one PostgreSQL, the second replica's UPDATE waits for the first's row lock, then matches no row.
            let claimed = try await database.raw(
                """
                UPDATE tokens SET expiry_warned_at = \(bind: Timestamp.string(from: event.occurredAt))
                WHERE id = \(bind: tokenID) AND expiry_warned_at IS NULL RETURNING id
                """
            ).first()
            guard claimed != nil else { return false }
            try await Self.insert(event, in: database)
            return true
        }
    }

    func identityProvidersWithUnwarnedExpiry(before: Date, at date: Date) async throws -> [(tenantID: String, idpID: String)] {
        let rows = try await storage.read { database in
            try await database.raw(
                """
                SELECT DISTINCT tenant_id, idp_id FROM tokens WHERE revoked_at IS NULL AND expiry_warned_at IS NULL
                AND expires_at IS NOT NULL AND expires_at > \(bind: Timestamp.string(from: date)) AND expires_at <= \(bind: Timestamp.string(from: before))
                """
            ).all()
        }
        return try rows.map { (try $0.decode(column: "tenant_id", as: String.self), try $0.decode(column: "idp_id", as: String.self)) }
    }

    func events(tenantID: String, idpID: String?, limit: Int) async throws -> [TokenEvent] {
        try await storage.read { database in
            let rows: [any SQLRow]
            if let idpID {
                rows = try await database.raw(
                    """
                    SELECT * FROM token_events WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID)
                    ORDER BY id DESC LIMIT \(bind: limit)
                    """
                ).all()
            } else {
                rows = try await database.raw(
                    "SELECT * FROM token_events WHERE tenant_id = \(bind: tenantID) ORDER BY id DESC LIMIT \(bind: limit)"
                ).all()
            }
            return try rows.map { row in
                let occurred = try row.decode(column: "occurred_at", as: String.self)
                return TokenEvent(
                    tenantID: try row.decode(column: "tenant_id", as: String.self),
                    idpID: try row.decode(column: "idp_id", as: String.self),
                    subjectID: try row.decode(column: "token_id", as: String?.self),
                    action: try row.decode(column: "action", as: String.self),
                    actor: try row.decode(column: "actor", as: String.self),
                    occurredAt: Timestamp.date(from: occurred) ?? Date(timeIntervalSince1970: 0),
                    detail: try row.decode(column: "detail", as: String?.self)
                )
            }
        }
    }

    func record(_ event: TokenEvent) async throws {
        try await storage.write { database in try await Self.insert(event, in: database) }
    }

    /// Appends an event to `token_events` (the subject id goes in `token_id`).
    static func insert(_ event: TokenEvent, in database: any SQLDatabase) async throws {
        try await database.raw(
            """
            INSERT INTO token_events (tenant_id, idp_id, token_id, action, actor, occurred_at, detail)
            VALUES (\(bind: event.tenantID), \(bind: event.idpID), \(bind: event.subjectID), \(bind: event.action), \(bind: event.actor),
                    \(bind: Timestamp.string(from: event.occurredAt)), \(bind: event.detail))
            """
        ).run()
    }

    static func tokenRecord(from row: any SQLRow) throws -> TokenRecord {
        try record(from: row)
    }

    static func optionalDate(_ row: any SQLRow, _ column: String) throws -> Date? {
        guard let text = try row.decode(column: column, as: String?.self) else { return nil }
        guard let date = Timestamp.date(from: text) else { throw ScimError.internalError("Stored timestamp is unreadable.") }
        return date
    }
}
