import NIOHTTP1
import InternalAPI
import Logging

/// The token service as its callers see it.
package protocol TokenClient: Sendable {
    func createToken(tenantID: String, idpID: String, _ request: TokenCreateRequest, logger: Logger) async throws -> IssuedToken
    func listTokens(tenantID: String, idpID: String, logger: Logger) async throws -> [TokenMetadata]
    /// Revokes every token of an identity provider (when it is deleted), or of a whole tenant when `idpID` is nil.
    func revokeAll(tenantID: String, idpID: String?, logger: Logger) async throws
    /// The tenant and identity provider a bearer token authenticates; 401 `ScimError` when it does not.
    func verify(token: String, logger: Logger) async throws -> TokenVerification
}

package struct HTTPTokenClient: TokenClient {
    private let client: InternalHTTPClient

    package init(client: InternalHTTPClient) { self.client = client }

    private func tokensPath(_ tenantID: String, _ idpID: String) -> String {
        "/internal/v1/tenants/\(pathSegment(tenantID))/idps/\(pathSegment(idpID))/tokens"
    }

    package func createToken(tenantID: String, idpID: String, _ request: TokenCreateRequest, logger: Logger) async throws -> IssuedToken {
        try await client.send(.POST, tokensPath(tenantID, idpID), body: request, logger: logger)
    }
    package func listTokens(tenantID: String, idpID: String, logger: Logger) async throws -> [TokenMetadata] {
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
