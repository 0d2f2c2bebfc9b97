import Foundation
import Logging
import SQLKit
import Testing

@testable import Persistence

/// A PostgreSQL database that fills up fast gets planner statistics as it grows, not a minute later.
@Suite("Planner statistics while the database grows")
struct GrowthStatisticsTests {
    @Test func theDatabaseIsAnalyzedAfterAThousandWritesAndEachTimeTheCountDoubles() {
        let points = (1...2_100_000).filter(GrowthStatistics.isAnalysisPoint)  // past 2,048,000: none
        #expect(points == [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 1_024_000])
        let counter = GrowthStatistics()
        let due = (1...4_000).filter { _ in counter.countWrite() }
        #expect(due.count == 3)
    }

    /// Needs a server: runs in the PostgreSQL pass of the test script.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false))
    func aPostgreSQLTableFilledByWritesHasStatisticsWithoutWaitingForAutovacuum() async throws {
        let server = try #require(ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"])
        let name = "provisio_growth_\(UUID().uuidString.prefix(8).lowercased())"
        try await PostgresStorage(url: server + "/" + name, logger: Logger(label: "test")).withRunning { storage in
            try await storage.prepare()
            try await Self.fill(storage)
        }
    }

    private static func fill(_ storage: PostgresStorage) async throws {
        try await storage.write { database in
            try await database.raw("CREATE TABLE items (id SERIAL PRIMARY KEY, name TEXT NOT NULL) WITH (autovacuum_enabled = false)").run()
        }
        // Never analyzed: PostgreSQL 14+ says -1.
        #expect(try await Self.estimatedRows(storage) == -1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<125 {
                        try await storage.write { database in
                            try await database.raw("INSERT INTO items (name) VALUES (\(bind: "item-\(worker)-\(index)"))").run()
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        // The 1,000th write (the CREATE TABLE was the first) started the analysis in the background; autovacuum is
        // off for this table, so only the storage can have analyzed it.
        var estimate = -1.0
        for _ in 0..<100 where estimate < 0 {
            try await Task.sleep(for: .milliseconds(100))
            estimate = try await Self.estimatedRows(storage)
        }
        #expect(estimate >= 900)
    }

    private static func estimatedRows(_ storage: PostgresStorage) async throws -> Double {
        try await storage.read { database in
            try await database.raw("SELECT reltuples::float8 AS estimate FROM pg_class WHERE relname = 'items'").first()?
                .decode(column: "estimate", as: Double.self) ?? -2
        }
    }
}
