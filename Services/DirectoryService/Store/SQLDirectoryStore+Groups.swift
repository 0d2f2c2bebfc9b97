import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore
import ScimFilter
import ScimPatch

extension SQLDirectoryStore {
    static let groupColumns =
        "groups.id, groups.tenant_id, groups.idp_id, groups.display_name, groups.external_id, groups.resource, groups.version, groups.created, groups.last_modified"

    func insertGroup(_ group: GroupRecord, members: [MemberReference], actor: String) async throws -> GroupRecord {
        do {
            return try await storage.write { database in
                try await database.raw(
                    """
                    INSERT INTO groups (id, tenant_id, idp_id, display_name, display_name_lower, external_id, resource, version, created, last_modified)
                    VALUES (\(bind: group.id), \(bind: group.tenantID), \(bind: group.idpID), \(bind: group.displayName), \(bind: group.displayName.lowercased()),
                            \(bind: group.externalID), \(bind: group.resource.encodedString()), \(bind: group.version), \(bind: group.created), \(bind: group.lastModified))
                    """
                ).run()
                let added = try await Self.addMembers(members, to: group, in: database)
                try await Self.record(
                    ActivityEvent(
                        tenantID: group.tenantID,
                        idpID: group.idpID,
                        actor: actor,
                        action: "group.created",
                        resourceType: ScimResourceType.group.name,
                        resourceID: group.id,
                        detail: "members=\(added.count)"
                    ),
                    in: database
                )
                var created = group
                created.members = try await Self.members(ofGroup: group.id, in: database)
                let reference = GroupReference(id: group.id, displayName: group.displayName)
                try await ChangeEventOutbox.append(
                    [ChangeEvents.groupCreated(group, memberCount: added.count)]
                        + ChangeEvents.members(.groupMemberAdded, added, group: reference, idpID: group.idpID),
                    tenantID: group.tenantID,
                    in: database
                )
                return created
            }
        } catch  where StorageErrors.isForeignKeyViolation(error) {
            throw ScimError.notFound("Identity provider '\(group.idpID)' of tenant '\(group.tenantID)' not found.")
        }
    }

    func group(tenantID: String, idpID: String, id: String, includeMembers: Bool) async throws -> GroupRecord? {
        // Without members it is one row by its key; a member list can be tens of thousands of rows.
        let body: @Sendable (any SQLDatabase) async throws -> GroupRecord? = { database in
            guard
                var group = try await database.raw(
                    "SELECT \(unsafeRaw: Self.groupColumns) FROM groups WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND id = \(bind: id)"
                ).first().map(Self.group(from:))
            else { return nil }
            if includeMembers { group.members = try await Self.members(ofGroup: id, in: database) }
            return group
        }
        return try await includeMembers ? storage.read(body) : storage.lookup(body)
    }

    func replaceGroup(_ group: GroupRecord, members: [MemberReference], ifMatch: Int?, actor: String) async throws -> Written<GroupRecord> {
        try await storage.write { database in
            // The row as it was, for the event's `previous`: the same statement that locks it.
            let current = try await database.raw(
                "SELECT \(unsafeRaw: Self.groupColumns) FROM groups WHERE tenant_id = \(bind: group.tenantID) AND idp_id = \(bind: group.idpID) AND id = \(bind: group.id)\(unsafeRaw: rowLock)"
            ).first().map(Self.group(from:))
            let version = try Self.check(version: current?.version, ifMatch: ifMatch, resource: .group, id: group.id)
            var updated = group
            updated.version = version + 1
            updated.created = current?.created ?? group.created
            try await Self.updateDocument(of: updated, in: database)
            var changes = MembershipChanges()
            changes.removed(try await Self.removeAllMembers(from: group.id, in: database))
            let added = try await Self.addMembers(members, to: updated, in: database)
            changes.added(added)
            try await Self.record(
                ActivityEvent(
                    tenantID: group.tenantID,
                    idpID: group.idpID,
                    actor: actor,
                    action: "group.replaced",
                    resourceType: ScimResourceType.group.name,
                    resourceID: group.id,
                    detail: "members=\(added.count)"
                ),
                in: database
            )
            let members = try await Self.members(ofGroup: group.id, in: database)
            updated.members = members
            var events: [PendingChangeEvent] = []
            if let current, let event = ChangeEvents.groupUpdated(from: current, to: updated, memberCount: members.count) {
                events.append(event)
            }
            events += changes.events(group: GroupReference(id: updated.id, displayName: updated.displayName), idpID: updated.idpID)
            try await ChangeEventOutbox.append(events, tenantID: updated.tenantID, in: database)
            return Written(record: updated, changedAttributes: ChangeEvents.changedAttributes(events))
        }
    }

