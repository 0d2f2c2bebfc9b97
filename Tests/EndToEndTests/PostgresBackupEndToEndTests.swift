import Foundation
import NIOHTTP1
import Testing

/// The README's PostgreSQL backup recipe, run: `pg_dump -Fc` of each service's database while the stack runs, then,
/// with the stack stopped, `pg_restore --clean --if-exists` into the same databases; the stack started again holds
/// what was there at the dump and not what came after. Runs only on PostgreSQL (`PROVISIO_TEST_POSTGRES_URL`).
@Suite(.serialized, .timeLimit(.minutes(10)), .enabled(if: !(ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"]?.isEmpty ?? true)))
struct PostgresBackupEndToEndTests {
    /// The `DATABASE_URL` `provisio up` gave service `name`, read from the process's environment.
    static func databaseURL(of name: String, in stack: StackProcess) throws -> String {
        let pid = try #require(stack.servicePID(name))
        let environment = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        let entry = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.first { $0.hasPrefix("DATABASE_URL=") }
        return String(try #require(entry).dropFirst("DATABASE_URL=".count))
    }

    @Test func pgDumpAndPgRestoreBringBackTheDatabasesAsDumped() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-pgbackup-\(UUID().uuidString)")
        let dumps = dataDirectory.appendingPathComponent("dumps")
        try FileManager.default.createDirectory(at: dumps, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let services = ["TokenService", "DirectoryService", "MappingService"]
        var databases: [String: String] = [:]
        var keptID = ""
        var laterID = ""
        var stack = try StackProcess(dataDirectory: dataDirectory, port: try freePort())
        do {
            try await stack.waitUntilUp()
            let demo = try JSONDecoder().decode(DemoFile.self, from: Data(contentsOf: dataDirectory.appendingPathComponent("demo.json")))
            let kept = try await HTTP.scim(demo, .POST, "/Users", json: SupervisionEndToEndTests.user("kept@example.com"))
            #expect(kept.status == 201)
            keptID = try #require(kept.json["id"] as? String)
            for service in services {
                databases[service] = try Self.databaseURL(of: service, in: stack)
                let dump = try await ChildProcess.run(
                    "pg_dump",
                    ["-Fc", "-d", databases[service]!, "-f", dumps.appendingPathComponent("\(service).dump").path]
                )
                #expect(dump.status == 0, "pg_dump \(service): \(dump.output)")
            }
            let later = try await HTTP.scim(demo, .POST, "/Users", json: SupervisionEndToEndTests.user("later@example.com"))
            #expect(later.status == 201)
            laterID = try #require(later.json["id"] as? String)
            #expect(try await HTTP.scim(demo, .DELETE, "/Users/" + keptID).status == 204)
        } catch {
            _ = try? await stack.stop()
            throw error
        }
        #expect(try await stack.stop() == 0)

        for service in services {
            let restore = try await ChildProcess.run(
                "pg_restore",
                ["--clean", "--if-exists", "--no-owner", "-d", databases[service]!, dumps.appendingPathComponent("\(service).dump").path]
            )
            #expect(restore.status == 0, "pg_restore \(service): \(restore.output)")
        }

        stack = try StackProcess(dataDirectory: dataDirectory, port: try freePort())
        do {
            try await stack.waitUntilUp()
            let demo = try JSONDecoder().decode(DemoFile.self, from: Data(contentsOf: dataDirectory.appendingPathComponent("demo.json")))
            let kept = try await HTTP.scim(demo, .GET, "/Users/" + keptID)
            #expect(kept.status == 200, "the user present at the dump is back")
            #expect(kept.json["userName"] as? String == "kept@example.com")
            #expect(try await HTTP.scim(demo, .GET, "/Users/" + laterID).status == 404, "the user created after the dump is gone")
            #expect(try await HTTP.scim(demo, .GET, "/Users?count=1").json["totalResults"] as? Int == 1)
        } catch {
            _ = try? await stack.stop()
            throw error
        }
        #expect(try await stack.stop() == 0)
    }
}
