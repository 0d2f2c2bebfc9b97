import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The credentials a scenario needs: the documented `demo.json` contract of `provisio up`.
struct DemoFile: Decodable {
    var scimBaseURL: String
    var token: String
    var adminURL: String?
    /// The root admin key (the read API's scenario needs it).
    var adminKey: String?

    static func read(_ path: String) throws -> DemoFile {
        try JSONDecoder().decode(DemoFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

struct LoadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `provisio up --data-dir DIR --port FREE` as a child process, started from the folder of this executable.
final class StartedStack {
    let dataDirectory: URL
    let port: Int
    private let process: Process
    private let outputFile: URL

    var pid: Int32 { process.processIdentifier }

    /// The four services `provisio up` runs, with their peak and current resident memory so far.
    func serviceMemory() -> [ProcessMemory] {
        ProcessMemory.children(of: pid).compactMap { ProcessMemory.read(pid: $0.pid, name: $0.name) }
    }

    /// The CPU time of the four services `provisio up` runs.
    func serviceCPU() -> ProcessCPU { ProcessCPU(pids: ProcessMemory.children(of: pid).map(\.pid)) }

    init(dataDirectory: String, extraArguments: [String] = []) throws {
        self.dataDirectory = URL(fileURLWithPath: dataDirectory).standardizedFileURL
        port = try Self.freePort()
        try FileManager.default.createDirectory(at: self.dataDirectory, withIntermediateDirectories: true)
        outputFile = self.dataDirectory.appendingPathComponent("provisio-load-up.out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let binaries = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        process = Process()
        process.executableURL = binaries.appendingPathComponent("provisio")
        process.arguments = ["up", "--data-dir", self.dataDirectory.path, "--port", String(port)] + extraArguments
        let handle = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    /// Waits until `provisio up` prints the SCIM URL (all four services up, demo.json written), then reads demo.json.
    func waitUntilUp(timeout: Duration = .seconds(180)) async throws -> DemoFile {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if output.contains("SCIM base URL:") { return try DemoFile.read(dataDirectory.appendingPathComponent("demo.json").path) }
            guard process.isRunning else { throw LoadError("provisio up exited early (\(process.terminationStatus)):\n\(output)") }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw LoadError("provisio up did not come up within \(timeout):\n\(output)")
    }

    /// SIGTERM, then up to 30 s for a clean stop (SIGKILL after that).
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw LoadError("no socket for a free port") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0 }
        }
        guard ok else { throw LoadError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension TargetOptions {
    /// Runs `body` against the chosen stack; a stack started here is stopped afterwards, whatever happens.
    func withTarget<T>(_ body: (DemoFile) async throws -> T) async throws -> T {
        try await withTargetAndStack { demo, _ in try await body(demo) }
    }

    /// Like ``withTarget(_:)``, also handing over the started stack (nil with `--demo`), for its processes' memory.
    func withTargetAndStack<T>(_ body: (DemoFile, StartedStack?) async throws -> T) async throws -> T {
        if let demo { return try await body(try DemoFile.read(demo), nil) }
        let stack = try StartedStack(dataDirectory: dataDir!, extraArguments: postgres.map { ["--postgres", $0] } ?? [])
        say("starting provisio up --data-dir \(stack.dataDirectory.path) --port \(stack.port) …")
        do {
            let demo = try await stack.waitUntilUp()
            say("stack up: \(demo.scimBaseURL)")
            let result = try await body(demo, stack)
            await stack.stop()
            return result
        } catch {
            await stack.stop()
            throw error
        }
    }
}
