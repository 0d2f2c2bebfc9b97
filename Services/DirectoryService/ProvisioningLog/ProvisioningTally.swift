import InternalAPI

/// What one stored batch adds to the per-minute counts and to each IdP's summary, added up in memory first so that
/// the batch costs one upsert per row of each, not one per entry.
struct ProvisioningTally {
    struct Counts: Sendable {
        var success: Int64 = 0
        var failure: Int64 = 0
        var skipped: Int64 = 0
        var reads: Int64 = 0
    }

    /// The latest times the batch holds for one IdP (`request` counts reads too, at their minute).
    struct Latest: Sendable {
        var request: String?
        var success: String?
        var failure: String?
        /// The latest failure's detail.
        var error: String?
    }

    struct MinuteKey: Hashable, Comparable, Sendable {
        let idp: IdPKey
        let minute: String

        static func < (lhs: MinuteKey, rhs: MinuteKey) -> Bool { (lhs.idp, lhs.minute) < (rhs.idp, rhs.minute) }
    }

    private(set) var minutes: [MinuteKey: Counts] = [:]
    private(set) var latest: [IdPKey: Latest] = [:]

    init(entries: [ProvisioningLogEntry], reads: [ProvisioningReadCount]) {
        for entry in entries {
            let idp = IdPKey(entry.tenantID, entry.idpID)
            let key = MinuteKey(idp: idp, minute: Self.minute(of: entry.time))
            var last = latest[idp] ?? Latest()
            last.request = Self.later(last.request, entry.time)
            switch entry.status {
            case .success:
                minutes[key, default: Counts()].success += 1
                last.success = Self.later(last.success, entry.time)
            case .skipped:
                minutes[key, default: Counts()].skipped += 1
                last.success = Self.later(last.success, entry.time)
            case .failure:
                minutes[key, default: Counts()].failure += 1
                if last.failure.map({ entry.time > $0 }) ?? true {
                    last.failure = entry.time
                    last.error = entry.detail ?? entry.scimType ?? "HTTP \(entry.httpStatus)"
                }
            }
            latest[idp] = last
        }
        for read in reads where read.count > 0 {
            let idp = IdPKey(read.tenantID, read.idpID)
            minutes[MinuteKey(idp: idp, minute: read.minute), default: Counts()].reads += Int64(read.count)
            latest[idp, default: Latest()].request = Self.later(latest[idp]?.request, read.minute)
        }
    }

    /// The minute a stored timestamp falls in, as a stored timestamp (`2026-12-07T10:15:00.000Z`).
    static func minute(of time: String) -> String {
        String(time.prefix(16)) + ":00.000Z"
    }

    private static func later(_ current: String?, _ time: String) -> String {
        guard let current, current > time else { return time }
        return current
    }
}
