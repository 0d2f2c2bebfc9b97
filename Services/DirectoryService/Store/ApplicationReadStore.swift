import Foundation
import InternalAPI

/// A page the read API answers: its rows, and where the next page starts (nil on the last page).
struct ApplicationPageResult<Row: Sendable>: Sendable {
    var rows: [Row]
    var next: ApplicationCursor?
}

/// A group with its number of members.
struct CountedGroup: Sendable, Hashable {
    var group: GroupRecord
    var memberCount: Int
}

/// The reads of the application API (README "Application API: reading the directory"): tenant-wide, across the
/// tenant's identity providers, each page through an index and never more rows than it returns (keyset on the
/// order's columns, `LIMIT n + 1`). Migration 6 adds the indexes.
protocol ApplicationReadStore: Sendable {
    /// Users with their identity attributes and groups.
    func applicationUsers(tenantID: String, _ query: ApplicationUserQuery) async throws -> ApplicationPageResult<UserRecord>
    func applicationUser(tenantID: String, id: String) async throws -> UserRecord?
    func applicationGroups(tenantID: String, _ query: ApplicationGroupQuery) async throws -> ApplicationPageResult<CountedGroup>
    func applicationGroup(tenantID: String, id: String) async throws -> CountedGroup?
    /// A page of the group's members; nil when the tenant has no such group.
    func applicationMembers(tenantID: String, groupID: String, _ page: ApplicationPage) async throws -> ApplicationPageResult<MemberRow>?
}
