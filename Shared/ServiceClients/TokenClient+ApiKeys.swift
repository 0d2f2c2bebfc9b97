import InternalAPI
import Logging
import NIOHTTP1

/// Tenant API keys over the token service's internal API: `/internal/v1/tenants/{tenant}/api-keys` and
/// `/internal/v1/api-keys/verify`.
extension HTTPTokenClient {
    private func apiKeysPath(_ tenantID: String) -> String {
        "/internal/v1/tenants/\(pathSegment(tenantID))/api-keys"
    }

    package func createApiKey(tenantID: String, _ request: ApiKeyCreateRequest, logger: Logger) async throws -> IssuedApiKey {
        try await client.send(.POST, apiKeysPath(tenantID), body: request, logger: logger)
    }
    package func listApiKeys(tenantID: String, logger: Logger) async throws -> [ApiKeyMetadata] {
        try await client.send(.GET, apiKeysPath(tenantID), logger: logger)
    }
    package func revokeApiKey(tenantID: String, keyID: String, logger: Logger) async throws {
        try await client.sendExpectingNoContent(.DELETE, apiKeysPath(tenantID) + "/\(pathSegment(keyID))", logger: logger)
    }
    package func verifyApiKey(_ key: String, logger: Logger) async throws -> ApiKeyVerification {
        try await client.send(.POST, "/internal/v1/api-keys/verify", body: ApiKeyVerifyRequest(key: key), logger: logger)
    }
}
