import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore

/// OAuth clients of identity providers: id, hash of the secret, rotation with a grace period, revocation.
extension SQLTokenStore {
    func insertClient(_ client: ClientRecord, event: TokenEvent) async throws {
        let metadata = client.metadata
        try await storage.write { database in
            try await database.raw(
                """
                INSERT INTO oauth_clients (client_id, tenant_id, idp_id, secret_hash, created_at)
                VALUES (\(bind: metadata.clientID), \(bind: metadata.tenantID), \(bind: metadata.idpID), \(bind: client.secretHash),
                        \(bind: Timestamp.string(from: metadata.createdAt)))
                """
            ).run()
            try await Self.insert(event, in: database)
        }
    }

    func client(id: String) async throws -> ClientRecord? {
        try await storage.read { database in
            try await database.raw("SELECT * FROM oauth_clients WHERE client_id = \(bind: id)").first().map(Self.clientRecord(from:))
        }
    }

    func clients(tenantID: String, idpID: String) async throws -> [ClientRecord] {
        try await storage.read { database in
            try await database.raw(
                "SELECT * FROM oauth_clients WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) ORDER BY created_at, client_id"
            ).all().map(Self.clientRecord(from:))
        }
    }

    func rotateClientSecret(clientID: String, newHash: String, previousValidUntil: Date?, at date: Date, event: TokenEvent) async throws {
        try await storage.write { database in
            if let previousValidUntil {
                try await database.raw(
                    """
                    UPDATE oauth_clients SET previous_secret_hash = secret_hash, previous_valid_until = \(bind: Timestamp.string(from: previousValidUntil)),
                    secret_hash = \(bind: newHash), secret_rotated_at = \(bind: Timestamp.string(from: date)) WHERE client_id = \(bind: clientID)
                    """
                ).run()
            } else {
                try await database.raw(
                    """
                    UPDATE oauth_clients SET previous_secret_hash = NULL, previous_valid_until = NULL,
                    secret_hash = \(bind: newHash), secret_rotated_at = \(bind: Timestamp.string(from: date)) WHERE client_id = \(bind: clientID)
                    """
                ).run()
            }
            try await Self.insert(event, in: database)
        }
    }

    func revokeClient(clientID: String, at date: Date, event: TokenEvent) async throws -> Bool {
        try await storage.write { database in
            let row = try await database.raw("SELECT client_id FROM oauth_clients WHERE client_id = \(bind: clientID) AND revoked_at IS NULL").first()
            guard row != nil else { return false }
            try await database.raw(
                "UPDATE oauth_clients SET revoked_at = \(bind: Timestamp.string(from: date)) WHERE client_id = \(bind: clientID)"
            ).run()
            try await Self.insert(event, in: database)
            return true
        }
    }

    func markClientUsed(clientID: String, at date: Date) async throws {
        let threshold = Timestamp.string(from: date.addingTimeInterval(-lastUsedGranularity))
        try await storage.write { database in
            try await database.raw(
                """
                UPDATE oauth_clients SET last_used_at = \(bind: Timestamp.string(from: date))
                WHERE client_id = \(bind: clientID) AND (last_used_at IS NULL OR last_used_at < \(bind: threshold))
                """
            ).run()
        }
    }

    static func clientRecord(from row: any SQLRow) throws -> ClientRecord {
        ClientRecord(
            metadata: OAuthClientMetadata(
                clientID: try row.decode(column: "client_id", as: String.self),
                tenantID: try row.decode(column: "tenant_id", as: String.self),
                idpID: try row.decode(column: "idp_id", as: String.self),
                createdAt: try optionalDate(row, "created_at") ?? Date(timeIntervalSince1970: 0),
                secretRotatedAt: try optionalDate(row, "secret_rotated_at"),
                previousSecretValidUntil: try optionalDate(row, "previous_valid_until"),
                lastUsedAt: try optionalDate(row, "last_used_at"),
                revokedAt: try optionalDate(row, "revoked_at")
            ),
            secretHash: try row.decode(column: "secret_hash", as: String.self),
            previousSecretHash: try row.decode(column: "previous_secret_hash", as: String?.self)
        )
    }
}
