import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InternalAPI
import Logging
import Persistence
import SQLKit
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import DirectoryService

@Suite("Directory service: the change-event feed", .timeLimit(.minutes(1)))
struct ChangeEventFeedTests {
    static let feed = "/internal/v1/tenants/acme/events"

    /// acme with two IdPs, three users in okta and one in entra: events 1 idp.created okta, 2 idp.created entra,
    /// 3–5 user.created okta, 6 user.created entra.
    static func seed(_ client: some TestClientProtocol) async throws {
        try await client.createTenant("acme")
        try await client.createIdentityProvider(tenant: "acme", "okta")
        try await client.createIdentityProvider(tenant: "acme", "entra")
        for name in ["ada", "bob", "cyd"] { _ = try await client.createdUserID(name) }
        _ = try await client.createdUserID(idp: "entra", "eve")
    }

    static func sequences(_ response: TestResponse) throws -> [Int] {
        try #require(try response.json["data"]?.arrayValue).compactMap { $0["sequence"]?.numberValue.map(Int.init) }
    }

    @Test func pagesFollowNextInAscendingOrder() async throws {
        try await withDirectory { client in
            try await Self.seed(client)
            let first = try await client.call(.get, "\(Self.feed)?limit=4")
            #expect(first.status == .ok && first.headers[.contentType] == MediaType.json)
            #expect(try Self.sequences(first) == [1, 2, 3, 4])
            #expect(try first.json["next"] == "4")
            let second = try await client.call(.get, "\(Self.feed)?after=4&limit=4")
            #expect(try Self.sequences(second) == [5, 6])
            #expect(try second.json["next"] == "6")
            let end = try await client.call(.get, "\(Self.feed)?after=6")
            #expect(try Self.sequences(end) == [] && end.json["next"] == "6")
            // The default page is 100.
            #expect(try Self.sequences(try await client.call(.get, Self.feed)) == [1, 2, 3, 4, 5, 6])
        }
    }

    @Test func latestIsFromNowOn() async throws {
        try await withDirectory { client in
            try await Self.seed(client)
            let latest = try await client.call(.get, "\(Self.feed)?after=latest")
            #expect(try latest.json == ["data": [], "next": "6"])
            _ = try await client.createdUserID("dan")
            let next = try await client.call(.get, "\(Self.feed)?after=6")
            #expect(try Self.sequences(next) == [7])
        }
    }

    @Test func typesAndIdentityProviderFilter() async throws {
        try await withDirectory { client in
            try await Self.seed(client)
            let users = try await client.call(.get, "\(Self.feed)?types=user.created,user.deleted&idp=okta")
            #expect(try Self.sequences(users) == [3, 4, 5])
            // The cursor of a filtered page moves past what it looked through, matching or not.
            #expect(try users.json["next"] == "6")
            let idps = try await client.call(.get, "\(Self.feed)?types=idp.created&limit=1")
            #expect(try Self.sequences(idps) == [1] && idps.json["next"] == "1")
            let none = try await client.call(.get, "\(Self.feed)?types=group.deleted")
            #expect(try Self.sequences(none) == [] && none.json["next"] == "6")
            let entra = try await client.call(.get, "\(Self.feed)?idp=entra&after=2")
            #expect(try Self.sequences(entra) == [6])
        }
    }

    @Test(arguments: [
        "after=abc", "after=-1", "after=1.5", "after=99999999999999999999", "limit=0", "limit=1001", "limit=ten", "types=user.created,user.renamed",
        "types=", "idp=", "colour=blue", "after=7",
    ])
    func malformedRequestsAre400(query: String) async throws {
        try await withDirectory { client in
            try await Self.seed(client)
            try await client.call(.get, "\(Self.feed)?\(query)").expectScimError(400, scimType: "invalidValue")
        }
    }

    @Test func anUnknownTenantIs404() async throws {
        try await withDirectory { client in
            try await client.call(.get, "/internal/v1/tenants/ghost/events").expectScimError(404)
        }
    }

