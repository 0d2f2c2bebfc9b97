import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The service processes of a running `provisio up`, found through `/proc`: each is a child of it, and its
/// executable is named after the service.
extension StackProcess {
    /// The pid of the running (not dead, not yet reaped) service `name`, e.g. "DirectoryService".
    func servicePID(_ name: String) -> Int32? {
        childPIDs.first { pid in
            ServiceProcess.isAlive(pid)
                && (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe"))
                    .map { URL(fileURLWithPath: $0).lastPathComponent == name } == true
        }
    }

    /// Waits until service `name` runs under a pid other than `previous` (it was restarted), or throws.
    func waitForRestart(of name: String, replacing previous: Int32, timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let pid = servicePID(name), pid != previous { return pid }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw StackError("\(name) was not restarted within \(timeout):\n\(output)")
    }
}

enum ServiceProcess {
    /// True unless the process is gone or a zombie (dead, its sockets closed, waiting to be reaped).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ", options: .backwards)
        else { return false }
        return !stat[afterName.upperBound...].hasPrefix("Z") && !stat[afterName.upperBound...].hasPrefix("X")
    }

    /// SIGKILL, then waits until the process is dead (so its listening socket is closed).
    static func killAndWait(_ pid: Int32, timeout: Duration = .seconds(10)) async throws {
        kill(pid, SIGKILL)
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while isAlive(pid) {
            guard ContinuousClock.now < deadline else { throw StackError("process \(pid) still alive \(timeout) after SIGKILL") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