    func patchGroup(
        tenantID: String,
        idpID: String,
        id: String,
        ifMatch: Int?,
        includeMembers: Bool,
        actor: String,
        mutation: @escaping GroupMutation
    ) async throws -> Written<GroupRecord> {
        try await storage.write { database in
            guard
                var group = try await database.raw(
                    "SELECT \(unsafeRaw: Self.groupColumns) FROM groups WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND id = \(bind: id)\(unsafeRaw: rowLock)"
                ).first().map(Self.group(from:))
            else {
                throw ScimError.notFound("Group '\(id)' not found.")
            }
            _ = try Self.check(version: group.version, ifMatch: ifMatch, resource: .group, id: id)
            // The engine sees the `id` so that a client repeating it (Okta sends it with every rename) is no change.
            var document = group.resource
            if case .object(var members) = document {
                members["id"] = .string(group.id)
                document = .object(members)
            }
            let result = try mutation(document)
            let original = group
            var added = 0
            var removed = 0
            var changes = MembershipChanges()
            func remove(_ rows: [MemberRow]) {
                removed += rows.count
                changes.removed(rows)
            }
            func add(_ rows: [MemberRow]) {
                added += rows.count
                changes.added(rows)
            }
            for change in result.membershipChanges {
                switch change {
                case .add(let references):
                    add(try await Self.addMembers(references, to: group, in: database))
                case .remove(let ids):
                    remove(try await Self.removeMembers(ids, from: id, in: database))
                case .removeAll:
                    remove(try await Self.removeAllMembers(from: id, in: database))
                case .replaceAll(let references):
                    remove(try await Self.removeAllMembers(from: id, in: database))
                    add(try await Self.addMembers(references, to: group, in: database))
                case .removeMatching(let filter):
                    let evaluator = FilterEvaluator(registry: .standard, resourceType: .group)
                    let matching = try await Self.members(ofGroup: id, in: database).filter { member in
                        evaluator.matches(filter, element: Self.memberJSON(member), of: AttributePath(attribute: "members"))
                    }
                    remove(try await Self.removeMembers(matching.map(\.value), from: id, in: database))
                }
            }
            let fields = try GroupDocument.fields(of: result.resource)
            let documentChanged = fields.resource != group.resource
            if documentChanged || added > 0 || removed > 0 {
                let document = fields
                group.resource = document.resource
                group.displayName = document.displayName
                group.externalID = document.externalID
                group.version += 1
                group.lastModified = Timestamp.now()
                try await Self.updateDocument(of: group, in: database)
                try await Self.record(
                    ActivityEvent(
                        tenantID: tenantID,
                        idpID: idpID,
                        actor: actor,
                        action: "group.patched",
                        resourceType: ScimResourceType.group.name,
                        resourceID: id,
                        detail: "added=\(added) removed=\(removed)\(documentChanged ? " attributes" : "")"
                    ),
                    in: database
                )
            }
            if includeMembers { group.members = try await Self.members(ofGroup: id, in: database) }
            var events: [PendingChangeEvent] = []
            if documentChanged {
                var count = group.members?.count ?? 0
                if group.members == nil { count = try await Self.memberCount(ofGroup: id, in: database) }
                if let event = ChangeEvents.groupUpdated(from: original, to: group, memberCount: count) { events.append(event) }
            }
            events += changes.events(group: GroupReference(id: group.id, displayName: group.displayName), idpID: idpID)
            try await ChangeEventOutbox.append(events, tenantID: tenantID, in: database)
            return Written(record: group, changedAttributes: ChangeEvents.changedAttributes(events))
        }
    }

