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
