import InternalAPI
import Logging
import Persistence
import SQLKit
import ServiceTestSupport
import Testing

@testable import DirectoryService

/// Every filter of the read API is served through an index: SQLite's plan of each statement, on the migrated
/// schema, searches an index and never scans a table or walks a whole index (`SCAN`).
@Suite struct ApplicationReadQueryPlanTests {
    static let cursor = ApplicationCursor(order: .created, key: "2026-01-01T00:00:00.000Z", id: "u1")
    static let updatedCursor = ApplicationCursor(order: .updated, key: "2026-01-01T00:00:00.000Z", id: "u1")
    static let since = "2026-01-01T00:00:00.000Z"

    static let providers = "sqlite_autoindex_identity_providers_1 (tenant_id=?)"

    /// Each user query with the indexes it must search: a user name or an external id in migration 1's IdP-led
    /// index once per identity provider of the tenant, an email through `user_emails_value`, `active=false` in the
    /// inactive users' partial index, `active=true` along the order's index.
    static let userQueries: [(ApplicationUserQuery, [String])] = [
        (ApplicationUserQuery(), ["users_tenant_listing (tenant_id=?)"]),
        (ApplicationUserQuery(page: ApplicationPage(cursor: cursor)), ["users_tenant_listing (tenant_id=? AND (created,id)>(?,?))"]),
        (
            ApplicationUserQuery(idp: "okta", page: ApplicationPage(cursor: cursor)),
            ["users_listing (tenant_id=? AND idp_id=? AND (created,id)>(?,?))"]
        ),
        (ApplicationUserQuery(userName: "ada"), ["users_user_name (tenant_id=? AND idp_id=? AND user_name_lower=?)", providers]),
        (ApplicationUserQuery(idp: "okta", userName: "ada", active: true), ["users_user_name (tenant_id=? AND idp_id=? AND user_name_lower=?)"]),
        (
            ApplicationUserQuery(externalID: "x", page: ApplicationPage(cursor: cursor)),
            ["users_external_id (tenant_id=? AND idp_id=? AND external_id=?)", providers]
        ),
        (ApplicationUserQuery(idp: "okta", externalID: "x"), ["users_external_id (tenant_id=? AND idp_id=? AND external_id=?)"]),
        (ApplicationUserQuery(email: "ada@example.com"), ["sqlite_autoindex_users_1 (id=?)", "user_emails_value (value_lower=?)"]),
        (
            ApplicationUserQuery(active: false, page: ApplicationPage(cursor: cursor)),
            ["users_tenant_inactive (tenant_id=? AND (created,id)>(?,?))"]
        ),
        (ApplicationUserQuery(idp: "okta", active: false), ["users_tenant_inactive (tenant_id=?)"]),
        (ApplicationUserQuery(active: true, page: ApplicationPage(cursor: cursor)), ["users_tenant_listing (tenant_id=? AND (created,id)>(?,?))"]),
        (ApplicationUserQuery(idp: "okta", active: true), ["users_listing (tenant_id=? AND idp_id=?)"]),
        (ApplicationUserQuery(updatedSince: since), ["users_tenant_modified (tenant_id=? AND last_modified>?)"]),
        (
            ApplicationUserQuery(active: true, updatedSince: since, page: ApplicationPage(cursor: updatedCursor)),
            ["users_tenant_modified (tenant_id=? AND (last_modified,id)>(?,?))"]
        ),
    ]

    static let groupQueries: [(ApplicationGroupQuery, String)] = [
        (ApplicationGroupQuery(), "groups_tenant_listing (tenant_id=?)"),
        (ApplicationGroupQuery(page: ApplicationPage(cursor: cursor)), "groups_tenant_listing (tenant_id=? AND (created,id)>(?,?))"),
        (ApplicationGroupQuery(idp: "okta"), "groups_listing (tenant_id=? AND idp_id=?)"),
        (ApplicationGroupQuery(displayName: "Admins"), "groups_tenant_display_name (tenant_id=? AND display_name_lower=?)"),
    ]

