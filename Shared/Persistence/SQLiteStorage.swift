import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization

/// SQLite in WAL mode: one writer connection behind an ``AsyncLock`` and a few reader connections used in turn.
///
/// Reads never wait for writes (WAL); writes are serialized in-process so they do not fail with `SQLITE_BUSY`,
/// and a busy timeout covers a second process (a second replica opening the same file, or the CLI).
package final class SQLiteStorage: SQLStorage {
    package var engine: SQLEngine { .sqlite }

    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeLock = AsyncLock()
    private let nextReader = Atomic<Int>(0)
    private let logger: Logger

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], logger: Logger) {
        self.writer = writer
        self.readers = readers
        self.logger = logger
    }

    /// Opens (creating if needed) the database file at `path` with `readerCount` read connections.
    /// `path` ":memory:" gives a private in-memory database (one connection, for tests).
    package static func open(path: String, readerCount: Int = 4, logger: Logger) async throws -> SQLiteStorage {
        if path == ":memory:" {
            let connection = try await SQLiteConnection.open(storage: .memory, logger: logger).get()
            try await configure(connection, wal: false)
            return SQLiteStorage(writer: connection, readers: [connection], logger: logger)
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger).get()
        try await configure(writer, wal: true)
        var readers: [SQLiteConnection] = []
        for _ in 0..<max(1, readerCount) {
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger).get()
            try await configure(reader, wal: true)
            readers.append(reader)
        }
        return SQLiteStorage(writer: writer, readers: readers, logger: logger)
    }

    private static func configure(_ connection: SQLiteConnection, wal: Bool) async throws {
        let database = connection.sql()
        if wal {
            try await database.raw("PRAGMA journal_mode=WAL").run()
            try await database.raw("PRAGMA synchronous=NORMAL").run()
        }
        try await database.raw("PRAGMA busy_timeout=5000").run()
        try await database.raw("PRAGMA foreign_keys=ON").run()
    }

    package func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        let reader = readers[index % readers.count]
        return try await body(reader.sql())
    }

    package func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            try await SQLTransaction.run(on: writer.sql(), begin: "BEGIN IMMEDIATE", logger: logger, body)
        }
    }

    package func close() async {
        await writeLock.lock()
        defer { writeLock.unlock() }
        var closed = Set<ObjectIdentifier>()
        for connection in [writer] + readers where closed.insert(ObjectIdentifier(connection)).inserted {
            try? await connection.close().get()
        }
    }
}
