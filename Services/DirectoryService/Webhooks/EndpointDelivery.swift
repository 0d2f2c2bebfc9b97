import Foundation
import Logging
import Persistence
import Webhooks

/// One claimed endpoint's deliveries, in order and one at a time, until it has nothing left, fails, or loses its
/// lease. Events come in batches; successes move the cursor in memory and are written back at most once a second
/// (or every 1,000 events), which also renews the lease. After a crash the events since the last write are delivered
/// again with the same `webhook-id` (at least once).
struct EndpointDelivery: Sendable {
    static let batchSize = 500
    static let progressEvery = 1_000
    static let progressInterval: Duration = .seconds(1)
    /// Successful attempts logged per progress write (every failure is logged).
    static let loggedSuccesses = 5

    let store: WebhookStore
    let sender: WebhookSender
    let addresses: WebhookAddressCheck
    let owner: String
    /// The directory's writes: delivery gives way to a burst of them (``WriteActivity``).
    let activity: WriteActivity
    let logger: Logger
    let metrics: WebhookMetrics

    func run(_ endpoint: WebhookEndpoint) async {
        do {
            try await deliver(endpoint)
        } catch {
            logger.warning(
                "Webhook delivery stopped",
                metadata: ["tenant.id": "\(endpoint.tenantID)", "webhook.id": "\(endpoint.id)", "error": "\(String(describing: error).prefix(300))"]
            )
            try? await Self.unlessCancelled { try await store.release(endpoint, owner: owner) }
        }
    }

    private func deliver(_ endpoint: WebhookEndpoint) async throws {
        let secrets = try store.signingSecrets(of: endpoint)
        var cursor = endpoint.deliveredThrough
        var savedCursor = cursor
        var lastSave = ContinuousClock.now
        // The newest successes since the last save, for the log (formatted only when saved: a time stamp per event costs).
        var successes: [(event: OutboxEvent, outcome: WebhookSender.Outcome, at: Date)] = []
        var successCount = 0
        var addressCheckedAt: ContinuousClock.Instant?

        func save(release: Bool) async throws -> Bool {
            let attempts = successes.map { attempt($0.event, $0.outcome, at: $0.at) }
            successes.removeAll(keepingCapacity: true)
            successCount = 0
            let through = cursor
            let kept = try await Self.unlessCancelled {
                try await store.saveProgress(endpoint, owner: owner, deliveredThrough: through, attempts: attempts, release: release)
            }
            savedCursor = cursor
            lastSave = .now
            return kept
        }

        var sliceStart = ContinuousClock.now
        var writesAtSliceStart = activity.count
        while true {
            let pause = WriteActivity.pause(worked: ContinuousClock.now - sliceStart, writes: activity.count - writesAtSliceStart)
            if pause > .zero { try? await Task.sleep(for: pause) }
            sliceStart = .now
            writesAtSliceStart = activity.count
            let batch = try await store.events(tenantID: endpoint.tenantID, after: cursor, limit: Self.batchSize)
            if batch.isEmpty || Task.isCancelled {
                _ = try await save(release: true)
                return
            }
            for event in batch {
                guard endpoint.wants(type: event.type, idpID: event.idpID) else {
                    cursor = event.sequence
                    continue
                }
                if addressCheckedAt.map({ ContinuousClock.now - $0 > .seconds(60) }) ?? true {
                    if let refusal = await addresses.refusal(url: endpoint.url) {
                        metrics.failed()
                        try await fail(endpoint, event: event, cursor: cursor, outcome: .init(latencyMs: 0, error: refusal.message))
                        return
                    }
                    addressCheckedAt = .now
                }
                let outcome = await sender.send(url: endpoint.url, id: event.id, body: event.body, secrets: secrets)
                guard outcome.succeeded else {
                    metrics.failed()
                    if cursor != savedCursor { _ = try await save(release: false) }
                    try await fail(endpoint, event: event, cursor: cursor, outcome: outcome)
                    return
                }
                metrics.delivered(lag: Timestamp.date(from: event.occurredAt).map { Date().timeIntervalSince($0) })
                cursor = event.sequence
                if successes.count == Self.loggedSuccesses { successes.removeFirst() }
                successes.append((event, outcome, Date()))
                successCount += 1
                if successCount >= Self.progressEvery || ContinuousClock.now - lastSave >= Self.progressInterval {
                    guard try await save(release: false) else { return }
                }
                if Task.isCancelled {
                    _ = try await save(release: true)
                    return
                }
            }
            if cursor != savedCursor, ContinuousClock.now - lastSave >= Self.progressInterval {
                guard try await save(release: false) else { return }
            }
        }
    }

    /// Records a failed attempt and schedules the next one; 410 Gone, or failing past the disabling period,
    /// disables the endpoint.
    private func fail(_ endpoint: WebhookEndpoint, event: OutboxEvent, cursor: Int64, outcome: WebhookSender.Outcome) async throws {
        let settings = store.settings
        let failures = endpoint.attemptCount + 1
        let failingSince = endpoint.failingSince ?? Timestamp.now()
        let failingFor = Date().timeIntervalSince(Timestamp.date(from: failingSince) ?? Date())
        let disable: String? =
            if outcome.gone {
                "the receiver answered 410 Gone"
            } else if failingFor >= settings.disableAfter.seconds {
                "failing since \(failingSince) (WEBHOOK_DISABLE_AFTER \(Int(settings.disableAfter.seconds)) s)"
            } else {
                nil
            }
        let attempts = [attempt(event, outcome)]
        let delay = settings.schedule.delay(afterFailures: failures, unit: Double.random(in: 0..<1), retryAfter: outcome.retryAfter)
        logger.notice(
            "Webhook delivery failed",
            metadata: [
                "tenant.id": "\(endpoint.tenantID)", "webhook.id": "\(endpoint.id)", "event.id": "\(event.id)",
                "status": "\(outcome.statusCode.map(String.init) ?? "-")", "error": "\(outcome.error ?? "")", "retry.in": "\(Int(delay)) s",
                "disabled": "\(disable != nil)",
            ]
        )
        try await Self.unlessCancelled {
            try await store.saveFailure(
                endpoint,
                owner: owner,
                deliveredThrough: cursor,
                attempts: attempts,
                retryIn: delay,
                failingSince: failingSince,
                disable: disable
            )
        }
    }

    private func attempt(_ event: OutboxEvent, _ outcome: WebhookSender.Outcome, at: Date = Date()) -> DeliveryAttempt {
        DeliveryAttempt(
            attemptedAt: Timestamp.string(from: at),
            eventID: event.id,
            eventType: event.type,
            sequence: event.sequence,
            statusCode: outcome.statusCode,
            latencyMs: outcome.latencyMs,
            error: outcome.error,
            succeeded: outcome.succeeded
        )
    }

    /// Runs a state write to its end even when the delivery task is being cancelled (shutdown): in a task of its own,
    /// which does not inherit the cancellation.
    static func unlessCancelled<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task { try await body() }.value
    }
}

extension WebhookSender.Outcome {
    init(latencyMs: Int, error: String) { self.init(statusCode: nil, retryAfter: nil, latencyMs: latencyMs, error: error) }
}
