import Foundation
import InternalAPI
import Logging
import ServiceClients

/// Verifies bearer tokens with the token service and remembers successes for a short time, so a stream of
/// SCIM calls does not pay an internal hop per request. Failures are not remembered: a newly issued token
/// works at once. A revoked token stops working on every replica within `ttl`.
///
/// A verification is renewed by one request at a time (``RenewingCache``); a token past its own expiry is never
/// served from the cache, and a failed verification forgets the token.
///
/// Entries are keyed by the token's ``TokenFingerprint`` (its SHA-256), so the cache holds no secret.
final class CachingTokenVerifier: Sendable {
    private let tokens: any TokenClient
    private let cache: RenewingCache<TokenFingerprint, TokenVerification>

    init(tokens: any TokenClient, ttl: Duration) {
        self.tokens = tokens
        self.cache = RenewingCache(ttl: ttl, failedRenewal: .forget, name: "token")
    }

    func verify(_ token: String, fingerprint key: TokenFingerprint, logger: Logger) async throws -> TokenVerification {
        try await cache.value(
            for: key,
            isUsable: { verification in verification.expiresAt.map { $0 > Date() } ?? true },
            fetch: { try await tokens.verify(token: token, logger: logger) }
        )
    }

    /// Forgets the cached verifications of one token (after an admin revoked or recreated it through this replica;
    /// other replicas forget it within `ttl`).
    func invalidate(tokenID: String) {
        cache.invalidate { _, verification in verification.tokenID == tokenID }
    }

    /// Forgets the cached verifications of every access token of one OAuth client (after an admin revoked the client
    /// or rotated its secret through this replica; other replicas forget them within `ttl`).
    func invalidate(clientID: String) {
        cache.invalidate { _, verification in verification.clientID == clientID }
    }
}
