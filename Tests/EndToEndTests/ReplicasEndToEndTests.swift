import Foundation
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Several replicas on one PostgreSQL: two gateways, each with its own directory replica, one token and one
/// mapping service. Concurrent writes to one group and one user through both gateways lose nothing.
/// Runs in the PostgreSQL pass of the test script (it needs a shared database).
@Suite(
    .serialized,
    .timeLimit(.minutes(5)),
    .enabled(if: ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false)
)
struct ReplicasEndToEndTests {
    @Test func concurrentPatchesThroughTwoGatewaysAndTwoDirectoriesLoseNothing() async throws {
        let server = try #require(ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"])
        let topology = try await ReplicaTopology.started(postgresServer: server)
        defer { topology.stop() }
        let gateways = topology.gatewayURLs

        // Bootstrap through the first gateway; the token works at both.
        let admin = gateways[0] + "/admin/v1"
        #expect(try await HTTP.send(.POST, admin + "/tenants", bearer: topology.adminKey, json: ["id": "acme", "name": "Acme"]).status == 201)
        #expect(
            try await HTTP.send(
                .POST,
                admin + "/tenants/acme/idps",
                bearer: topology.adminKey,
                json: ["id": "entra", "name": "Entra", "providerType": "Azure"]
            ).status == 201
        )
        let token = try #require(
            try await HTTP.send(.POST, admin + "/tenants/acme/idps/entra/tokens", bearer: topology.adminKey, json: ["validDays": 1]).json["token"]
                as? String
        )
        let bases = gateways.map { $0 + "/scim/v2/acme/entra" }

        // 60 users, created through both gateways.
        var userIDs: [String] = []
        for index in 0..<60 {
            let created = try await HTTP.send(.POST, bases[index % 2] + "/Users", bearer: token, json: user("replica\(index)@example.com"))
            userIDs.append(try #require(created.json["id"] as? String, "\(created.text)"))
        }
        let group = try await HTTP.send(.POST, bases[0] + "/Groups", bearer: token, json: ["displayName": "Everyone", "members": []])
        let groupID = try #require(group.json["id"] as? String)

        // One member per PATCH, all at once, alternating gateways (and so directory replicas), plus renames.
        let statuses = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for (index, id) in userIDs.enumerated() {
                tasks.addTask {
                    let operations: [[String: Any]] =
                        index % 10 == 0
                        ? [
                            ["op": "replace", "value": ["displayName": "Everyone \(index)"]],
                            ["op": "add", "path": "members", "value": [["value": id]]],
                        ]
                        : [["op": "Add", "path": "members", "value": [["value": id]]]]
                    return try await HTTP.send(.PATCH, bases[index % 2] + "/Groups/\(groupID)", bearer: token, json: ["Operations": operations])
                        .status
                }
            }
            return try await tasks.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0 == 204 }, "\(statuses)")
        for base in bases {
            let members = try await HTTP.send(.GET, base + "/Groups/\(groupID)", bearer: token).json["members"] as? [[String: Any]]
            #expect(Set(members?.compactMap { $0["value"] as? String } ?? []) == Set(userIDs), "members seen through \(base)")
        }
        // Every membership change moved the version on: 60 adds (the renames ride along with their add).
        let version = try await HTTP.send(.GET, bases[1] + "/Groups/\(groupID)?excludedAttributes=members", bearer: token).headers.first(name: "ETag")
        #expect(version == #"W/"61""#)

        // Concurrent PATCHes of different attributes of one user, without If-Match: each is applied, none lost.
        let target = userIDs[0]
        let changes: [(String, String)] = [("title", "Engineer"), ("nickName", "Ada"), ("userType", "Employee"), ("locale", "en-GB")]
        let userStatuses = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for (index, (attribute, value)) in changes.enumerated() {
                tasks.addTask {
                    try await HTTP.send(
                        .PATCH,
                        bases[index % 2] + "/Users/\(target)",
                        bearer: token,
                        json: ["Operations": [["op": "replace", "path": attribute, "value": value]]]
                    ).status
                }
            }
            return try await tasks.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(userStatuses.allSatisfy { $0 == 200 }, "\(userStatuses)")
        let patched = try await HTTP.send(.GET, bases[1] + "/Users/\(target)", bearer: token).json
        for (attribute, value) in changes {
            #expect(patched[attribute] as? String == value, "\(attribute)")
        }

        // Uniqueness is the database's: the same userName created through both gateways at once succeeds once.
        let racers = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for base in bases + bases {
                tasks.addTask { try await HTTP.send(.POST, base + "/Users", bearer: token, json: user("racer@example.com")).status }
            }
            return try await tasks.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(racers.sorted() == [201, 409, 409, 409], "\(racers)")
    }
}

