import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceClients
import ServiceTestSupport
import Testing

/// List requests as `HTTPDirectoryClient` sends them: the client's `SearchRequest` whole, in the URL query
/// (`GET …/users?filter=…`) when it is short enough, otherwise as a `.search` body to `…/search` — the same page
/// either way — and a clear 400 for a value that does not parse.
@Suite struct ListQueryRequestTests {
    static let prefix = "/internal/v1/tenants/acme/idps/okta"

    @Test func aQueryListsWhatTheSameSearchAsABodyLists() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            for name in ["alice", "bob", "carol", "dave"] {
                let user: JSONValue = [
                    "schemas": [.string(ScimSchemaURN.user)], "userName": .string("\(name)@example.com"),
                    "displayName": .string("\(name) & co / 100%"),
                ]
                _ = try await client.createUser(tenant: "acme", idp: "okta", user)
            }
            let searches = [
                SearchRequest(filter: #"userName eq "BOB@example.com""#),
                SearchRequest(filter: #"displayName co "& co / 100%" and userName ne "alice@example.com""#, startIndex: 2, count: 1),
                SearchRequest(filter: "", count: 0),
                SearchRequest(sortBy: "userName", sortOrder: .descending),
                SearchRequest(count: 2, cursor: ""),
                SearchRequest(filter: #"userName sw "ä""#, excludedAttributes: ["emails"]),
            ]
            for search in searches {
                let path = try #require(HTTPDirectoryClient.listPath(Self.prefix + "/users", search))
                let byQuery = try await client.call(.get, path)
                let byBody = try await client.call(.post, Self.prefix + "/users/search", json: search.searchBody)
                #expect(byQuery.status == .ok, "\(path): \(byQuery.text)")
                #expect(try byQuery.json == byBody.json, "\(path)")
            }
            let bob = try await client.call(.get, try #require(HTTPDirectoryClient.listPath(Self.prefix + "/users", searches[0]))).json
            #expect(bob["totalResults"] == 1)
        }
    }

    @Test func aQueryTooLongForAURLIsLeftToTheBody() throws {
        let long = SearchRequest(filter: (0..<300).map { #"userName eq "user-\#($0)@example.com""# }.joined(separator: " or "))
        #expect(HTTPDirectoryClient.listPath(Self.prefix + "/users", long) == nil)
        #expect(HTTPDirectoryClient.listPath(Self.prefix + "/users", SearchRequest(filter: #"userName eq "a""#)) != nil)
    }

    /// The longest filter accepted runs on real SQLite and finds what it names; one term more is a 400, not a crash.
    @Test func aFilterOfTheMaximumTermsIsAnsweredAndOneMoreIsRefused() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            for name in ["u7", "u998"] {
                _ = try await client.createUser(tenant: "acme", idp: "okta", ["schemas": [.string(ScimSchemaURN.user)], "userName": .string(name)])
            }
            let terms = (0..<1_000).map { #"userName eq "u\#($0)""# }  // FilterParser.maximumTerms
            let found = try await client.call(
                .post,
                Self.prefix + "/users/search",
                json: SearchRequest(filter: terms.joined(separator: " or ")).searchBody
            )
            #expect(found.status == .ok, "\(found.text.prefix(300))")
            #expect(try found.json["totalResults"] == 2)
            let tooMany = try await client.call(
                .post,
                Self.prefix + "/users/search",
                json: SearchRequest(filter: (terms + [#"userName eq "x""#]).joined(separator: " or ")).searchBody
            )
            #expect(tooMany.status == .badRequest)
            #expect(try tooMany.json["scimType"] == "invalidFilter")
        }
    }

    @Test func aValueThatDoesNotParseIsInvalidValue() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            for query in ["startIndex=one", "count=1.5", "sortOrder=up", "cursor=x&startIndex=2"] {
                let answer = try await client.call(.get, Self.prefix + "/users?" + query)
                #expect(answer.status == .badRequest, "\(query)")
                #expect(try answer.json["scimType"] == "invalidValue", "\(query)")
            }
        }
    }
}
