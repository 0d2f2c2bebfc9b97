/// SQLite's `synchronous` setting in WAL mode: what an acknowledged (committed) write survives.
///
/// - `normal` (the default): a commit writes the WAL without waiting for the disk; the WAL is synced at each
///   checkpoint. A killed process loses nothing (the WAL is in the OS's page cache); a power loss or kernel crash
///   may lose the last commits, never corrupting the database.
/// - `full`: each commit waits for the WAL to reach the disk (`fsync`), so a commit survives a power loss too. Group
///   commit (``SQLiteGroupCommit``) shares one sync among the writes queued behind the writer.
package enum SQLiteSynchronous: String, Sendable, CaseIterable {
    case normal = "NORMAL"
    case full = "FULL"

    /// `NORMAL` or `FULL`, in any case; nil for anything else.
    package init?(setting: String) {
        self.init(rawValue: setting.uppercased())
    }
}
