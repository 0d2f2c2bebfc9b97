import Foundation
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import Synchronization

/// Console sessions in the fake token service, by id hash: a session lives until deleted, and a tenant key's session
/// ends once its key is revoked, as the token service decides (its timeouts are tested there).
extension FakeTokenClient {
    var consoleSessionHashes: [String] { state.withLock { Array($0.consoleSessions.keys) } }

    func createConsoleSession(_ request: ConsoleSessionCreateRequest, logger: Logger) async throws -> ConsoleSession {
        let now = Date()
        let session = ConsoleSession(
            principal: request.principal,
            createdAt: now,
            lastSeenAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(request.absoluteSeconds))
        )
        state.withLock { $0.consoleSessions[request.idHash] = session }
        return session
    }

    func readConsoleSession(idHash: String, logger: Logger) async throws -> ConsoleSession? {
        state.withLock { state in
            guard let session = state.consoleSessions[idHash] else { return nil }
            if let keyID = session.principal.apiKeyID, !state.apiKeys.keys.values.contains(where: { $0.metadata.id == keyID }) {
                state.consoleSessions[idHash] = nil
                return nil
            }
            return session
        }
    }

    func deleteConsoleSession(idHash: String, logger: Logger) async throws {
        _ = state.withLock { $0.consoleSessions.removeValue(forKey: idHash) }
    }
}
