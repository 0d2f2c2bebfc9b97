import Foundation
import Logging
import SQLKit

@testable import Persistence

/// A fresh SQLite file with two readers and one table, `items (id, name UNIQUE)`, for the storage tests.
func temporaryItemsStorage(_ name: String) async throws -> SQLiteStorage {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("provisio-\(name)-\(UUID().uuidString)/test.sqlite").path
    let storage = try await SQLiteStorage.open(path: path, readerCount: 2, logger: Logger(label: "test"))
    try await storage.write { database in
        try await database.raw("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE)").run()
    }
    return storage
}
