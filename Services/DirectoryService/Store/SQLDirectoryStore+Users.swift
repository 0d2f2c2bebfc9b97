import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore

extension SQLDirectoryStore {
    static let userColumns =
        "users.id, users.tenant_id, users.idp_id, users.user_name, users.external_id, users.display_name, users.active, users.resource, users.version, users.created, users.last_modified"

    func insertUser(_ user: UserRecord, actor: String) async throws {
        do {
            try await storage.write { database in
                try await database.raw(
                    """
                    INSERT INTO users (id, tenant_id, idp_id, user_name, user_name_lower, external_id, display_name, active,
                                       resource, identity, version, created, last_modified)
                    VALUES (\(bind: user.id), \(bind: user.tenantID), \(bind: user.idpID), \(bind: user.userName), \(bind: user.userName.lowercased()),
                            \(bind: user.externalID), \(bind: user.displayName), \(bind: user.active),
                            \(bind: user.resource.encodedString()), \(bind: JSONValue.object(user.identity).encodedString()),
                            \(bind: user.version), \(bind: user.created), \(bind: user.lastModified))
                    """
                ).run()
                try await Self.insertEmails(of: user, in: database)
                try await Self.record(
                    ActivityEvent(
                        tenantID: user.tenantID,
                        idpID: user.idpID,
                        actor: actor,
                        action: "user.created",
                        resourceType: ScimResourceType.user.name,
                        resourceID: user.id
                    ),
                    in: database
                )
                try await ChangeEventOutbox.append([ChangeEvents.userCreated(user)], tenantID: user.tenantID, in: database)
            }
        } catch  where StorageErrors.isUniqueViolation(error) {
            throw ScimError.uniqueness("A user with userName '\(user.userName)' already exists.")
        } catch  where StorageErrors.isForeignKeyViolation(error) {
            throw ScimError.notFound("Identity provider '\(user.idpID)' of tenant '\(user.tenantID)' not found.")
        }
    }

    func user(tenantID: String, idpID: String, id: String) async throws -> UserRecord? {
        try await lookUpUser(tenantID: tenantID, idpID: idpID, id: id, decode: Self.userWithGroups(from:))
    }

    func userText(tenantID: String, idpID: String, id: String) async throws -> StoredUserText? {
        try await lookUpUser(tenantID: tenantID, idpID: idpID, id: id, decode: Self.userText(from:))
    }

    private func lookUpUser<Row: Sendable>(
        tenantID: String,
        idpID: String,
        id: String,
        decode: @escaping @Sendable (any SQLRow) throws -> Row
    ) async throws -> Row? {
        let columns = userColumnsWithGroups
        return try await storage.lookup { database in
            try await database.raw(
                "SELECT \(unsafeRaw: columns) FROM users WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND id = \(bind: id)"
            ).first().map(decode)
        }
    }

    func replaceUser(_ user: UserRecord, ifMatch: Int?, actor: String) async throws -> Written<UserRecord> {
        do {
            return try await storage.write { database in
                // The row as it was, for the event's `previous`: the same statement that locks it.
                let current = try await database.raw(
                    "SELECT \(unsafeRaw: Self.userColumns), users.identity FROM users WHERE tenant_id = \(bind: user.tenantID) AND idp_id = \(bind: user.idpID) AND id = \(bind: user.id)\(unsafeRaw: rowLock)"
                ).first().map(Self.userWithIdentity(from:))
                let version = try Self.check(version: current?.version, ifMatch: ifMatch, resource: .user, id: user.id)
                var updated = user
                updated.version = version + 1
                updated.created = current?.created ?? user.created
                try await database.raw(
                    """
                    UPDATE users SET user_name = \(bind: updated.userName), user_name_lower = \(bind: updated.userName.lowercased()),
                        external_id = \(bind: updated.externalID), display_name = \(bind: updated.displayName), active = \(bind: updated.active),
                        resource = \(bind: updated.resource.encodedString()), identity = \(bind: JSONValue.object(updated.identity).encodedString()),
                        version = \(bind: updated.version), last_modified = \(bind: updated.lastModified)
                    WHERE id = \(bind: updated.id)
                    """
                ).run()
                try await database.raw("DELETE FROM user_emails WHERE user_id = \(bind: updated.id)").run()
                try await Self.insertEmails(of: updated, in: database)
                try await Self.record(
                    ActivityEvent(
                        tenantID: updated.tenantID,
                        idpID: updated.idpID,
                        actor: actor,
                        action: updated.active ? "user.updated" : "user.updated.inactive",
                        resourceType: ScimResourceType.user.name,
                        resourceID: updated.id
                    ),
                    in: database
                )
                let memberOf = try await database.raw("SELECT \(unsafeRaw: memberOfColumn) FROM users WHERE users.id = \(bind: updated.id)").first()
                updated.groups = try memberOf.map(Self.groups(from:)) ?? []
                var events: [PendingChangeEvent] = []
                if var old = current {
                    old.groups = updated.groups
                    if let event = ChangeEvents.userUpdated(from: old, to: updated) { events.append(event) }
                }
                try await ChangeEventOutbox.append(events, tenantID: updated.tenantID, in: database)
                return Written(record: updated, changedAttributes: ChangeEvents.changedAttributes(events))
            }
        } catch  where StorageErrors.isUniqueViolation(error) {
            throw ScimError.uniqueness("A user with userName '\(user.userName)' already exists.")
        }
    }

