import Foundation
import SQLiteNIO

/// A consistent copy of a live SQLite database, taken with `VACUUM INTO` while the service keeps writing.
///
/// `VACUUM INTO` reads the source inside one read transaction, so the copy is the database as of one commit; in WAL
/// mode that reader neither blocks the service's writer nor is blocked by it. The copy is compacted, synced to disk,
/// and checked (`PRAGMA quick_check`) before it counts.
package enum SQLiteSnapshot {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Writes the snapshot of `source` to `destination`, which must not exist yet.
    package static func copy(from source: String, to destination: String) throws {
        guard FileManager.default.fileExists(atPath: source) else { throw Failure(description: "\(source) does not exist.") }
        guard !FileManager.default.fileExists(atPath: destination) else { throw Failure(description: "\(destination) already exists.") }
        let database = try SQLiteHandle.open(path: source)
        defer { database.close() }
        _ = try database.query("PRAGMA busy_timeout=10000", [])
        _ = try database.query("VACUUM INTO ?", [.text(destination)])
        try sync(destination)
        try check(destination)
    }

    /// `PRAGMA quick_check` answers "ok" on the file at `path`.
    package static func check(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw Failure(description: "\(path) does not exist.") }
        let database = try SQLiteHandle.open(path: path)
        defer { database.close() }
        let verdict = try database.query("PRAGMA quick_check", []).first.map { try $0.decode(column: "quick_check", as: String.self) }
        guard verdict == "ok" else { throw Failure(description: "\(path) failed its integrity check: \(verdict ?? "no answer")") }
    }

    /// fsync(2): the copy is on the disk before the backup says it is done.
    static func sync(_ path: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.synchronize()
    }
}
