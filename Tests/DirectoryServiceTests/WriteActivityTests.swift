import Hummingbird
import HummingbirdTesting
import Persistence
import ServiceTestSupport
import Testing

@testable import DirectoryService

@Suite("Directory: webhook delivery gives way to a burst of writes")
struct WriteActivityTests {
    @Test func aBusyDirectoryGetsThreeQuartersOfTheTime() {
        // 100 writes in 100 ms is 1,000 writes/s: busy.
        #expect(WriteActivity.pause(worked: .milliseconds(100), writes: 100) == .milliseconds(300))
    }

    @Test func aQuietDirectoryDoesNotSlowDelivery() {
        #expect(WriteActivity.pause(worked: .milliseconds(100), writes: 10) == .zero)
        #expect(WriteActivity.pause(worked: .seconds(1), writes: 200) == .zero)
        #expect(WriteActivity.pause(worked: .zero, writes: 1_000) == .zero)
    }

    @Test func aPauseIsAtMostASecond() {
        #expect(WriteActivity.pause(worked: .seconds(2), writes: 10_000) == .seconds(1))
    }

    @Test func writesAreCountedAcrossTasks() async {
        let activity = WriteActivity()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { for _ in 0..<1_000 { activity.recordWrite() } } }
        }
        #expect(activity.count == 8_000)
    }

    @Test func theRouterCountsWritesNotReads() async throws {
        let storage = try await SQLiteStorage.open(path: ":memory:", logger: .discarding)
        try await Migrator(DirectoryMigrations.all).migrate(storage, logger: .discarding)
        let activity = WriteActivity()
        let router = buildRouter(
            store: SQLDirectoryStore(storage: storage),
            engine: .sqlite,
            configuration: Fixture.configuration,
            writeActivity: activity
        )
        try await Application(router: router).test(.router) { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            #expect(activity.count == 2)
            let read = try await client.call(.get, "/internal/v1/tenants/acme")
            #expect(read.status == .ok)
            #expect(activity.count == 2)
        }
        await storage.close()
    }
}
