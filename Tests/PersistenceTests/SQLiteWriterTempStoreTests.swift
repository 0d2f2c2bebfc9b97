import Foundation
import Logging
import SQLKit
import Testing

@testable import Persistence

/// The writer keeps its statement journals (one per savepoint of a group commit) in memory: on disk they spill to a
/// temporary file that, once spilled, takes a copy of every page the rest of the batch touches.
@Suite("SQLite writer's temporary storage")
struct SQLiteWriterTempStoreTests {
    @Test func theWriterKeepsTemporaryStorageInMemoryAndTheReadersDoNot() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-temp-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let storage = try await SQLiteStorage.open(
            path: folder.appendingPathComponent("test.sqlite").path,
            readerCount: 1,
            logger: Logger(label: "test")
        )
        let query: @Sendable (any SQLDatabase) async throws -> Int = { database in
            try await database.raw("PRAGMA temp_store").first()?.decode(column: "temp_store", as: Int.self) ?? -1
        }
        let writer = try await storage.write(query)
        let reader = try await storage.read(query)
        await storage.close()
        #expect(writer == 2)  // MEMORY
        #expect(reader == 0)  // the default: a large sort may spill to disk
    }
}
