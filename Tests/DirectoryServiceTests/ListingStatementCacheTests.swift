import Foundation
import InternalAPI
import Persistence
import ScimCore
import ServiceTestSupport
import Testing

@testable import DirectoryService

/// Paging through a large list must not push the statements every request runs out of the connections' caches.
@Suite struct ListingStatementCacheTests {
    @Test func tenThousandDistinctPagesDoNotEvictTheLookupStatements() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("directory-pages-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let storage = try await SQLiteStorage.open(path: folder.appendingPathComponent("directory.sqlite").path, readerCount: 1, logger: .discarding)
        try await Migrator(DirectoryMigrations.all).migrate(storage, logger: .discarding)
        let store = SQLDirectoryStore(storage: storage)
        let lists = ListQueryBuilder(resourceType: .user, engine: .sqlite)
        func page(_ filter: String?, _ startIndex: Int) throws -> ListQuery {
            try lists.query(for: SearchRequest(filter: filter, startIndex: startIndex, count: 10), includeMembers: false)
        }
        // A read by id, and an IdP's `userName eq` check: both run on the lookup connection.
        _ = try await store.user(tenantID: "acme", idpID: "okta", id: "u1")
        _ = try await store.listUsers(tenantID: "acme", idpID: "okta", query: try page(#"userName eq "ada""#, 1))
        let lookupBefore = try #require(storage.lookupStatementCache)
        let readersBefore = storage.readerStatementCaches

        for startIndex in 1...10_000 {
            _ = try await store.listUsers(tenantID: "acme", idpID: "okta", query: try page(#"userName eq "ada""#, startIndex))
            _ = try await store.listUsers(tenantID: "acme", idpID: "okta", query: try page(nil, startIndex))
        }
        _ = try await store.user(tenantID: "acme", idpID: "okta", id: "u1")

        let lookupAfter = try #require(storage.lookupStatementCache)
        #expect(lookupAfter.evictions == lookupBefore.evictions)
        // At most the count query the pages past the first add; never one per page.
        #expect(lookupAfter.prepares - lookupBefore.prepares <= 1)
        let readersAfter = storage.readerStatementCaches
        #expect(readersAfter.map(\.evictions) == readersBefore.map(\.evictions))
        #expect(zip(readersAfter, readersBefore).allSatisfy { $0.prepares - $1.prepares <= 2 })
        await storage.close()
    }
}
