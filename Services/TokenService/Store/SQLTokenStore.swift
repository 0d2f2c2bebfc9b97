import Foundation
import InternalAPI
import Logging
import Persistence
import SQLKit
import ScimCore

struct SQLTokenStore: TokenStore {
    let storage: any SQLStorage
    /// `last_used_at` is refreshed at most this often per token, so verification is not a write per request.
    var lastUsedGranularity: TimeInterval = 60

    func isReachable() async -> Bool {
        (try? await storage.read { database in try await database.raw("SELECT 1 AS one").first() }) != nil
    }

    func insert(_ token: TokenRecord, actor: String) async throws {
        let metadata = token.metadata
        try await storage.write { database in
            try await database.raw(
                """
                INSERT INTO tokens (id, tenant_id, idp_id, prefix, secret_hash, created_at, expires_at)
                VALUES (\(bind: metadata.id), \(bind: metadata.tenantID), \(bind: metadata.idpID), \(bind: metadata.prefix), \(bind: token.secretHash),
                        \(bind: Timestamp.string(from: metadata.createdAt)), \(bind: metadata.expiresAt.map(Timestamp.string(from:))))
                """
            ).run()
            let expiry = metadata.expiresAt.map { "expires=\(Timestamp.string(from: $0))" } ?? "expires=never"
            try await Self.recordEvent(
                tenantID: metadata.tenantID,
                idpID: metadata.idpID,
                tokenID: metadata.id,
                action: "token.created",
                actor: actor,
                detail: "prefix=\(metadata.prefix) \(expiry)",
                in: database
            )
        }
    }

    func tokens(tenantID: String, idpID: String) async throws -> [TokenMetadata] {
        try await storage.read { database in
            try await database.raw(
                "SELECT * FROM tokens WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) ORDER BY created_at, id"
            ).all().map { try Self.record(from: $0).metadata }
        }
    }

    func token(prefix: String) async throws -> TokenRecord? {
        try await storage.read { database in
            try await database.raw("SELECT * FROM tokens WHERE prefix = \(bind: prefix)").first().map(Self.record(from:))
        }
    }

    func revokeAll(tenantID: String, idpID: String?, at date: Date, actor: String) async throws -> Int {
        let revokedAt = Timestamp.string(from: date)
        return try await storage.write { database in
            let rows: [any SQLRow]
            if let idpID {
                rows = try await database.raw(
                    "SELECT id, idp_id FROM tokens WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND revoked_at IS NULL"
                ).all()
            } else {
                rows = try await database.raw(
                    "SELECT id, idp_id FROM tokens WHERE tenant_id = \(bind: tenantID) AND revoked_at IS NULL"
                ).all()
            }
            for row in rows {
                let id = try row.decode(column: "id", as: String.self)
                try await database.raw("UPDATE tokens SET revoked_at = \(bind: revokedAt) WHERE id = \(bind: id)").run()
                try await Self.recordEvent(
                    tenantID: tenantID,
                    idpID: try row.decode(column: "idp_id", as: String.self),
                    tokenID: id,
                    action: "token.revoked",
                    actor: actor,
                    detail: nil,
                    in: database
                )
            }
            return rows.count
        }
    }

    func markUsed(tokenID: String, at date: Date) async throws {
        let now = Timestamp.string(from: date)
        let threshold = Timestamp.string(from: date.addingTimeInterval(-lastUsedGranularity))
        try await storage.write { database in
            try await database.raw(
                "UPDATE tokens SET last_used_at = \(bind: now) WHERE id = \(bind: tokenID) AND (last_used_at IS NULL OR last_used_at < \(bind: threshold))"
            ).run()
        }
    }

    private static func recordEvent(
        tenantID: String,
        idpID: String,
        tokenID: String?,
        action: String,
        actor: String,
        detail: String?,
        in database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            INSERT INTO token_events (tenant_id, idp_id, token_id, action, actor, occurred_at, detail)
            VALUES (\(bind: tenantID), \(bind: idpID), \(bind: tokenID), \(bind: action), \(bind: actor), \(bind: Timestamp.now()), \(bind: detail))
            """
        ).run()
    }

    static func record(from row: any SQLRow) throws -> TokenRecord {
        func date(_ column: String) throws -> Date? {
            guard let text = try row.decode(column: column, as: String?.self) else { return nil }
            guard let date = Timestamp.date(from: text) else { throw ScimError.internalError("Stored timestamp is unreadable.") }
            return date
        }
        return TokenRecord(
            metadata: TokenMetadata(
                id: try row.decode(column: "id", as: String.self),
                prefix: try row.decode(column: "prefix", as: String.self),
                tenantID: try row.decode(column: "tenant_id", as: String.self),
                idpID: try row.decode(column: "idp_id", as: String.self),
                createdAt: try date("created_at") ?? Date(timeIntervalSince1970: 0),
                expiresAt: try date("expires_at"),
                lastUsedAt: try date("last_used_at"),
                revokedAt: try date("revoked_at")
            ),
            secretHash: try row.decode(column: "secret_hash", as: String.self)
        )
    }
}
