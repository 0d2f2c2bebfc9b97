import Foundation
import NIOHTTP1
import ServiceKit

#if canImport(Glibc)
import Glibc
#endif

/// The two floor servers (`provisio-load floor-server`) as child processes of this tool: a bare one and a relay
/// in front of it. Both are stopped with SIGTERM by ``stop()``, or killed when this object goes away.
final class FloorProcesses {
    let bareURL: String
    let relayURL: String
    private let processes: [Process]
    /// The CPU time of both floor servers.
    var cpu: ProcessCPU { ProcessCPU(pids: processes.map(\.processIdentifier)) }

    init(connections: Int) throws {
        let bare = try StartedStack.freePort()
        let relay = try StartedStack.freePort()
        bareURL = "http://127.0.0.1:\(bare)/floor"
        relayURL = "http://127.0.0.1:\(relay)/floor"
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var started: [Process] = []
        for arguments in [
            ["floor-server", "--port", "\(bare)"],
            ["floor-server", "--port", "\(relay)", "--relay-to", "http://127.0.0.1:\(bare)", "--connections", "\(connections)"],
        ] {
            let process = Process()
            process.executableURL = me
            process.arguments = arguments
            process.environment = ColocatedEventLoops.environment(ProcessInfo.processInfo.environment)  // as `provisio up` runs the services
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            started.append(process)
        }
        processes = started
    }

    /// Waits until both answer `GET /floor` with 200.
    func waitUntilUp(_ client: ScimClient, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        for url in [bareURL, relayURL] {
            while true {
                if let answer = try? await client.send(.GET, absoluteURL: url), answer.status == 200 { break }
                guard ContinuousClock.now < deadline, processes.allSatisfy(\.isRunning) else { throw LoadError("the floor servers did not come up") }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func stop() async {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes {
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    deinit {
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
