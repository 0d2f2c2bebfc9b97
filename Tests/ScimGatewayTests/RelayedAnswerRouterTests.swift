import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ScimCore
import ServiceClients
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// The directory renders every SCIM answer and the gateway relays it: what a client sees of writes, lists and Bulk
/// through the gateway and the real directory — the projection on write answers, `ETag` from the version, `Location`
/// on a create, the 204 rules of PATCH, locations and versions in a Bulk response, the page size held to the maximum.
@Suite("SCIM gateway: answers rendered by the directory and relayed", .timeLimit(.minutes(1)))
struct RelayedAnswerRouterTests {
    static let base = "https://scim.example.test/scim/v2/acme/okta"
    static let users = "/scim/v2/acme/okta/Users"
    static let groups = "/scim/v2/acme/okta/Groups"
    static let ada: JSONValue = [
        "schemas": [.string(ScimSchemaURN.user)], "userName": "ada@example.com", "displayName": "Ada",
        "emails": [["value": "ada@example.com", "primary": true]],
    ]

    static func patch(_ operations: JSONValue) -> JSONValue {
        ["schemas": [.string(ScimSchemaURN.patchOp)], "Operations": operations]
    }

    @Test func aCreateAnswersTheProjectionTheClientAskedFor() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let created = try await client.request(.post, Self.users + "?attributes=userName", bearer: token, json: Self.ada)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.eTag] == #"W/"1""#)
            let body = try created.json
            let id = try #require(body["id"]?.stringValue)
            #expect(created.headers[.location] == "\(Self.base)/Users/\(id)")
            #expect(body.objectValue?.keys.sorted() == ["id", "schemas", "userName"])

            let replaced = try await client.request(.put, "\(Self.users)/\(id)?excludedAttributes=emails", bearer: token, json: Self.ada)
            #expect(replaced.status == .ok, "\(replaced.text)")
            #expect(replaced.headers[.eTag] == #"W/"2""#)
            #expect(replaced.headers[.location] == nil)
            #expect(try replaced.json["emails"] == nil)
            #expect(try replaced.json["meta"]?["location"] == .string("\(Self.base)/Users/\(id)"))

            // A projection that is not attribute notation is refused before anything is stored.
            let refused = try await client.request(
                .post,
                Self.users + "?attributes=" + PercentEncoding.encode(#"emails[type eq "work"]"#),
                bearer: token,
                json: ["userName": "bob@example.com"]
            )
            try refused.expectScimError(400, scimType: "invalidPath")
            #expect(try await gateway.directory.userCount == 1)
        }
    }

    @Test func aUserPatchAnswersTheUserUnlessTheClientPrefersMinimal() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let id = try #require(try await client.request(.post, Self.users, bearer: token, json: Self.ada).json["id"]?.stringValue)
            let rename = Self.patch([["op": "replace", "path": "displayName", "value": "Ada L."]])

            let full = try await client.request(.patch, "\(Self.users)/\(id)", bearer: token, json: rename)
            #expect(full.status == .ok, "\(full.text)")
            #expect(full.headers[.eTag] == #"W/"2""#)
            #expect(try full.json["displayName"] == "Ada L.")
            #expect(try full.json["meta"]?["version"] == #"W/"2""#)

            let minimal = try await client.request(
                .patch,
                "\(Self.users)/\(id)",
                bearer: token,
                json: Self.patch([["op": "replace", "path": "displayName", "value": "Ada"]]),
                headers: [.prefer: "return=minimal"]
            )
            #expect(minimal.status == .noContent)
            #expect(minimal.headers[.eTag] == #"W/"3""#)
            #expect(minimal.body.readableBytes == 0)

            // A PATCH that changes nothing writes nothing and answers the user as it is.
            let unchanged = try await client.request(
                .patch,
                "\(Self.users)/\(id)?attributes=displayName",
                bearer: token,
                json: Self.patch([["op": "replace", "path": "displayName", "value": "Ada"]])
            )
            #expect(unchanged.status == .ok, "\(unchanged.text)")
            #expect(unchanged.headers[.eTag] == #"W/"3""#)
            #expect(try unchanged.json.objectValue?.keys.sorted() == ["displayName", "id", "schemas"])
        }
    }

    @Test func aGroupIsRenderedWithMemberReferencesAndItsPatchIs204UnlessTheClientNamesAttributes() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let member = try #require(try await client.request(.post, Self.users, bearer: token, json: Self.ada).json["id"]?.stringValue)
            let created = try await client.request(
                .post,
                Self.groups,
                bearer: token,
                json: ["schemas": [.string(ScimSchemaURN.group)], "displayName": "Staff", "members": [["value": .string(member)]]]
            )
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(try created.json["id"]?.stringValue)
            #expect(created.headers[.location] == "\(Self.base)/Groups/\(id)")
            #expect(try created.json["members"]?.arrayValue?.first?["$ref"] == .string("\(Self.base)/Users/\(member)"))

            let add = Self.patch([["op": "replace", "path": "displayName", "value": "Staff 2"]])
            let quiet = try await client.request(.patch, "\(Self.groups)/\(id)", bearer: token, json: add)
            #expect(quiet.status == .noContent, "\(quiet.text)")
            #expect(quiet.headers[.eTag] == #"W/"2""#)
            #expect(quiet.body.readableBytes == 0)

            let answered = try await client.request(
                .patch,
                "\(Self.groups)/\(id)?excludedAttributes=members",
                bearer: token,
                json: Self.patch([["op": "replace", "path": "displayName", "value": "Staff 3"]])
            )
            #expect(answered.status == .ok, "\(answered.text)")
            #expect(answered.headers[.eTag] == #"W/"3""#)
            #expect(try answered.json["displayName"] == "Staff 3")
            #expect(try answered.json["members"] == nil)
            #expect(try answered.json["meta"]?["location"] == .string("\(Self.base)/Groups/\(id)"))
        }
    }

    @Test func bulkResultsCarryTheLocationAndVersionOfEachWrite() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let bulk: JSONValue = [
                "schemas": [.string(ScimSchemaURN.bulkRequest)],
                "Operations": [
                    [
                        "method": "POST", "path": "/Groups", "bulkId": "g",
                        "data": [
                            "schemas": [.string(ScimSchemaURN.group)], "displayName": "Staff", "members": [["value": "bulkId:u", "type": "User"]],
                        ],
                    ],
                    ["method": "POST", "path": "/Users", "bulkId": "u", "data": Self.ada],
                    ["method": "PUT", "path": "/Users/bulkId:u", "data": Self.ada],
                ],
            ]
            let answer = try await client.request(.post, "/scim/v2/acme/okta/Bulk", bearer: token, json: bulk)
            #expect(answer.status == .ok, "\(answer.text)")
            let results = try #require(try answer.json["Operations"]?.arrayValue)
            #expect(results.map { $0["status"] } == ["201", "201", "200"])
            let groupLocation = try #require(results[0]["location"]?.stringValue)
            let userLocation = try #require(results[1]["location"]?.stringValue)
            #expect(groupLocation.hasPrefix(Self.base + "/Groups/"))
            #expect(userLocation.hasPrefix(Self.base + "/Users/"))
            #expect(results[2]["location"] == .string(userLocation))
            #expect(results.map { $0["version"] } == [#"W/"1""#, #"W/"1""#, #"W/"2""#])

            // The group's member is the user the bulkId named.
            let groupID = String(groupLocation.dropFirst((Self.base + "/Groups/").count))
            let group = try await client.request(.get, "\(Self.groups)/\(groupID)", bearer: token).json
            #expect(group["members"]?.arrayValue?.first?["$ref"] == .string(userLocation))
        }
    }

    @Test func listsAndTheRootSearchAreTheDirectorysPages() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            for name in ["ada", "bob", "cy"] {
                let user: JSONValue = ["userName": .string("\(name)@example.com")]
                #expect(try await client.request(.post, Self.users, bearer: token, json: user).status == .created)
            }
            _ = try await client.request(.post, Self.groups, bearer: token, json: ["displayName": "Staff"])

            let filter = PercentEncoding.encode(#"userName sw "b""#)
            let page = try await client.request(.get, "\(Self.users)?filter=\(filter)&attributes=userName", bearer: token).json
            #expect(page["totalResults"] == 1)
            #expect(page["Resources"]?.arrayValue?.first?.objectValue?.keys.sorted() == ["id", "schemas", "userName"])

            let sorted = try await client.request(.get, "\(Self.users)?sortBy=userName&sortOrder=descending&count=2", bearer: token).json
            #expect(sorted["Resources"]?.arrayValue?.map { $0["userName"] } == ["cy@example.com", "bob@example.com"])
            #expect(sorted["itemsPerPage"] == 2)

            // Users then groups, as one list; the window spans both.
            let root = try await client.request(.post, "/scim/v2/acme/okta/.search", bearer: token, json: ["startIndex": 3, "count": 2])
            #expect(root.status == .ok, "\(root.text)")
            let joined = try root.json
            #expect(joined["totalResults"] == 4)
            #expect(joined["Resources"]?.arrayValue?.map { $0["meta"]?["resourceType"] } == ["User", "Group"])
        }
    }

    /// The directory lists what it is asked for: the page size sent is the client's, held to what the gateway
    /// advertises.
    @Test func aPageIsHeldToTheAdvertisedMaximum() async throws {
        let unused = try InternalHTTPClient(baseURL: "http://127.0.0.1:9", internalKey: ServiceTestCredentials.internalKey, serviceName: "directory")
        let mapping = FakeMappingClient()
        let peers = GatewayPeers(
            tokens: FakeTokenClient(),
            directory: HTTPDirectoryClient(client: unused),
            mapping: mapping,
            identityMapper: IdentityMapper(mapping: mapping),
            readiness: []
        )
        let capabilities = GatewayConfiguration.capabilities
        let resources = ScimResources(peers: peers, schemas: TenantSchemas(mapping: mapping), capabilities: capabilities)
        #expect(resources.page(SearchRequest(count: 1_000_000)).count == capabilities.pagination.maxPageSize)
        #expect(resources.page(SearchRequest()).count == capabilities.pagination.defaultPageSize)
        #expect(resources.page(SearchRequest(filter: "userName pr", count: 7)) == SearchRequest(filter: "userName pr", count: 7))
        await unused.shutdown()
    }
}
