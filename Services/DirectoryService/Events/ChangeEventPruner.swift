import Foundation
import Logging
import Persistence
import ServiceLifecycle

/// Removes change events older than the retention, every `interval`, in small batches (each its own short
/// transaction, so writers wait on the numbering row for one batch at most). Several replicas may run it at once.
struct ChangeEventPruner<Store: ChangeEventStore>: Service {
    let store: Store
    let settings: EventSettings
    let logger: Logger
    /// Events per batch, and batches per run (the rest waits for the next run).
    var batchSize = 1000
    var maximumBatches = 1000

    func run() async throws {
        guard settings.pruneInterval > .zero else {  // off: stay until shutdown (a service that returns stops the group)
            try? await gracefulShutdown()
            return
        }
        while !Task.isShuttingDownGracefully {
            await pruneOnce()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.pruneInterval) }
            } catch {
                return
            }
        }
    }

    func pruneOnce() async {
        let cutoff = Timestamp.string(from: Date().addingTimeInterval(-TimeInterval(settings.retentionDays) * 86_400))
        do {
            let pruned = try await store.pruneChangeEvents(before: cutoff, batchSize: batchSize, maximumBatches: maximumBatches)
            if pruned > 0 { logger.info("Expired change events pruned", metadata: ["events.pruned": "\(pruned)"]) }
        } catch {
            logger.warning("Pruning change events failed", metadata: ["error": "\(error)"])
        }
    }
}
