import Foundation
import Persistence
import SQLKit
import ScimCore

extension SQLDirectoryStore {
    func setUserIdentity(tenantID: String, idpID: String, id: String, identity: [String: JSONValue]) async throws -> Bool {
        try await storage.write { database in
            guard try await database.raw(
                "SELECT id FROM users WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND id = \(bind: id)"
            ).first() != nil else { return false }
            try await database.raw(
                "UPDATE users SET identity = \(bind: JSONValue.object(identity).encodedString()) WHERE id = \(bind: id)"
            ).run()
            return true
        }
    }
}
