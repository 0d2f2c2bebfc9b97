import Synchronization

/// When a PostgreSQL database that fills up fast should gather planner statistics.
///
/// PostgreSQL plans from statistics that only `ANALYZE` gathers, and autovacuum's first analyze of a table comes up
/// to a minute after the table starts filling. A directory filled by an initial sync is planned blind until then:
/// PostgreSQL answered `userName eq` by walking the listing index and filtering every user of the IdP — 60 ms per
/// lookup at 20,000 users instead of 0.08 ms — and IdPs look each user up before creating it. So the storage
/// analyzes after its first 1,000 writes and again each time its count of writes doubles, up to about a million;
/// past that, autovacuum's own thresholds keep up. Writes are counted per process (per replica).
final class GrowthStatistics: Sendable {
    static let firstAnalysis = 1_000
    static let lastAnalysis = 1_024_000

    private let writes = Atomic<Int>(0)

    /// Counts one committed write; true for the write after which the database should be analyzed.
    func countWrite() -> Bool {
        Self.isAnalysisPoint(writes.wrappingAdd(1, ordering: .relaxed).newValue)
    }

    /// 1,000, 2,000, 4,000, … 1,024,000.
    static func isAnalysisPoint(_ count: Int) -> Bool {
        guard count >= firstAnalysis, count <= lastAnalysis, count.isMultiple(of: firstAnalysis) else { return false }
        let multiple = count / firstAnalysis
        return multiple & (multiple - 1) == 0
    }
}
