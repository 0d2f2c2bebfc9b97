import Foundation
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import Synchronization

/// Tenant API keys in the fake token service: keys it issued verify to their tenant and role until revoked; anything
/// else is the service's 401. Every verification is counted, so a test sees whether the gateway asked.
struct ApiKeyState {
    struct Key {
        var tenantID: String
        var metadata: ApiKeyMetadata
    }

    /// By key text.
    var keys: [String: Key] = [:]
    var verifyCalls: [String] = []
}

extension FakeTokenClient {
    static let invalidApiKey = ScimError.unauthorized("The API key is not valid.")

    var apiKeyVerifyCalls: [String] { state.withLock { $0.apiKeys.verifyCalls } }

    /// A key of `tenantID` with `role`: its text and id.
    func issueApiKey(tenantID: String, role: ApiKeyRole, name: String? = nil) -> (key: String, id: String) {
        let key = "pvk_\(UUID().uuidString.prefix(8).lowercased())ab_\(UUID().uuidString)"
        let id = UUID().uuidString.lowercased()
        let metadata = ApiKeyMetadata(
            id: id,
            name: name ?? "\(role) key",
            role: role,
            prefix: String(key.split(separator: "_")[1]),
            createdAt: Date(),
            lastUsedAt: nil
        )
        state.withLock { $0.apiKeys.keys[key] = ApiKeyState.Key(tenantID: tenantID, metadata: metadata) }
        return (key, id)
    }

    func createApiKey(tenantID: String, _ request: ApiKeyCreateRequest, logger: Logger) async throws -> IssuedApiKey {
        let (name, role) = try request.validated()
        let (key, _) = issueApiKey(tenantID: tenantID, role: role, name: name)
        guard let metadata = state.withLock({ $0.apiKeys.keys[key]?.metadata }) else { throw ScimError.internalError("lost a key") }
        return IssuedApiKey(key: key, metadata: metadata)
    }

    func listApiKeys(tenantID: String, logger: Logger) async throws -> [ApiKeyMetadata] {
        state.withLock { $0.apiKeys.keys.values.filter { $0.tenantID == tenantID }.map(\.metadata) }
    }

    func revokeApiKey(tenantID: String, keyID: String, logger: Logger) async throws {
        let removed = state.withLock { state in
            let before = state.apiKeys.keys.count
            state.apiKeys.keys = state.apiKeys.keys.filter { $0.value.tenantID != tenantID || $0.value.metadata.id != keyID }
            return before != state.apiKeys.keys.count
        }
        guard removed else { throw ScimError.notFound("API key '\(keyID)' not found in tenant '\(tenantID)'.") }
    }

    func verifyApiKey(_ key: String, logger: Logger) async throws -> ApiKeyVerification {
        let found = state.withLock { state in
            state.apiKeys.verifyCalls.append(key)
            return state.apiKeys.keys[key]
        }
        guard let found else { throw Self.invalidApiKey }
        return ApiKeyVerification(tenantID: found.tenantID, keyID: found.metadata.id, role: found.metadata.role)
    }
}
