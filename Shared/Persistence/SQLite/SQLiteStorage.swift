import Foundation
import Logging
import SQLKit
import Synchronization

/// SQLite in WAL mode: one writer connection behind an ``AsyncLock`` and a few reader connections used in turn.
///
/// Reads never wait for writes (WAL); writes are serialized in-process so they do not fail with `SQLITE_BUSY`,
/// and a busy timeout covers a second process (a second replica opening the same file, or the CLI). Writes that
/// queue up are committed together (``SQLiteGroupCommit``). Each connection is an ``SQLiteHandle``, which keeps its
/// prepared statements.
package final class SQLiteStorage: SQLStorage {
    package var engine: SQLEngine { .sqlite }

    private let writer: SQLiteHandleDatabase
    private let readers: [SQLiteHandleDatabase]
    /// The connection of ``lookup(_:)``: no thread of its own (nil for the in-memory database, which has one connection).
    private let lookupConnection: SQLiteHandleDatabase?
    private let writeLock = AsyncLock()
    private let groupCommit: SQLiteGroupCommit
    private let nextReader = Atomic<Int>(0)
    private let logger: Logger
    private let metrics = DatabaseMetrics(engine: .sqlite)

    private init(writer: SQLiteHandle, readers: [SQLiteHandle], lookup: SQLiteHandle?, logger: Logger) {
        let writerThread = SQLiteConnectionThread()
        let metrics = self.metrics
        self.writer = SQLiteHandleDatabase(handle: writer, thread: writerThread, logger: logger, metrics: metrics)
        self.groupCommit = SQLiteGroupCommit(database: self.writer, lock: writeLock, logger: logger, metrics: metrics)
        // The in-memory database has one connection: its readers share the writer's thread.
        self.readers = readers.map { reader in
            SQLiteHandleDatabase(
                handle: reader,
                thread: reader === writer ? writerThread : SQLiteConnectionThread(),
                logger: logger,
                metrics: metrics
            )
        }
        self.lookupConnection = lookup.map { SQLiteHandleDatabase(handle: $0, thread: nil, logger: logger, metrics: metrics) }
        self.logger = logger
    }

    /// Opens (creating if needed) the database file at `path` with `readerCount` read connections.
    /// `path` ":memory:" gives a private in-memory database (one connection, for tests).
    /// `synchronous` is what a commit waits for (``SQLiteSynchronous``; WAL files only).
    package static func open(
        path: String,
        readerCount: Int = 4,
        synchronous: SQLiteSynchronous = .normal,
        logger: Logger
    ) async throws -> SQLiteStorage {
        if path == ":memory:" {
            let connection = try SQLiteHandle.open(path: path)
            try configure(connection, wal: false, synchronous: synchronous)
            return SQLiteStorage(writer: connection, readers: [connection], lookup: nil, logger: logger)
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let writer = try SQLiteHandle.open(path: path)
        try configure(writer, wal: true, synchronous: synchronous)
        // Each write of a group commit runs in a savepoint of its own (``SQLiteGroupCommit``), which SQLite backs with
        // a statement journal. On disk (the default) it spills to a temporary file past 64 KiB and, once spilled, is
        // never truncated within the transaction: every page a batch touches went to that file as well. In memory it
        // is emptied at each release, so it holds one write's pages at most. Only the writer takes savepoints, and it
        // sorts nothing large, so its other temporary structures stay small too.
        _ = try writer.query("PRAGMA temp_store=MEMORY", [])
        var readers: [SQLiteHandle] = []
        for _ in 0..<max(1, readerCount) {
            let reader = try SQLiteHandle.open(path: path)
            try configure(reader, wal: true, synchronous: synchronous)
            readers.append(reader)
        }
        let lookup = try SQLiteHandle.open(path: path)
        try configure(lookup, wal: true, synchronous: synchronous)
        return SQLiteStorage(writer: writer, readers: readers, lookup: lookup, logger: logger)
    }

    private static func configure(_ connection: SQLiteHandle, wal: Bool, synchronous: SQLiteSynchronous) throws {
        if wal {
            _ = try connection.query("PRAGMA journal_mode=WAL", [])
            _ = try connection.query("PRAGMA synchronous=\(synchronous.rawValue)", [])
        }
        _ = try connection.query("PRAGMA busy_timeout=5000", [])
        _ = try connection.query("PRAGMA foreign_keys=ON", [])
    }

    /// On the next reader in turn, on that reader's thread: the body's statements run there one after another.
    package func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        let reader = readers[index % readers.count]
        return try await metrics.measure(metrics.read) {
            try await withTaskExecutorPreference(reader.thread) { try await body(reader) }
        }
    }

    /// On the lookup connection, on the caller's thread (an event loop): a statement that finds a row through a
    /// unique index takes microseconds, less than handing it to a reader's thread and back, which cost a read by id
    /// two thread switches. Its statements are short and each runs whole under the connection's lock, so callers on
    /// several event loops share it safely. A page of the lookup that is not in memory is read from disk on the loop:
    /// a few page reads for the rare cold lookup, against two switches for every lookup, most of which are warm.
    package func lookup<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard let lookupConnection else { return try await read(body) }
        return try await metrics.measure(metrics.lookup) { try await body(lookupConnection) }
    }

    /// Write transactions committed so far; fewer than writes when group commit batched them.
    var committedTransactions: Int { groupCommit.transactions.load(ordering: .relaxed) }
    /// The statement caches of the lookup connection (nil for the in-memory database) and of the readers.
    package var lookupStatementCache: SQLiteHandle.StatementCacheStatistics? { lookupConnection?.handle.statementCacheStatistics }
    package var readerStatementCaches: [SQLiteHandle.StatementCacheStatistics] { readers.map(\.handle.statementCacheStatistics) }

    /// Writes waiting for the writer; for tests.
    var queuedWrites: Int { groupCommit.queued }

    package func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await metrics.measure(metrics.write) { try await groupCommit.write(body) }
    }

    package func close() async {
        await writeLock.lock()
        defer { writeLock.unlock() }
        var closed = Set<ObjectIdentifier>()
        for connection in [writer.handle] + readers.map(\.handle) + [lookupConnection?.handle].compactMap({ $0 })
        where closed.insert(ObjectIdentifier(connection)).inserted {
            connection.close()
        }
    }
}
