import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// `provisio backup` while users are being created, `provisio restore` into a new folder, and a stack started there
/// holds every user acknowledged before the backup began. SQLite only (PostgreSQL: ``PostgresBackupEndToEndTests``).
@Suite(.serialized, .timeLimit(.minutes(10)), .enabled(if: ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"]?.isEmpty ?? true))
struct BackupEndToEndTests {
    /// Users the stack acknowledged (2xx), in the order the answers came.
    final class Acknowledged: Sendable {
        private let users = Mutex<[(userName: String, id: String)]>([])
        func record(_ userName: String, _ id: String) { users.withLock { $0.append((userName, id)) } }
        var all: [(userName: String, id: String)] { users.withLock { $0 } }
        var count: Int { users.withLock { $0.count } }
    }

    static func provisio(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run(StackProcess.binaryDirectory.appendingPathComponent("provisio"), arguments)
    }

    @Test func aBackupTakenMidSyncRestoresEveryUserAcknowledgedBeforeIt() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-backup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let backupFolder = scratch.appendingPathComponent("backup")
        let acknowledged = Acknowledged()
        var beforeBackup: [(userName: String, id: String)] = []
        var original: DemoFile?
        try await withStack { demo, stack in
            original = demo
            // Four writers, like an IdP's parallel sync, each recording what was acknowledged.
            let writers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<4 {
                        group.addTask {
                            var index = 0
                            while !Task.isCancelled {
                                let userName = "w\(writer)-\(index)@example.com"
                                let answer = try? await HTTP.scim(demo, .POST, "/Users", json: SupervisionEndToEndTests.user(userName))
                                if let answer, (200..<300).contains(answer.status), let id = answer.json["id"] as? String {
                                    acknowledged.record(userName, id)
                                }
                                index += 1
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            while acknowledged.count < 100 { try await Task.sleep(for: .milliseconds(20)) }
            beforeBackup = acknowledged.all  // every one of these was answered 2xx before the backup began
            let backup = try await Self.provisio(["backup", "--data-dir", stack.dataDirectory.path, "--to", backupFolder.path])
            #expect(backup.status == 0, "\(backup.output)")
            let atBackupEnd = acknowledged.count
            while acknowledged.count < atBackupEnd + 50 { try await Task.sleep(for: .milliseconds(20)) }  // writes go on after it
            writers.cancel()
            _ = await writers.result
            // A second backup into the same folder is refused: a backup never overwrites another.
            let again = try await Self.provisio(["backup", "--data-dir", stack.dataDirectory.path, "--to", backupFolder.path])
            #expect(again.status != 0)
            #expect(again.output.contains("not empty"))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: backupFolder.path)
        #expect(Set(files) == ["backup.json", "token.sqlite", "directory.sqlite", "mapping.sqlite", "secrets.json", "demo.json"])
        #expect(
            (try FileManager.default.attributesOfItem(atPath: backupFolder.appendingPathComponent("secrets.json").path)[.posixPermissions]
                as? NSNumber)?.intValue == 0o600
        )

        // Restore into a new folder; a second restore there is refused without --force, accepted with it.
        let restored = scratch.appendingPathComponent("restored")
        let restore = try await Self.provisio(["restore", "--from", backupFolder.path, "--data-dir", restored.path])
        #expect(restore.status == 0, "\(restore.output)")
        let refused = try await Self.provisio(["restore", "--from", backupFolder.path, "--data-dir", restored.path])
        #expect(refused.status != 0)
        #expect(refused.output.contains("--force"))
        #expect(try await Self.provisio(["restore", "--from", backupFolder.path, "--data-dir", restored.path, "--force"]).status == 0)

        let stack = try StackProcess(dataDirectory: restored, port: try freePort())
        do {
            try await stack.waitUntilUp()
            let demo = try JSONDecoder().decode(DemoFile.self, from: Data(contentsOf: restored.appendingPathComponent("demo.json")))
            #expect(demo.token == original?.token, "the restored stack keeps the demo token")
            var missing: [String] = []
            for user in beforeBackup {
                let answer = try await HTTP.scim(demo, .GET, "/Users/" + user.id)
                if answer.status != 200 || answer.json["userName"] as? String != user.userName { missing.append(user.userName) }
            }
            let total = try await HTTP.scim(demo, .GET, "/Users?count=1").json["totalResults"] as? Int ?? -1
            print(
                "backup: \(beforeBackup.count) users acknowledged before the backup, \(acknowledged.count) in all; restored \(total); missing \(missing.count)"
            )
            #expect(missing.isEmpty, "acknowledged before the backup but not restored: \(missing)")
            #expect(total >= beforeBackup.count && total <= acknowledged.count + 4)
        } catch {
            _ = try? await stack.stop()
            throw error
        }
        #expect(try await stack.stop() == 0)
    }
}
