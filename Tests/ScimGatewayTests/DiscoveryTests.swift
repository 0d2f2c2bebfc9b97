import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ScimCore
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// RFC 7644 §4 discovery endpoints, through the gateway `buildApplication` composes, on the peers of `Support.swift`.
@Suite("DiscoveryTests")
struct DiscoveryTests {
    /// What the IdP's endpoint serves: the standard schemas with the fake mapping's mandatory attributes required.
    static var tenantRegistry: SchemaRegistry { TenantSchemas.registry(from: FakeMappingClient.State().identitySchema) }

    static let scimBase = "https://scim.example.test/scim/v2/acme/okta"
    static let prefix = "/scim/v2/acme/okta"
    static let paths = ["ServiceProviderConfig", "Schemas", "Schemas/\(ScimSchemaURN.user)", "ResourceTypes", "ResourceTypes/User"]

    @Test(.timeLimit(.minutes(1))) func serviceProviderConfig() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let response = try await client.request(.get, "\(Self.prefix)/ServiceProviderConfig", bearer: token)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/scim+json")
            let body = try response.json
            #expect(body == GatewayConfiguration.capabilities.serviceProviderConfig(baseURL: Self.scimBase))
            #expect(body["meta"]?["location"] == .string("\(Self.scimBase)/ServiceProviderConfig"))
            #expect(body["meta"]?["resourceType"] == "ServiceProviderConfig")
            #expect(body["schemas"] == [.string(ScimSchemaURN.serviceProviderConfig)])
        }
    }

    @Test(.timeLimit(.minutes(1))) func schemasList() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let response = try await client.request(.get, "\(Self.prefix)/Schemas", bearer: token)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/scim+json")
            let body = try response.json
            #expect(body["schemas"] == [.string(ScimSchemaURN.listResponse)])
            #expect(body["totalResults"] == 3)
            #expect(body["itemsPerPage"] == 3)
            #expect(body["startIndex"] == 1)
            let resources = body["Resources"]?.arrayValue ?? []
            #expect(resources.compactMap { $0["id"]?.stringValue } == [ScimSchemaURN.user, ScimSchemaURN.group, ScimSchemaURN.enterpriseUser])
            for resource in resources {
                let id = resource["id"]?.stringValue ?? ""
                #expect(resource["meta"]?["location"] == .string("\(Self.scimBase)/Schemas/\(id)"))
                #expect(resource == Self.tenantRegistry.schemaResource(id: id, baseURL: Self.scimBase))
            }
        }
    }

    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            (ScimSchemaURN.user, ScimSchemaURN.user),
            (ScimSchemaURN.group, ScimSchemaURN.group),
            (ScimSchemaURN.enterpriseUser, ScimSchemaURN.enterpriseUser),
            (ScimSchemaURN.user.uppercased(), ScimSchemaURN.user),  // ids match case-insensitively
            (ScimSchemaURN.enterpriseUser.replacingOccurrences(of: ":", with: "%3A"), ScimSchemaURN.enterpriseUser),
        ]
    )
    func schemaByID(requested: String, expectedID: String) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let response = try await client.request(.get, "\(Self.prefix)/Schemas/\(requested)", bearer: token)
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers[.contentType] == "application/scim+json")
            let body = try response.json
            #expect(body == Self.tenantRegistry.schemaResource(id: expectedID, baseURL: Self.scimBase))
            #expect(body["meta"]?["location"] == .string("\(Self.scimBase)/Schemas/\(expectedID)"))
        }
    }

    @Test(.timeLimit(.minutes(1))) func resourceTypesList() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let body = try await client.request(.get, "\(Self.prefix)/ResourceTypes", bearer: token).json
            #expect(body["schemas"] == [.string(ScimSchemaURN.listResponse)])
            #expect(body["totalResults"] == 2)
            let resources = body["Resources"]?.arrayValue ?? []
            #expect(resources.compactMap { $0["id"]?.stringValue } == ["User", "Group"])
            #expect(resources.first?["endpoint"] == "/Users")
            #expect(resources.first?["schemaExtensions"] == [["schema": .string(ScimSchemaURN.enterpriseUser), "required": false]])
            #expect(resources.last?["meta"]?["location"] == .string("\(Self.scimBase)/ResourceTypes/Group"))
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: [("User", "User"), ("Group", "Group"), ("group", "Group")])
    func resourceTypeByID(requested: String, expectedID: String) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let response = try await client.request(.get, "\(Self.prefix)/ResourceTypes/\(requested)", bearer: token)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/scim+json")
            #expect(try response.json == Self.tenantRegistry.resourceTypeResource(id: expectedID, baseURL: Self.scimBase))
        }
    }

    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            "Schemas/urn:ietf:params:scim:schemas:core:2.0:Device", "Schemas/nope", "ResourceTypes/Device", "ResourceTypes/Users",
        ]
    )
    func unknownIDIs404(path: String) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            try await client.request(.get, "\(Self.prefix)/\(path)", bearer: token).expectScimError(404)
        }
    }

    @Test(.timeLimit(.minutes(1))) func otherMethodsAre405WithAllow() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            for path in Self.paths {
                for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                    let response = try await client.request(method, "\(Self.prefix)/\(path)", bearer: token, json: ["x": 1])
                    try response.expectScimError(405)
                    #expect(response.headers[.allow] == "GET", "\(method) \(path)")
                }
                let head = try await client.request(.head, "\(Self.prefix)/\(path)", bearer: token)
                #expect(head.status == .methodNotAllowed)
                #expect(head.headers[.allow] == "GET")
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func discoveryNeedsTheIdPsToken() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let otherToken = try await gateway.seed(tenant: "acme", idp: "entra")
            for path in Self.paths {
                try await client.request(.get, "\(Self.prefix)/\(path)").expectScimError(401)
                try await client.request(.get, "\(Self.prefix)/\(path)", bearer: otherToken).expectScimError(401)
                try await client.request(.post, "\(Self.prefix)/\(path)").expectScimError(401)
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func locationsFollowTheIdP() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "globex", idp: "entra")
            let config = try await client.request(.get, "/scim/v2/globex/entra/ServiceProviderConfig", bearer: token).json
            #expect(config["meta"]?["location"] == "https://scim.example.test/scim/v2/globex/entra/ServiceProviderConfig")
            let type = try await client.request(.get, "/scim/v2/globex/entra/ResourceTypes/User", bearer: token).json
            #expect(type["meta"]?["location"] == "https://scim.example.test/scim/v2/globex/entra/ResourceTypes/User")
        }
    }

    @Test(.timeLimit(.minutes(1))) func filterIs403OtherParametersAreIgnored() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            for path in ["ServiceProviderConfig", "Schemas", "ResourceTypes", "ResourceTypes/User"] {
                try await client.request(.get, "\(Self.prefix)/\(path)?filter=name+eq+%22User%22", bearer: token).expectScimError(403)
            }
            // Entra's flag on the base URL and paging parameters do not change anything (RFC 7644 §4 "SHALL be ignored").
            let flagged = try await client.request(.get, "\(Self.prefix)/Schemas?aadOptscim062020", bearer: token)
            #expect(flagged.status == .ok)
            let paged = try await client.request(.get, "\(Self.prefix)/Schemas?startIndex=2&count=1&filter=", bearer: token).json
            #expect(paged["totalResults"] == 3)
            #expect(paged["Resources"]?.arrayValue?.count == 3)
        }
    }
}
