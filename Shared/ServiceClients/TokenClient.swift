import InternalAPI
import Logging
import NIOHTTP1

/// The token service as its callers see it.
package protocol TokenClient: Sendable {
    func createToken(tenantID: String, idpID: String, _ request: TokenCreateRequest, logger: Logger) async throws -> IssuedToken
    /// The IdP's tokens with its expiry warning (listing also records the warning's activity event once).
    func listTokens(tenantID: String, idpID: String, logger: Logger) async throws -> TokenList
    func recreateToken(
        tenantID: String,
        idpID: String,
        tokenID: String,
        _ request: TokenRecreateRequest,
        logger: Logger
    ) async throws -> RecreatedToken
    func setTokenValidity(
        tenantID: String,
        idpID: String,
        tokenID: String,
        _ request: TokenCreateRequest,
        logger: Logger
    ) async throws -> TokenMetadata
    func revokeToken(tenantID: String, idpID: String, tokenID: String, logger: Logger) async throws
    func tokenEvents(tenantID: String, idpID: String, limit: Int, logger: Logger) async throws -> [TokenEvent]
    func createClient(tenantID: String, idpID: String, logger: Logger) async throws -> IssuedClientSecret
    func listClients(tenantID: String, idpID: String, logger: Logger) async throws -> [OAuthClientMetadata]
    func rotateClientSecret(
        tenantID: String,
        idpID: String,
        clientID: String,
        _ request: ClientRotateRequest,
        logger: Logger
    ) async throws
        -> IssuedClientSecret
    func revokeClient(tenantID: String, idpID: String, clientID: String, logger: Logger) async throws
    /// The client-credentials grant: 401 `ScimError` for a failed client authentication, 400 for a bad scope.
    func grant(tenantID: String, _ grant: ClientCredentialsGrant, logger: Logger) async throws -> OAuthAccessToken
    func jwks(logger: Logger) async throws -> JWKSet
    func signingKeys(logger: Logger) async throws -> [SigningKeyMetadata]
    func rotateSigningKey(logger: Logger) async throws -> [SigningKeyMetadata]
    /// Revokes every token of an identity provider (when it is deleted), or of a whole tenant when `idpID` is nil.
    func revokeAll(tenantID: String, idpID: String?, logger: Logger) async throws
    /// The tenant and identity provider a bearer token authenticates; 401 `ScimError` when it does not.
    func verify(token: String, logger: Logger) async throws -> TokenVerification

    // Tenant API keys (TokenClient+ApiKeys.swift)
    /// 201's answer: the key, shown once, and its metadata; 400 for a bad name or role, 409 past the tenant's limit.
    func createApiKey(tenantID: String, _ request: ApiKeyCreateRequest, logger: Logger) async throws -> IssuedApiKey
    /// The tenant's unrevoked keys: metadata only.
    func listApiKeys(tenantID: String, logger: Logger) async throws -> [ApiKeyMetadata]
    /// 404 `ScimError` for a key the tenant does not have.
    func revokeApiKey(tenantID: String, keyID: String, logger: Logger) async throws
    /// The tenant and role a `pvk_` key authenticates; 401 `ScimError` when it does not.
    func verifyApiKey(_ key: String, logger: Logger) async throws -> ApiKeyVerification

    // Admin console sessions (TokenClient+ConsoleSessions.swift)
    /// 401 `ScimError` when a tenant principal's key is not active any more.
    func createConsoleSession(_ request: ConsoleSessionCreateRequest, logger: Logger) async throws -> ConsoleSession
    /// The live session of this id hash, its activity noted; nil when it is unknown, timed out or its key revoked.
    func readConsoleSession(idHash: String, logger: Logger) async throws -> ConsoleSession?
    func deleteConsoleSession(idHash: String, logger: Logger) async throws
}

package struct HTTPTokenClient: TokenClient {
    let client: InternalHTTPClient

    package init(client: InternalHTTPClient) { self.client = client }

    private func tokensPath(_ tenantID: String, _ idpID: String) -> String {
        "/internal/v1/tenants/\(pathSegment(tenantID))/idps/\(pathSegment(idpID))/tokens"
    }

    package func createToken(tenantID: String, idpID: String, _ request: TokenCreateRequest, logger: Logger) async throws -> IssuedToken {
        try await client.send(.POST, tokensPath(tenantID, idpID), body: request, logger: logger)
    }
    package func listTokens(tenantID: String, idpID: String, logger: Logger) async throws -> TokenList {
        try await client.send(.GET, tokensPath(tenantID, idpID), logger: logger)
    }
    package func revokeAll(tenantID: String, idpID: String?, logger: Logger) async throws {
        let path = idpID.map { tokensPath(tenantID, $0) } ?? "/internal/v1/tenants/\(pathSegment(tenantID))/tokens"
        try await client.sendExpectingNoContent(.DELETE, path, logger: logger)
    }
    package func verify(token: String, logger: Logger) async throws -> TokenVerification {
        try await client.send(.POST, "/internal/v1/verify", body: TokenVerifyRequest(token: token), logger: logger)
    }
}
