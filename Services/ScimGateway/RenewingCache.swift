import ServiceKit
import Synchronization

/// Values fetched from another service and kept for `ttl`, renewed by one caller at a time.
///
/// When a value ages out, the first caller past the age fetches the next one while the callers beside it go on with
/// the value they had, for as long as that fetch takes: with 64 requests in flight on one IdP, an expiry would
/// otherwise send all 64 to the other service at once. A fetch that started before an invalidation does not store
/// what it read. With a `ttl` of zero nothing is kept. A value served from the cache counts as a hit in `metrics`,
/// one fetched (a renewal included) as a miss.
final class RenewingCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// What a failed renewal does with the value it was renewing.
    enum FailedRenewal: Sendable {
        /// Drops it; the failure reaches the caller (a token whose verification failed must not be used again).
        case forget
        /// Keeps serving it until a later renewal succeeds; the failure reaches only a caller with nothing cached.
        case serveStale
    }

    private struct Entry {
        var value: Value
        var until: ContinuousClock.Instant
        var renewing = false
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Bumped by every invalidation.
        var generation = 0
    }

    private enum Plan {
        case use(Value)
        case fetch(stale: Value?, generation: Int)
    }

    let ttl: Duration
    private let failedRenewal: FailedRenewal
    private let capacity: Int
    private let metrics: CacheMetrics
    private let state = Mutex(State())

    /// `name` labels the cache's hits and misses (`provisio_cache_hits_total{cache="token"}`).
    init(ttl: Duration, failedRenewal: FailedRenewal, capacity: Int = 10_000, name: String) {
        self.ttl = ttl
        self.failedRenewal = failedRenewal
        self.capacity = capacity
        self.metrics = CacheMetrics(cache: name)
    }

    /// The value for `key`: the kept one while it is fresh (or while another caller renews it), else `fetch`'s.
    /// `isUsable` may refuse a kept value outright, renewed or not (a token past its own expiry). `servedStale` is
    /// told why a renewal failed when the old value is served instead (``FailedRenewal/serveStale``).
    func value(
        for key: Key,
        isUsable: (Value) -> Bool = { _ in true },
        fetch: () async throws -> Value,
        servedStale: (any Error) -> Void = { _ in }
    ) async throws -> Value {
        guard ttl > .zero else {
            metrics.miss()
            return try await fetch()
        }
        let now = ContinuousClock.now
        let plan = state.withLock { state -> Plan in
            guard var entry = state.entries[key], isUsable(entry.value) else { return .fetch(stale: nil, generation: state.generation) }
            if entry.until > now || entry.renewing { return .use(entry.value) }
            entry.renewing = true
            state.entries[key] = entry
            return .fetch(stale: entry.value, generation: state.generation)
        }
        switch plan {
        case .use(let value):
            metrics.hit()
            return value
        case .fetch(let stale, let generation):
            metrics.miss()
            let value: Value
            do {
                value = try await fetch()
            } catch {
                switch (failedRenewal, stale) {
                case (.serveStale, .some(let stale)):
                    state.withLock { $0.entries[key]?.renewing = false }
                    servedStale(error)
                    return stale
                default:
                    state.withLock { $0.entries[key] = nil }
                    throw error
                }
            }
            store(value, for: key, generation: generation)
            return value
        }
    }

    /// Forgets every kept value `predicate` picks, and keeps any fetch under way from storing its answer.
    func invalidate(where predicate: (Key, Value) -> Bool) {
        state.withLock { state in
            state.generation += 1
            state.entries = state.entries.filter { !predicate($0.key, $0.value.value) }
        }
    }

    private func store(_ value: Value, for key: Key, generation: Int) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity, state.entries[key] == nil {
                state.entries = state.entries.filter { $0.value.until > now }
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[key] = Entry(value: value, until: now.advanced(by: ttl))
        }
    }
}
