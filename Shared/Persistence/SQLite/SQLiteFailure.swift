import VaporCSQLite

/// An error reported by SQLite: its extended result code (https://sqlite.org/rescode.html) and message.
package struct SQLiteFailure: Error, CustomStringConvertible, Sendable {
    package var code: Int32
    package var message: String

    package var description: String { "SQLite error \(code): \(message)" }

    // Extended result codes are C macros Swift does not import: SQLITE_CONSTRAINT (19) | (n << 8).
    static let constraintForeignKey: Int32 = 19 | (3 << 8)
    static let constraintPrimaryKey: Int32 = 19 | (6 << 8)
    static let constraintUnique: Int32 = 19 | (8 << 8)

    package var isUniqueViolation: Bool { code == Self.constraintUnique || code == Self.constraintPrimaryKey }
    package var isForeignKeyViolation: Bool { code == Self.constraintForeignKey }

    /// The connection's last error.
    init(database: OpaquePointer?, code: Int32) {
        self.code = database.map { sqlite_nio_sqlite3_extended_errcode($0) } ?? code
        self.message =
            database.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite_nio_sqlite3_errstr(code))
    }

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }
}
