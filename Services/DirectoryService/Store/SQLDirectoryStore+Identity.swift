import Foundation
import Persistence
import SQLKit
import ScimCore

extension SQLDirectoryStore {
    func userIdentity(tenantID: String, idpID: String, id: String) async throws -> [String: JSONValue]? {
        try await storage.lookup { database in
            try await database.raw(
                "SELECT identity FROM users WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND id = \(bind: id)"
            ).first().map { row in try Self.json(row, "identity").objectValue ?? [:] }
        }
    }

    func setUserIdentity(tenantID: String, idpID: String, id: String, identity: [String: JSONValue]) async throws -> Bool {
        try await storage.write { database in
            guard
                try await database.raw(
                    "SELECT id FROM users WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND id = \(bind: id)"
                ).first() != nil
            else { return false }
            try await database.raw(
                "UPDATE users SET identity = \(bind: JSONValue.object(identity).encodedString()) WHERE id = \(bind: id)"
            ).run()
            return true
        }
    }
}
