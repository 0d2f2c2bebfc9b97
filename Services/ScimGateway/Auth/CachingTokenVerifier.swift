import Foundation
import InternalAPI
import Logging
import ServiceClients
import Synchronization

/// Verifies bearer tokens with the token service and remembers successes for a short time, so a stream of
/// SCIM calls does not pay an internal hop per request. Failures are not remembered: a newly issued token
/// works at once. A revoked token stops working on every replica within `ttl`.
///
/// Entries are keyed by the token's ``TokenFingerprint`` (its SHA-256), so the cache holds no secret.
final class CachingTokenVerifier: Sendable {
    private struct Entry {
        var verification: TokenVerification
        var validUntil: ContinuousClock.Instant
    }

    private let tokens: any TokenClient
    private let ttl: Duration
    private let entries = Mutex<[TokenFingerprint: Entry]>([:])
    private let capacity = 10_000

    init(tokens: any TokenClient, ttl: Duration) {
        self.tokens = tokens
        self.ttl = ttl
    }

    func verify(_ token: String, fingerprint key: TokenFingerprint, logger: Logger) async throws -> TokenVerification {
        let now = ContinuousClock.now
        if let hit = entries.withLock({ $0[key] }), hit.validUntil > now, hit.verification.expiresAt.map({ $0 > Date() }) ?? true {
            return hit.verification
        }
        let verification = try await tokens.verify(token: token, logger: logger)
        if ttl > .zero {
            entries.withLock { entries in
                if entries.count >= capacity {
                    entries = entries.filter { $0.value.validUntil > now }
                    if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                }
                entries[key] = Entry(verification: verification, validUntil: now.advanced(by: ttl))
            }
        }
        return verification
    }

    /// Forgets the cached verifications of one token (after an admin revoked or recreated it through this replica;
    /// other replicas forget it within `ttl`).
    func invalidate(tokenID: String) {
        entries.withLock { entries in entries = entries.filter { $0.value.verification.tokenID != tokenID } }
    }
}
