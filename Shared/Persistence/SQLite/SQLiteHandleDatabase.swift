import Logging
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO

/// SQLKit's view of an ``SQLiteHandle``: the stores' queries are serialized by SQLKit with SQLite's dialect, their
/// parameters converted to SQLite values, and each statement runs on the connection's own thread
/// (``SQLiteConnectionThread``), never on an event loop — except on the lookup connection, which has no thread and
/// runs its statements where they are called (``SQLiteStorage/lookup(_:)``).
struct SQLiteHandleDatabase: SQLDatabase {
    let handle: SQLiteHandle
    let logger: Logger
    /// The connection's thread; nil for the lookup connection.
    let thread: SQLiteConnectionThread?
    /// Each statement's time, by its kind.
    let metrics: DatabaseMetrics

    init(handle: SQLiteHandle, thread: SQLiteConnectionThread?, logger: Logger, metrics: DatabaseMetrics) {
        self.handle = handle
        self.thread = thread
        self.logger = logger
        self.metrics = metrics
    }

    var eventLoop: any EventLoop { thread?.eventLoop ?? MultiThreadedEventLoopGroup.singleton.any() }

    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        let values = try binds.map(Self.value(of:))
        let handle = self.handle
        let rows = try await metrics.measure(metrics.statement(StatementKind(sql: sql))) {
            try await thread?.run { try handle.query(sql, values) } ?? handle.query(sql, values)
        }
        for row in rows { onRow(row) }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    /// A query parameter as an SQLite value: the common types directly, anything else as SQLiteKit encodes it.
    static func value(of bind: any Encodable & Sendable) throws -> SQLiteData {
        switch bind {
        case let text as String: return .text(text)
        case let flag as Bool: return .integer(flag ? 1 : 0)
        case let number as Int: return .integer(number)
        case let number as Double: return .float(number)
        case let data as SQLiteData: return data
        default: return try SQLiteDataEncoder().encode(bind)
        }
    }
}
