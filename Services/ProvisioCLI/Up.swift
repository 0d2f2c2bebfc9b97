import ArgumentParser
import Foundation
import Logging

/// `provisio up`: builds nothing, starts everything. Runs the four services as child processes on loopback,
/// waits until each is ready, makes sure the demo tenant exists, prints its SCIM URL and token, and stops
/// all four on Ctrl-C or SIGTERM.
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
        help: "Run on PostgreSQL instead of SQLite: a server URL (postgres://user:password@host:port). Each service gets its own database, named after the data folder, created when missing.")
    var postgres: String?

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535.") }
        if let postgres, PostgresDatabases.validate(postgres) == nil {
            throw ValidationError("--postgres must be a URL like postgres://user:password@127.0.0.1:5432")
        }
    }

    func run() async throws {
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let secrets = try StackSecrets.loadOrCreate(in: dataDirectory)
        let stack = try Stack(
            binaries: try ServiceBinaries.locate(), dataDirectory: dataDirectory, gatewayPort: port, secrets: secrets, logLevel: logLevel,
            databases: postgres.map { PostgresDatabases(serverURL: $0, dataDirectory: dataDirectory) })
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM])
        try stack.start()
        do {
            try await stack.waitUntilReady(timeout: .seconds(90))
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

                """)
        } catch {
            stack.stop()
            throw error
        }
        let reason = await stack.waitForExitOrSignal(signals)
        stack.stop()
        switch reason {
        case .signal:
            Console.write("Provisio stopped.\n")
        case .serviceExited(let name, let status):
            throw ExitError(message: "\(name) exited unexpectedly with status \(status); see \(stack.logDirectory.path)/\(name).log")
        }
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
