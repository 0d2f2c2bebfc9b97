import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import DirectoryService

@Suite("Directory service: each SCIM write says which attributes it changed", .timeLimit(.minutes(1)))
struct ChangedAttributesHeaderTests {
    static let users = "/internal/v1/tenants/acme/idps/okta/users"
    static let groups = "/internal/v1/tenants/acme/idps/okta/groups"
    static let header = HTTPField.Name(ProvisioningHeaders.changedAttributes)!

    @Test func userWritesNameTheirChangesAndANoOpNamesNone() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let resource: JSONValue = ["schemas": [.string(ScimSchemaURN.user)], "userName": "ada", "name": ["givenName": "Ada"]]
            let created = try await client.call(.post, Self.users, json: ["resource": resource, "identity": [:]])
            #expect(created.status == .created)
            #expect(created.headers[Self.header] == "name,userName")
            let id = try #require(try created.json["id"]?.stringValue)

            var changed = resource.objectValue ?? [:]
            changed["name"] = ["givenName": "Augusta"]
            changed["active"] = false
            let replaced = try await client.call(.put, "\(Self.users)/\(id)", json: ["resource": .object(changed), "identity": [:]])
            #expect(replaced.status == .ok)
            #expect(replaced.headers[Self.header] == "active,name")
            let again = try await client.call(.put, "\(Self.users)/\(id)", json: ["resource": .object(changed), "identity": [:]])
            #expect(again.status == .ok)
            #expect(again.headers[Self.header] == "")

            let deleted = try await client.call(.delete, "\(Self.users)/\(id)")
            #expect(deleted.status == .noContent && deleted.headers[Self.header] == "id")
        }
    }

    @Test func groupMembershipChangesAreMembers() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let user = try await client.createdUserID("ada")
            let groupID = try await client.createGroup("Engineering")
            let added = try await client.patchGroup(groupID, [["op": "add", "path": "members", "value": [["value": .string(user)]]]])
            #expect(added.status == .ok)
            #expect(added.headers[Self.header] == "members")
            let repeated = try await client.patchGroup(groupID, [["op": "add", "path": "members", "value": [["value": .string(user)]]]])
            #expect(repeated.headers[Self.header] == "")
            let renamed = try await client.patchGroup(groupID, [["op": "replace", "path": "displayName", "value": "Eng"]])
            #expect(renamed.headers[Self.header] == "displayName")
            let deleted = try await client.call(.delete, "\(Self.groups)/\(groupID)")
            #expect(deleted.status == .noContent && deleted.headers[Self.header] == "id,members")
        }
    }

    @Test func theHeaderIsBounded() {
        let names = (0..<80).map { "attribute\($0)" }
        let value = ProvisioningHeaders.changedAttributesValue(names)
        #expect(value.split(separator: ",").count == ProvisioningHeaders.maximumChangedAttributes + 1)
        #expect(value.hasSuffix(",…"))
        #expect(ProvisioningHeaders.changedAttributes(from: value).count == ProvisioningHeaders.maximumChangedAttributes + 1)
        #expect(ProvisioningHeaders.changedAttributes(from: "") == [])
        let long = ProvisioningHeaders.changedAttributesValue([String(repeating: "x", count: 10_000)])
        #expect(long.utf8.count <= ProvisioningHeaders.maximumChangedAttributesLength + 3)
    }
}
