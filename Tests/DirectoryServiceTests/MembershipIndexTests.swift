import Logging
import Persistence
import SQLKit
import ServiceTestSupport
import Testing

@testable import DirectoryService

/// The schema as migrated, checked against the statements that rely on it.
@Suite struct MembershipIndexTests {
    /// Every user read carries the user's groups (`member_of`); their ids must come from the membership index
    /// alone, not from a second search of the membership table per group.
    @Test func aUsersGroupsAreFoundInTheMembershipIndexAlone() async throws {
        let storage = try await SQLiteStorage.open(path: ":memory:", logger: .discarding)
        try await Migrator(DirectoryMigrations.all).migrate(storage, logger: .discarding)
        let plan = try await storage.read { database in
            try await database.raw(
                "EXPLAIN QUERY PLAN SELECT users.id, \(unsafeRaw: SQLDirectoryStore.memberOf(.sqlite)) FROM users WHERE users.id = 'u1'"
            ).all().map { try $0.decode(column: "detail", as: String.self) }
        }
        #expect(plan.contains { $0.contains("USING COVERING INDEX group_members_member_group (member_id=?)") }, "\(plan)")
        await storage.close()
    }

    /// A database created before the index existed gets it, and loses the narrower index it replaces, with its
    /// memberships intact.
    @Test func aVersionOneDatabaseIsMigratedWithItsMemberships() async throws {
        let storage = try await SQLiteStorage.open(path: ":memory:", logger: .discarding)
        try await Migrator([DirectoryMigrations.v1]).migrate(storage, logger: .discarding)
        let now = "2026-01-01T00:00:00Z"
        try await storage.write { database in
            try await database.raw("INSERT INTO tenants (id, name, created_at, updated_at) VALUES ('acme', 'Acme', \(bind: now), \(bind: now))").run()
            try await database.raw(
                """
                INSERT INTO identity_providers (tenant_id, id, name, description, provider_type, created_at, updated_at)
                VALUES ('acme', 'okta', 'Okta', '', 'Okta', \(bind: now), \(bind: now))
                """
            ).run()
            try await database.raw(
                """
                INSERT INTO groups (id, tenant_id, idp_id, display_name, display_name_lower, resource, version, created, last_modified)
                VALUES ('g1', 'acme', 'okta', 'Sales', 'sales', '{}', 1, \(bind: now), \(bind: now))
                """
            ).run()
            try await database.raw("INSERT INTO group_members (group_id, member_id, member_type) VALUES ('g1', 'u1', 'User')").run()
        }
        try await Migrator(DirectoryMigrations.all).migrate(storage, logger: .discarding)
        let indexes = try await storage.read { database in
            try await database.raw(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'group_members' AND sql IS NOT NULL ORDER BY name"
            )
            .all().map { try $0.decode(column: "name", as: String.self) }
        }
        #expect(indexes == ["group_members_member_group"])
        let groups = try await storage.read { database in
            try await database.raw("SELECT \(unsafeRaw: SQLDirectoryStore.memberOf(.sqlite)) FROM (SELECT 'u1' AS id) AS users").first()?
                .decode(column: "member_of", as: String.self)
        }
        #expect(groups == #"[["g1","Sales"]]"#)
        await storage.close()
    }
}
