import Foundation
import Logging
import SQLKit
import Testing

@testable import Persistence

/// `VACUUM INTO` snapshots of a live database: consistent while a writer keeps committing.
@Suite("SQLite snapshots")
struct SQLiteSnapshotTests {
    @Test func aSnapshotTakenUnderWritesHoldsEveryRowCommittedBeforeIt() async throws {
        let storage = try await temporaryItemsStorage("snapshot")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-snapshot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try await storage.read { database in
            try await database.raw("PRAGMA database_list").all().first?.decode(column: "file", as: String.self) ?? ""
        }
        for index in 0..<200 {
            try await storage.write { try await $0.raw("INSERT INTO items (name) VALUES (\(bind: "before-\(index)"))").run() }
        }
        let writer = Task {
            var index = 0
            while !Task.isCancelled {
                let name = "during-\(index)"
                try await storage.write { try await $0.raw("INSERT INTO items (name) VALUES (\(bind: name))").run() }
                index += 1
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        let copy = folder.appendingPathComponent("copy.sqlite").path
        try SQLiteSnapshot.copy(from: source, to: copy)
        writer.cancel()
        _ = await writer.result
        await storage.close()

        let snapshot = try await SQLiteStorage.open(path: copy, readerCount: 1, logger: Logger(label: "test"))
        let names = try await snapshot.read { database in
            try await database.raw("SELECT name FROM items ORDER BY id").all().map { try $0.decode(column: "name", as: String.self) }
        }
        await snapshot.close()
        #expect(names.prefix(200) == ArraySlice((0..<200).map { "before-\($0)" }))
        // Consistent: the rows written during the copy form a prefix of the writer's sequence, without gaps.
        let during = names.dropFirst(200)
        #expect(Array(during) == (0..<during.count).map { "during-\($0)" })
        #expect(throws: SQLiteSnapshot.Failure.self) { try SQLiteSnapshot.copy(from: source, to: copy) }  // never overwrites
    }
}
