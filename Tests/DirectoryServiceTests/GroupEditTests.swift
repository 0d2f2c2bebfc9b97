import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import DirectoryService

@Suite("Directory service: the application's edits of externally managed groups", .timeLimit(.minutes(1)))
struct GroupEditTests {
    static func edit(_ id: String) -> String { "/internal/v1/tenants/acme/groups/\(id)" }

    @Test func anEditNeedsTheIdentityProvidersPermissionAndIsAnEventAsIsTheIdPsNextChange() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let member = try await client.createdUserID("ada")
            let group = try await client.createGroup("Sales", members: [member])
            let cursor = try await client.latestCursor()

            let refused = try await client.call(.patch, Self.edit(group), json: ["displayName": "Renamed"])
            try refused.expectScimError(409)
            #expect(refused.detail?.contains("groupsEditable") == true)

            let allowed = try await client.call(.patch, "/internal/v1/tenants/acme/idps/okta", json: ["groupsEditable": true])
            #expect(try allowed.status == .ok && allowed.json["groupsEditable"] == true)
            #expect(try await client.call(.get, "/internal/v1/tenants/acme/idps/okta").json["groupsEditable"] == true)

            let edited = try await client.call(.patch, Self.edit(group), json: ["displayName": " Renamed ", "description": "The sales team"])
            #expect(edited.status == .ok, "\(edited.text)")
            let body = try edited.json
            #expect(body["id"] == .string(group) && body["idp"] == "okta" && body["displayName"] == "Renamed")
            #expect(body["description"] == "The sales team" && body["memberCount"] == 1 && body["version"] == 2)
            // The same edit again changes nothing.
            #expect(try await client.call(.patch, Self.edit(group), json: ["displayName": "Renamed"]).json["version"] == 2)
            // The SCIM view shows the edit.
            let scim = try #require(try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/groups/\(group)").json["resource"])
            #expect(scim["displayName"] == "Renamed" && scim["description"] == "The sales team")

            // The IdP's next change of the field wins again.
            let replaced = try await client.call(
                .put,
                "/internal/v1/tenants/acme/idps/okta/groups/\(group)",
                json: ["resource": ["schemas": [.string(ScimSchemaURN.group)], "displayName": "Sales", "members": [["value": .string(member)]]]]
            )
            #expect(replaced.status == .ok, "\(replaced.text)")

            let (events, _) = try await client.events(after: cursor)
            #expect(types(events) == ["group.updated", "group.updated"])
            #expect(events[0]["previous"]?["displayName"] == "Sales" && events[0]["previous"]?["description"] == .null)
            #expect(events[0]["data"]?["displayName"] == "Renamed" && events[0]["data"]?["description"] == "The sales team")
            #expect(events[1]["previous"]?["displayName"] == "Renamed" && events[1]["data"]?["displayName"] == "Sales")
            #expect(events[1]["data"]?["description"] == .null)
        }
    }

    @Test(arguments: [
        #"{"members": []}"#, #"{"displayName": ""}"#, #"{"displayName": "  "}"#, #"{"displayName": 5}"#, #"{"description": true}"#, "[]", "{}",
    ])
    func aMalformedEditIs400(body: String) async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            #expect(try await client.call(.patch, "/internal/v1/tenants/acme/idps/okta", json: ["groupsEditable": true]).status == .ok)
            let group = try await client.createGroup("Sales")
            let response = try await client.call(.patch, Self.edit(group), rawBody: body)
            #expect(response.status == .badRequest, "\(response.text)")
            #expect(try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/groups/\(group)").json["resource"]?["displayName"] == "Sales")
        }
    }

    @Test func anotherTenantsGroupIsNotFound() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createTenant("beta")
            try await client.createIdentityProvider(tenant: "beta", "okta")
            #expect(try await client.call(.patch, "/internal/v1/tenants/beta/idps/okta", json: ["groupsEditable": true]).status == .ok)
            let group = try await client.createGroup(tenant: "beta", "Sales")
            try await client.call(.patch, Self.edit(group), json: ["displayName": "Mine"]).expectScimError(404)
            try await client.call(.patch, Self.edit("missing"), json: ["displayName": "Mine"]).expectScimError(404)
        }
    }
}
