import Foundation
import Logging
import NIOCore
import SQLKit
import Testing

@testable import Persistence

/// Each SQLite connection runs on a thread of its own, and a read body or a batch of writes runs there whole: no
/// statement is handed to another thread.
@Suite("SQLite connection threads")
struct SQLiteConnectionThreadTests {
    private static func storage() async throws -> SQLiteStorage {
        try await temporaryItemsStorage("thread")
    }

    /// True when the caller runs on `database`'s own thread, where its statements run without a hand-over.
    private static func onConnectionThread(_ database: any SQLDatabase) -> Bool {
        (database as? SQLiteHandleDatabase)?.thread?.eventLoop.inEventLoop ?? false
    }

    @Test func aReadBodyRunsOnItsConnectionsThreadBeforeAndAfterEachStatement() async throws {
        let storage = try await Self.storage()
        let observations = try await storage.read { database in
            var seen = [Self.onConnectionThread(database)]
            _ = try await database.raw("SELECT COUNT(*) AS c FROM items").first()
            seen.append(Self.onConnectionThread(database))
            _ = try await database.raw("SELECT name FROM items WHERE id = \(bind: 1)").all()
            seen.append(Self.onConnectionThread(database))
            return seen
        }
        #expect(observations == [true, true, true])
        await storage.close()
    }

    @Test func concurrentWriteBodiesRunOnTheWritersThreadAndAllCommit() async throws {
        let storage = try await Self.storage()
        let onThread = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await storage.write { database in
                        let before = Self.onConnectionThread(database)
                        try await database.raw("INSERT INTO items (name) VALUES (\(bind: "item-\(index)"))").run()
                        return before && Self.onConnectionThread(database)
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(onThread.count == 100 && onThread.allSatisfy { $0 })
        let count = try await storage.read { database in
            try await database.raw("SELECT COUNT(*) AS c FROM items").first()?.decode(column: "c", as: Int.self)
        }
        #expect(count == 100)
        await storage.close()
    }

    @Test func aStatementSentFromElsewhereIsHandedToTheConnectionsThread() async throws {
        let storage = try await Self.storage()
        // A read body escaping its executor preference: the statement still runs, on the connection's thread.
        let database = try await storage.read { database in database as? SQLiteHandleDatabase }
        let handle = try #require(database)
        #expect(try !#require(handle.thread).eventLoop.inEventLoop)
        let rows = try await handle.raw("SELECT 41 + 1 AS answer").first()
        #expect(try rows?.decode(column: "answer", as: Int.self) == 42)
        await storage.close()
    }

    @Test func aLookupRunsWhereItIsCalledAndSeesCommittedWrites() async throws {
        let storage = try await Self.storage()
        try await storage.write { database in try await database.raw("INSERT INTO items (name) VALUES (\(bind: "looked-up"))").run() }
        let (names, threads) = try await storage.lookup { database in
            #expect((database as? SQLiteHandleDatabase)?.thread == nil)
            var threads = [pthread_self()]
            let first = try await database.raw("SELECT name FROM items WHERE name = \(bind: "looked-up")").first()?.decode(
                column: "name",
                as: String.self
            )
            threads.append(pthread_self())
            let second = try await database.raw("SELECT COUNT(*) AS c FROM items").first()?.decode(column: "c", as: Int.self)
            threads.append(pthread_self())
            return ([first, second.map(String.init)], threads)
        }
        #expect(names == ["looked-up", "1"])
        // No statement was handed to another thread, so the body never moved.
        #expect(Set(threads.map { UInt(bitPattern: Int(bitPattern: $0)) }).count == 1)
        await storage.close()
    }
}