    /// Retention: pruned events are gone, a cursor before them is 410 telling the client to resync, and the feed
    /// starts after them.
    @Test func aCursorOlderThanRetentionIs410() async throws {
        let storage = try await SQLiteStorage.open(path: ":memory:", logger: .discarding)
        try await Self.expireAndResume(on: storage)
        await storage.close()
    }

    /// The same on PostgreSQL (its pass of the test script).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false))
    func aCursorOlderThanRetentionIs410OnPostgres() async throws {
        let server = try #require(ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"])
        let url = server + "/provisio_events_\(UUID().uuidString.prefix(8).lowercased())"
        try await PostgresStorage(url: url, logger: .discarding).withRunning { storage in
            try await storage.prepare()
            try await Self.expireAndResume(on: storage)
        }
    }

    static func expireAndResume(on storage: some SQLStorage) async throws {
        try await Migrator(DirectoryMigrations.all).migrate(storage, logger: .discarding)
        let store = SQLDirectoryStore(storage: storage)
        let router = buildRouter(store: store, engine: storage.engine, configuration: Fixture.configuration)
        try await Application(router: router).test(.router) { client in
            try await Self.seed(client)
            // Nothing is old enough yet.
            #expect(try await store.pruneChangeEvents(before: "2000-01-01T00:00:00.000Z", batchSize: 2, maximumBatches: 100) == 0)
            // Everything is, in batches of two.
            let cutoff = Timestamp.string(from: Date().addingTimeInterval(60))
            #expect(try await store.pruneChangeEvents(before: cutoff, batchSize: 2, maximumBatches: 100) == 6)
            #expect(try await store.pruneChangeEvents(before: cutoff, batchSize: 2, maximumBatches: 100) == 0)
            let gone = try await client.call(.get, "\(Self.feed)?after=3")
            try gone.expectScimError(410)
            #expect(gone.detail?.contains("/api/v1/tenants/acme/users") == true && gone.detail?.contains("after=latest") == true)
            try await client.call(.get, "\(Self.feed)?after=0").expectScimError(410)
            #expect(try await client.call(.get, "\(Self.feed)?after=6").status == .ok)
            #expect(try await client.call(.get, Self.feed).json == ["data": [], "next": "6"])
            _ = try await client.createdUserID("dan")
            #expect(try Self.sequences(try await client.call(.get, Self.feed)) == [7])
            // The filters and paging read the same on this engine.
            #expect(try Self.sequences(try await client.call(.get, "\(Self.feed)?after=6&types=user.created&idp=okta&limit=1")) == [7])
            let remaining = try await storage.read { database in
                try await database.raw("SELECT COUNT(*) AS count FROM change_events").first()?.decode(column: "count", as: Int.self)
            }
            #expect(remaining == 1)
        }
    }

    /// The pruner as the service group runs it, with the configured retention.
    @Test func thePrunerKeepsWhatRetentionKeeps() async throws {
        let storage = try await SQLiteStorage.open(path: ":memory:", logger: .discarding)
        try await Migrator(DirectoryMigrations.all).migrate(storage, logger: .discarding)
        let store = SQLDirectoryStore(storage: storage)
        try await Application(router: buildRouter(store: store, engine: .sqlite, configuration: Fixture.configuration)).test(.router) { client in
            try await Self.seed(client)
        }
        try await storage.write { database in
            try await database.raw("UPDATE change_events SET occurred_at = '2020-01-01T00:00:00.000Z' WHERE sequence <= 4").run()
        }
        await ChangeEventPruner(store: store, settings: EventSettings(retentionDays: 30), logger: .discarding).pruneOnce()
        let left = try await storage.read { database in
            try await database.raw("SELECT sequence FROM change_events ORDER BY sequence").all().map {
                try $0.decode(column: "sequence", as: Int.self)
            }
        }
        #expect(left == [5, 6])
        await storage.close()
    }
}
