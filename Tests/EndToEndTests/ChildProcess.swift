import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A short-lived command run to completion from async code: its output goes to a temporary file, and its exit is
/// awaited by polling `waitpid` instead of `Process.waitUntilExit`, which blocks a concurrency thread and, for a
/// command that starts a daemon (`pg_ctl restart`), was seen never to return: Foundation missed the child's exit
/// and left it a zombie.
enum ChildProcess {
    static func run(_ executable: URL, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-child-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let handle = try FileHandle(forWritingTo: outputFile)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let status = try await exitStatus(of: process)
        try? handle.close()
        return (status, (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
    }

    /// Runs a command found on the PATH.
    static func run(_ tool: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await run(URL(fileURLWithPath: "/usr/bin/env"), [tool] + arguments)
    }

    /// The exit status (128 + n when killed by signal n), whoever reaps the child: this loop or Foundation's monitor.
    private static func exitStatus(of process: Process, timeout: Duration = .seconds(300)) async throws -> Int32 {
        let pid = process.processIdentifier
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            if reaped == -1, !process.isRunning { return process.terminationStatus }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(pid, SIGKILL)
        throw StackError("\(process.executableURL?.path ?? "?") \(process.arguments ?? []) did not finish within \(timeout)")
    }
}
