import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore

extension SQLDirectoryStore {
    /// Applies the application's edit to a group of an IdP whose `groupsEditable` is on (409 otherwise), with its
    /// `group.updated` event; an edit that changes nothing writes nothing. Returns the group and its member count.
    func editGroup(tenantID: String, id: String, edit: GroupEdit, actor: String) async throws -> (group: GroupRecord, memberCount: Int) {
        let lock = rowLock
        return try await storage.write { database in
            guard
                let old = try await database.raw(
                    "SELECT \(unsafeRaw: Self.groupColumns) FROM groups WHERE tenant_id = \(bind: tenantID) AND id = \(bind: id)\(unsafeRaw: lock)"
                ).first().map(Self.group(from:))
            else { throw ScimError.notFound("Group '\(id)' not found.") }
            let editable = try await database.raw(
                "SELECT groups_editable FROM identity_providers WHERE tenant_id = \(bind: tenantID) AND id = \(bind: old.idpID)"
            ).first()?.decode(column: "groups_editable", as: Bool.self)
            guard editable == true else {
                throw ScimError(
                    status: 409,
                    detail:
                        "Group '\(id)' is managed by identity provider '\(old.idpID)', whose groups cannot be edited here. "
                        + "An admin can allow it: PATCH /admin/v1/tenants/\(tenantID)/idps/\(old.idpID) {\"groupsEditable\": true}."
                )
            }
            let memberCount = try await Self.memberCount(ofGroup: id, in: database)
            var new = old
            new.resource = edit.applied(to: old.resource)
            new.displayName = edit.displayName ?? old.displayName
            guard new.resource != old.resource else { return (old, memberCount) }
            new.version += 1
            new.lastModified = Timestamp.now()
            try await Self.updateDocument(of: new, in: database)
            try await Self.record(
                ActivityEvent(
                    tenantID: tenantID,
                    idpID: old.idpID,
                    actor: actor,
                    action: "group.edited",
                    resourceType: ScimResourceType.group.name,
                    resourceID: id
                ),
                in: database
            )
            if let event = ChangeEvents.groupUpdated(from: old, to: new, memberCount: memberCount) {
                try await ChangeEventOutbox.append([event], tenantID: tenantID, in: database)
            }
            return (new, memberCount)
        }
    }
}
