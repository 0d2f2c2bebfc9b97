import Metrics

/// Hits and misses of one of a service's caches (`provisio_cache_hits_total{cache}`,
/// `provisio_cache_misses_total{cache}`), counted through handles made once.
package struct CacheMetrics: Sendable {
    private let hits: Counter
    private let misses: Counter

    package init(cache: String) {
        hits = Counter(label: MetricName.cacheHits, dimensions: [("cache", cache)])
        misses = Counter(label: MetricName.cacheMisses, dimensions: [("cache", cache)])
    }

    package func hit() { hits.increment() }
    package func miss() { misses.increment() }
}
