import Foundation
import Persistence

/// What a backup of a local stack's data folder holds, and how it is taken and put back.
///
/// A backup is a folder: a `VACUUM INTO` snapshot of each SQLite database (``SQLiteSnapshot``, taken while the stack
/// runs), the stack's `secrets.json` (internal and admin keys) and `demo.json` (the demo token, shown only once), and
/// `backup.json`, this manifest. Logs are not copied. Each database is consistent in itself; the three are taken one
/// after another, not at one instant.
struct StackBackup: Codable {
    static let manifestName = "backup.json"
    static let databaseNames = ["token.sqlite", "directory.sqlite", "mapping.sqlite"]
    static let credentialNames = [StackSecrets.fileName, DemoCredentials.fileName]

    var format = 1
    var createdAt: Date
    var databases: [String]
    var files: [String]

    /// Snapshots `dataDirectory` into the new folder `destination`, built under a temporary name and renamed at the end.
    static func take(from dataDirectory: URL, to destination: URL) throws -> StackBackup {
        let manager = FileManager.default
        let databases = databaseNames.filter { manager.fileExists(atPath: dataDirectory.appendingPathComponent($0).path) }
        guard !databases.isEmpty else {
            throw ExitError(
                message: "No SQLite database in \(dataDirectory.path). A stack on PostgreSQL is backed up with pg_dump (README, Backup and restore)."
            )
        }
        guard isEmptyOrMissing(destination) else { throw ExitError(message: "\(destination.path) already exists and is not empty.") }
        let partial = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        try manager.createDirectory(at: partial, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do {
            for name in databases {
                try SQLiteSnapshot.copy(from: dataDirectory.appendingPathComponent(name).path, to: partial.appendingPathComponent(name).path)
            }
            let files = credentialNames.filter { manager.fileExists(atPath: dataDirectory.appendingPathComponent($0).path) }
            for name in files {
                try PrivateFile.write(try Data(contentsOf: dataDirectory.appendingPathComponent(name)), to: partial.appendingPathComponent(name))
            }
            let backup = StackBackup(createdAt: Date(), databases: databases, files: files)
            try PrivateFile.write(try backup.encoded(), to: partial.appendingPathComponent(manifestName))
            if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }  // empty, checked above
            guard rename(partial.path, destination.path) == 0 else {
                throw ExitError(message: "Could not move the backup to \(destination.path): \(String(cString: strerror(errno))).")
            }
            return backup
        } catch {
            try? manager.removeItem(at: partial)
            throw error
        }
    }

    /// Reads and checks the backup in `source`: its manifest, and every database it lists passes `quick_check`.
    static func read(_ source: URL) throws -> StackBackup {
        let manifest = source.appendingPathComponent(manifestName)
        guard let data = try? Data(contentsOf: manifest) else {
            throw ExitError(message: "\(source.path) is not a Provisio backup (no \(manifestName)).")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let backup = try? decoder.decode(StackBackup.self, from: data), backup.format == 1,
            Set(backup.databases).isSubset(of: databaseNames), Set(backup.files).isSubset(of: credentialNames)
        else { throw ExitError(message: "\(manifest.path) is not a backup manifest this provisio reads.") }
        for name in backup.databases { try SQLiteSnapshot.check(source.appendingPathComponent(name).path) }
        for name in backup.files where !FileManager.default.fileExists(atPath: source.appendingPathComponent(name).path) {
            throw ExitError(message: "\(source.path) lacks \(name), which its manifest lists.")
        }
        return backup
    }

    /// Copies the backup in `source` into `dataDirectory`. With `replacing`, the stack's files there (databases with
    /// their WAL and shared-memory files, credentials) are removed first; the stack must be stopped.
    func restore(from source: URL, into dataDirectory: URL, replacing: Bool) throws {
        let manager = FileManager.default
        if !Self.isEmptyOrMissing(dataDirectory) {
            guard replacing else {
                throw ExitError(message: "\(dataDirectory.path) is not empty; restore into a new folder, or pass --force to replace its data.")
            }
            for name in Self.databaseNames.flatMap({ [$0, $0 + "-wal", $0 + "-shm", $0 + "-journal"] }) + Self.credentialNames {
                let file = dataDirectory.appendingPathComponent(name)
                if manager.fileExists(atPath: file.path) { try manager.removeItem(at: file) }
            }
        }
        try manager.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for name in databases + files {
            try Self.copyPrivately(source.appendingPathComponent(name), to: dataDirectory.appendingPathComponent(name))
        }
    }

    /// Copies a file under a temporary name, makes it owner-only and synced, then renames it into place.
    private static func copyPrivately(_ source: URL, to destination: URL) throws {
        let manager = FileManager.default
        let temporary = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).restoring")
        try? manager.removeItem(at: temporary)
        try manager.copyItem(at: source, to: temporary)
        try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary.path)
        let handle = try FileHandle(forUpdating: temporary)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, destination.path) == 0 else {
            throw ExitError(message: "Could not write \(destination.path): \(String(cString: strerror(errno))).")
        }
    }

    private func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    static func isEmptyOrMissing(_ directory: URL) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return true }
        return entries.isEmpty
    }
}
