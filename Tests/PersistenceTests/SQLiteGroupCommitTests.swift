import Foundation
import Logging
import SQLKit
import Synchronization
import Testing

@testable import Persistence

/// SQLite's group commit: concurrent writes share transactions, yet each behaves as if it ran alone.
@Suite("SQLite group commit")
struct SQLiteGroupCommitTests {
    private struct Refused: Error, Equatable {
        var index: Int
    }

    private static func storage() async throws -> SQLiteStorage {
        try await temporaryItemsStorage("commit")
    }

    private static func count(_ storage: SQLiteStorage) async throws -> Int {
        try await storage.read { database in
            try await database.raw("SELECT COUNT(*) AS c FROM items").first()?.decode(column: "c", as: Int.self) ?? -1
        }
    }

    @Test func concurrentWritesAllCommitAndEachGetsItsOwnResult() async throws {
        let storage = try await Self.storage()
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for index in 0..<300 {
                group.addTask {
                    let id = try await storage.write { database in
                        try await database.raw("INSERT INTO items (name) VALUES (\(bind: "item-\(index)")) RETURNING id").first()?.decode(
                            column: "id",
                            as: Int.self
                        ) ?? -1
                    }
                    return (index, id)
                }
            }
            return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 300)
        #expect(Set(results.values).count == 300)
        // Each caller got the id of its own row.
        for (index, id) in results.prefix(20) {
            let name = try await storage.read { database in
                try await database.raw("SELECT name FROM items WHERE id = \(bind: id)").first()?.decode(column: "name", as: String.self)
            }
            #expect(name == "item-\(index)")
        }
        #expect(try await Self.count(storage) == 300)
        // 300 writes queued at once share transactions (the table's creation was one more).
        #expect(storage.committedTransactions < 300)
        await storage.close()
    }

    @Test func aFailingWriteGetsItsOwnErrorAndTheOthersInItsBatchStillCommit() async throws {
        let storage = try await Self.storage()
        for index in stride(from: 7, to: 200, by: 10) {
            try await storage.write { database in try await database.raw("INSERT INTO items (name) VALUES (\(bind: "taken-\(index)"))").run() }
        }
        let outcomes = await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        let value = try await storage.write { database in
                            try await database.raw("INSERT INTO items (name) VALUES (\(bind: "item-\(index)"))").run()
                            // Every tenth write fails after writing: its row must not stay.
                            if index % 10 == 3 { throw Refused(index: index) }
                            // Every tenth write also collides with an existing row after writing one of its own.
                            if index % 10 == 7 { try await database.raw("INSERT INTO items (name) VALUES (\(bind: "taken-\(index)"))").run() }
                            return index
                        }
                        return (index, .success(value))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var outcomes: [Int: Result<Int, any Error>] = [:]
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        for index in 0..<200 {
            switch (index % 10, outcomes[index]) {
            case (3, .failure(let error)?):
                #expect(error as? Refused == Refused(index: index))
            case (7, .failure(let error)?):
                #expect(StorageErrors.isUniqueViolation(error))
            case (let kind, .success(let value)?) where kind != 3 && kind != 7:
                #expect(value == index)
            default:
                Issue.record("write \(index) ended as \(String(describing: outcomes[index]))")
            }
        }
        #expect(try await Self.count(storage) == 160 + 20)
        let leftovers = try await storage.read { database in
            try await database.raw("SELECT COUNT(*) AS c FROM items WHERE name IN ('item-3', 'item-7', 'item-13', 'item-17')").first()?.decode(
                column: "c",
                as: Int.self
            )
        }
        #expect(leftovers == 0)
        await storage.close()
    }
}

/// One batch of 50 creates, one of which collides: only that one fails, and no body runs twice.
@Suite("SQLite group commit: a conflict in a batch")
struct SQLiteGroupCommitConflictTests {
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// Opens when told to: a write that holds the writer while the next writes queue up behind it.
    private final class Gate: Sendable {
        private let opened = Mutex<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        func wait() async {
            await withCheckedContinuation { continuation in
                let isOpen = opened.withLock { state in
                    if !state.isOpen { state.waiters.append(continuation) }
                    return state.isOpen
                }
                if isOpen { continuation.resume() }
            }
        }

        func open() {
            let waiters = opened.withLock { state in
                state.isOpen = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    @Test func oneConflictFailsAloneTheOthersCommitOnceAndEveryBodyRunsOnce() async throws {
        let storage = try await temporaryItemsStorage("conflict")
        try await storage.write { database in try await database.raw("INSERT INTO items (name) VALUES ('taken')").run() }
        let gate = Gate()
        let blockerStarted = Counter()
        let blocker = Task {
            try await storage.write { _ in
                blockerStarted.value.add(1, ordering: .relaxed)
                await gate.wait()
            }
        }
        while blockerStarted.value.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let invocations = Counter()
        let colliding = 25
        let outcomes = try await withThrowingTaskGroup(of: (Int, (any Error)?).self) { group in
            // Queued one by one, in order, behind the blocker: they make one batch with the collision in its middle.
            for index in 0..<50 {
                group.addTask {
                    do {
                        try await storage.write { database in
                            invocations.value.add(1, ordering: .relaxed)
                            let name = index == colliding ? "taken" : "item-\(index)"
                            try await database.raw("INSERT INTO items (name) VALUES (\(bind: name))").run()
                        }
                        return (index, nil)
                    } catch {
                        return (index, error)
                    }
                }
                while storage.queuedWrites < index + 1 { try await Task.sleep(for: .milliseconds(1)) }
            }
            let before = storage.committedTransactions
            gate.open()
            try await blocker.value
            var outcomes: [Int: (any Error)?] = [:]
            for try await (index, error) in group { outcomes[index] = error }
            #expect(storage.committedTransactions - before == 2, "the blocker's transaction, then the batch's")
            return outcomes
        }
        #expect(outcomes.count == 50)
        let failed = outcomes.filter { $0.value != nil }
        #expect(failed.map(\.key) == [colliding])
        #expect(failed.values.allSatisfy { StorageErrors.isUniqueViolation($0!) })
        #expect(invocations.value.load(ordering: .relaxed) == 50)
        let committed = try await storage.read { database in
            try await database.raw("SELECT COUNT(*) AS c FROM items WHERE name LIKE 'item-%'").first()?.decode(column: "c", as: Int.self)
        }
        #expect(committed == 49)
        await storage.close()
    }
}
