import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import DirectoryService

@Suite("Directory service: change events written with each change", .timeLimit(.minutes(1)))
struct ChangeEventTests {
    static let users = "/internal/v1/tenants/acme/idps/okta/users"

    @Test func anIdentityProviderAndAUsersLifeAreEvents() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            #expect(try await client.allEvents().isEmpty)
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let id = try await client.createdUserID("ada", identity: ["Email": "ada@example.com"])
            let resource: JSONValue = ["schemas": [.string(ScimSchemaURN.user)], "userName": "ada", "displayName": "Ada"]
            let identity: JSONValue = ["Email": "ada@example.com"]
            func put(_ resource: JSONValue) async throws {
                let response = try await client.call(.put, "\(Self.users)/\(id)", json: ["resource": resource, "identity": identity])
                #expect(response.status == .ok, "\(response.text)")
            }
            try await put(resource)
            try await put(resource)  // the same again: no change, no event
            var inactive = resource.objectValue ?? [:]
            inactive["active"] = false
            try await put(.object(inactive))
            try await put(resource)
            #expect(try await client.call(.delete, "\(Self.users)/\(id)").status == .noContent)

            let events = try await client.allEvents()
            expectWellFormed(events)
            #expect(
                types(events) == ["idp.created", "user.created", "user.updated", "user.deactivated", "user.reactivated", "user.deleted"]
            )
            #expect(events[0]["sequence"] == 1)
            #expect(events[0]["idp"] == "okta" && events[0]["data"]?["id"] == "okta" && events[0]["data"]?["providerType"] == "Generic")
            let created = try #require(events[1]["data"])
            #expect(created["id"] == .string(id) && created["idp"] == "okta" && created["userName"] == "ada" && created["active"] == true)
            #expect(created["identity"] == ["Email": "ada@example.com"] && created["scim"]?["id"] == .string(id))
            #expect(created["groups"] == [] && created["version"] == 1)
            #expect(events[1]["previous"] == nil)
            // An update names what changed, with the former values.
            #expect(events[2]["data"]?["scim"]?["displayName"] == "Ada")
            #expect(events[2]["previous"]?["scim"]?["displayName"] == nil)
            #expect(events[2]["previous"]?["active"] == nil && events[2]["previous"]?["userName"] == nil)
            #expect(events[3]["previous"]?["active"] == true && events[3]["data"]?["active"] == false)
            #expect(events[4]["previous"]?["active"] == false)
            #expect(events[5]["data"] == ["id": .string(id), "idp": "okta", "userName": "ada"])
        }
    }

    @Test func groupsAndTheirMembersAreEventsOnePerMember() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            var userIDs: [String] = []
            for index in 0..<102 { userIDs.append(try await client.createdUserID("user\(index)")) }
            let cursor = try await client.latestCursor()
            let group = try await client.createGroup("Sales", members: [userIDs[0], userIDs[1]])
            var (events, next) = try await client.events(after: cursor)
            #expect(types(events) == ["group.created", "group.member_added", "group.member_added"])
            #expect(events[0]["data"]?["displayName"] == "Sales" && events[0]["data"]?["memberCount"] == 2)
            #expect(Set(events.dropFirst().compactMap { $0["data"]?["member"]?["id"]?.stringValue }) == Set(userIDs[0...1]))
            #expect(events[1]["data"]?["group"] == ["id": .string(group), "displayName": "Sales"])
            #expect(events[1]["data"]?["member"]?["type"] == "User")

            // A PATCH adding 100 members: 100 events.
            let hundred = userIDs[2..<102].map { JSONValue.object(["value": .string($0)]) }
            #expect(try await client.patchGroup(group, [["op": "add", "path": "members", "value": .array(hundred)]]).status == .ok)
            (events, next) = try await client.events(after: next)
            #expect(events.count == 100 && Set(types(events)) == ["group.member_added"])
            #expect(Set(events.compactMap { $0["data"]?["member"]?["id"]?.stringValue }) == Set(userIDs[2..<102]))

            // Adding a member again changes nothing.
            #expect(try await client.patchGroup(group, [["op": "add", "path": "members", "value": [["value": .string(userIDs[0])]]]]).status == .ok)
            (events, next) = try await client.events(after: next)
            #expect(events.isEmpty)

            // A rename, and a removal.
            #expect(try await client.patchGroup(group, [["op": "replace", "path": "displayName", "value": "Sales EU"]]).status == .ok)
            let removal: JSONValue = ["op": "remove", "path": .string("members[value eq \"\(userIDs[0])\"]")]
            #expect(try await client.patchGroup(group, [removal]).status == .ok)
            (events, next) = try await client.events(after: next)
            #expect(types(events) == ["group.updated", "group.member_removed"])
            #expect(events[0]["previous"]?["displayName"] == "Sales" && events[0]["data"]?["displayName"] == "Sales EU")
            #expect(events[0]["data"]?["memberCount"] == 102)
            #expect(events[1]["data"]?["member"]?["id"] == .string(userIDs[0]))

            // A replace: the membership's difference, not a removal and re-adding of everyone.
            let replaced = try await client.call(
                .put,
                "/internal/v1/tenants/acme/idps/okta/groups/\(group)",
                json: [
                    "resource": [
                        "schemas": [.string(ScimSchemaURN.group)], "displayName": "Sales EU",
                        "members": .array(([userIDs[0]] + Array(userIDs[2..<101])).map { ["value": .string($0)] }),
                    ]
                ]
            )
            #expect(replaced.status == .ok, "\(replaced.text)")
            (events, next) = try await client.events(after: next)
            #expect(types(events) == ["group.member_removed", "group.member_removed", "group.member_added"])
            #expect(Set(events[0...1].compactMap { $0["data"]?["member"]?["id"]?.stringValue }) == [userIDs[1], userIDs[101]])
            #expect(events[2]["data"]?["member"]?["id"] == .string(userIDs[0]))

            // A user that goes leaves its groups first; a group that goes, last.
            #expect(try await client.call(.delete, "\(Self.users)/\(userIDs[0])").status == .noContent)
            #expect(try await client.call(.delete, "/internal/v1/tenants/acme/idps/okta/groups/\(group)").status == .noContent)
            (events, next) = try await client.events(after: next)
            #expect(types(events) == ["group.member_removed", "user.deleted", "group.deleted"])
            #expect(events[0]["data"]?["group"] == ["id": .string(group), "displayName": "Sales EU"])
            #expect(events[2]["data"] == ["id": .string(group), "idp": "okta", "displayName": "Sales EU"])
            expectWellFormed(try await client.allEvents())
        }
    }

    @Test func aRemappedIdentityIsAnUpdateAndTheSameIdentityIsNone() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let id = try await client.createdUserID("ada", identity: ["Email": "ada@old.example"])
            let cursor = try await client.latestCursor()
            let path = "\(Self.users)/\(id)/identity"
            #expect(try await client.call(.put, path, json: ["identity": ["Email": "ada@new.example"]]).status == .noContent)
            #expect(try await client.call(.put, path, json: ["identity": ["Email": "ada@new.example"]]).status == .noContent)
            let (events, _) = try await client.events(after: cursor)
            #expect(types(events) == ["user.updated"])
            #expect(events.first?["previous"] == ["identity": ["Email": "ada@old.example"]])
            #expect(events.first?["data"]?["identity"] == ["Email": "ada@new.example"])
        }
    }

    /// Writes that queue behind SQLite's writer commit together, each in its own savepoint: a refused one (a taken
    /// userName) must take its events with it, and leave the numbering without a gap.
    @Test func aRefusedWriteLeavesNoEvent() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { tasks in
                for index in 0..<40 {
                    tasks.addTask {
                        try await client.createUser(tenant: "acme", idp: "okta", ["userName": .string("user\(index % 20)")]).status
                    }
                }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 20)
            #expect(statuses.filter { $0 == .conflict }.count == 20)
            let events = try await client.allEvents()
            expectWellFormed(events)
            #expect(types(events) == ["idp.created"] + Array(repeating: "user.created", count: 20))
            #expect(Set(events.compactMap { $0["data"]?["userName"]?.stringValue }).count == 20)
            // A user in a missing IdP: refused, no event.
            try await client.createUser(tenant: "acme", idp: "ghost", ["userName": "x"]).expectScimError(404)
            #expect(try await client.allEvents().count == 21)
        }
    }

    @Test func deletingAnIdentityProviderIsAnEventAndDeletingTheTenantTakesItsFeed() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createTenant("beta")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            try await client.createIdentityProvider(tenant: "beta", "okta")
            _ = try await client.createdUserID("ada")
            #expect(try await client.call(.delete, "/internal/v1/tenants/acme/idps/okta").status == .noContent)
            let events = try await client.allEvents()
            #expect(types(events) == ["idp.created", "user.created", "idp.deleted"])
            #expect(events.last?["data"] == ["id": "okta", "name": "IdP okta"] && events.last?["idp"] == "okta")
            // Each tenant numbers its own events.
            #expect(try await client.allEvents(tenant: "beta").first?["sequence"] == 1)

            #expect(try await client.call(.delete, "/internal/v1/tenants/acme").status == .noContent)
            try await client.call(.get, "/internal/v1/tenants/acme/events").expectScimError(404)
            try await client.createTenant("acme")
            #expect(try await client.allEvents().isEmpty)
        }
    }
}
