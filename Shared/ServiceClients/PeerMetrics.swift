import Metrics

/// The metrics of the calls to one peer service, with their handles made once per client:
/// `provisio_peer_request_duration_seconds{peer, outcome}` (`ok` 2xx, `refused` 4xx, `failed` 5xx, `unreachable`: no
/// answer), `provisio_peer_errors_total{peer, reason}` (`unreachable`, `server_error`) and
/// `provisio_peer_retries_total{peer}` (a read sent again after a kept-alive connection closed under it).
struct PeerMetrics: Sendable {
    enum Outcome {
        case ok, refused, failed, unreachable
    }

    let retries: Counter
    private let ok: Timer
    private let refused: Timer
    private let failed: Timer
    private let unreachable: Timer
    private let unreachableErrors: Counter
    private let serverErrors: Counter

    init(peer: String) {
        func duration(_ outcome: String) -> Timer {
            Timer(label: "provisio_peer_request_duration_seconds", dimensions: [("peer", peer), ("outcome", outcome)])
        }
        ok = duration("ok")
        refused = duration("refused")
        failed = duration("failed")
        unreachable = duration("unreachable")
        unreachableErrors = Counter(label: "provisio_peer_errors_total", dimensions: [("peer", peer), ("reason", "unreachable")])
        serverErrors = Counter(label: "provisio_peer_errors_total", dimensions: [("peer", peer), ("reason", "server_error")])
        retries = Counter(label: "provisio_peer_retries_total", dimensions: [("peer", peer)])
    }

    func record(_ outcome: Outcome, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        switch outcome {
        case .ok: ok.record(duration: elapsed)
        case .refused: refused.record(duration: elapsed)
        case .failed:
            failed.record(duration: elapsed)
            serverErrors.increment()
        case .unreachable:
            unreachable.record(duration: elapsed)
            unreachableErrors.increment()
        }
    }

    static func outcome(status: UInt) -> Outcome {
        switch status {
        case 200..<300: .ok
        case 500...: .failed
        default: .refused
        }
    }
}