    func deleteUser(tenantID: String, idpID: String, id: String, ifMatch: Int?, actor: String) async throws -> [String] {
        try await storage.write { database in
            let current = try await database.raw(
                "SELECT version, user_name FROM users WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND id = \(bind: id)\(unsafeRaw: rowLock)"
            ).first()
            _ = try Self.check(version: try current?.decode(column: "version", as: Int.self), ifMatch: ifMatch, resource: .user, id: id)
            let memberships = try await Self.memberships(of: id, in: database)
            // The groups the user leaves change too: their versions move on.
            try await database.raw(
                """
                UPDATE groups SET version = version + 1, last_modified = \(bind: Timestamp.now())
                WHERE id IN (SELECT group_id FROM group_members WHERE member_id = \(bind: id))
                """
            ).run()
            try await database.raw("DELETE FROM group_members WHERE member_id = \(bind: id)").run()
            try await database.raw("DELETE FROM user_emails WHERE user_id = \(bind: id)").run()
            try await database.raw("DELETE FROM users WHERE id = \(bind: id)").run()
            try await Self.record(
                ActivityEvent(
                    tenantID: tenantID,
                    idpID: idpID,
                    actor: actor,
                    action: "user.deleted",
                    resourceType: ScimResourceType.user.name,
                    resourceID: id
                ),
                in: database
            )
            let userName = try current?.decode(column: "user_name", as: String.self)
            try await ChangeEventOutbox.append(
                ChangeEvents.removals(memberships, idpID: idpID) + [ChangeEvents.userDeleted(id: id, idpID: idpID, userName: userName)],
                tenantID: tenantID,
                in: database
            )
            return ChangeEvents.deletedAttributes(.user, membershipsRemoved: !memberships.isEmpty)
        }
    }

    func listUsers(tenantID: String, idpID: String, query: ListQuery) async throws -> ListResult<UserRecord> {
        try await listUsers(tenantID: tenantID, idpID: idpID, query: query, decode: Self.userWithGroups(from:))
    }

    func listUserTexts(tenantID: String, idpID: String, query: ListQuery) async throws -> ListResult<StoredUserText> {
        try await listUsers(tenantID: tenantID, idpID: idpID, query: query, decode: Self.userText(from:))
    }

    private func listUsers<Row: Sendable>(
        tenantID: String,
        idpID: String,
        query: ListQuery,
        decode: @escaping @Sendable (any SQLRow) throws -> Row
    ) async throws -> ListResult<Row> {
        let columns = userColumnsWithGroups
        let body: @Sendable (any SQLDatabase) async throws -> ListResult<Row> = { database in
            try await Self.list(table: "users", columns: columns, tenantID: tenantID, idpID: idpID, query: query, in: database, decode: decode)
        }
        return try await query.isUniqueMatch ? storage.lookup(body) : storage.read(body)
    }

