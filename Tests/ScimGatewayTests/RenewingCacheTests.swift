import ServiceKit
import Synchronization
import Testing

@testable import ScimGateway

@Suite("Values kept for a while and renewed by one caller at a time")
struct RenewingCacheTests {
    private final class Fetches: Sendable {
        let count = Atomic<Int>(0)
        func next(_ value: String) -> String {
            count.add(1, ordering: .relaxed)
            return value
        }
    }

    @Test("A full cache makes room: expired values go first, else everything")
    func capacity() async throws {
        let cache = RenewingCache<String, String>(ttl: .seconds(3600), failedRenewal: .forget, capacity: 2, name: "test")
        let fetches = Fetches()
        for key in ["a", "b", "c"] { _ = try await cache.value(for: key, fetch: { fetches.next(key) }) }
        #expect(fetches.count.load(ordering: .relaxed) == 3)
        #expect(try await cache.value(for: "c", fetch: { fetches.next("c") }) == "c")
        #expect(fetches.count.load(ordering: .relaxed) == 3, "c was kept")
        _ = try await cache.value(for: "a", fetch: { fetches.next("a") })
        #expect(fetches.count.load(ordering: .relaxed) == 4, "a was dropped to make room for c")
    }

    @Test("With a ttl of zero every caller fetches")
    func zeroTTL() async throws {
        let cache = RenewingCache<String, String>(ttl: .zero, failedRenewal: .serveStale, name: "test")
        let fetches = Fetches()
        for _ in 0..<3 { _ = try await cache.value(for: "a", fetch: { fetches.next("a") }) }
        #expect(fetches.count.load(ordering: .relaxed) == 3)
    }

    @Test("A value the caller finds unusable is fetched again even while fresh")
    func unusable() async throws {
        let cache = RenewingCache<String, String>(ttl: .seconds(3600), failedRenewal: .forget, name: "test")
        let fetches = Fetches()
        _ = try await cache.value(for: "a", fetch: { fetches.next("old") })
        #expect(try await cache.value(for: "a", isUsable: { $0 != "old" }, fetch: { fetches.next("new") }) == "new")
        #expect(try await cache.value(for: "a", isUsable: { $0 != "old" }, fetch: { fetches.next("newer") }) == "new")
    }

    @Test("Values served from the cache count as hits, fetched ones as misses, under the cache's name")
    func hitsAndMisses() async throws {
        MetricsExport.bootstrap()
        let cache = RenewingCache<String, String>(ttl: .seconds(3600), failedRenewal: .forget, name: "renewing-cache-test")
        for _ in 0..<3 { _ = try await cache.value(for: "a", fetch: { "a" }) }
        _ = try await cache.value(for: "b", fetch: { "b" })
        let text = String(decoding: MetricsExport.render(), as: UTF8.self)
        #expect(text.contains(#"provisio_cache_hits_total{cache="renewing-cache-test"} 2"#), "\(text)")
        #expect(text.contains(#"provisio_cache_misses_total{cache="renewing-cache-test"} 2"#))
    }
}
