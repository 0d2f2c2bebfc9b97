import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceTestSupport
import Testing

/// Answers the gateway asks for as final SCIM bytes (``ScimRendering``: the client's base URL in a header, its query
/// in the URL or a `.search` body): the representation the client gets, with locations, the projection applied and
/// the version in `ETag`; without the header, the stored resource.
@Suite struct RenderedReadTests {
    static let base = "https://scim.example.com/scim/v2/acme/okta"

    /// `uri` with `query` as its URL query, or, with `body`, `query` as the `.search` body.
    private func rendered(
        _ client: some TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ uri: String,
        query: SearchRequest = SearchRequest(),
        body: Bool = false,
        resource: JSONValue? = nil
    ) async throws -> TestResponse {
        let headers: HTTPFields = [.internalKey: ServiceTestCredentials.internalKey, HTTPField.Name(ScimRendering.baseHeader)!: Self.base]
        if body { return try await client.send(method, uri, headers: headers, json: query.searchBody) }
        let text = query.rawQuery
        return try await client.send(method, text.isEmpty ? uri : uri + "?" + text, headers: headers, json: resource)
    }

    @Test func userByIDAndSearchAreTheClientsRepresentation() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let created = try await client.createUser(tenant: "acme", idp: "okta", DirectoryRouterTests.alice)
            let id = try #require(try created.json["id"]?.stringValue)
            let path = "/internal/v1/tenants/acme/idps/okta/users"

            let read = try await rendered(client, .get, "\(path)/\(id)")
            #expect(read.status == .ok, "\(read.text)")
            #expect(read.headers[.contentType] == "application/scim+json")
            #expect(read.headers[.eTag] == #"W/"1""#)
            let user = try read.json
            #expect(user["id"] == .string(id))
            #expect(user["userName"] == "Alice@Example.com")
            #expect(user["meta"]?["location"] == .string("\(Self.base)/Users/\(id)"))
            #expect(user["meta"]?["version"] == #"W/"1""#)
            #expect(user["password"] == nil)

            // The projection is the client's: `attributes` keeps `id` and `schemas` (returned always) and drops `meta`.
            let projected = try await rendered(client, .get, "\(path)/\(id)", query: SearchRequest(attributes: ["userName"])).json
            #expect(projected.objectValue?.keys.sorted() == ["id", "schemas", "userName"])

