import ScimCore
import Testing

@Suite("ServiceProviderConfig and ListResponse")
struct ServiceProviderConfigTests {
    static let base = "https://scim.example.com/scim/v2/acme/entra"

    @Test func defaultsRenderRFC7643Section5() {
        let config = ServiceProviderCapabilities().serviceProviderConfig(baseURL: Self.base)
        let expected: JSONValue = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": ["supported": true],
            "bulk": ["supported": false, "maxOperations": 1000, "maxPayloadSize": 4_194_304],
            "filter": ["supported": true, "maxResults": 1000],
            "changePassword": ["supported": false],
            "sort": ["supported": false],
            "etag": ["supported": true],
            "pagination": [
                "cursor": false, "index": true, "defaultPaginationMethod": "index", "defaultPageSize": 100, "maxPageSize": 1000,
                "cursorTimeout": 3600,
            ],
            "authenticationSchemes": [
                [
                    "type": "oauthbearertoken", "name": "OAuth Bearer Token",
                    "description": "Authentication scheme using the OAuth Bearer Token Standard",
                    "specUri": "https://www.rfc-editor.org/info/rfc6750", "primary": true,
                ]
            ],
            "meta": ["resourceType": "ServiceProviderConfig", "location": "https://scim.example.com/scim/v2/acme/entra/ServiceProviderConfig"],
        ]
        #expect(config == expected)
        #expect(config.objectValue?["id"] == nil)
        #expect(config.objectValue?["documentationUri"] == nil)
    }

    @Test func numbersAreJSONNumbers() {
        let text = ServiceProviderCapabilities().serviceProviderConfig(baseURL: Self.base).encodedString()
        #expect(text.contains(#""maxResults":1000"#))
        #expect(text.contains(#""maxPayloadSize":4194304"#))
        #expect(text.contains(#""defaultPageSize":100"#))
    }

    @Test(arguments: [
        ("https://x.example/scim/v2/t/i", "https://x.example/scim/v2/t/i/ServiceProviderConfig"),
        ("https://x.example/scim/v2/t/i/", "https://x.example/scim/v2/t/i/ServiceProviderConfig"),
        ("https://x.example/scim/v2/t/i//", "https://x.example/scim/v2/t/i/ServiceProviderConfig"),
    ])
    func location(base: String, expected: String) {
        let config = ServiceProviderCapabilities().serviceProviderConfig(baseURL: base)
        #expect(config.objectValue?["meta"]?.objectValue?["location"] == .string(expected))
    }

    @Test func customCapabilities() {
        let capabilities = ServiceProviderCapabilities(
            documentationUri: "https://docs.example.com/scim",
            patch: false,
            bulk: .init(supported: true, maxOperations: 50, maxPayloadSize: 1_048_576),
            filter: .init(supported: true, maxResults: 200),
            changePassword: false,
            sort: true,
            etag: false,
            pagination: .init(cursor: true, index: true, defaultPaginationMethod: .cursor, defaultPageSize: 25, maxPageSize: 250, cursorTimeout: 600),
            authenticationSchemes: [
                .oauthBearerToken,
                .init(type: "httpbasic", name: "HTTP Basic", description: "Basic", documentationUri: "https://docs.example.com/basic"),
            ]
        )
        let config = capabilities.serviceProviderConfig(baseURL: Self.base).objectValue ?? [:]
        #expect(config["documentationUri"] == "https://docs.example.com/scim")
        #expect(config["patch"] == ["supported": false])
        #expect(config["bulk"] == ["supported": true, "maxOperations": 50, "maxPayloadSize": 1_048_576])
        #expect(config["filter"] == ["supported": true, "maxResults": 200])
        #expect(config["sort"] == ["supported": true])
        #expect(config["etag"] == ["supported": false])
        #expect(
            config["pagination"] == [
                "cursor": true, "index": true, "defaultPaginationMethod": "cursor", "defaultPageSize": 25, "maxPageSize": 250,
                "cursorTimeout": 600,
            ]
        )
        #expect(
            config["authenticationSchemes"]?.arrayValue?.last == [
                "type": "httpbasic", "name": "HTTP Basic", "description": "Basic", "documentationUri": "https://docs.example.com/basic",
                "primary": false,
            ]
        )
    }

    @Test(
        arguments: [
            (nil, 100), (0, 0), (-3, 0), (50, 50), (1000, 1000), (5000, 1000),
        ] as [(Int?, Int)]
    )
    func pageSize(count: Int?, expected: Int) {
        #expect(ServiceProviderCapabilities().pageSize(for: count) == expected)
    }

    @Test func pageSizeRespectsTheSmallerMaximum() {
        let capabilities = ServiceProviderCapabilities(filter: .init(maxResults: 200), pagination: .init(maxPageSize: 500))
        #expect(capabilities.pageSize(for: 300) == 200)
    }

    // MARK: ListResponse

    @Test func indexListResponse() {
        let list = JSONValue.listResponse(
            resources: [["id": "1"], ["id": "2"]],
            totalResults: 10,
            startIndex: 3,
            itemsPerPage: 2,
            nextCursor: nil,
            previousCursor: nil
        )
        #expect(
            list == [
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": 10, "startIndex": 3, "itemsPerPage": 2, "Resources": [["id": "1"], ["id": "2"]],
            ]
        )
        let text = list.encodedString()
        #expect(text.contains(#""totalResults":10"#) && text.contains(#""startIndex":3"#) && text.contains(#""itemsPerPage":2"#))
    }

    @Test func emptyListStillHasResources() {
        let list = JSONValue.listResponse(resources: [], totalResults: 0, startIndex: 1, itemsPerPage: 0, nextCursor: nil, previousCursor: nil)
        #expect(list.objectValue?["Resources"] == [])
        #expect(list.objectValue?["totalResults"] == 0)
    }

    @Test func cursorListResponse() {
        let list = JSONValue.listResponse(
            resources: [["id": "1"]],
            totalResults: 5,
            startIndex: nil,
            itemsPerPage: 1,
            nextCursor: "VZUTiY",
            previousCursor: "YkU3OF"
        )
        let object = list.objectValue ?? [:]
        #expect(object["startIndex"] == nil)
        #expect(object["nextCursor"] == "VZUTiY")
        #expect(object["previousCursor"] == "YkU3OF")
        #expect(Set(object.keys) == ["schemas", "totalResults", "itemsPerPage", "Resources", "nextCursor", "previousCursor"])
    }
}
