import NIOCore
import SQLiteNIO
import Synchronization
import VaporCSQLite

/// One SQLite connection that keeps its prepared statements. It drives the SQLite library sqlite-nio builds
/// (`VaporCSQLite`, the same SQLite as before), because sqlite-nio's own connection prepares every statement anew.
///
/// The stores send the same few dozen statements over and over; preparing one (parsing and planning its SQL) on
/// every query would cost more than running most of them. Here a statement is prepared
/// once per connection (`SQLITE_PREPARE_PERSISTENT`) and reset after each use. Statements with many parameters
/// (chunked `IN (…)` lists and multi-row inserts, whose text varies with their length) are not kept, and at most
/// ``cacheCapacity`` are: the least recently used one is finalized to make room.
///
/// The connection is used by one caller at a time: a mutex guards the handle and its statements, and calls are
/// synchronous (``SQLiteHandleDatabase`` runs them on the connection's own thread, ``SQLiteConnectionThread``).
package final class SQLiteHandle: Sendable {
    package static let cacheCapacity = 128
    /// Statements with more parameters than this are prepared, run and finalized.
    static let cacheableParameterLimit = 32

    private struct CachedStatement {
        var statement: OpaquePointer
        var columns: SQLiteColumnNames
        var lastUse: UInt64
    }

    private struct State {
        var database: OpaquePointer?
        var statements: [String: CachedStatement] = [:]
        var uses: UInt64 = 0
        var cacheStatistics = StatementCacheStatistics()
    }

    /// What the statement cache has done so far, to check that a workload's statements stay in it.
    package struct StatementCacheStatistics: Sendable, Equatable {
        /// Statements prepared because they were not in the cache (kept or not).
        package var prepares = 0
        /// Cached statements finalized to make room for another.
        package var evictions = 0
        /// Times SQLite planned a statement again before running it: a schema change, or a bound value its plan
        /// depends on.
        package var reprepares = 0
    }

    package var statementCacheStatistics: StatementCacheStatistics { state.withLock { $0.cacheStatistics } }

    private let state: Mutex<State>

    private init(database: sending OpaquePointer) {
        state = Mutex(State(database: database))
    }

    /// Opens (creating if needed) the database file at `path`; ":memory:" is a private in-memory database.
    package static func open(path: String) throws(SQLiteFailure) -> SQLiteHandle {
        var database: OpaquePointer?
        // NOMUTEX: this object serializes its callers, SQLite need not lock again.
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite_nio_sqlite3_open_v2(path, &database, flags, nil)
        guard code == SQLITE_OK, let database else {
            let failure = SQLiteFailure(database: database, code: code)
            sqlite_nio_sqlite3_close_v2(database)
            throw failure
        }
        sqlite_nio_sqlite3_extended_result_codes(database, 1)
        return SQLiteHandle(database: database)
    }

    /// Runs one statement with `binds` for its `?` parameters and returns its rows.
    package func query(_ sql: String, _ binds: [SQLiteData]) throws(SQLiteFailure) -> [SQLiteResultRow] {
        try state.withLock { state throws(SQLiteFailure) -> [SQLiteResultRow] in
            guard let database = state.database else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "The connection is closed.") }
            state.uses += 1
            let cacheable = binds.count <= Self.cacheableParameterLimit
            let statement: OpaquePointer
            let columns: SQLiteColumnNames
            if let cached = state.statements[sql] {
                statement = cached.statement
                columns = cached.columns
                state.statements[sql]?.lastUse = state.uses
            } else {
                var prepared: OpaquePointer?
                let flags = cacheable ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
                let code = sqlite_nio_sqlite3_prepare_v3(database, sql, -1, flags, &prepared, nil)
                guard code == SQLITE_OK, let prepared else { throw SQLiteFailure(database: database, code: code) }
                state.cacheStatistics.prepares += 1
                statement = prepared
                columns = SQLiteColumnNames(statement: prepared)
                if cacheable {
                    Self.makeRoom(in: &state)
                    state.statements[sql] = CachedStatement(statement: prepared, columns: columns, lastUse: state.uses)
                }
            }
            defer {
                state.cacheStatistics.reprepares += Int(sqlite_nio_sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 1))
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
                if !cacheable { sqlite_nio_sqlite3_finalize(statement) }
            }
            try Self.bind(binds, to: statement, database: database)
            var rows: [SQLiteResultRow] = []
            while true {
                let code = sqlite_nio_sqlite3_step(statement)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else { throw SQLiteFailure(database: database, code: code) }
                rows.append(SQLiteResultRow(columns: columns, values: Self.values(of: statement, count: columns.names.count)))
            }
            return rows
        }
    }

    /// Finalizes every statement and closes the connection; later queries fail.
    package func close() {
        state.withLock { state in
            for cached in state.statements.values { sqlite_nio_sqlite3_finalize(cached.statement) }
            state.statements = [:]
            if let database = state.database { sqlite_nio_sqlite3_close_v2(database) }
            state.database = nil
        }
    }

    deinit { close() }

    // MARK: Helpers

    private static func makeRoom(in state: inout State) {
        guard state.statements.count >= cacheCapacity,
            let oldest = state.statements.min(by: { $0.value.lastUse < $1.value.lastUse })
        else { return }
        sqlite_nio_sqlite3_finalize(oldest.value.statement)
        state.statements[oldest.key] = nil
        state.cacheStatistics.evictions += 1
    }

    /// `SQLITE_TRANSIENT`: SQLite copies the bound bytes (a C macro Swift does not import).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func bind(_ binds: [SQLiteData], to statement: OpaquePointer, database: OpaquePointer) throws(SQLiteFailure) {
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let number):
                code = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
            case .float(let number):
                code = sqlite_nio_sqlite3_bind_double(statement, index, number)
            case .text(let text):
                var text = text
                code = text.withUTF8 { bytes in
                    sqlite_nio_sqlite3_bind_text64(statement, index, bytes.baseAddress, UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
                }
            case .blob(let buffer):
                code = buffer.withUnsafeReadableBytes { bytes in
                    sqlite_nio_sqlite3_bind_blob64(statement, index, bytes.baseAddress, UInt64(bytes.count), transient)
                }
            case .null:
                code = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard code == SQLITE_OK else { throw SQLiteFailure(database: database, code: code) }
        }
    }

    private static func values(of statement: OpaquePointer, count: Int) -> [SQLiteData] {
        var values: [SQLiteData] = []
        values.reserveCapacity(count)
        for column in 0..<Int32(count) {
            switch sqlite_nio_sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER:
                values.append(.integer(Int(sqlite_nio_sqlite3_column_int64(statement, column))))
            case SQLITE_FLOAT:
                values.append(.float(sqlite_nio_sqlite3_column_double(statement, column)))
            case SQLITE_TEXT:
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                let text = sqlite_nio_sqlite3_column_text(statement, column).map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                }
                values.append(.text(text ?? ""))
            case SQLITE_BLOB:
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                var buffer = ByteBuffer()
                if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                    buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
                }
                values.append(.blob(buffer))
            default:
                values.append(.null)
            }
        }
        return values
    }
}