    @Test func everyUserFilterSearchesAnIndex() async throws {
        try await withMigratedStorage { storage in
            for (query, indexes) in Self.userQueries {
                let plan = try await Self.plan(SQLDirectoryStore.applicationUsersStatement(tenantID: "acme", query, engine: .sqlite), storage)
                for index in indexes { Self.expectIndexOnly(plan, using: index, "\(query)") }
            }
        }
    }

    /// Each index on `users` makes every user write dearer (the initial sync's budget): the read API adds two, and
    /// a partial one that only inactive users pay for.
    @Test func usersCarryOnlyTheIndexesTheyNeed() async throws {
        try await withMigratedStorage { storage in
            let indexes = try await storage.read { database in
                try await database.raw(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('users', 'user_emails') ORDER BY name"
                ).all().map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "sql", as: String?.self)) }
            }
            #expect(
                indexes.map(\.0) == [
                    "sqlite_autoindex_users_1", "user_emails_user", "user_emails_value", "users_external_id", "users_listing",
                    "users_tenant_inactive", "users_tenant_listing", "users_tenant_modified", "users_user_name",
                ]
            )
            #expect(indexes.first { $0.0 == "users_tenant_inactive" }?.1?.hasSuffix("WHERE NOT active") == true)
        }
    }

    @Test func everyGroupFilterAndTheMembersSearchAnIndex() async throws {
        try await withMigratedStorage { storage in
            for (query, index) in Self.groupQueries {
                let plan = try await Self.plan(SQLDirectoryStore.applicationGroupsStatement(tenantID: "acme", query, engine: .sqlite), storage)
                Self.expectIndexOnly(plan, using: index, "\(query)")
            }
            let counts = try await Self.plan(SQLDirectoryStore.memberCountsStatement(["g1", "g2", "g3"]), storage)
            Self.expectIndexOnly(counts, using: "sqlite_autoindex_group_members_1 (group_id=?)", "member counts")
            let members = try await Self.plan(
                SQLDirectoryStore.applicationMembersStatement(
                    groupID: "g1",
                    ApplicationPage(cursor: ApplicationCursor(order: .member, key: "", id: "u1"))
                ),
                storage
            )
            Self.expectIndexOnly(members, using: "sqlite_autoindex_group_members_1 (group_id=? AND member_id>?)", "members")
            #expect(!members.contains { $0.contains("TEMP B-TREE") }, "members come in key order: \(members)")
        }
    }

    /// A page in the order of its index needs no sort: the keyset walks the index and stops after `limit + 1`.
    @Test func listsInIndexOrderAreNotSorted() async throws {
        try await withMigratedStorage { storage in
            for query in [
                ApplicationUserQuery(), ApplicationUserQuery(idp: "okta"), ApplicationUserQuery(active: false),
                ApplicationUserQuery(active: true), ApplicationUserQuery(idp: "okta", active: false),
                ApplicationUserQuery(updatedSince: Self.since),
            ] {
                let plan = try await Self.plan(SQLDirectoryStore.applicationUsersStatement(tenantID: "acme", query, engine: .sqlite), storage)
                #expect(!plan.contains { $0.contains("TEMP B-TREE FOR ORDER BY") }, "\(query): \(plan)")
            }
        }
    }

    static func expectIndexOnly(_ plan: [String], using index: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            plan.contains { $0.contains("USING INDEX \(index)") || $0.contains("USING COVERING INDEX \(index)") },
            "\(what): \(plan)",
            sourceLocation: sourceLocation
        )
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(what) scans: \(plan)", sourceLocation: sourceLocation)
    }

    static func plan(_ statement: SQLQueryString, _ storage: SQLiteStorage) async throws -> [String] {
        var explain = SQLQueryString("EXPLAIN QUERY PLAN ")
        explain.appendInterpolation(statement)
        let query = explain
        return try await storage.read { database in
            try await database.raw(query).all().map { try $0.decode(column: "detail", as: String.self) }
        }
    }

    func withMigratedStorage(_ body: (SQLiteStorage) async throws -> Void) async throws {
        let storage = try await SQLiteStorage.open(path: ":memory:", logger: .discarding)
        try await Migrator(DirectoryMigrations.all).migrate(storage, logger: .discarding)
        do {
            try await body(storage)
        } catch {
            await storage.close()
            throw error
        }
        await storage.close()
    }
}