/// The six processes of the replica test, started directly (not through `provisio up`).
final class ReplicaTopology {
    let adminKey = "replica-test-admin-key-0123456789"
    let gatewayURLs: [String]
    private let processes: [Process]
    private let readyURLs: [String]
    private let logFiles: [URL]
    private let logDirectory: URL

    init(postgresServer: String) throws {
        logDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-replicas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let suffix = String(UUID().uuidString.prefix(8)).lowercased()
        func database(_ name: String) -> String { "\(postgresServer)/provisio_\(name)_replicas_\(suffix)" }
        let token = try freePort()
        let mapping = try freePort()
        let directories = [try freePort(), try freePort()]
        let gateways = [try freePort(), try freePort()]
        let common = [
            "HTTP_HOST": "127.0.0.1", "INTERNAL_KEY": "replica-test-internal-key-0123456789", "ADMIN_KEY": adminKey,
            "TOKEN_URL": "http://127.0.0.1:\(token)", "MAPPING_URL": "http://127.0.0.1:\(mapping)", "LOG_LEVEL": "info",
            "DATA_DIR": logDirectory.path,
        ]
        var plan: [(String, [String: String])] = [
            ("TokenService", ["HTTP_PORT": "\(token)", "DATABASE_URL": database("token"), "DIRECTORY_URL": "http://127.0.0.1:\(directories[0])"]),
            (
                "MappingService",
                ["HTTP_PORT": "\(mapping)", "DATABASE_URL": database("mapping"), "DIRECTORY_URL": "http://127.0.0.1:\(directories[1])"]
            ),
        ]
        for (index, port) in directories.enumerated() {
            plan.append(("DirectoryService", ["HTTP_PORT": "\(port)", "DATABASE_URL": database("directory"), "LOG_NAME": "directory\(index)"]))
        }
        for (index, port) in gateways.enumerated() {
            plan.append(
                (
                    "ScimGateway",
                    [
                        "HTTP_PORT": "\(port)", "DIRECTORY_URL": "http://127.0.0.1:\(directories[index])", "PUBLIC_URL": "http://127.0.0.1:\(port)",
                        "AUTH_FAILURE_LIMIT": "0", "LOG_NAME": "gateway\(index)",
                    ]
                )
            )
        }
        var processes: [Process] = []
        var readyURLs: [String] = []
        var logFiles: [URL] = []
        for (binary, own) in plan {
            let process = Process()
            process.executableURL = StackProcess.binaryDirectory.appendingPathComponent(binary)
            process.environment = ProcessInfo.processInfo.environment.merging(common) { $1 }.merging(own) { $1 }
            let log = logDirectory.appendingPathComponent("\(own["LOG_NAME"] ?? binary).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            logFiles.append(log)
            try process.run()
            processes.append(process)
            readyURLs.append("http://127.0.0.1:\(own["HTTP_PORT"]!)/readyz")
        }
        self.processes = processes
        self.readyURLs = readyURLs
        self.logFiles = logFiles
        self.gatewayURLs = gateways.map { "http://127.0.0.1:\($0)" }
    }

    /// Six processes on ports chosen up front: another test's connection may take one of them before its process
    /// binds it. Such a start is retried on new ports (twice at most); any other failure is the test's.
    static func started(postgresServer: String) async throws -> ReplicaTopology {
        for attempt in 1...3 {
            let topology = try ReplicaTopology(postgresServer: postgresServer)
            do {
                try await topology.waitUntilReady()
                return topology
            } catch let error as StackError where attempt < 3 && topology.lostAPort {
                topology.stop()
                print("Replica topology lost a port to another process; starting again: \(error)")
            } catch {
                topology.stop()
                throw error
            }
        }
        throw StackError("unreachable")
    }

    /// Whether a process that exited could not bind its port.
    private var lostAPort: Bool {
        zip(processes, logFiles).contains { process, log in
            !process.isRunning && ((try? String(contentsOf: log, encoding: .utf8))?.contains("Address already in use") ?? false)
        }
    }

    func waitUntilReady() async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        for url in readyURLs {
            while (try? await HTTP.send(.GET, url))?.status != 200 {
                guard ContinuousClock.now < deadline, processes.allSatisfy(\.isRunning) else {
                    throw StackError("replicas did not become ready:\n\(logsOfExitedProcesses())")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// What each process that exited wrote, for the failure message (the log directory is removed at the end).
    private func logsOfExitedProcesses() -> String {
        zip(processes, logFiles).filter { !$0.0.isRunning }.map { process, log in
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return "\(log.lastPathComponent) (exit \(process.terminationStatus)):\n\(text.suffix(4000))"
        }.joined(separator: "\n")
    }

    func stop() {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes { process.waitUntilExit() }
        try? FileManager.default.removeItem(at: logDirectory)
    }
}
