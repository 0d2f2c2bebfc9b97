import PostgresNIO

/// Recognizes constraint violations of either engine, so stores can turn them into SCIM errors (409) and
/// uniqueness stays the database's job rather than a read-then-write race.
package enum StorageErrors {
    package static func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? SQLiteFailure { return error.isUniqueViolation }
        return sqlState(of: error) == "23505"
    }

    package static func isForeignKeyViolation(_ error: any Error) -> Bool {
        if let error = error as? SQLiteFailure { return error.isForeignKeyViolation }
        return sqlState(of: error) == "23503"
    }

    /// Why the store refused a value a client sent, when that is the reason of `error`: a value too long for an
    /// index entry (PostgreSQL `54000`), too long for its column (`22001`), or holding a character the database
    /// cannot store (`22021`, `22P05`: NUL among them). A service answers it as the client's error, not its own.
    package static func refusedValue(_ error: any Error) -> String? {
        switch sqlState(of: error) {
        case "54000": "A value is too long for the store to index it."
        case "22001": "A value is longer than the store accepts."
        case "22021", "22P05": "A value holds a character the store cannot hold."
        default: nil
        }
    }

    /// True when the database cannot be reached or is not accepting work right now (PostgreSQL restarting or gone,
    /// SQLite busy beyond its timeout): the request may succeed when retried, so it is a 503, not a 500.
    package static func isUnavailable(_ error: any Error) -> Bool {
        if let error = error as? SQLiteFailure { return error.code & 0xff == 5 }  // SQLITE_BUSY and its extended codes
        guard let error = error as? PSQLError else { return false }
        if [PSQLError.Code.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown].contains(error.code) {
            return true
        }
        // Class 08: connection exception; 57P01–57P03: shutting down, crashed, starting up; 53300: too many connections.
        guard let state = sqlState(of: error) else { return false }
        return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(state)
    }

    /// PostgreSQL's SQLSTATE of a server error (`23505` unique violation, `23503` foreign key violation).
    private static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
