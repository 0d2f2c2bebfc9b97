import Logging
import SQLKit

/// BEGIN … COMMIT around `body` on one connection, ROLLBACK when it throws; the body's own error is rethrown
/// unchanged (a `ScimError` stays a `ScimError`). Both engines' `write` use it.
enum SQLTransaction {
    static func run<T: Sendable>(
        on database: any SQLDatabase,
        begin: String = "BEGIN",
        logger: Logger,
        _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await database.raw(SQLQueryString(begin)).run()
        do {
            let result = try await body(database)
            try await database.raw("COMMIT").run()
            return result
        } catch {
            do {
                try await database.raw("ROLLBACK").run()
            } catch let rollbackError {
                logger.error("Rollback failed", metadata: ["error": "\(String(reflecting: rollbackError))"])
            }
            throw error
        }
    }
}
