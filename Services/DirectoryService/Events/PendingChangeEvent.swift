import InternalAPI
import ScimCore

/// An event a write has yet to append (``ChangeEventOutbox``): what changed, before its sequence number, id and
/// time are given to it in the write's transaction.
struct PendingChangeEvent: Sendable, Hashable {
    var type: ChangeEventType
    var idpID: String?
    /// The resource in the application API's shape (``ApplicationShapes``).
    var data: JSONValue
    /// For updates: the changed top-level attributes' former values.
    var previous: JSONValue?
}

/// The events of each kind of write, with `data` in the application API's shape.
enum ChangeEvents {
    /// Attributes of the shapes that move with every write and so are no change by themselves.
    static let bookkeeping: Set<String> = ["updatedAt", "version", "memberCount"]

    static func userCreated(_ user: UserRecord) -> PendingChangeEvent {
        PendingChangeEvent(type: .userCreated, idpID: user.idpID, data: ApplicationShapes.user(user, groups: user.groups))
    }

    /// `user.updated`, or `user.deactivated` / `user.reactivated` when `active` flipped; nil when nothing an
    /// application sees changed.
    static func userUpdated(from old: UserRecord, to new: UserRecord) -> PendingChangeEvent? {
        let before = ApplicationShapes.user(old, groups: old.groups)
        let after = ApplicationShapes.user(new, groups: new.groups)
        guard let previous = previous(from: before, to: after) else { return nil }
        let type: ChangeEventType =
            old.active == new.active ? .userUpdated : new.active ? .userReactivated : .userDeactivated
        return PendingChangeEvent(type: type, idpID: new.idpID, data: after, previous: previous)
    }

    static func userDeleted(id: String, idpID: String, userName: String?) -> PendingChangeEvent {
        var data: [String: JSONValue] = ["id": .string(id), "idp": .string(idpID)]
        if let userName { data["userName"] = .string(userName) }
        return PendingChangeEvent(type: .userDeleted, idpID: idpID, data: .object(data))
    }

    static func groupCreated(_ group: GroupRecord, memberCount: Int) -> PendingChangeEvent {
        PendingChangeEvent(type: .groupCreated, idpID: group.idpID, data: ApplicationShapes.group(group, memberCount: memberCount))
    }

    /// nil when the group's own attributes did not change (membership changes are member events).
    static func groupUpdated(from old: GroupRecord, to new: GroupRecord, memberCount: Int) -> PendingChangeEvent? {
        let after = ApplicationShapes.group(new, memberCount: memberCount)
        guard let previous = previous(from: ApplicationShapes.group(old, memberCount: memberCount), to: after) else { return nil }
        return PendingChangeEvent(type: .groupUpdated, idpID: new.idpID, data: after, previous: previous)
    }

    static func groupDeleted(id: String, idpID: String, displayName: String?) -> PendingChangeEvent {
        var data: [String: JSONValue] = ["id": .string(id), "idp": .string(idpID)]
        if let displayName { data["displayName"] = .string(displayName) }
        return PendingChangeEvent(type: .groupDeleted, idpID: idpID, data: .object(data))
    }

    /// One event per member: `{"group": {id, displayName}, "member": {id, type, display}}`.
    static func members(
        _ type: ChangeEventType,
        _ rows: [MemberRow],
        group: GroupReference,
        idpID: String
    ) -> [PendingChangeEvent] {
        let groupReference = ApplicationShapes.groupReference(group)
        return rows.map { row in
            PendingChangeEvent(type: type, idpID: idpID, data: ["group": groupReference, "member": ApplicationShapes.member(row)])
        }
    }

    static func idpCreated(_ idp: IdentityProvider) -> PendingChangeEvent {
        PendingChangeEvent(type: .idpCreated, idpID: idp.id, data: ApplicationShapes.identityProvider(idp))
    }

    /// The IdP's users and groups went with it: an application drops everything of this `idp`.
    static func idpDeleted(id: String, name: String?) -> PendingChangeEvent {
        var data: [String: JSONValue] = ["id": .string(id)]
        if let name { data["name"] = .string(name) }
        return PendingChangeEvent(type: .idpDeleted, idpID: id, data: .object(data))
    }

    /// The former values of the top-level attributes that differ (outside ``bookkeeping``; an attribute that
    /// appeared is `null`), or nil when none do.
    static func previous(from old: JSONValue, to new: JSONValue) -> JSONValue? {
        let before = old.objectValue ?? [:]
        let after = new.objectValue ?? [:]
        var changed: [String: JSONValue] = [:]
        for key in Set(before.keys).union(after.keys) where !bookkeeping.contains(key) && before[key] != after[key] {
            changed[key] = before[key] ?? .null
        }
        return changed.isEmpty ? nil : .object(changed)
    }
}
