import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore

/// Tenant API keys: the prefix in clear (unique, indexed), the SHA-256 of the secret, the role; revocation keeps the row.
/// Their events go to `token_events` with an empty `idp_id`: a key belongs to a tenant, not to an identity provider.
extension SQLTokenStore {
    func insertApiKey(_ key: ApiKeyRecord, limit: Int, event: TokenEvent) async throws -> Bool {
        let metadata = key.metadata
        return try await storage.write { database in
            // Counted in the inserting transaction: on PostgreSQL two concurrent creations may both pass at the limit,
            // which overshoots it by one at most per replica; the bound is against runaway scripts, not exact.
            let count =
                try await database.raw(
                    "SELECT COUNT(*) AS count FROM api_keys WHERE tenant_id = \(bind: key.tenantID) AND revoked_at IS NULL"
                ).first()?.decode(column: "count", as: Int.self) ?? 0
            guard count < limit else { return false }
            try await database.raw(
                """
                INSERT INTO api_keys (id, tenant_id, name, role, prefix, secret_hash, created_at)
                VALUES (\(bind: metadata.id), \(bind: key.tenantID), \(bind: metadata.name), \(bind: metadata.role.rawValue),
                        \(bind: metadata.prefix), \(bind: key.secretHash), \(bind: Timestamp.string(from: metadata.createdAt)))
                """
            ).run()
            try await Self.insert(event, in: database)
            return true
        }
    }

    func apiKeys(tenantID: String) async throws -> [ApiKeyRecord] {
        try await storage.read { database in
            try await database.raw(
                "SELECT * FROM api_keys WHERE tenant_id = \(bind: tenantID) AND revoked_at IS NULL ORDER BY created_at, id"
            ).all().map(Self.apiKeyRecord(from:))
        }
    }

    func apiKey(id: String) async throws -> ApiKeyRecord? {
        try await storage.read { database in
            try await database.raw("SELECT * FROM api_keys WHERE id = \(bind: id)").first().map(Self.apiKeyRecord(from:))
        }
    }

    func apiKey(prefix: String) async throws -> ApiKeyRecord? {
        try await storage.read { database in
            try await database.raw("SELECT * FROM api_keys WHERE prefix = \(bind: prefix)").first().map(Self.apiKeyRecord(from:))
        }
    }

    func revokeApiKey(id: String, at date: Date, event: TokenEvent) async throws -> Bool {
        try await storage.write { database in
            let claimed = try await database.raw(
                "UPDATE api_keys SET revoked_at = \(bind: Timestamp.string(from: date)) WHERE id = \(bind: id) AND revoked_at IS NULL RETURNING id"
            ).first()
            guard claimed != nil else { return false }
            try await Self.insert(event, in: database)
            return true
        }
    }

    func revokeApiKeys(tenantID: String, at date: Date, actor: String) async throws -> Int {
        try await storage.write { database in
            let revoked = try await database.raw(
                """
                UPDATE api_keys SET revoked_at = \(bind: Timestamp.string(from: date))
                WHERE tenant_id = \(bind: tenantID) AND revoked_at IS NULL RETURNING id, prefix
                """
            ).all()
            for row in revoked {
                let event = TokenEvent(
                    tenantID: tenantID,
                    idpID: "",
                    subjectID: try row.decode(column: "id", as: String.self),
                    action: "api-key.revoked",
                    actor: actor,
                    occurredAt: date,
                    detail: "prefix=\(try row.decode(column: "prefix", as: String.self))"
                )
                try await Self.insert(event, in: database)
            }
            return revoked.count
        }
    }

    func markApiKeyUsed(id: String, at date: Date) async throws {
        let threshold = Timestamp.string(from: date.addingTimeInterval(-lastUsedGranularity))
        try await storage.write { database in
            try await database.raw(
                """
                UPDATE api_keys SET last_used_at = \(bind: Timestamp.string(from: date))
                WHERE id = \(bind: id) AND (last_used_at IS NULL OR last_used_at < \(bind: threshold))
                """
            ).run()
        }
    }

    static func apiKeyRecord(from row: any SQLRow) throws -> ApiKeyRecord {
        let roleText = try row.decode(column: "role", as: String.self)
        guard let role = ApiKeyRole(rawValue: roleText) else { throw ScimError.internalError("Stored API key role is unreadable.") }
        return ApiKeyRecord(
            tenantID: try row.decode(column: "tenant_id", as: String.self),
            metadata: ApiKeyMetadata(
                id: try row.decode(column: "id", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                role: role,
                prefix: try row.decode(column: "prefix", as: String.self),
                createdAt: try optionalDate(row, "created_at") ?? Date(timeIntervalSince1970: 0),
                lastUsedAt: try optionalDate(row, "last_used_at")
            ),
            secretHash: try row.decode(column: "secret_hash", as: String.self),
            revokedAt: try optionalDate(row, "revoked_at")
        )
    }
}