    /// A user's groups as one JSON array of `[id, displayName]` pairs in display-name order, read in the user's own
    /// row (`member_of`): a user read or a page of users is one statement — on PostgreSQL, one round trip, not two.
    static func memberOf(_ engine: SQLEngine) -> String {
        let pairs =
            engine == .postgres
            ? "json_agg(json_build_array(g.id, g.display_name) ORDER BY g.display_name_lower, g.id)::text"
            : "json_group_array(json_array(g.id, g.display_name) ORDER BY g.display_name_lower, g.id)"
        return "(SELECT \(pairs) FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.member_id = users.id) AS member_of"
    }
    private static let memberOfSQLite = memberOf(.sqlite)
    private static let memberOfPostgres = memberOf(.postgres)
    private static let userColumnsWithGroupsSQLite = userColumns + ", " + memberOfSQLite
    private static let userColumnsWithGroupsPostgres = userColumns + ", " + memberOfPostgres

    /// ``userColumns`` and `member_of`.
    var userColumnsWithGroups: String { storage.engine == .postgres ? Self.userColumnsWithGroupsPostgres : Self.userColumnsWithGroupsSQLite }
    /// The `member_of` column alone.
    var memberOfColumn: String { storage.engine == .postgres ? Self.memberOfPostgres : Self.memberOfSQLite }

    /// A row of ``userColumnsWithGroups``.
    static func userWithGroups(from row: any SQLRow) throws -> UserRecord {
        var user = try user(from: row)
        user.groups = try groups(from: row)
        return user
    }

    /// A row of ``userColumnsWithGroups`` with its document left as text.
    static func userText(from row: any SQLRow) throws -> StoredUserText {
        StoredUserText(
            id: try row.decode(column: "id", as: String.self),
            resourceText: try row.decode(column: "resource", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            created: try row.decode(column: "created", as: String.self),
            lastModified: try row.decode(column: "last_modified", as: String.self),
            groups: try groups(from: row)
        )
    }

    /// The `member_of` column of a row.
    static func groups(from row: any SQLRow) throws -> [GroupReference] {
        // PostgreSQL's json_agg of no rows is NULL; SQLite's json_group_array is `[]`.
        guard let text = try row.decode(column: "member_of", as: String?.self) else { return [] }
        guard case .array(let pairs)? = try? JSONValue.decode(text) else { throw ScimError.internalError("Stored group references are unreadable.") }
        return try pairs.map { pair in
            guard case .array(let fields) = pair, fields.count == 2, let id = fields[0].stringValue, let displayName = fields[1].stringValue else {
                throw ScimError.internalError("Stored group references are unreadable.")
            }
            return GroupReference(id: id, displayName: displayName)
        }
    }

    // MARK: Helpers

    static func insertEmails(of user: UserRecord, in database: any SQLDatabase) async throws {
        for email in user.emails {
            try await database.raw(
                """
                INSERT INTO user_emails (user_id, tenant_id, idp_id, value_lower, type, is_primary)
                VALUES (\(bind: user.id), \(bind: user.tenantID), \(bind: user.idpID), \(bind: email.value.lowercased()), \(bind: email.type), \(bind: email.primary))
                """
            ).run()
        }
    }

    /// A row of ``userColumns`` and `identity`.
    static func userWithIdentity(from row: any SQLRow) throws -> UserRecord {
        var user = try user(from: row)
        user.identity = try json(row, "identity").objectValue ?? [:]
        return user
    }

    static func user(from row: any SQLRow) throws -> UserRecord {
        UserRecord(
            id: try row.decode(column: "id", as: String.self),
            tenantID: try row.decode(column: "tenant_id", as: String.self),
            idpID: try row.decode(column: "idp_id", as: String.self),
            userName: try row.decode(column: "user_name", as: String.self),
            externalID: try row.decode(column: "external_id", as: String?.self),
            displayName: try row.decode(column: "display_name", as: String?.self),
            active: try row.decode(column: "active", as: Bool.self),
            emails: [],
            resource: try json(row, "resource"),
            identity: [:],  // not read with the representation: userIdentity(tenantID:idpID:id:)
            version: try row.decode(column: "version", as: Int.self),
            created: try row.decode(column: "created", as: String.self),
            lastModified: try row.decode(column: "last_modified", as: String.self)
        )
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
