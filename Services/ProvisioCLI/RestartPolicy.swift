import Foundation

/// When `provisio up` restarts a service that died, and when it gives up.
///
/// A service that exits on its own (a crash, SIGKILL, an OOM kill) is started again after a delay that doubles with
/// each restart of that service within the window: `initialDelay`, twice that, … up to `maximumDelay`. A service
/// that has already been restarted `maximumRestarts` times within the last `window` and dies once more is not
/// restarted: the stack stops, since something is wrong that restarting will not fix. A restart older than the window
/// no longer counts, so a service that dies once an hour is restarted every time, after `initialDelay`.
struct RestartPolicy: Sendable {
    /// Defaults: 0.5 s doubling to a 10 s cap; the stack stops at the 6th death of one service within 60 s.
    static let defaultInitialDelay = 0.5
    static let defaultMaximumDelay = 10.0
    static let defaultMaximumRestarts = 5
    static let defaultWindow = 60.0

    var initialDelay: Double = defaultInitialDelay
    var maximumDelay: Double = defaultMaximumDelay
    var maximumRestarts: Int = defaultMaximumRestarts
    var window: Double = defaultWindow

    /// The delay before the next restart, given the restarts already made within the window; nil means give up.
    func delay(afterRestarts count: Int) -> Double? {
        guard count < maximumRestarts else { return nil }
        return min(maximumDelay, initialDelay * pow(2, Double(count)))
    }
}

/// One service's restarts, for ``RestartPolicy``.
struct RestartHistory {
    private var times: [ContinuousClock.Instant] = []

    /// Restarts made within `window` seconds before `now`.
    mutating func count(within window: Double, now: ContinuousClock.Instant) -> Int {
        times.removeAll { now - $0 > .milliseconds(Int64(window * 1000)) }
        return times.count
    }

    mutating func record(_ time: ContinuousClock.Instant) { times.append(time) }
}
