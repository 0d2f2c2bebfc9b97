import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How steady the machine itself is while nothing else of the run is going on: the same small piece of CPU work
/// (about a millisecond: arithmetic and writes into a 256 KB buffer), done `units` times, `pause` apart, and timed by
/// the thread's own CPU clock.
///
/// The work never changes, so on a machine of its own every unit takes about as long as the median. On a shared VM
/// the host can take a virtual CPU away, or slow it, without the guest seeing it as steal time: the thread is then
/// charged CPU time for work it did not get to do. On our 2-vCPU machines, idle, 2–3.5 % of the units took over 1.5×
/// the median and single units up to 9× (BENCHMARKS.md, session 11). A read whose p99 is around 15 ms at 64 in flight
/// has that p99 set by such stalls as much as by its own cost, so the report prints this beside the floor.
struct HostSteadiness {
    struct Result {
        var medianMicroseconds: Double
        var p99Microseconds: Double
        var maxMicroseconds: Double
        /// Share of the units that took more than 1.5× the median.
        var slowShare: Double
        /// What the work computed: returned so that the optimiser cannot drop the work.
        var checksum: UInt64
    }

    var units = 200
    var pause: Duration = .milliseconds(20)

    func measure() async throws -> Result {
        var buffer = [UInt64](repeating: 0, count: 32_768)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var times: [Double] = []
        times.reserveCapacity(units)
        for _ in 0..<units {
            let start = Self.threadCPUSeconds()
            buffer.withUnsafeMutableBufferPointer { words in
                for _ in 0..<400_000 {
                    state ^= state &<< 13
                    state ^= state &>> 7
                    state ^= state &<< 17
                    words[Int(truncatingIfNeeded: state & 32_767)] &+= state
                }
            }
            times.append((Self.threadCPUSeconds() - start) * 1_000_000)
            try await Task.sleep(for: pause)
        }
        times.sort()
        let median = times[times.count / 2]
        return Result(
            medianMicroseconds: median,
            p99Microseconds: times[min(times.count - 1, times.count * 99 / 100)],
            maxMicroseconds: times[times.count - 1],
            slowShare: Double(times.filter { $0 > 1.5 * median }.count) / Double(times.count),
            checksum: buffer.reduce(0, ^)
        )
    }

    /// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
    private static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
