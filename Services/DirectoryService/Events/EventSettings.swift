import Configuration
import ServiceKit

/// The directory's settings for change events.
///
/// - `event.retention.days` (`EVENT_RETENTION_DAYS`, default 30): how long events stay in the feed; a cursor older
///   than that is 410.
/// - `event.prune.interval` (`EVENT_PRUNE_INTERVAL`, seconds, default 60, 0 = off): how often the background
///   pruner removes expired events.
struct EventSettings: Sendable {
    var retentionDays: Int = 30
    var pruneInterval: Duration = .seconds(60)

    init(retentionDays: Int = 30, pruneInterval: Duration = .seconds(60)) {
        self.retentionDays = retentionDays
        self.pruneInterval = pruneInterval
    }

    init(reader: ConfigReader) throws {
        let days = reader.int(forKey: "event.retention.days", default: 30)
        guard (1...3650).contains(days) else {
            throw ServiceConfiguration.Invalid(description: "EVENT_RETENTION_DAYS must be between 1 and 3650.")
        }
        let interval = reader.int(forKey: "event.prune.interval", default: 60)
        guard (0...86_400).contains(interval) else {
            throw ServiceConfiguration.Invalid(description: "EVENT_PRUNE_INTERVAL must be between 0 and 86400 seconds.")
        }
        self.init(retentionDays: days, pruneInterval: .seconds(interval))
    }
}
