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

/// `GET /api/v1/tenants/{tenant}/events` through the gateway and the real directory: the page relayed as the
/// directory rendered it, the directory's errors relayed as SCIM errors.
@Suite("SCIM gateway: the change-event feed relayed", .timeLimit(.minutes(1)))
struct EventFeedRouterTests {
    static let feed = "/api/v1/tenants/acme/events"

    @Test func scimWritesAndBulkAppearInTheFeed() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let ada: JSONValue = ["schemas": [.string(ScimSchemaURN.user)], "userName": "ada@example.com"]
            #expect(try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: ada).status == .created)
            let bulk = try await client.request(
                .post,
                "/scim/v2/acme/okta/Bulk",
                bearer: token,
                json: [
                    "schemas": [.string(ScimSchemaURN.bulkRequest)],
                    "Operations": [
                        [
                            "method": "POST", "path": "/Users", "bulkId": "u1",
                            "data": ["schemas": [.string(ScimSchemaURN.user)], "userName": "bob@example.com"],
                        ],
                        [
                            "method": "POST", "path": "/Groups", "bulkId": "g1",
                            "data": ["schemas": [.string(ScimSchemaURN.group)], "displayName": "G", "members": [["value": "bulkId:u1"]]],
                        ],
                    ],
                ]
            )
            #expect(bulk.status == .ok, "\(bulk.text)")
            let page = try await client.request(.get, Self.feed + "?limit=10", bearer: Fixture.adminKey)
            #expect(page.status == .ok, "\(page.text)")
            #expect(page.headers[.contentType] == MediaType.json)
            let events = try #require(try page.json["data"]?.arrayValue)
            #expect(
                events.compactMap { $0["type"]?.stringValue }
                    == ["idp.created", "user.created", "user.created", "group.created", "group.member_added"]
            )
            #expect(try page.json["next"] == "5")
            let filtered = try await client.request(.get, Self.feed + "?types=user.created&after=2", bearer: Fixture.adminKey)
            #expect(try filtered.json["data"]?.arrayValue?.compactMap { $0["data"]?["userName"]?.stringValue } == ["bob@example.com"])
        }
    }

    @Test func theDirectorysRefusalsAreRelayed() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            try await client.request(.get, Self.feed + "?limit=5000", bearer: Fixture.adminKey).expectScimError(400, scimType: "invalidValue")
            try await client.request(.get, Self.feed + "?after=latest&types=nope", bearer: Fixture.adminKey).expectScimError(
                400,
                scimType: "invalidValue"
            )
            try await client.request(.get, "/api/v1/tenants/ghost/events", bearer: Fixture.adminKey).expectScimError(404)
            let long = String(repeating: "x", count: 5000)
            try await client.request(.get, Self.feed + "?idp=\(long)", bearer: Fixture.adminKey).expectScimError(400, scimType: "invalidValue")
            try await client.request(.get, Self.feed).expectScimError(401)
            try await client.request(.get, Self.feed, bearer: "not-the-admin-key").expectScimError(401)
        }
    }
}
