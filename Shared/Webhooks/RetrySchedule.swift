/// When a failed delivery is tried again (README "Webhooks"): after the first attempt fails, 5 s, 5 min, 30 min,
/// 2 h, 5 h, 10 h and 10 h (about 28 hours in all), then every 10 h until the endpoint has failed for the disabling
/// period. Each delay is jittered by up to ±10 %. A `Retry-After` the receiver sends replaces the delay, bounded.
package struct RetrySchedule: Sendable, Equatable {
    /// Seconds to wait after the n-th consecutive failure (index 0: after the first); the last repeats.
    package var delays: [Double]
    /// The largest `Retry-After` honoured, in seconds.
    package var maximumRetryAfter: Double

    package static let standard = RetrySchedule(
        delays: [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000],
        maximumRetryAfter: 86_400
    )

    package init(delays: [Double], maximumRetryAfter: Double) {
        precondition(!delays.isEmpty)
        self.delays = delays
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// Seconds until the next attempt after `failures` consecutive failures (1 or more). `unit` is a random number in
    /// 0..<1 (the jitter: ±10 %); `retryAfter` the receiver's own wish, in seconds, clamped to 0...maximumRetryAfter.
    package func delay(afterFailures failures: Int, unit: Double, retryAfter: Double? = nil) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), maximumRetryAfter) }
        let base = delays[min(max(failures, 1), delays.count) - 1]
        return base * (0.9 + 0.2 * min(max(unit, 0), 1))
    }

    /// `Retry-After` as seconds: a non-negative integer, or nil (an HTTP date is not honoured; the schedule applies).
    package static func retryAfterSeconds(_ header: String?) -> Double? {
        guard let header, let seconds = Int(header.trimmedOfBlanks()), seconds >= 0 else { return nil }
        return Double(seconds)
    }
}

extension String {
    fileprivate func trimmedOfBlanks() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
