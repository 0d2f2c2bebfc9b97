import ArgumentParser
import Foundation
import Logging

/// `provisio up`: builds nothing, starts everything. Runs the four services as child processes on loopback,
/// waits until each is ready, makes sure the demo tenant exists, prints its SCIM URL and token, restarts a service
/// that dies (``RestartPolicy``), and stops all four on Ctrl-C or SIGTERM, or when one keeps dying.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the whole Provisio stack on loopback.")

    @Option(name: .long, help: "Folder for the databases, logs, generated secrets and demo.json.")
    var dataDir: String = ".provisio"

    @Option(name: .long, help: "Port of the SCIM gateway (the only public port).")
    var port: Int = 8080

    @Option(name: .long, help: "Log level of the services (trace, debug, info, notice, warning, error).")
    var logLevel: String = "info"

    @Option(
        name: .long,
        help:
            "Run on PostgreSQL instead of SQLite: a server URL (postgres://user:password@host:port). Each service gets its own database, named after the data folder, created when missing."
    )
    var postgres: String?

    @Option(name: .long, help: "SQLite's synchronous setting: NORMAL (default) or FULL (see the README, Durability).")
    var sqliteSynchronous: String?

    @Option(name: .long, help: "Seconds before a service that died is started again; doubles with each restart, up to --restart-max-delay.")
    var restartDelay: Double = RestartPolicy.defaultInitialDelay

    @Option(name: .long, help: "Longest wait, in seconds, before restarting a service that died.")
    var restartMaxDelay: Double = RestartPolicy.defaultMaximumDelay

    @Option(name: .long, help: "Restarts of one service within --restart-window after which its next death stops the stack.")
    var maxRestarts: Int = RestartPolicy.defaultMaximumRestarts

    @Option(name: .long, help: "Window, in seconds, in which restarts of one service are counted.")
    var restartWindow: Double = RestartPolicy.defaultWindow

    var restartPolicy: RestartPolicy {
        RestartPolicy(initialDelay: restartDelay, maximumDelay: restartMaxDelay, maximumRestarts: maxRestarts, window: restartWindow)
    }

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535.") }
        if let postgres, PostgresDatabases.validate(postgres) == nil {
            throw ValidationError("--postgres must be a URL like postgres://user:password@127.0.0.1:5432")
        }
        if let sqliteSynchronous, !["NORMAL", "FULL"].contains(sqliteSynchronous.uppercased()) {
            throw ValidationError("--sqlite-synchronous must be NORMAL or FULL.")
        }
        guard restartDelay > 0, restartMaxDelay >= restartDelay, maxRestarts >= 0, restartWindow > 0,
            restartMaxDelay <= 3600, restartWindow <= 86400
        else {
            throw ValidationError(
                "Restart settings: 0 < --restart-delay <= --restart-max-delay <= 3600, --max-restarts >= 0, 0 < --restart-window <= 86400."
            )
        }
    }

    func run() async throws {
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let secrets = try StackSecrets.loadOrCreate(in: dataDirectory)
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM])
        let stack = try await startStack(dataDirectory: dataDirectory, secrets: secrets)
        do {
            let demo = try await DemoTenant(adminURL: stack.gatewayURL + "/admin/v1", adminKey: secrets.adminKey, dataDirectory: dataDirectory)
                .ensure()
            Console.write(
                """

                Provisio is running.
                  SCIM base URL: \(demo.scimBaseURL)
                  Bearer token:  \(demo.token)
                  Admin API:     \(demo.adminURL)  (admin key in \(dataDirectory.appendingPathComponent(DemoCredentials.fileName).path))
                  Logs:          \(stack.logDirectory.path)
                Press Ctrl-C to stop.

                """
            )
        } catch {
            stack.stop()
            throw error
        }
        let reason = await stack.supervise(signals, policy: restartPolicy)
        stack.stop()
        switch reason {
        case .signal:
            Console.write("Provisio stopped.\n")
        case .gaveUp(let name, let exit, let restarts):
            throw ExitError(
                message:
                    "\(name) \(exit) after \(restarts) restarts within \(restartWindow) s; the stack stopped. See \(stack.logDirectory.path)/\(name).log"
            )
        }
    }
}

extension Up {
    /// Attempts at starting the stack when another program took an internal service's port between the choice and
    /// the bind (the ports are chosen anew each time); the gateway's port is the caller's and is never changed.
    static let startAttempts = 3

    /// Starts the four services and waits until each answers as itself on its port.
    func startStack(dataDirectory: URL, secrets: StackSecrets) async throws -> Stack {
        for attempt in 1...Self.startAttempts {
            let stack = try Stack(
                binaries: try ServiceBinaries.locate(),
                dataDirectory: dataDirectory,
                gatewayPort: port,
                secrets: secrets,
                logLevel: logLevel,
                databases: postgres.map { PostgresDatabases(serverURL: $0, dataDirectory: dataDirectory) },
                sqliteSynchronous: sqliteSynchronous?.uppercased()
            )
            try stack.start()
            do {
                try await stack.waitUntilReady(timeout: .seconds(90))
                return stack
            } catch {
                stack.stop()
                let takenPort: Stack.PortTaken? = (error as? Stack.PortTaken) ?? stack.exitedOnATakenPort()
                guard let takenPort, takenPort.name != "ScimGateway", attempt < Self.startAttempts else {
                    if let takenPort { throw ExitError(message: takenPort.description) }
                    throw error
                }
                Console.write("\(takenPort) Starting again on other ports.\n")
            }
        }
        throw ExitError(message: "The stack did not start.")
    }
}

struct ExitError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Unbuffered output, so a supervisor reading a pipe sees the URL and token as soon as they are printed.
enum Console {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
