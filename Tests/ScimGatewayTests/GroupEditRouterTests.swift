import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ScimCore
import ServiceClients
import ServiceKit
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// `PATCH /api/v1/tenants/{tenant}/groups/{id}` through the gateway and the real directory, with the IdP setting
/// an admin turns on through `/admin/v1`.
@Suite("SCIM gateway: editing an externally managed group", .timeLimit(.minutes(1)))
struct GroupEditRouterTests {
    @Test func theAdminsSettingOpensTheEdit() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let group = try await client.request(
                .post,
                "/scim/v2/acme/okta/Groups",
                bearer: token,
                json: ["schemas": [.string(ScimSchemaURN.group)], "displayName": "Sales"]
            )
            let id = try #require(try group.json["id"]?.stringValue)
            let path = "/api/v1/tenants/acme/groups/\(id)"
            try await client.request(.patch, path, bearer: Fixture.adminKey, json: ["displayName": "Renamed"], contentType: MediaType.json)
                .expectScimError(409)
            let view = try await client.request(
                .patch,
                "/admin/v1/tenants/acme/idps/okta",
                bearer: Fixture.adminKey,
                json: ["groupsEditable": true],
                contentType: MediaType.json
            )
            #expect(try view.status == .ok && view.json["groupsEditable"] == true, "\(view.text)")
            let edited = try await client.request(
                .patch,
                path,
                bearer: Fixture.adminKey,
                json: ["displayName": "Renamed"],
                contentType: MediaType.json
            )
            #expect(edited.status == .ok, "\(edited.text)")
            #expect(try edited.json["displayName"] == "Renamed" && edited.json["memberCount"] == 0)
            let scim = try await client.request(.get, "/scim/v2/acme/okta/Groups/\(id)", bearer: token)
            #expect(try scim.json["displayName"] == "Renamed")
            try await client.request(.patch, path, bearer: Fixture.adminKey, json: ["members": []], contentType: MediaType.json)
                .expectScimError(400, scimType: "invalidValue")
            try await client.request(.patch, path, json: ["displayName": "X"], contentType: MediaType.json).expectScimError(401)
        }
    }
}
