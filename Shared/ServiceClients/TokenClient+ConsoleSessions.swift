import InternalAPI
import Logging
import NIOHTTP1
import ScimCore

/// Admin console sessions over the token service's internal API: `/internal/v1/console-sessions`.
extension HTTPTokenClient {
    package func createConsoleSession(_ request: ConsoleSessionCreateRequest, logger: Logger) async throws -> ConsoleSession {
        try await client.send(.POST, "/internal/v1/console-sessions", body: request, logger: logger)
    }
    package func readConsoleSession(idHash: String, logger: Logger) async throws -> ConsoleSession? {
        do {
            return try await client.send(.POST, "/internal/v1/console-sessions/\(pathSegment(idHash))/read", logger: logger)
        } catch let error as ScimError where error.status == 404 {
            return nil
        }
    }
    package func deleteConsoleSession(idHash: String, logger: Logger) async throws {
        try await client.sendExpectingNoContent(.DELETE, "/internal/v1/console-sessions/\(pathSegment(idHash))", logger: logger)
    }
}
