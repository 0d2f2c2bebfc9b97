import InternalAPI
import Logging
import ScimCore
import ServiceKit
import ServiceTestSupport
import Synchronization
import Testing

@testable import ScimGateway

@Suite struct TenantSchemasTests {
    static let schema = IdentitySchema(attributes: [
        .init(name: "Username", description: "", type: "string", multiValued: false, mandatory: true, scimPath: "userName"),
        .init(name: "Email", description: "", type: "string", multiValued: false, mandatory: true, scimPath: "emails[type eq \"work\"].value"),
        .init(name: "First Name", description: "", type: "string", multiValued: false, mandatory: true, scimPath: "name.givenName"),
        .init(
            name: "Mobile",
            description: "",
            type: "string",
            multiValued: false,
            mandatory: false,
            scimPath: "phoneNumbers[type eq \"mobile\"].value"
        ),
        .init(
            name: "Cost Center",
            description: "Finance code",
            type: "number",
            multiValued: false,
            mandatory: true,
            scimPath: "urn:ietf:params:scim:schemas:extension:custom:2.0:User:costCenter"
        ),
        .init(
            name: "Roles",
            description: "",
            type: "string",
            multiValued: true,
            mandatory: false,
            scimPath: "urn:ietf:params:scim:schemas:extension:custom:2.0:User:appRoles"
        ),
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

    /// A registry built for acme/okta from the built-in attributes; after it, the mapping service serves custom ones.
    private func cachedThenChanged(ttl: Duration) async throws -> (FakeMappingClient, TenantSchemas, ScimPrincipal) {
        let mapping = FakeMappingClient()
        let schemas = TenantSchemas(mapping: mapping, ttl: ttl)
        let principal = ScimPrincipal(tenantID: "acme", idpID: "okta", tokenID: "t")
        _ = try await schemas.registry(for: principal, logger: .discarding)
        mapping.setIdentitySchema(TenantSchemasTests.schema)
        return (mapping, schemas, principal)
    }

    @Test("An expired registry is fetched again by one request while the others go on with the old one")
    func oneRefreshAtATime() async throws {
        let (mapping, schemas, principal) = try await cachedThenChanged(ttl: .milliseconds(50))
        // The refresh takes long enough that the reads below all happen while it is under way, however slowly a
        // busy machine runs them; once it is done, its registry may itself expire (50 ms) before the last read.
        mapping.state.withLock { $0.schemaFetchDelay = .seconds(2) }
        try await Task.sleep(for: .milliseconds(100))

        let refreshing = Task { try await schemas.registry(for: principal, logger: .discarding) }
        try await waitUntil { mapping.state.withLock { $0.schemaFetches } == 2 }  // the refresh is under way
        for _ in 0..<20 {
            let old = try await schemas.registry(for: principal, logger: .discarding)
            #expect(old.schema(id: ScimSchemaURN.customUser) == nil, "the old registry while one request refreshes it")
        }
        #expect(mapping.state.withLock { $0.schemaFetches } == 2, "the first fetch and one refresh, whatever came meanwhile")
        #expect(try await refreshing.value.schema(id: ScimSchemaURN.customUser) != nil)
        #expect(try await schemas.registry(for: principal, logger: .discarding).schema(id: ScimSchemaURN.customUser) != nil)
    }

    @Test("A failed refresh serves the old registry and the next request tries again; a first fetch that fails throws")
    func staleOnFailure() async throws {
        let (mapping, schemas, principal) = try await cachedThenChanged(ttl: .milliseconds(20))
        mapping.state.withLock { $0.schemaFetchFailure = .unavailable("The mapping service is unavailable.") }
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await schemas.registry(for: principal, logger: .discarding).schema(id: ScimSchemaURN.customUser) == nil)
        #expect(try await schemas.registry(for: principal, logger: .discarding).schema(id: ScimSchemaURN.customUser) == nil)
        #expect(mapping.state.withLock { $0.schemaFetches } == 3)
        mapping.state.withLock { $0.schemaFetchFailure = nil }
        #expect(try await schemas.registry(for: principal, logger: .discarding).schema(id: ScimSchemaURN.customUser) != nil)

        let other = ScimPrincipal(tenantID: "globex", idpID: "entra", tokenID: "u")
        mapping.state.withLock { $0.schemaFetchFailure = .unavailable("The mapping service is unavailable.") }
        await #expect(throws: ScimError.self) { try await schemas.registry(for: other, logger: .discarding) }
    }

    @Test("A fetch that started before an invalidation does not store what it read")
    func invalidationWinsOverAFetchUnderWay() async throws {
        let mapping = FakeMappingClient()
        let schemas = TenantSchemas(mapping: mapping, ttl: .seconds(3600))
        let principal = ScimPrincipal(tenantID: "acme", idpID: "okta", tokenID: "t")
        mapping.state.withLock { $0.schemaFetchDelay = .milliseconds(200) }
        let early = Task { try await schemas.registry(for: principal, logger: .discarding) }
        try await waitUntil { mapping.state.withLock { $0.schemaFetches } == 1 }  // the fetch is under way
        mapping.setIdentitySchema(TenantSchemasTests.schema)  // changed through this replica while the fetch is out
        schemas.invalidate(tenantID: "acme")
        _ = try await early.value
        mapping.state.withLock { $0.schemaFetchDelay = .zero }
        #expect(try await schemas.registry(for: principal, logger: .discarding).schema(id: ScimSchemaURN.customUser) != nil)
    }
}
