import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore

/// JWT signing keys: the active one and recently retired ones that still verify the tokens they signed.
extension SQLTokenStore {
    func signingKeys(retiredAfter: Date) async throws -> [SigningKeyRecord] {
        try await storage.read { database in
            try await database.raw(
                """
                SELECT * FROM signing_keys WHERE retired_at IS NULL OR retired_at > \(bind: Timestamp.string(from: retiredAfter))
                ORDER BY created_at DESC, kid DESC
                """
            ).all().map { row in
                SigningKeyRecord(
                    kid: try row.decode(column: "kid", as: String.self),
                    algorithm: try row.decode(column: "algorithm", as: String.self),
                    privateKeyPEM: try row.decode(column: "private_key_pem", as: String.self),
                    createdAt: try Self.optionalDate(row, "created_at") ?? Date(timeIntervalSince1970: 0),
                    retiredAt: try Self.optionalDate(row, "retired_at")
                )
            }
        }
    }

    func rotateSigningKey(to new: SigningKeyRecord, at date: Date, purgeBefore: Date, event: TokenEvent?) async throws {
        try await storage.write { database in
            try await database.raw(
                "DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at <= \(bind: Timestamp.string(from: purgeBefore))"
            ).run()
            try await database.raw("UPDATE signing_keys SET retired_at = \(bind: Timestamp.string(from: date)) WHERE retired_at IS NULL").run()
            try await database.raw(
                """
                INSERT INTO signing_keys (kid, algorithm, private_key_pem, created_at)
                VALUES (\(bind: new.kid), \(bind: new.algorithm), \(bind: new.privateKeyPEM), \(bind: Timestamp.string(from: new.createdAt)))
                """
            ).run()
            if let event { try await Self.insert(event, in: database) }
        }
    }
}
