import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

/// `GET /api/v1/tenants/{tenant}/…` through the gateway to the real directory: users provisioned over SCIM are
/// read back with their identity and groups, pages chain, refusals keep their SCIM status and body.
@Suite struct DirectoryReadRouterTests {
    static func user(_ userName: String) -> JSONValue {
        ["schemas": [.string(ScimSchemaURN.user)], "userName": .string(userName), "active": true]
    }

    func api(_ client: any TestClientProtocol, _ path: String, bearer: String? = Fixture.adminKey) async throws -> TestResponse {
        try await client.request(.get, "/api/v1/tenants" + path, bearer: bearer)
    }

    @Test func usersProvisionedOverScimAreReadBackWithTheirGroups() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let okta = try await gateway.seed(tenant: "acme", idp: "okta")
            let entra = try await gateway.seed(tenant: "acme", idp: "entra")
            let other = try await gateway.seed(tenant: "globex", idp: "okta")
            var ids: [String] = []
            for (token, idp) in [(okta, "okta"), (entra, "entra")] {
                for name in ["ada", "bob", "carol"] {
                    let created = try await client.request(.post, "/scim/v2/acme/\(idp)/Users", bearer: token, json: Self.user("\(name)@\(idp).test"))
                    #expect(created.status == .created, "\(created.text)")
                    ids.append(try #require(try created.json["id"]?.stringValue))
                }
            }
            let theirs = try await client.request(.post, "/scim/v2/globex/okta/Users", bearer: other, json: Self.user("ada@okta.test"))
            let theirID = try #require(try theirs.json["id"]?.stringValue)
            let group = try await client.request(
                .post,
                "/scim/v2/acme/okta/Groups",
                bearer: okta,
                json: ["schemas": [.string(ScimSchemaURN.group)], "displayName": "Admins", "members": [["value": .string(ids[0])]]]
            )
            #expect(group.status == .created, "\(group.text)")
            let groupID = try #require(try group.json["id"]?.stringValue)

            let byName = try await api(client, "/acme/users?userName=ADA%40okta.test")
            #expect(byName.status == .ok, "\(byName.text)")
            #expect(byName.headers[.contentType] == MediaType.json)
            let ada = try #require(try byName.json["data"]?.arrayValue?.first)
            #expect(try byName.json["data"]?.arrayValue?.count == 1)
            #expect(ada["id"]?.stringValue == ids[0])
            #expect(ada["idp"]?.stringValue == "okta")
            #expect(ada["identity"]?["Username"]?.stringValue == "ada@okta.test")
            #expect(ada["identity"]?["Status"] == .bool(true))
            #expect(ada["scim"]?["userName"]?.stringValue == "ada@okta.test")
            #expect(ada["groups"] == [["id": .string(groupID), "displayName": "Admins"]])
            #expect(try await api(client, "/acme/users/\(ids[0])").json == ada)

            // Three pages of two, across both IdPs, each user once; the other tenant's user never.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await api(client, "/acme/users?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")).json
                seen += try #require(page["data"]?.arrayValue).compactMap { $0["id"]?.stringValue }
                cursor = page["next"]?.stringValue
            } while cursor != nil && seen.count < 20
            #expect(seen.count == ids.count)
            #expect(Set(seen) == Set(ids))
            #expect(try await api(client, "/acme/users?idp=entra").json["data"]?.arrayValue?.count == 3)

            let groups = try await api(client, "/acme/groups").json
            #expect(groups["data"]?.arrayValue?.map { $0["memberCount"] } == [.number(1)])
            #expect(try await api(client, "/acme/groups/\(groupID)").json["displayName"]?.stringValue == "Admins")
            let members = try await api(client, "/acme/groups/\(groupID)/members").json
            #expect(members["data"]?.arrayValue?.map { $0["id"] } == [.string(ids[0])])
            #expect(try await api(client, "/acme/idps").json["data"]?.arrayValue?.map { $0["id"] } == ["entra", "okta"])

            // Another tenant's data: 404, as for ids that do not exist.
            try await api(client, "/acme/users/\(theirID)").expectScimError(404)
            try await api(client, "/globex/groups/\(groupID)").expectScimError(404)
            try await api(client, "/globex/groups/\(groupID)/members").expectScimError(404)
            try await api(client, "/initech/users").expectScimError(404)
            #expect(try await api(client, "/globex/users?userName=bob%40okta.test").json["data"]?.arrayValue == [])
        }
    }

    @Test func refusalsKeepTheirStatus() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            for query in [
                "/acme/users?limit=0", "/acme/users?active=maybe", "/acme/users?updatedSince=soon", "/acme/groups?bogus=1", "/acme/idps?x=1",
            ] {
                try await api(client, query).expectScimError(400, scimType: "invalidValue")
            }
            try await api(client, "/acme/users?cursor=garbage").expectScimError(400, scimType: "invalidCursor")
            try await api(client, "/acme/groups/nothing/members").expectScimError(404)
            try await api(client, "/acme/users/nobody").expectScimError(404)
            try await api(client, "/acme/users", bearer: nil).expectScimError(401)
            try await api(client, "/acme/users", bearer: token).expectScimError(401)
        }
    }
}
