import Logging
import Metrics
import SQLKit
import Synchronization

/// Group commit for SQLite's single writer: write transactions that queue up while one runs are run together in
/// one transaction, one after the other, and committed once.
///
/// At 64 requests in flight, an initial sync's creates wait for the writer anyway; run one per transaction, each
/// paid for its own `BEGIN`, its own `COMMIT` and the WAL frames of every page it touched (about 17 pages of 4 KiB
/// per user created). Together, the pages they share are written once per batch.
///
/// Each body runs once, inside a savepoint of its own: it sees the effects of the ones before it and none of the
/// ones after it, exactly as if they had run one by one. When a body throws, its savepoint is rolled back — only its
/// own changes — and the batch goes on; a body that fails on a conflict (a 409) costs the others nothing. A caller
/// gets its answer, its value or its error, only after the batch has committed, since an error may come from a row
/// an earlier body of the batch wrote: when the commit fails, every caller of the batch gets the commit's error.
final class SQLiteGroupCommit: Sendable {
    /// A queued write: `run` executes the body and returns how to hand its result to the caller.
    private struct Pending: Sendable {
        let queuedAt = ContinuousClock.now
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
    /// Transactions committed so far (one per batch); for tests.
    let transactions = Atomic<Int>(0)
    /// Writes waiting for the next batch; for tests.
    var queued: Int { state.withLock { $0.queue.count } }
    private let database: SQLiteHandleDatabase
    private let lock: AsyncLock
    private let logger: Logger
    private let metrics: DatabaseMetrics

    /// Runs batches on `database`, on its thread, while holding `lock` (the storage's writer lock, which `close`
    /// also takes). How long each write waited for its batch and how large the batches are go to `metrics`.
    init(database: SQLiteHandleDatabase, lock: AsyncLock, logger: Logger, metrics: DatabaseMetrics) {
        self.database = database
        self.lock = lock
        self.logger = logger
        self.metrics = metrics
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = Pending(
                run: { database in
                    let value = try await body(database)
                    return { continuation.resume(returning: value) }
                },
                fail: { error in continuation.resume(throwing: error) }
            )
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
        let now = ContinuousClock.now
        for pending in batch { metrics.poolWait.record(duration: now - pending.queuedAt) }
        DatabaseMetrics.groupCommitBatchSize.record(batch.count)
        do {
            try await database.raw("BEGIN IMMEDIATE").run()
        } catch {
            for pending in batch { pending.fail(error) }
            return
        }
        var outcomes: [@Sendable () -> Void] = []
        do {
            for pending in batch {
                try await database.raw("SAVEPOINT provisio_write").run()
                do {
                    outcomes.append(try await pending.run(database))
                } catch {
                    // A failed body undoes its own changes only. Should the savepoint be gone (SQLite rolls the
                    // whole transaction back on a full disk or an I/O error), this throws and the batch fails.
                    try await database.raw("ROLLBACK TO provisio_write").run()
                    outcomes.append { pending.fail(error) }
                }
                try await database.raw("RELEASE provisio_write").run()
            }
            try await database.raw("COMMIT").run()
        } catch {
            await rollback()
            for pending in batch { pending.fail(error) }
            return
        }
        transactions.add(1, ordering: .relaxed)
        for deliver in outcomes { deliver() }
    }

    private func rollback() async {
        do {
            try await database.raw("ROLLBACK").run()
        } catch {
            logger.error("Rollback failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
