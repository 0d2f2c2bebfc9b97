/// Latency samples in milliseconds, and the runners that collect them. Percentiles come from a sorted array
/// (nearest rank), which is exact for the few thousand samples a scenario takes.
struct Latencies: Sendable {
    private(set) var milliseconds: [Double] = []

    mutating func add(_ duration: Duration) { milliseconds.append(duration.milliseconds) }
    mutating func add(_ other: Latencies) { milliseconds += other.milliseconds }

    var count: Int { milliseconds.count }

    func percentile(_ p: Double) -> Double {
        guard !milliseconds.isEmpty else { return .nan }
        let sorted = milliseconds.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
    var p50: Double { percentile(50) }
    var p99: Double { percentile(99) }
    var mean: Double { milliseconds.isEmpty ? .nan : milliseconds.reduce(0, +) / Double(milliseconds.count) }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
    var seconds: Double { milliseconds / 1000 }
}

/// One measured run: how many operations, in what wall time, with which latencies.
struct RunResult: Sendable {
    var latencies: Latencies
    var wall: Duration
    /// CPU seconds the servers under test used during the run, when their processes are known (``ProcessCPU``).
    var serverCPU: Double? = nil
    var perSecond: Double { Double(latencies.count) / max(wall.seconds, 1e-9) }
    /// Server CPU milliseconds per request.
    var cpuPerRequest: Double? { serverCPU.map { $0 * 1000 / Double(max(latencies.count, 1)) } }
    /// CPU seconds this tool (the client) used during the run: it shares the cores with the servers.
    var clientCPU: Double? = nil
    /// Client CPU milliseconds per request.
    var clientCPUPerRequest: Double? { clientCPU.map { $0 * 1000 / Double(max(latencies.count, 1)) } }

    /// Two runs of the same operation taken one after the other: samples pooled, wall times and CPU added.
    func merged(with other: RunResult) -> RunResult {
        var latencies = self.latencies
        latencies.add(other.latencies)
        let cpu = serverCPU.flatMap { mine in other.serverCPU.map { mine + $0 } }
        let client = clientCPU.flatMap { mine in other.clientCPU.map { mine + $0 } }
        return RunResult(latencies: latencies, wall: wall + other.wall, serverCPU: cpu, clientCPU: client)
    }
}

enum Runner {
    /// Times one call.
    static func timed<T>(_ operation: () async throws -> T) async throws -> (T, Duration) {
        let start = ContinuousClock.now
        let value = try await operation()
        return (value, ContinuousClock.now - start)
    }

    /// Runs `operation(0..<count)` with at most `concurrency` calls in flight: `concurrency` workers, worker `w`
    /// taking indices w, w + concurrency, …; each worker keeps its own samples, merged at the end.
    static func concurrent(
        count: Int,
        concurrency: Int,
        _ operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> RunResult {
        try await collecting(count: count, concurrency: concurrency, operation).run
    }

    /// Like ``concurrent(count:concurrency:_:)``, also returning each call's value by index.
    static func collecting<T: Sendable>(
        count: Int,
        concurrency: Int,
        _ operation: @escaping @Sendable (Int) async throws -> T
    ) async throws -> (run: RunResult, values: [T]) {
        let workers = max(1, min(concurrency, count))
        let start = ContinuousClock.now
        let (latencies, values) = try await withThrowingTaskGroup(of: (Latencies, [(Int, T)]).self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var mine = Latencies()
                    var values: [(Int, T)] = []
                    for index in stride(from: worker, to: count, by: workers) {
                        let begin = ContinuousClock.now
                        values.append((index, try await operation(index)))
                        mine.add(ContinuousClock.now - begin)
                    }
                    return (mine, values)
                }
            }
            var all = Latencies()
            var byIndex: [(Int, T)] = []
            byIndex.reserveCapacity(count)
            for try await (part, values) in group {
                all.add(part)
                byIndex += values
            }
            return (all, byIndex.sorted { $0.0 < $1.0 }.map(\.1))
        }
        return (RunResult(latencies: latencies, wall: ContinuousClock.now - start), values)
    }

    /// An open-loop run: call `index` is due at `index / rate` seconds after the start, whether or not earlier calls
    /// have finished, with at most `concurrency` in flight (worker `w` makes calls w, w + concurrency, …). A latency
    /// runs from when the call was due, so a call that had to wait for a busy connection counts its wait
    /// (no coordinated omission). This is how an IdP's traffic arrives: at its own pace, not as fast as answers come.
    static func paced(
        count: Int,
        rate: Double,
        concurrency: Int,
        _ operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> RunResult {
        let workers = max(1, min(concurrency, count))
        let start = ContinuousClock.now
        let interval = Duration.nanoseconds(Int64(1e9 / rate))
        let latencies = try await withThrowingTaskGroup(of: Latencies.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var mine = Latencies()
                    for index in stride(from: worker, to: count, by: workers) {
                        let due = start + interval * index
                        if due > ContinuousClock.now { try await Task.sleep(until: due, clock: .continuous) }
                        try await operation(index)
                        mine.add(ContinuousClock.now - due)
                    }
                    return mine
                }
            }
            var all = Latencies()
            for try await part in group { all.add(part) }
            return all
        }
        return RunResult(latencies: latencies, wall: ContinuousClock.now - start)
    }

    /// One call at a time.
    static func sequential(count: Int, _ operation: @escaping @Sendable (Int) async throws -> Void) async throws -> RunResult {
        try await concurrent(count: count, concurrency: 1, operation)
    }
}

/// A small seeded generator (SplitMix64) so that a run's random picks can be repeated with `--seed`.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
