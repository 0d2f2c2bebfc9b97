import Benchmark
import Foundation
import ScimCore
import ScimFilter
import ScimPatch

// Hot paths of the domain package (issue 6 item 5), measured as allocations and instructions so a regression shows
// up as a count rather than as noisy wall-clock time. Built only when ENABLE_BENCHMARKS is set (Package.swift);
// run with `ENABLE_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark` (BENCHMARKS.md).
//
// Every input is prepared outside the measured loop; each iteration does exactly what one request does on that path.

let benchmarks: @Sendable () -> Void = {
    // `.instructions` needs CPU performance counters; on VMs without them the column is simply absent.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .instructions, .throughput],
        warmupIterations: 10,
        scalingFactor: .one,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    // MARK: filter parse

    Benchmark("Filter parse: Entra userName eq") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try FilterParser.parse(Inputs.entraFilter))
        }
    }

    Benchmark("Filter parse: complex") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try FilterParser.parse(Inputs.complexFilter))
        }
    }

    // MARK: SQL translation (validation included, as SQLTranslator.translate validates first)

    for (name, dialect) in [("SQLite", SQLDialect.sqlite), ("PostgreSQL", SQLDialect.postgres)] {
        let translator = SQLTranslator(registry: .standard, resourceType: .user, columns: UserColumnMap(), dialect: dialect)
        Benchmark("SQL translate: Entra userName eq (\(name))") { benchmark in
            for _ in benchmark.scaledIterations {
                let fragment = try translator.translate(Inputs.entraExpression)
                blackHole(dialect == .postgres ? fragment.numberedPlaceholders() : fragment.sql)
            }
        }
        Benchmark("SQL translate: complex (\(name))") { benchmark in
            for _ in benchmark.scaledIterations {
                let fragment = try translator.translate(Inputs.complexExpression)
                blackHole(dialect == .postgres ? fragment.numberedPlaceholders() : fragment.sql)
            }
        }
    }

    // MARK: PATCH apply (decoding the PatchOp message from JSON included, as in the gateway and directory)

    let userEngine = PatchEngine(registry: .standard, resourceType: .user)
    Benchmark("PATCH apply: Entra path-less dotted replace") { benchmark in
        for _ in benchmark.scaledIterations {
            let request = try PatchRequest(json: Inputs.entraDottedReplace)
            blackHole(try userEngine.apply(request, to: Inputs.entraUser))
        }
    }

    let groupEngine = PatchEngine(registry: .standard, resourceType: .group)
    Benchmark("PATCH apply: group add 100 members") { benchmark in
        for _ in benchmark.scaledIterations {
            let request = try PatchRequest(json: Inputs.addHundredMembers)
            blackHole(try groupEngine.apply(request, to: Inputs.group))
        }
    }

    // MARK: JSON encode of a list page (JSONValue → Data, as the gateway's JSONCoding.scimResponse does)

    Benchmark("JSON encode: ListResponse of 100 users") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Inputs.hundredUserPage.encoded())
        }
    }

    // MARK: canonicalization before storage

    Benchmark("SchemaRegistry.canonicalize: RFC 7643 §8.2 full user") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SchemaRegistry.standard.canonicalize(Inputs.fullUser, resourceType: "User"))
        }
    }
}

/// Inputs, built once. Parsing them here also checks they are valid before anything is measured.
enum Inputs {
    static let entraFilter = #"userName eq "Test_User_dfeef4c5@contoso.com""#
    static let complexFilter = #"emails[type eq "work" and value co "@x"] or (title pr and not (active eq false))"#
    static let entraExpression = try! FilterParser.parse(entraFilter)
    static let complexExpression = try! FilterParser.parse(complexFilter)

