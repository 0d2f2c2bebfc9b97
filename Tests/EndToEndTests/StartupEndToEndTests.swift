import Foundation
import Logging
import Persistence
import Testing

/// A service whose store cannot be migrated never accepts a request: it says "Could not start" and exits with 1.
/// The migrations run inside the application's ServiceGroup (the store's connection pool runs there), before the
/// HTTP server accepts.
@Suite(.timeLimit(.minutes(2)))
struct StartupEndToEndTests {
    /// On SQLite here; on PostgreSQL in the PostgreSQL pass of the test script.
    @Test func aDatabaseNewerThanTheBuildStopsTheServiceBeforeItListens() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-startup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url: String
        let storage: any SQLStorage
        if let server = ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"], !server.isEmpty {
            url = server + "/provisio_startup_\(UUID().uuidString.prefix(8).lowercased())"
            storage = try PostgresStorage(url: url, logger: Logger(label: "test"))
        } else {
            url = "sqlite://" + folder.appendingPathComponent("directory.sqlite").path
            storage = try await SQLiteStorage.open(path: folder.appendingPathComponent("directory.sqlite").path, logger: Logger(label: "test"))
        }
        // A schema version this build does not know, as a newer build would have left it.
        try await storage.withRunning { storage in
            try await storage.prepare()
            try await Migrator([Migration(version: 9_999, name: "from-the-future", ["CREATE TABLE future (id INTEGER)"])])
                .migrate(storage, logger: Logger(label: "test"))
        }

        let (status, output) = try await ChildProcess.run(
            StackProcess.binaryDirectory.appendingPathComponent("DirectoryService"),
            ["--http-port", String(try freePort()), "--internal-key", "startup-test-internal-key-0123456789", "--database-url", url]
        )
        #expect(status == 1, "\(output)")
        #expect(output.contains("Could not start"), "\(output)")
        #expect(output.contains("newer than this build knows"), "\(output)")
        #expect(!output.contains("Listening"), "\(output)")
    }

    /// `provisio up` tells its own services from a stranger on their port (`Provisio-Instance` on `/readyz`): a
    /// gateway port another program serves stops the start with a clear message instead of a stack that talks to
    /// someone else. (An internal service's port taken between its choice and its bind is chosen anew.)
    @Test func provisioUpRefusesAGatewayPortAnotherProgramServes() async throws {
        let stranger = try await PythonWebhookReceiver()
        defer { stranger.stop() }
        let port = try #require(URLComponents(string: stranger.url)?.port)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-taken-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, output) = try await ChildProcess.run(
            StackProcess.binaryDirectory.appendingPathComponent("provisio"),
            ["up", "--data-dir", folder.path, "--port", String(port)]
        )
        #expect(status == 1, "\(output)")
        #expect(output.contains("Port \(port), meant for ScimGateway, is served by another process."), "\(output)")
        #expect(!output.contains("Provisio is running"), "\(output)")
    }
}
