import Foundation
import InternalAPI
import Logging
import ServiceClients

/// Verifies tenant API keys with the token service and remembers successes for `ttl` (the gateway's token cache TTL),
/// as ``CachingTokenVerifier`` does for SCIM tokens: a key revoked through this replica stops at once (``invalidate(keyID:)``),
/// on other replicas within `ttl`. Failures are not remembered; entries are keyed by the key's SHA-256, never the key.
final class CachingApiKeyVerifier: Sendable {
    private let tokens: any TokenClient
    private let cache: RenewingCache<TokenFingerprint, ApiKeyVerification>

    init(tokens: any TokenClient, ttl: Duration) {
        self.tokens = tokens
        self.cache = RenewingCache(ttl: ttl, failedRenewal: .forget, name: "api_key")
    }

    func verify(_ key: String, fingerprint: TokenFingerprint, logger: Logger) async throws -> ApiKeyVerification {
        try await cache.value(for: fingerprint, fetch: { try await tokens.verifyApiKey(key, logger: logger) })
    }

    /// Forgets one key's cached verification (after it was revoked through this replica).
    func invalidate(keyID: String) {
        cache.invalidate { _, verification in verification.keyID == keyID }
    }
}
