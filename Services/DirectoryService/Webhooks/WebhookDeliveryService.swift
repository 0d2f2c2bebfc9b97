import AsyncHTTPClient
import Logging
import Persistence
import ServiceKit
import ServiceLifecycle

/// The directory's webhook worker, a background service (nothing else to run): every poll interval it claims the
/// endpoints that have something due, up to its concurrency, and delivers each in a task of its own. On SQLite one
/// process delivers; on PostgreSQL every replica runs one and the leases share the endpoints out. A restart resumes
/// from the state in the database.
struct WebhookDeliveryService: Service, CustomStringConvertible {
    let store: WebhookStore
    let activity: WriteActivity
    let logger: Logger
    var description: String { "WebhookDeliveryService" }

    private enum Finished: Sendable {
        case tick
        case endpoint
    }

    func run() async throws {
        let settings = store.settings
        let owner = RandomUUID.lowercasedString()
        if store.storage.engine == .sqlite { try await store.releaseAllLeases() }
        let client = WebhookSender.makeClient(timeout: settings.timeout)
        let metrics = WebhookMetrics()
        let delivery = EndpointDelivery(
            store: store,
            sender: WebhookSender(client: client, timeout: settings.timeout),
            addresses: WebhookAddressCheck(allowPrivateNetworks: settings.allowPrivateNetworks),
            owner: owner,
            activity: activity,
            logger: logger,
            metrics: metrics
        )
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Finished.self) { group in
                var running = 0
                var pendingCountedAt: ContinuousClock.Instant?
                group.addTask { .tick }
                while let finished = await group.next(), !Task.isCancelled {
                    guard finished == .tick else {
                        running -= 1
                        continue
                    }
                    if pendingCountedAt.map({ ContinuousClock.now - $0 >= WebhookMetrics.pendingCountInterval }) ?? true {
                        pendingCountedAt = .now
                        await countPending(into: metrics)
                    }
                    var claimed: [WebhookEndpoint] = []
                    if running < settings.concurrentEndpoints {
                        claimed = await claim(owner: owner, limit: settings.concurrentEndpoints - running)
                    }
                    for endpoint in claimed {
                        running += 1
                        group.addTask {
                            await delivery.run(endpoint)
                            return .endpoint
                        }
                    }
                    group.addTask {
                        try? await Task.sleep(for: settings.pollInterval)
                        return .tick
                    }
                }
                group.cancelAll()
                await group.waitForAll()
            }
        }
        try? await client.shutdown()
    }

    private func countPending(into metrics: WebhookMetrics) async {
        do {
            metrics.pending(endpoints: try await store.pendingEndpointCount())
        } catch {
            logger.debug("Could not count pending webhook endpoints", metadata: ["error": "\(String(describing: error).prefix(300))"])
        }
    }

    private func claim(owner: String, limit: Int) async -> [WebhookEndpoint] {
        do {
            return try await store.claim(owner: owner, limit: limit)
        } catch {
            logger.warning("Could not claim webhook endpoints", metadata: ["error": "\(String(describing: error).prefix(300))"])
            return []
        }
    }
}
