import InternalAPI

/// A page of a tenant's feed: the events' stored JSON text in ascending order and where the next page starts.
struct ChangeEventPage: Sendable, Hashable {
    /// Each event's `body` as stored (the JSON the feed and webhooks send).
    var bodies: [String]
    /// The sequence number the next request continues after.
    var next: Int64
}

/// The change-event outbox as the feed and retention read it (the writes append to it themselves,
/// ``ChangeEventOutbox``).
protocol ChangeEventStore: Sendable {
    /// A page of the tenant's feed: 404 for an unknown tenant, 410 for a cursor retention has passed, 400 for a
    /// cursor ahead of the feed.
    func changeEvents(tenantID: String, request: ChangeEventFeedRequest) async throws -> ChangeEventPage
    /// Deletes, in batches of at most `batchSize` and oldest first, the events stamped before `cutoff` (a
    /// ``Persistence/Timestamp`` text), moving each tenant's `pruned_through`. Returns how many went.
    func pruneChangeEvents(before cutoff: String, batchSize: Int, maximumBatches: Int) async throws -> Int
}
