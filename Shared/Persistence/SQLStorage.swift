import Logging
import SQLKit

/// The SQL engine a storage runs on. Stores use it where SQL differs between engines.
package enum SQLEngine: String, Sendable {
    case sqlite
    case postgres
}

/// A relational database a store runs its queries on.
///
/// Stores are written once against this protocol and SQLKit's `SQLDatabase`; the database URL picks the
/// implementation. `write` runs its body in a transaction: all of it commits or none of it does.
package protocol SQLStorage: Sendable {
    var engine: SQLEngine { get }
    /// Runs read-only queries. Concurrent reads may run in parallel.
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs a read of a few rows found through a unique index (a resource by id, a user by userName): the same as
    /// ``read(_:)``, but an engine may run it where the caller is instead of handing it to another thread, since it
    /// takes microseconds. Anything that may touch many rows goes through ``read(_:)``.
    func lookup<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in one transaction; it is rolled back when `body` throws.
    ///
    /// `body` runs once and must act only through the database it is given: what it does there is undone when it
    /// throws or its transaction does not commit (SQLite's group commit runs it in a savepoint of a shared transaction).
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Readies the storage for its first query: PostgreSQL creates the database when it does not exist yet. Runs
    /// while ``run()`` does.
    func prepare() async throws
    /// Runs what the storage needs while it is in use — PostgreSQL's connection pool, whose queries wait until it
    /// runs — until graceful shutdown begins or the task is cancelled; returns at once when nothing needs to run.
    func run() async
    /// Closes every connection. No query may run afterwards.
    func close() async
}

extension SQLStorage {
    package func prepare() async throws {}
    package func run() async {}

    /// Runs `body` while the storage runs (``run()``), outside a ServiceGroup (tools and tests), then closes it.
    package func withRunning<T>(_ body: (Self) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.run() }
            defer { group.cancelAll() }
            do {
                let result = try await body(self)
                await close()
                return result
            } catch {
                await close()
                throw error
            }
        }
    }

    /// A lookup is a read, unless the engine has a faster way.
    package func lookup<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await read(body)
    }
}
