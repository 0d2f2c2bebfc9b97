import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// Sequence numbers in commit order across directory replicas: writers spread over two directories on one
/// PostgreSQL while a reader follows the feed. The reader must never find a new event below one it has seen, and
/// ends with every event. Runs in the PostgreSQL pass of the test script.
@Suite(
    .serialized,
    .timeLimit(.minutes(5)),
    .enabled(if: ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false)
)
struct ChangeEventOrderingEndToEndTests {
    @Test func aReaderNeverFindsAnEventBelowOneItHasSeen() async throws {
        let server = try #require(ProcessInfo.processInfo.environment["PROVISIO_TEST_POSTGRES_URL"])
        let topology = try await ReplicaTopology.started(postgresServer: server)
        defer { topology.stop() }
        let gateways = topology.gatewayURLs
        let admin = gateways[0] + "/admin/v1"
        #expect(try await HTTP.send(.POST, admin + "/tenants", bearer: topology.adminKey, json: ["id": "acme", "name": "Acme"]).status == 201)
        #expect(
            try await HTTP.send(.POST, admin + "/tenants/acme/idps", bearer: topology.adminKey, json: ["id": "okta", "name": "Okta"]).status == 201
        )
        let token = try #require(
            try await HTTP.send(.POST, admin + "/tenants/acme/idps/okta/tokens", bearer: topology.adminKey, json: ["validDays": 1]).json["token"]
                as? String
        )
        let bases = gateways.map { $0 + "/scim/v2/acme/okta" }
        let feeds = gateways.map { $0 + "/api/v1/tenants/acme/events" }
        let group = try await HTTP.send(.POST, bases[0] + "/Groups", bearer: token, json: ["displayName": "Everyone", "members": []])
        let groupID = try #require(group.json["id"] as? String)

        let adminKey = topology.adminKey
        let writing = WritingFlag()
        // The reader polls both gateways (and so both directories) in turn, from the start.
        let reader = Task { () throws -> [Int] in
            var seen: [Int] = []
            var cursor: String?
            var turn = 0
            while true {
                let stillWriting = writing.value.load(ordering: .acquiring)
                let url = feeds[turn % 2] + "?limit=50" + (cursor.map { "&after=\($0)" } ?? "")
                turn += 1
                let page = try await HTTP.send(.GET, url, bearer: adminKey)
                guard page.status == 200 else { throw StackError("feed answered \(page.status): \(page.text)") }
                let events = page.json["data"] as? [[String: Any]] ?? []
                for event in events {
                    let sequence = event["sequence"] as? Int ?? -1
                    if let last = seen.last, sequence <= last { throw StackError("event \(sequence) found after \(last)") }
                    seen.append(sequence)
                }
                cursor = page.json["next"] as? String
                if events.isEmpty && !stillWriting { return seen }
            }
        }
        // Writers: users created through both gateways, each added to the one group (the same tenant's numbering
        // row is what they all take their numbers from).
        let created = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for writer in 0..<8 {
                tasks.addTask {
                    var statuses = 0
                    for index in 0..<15 {
                        let base = bases[(writer + index) % 2]
                        let answer = try await HTTP.send(.POST, base + "/Users", bearer: token, json: user("w\(writer)-\(index)@example.com"))
                        guard let id = answer.json["id"] as? String else { continue }
                        let patch = try await HTTP.send(
                            .PATCH,
                            bases[(writer + index + 1) % 2] + "/Groups/\(groupID)",
                            bearer: token,
                            json: ["Operations": [["op": "add", "path": "members", "value": [["value": id]]]]]
                        )
                        if answer.status == 201 && patch.status == 204 { statuses += 1 }
                    }
                    return statuses
                }
            }
            return try await tasks.reduce(0, +)
        }
        writing.value.store(false, ordering: .releasing)
        let seen = try await reader.value
        #expect(created == 120)
        // idp.created, group.created, then a user.created and a group.member_added per user: all of them, in order.
        #expect(seen == Array(1...(2 + 2 * created)))
    }
}

/// Whether the writers are still at work, shared with the reader task.
final class WritingFlag: Sendable {
    let value = Atomic<Bool>(true)
}
