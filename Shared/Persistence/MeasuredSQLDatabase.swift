import Logging
import Metrics
import NIOCore
import SQLKit

/// A PostgreSQL connection's SQLKit view that times each statement by its kind (``DatabaseMetrics``). The kind is
/// read from the first keyword of the statement's SQL, serialized once more for it: microseconds, against a round
/// trip to the server.
struct MeasuredSQLDatabase: SQLDatabase {
    let base: any SQLDatabase
    let metrics: DatabaseMetrics

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let timer = metrics.statement(kind(of: query))
        let start = ContinuousClock.now
        return base.execute(sql: query, onRow).always { _ in timer.record(duration: ContinuousClock.now - start) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await metrics.measure(metrics.statement(kind(of: query))) { try await base.execute(sql: query, onRow) }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession { session in try await closure(MeasuredSQLDatabase(base: session, metrics: metrics)) }
    }

    private func kind(of query: any SQLExpression) -> StatementKind {
        StatementKind(sql: base.serialize(query).sql)
    }
}
