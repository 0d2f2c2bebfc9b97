import Foundation
import ServiceKit
import Synchronization

/// Counts failed authentications per source address on this gateway replica (in memory, not shared between
/// replicas) and refuses a source that failed `limit` times within `window` for one `window` from the failure that
/// reached the limit.
///
/// A blocked source can still use a token that authenticated successfully on this replica within the last
/// hour (its SHA-256 is remembered, never the token), so an attacker sharing the IdP's egress address cannot
/// lock the IdP out; only unknown or wrong credentials from that source are refused with 429.
final class AuthFailureLimiter: Sendable {
    private struct Source {
        var failures: Int
        var windowStart: ContinuousClock.Instant
        var blockedUntil: ContinuousClock.Instant?
    }

    let limit: Int
    let window: Duration
    private let trustDuration: Duration = .seconds(3600)
    private let capacity = 10_000
    private let sources = Mutex<[String: Source]>([:])
    private let trusted = Mutex<[TokenFingerprint: ContinuousClock.Instant]>([:])
    /// When the last block in force ends: before then no source needs looking up.
    private let latestBlockEnd = Mutex<ContinuousClock.Instant?>(nil)
    /// The current instant: the continuous clock's, or that of a clock a test moves by hand.
    private let clock: @Sendable () -> ContinuousClock.Instant

    /// `limit` 0 turns the limiter off.
    init(limit: Int, window: Duration, clock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.limit = limit
        self.window = window
        self.clock = clock
    }

    /// Seconds until the source may try again, or nil when it is not blocked. `source` is only read while some
    /// source is blocked.
    func retryAfter(source: @autoclosure () -> String) -> Int? {
        guard limit > 0 else { return nil }
        let now = clock()
        guard let latest = latestBlockEnd.withLock({ $0 }), latest > now else { return nil }
        let source = source()
        guard let until = sources.withLock({ $0[source]?.blockedUntil }), until > now else { return nil }
        let remaining = now.duration(to: until).components
        return max(1, Int(remaining.seconds) + (remaining.attoseconds > 0 ? 1 : 0))
    }

    func recordFailure(source: String) {
        guard limit > 0 else { return }
        let now = clock()
        sources.withLock { sources in
            if sources.count >= capacity, sources[source] == nil {
                sources = sources.filter { $0.value.windowStart.advanced(by: window) > now || ($0.value.blockedUntil ?? now) > now }
                if sources.count >= capacity { sources.removeAll(keepingCapacity: true) }
            }
            var entry = sources[source] ?? Source(failures: 0, windowStart: now, blockedUntil: nil)
            if entry.windowStart.advanced(by: window) <= now, (entry.blockedUntil ?? now) <= now {
                entry = Source(failures: 0, windowStart: now, blockedUntil: nil)
            }
            entry.failures += 1
            if entry.failures >= limit {
                let until = now.advanced(by: window)
                entry.blockedUntil = until
                latestBlockEnd.withLock { latest in latest = max(latest ?? until, until) }
            }
            sources[source] = entry
        }
    }

    /// Remembers a token that authenticated, so it keeps working from a blocked source.
    func recordSuccess(_ key: TokenFingerprint) {
        guard limit > 0 else { return }
        let now = clock()
        trusted.withLock { trusted in
            if trusted.count >= capacity { trusted = trusted.filter { $0.value > now } }
            if trusted.count >= capacity { trusted.removeAll(keepingCapacity: true) }
            trusted[key] = now.advanced(by: trustDuration)
        }
    }

    func isTrusted(_ key: TokenFingerprint) -> Bool {
        trusted.withLock { $0[key] }.map { $0 > clock() } ?? false
    }
}

extension ServiceRequestContext {
    /// The source ``AuthFailureLimiter`` counts a request's failed authentications against: its peer's address.
    var authenticationSource: String { remoteAddress ?? "unknown" }
}
