import Foundation
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import Synchronization

/// The token lifecycle and OAuth parts of the fake token service: enough for the gateway's own logic (routing,
/// IdP checks, RFC 6749 protocol checks, cache invalidation). The real behaviour is tested in TokenServiceTests
/// and end to end.
extension FakeTokenClient {
    static let clientID = "pvc_fakeclient00000001"
    static let clientSecret = "pvcs_fake-secret"

    func recreateToken(
        tenantID: String,
        idpID: String,
        tokenID: String,
        _ request: TokenRecreateRequest,
        logger: Logger
    ) async throws -> RecreatedToken {
        let issued = try await createToken(tenantID: tenantID, idpID: idpID, TokenCreateRequest(validDays: 30), logger: logger)
        try await revokeToken(tenantID: tenantID, idpID: idpID, tokenID: tokenID, logger: logger)
        return RecreatedToken(token: issued.token, metadata: issued.metadata, replaced: issued.metadata)
    }

    func setTokenValidity(
        tenantID: String,
        idpID: String,
        tokenID: String,
        _ request: TokenCreateRequest,
        logger: Logger
    ) async throws -> TokenMetadata {
        throw ScimError.notFound("Token '\(tokenID)' not found.")
    }

    func revokeToken(tenantID: String, idpID: String, tokenID: String, logger: Logger) async throws {
        state.withLock { state in state.tokens = state.tokens.filter { $0.value.tokenID != tokenID } }
    }

    func tokenEvents(tenantID: String, idpID: String, limit: Int, logger: Logger) async throws -> [TokenEvent] { [] }

    func createClient(tenantID: String, idpID: String, logger: Logger) async throws -> IssuedClientSecret {
        IssuedClientSecret(clientID: Self.clientID, clientSecret: Self.clientSecret, client: Self.client(tenantID, idpID))
    }

    func listClients(tenantID: String, idpID: String, logger: Logger) async throws -> [OAuthClientMetadata] { [Self.client(tenantID, idpID)] }

    /// Without a grace period the access tokens issued before stop verifying, as the token service does.
    func rotateClientSecret(
        tenantID: String,
        idpID: String,
        clientID: String,
        _ request: ClientRotateRequest,
        logger: Logger
    ) async throws
        -> IssuedClientSecret
    {
        if (request.graceHours ?? 0) == 0 { forgetAccessTokens(of: clientID) }
        return IssuedClientSecret(clientID: clientID, clientSecret: Self.clientSecret, client: Self.client(tenantID, idpID))
    }

    func revokeClient(tenantID: String, idpID: String, clientID: String, logger: Logger) async throws {
        forgetAccessTokens(of: clientID)
    }

    private func forgetAccessTokens(of clientID: String) {
        state.withLock { state in state.tokens = state.tokens.filter { $0.value.clientID != clientID } }
    }

    /// Accepts the fake client of tenant "acme" (scope `scim` only) and issues a JWT-shaped token for acme/okta.
    func grant(tenantID: String, _ grant: ClientCredentialsGrant, logger: Logger) async throws -> OAuthAccessToken {
        guard tenantID == "acme", grant.clientID == Self.clientID, grant.clientSecret == Self.clientSecret else {
            throw ScimError.unauthorized("Client authentication failed.")
        }
        if let scope = grant.scope, scope != "scim" { throw ScimError.invalidValue("The only scope is 'scim'.") }
        let token = "eyJhbGciOiJFUzI1NiJ9.\(UUID().uuidString).sig"
        state.withLock {
            $0.tokens[token] = TokenVerification(
                tenantID: "acme",
                idpID: "okta",
                tokenID: "oauth:" + UUID().uuidString,
                expiresAt: nil,
                clientID: Self.clientID
            )
        }
        return OAuthAccessToken(accessToken: token, expiresIn: 3600, scope: "scim")
    }

    func jwks(logger: Logger) async throws -> JWKSet { JWKSet(keys: [PublicJWK(x: "x", y: "y", kid: "k-fake")]) }

    func signingKeys(logger: Logger) async throws -> [SigningKeyMetadata] { [] }

    func rotateSigningKey(logger: Logger) async throws -> [SigningKeyMetadata] { [] }

    private static func client(_ tenantID: String, _ idpID: String) -> OAuthClientMetadata {
        OAuthClientMetadata(
            clientID: clientID,
            tenantID: tenantID,
            idpID: idpID,
            createdAt: Date(timeIntervalSince1970: 1_893_456_000),
            secretRotatedAt: nil,
            previousSecretValidUntil: nil,
            lastUsedAt: nil,
            revokedAt: nil
        )
    }
}
