import Foundation

/// Resident memory of processes, read from `/proc/<pid>/status` (Linux): the current `VmRSS` and the kernel's
/// high-water mark `VmHWM`, which is the peak RSS over the process's life — nothing is missed between samples.
struct ProcessMemory: Sendable {
    var pid: Int32
    var name: String
    var currentMB: Double
    var peakMB: Double

    static func read(pid: Int32, name: String) -> ProcessMemory? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kilobytes(_ key: String) -> Double? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) }
        }
        guard let rss = kilobytes("VmRSS"), let hwm = kilobytes("VmHWM") else { return nil }
        return ProcessMemory(pid: pid, name: name, currentMB: rss / 1024, peakMB: hwm / 1024)
    }

    /// The direct children of `parent` with their command names (`/proc/<pid>/stat`: "pid (comm) state ppid …").
    static func children(of parent: Int32) -> [(pid: Int32, name: String)] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> (Int32, String)? in
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, Int32(fields[1]) == parent else { return nil }
            return (pid, String(stat[stat.index(after: open)..<close]))
        }
        .sorted { $0.1 < $1.1 }
    }
}
