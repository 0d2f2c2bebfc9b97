import Synchronization

/// The mappers of recently active identity providers, so that mapping a user during a sync does not fetch the
/// tenant's attributes and the IdP's mappings and rebuild the mapper for every request. The gateway's
/// `IdentityMapper` keeps one in front of the mapping service.
///
/// A change made through this process invalidates the tenant's entries at once. A change made through another
/// replica reaches this one within ``ttl``; the mapping service's re-apply jobs wait that long before their
/// first batch (`ReapplyRunner.settleDelay`), so no user is mapped with the old rules after the job has passed it.
package final class MapperCache: Sendable {
    private struct Key: Hashable {
        var tenantID: String
        var idpID: String
    }

    private struct Entry {
        var mapper: UserMapper
        var validUntil: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Bumped by every invalidation, so a load that started before one does not store what it read.
        var generation: [String: Int] = [:]
    }

    package let ttl: Duration
    private let state = Mutex(State())
    private let capacity = 10_000

    /// The life of an entry unless told otherwise; the mapping service's re-apply jobs wait it out.
    package static let defaultTTL: Duration = .seconds(1)

    package init(ttl: Duration = defaultTTL) { self.ttl = ttl }

    package func mapper(tenantID: String, idpID: String, load: () async throws -> UserMapper) async throws -> UserMapper {
        let key = Key(tenantID: tenantID, idpID: idpID)
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { state in
            (state.entries[key].flatMap { $0.validUntil > now ? $0.mapper : nil }, state.generation[tenantID, default: 0])
        }
        if let cached { return cached }
        let mapper = try await load()
        guard ttl > .zero else { return mapper }
        state.withLock { state in
            guard state.generation[tenantID, default: 0] == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = Entry(mapper: mapper, validUntil: now.advanced(by: ttl))
        }
        return mapper
    }

    /// Forgets every mapper of a tenant (its attributes or one of its IdPs' mappings changed).
    package func invalidate(tenantID: String) {
        state.withLock { state in
            state.generation[tenantID, default: 0] += 1
            state.entries = state.entries.filter { $0.key.tenantID != tenantID }
        }
    }
}
