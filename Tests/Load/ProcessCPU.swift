import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// CPU time (user + system) used by a set of processes, read from `/proc/<pid>/stat` (Linux).
///
/// Throughput on a shared 2-core machine moves by ±15 % between runs with other people's load; the CPU time the
/// servers spend per request moves far less, so the report prints it beside every req/s figure, for the floor
/// servers and for the four services alike.
struct ProcessCPU: Sendable {
    var pids: [Int32]

    /// The CPU seconds used so far by all of `pids` (processes that are gone count as zero).
    func seconds() -> Double {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return pids.reduce(0) { total, pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return total }
            // After "pid (comm)": state is field 3, utime field 14 and stime field 15 of the whole line.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return total }
            return total + (user + system) / ticksPerSecond
        }
    }
}
