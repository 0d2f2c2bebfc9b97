import InternalAPI
import Logging
import NIOHTTP1

/// Token lifecycle, OAuth clients and signing keys over the token service's internal API.
extension HTTPTokenClient {
    private func idpPath(_ tenantID: String, _ idpID: String) -> String {
        "/internal/v1/tenants/\(pathSegment(tenantID))/idps/\(pathSegment(idpID))"
    }

    package func recreateToken(
        tenantID: String,
        idpID: String,
        tokenID: String,
        _ request: TokenRecreateRequest,
        logger: Logger
    ) async throws -> RecreatedToken {
        try await client.send(.POST, idpPath(tenantID, idpID) + "/tokens/\(pathSegment(tokenID))/recreate", body: request, logger: logger)
    }
    package func setTokenValidity(
        tenantID: String,
        idpID: String,
        tokenID: String,
        _ request: TokenCreateRequest,
        logger: Logger
    ) async throws -> TokenMetadata {
        try await client.send(.PATCH, idpPath(tenantID, idpID) + "/tokens/\(pathSegment(tokenID))", body: request, logger: logger)
    }
    package func revokeToken(tenantID: String, idpID: String, tokenID: String, logger: Logger) async throws {
        try await client.sendExpectingNoContent(.DELETE, idpPath(tenantID, idpID) + "/tokens/\(pathSegment(tokenID))", logger: logger)
    }
    package func tokenEvents(tenantID: String, idpID: String, limit: Int, logger: Logger) async throws -> [TokenEvent] {
        try await client.send(.GET, idpPath(tenantID, idpID) + "/token-events?limit=\(limit)", logger: logger)
    }
    package func createClient(tenantID: String, idpID: String, logger: Logger) async throws -> IssuedClientSecret {
        try await client.send(.POST, idpPath(tenantID, idpID) + "/clients", logger: logger)
    }
    package func listClients(tenantID: String, idpID: String, logger: Logger) async throws -> [OAuthClientMetadata] {
        try await client.send(.GET, idpPath(tenantID, idpID) + "/clients", logger: logger)
    }
    package func rotateClientSecret(
        tenantID: String,
        idpID: String,
        clientID: String,
        _ request: ClientRotateRequest,
        logger: Logger
    ) async throws -> IssuedClientSecret {
        try await client.send(.POST, idpPath(tenantID, idpID) + "/clients/\(pathSegment(clientID))/rotate", body: request, logger: logger)
    }
    package func revokeClient(tenantID: String, idpID: String, clientID: String, logger: Logger) async throws {
        try await client.sendExpectingNoContent(.DELETE, idpPath(tenantID, idpID) + "/clients/\(pathSegment(clientID))", logger: logger)
    }
    package func grant(tenantID: String, _ grant: ClientCredentialsGrant, logger: Logger) async throws -> OAuthAccessToken {
        try await client.send(.POST, "/internal/v1/tenants/\(pathSegment(tenantID))/oauth/token", body: grant, logger: logger)
    }
    package func jwks(logger: Logger) async throws -> JWKSet {
        try await client.send(.GET, "/internal/v1/jwks", logger: logger)
    }
    package func signingKeys(logger: Logger) async throws -> [SigningKeyMetadata] {
        try await client.send(.GET, "/internal/v1/signing-keys", logger: logger)
    }
    package func rotateSigningKey(logger: Logger) async throws -> [SigningKeyMetadata] {
        try await client.send(.POST, "/internal/v1/signing-keys/rotate", logger: logger)
    }
}
