import Configuration
import ServiceKit

/// The directory's settings for the provisioning log (README "Provisioning log").
///
/// - `provisioning.log.retention.days` (`PROVISIONING_LOG_RETENTION_DAYS`, default 30): how long entries and
///   per-minute counts stay.
/// - `provisioning.log.prune.interval` (`PROVISIONING_LOG_PRUNE_INTERVAL`, seconds, default 60, 0 = off): how often
///   the background pruner removes expired rows.
struct ProvisioningLogSettings: Sendable {
    var retentionDays: Int = 30
    var pruneInterval: Duration = .seconds(60)

    init(retentionDays: Int = 30, pruneInterval: Duration = .seconds(60)) {
        self.retentionDays = retentionDays
        self.pruneInterval = pruneInterval
    }

    init(reader: ConfigReader) throws {
        let days = reader.int(forKey: "provisioning.log.retention.days", default: 30)
        guard (1...3650).contains(days) else {
            throw ServiceConfiguration.Invalid(description: "PROVISIONING_LOG_RETENTION_DAYS must be between 1 and 3650.")
        }
        let interval = reader.int(forKey: "provisioning.log.prune.interval", default: 60)
        guard (0...86_400).contains(interval) else {
            throw ServiceConfiguration.Invalid(description: "PROVISIONING_LOG_PRUNE_INTERVAL must be between 0 and 86400 seconds.")
        }
        self.init(retentionDays: days, pruneInterval: .seconds(interval))
    }
}
