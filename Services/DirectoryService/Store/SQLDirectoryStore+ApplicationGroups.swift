import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore

/// The read API's groups, with member counts, and a group's members page by page.
extension SQLDirectoryStore {
    func applicationGroups(tenantID: String, _ query: ApplicationGroupQuery) async throws -> ApplicationPageResult<CountedGroup> {
        let statement = Self.applicationGroupsStatement(tenantID: tenantID, query, engine: storage.engine)
        let limit = query.page.limit
        return try await storage.read { database in
            let rows = try await database.raw(statement).all()
            let groups = try rows.prefix(limit).map(Self.group(from:))
            let counts = try await Self.memberCounts(of: groups.map(\.id), in: database)
            let counted = groups.map { CountedGroup(group: $0, memberCount: counts[$0.id] ?? 0) }
            guard rows.count > limit, let last = groups.last else { return ApplicationPageResult(rows: counted, next: nil) }
            return ApplicationPageResult(rows: counted, next: ApplicationCursor(order: .created, key: last.created, id: last.id))
        }
    }

    func applicationGroup(tenantID: String, id: String) async throws -> CountedGroup? {
        try await storage.read { database in
            guard
                let group = try await database.raw(
                    "SELECT \(unsafeRaw: Self.groupColumns) FROM groups WHERE groups.id = \(bind: id) AND groups.tenant_id = \(bind: tenantID)"
                ).first().map(Self.group(from:))
            else { return nil }
            return CountedGroup(group: group, memberCount: try await Self.memberCounts(of: [id], in: database)[id] ?? 0)
        }
    }

    func applicationMembers(tenantID: String, groupID: String, _ page: ApplicationPage) async throws -> ApplicationPageResult<MemberRow>? {
        let statement = Self.applicationMembersStatement(groupID: groupID, page)
        return try await storage.read { database in
            guard
                try await database.raw("SELECT id FROM groups WHERE id = \(bind: groupID) AND tenant_id = \(bind: tenantID)").first() != nil
            else { return nil }
            let rows = try await database.raw(statement).all()
            let members = try rows.prefix(page.limit).map { row in
                MemberRow(
                    value: try row.decode(column: "member_id", as: String.self),
                    type: try row.decode(column: "member_type", as: String.self),
                    display: try row.decode(column: "display", as: String?.self)
                )
            }
            guard rows.count > page.limit, let last = members.last else { return ApplicationPageResult(rows: members, next: nil) }
            return ApplicationPageResult(rows: members, next: ApplicationCursor(order: .member, key: "", id: last.value))
        }
    }

    /// The members of each group, in one grouped statement over `group_members`' primary key.
    static func memberCounts(of groupIDs: [String], in database: any SQLDatabase) async throws -> [String: Int] {
        guard !groupIDs.isEmpty else { return [:] }
        var counts: [String: Int] = [:]
        for row in try await database.raw(memberCountsStatement(groupIDs)).all() {
            counts[try row.decode(column: "group_id", as: String.self)] = try row.decode(column: "members", as: Int.self)
        }
        return counts
    }

    static func memberCountsStatement(_ groupIDs: [String]) -> SQLQueryString {
        "SELECT group_id, COUNT(*) AS members FROM group_members WHERE group_id IN (\(binds: groupIDs)) GROUP BY group_id"
    }

    /// The index a page of groups is read through (SQLite is told it, as for users): the display name's, else an
    /// identity provider's listing, else the tenant's.
    static func applicationGroupsIndex(_ query: ApplicationGroupQuery) -> String {
        if query.displayName != nil { return "groups_tenant_display_name" }
        if query.idp != nil { return "groups_listing" }
        return "groups_tenant_listing"
    }

    static func applicationGroupsStatement(tenantID: String, _ query: ApplicationGroupQuery, engine: SQLEngine) -> SQLQueryString {
        let indexed = engine == .sqlite ? " INDEXED BY \(applicationGroupsIndex(query))" : ""
        var statement: SQLQueryString =
            "SELECT \(unsafeRaw: groupColumns) FROM groups\(unsafeRaw: indexed) WHERE groups.tenant_id = \(bind: tenantID)"
        if let idp = query.idp { statement.appendInterpolation(" AND groups.idp_id = \(bind: idp)" as SQLQueryString) }
        if let displayName = query.displayName {
            statement.appendInterpolation(" AND groups.display_name_lower = \(bind: displayName.lowercased())" as SQLQueryString)
        }
        if let cursor = query.page.cursor {
            statement.appendInterpolation(" AND (groups.created, groups.id) > (\(bind: cursor.key), \(bind: cursor.id))" as SQLQueryString)
        }
        statement.appendLiteral(" ORDER BY groups.created, groups.id LIMIT \(query.page.limit + 1)")
        return statement
    }

    /// A page of members on `group_members`' primary key `(group_id, member_id)`.
    static func applicationMembersStatement(groupID: String, _ page: ApplicationPage) -> SQLQueryString {
        var statement: SQLQueryString = "SELECT member_id, member_type, display FROM group_members WHERE group_id = \(bind: groupID)"
        if let cursor = page.cursor { statement.appendInterpolation(" AND member_id > \(bind: cursor.id)" as SQLQueryString) }
        statement.appendLiteral(" ORDER BY member_id LIMIT \(page.limit + 1)")
        return statement
    }
}
