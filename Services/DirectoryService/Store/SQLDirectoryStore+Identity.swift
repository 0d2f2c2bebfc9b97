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

    /// A re-mapping: a `user.updated` event with the former `identity` when it changed; nothing when it did not.
    func setUserIdentity(tenantID: String, idpID: String, id: String, identity: [String: JSONValue]) async throws -> Bool {
        let lock = rowLock
        let memberOf = memberOfColumn
        return try await storage.write { database in
            guard
                var old = try await database.raw(
                    "SELECT \(unsafeRaw: Self.userColumns), users.identity FROM users WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND id = \(bind: id)\(unsafeRaw: lock)"
                ).first().map(Self.userWithIdentity(from:))
            else { return false }
            guard old.identity != identity else { return true }
            try await database.raw(
                "UPDATE users SET identity = \(bind: JSONValue.object(identity).encodedString()) WHERE id = \(bind: id)"
            ).run()
            old.groups =
                try await database.raw("SELECT \(unsafeRaw: memberOf) FROM users WHERE users.id = \(bind: id)").first().map(Self.groups(from:)) ?? []
            var new = old
            new.identity = identity
            if let event = ChangeEvents.userUpdated(from: old, to: new) {
                try await ChangeEventOutbox.append([event], tenantID: tenantID, in: database)
            }
            return true
        }
    }
}
