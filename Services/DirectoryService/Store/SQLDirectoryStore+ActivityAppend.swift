import Foundation
import Persistence
import SQLKit

extension SQLDirectoryStore {
    func appendActivity(_ event: ActivityEvent) async throws -> Bool {
        try await storage.write { database in
            guard try await database.raw("SELECT id FROM tenants WHERE id = \(bind: event.tenantID)").first() != nil else { return false }
            try await Self.record(event, in: database)
            return true
        }
    }
}
