import IdentityMapping
import InternalAPI
import Logging
import NIOHTTP1
import ScimCore

/// The mapping service as its callers see it.
package protocol MappingClient: Sendable {
    /// The IdP's mapping rules: the tenant's identity attributes and the IdP's mappings onto them, which callers
    /// map users with in their own process (the gateway's `IdentityMapper`).
    func mappingRules(tenantID: String, idpID: String, logger: Logger) async throws -> MappingRules
    /// The IdP's identity attributes with their SCIM sources, for discovery.
    func identitySchema(tenantID: String, idpID: String, logger: Logger) async throws -> IdentitySchema
    /// Tells the mapping service about a new identity provider, which seeds the default mappings of its type.
    func registerIdentityProvider(tenantID: String, idpID: String, providerType: ProviderType, logger: Logger) async throws
    /// Forgets an identity provider's mappings (when it is deleted), or a whole tenant's when `idpID` is nil.
    func deleteConfiguration(tenantID: String, idpID: String?, logger: Logger) async throws

    // Identity attributes, mappings and re-apply jobs, for the admin API (MappingClient+Admin.swift).
    func identityAttributes(tenantID: String, logger: Logger) async throws -> [IdentityAttribute]
    func createIdentityAttribute(tenantID: String, _ request: IdentityAttributeCreateRequest, logger: Logger) async throws -> IdentityAttribute
    func updateIdentityAttribute(
        tenantID: String,
        name: String,
        _ request: IdentityAttributeUpdateRequest,
        logger: Logger
    ) async throws -> IdentityAttribute
    func deleteIdentityAttribute(tenantID: String, name: String, actor: String, logger: Logger) async throws
    func mappingsView(tenantID: String, idpID: String, logger: Logger) async throws -> AttributeMappingsView
    func setMapping(
        tenantID: String,
        idpID: String,
        attribute: String,
        _ request: AttributeMappingSetRequest,
        logger: Logger
    ) async throws -> AttributeMappingsView
    func removeMapping(tenantID: String, idpID: String, attribute: String, actor: String, logger: Logger) async throws
    func startReapply(tenantID: String, idpID: String, _ request: ReapplyJobRequest, logger: Logger) async throws -> ReapplyJob
    func reapplyJob(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> ReapplyJob
}

/// The mapping service over HTTP. It caches nothing: the callers that keep what it answers (the gateway's
/// identity mappers and schemas) forget it when a change is made through them.
package struct HTTPMappingClient: MappingClient {
    let client: InternalHTTPClient  // internal: extensions in other files (MappingClient+Admin) use it

    package init(client: InternalHTTPClient) {
        self.client = client
    }

    package func mappingRules(tenantID: String, idpID: String, logger: Logger) async throws -> MappingRules {
        try await client.send(.GET, "/internal/v1/tenants/\(pathSegment(tenantID))/idps/\(pathSegment(idpID))/mappings", logger: logger)
    }

    private struct RegisterRequest: Encodable { var providerType: ProviderType }

    package func identitySchema(tenantID: String, idpID: String, logger: Logger) async throws -> IdentitySchema {
        try await client.send(.GET, "/internal/v1/tenants/\(pathSegment(tenantID))/idps/\(pathSegment(idpID))/schema", logger: logger)
    }

    package func registerIdentityProvider(tenantID: String, idpID: String, providerType: ProviderType, logger: Logger) async throws {
        try await client.sendExpectingNoContent(
            .PUT,
            "/internal/v1/tenants/\(pathSegment(tenantID))/idps/\(pathSegment(idpID))",
            body: RegisterRequest(providerType: providerType),
            logger: logger
        )
    }

    package func deleteConfiguration(tenantID: String, idpID: String?, logger: Logger) async throws {
        let path = "/internal/v1/tenants/\(pathSegment(tenantID))" + (idpID.map { "/idps/\(pathSegment($0))" } ?? "")
        try await client.sendExpectingNoContent(.DELETE, path, logger: logger)
    }
}

extension MappingClient {
    /// Registers an identity provider as the directory describes it.
    package func registerIdentityProvider(_ idp: IdentityProvider, logger: Logger) async throws {
        try await registerIdentityProvider(tenantID: idp.tenantID, idpID: idp.id, providerType: idp.providerType, logger: logger)
    }
}
