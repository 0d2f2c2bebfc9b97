import Foundation
import ScimCore
import Testing

@Suite("SearchRequest")
struct SearchRequestTests {
    // MARK: URL queries, as IdPs send them

    @Test(
        arguments: [
            // Entra's existence check: `+` for spaces, quotes and `@` percent-encoded, a literal `+` as %2B.
            (
                "filter=userName+eq+%22a%2Bb%40x.com%22&startIndex=1&count=1",
                SearchRequest(filter: #"userName eq "a+b@x.com""#, startIndex: 1, count: 1)
            ),
            // Okta's import page.
            ("startIndex=1&count=100", SearchRequest(startIndex: 1, count: 100)),
            (
                "filter=userName%20eq%20%22bjensen%22&startIndex=101&count=100",
                SearchRequest(filter: #"userName eq "bjensen""#, startIndex: 101, count: 100)
            ),
            // Entra's group lookup.
            (
                "excludedAttributes=members&filter=displayName+eq+%22Sales%22",
                SearchRequest(filter: #"displayName eq "Sales""#, excludedAttributes: ["members"])
            ),
            // Entra's flag on the base URL is a bare key; unknown keys are ignored.
            ("aadOptscim062020&filter=externalId+eq+%22abc%22", SearchRequest(filter: #"externalId eq "abc""#)),
            ("foo=bar&cacheBust=123", SearchRequest()),
            // RFC 7644 §3.4.2.4: startIndex < 1 reads as 1, negative count as 0; count=0 stays 0.
            ("startIndex=0", SearchRequest()),
            ("startIndex=-7&count=-5", SearchRequest(count: 0)),
            ("count=0", SearchRequest(count: 0)),
            ("count=99999999999999999999999", SearchRequest(count: Int.max)),
            // Repeated keys: the last wins. Names are case-insensitive.
            ("count=10&count=20", SearchRequest(count: 20)),
            ("StartIndex=3&COUNT=4&Filter=active+eq+true", SearchRequest(filter: "active eq true", startIndex: 3, count: 4)),
            // sortOrder in any case.
            ("sortBy=name.familyName&sortOrder=DESCENDING", SearchRequest(sortBy: "name.familyName", sortOrder: .descending)),
            ("sortBy=userName&sortOrder=Ascending", SearchRequest(sortBy: "userName", sortOrder: .ascending)),
            // Attribute lists: comma-separated, trimmed, encoded commas and colons decoded.
            (
                "attributes=userName,+name.givenName,,emails",
                SearchRequest(attributes: ["userName", "name.givenName", "emails"])
            ),
            (
                "attributes=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aenterprise%3A2.0%3AUser%3Adepartment%2CuserName",
                SearchRequest(attributes: ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "userName"])
            ),
            // Blank values read as absent.
            ("filter=&sortBy=&sortOrder=&startIndex=&count=", SearchRequest()),
            ("filter=+++", SearchRequest()),
            // A literal `%` is written %25.
            ("filter=displayName+eq+%22100%25%22", SearchRequest(filter: #"displayName eq "100%""#)),
            // RFC 9865: a present-but-empty cursor starts cursor pagination, with or without `=`.
            ("cursor&count=10", SearchRequest(count: 10, cursor: "")),
            ("cursor=", SearchRequest(cursor: "")),
            ("cursor=VZUTiY&count=10", SearchRequest(count: 10, cursor: "VZUTiY")),
            ("cursor=abc&startIndex=1", SearchRequest(cursor: "abc")),
            // Leading `?`, empty pairs, nothing at all.
            ("?count=5&&", SearchRequest(count: 5)),
            ("", SearchRequest()),
        ] as [(String, SearchRequest)]
    )
    func parsesQuery(raw: String, expected: SearchRequest) throws {
        #expect(try SearchRequest(rawQuery: raw) == expected)
    }

    @Test func nilQueryIsTheDefaultRequest() throws {
        let request = try SearchRequest(rawQuery: nil)
        #expect(request == SearchRequest())
        #expect(request.startIndex == 1)
        #expect(request.count == nil)
        #expect(request.filter == nil)
        #expect(!request.usesCursor)
    }

    @Test(arguments: [
        ("startIndex=abc", "startIndex"),
        ("count=ten", "count"),
        ("count=1.5", "count"),
        ("startIndex=1e3", "startIndex"),
        ("count=-", "count"),
        ("sortOrder=up", "sortOrder"),
        ("cursor=&startIndex=2", "cursor"),
        ("startIndex=5&cursor=abc", "cursor"),
        ("sortBy=%ZZ", "sortBy parameter: '%' must be followed by two hexadecimal digits"),
        ("count=1%00", "count parameter: A NUL character"),
    ])
    func refusesQuery(raw: String, mentioning: String) {
        #expect {
            try SearchRequest(rawQuery: raw)
        } throws: { error in
            guard let error = error as? ScimError else { return false }
            return error.status == 400 && error.scimType == .invalidValue && error.detail.contains(mentioning)
        }
    }

    /// A filter that does not decode is a filter the server cannot read: `invalidFilter`, as the RFC has it.
    @Test(arguments: [
        ("filter=userName+eq+%ZZ", "'%' must be followed by two hexadecimal digits"),
        ("filter=displayName+eq+%22100%%22", "two hexadecimal digits"),
        ("filter=userName+eq+%22a%4", "two hexadecimal digits"),
        ("filter=userName+eq+%22a%00b%22", "NUL"),
        ("filter=%FF%FE", "UTF-8"),
    ])
    func refusesUndecodableFilter(raw: String, mentioning: String) {
        #expect {
            try SearchRequest(rawQuery: raw)
        } throws: { error in
            guard let error = error as? ScimError else { return false }
            return error.status == 400 && error.scimType == .invalidFilter && error.detail.contains(mentioning)
        }
    }

    @Test func aStartIndexPastAnyDirectoryIsClampedToAnExactInteger() throws {
        #expect(try SearchRequest(rawQuery: "startIndex=9223372036854775807").startIndex == SearchRequest.maximumStartIndex)
        #expect(try SearchRequest(rawQuery: "startIndex=100000000000000000000000000").startIndex == SearchRequest.maximumStartIndex)
        #expect(try SearchRequest(searchBody: ["startIndex": 1e300]).startIndex == SearchRequest.maximumStartIndex)
        #expect(SearchRequest(startIndex: .max).startIndex == SearchRequest.maximumStartIndex)
        #expect(try SearchRequest(rawQuery: "startIndex=2147483646").startIndex == 2_147_483_646)
    }

    @Test func refusesAQueryPastItsLimit() {
        let long = "filter=" + String(repeating: "a", count: SearchRequest.maximumQueryLength)
        #expect {
            try SearchRequest(rawQuery: long)
        } throws: { error in
            (error as? ScimError)?.status == 413
        }
    }

    // MARK: POST /.search bodies (RFC 7644 §3.4.3)

    /// Bodies are written as JSON text, as they arrive.
    static func body(_ text: String) throws -> JSONValue { try JSONValue.decode(Data(text.utf8)) }

    @Test(
        arguments: [
            // The RFC 7644 §3.4.3 example.
            (
                #"""
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "attributes": ["displayName", "userName"],
                 "filter": "displayName sw \"smith\"", "startIndex": 1, "count": 10}
                """#,
                SearchRequest(filter: #"displayName sw "smith""#, startIndex: 1, count: 10, attributes: ["displayName", "userName"])
            ),
            // No schemas, odd key case, numbers as strings, sortOrder in capitals.
            (
                #"{"FILTER": "active eq true", "StartIndex": "21", "Count": "20", "sortBy": "userName", "SortOrder": "DESCENDING"}"#,
                SearchRequest(filter: "active eq true", startIndex: 21, count: 20, sortBy: "userName", sortOrder: .descending)
            ),
            // Lists as one comma-separated string; excludedAttributes.
            (#"{"excludedAttributes": "members, meta"}"#, SearchRequest(excludedAttributes: ["members", "meta"])),
            (#"{"attributes": ["userName", "name.givenName,emails"]}"#, SearchRequest(attributes: ["userName", "name.givenName", "emails"])),
            // null reads as absent; normalization as in the query.
            (#"{"filter": null, "startIndex": 0, "count": -5, "attributes": null}"#, SearchRequest(count: 0)),
            (#"{"count": 2.0}"#, SearchRequest(count: 2)),
            // schemas is tolerated whatever it holds; unknown members are ignored.
            (#"{"schemas": "nonsense", "unknown": {"x": 1}, "count": 3}"#, SearchRequest(count: 3)),
            // RFC 9865 cursor in a body.
            (#"{"cursor": "", "count": 50}"#, SearchRequest(count: 50, cursor: "")),
            (#"{"cursor": "VZUTiY"}"#, SearchRequest(cursor: "VZUTiY")),
            ("{}", SearchRequest()),
        ] as [(String, SearchRequest)]
    )
    func parsesBody(json: String, expected: SearchRequest) throws {
        #expect(try SearchRequest(searchBody: Self.body(json)) == expected)
    }

    @Test(
        arguments: [
            (#"{"count": 1.5}"#, ScimError.ScimType.invalidValue),
            (#"{"count": true}"#, .invalidValue),
            (#"{"startIndex": "first"}"#, .invalidValue),
            (#"{"filter": 42}"#, .invalidValue),
            (#"{"attributes": [1, 2]}"#, .invalidValue),
            (#"{"attributes": {"x": "y"}}"#, .invalidValue),
            (#"{"sortOrder": "sideways"}"#, .invalidValue),
            (#"{"cursor": 5}"#, .invalidValue),
            (#"{"cursor": "abc", "startIndex": 11}"#, .invalidValue),
            ("[1, 2]", .invalidSyntax),
            (#""filter""#, .invalidSyntax),
        ] as [(String, ScimError.ScimType)]
    )
    func refusesBody(json: String, scimType: ScimError.ScimType) throws {
        let body = try Self.body(json)
        #expect {
            try SearchRequest(searchBody: body)
        } throws: { error in
            (error as? ScimError)?.scimType == scimType && (error as? ScimError)?.status == 400
        }
    }

    // MARK: pieces

    @Test func memberwiseInitNormalizes() {
        let request = SearchRequest(filter: "  ", startIndex: -3, count: -1, sortBy: "")
        #expect(request.filter == nil)
        #expect(request.startIndex == 1)
        #expect(request.count == 0)
        #expect(request.sortBy == nil)
    }

    @Test(arguments: [
        ("a+b", "a b"), ("a%2Bb", "a+b"), ("%22x%22", "\"x\""), ("caf%C3%A9", "café"), ("100%25", "100%"), ("plain", "plain"),
    ])
    func formDecoding(encoded: String, decoded: String) throws {
        #expect(try SearchRequest.formDecode(encoded) == decoded)
    }

    @Test(arguments: ["%zz", "%4", "100%", "%", "a%00"])
    func formDecodingRefusesMalformedEscapes(encoded: String) {
        #expect(throws: ScimError.self) { try SearchRequest.formDecode(encoded) }
    }

    @Test func queryParametersKeepOrderAndBareKeys() throws {
        let parameters = try SearchRequest.queryParameters("a=1&aadOptscim062020&b=x%3Dy&a=2")
        #expect(parameters.map(\.name) == ["a", "aadOptscim062020", "b", "a"])
        #expect(parameters.map(\.value) == ["1", "", "x=y", "2"])
        // Empty pairs are skipped; a value keeps any further `=`; text that is not ASCII is kept as it is.
        let others = try SearchRequest.queryParameters("?é=ü&&c=d=e&=v&k=&")
        #expect(others.map(\.name) == ["é", "c", "", "k"])
        #expect(others.map(\.value) == ["ü", "d=e", "v", ""])
    }

    @Test func sortOrderParsing() throws {
        #expect(try SortOrder(parsing: "ASCENDING") == .ascending)
        #expect(try SortOrder(parsing: " descending ") == .descending)
        #expect(throws: ScimError.self) { try SortOrder(parsing: "desc") }
    }
}
