import Logging
import SQLKit
import Synchronization

/// Group commit for SQLite's single writer: write transactions that queue up while one runs are run together in
/// one transaction, one after the other, and committed once.
///
/// At 64 requests in flight, an initial sync's creates wait for the writer anyway; run one per transaction, each
/// paid for its own `BEGIN`, its own `COMMIT` and the WAL frames of every page it touched (about 17 pages of 4 KiB
/// per user created). Together, the pages they share are written once per batch.
///
/// Each body still sees the effects of the ones before it and none of the ones after it, exactly as if they had
/// run one by one; a caller gets its answer only after the batch is committed. When a body throws, the batch is
/// rolled back, that caller gets its error, and the others run again, each in a transaction of its own — which is
/// why a body must act only through the database it is given (``SQLStorage/write(_:)``).
final class SQLiteGroupCommit: Sendable {
    /// A queued write: `run` executes the body and returns how to hand its result to the caller.
    private struct Pending: Sendable {
        let run: @Sendable (any SQLDatabase) async throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var queue: [Pending] = []
        var draining = false
    }

    /// The most bodies one transaction runs.
    static let batchLimit = 64

    private let state = Mutex(State())
    /// Transactions committed so far (one per batch, or per body run alone); for tests.
    let transactions = Atomic<Int>(0)
    private let database: SQLiteHandleDatabase
    private let lock: AsyncLock
    private let logger: Logger

    /// Runs batches on `database`, on its thread, while holding `lock` (the storage's writer lock, which `close`
    /// also takes).
    init(database: SQLiteHandleDatabase, lock: AsyncLock, logger: Logger) {
        self.database = database
        self.lock = lock
        self.logger = logger
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = Pending(
                run: { database in
                    let value = try await body(database)
                    return { continuation.resume(returning: value) }
                },
                fail: { error in continuation.resume(throwing: error) })
            let startsDraining = state.withLock { state in
                state.queue.append(pending)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            // A whole batch — BEGIN, every body, COMMIT — runs on the writer's thread without a switch per statement.
            if startsDraining { Task(executorPreference: database.thread) { await self.drain() } }
        }
    }

    /// Runs batches until the queue is empty.
    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.queue.prefix(Self.batchLimit))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            await lock.withLock { await self.run(batch) }
        }
    }

    private func run(_ batch: [Pending]) async {
        if batch.count == 1 {
            await runAlone(batch[0])
            return
        }
        var deliveries: [@Sendable () -> Void] = []
        do {
            try await database.raw("BEGIN IMMEDIATE").run()
        } catch {
            for pending in batch { pending.fail(error) }
            return
        }
        for (index, pending) in batch.enumerated() {
            do {
                deliveries.append(try await pending.run(database))
            } catch {
                // This body's error is its own; the ones before it are rolled back with it and run again.
                await rollback()
                pending.fail(error)
                for other in batch[..<index] + batch[(index + 1)...] { await runAlone(other) }
                return
            }
        }
        do {
            try await database.raw("COMMIT").run()
            transactions.add(1, ordering: .relaxed)
        } catch {
            await rollback()
            for pending in batch { pending.fail(error) }
            return
        }
        for deliver in deliveries { deliver() }
    }

    /// One body in a transaction of its own.
    private func runAlone(_ pending: Pending) async {
        do {
            let deliver = try await SQLTransaction.run(on: database, begin: "BEGIN IMMEDIATE", logger: logger) { database in
                try await pending.run(database)
            }
            transactions.add(1, ordering: .relaxed)
            deliver()
        } catch {
            pending.fail(error)
        }
    }

    private func rollback() async {
        do {
            try await database.raw("ROLLBACK").run()
        } catch {
            logger.error("Rollback failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
