import Foundation
import Logging
import Metrics
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL through PostgresNIO's connection pool: every read borrows a connection, every write runs in its own
/// transaction on one. Several replicas of a service can share the database; uniqueness and row locks are the
/// database's. While the database fills up, the storage has it gather planner statistics (``GrowthStatistics``).
///
/// The pool runs in ``run()``, which a service runs in its ServiceGroup (``StorageService``), so that it lives and
/// stops with the service; ``prepare()`` creates the database when it is missing.
package final class PostgresStorage: SQLStorage {
    package var engine: SQLEngine { .postgres }

    private let target: PostgresURL
    private let client: PostgresClient
    private let logger: Logger
    private let growth = GrowthStatistics()
    private let metrics = DatabaseMetrics(engine: .postgres)

    /// For the database of `url` (`postgres://user:password@host:port/database?sslmode=disable|require`). Nothing is
    /// connected until the storage runs and is asked for a query.
    package init(url: String, logger: Logger) throws {
        target = try PostgresURL(url)
        client = PostgresClient(configuration: try target.configuration(database: target.database), backgroundLogger: logger)
        self.logger = logger
    }

    /// Runs the connection pool until graceful shutdown begins or the task is cancelled.
    package func run() async {
        await client.run()
    }

    /// Creates the database when it does not exist and the user may create it.
    package func prepare() async throws {
        try await Self.createDatabaseIfMissing(target, logger: logger)
    }

    package func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let asked = ContinuousClock.now
        return try await metrics.measure(metrics.read) {
            try await client.withConnection { connection in
                metrics.poolWait.record(duration: ContinuousClock.now - asked)
                return try await body(MeasuredSQLDatabase(base: connection.sql(queryLogLevel: nil), metrics: metrics))
            }
        }
    }

    /// One transaction on one pooled connection (``SQLTransaction``).
    package func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let asked = ContinuousClock.now
        let result = try await metrics.measure(metrics.write) {
            try await client.withConnection { connection in
                metrics.poolWait.record(duration: ContinuousClock.now - asked)
                return try await SQLTransaction.run(
                    on: MeasuredSQLDatabase(base: connection.sql(queryLogLevel: nil), metrics: metrics),
                    logger: logger,
                    body
                )
            }
        }
        if growth.countWrite() { Task { await analyze() } }
        return result
    }

    /// `ANALYZE` of the whole database (it samples at most 30,000 rows per table), beside the requests.
    private func analyze() async {
        do {
            try await read { database in try await database.raw("ANALYZE").run() }
            logger.info("Gathered planner statistics while the database grows")
        } catch {
            logger.warning("Could not gather planner statistics", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// The pool stops with ``run()``.
    package func close() async {}

    private static func createDatabaseIfMissing(_ target: PostgresURL, logger: Logger) async throws {
        let maintenance = PostgresClient(configuration: try target.configuration(database: "postgres"), backgroundLogger: logger)
        try await whileRunning(maintenance) {
            let exists = try await maintenance.withConnection { connection in
                try await connection.sql(queryLogLevel: nil).raw("SELECT 1 AS one FROM pg_database WHERE datname = \(bind: target.database)").first()
                    != nil
            }
            guard !exists else { return }
            do {
                try await maintenance.withConnection { connection in
                    try await connection.sql(queryLogLevel: nil).raw("CREATE DATABASE \(ident: target.database)").run()
                }
                logger.info("Created database", metadata: ["db.name": "\(target.database)"])
            } catch let error as PSQLError where ["42P04", "23505"].contains(error.serverInfo?[.sqlState]) {
                // Created by a replica starting at the same moment: PostgreSQL says 42P04 (duplicate_database) when
                // the other's CREATE DATABASE had committed before this one looked, 23505 (unique_violation on
                // pg_database's name index) when both were under way at once.
                logger.debug("Database created by another replica", metadata: ["db.name": "\(target.database)"])
            }
        }
    }

    /// Runs `body` while `client` runs, from the moment its `run()` is called. A query that leases a connection
    /// before that waits for it anyway, but PostgresNIO logs a warning for it, which a query right after starting
    /// the client did at every start.
    private static func whileRunning(_ client: PostgresClient, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (started, signal) = AsyncStream<Void>.makeStream()
            group.addTask {
                signal.finish()
                await client.run()
            }
            defer { group.cancelAll() }
            for await _ in started {}
            try await body()
        }
    }
}

/// The parts of a `postgres://` URL.
struct PostgresURL: Sendable {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    var requireTLS: Bool

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(_ text: String) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else { throw Invalid(description: "Not a postgres:// URL (postgres://user:password@host:5432/database).") }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        self.password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !path.isEmpty else { throw Invalid(description: "The PostgreSQL URL names no database.") }
        self.database = path
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        self.requireTLS = ["require", "verify-ca", "verify-full"].contains(sslMode)
    }

    /// The pool of a storage: up to 20 connections, opened on demand, closed after 10 s without a lease, no
    /// keep-alive queries.
    ///
    /// Each time a connection goes back to PostgresNIO's pool, the pool starts an idle timer and a keep-alive timer,
    /// and cancels them at the next lease. Each is a `Task.sleep`, and a cancelled sleep keeps its task (about 490
    /// bytes) until its deadline. With the defaults (60 s idle, a keep-alive every 30 s) the directory held about
    /// 1 KB per read for a minute: its memory grew by 50 MB in 30 s of reads at 1,700 per second and went on growing
    /// with the rate. What is held now is about rate × 10 s × 490 bytes, where it levels off. A connection idle for 10 s is closed rather than pinged, so none sits idle long
    /// enough for a firewall or a NAT to drop it unseen; a busy one is never idle.
    func configuration(database: String) throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = requireTLS ? .require(.makeClientConfiguration()) : .disable
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        configuration.options.maximumConnections = 20
        configuration.options.connectionIdleTimeout = .seconds(10)
        configuration.options.keepAliveBehavior = nil
        return configuration
    }
}