    func deleteGroup(tenantID: String, idpID: String, id: String, ifMatch: Int?, actor: String) async throws -> [String] {
        try await storage.write { database in
            let current = try await database.raw(
                "SELECT version, display_name FROM groups WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND id = \(bind: id)\(unsafeRaw: rowLock)"
            ).first()
            _ = try Self.check(version: try current?.decode(column: "version", as: Int.self), ifMatch: ifMatch, resource: .group, id: id)
            let memberships = try await Self.memberships(of: id, in: database)
            let hadMembers = current != nil ? try await Self.memberCount(ofGroup: id, in: database) > 0 : false
            try await database.raw("DELETE FROM group_members WHERE group_id = \(bind: id) OR member_id = \(bind: id)").run()
            try await database.raw("DELETE FROM groups WHERE id = \(bind: id)").run()
            try await Self.record(
                ActivityEvent(
                    tenantID: tenantID,
                    idpID: idpID,
                    actor: actor,
                    action: "group.deleted",
                    resourceType: ScimResourceType.group.name,
                    resourceID: id
                ),
                in: database
            )
            let displayName = try current?.decode(column: "display_name", as: String.self)
            try await ChangeEventOutbox.append(
                ChangeEvents.removals(memberships, idpID: idpID) + [ChangeEvents.groupDeleted(id: id, idpID: idpID, displayName: displayName)],
                tenantID: tenantID,
                in: database
            )
            return ChangeEvents.deletedAttributes(.group, membershipsRemoved: hadMembers)
        }
    }

    func listGroups(tenantID: String, idpID: String, query: ListQuery) async throws -> ListResult<GroupRecord> {
        let body: @Sendable (any SQLDatabase) async throws -> ListResult<GroupRecord> = { database in
            var result = try await Self.list(
                table: "groups",
                columns: Self.groupColumns,
                tenantID: tenantID,
                idpID: idpID,
                query: query,
                in: database,
                decode: Self.group(from:)
            )
            if query.includeMembers {
                for index in result.records.indices {
                    result.records[index].members = try await Self.members(ofGroup: result.records[index].id, in: database)
                }
            }
            return result
        }
        return try await query.isUniqueMatch && !query.includeMembers ? storage.lookup(body) : storage.read(body)
    }

    // MARK: Membership rows

    /// Inserts the members that are not there yet (adding an existing member is a no-op). Every member must be
    /// a user or group of the same IdP. Returns the rows added.
    static func addMembers(_ references: [MemberReference], to group: GroupRecord, in database: any SQLDatabase) async throws -> [MemberRow] {
        guard !references.isEmpty else { return [] }
        var unique: [String: MemberReference] = [:]
        for reference in references where unique[reference.value] == nil { unique[reference.value] = reference }
        let ids = Array(unique.keys)
        var types: [String: String] = [:]
        // Look the ids up by primary key and check the namespace here: with `tenant_id = ? AND idp_id = ?` in the
        // WHERE clause SQLite's planner walks the IdP's listing index instead (50 ms per 500 ids at 50,000 users).
        for chunk in ids.chunked(into: 500) {
            for (table, type) in [("users", ScimResourceType.user.name), ("groups", ScimResourceType.group.name)] {
                let rows = try await database.raw(
                    "SELECT id, tenant_id, idp_id FROM \(unsafeRaw: table) WHERE id IN (\(binds: Array(chunk)))"
                ).all()
                for row in rows
                where try row.decode(column: "tenant_id", as: String.self) == group.tenantID
                    && row.decode(column: "idp_id", as: String.self) == group.idpID
                {
                    types[try row.decode(column: "id", as: String.self)] = type
                }
            }
        }
        let unknown = ids.filter { types[$0] == nil }.sorted()
        guard unknown.isEmpty else {
            let shown = unknown.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
            throw ScimError.invalidValue(
                "\(unknown.count) member\(unknown.count == 1 ? " is" : "s are") not a user or group of this identity provider: \(shown)\(unknown.count > 10 ? ", …" : "")."
            )
        }
        if types[group.id] != nil {
            throw ScimError.invalidValue("A group cannot be a member of itself.")
        }
        // Multi-row inserts: one statement per 200 members instead of one per member (a 100-member PATCH spent
        // most of its time in per-statement round trips to the database thread).
        var added: [MemberRow] = []
        for chunk in ids.sorted().chunked(into: 200) {
            var rows: [SQLQueryString] = []
            rows.reserveCapacity(chunk.count)
            for id in chunk {
                rows.append("(\(bind: group.id), \(bind: id), \(bind: types[id] ?? ScimResourceType.user.name), \(bind: unique[id]?.display))")
            }
            let inserted = try await database.raw(
                "INSERT INTO group_members (group_id, member_id, member_type, display) VALUES "
                    + rows.joined(separator: ", ") + " ON CONFLICT (group_id, member_id) DO NOTHING RETURNING member_id, member_type, display"
            ).all()
            added += try inserted.map(Self.memberRow(from:))
        }
        return added
    }

