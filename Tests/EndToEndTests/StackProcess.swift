import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// `provisio up` as a child process of the test: the real four executables on loopback, real SQLite files.
final class StackProcess {
    let dataDirectory: URL
    let port: Int
    private let process: Process
    private let outputFile: URL

    /// The folder holding `provisio` and the service executables: next to the test bundle, or `PROVISIO_BIN_DIR`.
    static var binaryDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["PROVISIO_BIN_DIR"] { return URL(fileURLWithPath: override) }
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    init(dataDirectory: URL, port: Int, environment: [String: String] = [:], arguments: [String] = []) throws {
        self.dataDirectory = dataDirectory
        self.port = port
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        outputFile = dataDirectory.appendingPathComponent("up-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        process = Process()
        process.executableURL = Self.binaryDirectory.appendingPathComponent("provisio")
        process.arguments = ["up", "--data-dir", dataDirectory.path, "--port", String(port)] + arguments
        // The same suites run on PostgreSQL when the test script points them at a server (Tests/Postgres/cluster.sh).
        if let postgres = ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"], !postgres.isEmpty {
            process.arguments! += ["--postgres", postgres]
        }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let handle = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    /// True while `provisio up` runs.
    var isRunning: Bool { process.isRunning }

    /// The exit status of `provisio up`, once it has exited.
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// The processes `provisio up` started (its children), by their `/proc` stat.
    var childPIDs: [Int32] {
        let parent = process.processIdentifier
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let afterName = stat.range(of: ") ", options: .backwards)
            else { return false }
            // Fields after the name: state, then the parent's pid.
            return stat[afterName.upperBound...].split(separator: " ").dropFirst().first.flatMap { Int32($0) } == parent
        }
    }

    /// Waits until `provisio up` has printed the SCIM URL (everything is ready and demo.json written).
    func waitUntilUp(timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if output.contains("SCIM base URL:") { return }
            guard process.isRunning else { throw StackError("provisio up exited early (\(process.terminationStatus)):\n\(output)") }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw StackError("provisio up did not come up in \(timeout):\n\(output)")
    }

    /// SIGTERM, as a supervisor would send; returns the exit status.
    func stop() async throws -> Int32 {
        process.terminate()
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                kill(process.processIdentifier, SIGKILL)
                throw StackError("provisio up did not stop within 30 s after SIGTERM")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

struct StackError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The demo credentials `provisio up` writes (the documented demo.json contract).
struct DemoFile: Codable, Equatable {
    var scimBaseURL: String
    var token: String
    var adminURL: String
    var adminKey: String
}

/// A small HTTP helper: JSON in, status + JSON out.
struct HTTP {
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func send(
        _ method: HTTPMethod,
        _ url: String,
        bearer: String? = nil,
        json: Any? = nil,
        headers: [(String, String)] = [],
        rawBody: String? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/scim+json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        } else if let rawBody {
            request.body = .bytes(ByteBuffer(string: rawBody))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer: body))
    }
}

/// A loopback port nobody listens on right now.
func freePort() throws -> Int {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0 }
    }
    guard ok else { throw StackError("no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Runs `body` against a fresh stack (its own data folder and port), then stops the stack, whatever happens.
func withStack(environment: [String: String] = [:], arguments: [String] = [], _ body: (DemoFile, StackProcess) async throws -> Void) async throws {
    let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-e2e-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dataDirectory) }
    let stack = try StackProcess(dataDirectory: dataDirectory, port: try freePort(), environment: environment, arguments: arguments)
    do {
        try await stack.waitUntilUp()
        let demo = try JSONDecoder().decode(DemoFile.self, from: Data(contentsOf: dataDirectory.appendingPathComponent("demo.json")))
        try await body(demo, stack)
    } catch {
        _ = try? await stack.stop()
        throw error
    }
    _ = try await stack.stop()
}

extension HTTP {
    /// A SCIM call with the demo token: `path` is relative to the SCIM base URL.
    static func scim(
        _ demo: DemoFile,
        _ method: HTTPMethod,
        _ path: String,
        json: Any? = nil,
        headers: [(String, String)] = []
    ) async throws -> Answer {
        try await send(method, demo.scimBaseURL + path, bearer: demo.token, json: json, headers: headers)
    }
}
