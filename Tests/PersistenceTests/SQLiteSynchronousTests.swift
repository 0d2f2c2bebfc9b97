import Foundation
import Logging
import SQLKit
import Testing

@testable import Persistence

/// `SQLITE_SYNCHRONOUS`: every connection of a SQLite file runs with the chosen setting (PRAGMA synchronous: 1 is
/// NORMAL, 2 is FULL), NORMAL unless told otherwise.
@Suite("SQLite synchronous setting")
struct SQLiteSynchronousTests {
    private static func setting(_ synchronous: SQLiteSynchronous?) async throws -> (writer: Int, reader: Int) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-sync-\(UUID().uuidString)/test.sqlite").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let storage =
            if let synchronous {
                try await SQLiteStorage.open(path: path, readerCount: 1, synchronous: synchronous, logger: Logger(label: "test"))
            } else {
                try await SQLiteStorage.open(path: path, readerCount: 1, logger: Logger(label: "test"))
            }
        let query: @Sendable (any SQLDatabase) async throws -> Int = { database in
            try await database.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self) ?? -1
        }
        let writer = try await storage.write(query)
        let reader = try await storage.read(query)
        await storage.close()
        return (writer, reader)
    }

    @Test func normalByDefaultAndFullWhenAsked() async throws {
        let byDefault = try await Self.setting(nil)
        #expect(byDefault.writer == 1 && byDefault.reader == 1)
        let full = try await Self.setting(.full)
        #expect(full.writer == 2 && full.reader == 2)
    }

    @Test func theSettingIsReadInAnyCaseAndNothingElse() {
        #expect(SQLiteSynchronous(setting: "full") == .full)
        #expect(SQLiteSynchronous(setting: "Normal") == .normal)
        #expect(SQLiteSynchronous(setting: "OFF") == nil)
        #expect(SQLiteSynchronous(setting: "") == nil)
    }
}

/// Which storage failures are an outage (503, retry) rather than a bug (500).
@Suite("Storage unavailability")
struct StorageUnavailableTests {
    @Test func busySQLiteIsUnavailableAndOtherFailuresAreNot() {
        #expect(StorageErrors.isUnavailable(SQLiteFailure(code: 5, message: "database is locked")))
        #expect(StorageErrors.isUnavailable(SQLiteFailure(code: 5 | (1 << 8), message: "busy recovery")))
        #expect(!StorageErrors.isUnavailable(SQLiteFailure(code: SQLiteFailure.constraintUnique, message: "unique")))
        #expect(!StorageErrors.isUnavailable(SQLiteFailure(code: 1, message: "syntax error")))
        #expect(!StorageErrors.isUnavailable(CancellationError()))
    }
}
