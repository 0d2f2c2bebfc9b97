import Foundation
import Logging

/// Where a service keeps its data, parsed from `DATABASE_URL` or derived from the data directory.
package enum DatabaseLocation: Sendable, Hashable {
    case sqlite(path: String)
    case postgres(url: String)

    package struct InvalidURL: Error, CustomStringConvertible {
        package var url: String
        /// Names only the URL's scheme: the rest may hold a password.
        package var description: String {
            let scheme = url.components(separatedBy: "://").first.map { $0 + "://…" } ?? "?"
            return "Unsupported database URL \(scheme) (expected sqlite:///path/file.sqlite, sqlite::memory: or postgres://…)"
        }
    }

    /// `databaseURL` wins when set; otherwise `<dataDirectory>/<fileName>`.
    package init(databaseURL: String?, dataDirectory: String, fileName: String) throws {
        guard let url = databaseURL, !url.isEmpty else {
            let directory = URL(fileURLWithPath: dataDirectory).standardizedFileURL
            self = .sqlite(path: directory.appendingPathComponent(fileName).path)
            return
        }
        if url == "sqlite::memory:" {
            self = .sqlite(path: ":memory:")
        } else if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw InvalidURL(url: url) }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(url: url)
        } else {
            throw InvalidURL(url: url)
        }
    }

    /// Opens the storage this location names; `sqliteSynchronous` applies to a SQLite file only. A SQLite file is
    /// open on return; PostgreSQL connects once the storage runs (``StorageService``) and is prepared.
    package func open(logger: Logger, sqliteSynchronous: SQLiteSynchronous = .normal) async throws -> any SQLStorage {
        switch self {
        case .sqlite(let path):
            return try await SQLiteStorage.open(path: path, synchronous: sqliteSynchronous, logger: logger)
        case .postgres(let url):
            return try PostgresStorage(url: url, logger: logger)
        }
    }
}
