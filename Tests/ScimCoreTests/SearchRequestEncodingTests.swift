import ScimCore
import Testing

/// The gateway passes a client's query to the directory whole, as a URL query or a `.search` body; the directory
/// must read back exactly the request the gateway parsed.
@Suite struct SearchRequestEncodingTests {
    static let requests: [SearchRequest] = [
        SearchRequest(),
        SearchRequest(filter: #"userName eq "BOB@example.com""#),
        SearchRequest(filter: #"displayName co "& co / 100% + ä=é" and userName ne "a,b""#, startIndex: 2, count: 1),
        SearchRequest(count: 0),
        SearchRequest(sortBy: "name.familyName", sortOrder: .descending),
        SearchRequest(sortBy: "userName", sortOrder: .ascending),
        SearchRequest(count: 2, cursor: ""),
        SearchRequest(count: 2, cursor: "eyJjcmVhdGVkIjoiMjAyNiJ9"),
        SearchRequest(attributes: ["userName", "name.givenName", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"]),
        SearchRequest(excludedAttributes: ["members", "emails[type eq \"work\"]"]),
    ]

    @Test(arguments: requests)
    func theURLQueryReadsBackAsTheSameRequest(_ request: SearchRequest) throws {
        #expect(try SearchRequest(rawQuery: request.rawQuery) == request, "\(request.rawQuery)")
    }

    @Test(arguments: requests)
    func theSearchBodyReadsBackAsTheSameRequest(_ request: SearchRequest) throws {
        #expect(try SearchRequest(searchBody: request.searchBody) == request)
    }

    @Test func theProjectionQueryCarriesOnlyTheProjection() throws {
        let request = SearchRequest(filter: #"userName eq "a""#, startIndex: 3, count: 5, attributes: ["userName"], excludedAttributes: ["emails"])
        #expect(request.projectionQuery == "attributes=userName&excludedAttributes=emails")
        #expect(try SearchRequest(rawQuery: request.projectionQuery) == SearchRequest(attributes: ["userName"], excludedAttributes: ["emails"]))
        #expect(SearchRequest(filter: #"userName eq "a""#).projectionQuery == "")
        #expect(SearchRequest().rawQuery == "")
    }

    @Test func onlyUnreservedCharactersAreLeftAsTheyAre() {
        #expect(PercentEncoding.encode("Abc-1.2_3~") == "Abc-1.2_3~")
        #expect(PercentEncoding.encode("a b+c&d=e%/ä") == "a%20b%2Bc%26d%3De%25%2F%C3%A4")
    }
}

@Suite struct ScimResourceTypeTests {
    @Test func eachTypeNamesItsEndpointAndSchema() {
        #expect(ScimResourceType.user.name == "User")
        #expect(ScimResourceType.group.endpoint == "Groups")
        #expect(ScimResourceType.group.schema == ScimSchemaURN.group)
        #expect(ScimResourceType(endpoint: "uSeRs") == .user)
        #expect(ScimResourceType(endpoint: "User") == nil)
        #expect(ScimResourceType(name: "Group") == .group)
        #expect(ScimResourceType(name: "group") == nil)
    }
}