    static let entraUser = SchemaRegistry.standard.canonicalize(
        json(
            #"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646",
             "externalId":"0a21f0f2-8d2a-4f8e-bf98-7e3c1a4f9e11","userName":"Test_User_dfeef4c5@contoso.com","active":true,
             "displayName":"Test User","name":{"givenName":"Test","familyName":"User","formatted":"Test User"},
             "emails":[{"value":"Test_User_dfeef4c5@contoso.com","type":"work","primary":true}]}
            """#
        ),
        resourceType: "User"
    )

    /// Entra's path-less replace with dotted and URN-qualified keys (IDP-WIRE §2.1 item 6).
    static let entraDottedReplace = json(
        #"""
        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","value":{
          "displayName":"Bjfe","name.givenName":"Kkom","name.familyName":"Unua","active":false,
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Aklq"}}]}
        """#
    )

    static let group = json(
        #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g-1","displayName":"Engineering","externalId":"e-1"}"#
    )

    static let addHundredMembers: JSONValue = [
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            ["op": "Add", "path": "members", "value": .array((0..<100).map { ["value": .string(userID($0))] })]
        ],
    ]

    static let hundredUserPage = JSONValue.listResponse(
        resources: (0..<100).map(listedUser),
        totalResults: 100_000,
        startIndex: 1,
        itemsPerPage: 100,
        nextCursor: nil,
        previousCursor: nil
    )

    /// RFC 7643 §8.2, "Full User Representation", as printed (including `x509Certificates`).
    static let fullUser = json(
        #"""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
          "id": "2819c223-7f76-453a-919d-413861904646",
          "externalId": "701984",
          "userName": "bjensen@example.com",
          "name": {
            "formatted": "Ms. Barbara J Jensen, III",
            "familyName": "Jensen",
            "givenName": "Barbara",
            "middleName": "Jane",
            "honorificPrefix": "Ms.",
            "honorificSuffix": "III"
          },
          "displayName": "Babs Jensen",
          "nickName": "Babs",
          "profileUrl": "https://login.example.com/bjensen",
          "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
          ],
          "addresses": [
            {
              "type": "work",
              "streetAddress": "100 Universal City Plaza",
              "locality": "Hollywood",
              "region": "CA",
              "postalCode": "91608",
              "country": "USA",
              "formatted": "100 Universal City Plaza\nHollywood, CA 91608 USA",
              "primary": true
            },
            {
              "type": "home",
              "streetAddress": "456 Hollywood Blvd",
              "locality": "Hollywood",
              "region": "CA",
              "postalCode": "91608",
              "country": "USA",
              "formatted": "456 Hollywood Blvd\nHollywood, CA 91608 USA"
            }
          ],
          "phoneNumbers": [
            {"value": "555-555-5555", "type": "work"},
            {"value": "555-555-4444", "type": "mobile"}
          ],
          "ims": [{"value": "someaimhandle", "type": "aim"}],
          "photos": [
            {"value": "https://photos.example.com/profilephoto/72930000000Ccne/F", "type": "photo"},
            {"value": "https://photos.example.com/profilephoto/72930000000Ccne/T", "type": "thumbnail"}
          ],
          "userType": "Employee",
          "title": "Tour Guide",
          "preferredLanguage": "en-US",
          "locale": "en-US",
          "timezone": "America/Los_Angeles",
          "active": true,
          "password": "t1meMa$heen",
          "groups": [
            {"value": "e9e30dba-f08f-4109-8486-d5c6a331660a", "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a", "display": "Tour Guides"},
            {"value": "fc348aa8-3835-40eb-a20b-c726e15c55b5", "$ref": "https://example.com/v2/Groups/fc348aa8-3835-40eb-a20b-c726e15c55b5", "display": "Employees"},
            {"value": "71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7", "$ref": "https://example.com/v2/Groups/71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7", "display": "US Employees"}
          ],
          "x509Certificates": [
            {"value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMxEzARBgNVBAgMCkNhbGlmb3JuaWExFDASBgNVBAoMC2V4YW1wbGUuY29tMRQwEgYDVQQDDAtleGFtcGxlLmNvbTAeFw0xMTEwMjIwNjI0MzFaFw0xMjEwMDQwNjI0MzFaMH8xCzAJBgNVBAYTAlVTMRMwEQYDVQQIDApDYWxpZm9ybmlhMRQwEgYDVQQKDAtleGFtcGxlLmNvbTEhMB8GA1UEAwwYTXMuIEJhcmJhcmEgSiBKZW5zZW4gSUlJMSIwIAYJKoZIhvcNAQkBFhNiamVuc2VuQGV4YW1wbGUuY29tMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA7Kr+Dcds/JQ5GwejJFcBIP682X3xpjis56AK02bc1FLgzdLI8auoR+cC9/Vrh5t66HkQIOdA4unHh0AaZ4xL5PhVbXIPMB5vAPKpzz5iPSi8xO8SL7I7SDhcBVJhqVqr3HgllEG6UClDdHO7nkLuwXq8HcISKkbT5WFTVfFZzidPl8HZ7DhXkZIRtJwBweq4bvm3hM1Os7UQH05ZS6cVDgweKNwdLLrT51ikSQG3DYrl+ft781UQRIqxgwqCfXEuDiinPh0kkvIi5jivVu1Z9QiwlYEdRbLJ4zJQBmDrSGTMYn4lRc2HgHO4DqB/bnMVorHB0CC6AV1QoFK4GPe1LwIDAQABo3sweTAJBgNVHRMEAjAAMCwGCWCGSAGG+EIBDQQfFh1PcGVuU1NMIEdlbmVyYXRlZCBDZXJ0aWZpY2F0ZTAdBgNVHQ4EFgQU8pD0U0vsZIsaA16lL8En8bx0F/gwHwYDVR0jBBgwFoAUdGeKitcaF7gnzsNwDx708kqaVt0wDQYJKoZIhvcNAQEFBQADgYEAA81SsFnOdYJtNg5Tcq+/ByEDrBgnusx0jloUhByPMEVkoMZ3J7j1ZgI8rAbOkNngX8+pKfTiDz1RC4+dx8oU6Za+4NJXUjlL5CvV6BEYb1+QAEJwitTVvxB/A67g42/vzgAtoRUeDov1+GFiBZ+GNF/cAYKcMtGcrs2i97ZkJMo="}
          ],
          "meta": {
            "resourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z",
            "version": "W\/\"a330bc54f0671c9\"",
            "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
          }
        }
        """#
    )

    static func userID(_ n: Int) -> String { "00000000-0000-4000-8000-\(String(format: "%012d", n))" }

    /// A user as the directory returns it in a list page: canonical, with `meta`.
    static func listedUser(_ n: Int) -> JSONValue {
        let id = userID(n)
        return [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": .string(id),
            "externalId": .string("ext-\(n)"),
            "userName": .string("user\(n)@example.com"),
            "displayName": .string("User \(n)"),
            "name": ["givenName": .string("Given\(n)"), "familyName": .string("Family\(n)"), "formatted": .string("Given\(n) Family\(n)")],
            "emails": [["value": .string("user\(n)@example.com"), "type": "work", "primary": true]],
            "active": true,
            "meta": [
                "resourceType": "User", "created": "2026-11-22T10:00:00Z", "lastModified": "2026-11-22T10:00:00Z",
                "version": .string(#"W/"1""#), "location": .string("https://scim.example.com/scim/v2/acme/entra/Users/\(id)"),
            ],
        ]
    }

    static func json(_ text: String) -> JSONValue {
        do {
            return try JSONValue.decode(Data(text.utf8))
        } catch {
            fatalError("benchmark input is not valid JSON: \(error)")
        }
    }
}
