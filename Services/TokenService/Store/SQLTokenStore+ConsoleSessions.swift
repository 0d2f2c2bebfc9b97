import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore

/// Admin console sessions: one row per signed-in browser, keyed by the SHA-256 of the session id.
extension SQLTokenStore {
    func insertConsoleSession(_ record: ConsoleSessionRecord, at date: Date) async throws {
        let session = record.session
        try await storage.write { database in
            try await database.raw("DELETE FROM console_sessions WHERE expires_at < \(bind: Timestamp.string(from: date))").run()
            try await database.raw(
                """
                INSERT INTO console_sessions (id_hash, tenant_id, api_key_id, role, created_at, last_seen_at, idle_seconds, expires_at)
                VALUES (\(bind: record.idHash), \(bind: session.principal.tenantID), \(bind: session.principal.apiKeyID),
                        \(bind: session.principal.role?.rawValue), \(bind: Timestamp.string(from: session.createdAt)),
                        \(bind: Timestamp.string(from: session.lastSeenAt)), \(bind: record.idleSeconds),
                        \(bind: Timestamp.string(from: session.expiresAt)))
                """
            ).run()
        }
    }

    func consoleSession(idHash: String) async throws -> ConsoleSessionRecord? {
        try await storage.read { database in
            try await database.raw("SELECT * FROM console_sessions WHERE id_hash = \(bind: idHash)").first().map(Self.consoleSessionRecord(from:))
        }
    }

    func touchConsoleSession(idHash: String, at date: Date) async throws {
        try await storage.write { database in
            try await database.raw(
                "UPDATE console_sessions SET last_seen_at = \(bind: Timestamp.string(from: date)) WHERE id_hash = \(bind: idHash)"
            ).run()
        }
    }

    func deleteConsoleSession(idHash: String) async throws {
        try await storage.write { database in
            try await database.raw("DELETE FROM console_sessions WHERE id_hash = \(bind: idHash)").run()
        }
    }

    static func consoleSessionRecord(from row: any SQLRow) throws -> ConsoleSessionRecord {
        let roleText = try row.decode(column: "role", as: String?.self)
        let role = try roleText.map { text in
            guard let role = ApiKeyRole(rawValue: text) else { throw ScimError.internalError("Stored console session role is unreadable.") }
            return role
        }
        let epoch = Date(timeIntervalSince1970: 0)
        return ConsoleSessionRecord(
            idHash: try row.decode(column: "id_hash", as: String.self),
            session: ConsoleSession(
                principal: ConsolePrincipal(
                    tenantID: try row.decode(column: "tenant_id", as: String?.self),
                    apiKeyID: try row.decode(column: "api_key_id", as: String?.self),
                    role: role
                ),
                createdAt: try optionalDate(row, "created_at") ?? epoch,
                lastSeenAt: try optionalDate(row, "last_seen_at") ?? epoch,
                expiresAt: try optionalDate(row, "expires_at") ?? epoch
            ),
            idleSeconds: try row.decode(column: "idle_seconds", as: Int.self)
        )
    }
}
