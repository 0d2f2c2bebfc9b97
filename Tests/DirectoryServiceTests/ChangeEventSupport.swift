import Foundation
import HTTPTypes
import HummingbirdTesting
import ScimCore
import ServiceTestSupport
import Testing

@testable import DirectoryService

/// Reading a tenant's change-event feed and writing through the internal API, for the change-event tests.
extension TestClientProtocol {
    /// Every event of the tenant from `after` on (following `next` page by page), checked on the way: ascending,
    /// gap-free sequences and each event's envelope.
    func allEvents(tenant: String = "acme", after: String? = nil, pageSize: Int = 1000) async throws -> [JSONValue] {
        var events: [JSONValue] = []
        var cursor = after
        for _ in 0..<1000 {
            let query = (cursor.map { "after=\($0)&" } ?? "") + "limit=\(pageSize)"
            let response = try await call(.get, "/internal/v1/tenants/\(tenant)/events?\(query)")
            #expect(response.status == .ok, "\(response.text)")
            let page = try response.json
            let data = try #require(page["data"]?.arrayValue)
            events += data
            let next = try #require(page["next"]?.stringValue)
            if data.isEmpty { break }
            cursor = next
        }
        return events
    }

    /// The events after `cursor`, and the cursor of the newest one.
    func events(after cursor: String, tenant: String = "acme") async throws -> (events: [JSONValue], next: String) {
        let events = try await allEvents(tenant: tenant, after: cursor)
        let latest = try await call(.get, "/internal/v1/tenants/\(tenant)/events?after=latest").json["next"]?.stringValue
        return (events, try #require(latest))
    }

    func latestCursor(tenant: String = "acme") async throws -> String {
        try #require(try await call(.get, "/internal/v1/tenants/\(tenant)/events?after=latest").json["next"]?.stringValue)
    }

    func createGroup(tenant: String = "acme", idp: String = "okta", _ displayName: String, members: [String] = []) async throws -> String {
        let response = try await call(
            .post,
            "/internal/v1/tenants/\(tenant)/idps/\(idp)/groups",
            json: [
                "resource": [
                    "schemas": [.string(ScimSchemaURN.group)], "displayName": .string(displayName),
                    "members": .array(members.map { ["value": .string($0)] }),
                ]
            ]
        )
        #expect(response.status == .created, "\(response.text)")
        return try #require(try response.json["id"]?.stringValue)
    }

    func patchGroup(tenant: String = "acme", idp: String = "okta", _ id: String, _ operations: [JSONValue]) async throws -> TestResponse {
        try await call(
            .patch,
            "/internal/v1/tenants/\(tenant)/idps/\(idp)/groups/\(id)",
            json: ["patch": ["schemas": [.string(ScimSchemaURN.patchOp)], "Operations": .array(operations)]]
        )
    }

    func createdUserID(tenant: String = "acme", idp: String = "okta", _ userName: String, identity: JSONValue = [:]) async throws -> String {
        let response = try await createUser(
            tenant: tenant,
            idp: idp,
            ["schemas": [.string(ScimSchemaURN.user)], "userName": .string(userName)],
            identity: identity
        )
        #expect(response.status == .created, "\(response.text)")
        return try #require(try response.json["id"]?.stringValue)
    }
}

/// Checks the envelope every event has and that sequences go up by one.
func expectWellFormed(_ events: [JSONValue], tenant: String = "acme", sourceLocation: SourceLocation = #_sourceLocation) {
    var ids: Set<String> = []
    var previous: Double?
    for event in events {
        let sequence = event["sequence"]?.numberValue
        #expect(sequence != nil, "sequence of \(event)", sourceLocation: sourceLocation)
        if let previous, let sequence { #expect(sequence == previous + 1, "sequence after \(previous)", sourceLocation: sourceLocation) }
        previous = sequence
        let id = event["id"]?.stringValue ?? ""
        #expect(id.count == 36 && ids.insert(id).inserted, "unique id: \(event)", sourceLocation: sourceLocation)
        #expect(event["tenant"] == .string(tenant), sourceLocation: sourceLocation)
        #expect(event["time"]?.stringValue?.hasSuffix("Z") == true, sourceLocation: sourceLocation)
        #expect(event["type"]?.stringValue != nil && event["data"]?.objectValue != nil, sourceLocation: sourceLocation)
    }
}

func types(_ events: [JSONValue]) -> [String] { events.compactMap { $0["type"]?.stringValue } }
