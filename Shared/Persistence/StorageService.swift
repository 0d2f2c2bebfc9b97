import Logging
import ServiceLifecycle

/// A service's storage in its application's ServiceGroup, listed first: it runs before the HTTP server starts —
/// PostgreSQL's connection pool (`PostgresClient`, itself a `Service`) runs here — and on graceful shutdown it is
/// the last to stop, after the HTTP server has drained, and closes the storage.
///
/// ``prepare()`` is the application's startup work (`ServiceApplication.Startup`), done with this service running
/// and before the HTTP server accepts: PostgreSQL creates the database when it is missing, then the schema's
/// migrations are applied.
package struct StorageService: Service, CustomStringConvertible {
    private let storage: any SQLStorage
    private let migrator: Migrator
    private let logger: Logger

    package init(storage: any SQLStorage, migrations: [Migration], logger: Logger) {
        self.storage = storage
        self.migrator = Migrator(migrations)
        self.logger = logger
    }

    /// How ServiceLifecycle's log lines name it (rather than dumping the migrations).
    package var description: String { "StorageService(\(storage.engine.rawValue))" }

    package func prepare() async throws {
        try await storage.prepare()
        try await migrator.migrate(storage, logger: logger)
    }

    package func run() async throws {
        await storage.run()  // until graceful shutdown; SQLite has nothing to run
        try? await gracefulShutdown()
        await storage.close()
    }
}
