import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore

/// The read API's users: one statement per page, tenant-wide unless `idp` narrows it.
extension SQLDirectoryStore {
    func applicationUsers(tenantID: String, _ query: ApplicationUserQuery) async throws -> ApplicationPageResult<UserRecord> {
        let statement = Self.applicationUsersStatement(tenantID: tenantID, query, engine: storage.engine)
        let limit = query.page.limit
        let order = query.order
        let sortsHere = Self.sortsMatchesInMemory(query)
        let body: @Sendable (any SQLDatabase) async throws -> ApplicationPageResult<UserRecord> = { database in
            let rows = try await database.raw(statement).all()
            var users: [UserRecord] = []
            users.reserveCapacity(min(rows.count, limit + 1))
            for row in sortsHere ? rows[...] : rows.prefix(limit + 1) { users.append(try Self.applicationUser(from: row)) }
            if sortsHere { users.sort { Self.precedes($0, $1, order: order) } }
            let page = Array(users.prefix(limit))
            guard users.count > limit, let last = page.last else { return ApplicationPageResult(rows: page, next: nil) }
            let key = order == .updated ? last.lastModified : last.created
            return ApplicationPageResult(rows: page, next: ApplicationCursor(order: order, key: key, id: last.id))
        }
        // A userName names at most one user per identity provider: a lookup, as SCIM's `userName eq` is.
        return try await query.userName != nil ? storage.lookup(body) : storage.read(body)
    }

    func applicationUser(tenantID: String, id: String) async throws -> UserRecord? {
        let columns = applicationUserColumns
        return try await storage.lookup { database in
            try await database.raw(
                "SELECT \(unsafeRaw: columns) FROM users WHERE users.id = \(bind: id) AND users.tenant_id = \(bind: tenantID)"
            ).first().map(Self.applicationUser(from:))
        }
    }

    /// A `userName` matches at most one user per identity provider of the tenant, so its matches are read whole and
    /// put in order here: SQLite's sorter, which copies each row with its document, cost more than the lookup itself
    /// (three times the statement's time in a measurement).
    static func sortsMatchesInMemory(_ query: ApplicationUserQuery) -> Bool { query.userName != nil }

    /// The page order, `(key, id)` compared as bytes as SQLite's `BINARY` collation does.
    static func precedes(_ first: UserRecord, _ second: UserRecord, order: ApplicationCursor.Order) -> Bool {
        let (a, b) = order == .updated ? (first.lastModified, second.lastModified) : (first.created, second.created)
        if a != b { return a.utf8.lexicographicallyPrecedes(b.utf8) }
        return first.id.utf8.lexicographicallyPrecedes(second.id.utf8)
    }

    /// ``userColumnsWithGroups`` and the identity attributes.
    var applicationUserColumns: String {
        storage.engine == .postgres ? Self.applicationUserColumnsPostgres : Self.applicationUserColumnsSQLite
    }

    /// A row of ``applicationUserColumns``.
    static func applicationUser(from row: any SQLRow) throws -> UserRecord {
        var user = try userWithGroups(from: row)
        user.identity = try json(row, "identity").objectValue ?? [:]
        return user
    }

    /// The index a page of users is read through, by the most selective filter given: a user name or an external
    /// id (migration 1's indexes, searched once per identity provider of the tenant), an email address (the
    /// primary key, for the ids `user_emails_value` finds; each a handful of rows, sorted after), else the order's
    /// own index (`updatedSince`: last change; `active=false`: the inactive users' partial index; an identity
    /// provider's; the tenant's), which the keyset walks from the cursor on. `active=true` walks the order's index
    /// and skips the inactive users, a few in a directory's normal state. SQLite is told the index (`INDEXED BY`):
    /// without statistics its planner prefers walking the order's index even past an equality on an indexed column.
    /// PostgreSQL plans from its statistics.
    static func applicationUsersIndex(_ query: ApplicationUserQuery) -> String {
        if query.userName != nil { return "users_user_name" }
        if query.externalID != nil { return "users_external_id" }
        if query.email != nil { return "sqlite_autoindex_users_1" }  // the primary key, for the ids user_emails finds
        if query.updatedSince != nil { return "users_tenant_modified" }
        if query.active == false { return "users_tenant_inactive" }
        if query.idp != nil { return "users_listing" }
        return "users_tenant_listing"
    }

    /// The page's statement: the filters, the keyset position after the cursor, the order, `LIMIT limit + 1` (the
    /// extra row tells whether there is a next page).
    static func applicationUsersStatement(tenantID: String, _ query: ApplicationUserQuery, engine: SQLEngine) -> SQLQueryString {
        let columns = engine == .postgres ? applicationUserColumnsPostgres : applicationUserColumnsSQLite
        let indexed = engine == .sqlite ? " INDEXED BY \(applicationUsersIndex(query))" : ""
        var statement: SQLQueryString = "SELECT \(unsafeRaw: columns) FROM users\(unsafeRaw: indexed) WHERE users.tenant_id = \(bind: tenantID)"
        if let idp = query.idp {
            statement.appendInterpolation(" AND users.idp_id = \(bind: idp)" as SQLQueryString)
        } else if query.userName != nil || query.externalID != nil {
            // The IdP-led index, searched once per identity provider of the tenant.
            statement.appendInterpolation(
                " AND users.idp_id IN (SELECT id FROM identity_providers WHERE identity_providers.tenant_id = \(bind: tenantID))"
                    as SQLQueryString
            )
        }
        if let userName = query.userName {
            statement.appendInterpolation(" AND users.user_name_lower = \(bind: userName.lowercased())" as SQLQueryString)
        }
        if let externalID = query.externalID { statement.appendInterpolation(" AND users.external_id = \(bind: externalID)" as SQLQueryString) }
        if let email = query.email {
            statement.appendInterpolation(
                " AND users.id IN (SELECT user_id FROM user_emails WHERE value_lower = \(bind: email.lowercased()) AND tenant_id = \(bind: tenantID))"
                    as SQLQueryString
            )
        }
        // Written out, not bound: the planners use the partial index `users_tenant_inactive` only when the statement
        // states its predicate, `NOT active`.
        if let active = query.active { statement.appendLiteral(active ? " AND users.active" : " AND NOT users.active") }
        let key = query.order == .updated ? "users.last_modified" : "users.created"
        // One lower bound on the order's index, so that the search starts there: the cursor's position, or
        // `updatedSince` when there is no cursor or it lies before it (either implies the other).
        if let cursor = query.page.cursor, cursor.key >= (query.updatedSince ?? "") {
            statement.appendInterpolation(" AND (\(unsafeRaw: key), users.id) > (\(bind: cursor.key), \(bind: cursor.id))" as SQLQueryString)
        } else if let since = query.updatedSince {
            statement.appendInterpolation(" AND users.last_modified >= \(bind: since)" as SQLQueryString)
        }
        // LIMIT as a number, as the SCIM lists write it (SQLDirectoryStore+Listing).
        if !sortsMatchesInMemory(query) { statement.appendLiteral(" ORDER BY \(key), users.id LIMIT \(query.page.limit + 1)") }
        return statement
    }

    private static let applicationUserColumnsSQLite = userColumns + ", " + memberOf(.sqlite) + ", users.identity"
    private static let applicationUserColumnsPostgres = userColumns + ", " + memberOf(.postgres) + ", users.identity"
}
