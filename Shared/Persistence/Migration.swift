import Logging
import SQLKit

/// One versioned step of a store's schema. Never edit a migration once it has shipped: add a new one.
package struct Migration: Sendable {
    package var version: Int
    package var name: String
    /// Statements run in order, in one transaction. Keep them portable between SQLite and PostgreSQL,
    /// or branch on the engine in `statements(for:)`.
    package var statements: @Sendable (SQLEngine) -> [String]

    package init(version: Int, name: String, statements: @escaping @Sendable (SQLEngine) -> [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    package init(version: Int, name: String, _ statements: [String]) {
        self.init(version: version, name: name, statements: { _ in statements })
    }
}

package enum MigrationError: Error, CustomStringConvertible {
    case databaseIsNewer(applied: Int, known: Int)
    case mismatch(version: Int, applied: String, known: String)

    package var description: String {
        switch self {
        case .databaseIsNewer(let applied, let known):
            "The database is at schema version \(applied), newer than this build knows (\(known)). Run a newer build."
        case .mismatch(let version, let applied, let known):
            "Migration \(version) was applied as '\(applied)' but this build calls it '\(known)'."
        }
    }
}

/// Applies migrations in version order, each once, recording them in `schema_migrations`.
package struct Migrator: Sendable {
    package var migrations: [Migration]

    package init(_ migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Brings the schema up to date. Returns the versions it applied.
    ///
    /// Safe when several replicas start at once: on PostgreSQL each step holds a transaction-scoped advisory lock
    /// and re-checks what is applied inside it; SQLite's write transactions are exclusive anyway.
    @discardableResult
    package func migrate(_ storage: any SQLStorage, logger: Logger) async throws -> [Int] {
        let engine = storage.engine
        try await storage.write { database in
            try await Self.lock(database, engine)
            try await database.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            ).run()
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0.name) })
        let applied = try await storage.read { database in try await Self.applied(in: database) }
        if let newest = applied.last?.0, newest > (migrations.last?.version ?? 0) {
            throw MigrationError.databaseIsNewer(applied: newest, known: migrations.last?.version ?? 0)
        }
        for (version, name) in applied where known[version] != name {
            throw MigrationError.mismatch(version: version, applied: name, known: known[version] ?? "?")
        }
        var ran: [Int] = []
        for migration in migrations where !applied.contains(where: { $0.0 == migration.version }) {
            let statements = migration.statements(engine)
            let didRun = try await storage.write { database in
                try await Self.lock(database, engine)
                // Another replica may have applied it while this one waited for the lock.
                guard try await !Self.applied(in: database).contains(where: { $0.0 == migration.version }) else { return false }
                for statement in statements {
                    try await database.raw(SQLQueryString(statement)).run()
                }
                try await database.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Timestamp.now()))"
                ).run()
                return true
            }
            if didRun {
                logger.info("Applied migration", metadata: ["db.migration": "\(migration.version) \(migration.name)"])
                ran.append(migration.version)
            }
        }
        return ran
    }

    private static func applied(in database: any SQLDatabase) async throws -> [(Int, String)] {
        try await database.raw("SELECT version, name FROM schema_migrations ORDER BY version").all().map {
            (try $0.decode(column: "version", as: Int.self), try $0.decode(column: "name", as: String.self))
        }
    }

    /// Serializes migrations across processes on PostgreSQL (released at commit).
    private static func lock(_ database: any SQLDatabase, _ engine: SQLEngine) async throws {
        guard engine == .postgres else { return }
        try await database.raw("SELECT pg_advisory_xact_lock(7207101)").run()
    }
}
