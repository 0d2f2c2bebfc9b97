import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceKit

#if canImport(Glibc)
import Glibc
#endif

/// The four service processes of a local stack: their ports, environment, logs and lifecycle. A service that dies
/// is started again on the same port (``Stack/supervise(_:policy:)``, ``RestartPolicy``).
final class Stack {
    struct Member {
        var name: String
        var port: Int
        var executable: URL
        var environment: [String: String]
        /// `PROVISIO_INSTANCE_ID` of this service: its `/readyz` echoes it, which tells it from a stranger on its port.
        var instanceID: String
        var process: Process
        var restarts = RestartHistory()
        /// When a service that died is due to start again; nil while it runs.
        var restartAt: ContinuousClock.Instant?
    }

    enum StopReason {
        case signal
        /// A service died once more after `restarts` restarts within the policy's window.
        case gaveUp(name: String, exit: String, restarts: Int)
    }

    let logDirectory: URL
    let gatewayURL: String
    let dataDirectory: URL
    var members: [Member] = []

    init(
        binaries: ServiceBinaries,
        dataDirectory: URL,
        gatewayPort: Int,
        secrets: StackSecrets,
        logLevel: String,
        databases: PostgresDatabases?,
        sqliteSynchronous: String? = nil
    ) throws {
        self.dataDirectory = dataDirectory
        logDirectory = dataDirectory.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        gatewayURL = "http://127.0.0.1:\(gatewayPort)"
        // Chosen once: a service restarted by the supervision keeps its port, so its peers find it again.
        let tokenPort = try FreePort.find()
        let directoryPort = try FreePort.find()
        let mappingPort = try FreePort.find()
        var environment = ColocatedEventLoops.environment(ProcessInfo.processInfo.environment)
        environment["HTTP_HOST"] = "127.0.0.1"
        environment["DATA_DIR"] = dataDirectory.path
        environment["INTERNAL_KEY"] = secrets.internalKey
        environment["ADMIN_KEY"] = secrets.adminKey
        environment["PUBLIC_URL"] = gatewayURL
        environment["TOKEN_URL"] = "http://127.0.0.1:\(tokenPort)"
        environment["DIRECTORY_URL"] = "http://127.0.0.1:\(directoryPort)"
        environment["MAPPING_URL"] = "http://127.0.0.1:\(mappingPort)"
        environment["LOG_LEVEL"] = logLevel
        // A local stack delivers webhooks to receivers on this machine or its network (README "Webhooks").
        environment["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "true"
        if let sqliteSynchronous { environment["SQLITE_SYNCHRONOUS"] = sqliteSynchronous }
        environment.removeValue(forKey: "DATABASE_URL")  // each service derives its own database from DATA_DIR or --postgres
        let ports = ["TokenService": tokenPort, "DirectoryService": directoryPort, "MappingService": mappingPort, "ScimGateway": gatewayPort]
        for name in ServiceBinaries.names {
            var ownEnvironment = environment
            ownEnvironment["HTTP_PORT"] = String(ports[name]!)
            let instanceID = UUID().uuidString.lowercased()
            ownEnvironment[ServiceInstance.environmentKey] = instanceID
            if let databases, name != "ScimGateway" {
                ownEnvironment["DATABASE_URL"] = databases.url(for: name)
            }
            let executable = binaries.url(of: name)
            let process = try Self.makeProcess(
                name: name,
                executable: executable,
                environment: ownEnvironment,
                dataDirectory: dataDirectory,
                logDirectory: logDirectory
            )
            members.append(
                Member(name: name, port: ports[name]!, executable: executable, environment: ownEnvironment, instanceID: instanceID, process: process)
            )
        }
    }

    /// A process for one service (a `Process` runs once: a restart needs a new one), its output appended to its log.
    static func makeProcess(name: String, executable: URL, environment: [String: String], dataDirectory: URL, logDirectory: URL) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.environment = environment
        process.currentDirectoryURL = dataDirectory
        let handle = try Self.appendingHandle(logDirectory.appendingPathComponent("\(name).log"))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        return process
    }

    /// The log file opened with O_APPEND: each write lands at the end, so a restarted service and the supervisor's
    /// notes never overwrite each other's lines.
    static func appendingHandle(_ file: URL) throws -> FileHandle {
        let descriptor = open(file.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ExitError(message: "Could not open \(file.path): \(String(cString: strerror(errno))).") }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    func start() throws {
        for member in members {
            try member.process.run()
        }
    }

    /// A port this stack chose answered for another process: the ports were picked before the services bound them.
    struct PortTaken: Error, CustomStringConvertible {
        var name: String
        var port: Int
        var description: String { "Port \(port), meant for \(name), is served by another process." }
    }

    /// Polls each service's `/readyz` until all answer 200 with their own instance id. A service that exits
    /// meanwhile fails the start; a port that answers for another process is ``PortTaken``.
    func waitUntilReady(timeout: Duration) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var pending = members
        while !pending.isEmpty {
            if let exited = members.first(where: { !$0.process.isRunning }) {
                throw ExitError(
                    message:
                        "\(exited.name) exited during start (status \(exited.process.terminationStatus)); see \(logDirectory.path)/\(exited.name).log"
                )
            }
            guard ContinuousClock.now < deadline else {
                throw ExitError(message: "Not ready after \(timeout): \(pending.map(\.name).joined(separator: ", ")); see \(logDirectory.path)")
            }
            var stillPending: [Member] = []
            for member in pending {
                switch await readiness(of: member) {
                case .ready: break
                case .notYet: stillPending.append(member)
                case .stranger: throw PortTaken(name: member.name, port: member.port)
                }
            }
            pending = stillPending
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
        }
    }

    private enum Readiness { case ready, notYet, stranger }

    /// A service that exited because its port was taken (its log's last lines say so): the port, for another try.
    func exitedOnATakenPort() -> PortTaken? {
        for member in members where !member.process.isRunning {
            guard let handle = FileHandle(forReadingAtPath: logDirectory.appendingPathComponent("\(member.name).log").path) else { continue }
            defer { try? handle.close() }
            let end = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: end > 4096 ? end - 4096 : 0)
            let tail = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
            if tail.contains("Address already in use") { return PortTaken(name: member.name, port: member.port) }
        }
        return nil
    }

    private func readiness(of member: Member) async -> Readiness {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(member.port)/readyz")
        request.method = .GET
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)) else { return .notYet }
        _ = try? await response.body.collect(upTo: 1 << 16)
        guard response.headers.first(name: ServiceInstance.headerName) == member.instanceID else { return .stranger }
        return response.status == .ok ? .ready : .notYet
    }

    /// SIGTERM to every service (each drains and closes its store), SIGKILL to any still running after 15 s.
    func stop() {
        for member in members where member.process.isRunning {
            member.process.terminate()
        }
        let deadline = Date().addingTimeInterval(15)
        while members.contains(where: { $0.process.isRunning }), Date() < deadline {
            usleep(50_000)
        }
        for member in members where member.process.isRunning {
            kill(member.process.processIdentifier, SIGKILL)
        }
    }
}
