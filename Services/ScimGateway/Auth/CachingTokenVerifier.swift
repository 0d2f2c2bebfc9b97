import Foundation
import InternalAPI
import Logging
import ServiceClients
import Synchronization

/// Verifies bearer tokens with the token service and remembers successes for a short time, so a stream of
/// SCIM calls does not pay an internal hop per request. Failures are not remembered: a newly issued token
/// works at once. A revoked token stops working on every replica within `ttl`.
///
/// When a verification expires, one request verifies the token again while the others go on with the verification
/// they had, for the few milliseconds that takes: with 64 requests in flight on one token, an expiry used to send
/// all 64 to the token service at once, once every `ttl`. A token past its own expiry is never served from the cache,
/// and a failed verification forgets the token.
///
/// Entries are keyed by the token's ``TokenFingerprint`` (its SHA-256), so the cache holds no secret.
final class CachingTokenVerifier: Sendable {
    private struct Entry {
        var verification: TokenVerification
        var validUntil: ContinuousClock.Instant
        var refreshing = false
    }

    private struct State {
        var entries: [TokenFingerprint: Entry] = [:]
        /// Bumped by every invalidation, so that a verification which started before one does not store its answer.
        var generation = 0
    }

    private enum Plan {
        case use(TokenVerification)
        case verify(generation: Int)
    }

    private let tokens: any TokenClient
    private let ttl: Duration
    private let state = Mutex(State())
    private let capacity = 10_000

    init(tokens: any TokenClient, ttl: Duration) {
        self.tokens = tokens
        self.ttl = ttl
    }

    func verify(_ token: String, fingerprint key: TokenFingerprint, logger: Logger) async throws -> TokenVerification {
        let now = ContinuousClock.now
        let plan = state.withLock { state -> Plan in
            guard var entry = state.entries[key], entry.verification.expiresAt.map({ $0 > Date() }) ?? true else {
                return .verify(generation: state.generation)
            }
            if entry.validUntil > now || entry.refreshing { return .use(entry.verification) }
            entry.refreshing = true
            state.entries[key] = entry
            return .verify(generation: state.generation)
        }
        let generation: Int
        switch plan {
        case .use(let verification): return verification
        case .verify(let started): generation = started
        }
        let verification: TokenVerification
        do {
            verification = try await tokens.verify(token: token, logger: logger)
        } catch {
            state.withLock { $0.entries[key] = nil }
            throw error
        }
        guard ttl > .zero else { return verification }
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity {
                state.entries = state.entries.filter { $0.value.validUntil > now }
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[key] = Entry(verification: verification, validUntil: ContinuousClock.now.advanced(by: ttl))
        }
        return verification
    }

    /// Forgets the cached verifications of one token (after an admin revoked or recreated it through this replica;
    /// other replicas forget it within `ttl`).
    func invalidate(tokenID: String) {
        state.withLock { state in
            state.generation += 1
            state.entries = state.entries.filter { $0.value.verification.tokenID != tokenID }
        }
    }
}