    /// Returns the rows removed.
    static func removeMembers(_ ids: [String], from groupID: String, in database: any SQLDatabase) async throws -> [MemberRow] {
        var removed: [MemberRow] = []
        for chunk in Array(Set(ids)).chunked(into: 500) {
            removed += try await database.raw(
                "DELETE FROM group_members WHERE group_id = \(bind: groupID) AND member_id IN (\(binds: Array(chunk))) RETURNING member_id, member_type, display"
            ).all().map(Self.memberRow(from:))
        }
        return removed
    }

    static func removeAllMembers(from groupID: String, in database: any SQLDatabase) async throws -> [MemberRow] {
        try await database.raw(
            "DELETE FROM group_members WHERE group_id = \(bind: groupID) RETURNING member_id, member_type, display"
        ).all().map(Self.memberRow(from:))
    }

    static func memberCount(ofGroup groupID: String, in database: any SQLDatabase) async throws -> Int {
        try await database.raw("SELECT COUNT(*) AS count FROM group_members WHERE group_id = \(bind: groupID)").first()?.decode(
            column: "count",
            as: Int.self
        ) ?? 0
    }

    static func memberRow(from row: any SQLRow) throws -> MemberRow {
        MemberRow(
            value: try row.decode(column: "member_id", as: String.self),
            type: try row.decode(column: "member_type", as: String.self),
            display: try row.decode(column: "display", as: String?.self)
        )
    }

    static func members(ofGroup groupID: String, in database: any SQLDatabase) async throws -> [MemberRow] {
        try await database.raw(
            "SELECT member_id, member_type, display FROM group_members WHERE group_id = \(bind: groupID) ORDER BY member_id"
        ).all().map { row in
            MemberRow(
                value: try row.decode(column: "member_id", as: String.self),
                type: try row.decode(column: "member_type", as: String.self),
                display: try row.decode(column: "display", as: String?.self)
            )
        }
    }

    static func memberJSON(_ member: MemberRow) -> JSONValue {
        var object: [String: JSONValue] = ["value": .string(member.value), "type": .string(member.type)]
        if let display = member.display { object["display"] = .string(display) }
        return .object(object)
    }

    static func updateDocument(of group: GroupRecord, in database: any SQLDatabase) async throws {
        try await database.raw(
            """
            UPDATE groups SET display_name = \(bind: group.displayName), display_name_lower = \(bind: group.displayName.lowercased()),
                external_id = \(bind: group.externalID), resource = \(bind: group.resource.encodedString()),
                version = \(bind: group.version), last_modified = \(bind: group.lastModified)
            WHERE id = \(bind: group.id)
            """
        ).run()
    }

    static func group(from row: any SQLRow) throws -> GroupRecord {
        GroupRecord(
            id: try row.decode(column: "id", as: String.self),
            tenantID: try row.decode(column: "tenant_id", as: String.self),
            idpID: try row.decode(column: "idp_id", as: String.self),
            displayName: try row.decode(column: "display_name", as: String.self),
            externalID: try row.decode(column: "external_id", as: String?.self),
            resource: try json(row, "resource"),
            version: try row.decode(column: "version", as: Int.self),
            created: try row.decode(column: "created", as: String.self),
            lastModified: try row.decode(column: "last_modified", as: String.self),
            members: nil
        )
    }
}
