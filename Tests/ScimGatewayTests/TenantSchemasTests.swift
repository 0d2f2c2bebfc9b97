import InternalAPI
import Logging
import ServiceKit
import ServiceTestSupport
import ScimCore
import Testing

@testable import ScimGateway

@Suite struct TenantSchemasTests {
    static let schema = IdentitySchema(attributes: [
        .init(name: "Username", description: "", type: "string", multiValued: false, mandatory: true, scimPath: "userName"),
        .init(name: "Email", description: "", type: "string", multiValued: false, mandatory: true, scimPath: "emails[type eq \"work\"].value"),
        .init(name: "First Name", description: "", type: "string", multiValued: false, mandatory: true, scimPath: "name.givenName"),
        .init(name: "Mobile", description: "", type: "string", multiValued: false, mandatory: false, scimPath: "phoneNumbers[type eq \"mobile\"].value"),
        .init(name: "Cost Center", description: "Finance code", type: "number", multiValued: false, mandatory: true,
              scimPath: "urn:ietf:params:scim:schemas:extension:custom:2.0:User:costCenter"),
        .init(name: "Roles", description: "", type: "string", multiValued: true, mandatory: false,
              scimPath: "urn:ietf:params:scim:schemas:extension:custom:2.0:User:appRoles"),
        .init(name: "Unmapped", description: "", type: "boolean", multiValued: false, mandatory: false, scimPath: nil),
    ])

    @Test func mandatoryMappedAttributesAreRequired() throws {
        let registry = TenantSchemas.registry(from: Self.schema)
        let user = try #require(registry.schema(id: ScimSchemaURN.user))
        #expect(user.attribute(named: "emails")?.required == true)
        #expect(user.attribute(named: "emails")?.subAttribute(named: "value")?.required == true)
        #expect(user.attribute(named: "name")?.required == true)
        #expect(user.attribute(named: "name")?.subAttribute(named: "givenName")?.required == true)
        #expect(user.attribute(named: "name")?.subAttribute(named: "familyName")?.required == false)
        #expect(user.attribute(named: "phoneNumbers")?.required == false)
        #expect(SchemaRegistry.standard.schema(id: ScimSchemaURN.user)?.attribute(named: "emails")?.required == false)
    }

    @Test func customAttributesBecomeAnExtensionSchema() throws {
        let registry = TenantSchemas.registry(from: Self.schema)
        let custom = try #require(registry.schema(id: ScimSchemaURN.customUser))
        #expect(custom.attributes.map(\.name) == ["costCenter", "appRoles"])
        #expect(custom.attribute(named: "costCenter")?.type == .decimal)
        #expect(custom.attribute(named: "costCenter")?.required == true)
        #expect(custom.attribute(named: "appRoles")?.multiValued == true)
        let userType = try #require(registry.resourceType(id: "User"))
        #expect(userType.schemaExtensions.map(\.schema).contains(ScimSchemaURN.customUser))
        #expect(registry.schemaResource(id: ScimSchemaURN.customUser, baseURL: "https://x/scim/v2/t/i") != nil)
    }
}

@Suite struct TenantSchemasCacheTests {
    @Test func cachedUntilTheTenantIsInvalidated() async throws {
        let mapping = FakeMappingClient()
        let schemas = TenantSchemas(mapping: mapping, ttl: .seconds(3600))
        let principal = ScimPrincipal(tenantID: "acme", idpID: "okta", tokenID: "t")
        let before = try await schemas.registry(for: principal, logger: .discarding)
        #expect(before.schema(id: ScimSchemaURN.customUser) == nil)

        mapping.setIdentitySchema(TenantSchemasTests.schema)
        let cached = try await schemas.registry(for: principal, logger: .discarding)
        #expect(cached.schema(id: ScimSchemaURN.customUser) == nil, "served from the cache")

        schemas.invalidate(tenantID: "other")
        #expect(try await schemas.registry(for: principal, logger: .discarding).schema(id: ScimSchemaURN.customUser) == nil)
        schemas.invalidate(tenantID: "acme")
        #expect(try await schemas.registry(for: principal, logger: .discarding).schema(id: ScimSchemaURN.customUser) != nil)
    }
}