            let search = SearchRequest(filter: #"userName eq "alice@example.com""#, count: 10, excludedAttributes: ["emails"])
            let page = try await rendered(client, .post, "\(path)/search", query: search, body: true)
            #expect(try await rendered(client, .get, path, query: search).json == page.json)
            #expect(page.status == .ok, "\(page.text)")
            #expect(page.headers[.eTag] == nil)
            let list = try page.json
            #expect(list["schemas"] == [.string(ScimSchemaURN.listResponse)])
            #expect(list["totalResults"] == 1)
            #expect(list["startIndex"] == 1)
            #expect(list["itemsPerPage"] == 1)
            let listed = try #require(list["Resources"]?.arrayValue?.first)
            #expect(listed["id"] == .string(id))
            #expect(listed["meta"]?["location"] == .string("\(Self.base)/Users/\(id)"))
            #expect(listed["emails"] == nil)
            #expect(listed["displayName"] == "Alice Example")

            // Without the headers, the stored resource as before.
            let plain = try await client.call(.get, "\(path)/\(id)").json
            #expect(plain["version"] == 1)
            #expect(plain["resource"]?["meta"]?["location"] == nil)
        }
    }

    @Test func groupMembersCarryReferencesAndAreLeftOutWhenTheClientExcludesThem() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let member = try #require(try await client.createUser(tenant: "acme", idp: "okta", DirectoryRouterTests.alice).json["id"]?.stringValue)
            let created = try await client.call(
                .post,
                "/internal/v1/tenants/acme/idps/okta/groups",
                json: ["resource": ["schemas": [.string(ScimSchemaURN.group)], "displayName": "Staff", "members": [["value": .string(member)]]]]
            )
            let id = try #require(try created.json["id"]?.stringValue)
            let path = "/internal/v1/tenants/acme/idps/okta/groups/\(id)"

            let whole = try await rendered(client, .get, path).json
            #expect(whole["meta"]?["location"] == .string("\(Self.base)/Groups/\(id)"))
            let members = try #require(whole["members"]?.arrayValue)
            #expect(members.count == 1)
            #expect(members.first?["value"] == .string(member))
            #expect(members.first?["$ref"] == .string("\(Self.base)/Users/\(member)"))

            let lean = try await rendered(client, .get, path, query: SearchRequest(excludedAttributes: ["members"]))
            #expect(lean.headers[.eTag] == #"W/"1""#)
            #expect(try lean.json["members"] == nil)
            #expect(try lean.json["displayName"] == "Staff")

            // A rendered search loads members as the client's projection says.
            let groups = "/internal/v1/tenants/acme/idps/okta/groups"
            let listed = try await rendered(client, .get, groups, query: SearchRequest(filter: #"displayName eq "Staff""#, count: 10))
            let found = try #require(try listed.json["Resources"]?.arrayValue?.first)
            #expect(found["members"]?.arrayValue?.first?["$ref"] == .string("\(Self.base)/Users/\(member)"))
            let leanList = try await rendered(
                client,
                .get,
                groups,
                query: SearchRequest(filter: #"displayName eq "Staff""#, count: 10, excludedAttributes: ["members"])
            )
            #expect(try leanList.json["Resources"]?.arrayValue?.first?["members"] == nil)
            #expect(try leanList.json["totalResults"] == 1)
        }
    }

    @Test func anAttributeNameThatIsNotAttributeNotationIsInvalidPath() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let id = try #require(try await client.createUser(tenant: "acme", idp: "okta", DirectoryRouterTests.alice).json["id"]?.stringValue)
            let answer = try await rendered(
                client,
                .get,
                "/internal/v1/tenants/acme/idps/okta/users/\(id)",
                query: SearchRequest(attributes: [#"emails[type eq "work"]"#])
            )
            #expect(answer.status == .badRequest)
            #expect(try answer.json["scimType"] == "invalidPath")
        }
    }

    /// Writes answer rendered too: the gateway relays them (status, `ETag`, `Location` of a create).
    @Test func aRenderedCreateAndReplaceAreTheClientsRepresentation() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let users = "/internal/v1/tenants/acme/idps/okta/users"
            let created = try await rendered(
                client,
                .post,
                users,
                query: SearchRequest(excludedAttributes: ["emails"]),
                resource: ["resource": DirectoryRouterTests.alice, "identity": ["Email": "alice@example.com"]]
            )
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.contentType] == "application/scim+json")
            #expect(created.headers[.eTag] == #"W/"1""#)
            let user = try created.json
            let id = try #require(user["id"]?.stringValue)
            #expect(created.headers[.location] == "\(Self.base)/Users/\(id)")
            #expect(user["meta"]?["location"] == .string("\(Self.base)/Users/\(id)"))
            #expect(user["meta"]?["resourceType"] == "User")
            #expect(user["emails"] == nil)
            #expect(user["userName"] == "Alice@Example.com")

            let replaced = try await rendered(
                client,
                .put,
                "\(users)/\(id)",
                query: SearchRequest(attributes: ["userName"]),
                resource: ["resource": DirectoryRouterTests.alice, "identity": [:], "ifMatch": 1]
            )
            #expect(replaced.status == .ok, "\(replaced.text)")
            #expect(replaced.headers[.eTag] == #"W/"2""#)
            #expect(replaced.headers[.location] == nil)
            #expect(try replaced.json.objectValue?.keys.sorted() == ["id", "schemas", "userName"])
        }
    }

    /// The projection is read before the write: one the answer could not apply stores nothing.
    @Test func aCreateWithAProjectionThatIsNotAttributeNotationStoresNothing() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let users = "/internal/v1/tenants/acme/idps/okta/users"
            let refused = try await rendered(
                client,
                .post,
                users,
                query: SearchRequest(attributes: [#"emails[type eq "work"]"#]),
                resource: ["resource": DirectoryRouterTests.alice, "identity": [:]]
            )
            try refused.expectScimError(400, scimType: "invalidPath")
            #expect(try await client.call(.get, users + "?count=0").json["totalResults"] == 0)
        }
    }
}
