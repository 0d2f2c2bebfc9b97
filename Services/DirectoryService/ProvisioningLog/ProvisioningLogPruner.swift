import Foundation
import Logging
import Persistence
import ServiceLifecycle

/// Removes provisioning log entries and per-minute counts older than the retention, every `interval`, in batches of
/// at most ``batchSize`` rows (each its own short transaction, off the write path of SCIM requests). Several
/// replicas may run it at once.
struct ProvisioningLogPruner: Service {
    let store: ProvisioningLogStore
    let settings: ProvisioningLogSettings
    let logger: Logger
    /// Rows per batch, and batches per run and table (the rest waits for the next run).
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

    func pruneOnce(now: Date = Date()) async {
        let cutoff = Timestamp.string(from: now.addingTimeInterval(-TimeInterval(settings.retentionDays) * 86_400))
        do {
            let pruned = try await store.prune(before: cutoff, batchSize: batchSize, maximumBatches: maximumBatches)
            if pruned > 0 { logger.info("Expired provisioning log rows pruned", metadata: ["rows.pruned": "\(pruned)"]) }
        } catch {
            logger.warning("Pruning the provisioning log failed", metadata: ["error": "\(error)"])
        }
    }
}
