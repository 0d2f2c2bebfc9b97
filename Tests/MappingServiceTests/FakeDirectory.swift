import Foundation
import InternalAPI
import Logging
import ScimCore
import Synchronization

@testable import MappingService

/// The directory as the mapping service sees it, in memory: users paged by index cursors, stored identities,
/// activity events.
final class FakeDirectory: MappingDirectory {
    struct State {
        var users: [StoredResource] = []
        var identities: [String: [String: JSONValue]] = [:]
        var events: [MappingEvent] = []
        var pagesServed = 0
    }

    let state = Mutex(State())

    init(users: [StoredResource] = []) { state.withLock { $0.users = users } }

    var identities: [String: [String: JSONValue]] { state.withLock { $0.identities } }
    var events: [MappingEvent] { state.withLock { $0.events } }
    var pagesServed: Int { state.withLock { $0.pagesServed } }

    func users(tenantID: String, idpID: String, cursor: String, count: Int, logger: Logger) async throws -> DirectoryPage {
        state.withLock { state in
            state.pagesServed += 1
            let start = Int(cursor) ?? 0
            let end = min(start + count, state.users.count)
            return DirectoryPage(
                totalResults: state.users.count,
                startIndex: nil,
                resources: Array(state.users[start..<end]),
                nextCursor: end < state.users.count ? String(end) : nil
            )
        }
    }

    func setIdentity(tenantID: String, idpID: String, userID: String, identity: [String: JSONValue], logger: Logger) async throws {
        state.withLock { $0.identities[userID] = identity }
    }

    func record(_ event: MappingEvent, logger: Logger) async throws {
        state.withLock { $0.events.append(event) }
    }
}
