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

    /// PostgreSQL's SQLSTATE of a server error (`23505` unique violation, `23503` foreign key violation).
    private static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
