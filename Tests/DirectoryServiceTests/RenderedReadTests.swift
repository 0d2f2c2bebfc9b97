import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceTestSupport
import Testing

/// Reads the gateway asks for as final SCIM bytes (`ScimRendering` headers): the representation the client gets,
/// with locations, the projection applied and the version in `ETag`; without the headers, the stored resource.
@Suite struct RenderedReadTests {
    static let base = "https://scim.example.com/scim/v2/acme/okta"

    private func rendered(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, json: JSONValue? = nil, _ rendering: ScimRendering)
        async throws -> TestResponse
    {
        var headers: HTTPFields = [.internalKey: ServiceTestCredentials.internalKey]
        for header in rendering.headers { headers[HTTPField.Name(header.name)!] = header.value }
        return try await client.send(method, uri, headers: headers, json: json)
    }

    @Test func userByIDAndSearchAreTheClientsRepresentation() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let created = try await client.createUser(tenant: "acme", idp: "okta", DirectoryRouterTests.alice)
            let id = try #require(try created.json["id"]?.stringValue)
            let path = "/internal/v1/tenants/acme/idps/okta/users"

            let read = try await rendered(client, .get, "\(path)/\(id)", ScimRendering(baseURL: Self.base))
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
            let projected = try await rendered(client, .get, "\(path)/\(id)", ScimRendering(baseURL: Self.base, attributes: ["userName"])).json
            #expect(projected.objectValue?.keys.sorted() == ["id", "schemas", "userName"])

            let search: JSONValue = ["filter": #"userName eq "alice@example.com""#, "startIndex": 1, "count": 10, "descending": false, "includeMembers": true]
            let page = try await rendered(client, .post, "\(path)/search", json: search, ScimRendering(baseURL: Self.base, excludedAttributes: ["emails"]))
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
                .post, "/internal/v1/tenants/acme/idps/okta/groups",
                json: ["resource": ["schemas": [.string(ScimSchemaURN.group)], "displayName": "Staff", "members": [["value": .string(member)]]], "includeMembers": false])
            let id = try #require(try created.json["id"]?.stringValue)
            let path = "/internal/v1/tenants/acme/idps/okta/groups/\(id)"

            let whole = try await rendered(client, .get, path, ScimRendering(baseURL: Self.base)).json
            #expect(whole["meta"]?["location"] == .string("\(Self.base)/Groups/\(id)"))
            let members = try #require(whole["members"]?.arrayValue)
            #expect(members.count == 1)
            #expect(members.first?["value"] == .string(member))
            #expect(members.first?["$ref"] == .string("\(Self.base)/Users/\(member)"))

            let lean = try await rendered(client, .get, path, ScimRendering(baseURL: Self.base, excludedAttributes: ["members"]))
            #expect(lean.headers[.eTag] == #"W/"1""#)
            #expect(try lean.json["members"] == nil)
            #expect(try lean.json["displayName"] == "Staff")

            // A rendered search loads members as the client's projection says, whatever the body asked for.
            let search: JSONValue = ["filter": #"displayName eq "Staff""#, "startIndex": 1, "count": 10, "descending": false, "includeMembers": false]
            let listed = try await rendered(client, .post, "/internal/v1/tenants/acme/idps/okta/groups/search", json: search, ScimRendering(baseURL: Self.base))
            let found = try #require(try listed.json["Resources"]?.arrayValue?.first)
            #expect(found["members"]?.arrayValue?.first?["$ref"] == .string("\(Self.base)/Users/\(member)"))
            let leanSearch: JSONValue = ["filter": #"displayName eq "Staff""#, "startIndex": 1, "count": 10, "descending": false, "includeMembers": true]
            let leanList = try await rendered(
                client, .post, "/internal/v1/tenants/acme/idps/okta/groups/search", json: leanSearch, ScimRendering(baseURL: Self.base, excludedAttributes: ["members"]))
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
                client, .get, "/internal/v1/tenants/acme/idps/okta/users/\(id)", ScimRendering(baseURL: Self.base, attributes: [#"emails[type eq "work"]"#]))
            #expect(answer.status == .badRequest)
            #expect(try answer.json["scimType"] == "invalidPath")
        }
    }

    @Test func renderingTravelsInHeadersAndComesBackTheSame() {
        let rendering = ScimRendering(baseURL: Self.base, attributes: ["userName", "name.givenName"], excludedAttributes: ["emails"])
        let headers = Dictionary(uniqueKeysWithValues: rendering.headers.map { ($0.name, $0.value) })
        let readBack = ScimRendering(
            baseHeader: headers[ScimRendering.baseHeader], attributesHeader: headers[ScimRendering.attributesHeader],
            excludedAttributesHeader: headers[ScimRendering.excludedAttributesHeader])
        #expect(readBack == rendering)
        #expect(ScimRendering(baseHeader: nil, attributesHeader: "userName", excludedAttributesHeader: nil) == nil)
        #expect(ScimRendering(baseURL: Self.base).headers.count == 1)
    }
}
