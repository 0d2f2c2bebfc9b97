import Foundation
import Logging
import SQLKit
import SQLiteNIO
import Testing

@testable import Persistence

/// The SQLite connection with its statement cache, and the SQLKit path the stores use on top of it.
@Suite("SQLite connection with prepared-statement cache")
struct SQLiteHandleTests {
    private static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("provisio-sqlite-\(UUID().uuidString)/test.sqlite").path
    }

    private static func storage() async throws -> SQLiteStorage {
        try await SQLiteStorage.open(path: temporaryPath(), readerCount: 2, logger: Logger(label: "test"))
    }

    @Test func aCachedStatementRunsAgainWithNewParametersAndReturnsOnlyItsOwnRows() throws {
        let handle = try SQLiteHandle.open(path: ":memory:")
        _ = try handle.query("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)", [])
        for id in 1...5 { _ = try handle.query("INSERT INTO t (id, name) VALUES (?, ?)", [.integer(id), .text("name-\(id)")]) }
        for id in [3, 1, 5, 2] {
            let rows = try handle.query("SELECT id, name FROM t WHERE id = ?", [.integer(id)])
            #expect(rows.count == 1)
            #expect(try rows[0].decode(column: "name", as: String.self) == "name-\(id)")
        }
        #expect(try handle.query("SELECT id FROM t WHERE id = ?", [.integer(99)]).isEmpty)
    }

    @Test func moreStatementsThanTheCacheHoldsAllStillRun() throws {
        let handle = try SQLiteHandle.open(path: ":memory:")
        for round in 0..<2 {
            for number in 0..<(SQLiteHandle.cacheCapacity + 20) {
                let rows = try handle.query("SELECT ? + \(number) AS total", [.integer(round)])
                #expect(try rows[0].decode(column: "total", as: Int.self) == round + number)
            }
        }
    }

    /// Why a list binds its OFFSET but writes its LIMIT as a number: SQLite plans with a LIMIT's value, and plans a
    /// statement whose LIMIT is bound again each time; an OFFSET is only counted off at run time.
    @Test func aBoundOffsetKeepsTheStatementsPlanAndABoundLimitDoesNot() throws {
        let handle = try SQLiteHandle.open(path: ":memory:")
        _ = try handle.query("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)", [])
        for id in 1...20 { _ = try handle.query("INSERT INTO t (id, name) VALUES (?, ?)", [.integer(id), .text("n\(id)")]) }
        let start = handle.statementCacheStatistics
        for offset in 0..<10 {
            let rows = try handle.query("SELECT id FROM t ORDER BY name LIMIT 5 OFFSET ?", [.integer(offset)])
            #expect(try rows.map { try $0.decode(column: "id", as: Int.self) }.count == 5)
        }
        let afterOffsets = handle.statementCacheStatistics
        #expect(afterOffsets.prepares - start.prepares == 1)
        #expect(afterOffsets.reprepares == start.reprepares)
        for limit in 1...10 { _ = try handle.query("SELECT id FROM t ORDER BY name LIMIT ?", [.integer(limit)]) }
        let afterLimits = handle.statementCacheStatistics
        #expect(afterLimits.prepares - afterOffsets.prepares == 1)
        #expect(afterLimits.reprepares - afterOffsets.reprepares >= 9)
    }

    @Test func moreStatementsThanTheCacheHoldsAreEvictedAndCounted() throws {
        let handle = try SQLiteHandle.open(path: ":memory:")
        for number in 0..<(SQLiteHandle.cacheCapacity + 20) { _ = try handle.query("SELECT \(number) AS n", []) }
        #expect(handle.statementCacheStatistics.prepares == SQLiteHandle.cacheCapacity + 20)
        #expect(handle.statementCacheStatistics.evictions == 20)
    }

    @Test func statementsWithManyParametersRunWithoutBeingKept() throws {
        let handle = try SQLiteHandle.open(path: ":memory:")
        let count = SQLiteHandle.cacheableParameterLimit + 10
        let placeholders = Array(repeating: "?", count: count).joined(separator: " + ")
        let rows = try handle.query("SELECT \(placeholders) AS total", (1...count).map { .integer($0) })
        #expect(try rows[0].decode(column: "total", as: Int.self) == count * (count + 1) / 2)
    }

    @Test func valuesRoundTripAndDecodeToTheRequestedTypes() throws {
        let handle = try SQLiteHandle.open(path: ":memory:")
        _ = try handle.query("CREATE TABLE v (t TEXT, i INTEGER, f REAL, b BLOB, n TEXT)", [])
        let text = "Zoë \u{1F600} with a \0 inside"
        _ = try handle.query(
            "INSERT INTO v VALUES (?, ?, ?, ?, ?)",
            [.text(text), .integer(1), .float(2.5), .blob(.init(bytes: [0, 1, 2, 255])), .null]
        )
        let row = try #require(try handle.query("SELECT t, i, f, b, n FROM v", []).first)
        #expect(try row.decode(column: "t", as: String.self) == text)
        #expect(try row.decode(column: "t", as: String?.self) == text)
        #expect(try row.decode(column: "i", as: Int.self) == 1)
        #expect(try row.decode(column: "i", as: Bool.self) == true)
        #expect(try row.decode(column: "i", as: Int?.self) == 1)
        #expect(try row.decode(column: "f", as: Double.self) == 2.5)
        #expect(try row.decode(column: "n", as: String?.self) == nil)
        #expect(try row.decode(column: "n", as: Int?.self) == nil)
        #expect(try row.decodeNil(column: "n"))
        #expect(throws: (any Error).self) { try row.decode(column: "n", as: String.self) }
        #expect(throws: (any Error).self) { try row.decode(column: "missing", as: String.self) }
        #expect(row.allColumns == ["t", "i", "f", "b", "n"])
    }

    @Test func anSQLErrorIsReportedAndTheConnectionStaysUsable() throws {
        let handle = try SQLiteHandle.open(path: ":memory:")
        #expect(throws: SQLiteFailure.self) { try handle.query("SELEKT 1", []) }
        _ = try handle.query("CREATE TABLE u (name TEXT UNIQUE)", [])
        _ = try handle.query("INSERT INTO u VALUES (?)", [.text("a")])
        do {
            _ = try handle.query("INSERT INTO u VALUES (?)", [.text("a")])
            Issue.record("a duplicate was inserted")
        } catch {
            #expect(StorageErrors.isUniqueViolation(error))
            #expect(!StorageErrors.isForeignKeyViolation(error))
        }
        #expect(try handle.query("SELECT count(*) AS c FROM u", [])[0].decode(column: "c", as: Int.self) == 1)
    }

    @Test func aClosedConnectionRefusesQueries() throws {
        let handle = try SQLiteHandle.open(path: ":memory:")
        _ = try handle.query("SELECT 1", [])
        handle.close()
        #expect(throws: SQLiteFailure.self) { try handle.query("SELECT 1", []) }
    }

    @Test func theStoragePathBindsSwiftValuesAndKeepsTransactionsAtomic() async throws {
        let storage = try await Self.storage()
        try await storage.write { database in
            try await database.raw("CREATE TABLE people (id TEXT PRIMARY KEY, age INTEGER, active BOOLEAN, note TEXT)").run()
        }
        let note: String? = nil
        try await storage.write { database in
            try await database.raw("INSERT INTO people VALUES (\(bind: "ann"), \(bind: 41), \(bind: true), \(bind: note))").run()
        }
        // A failing transaction leaves nothing behind, and the error is the one the body threw.
        await #expect(throws: SQLiteFailure.self) {
            try await storage.write { database in
                try await database.raw("INSERT INTO people VALUES (\(bind: "bob"), \(bind: 30), \(bind: false), \(bind: "x"))").run()
                try await database.raw("INSERT INTO people VALUES (\(bind: "ann"), \(bind: 1), \(bind: false), \(bind: "dup"))").run()
            }
        }
        let rows = try await storage.read { database in try await database.raw("SELECT id, age, active, note FROM people ORDER BY id").all() }
        #expect(rows.count == 1)
        #expect(try rows[0].decode(column: "id", as: String.self) == "ann")
        #expect(try rows[0].decode(column: "age", as: Int.self) == 41)
        #expect(try rows[0].decode(column: "active", as: Bool.self))
        #expect(try rows[0].decode(column: "note", as: String?.self) == nil)
        await storage.close()
    }
}
