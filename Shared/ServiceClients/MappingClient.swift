import NIOHTTP1
import IdentityMapping
import InternalAPI
import Logging
import ScimCore

/// The mapping service as its callers see it.
package protocol MappingClient: Sendable {
    /// Maps a user resource onto the tenant's identity attributes and validates it (400 `invalidValue` when a
    /// mandatory attribute is missing or a value has the wrong type), with the rules the mapping service owns.
    func mapUser(tenantID: String, idpID: String, resource: JSONValue, logger: Logger) async throws -> MappedIdentity
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
        tenantID: String, name: String, _ request: IdentityAttributeUpdateRequest, logger: Logger) async throws -> IdentityAttribute
    func deleteIdentityAttribute(tenantID: String, name: String, actor: String, logger: Logger) async throws
    func mappingsView(tenantID: String, idpID: String, logger: Logger) async throws -> AttributeMappingsView
    func setMapping(
        tenantID: String, idpID: String, attribute: String, _ request: AttributeMappingSetRequest, logger: Logger) async throws -> AttributeMappingsView
    func removeMapping(tenantID: String, idpID: String, attribute: String, actor: String, logger: Logger) async throws
    func startReapply(tenantID: String, idpID: String, _ request: ReapplyJobRequest, logger: Logger) async throws -> ReapplyJob
    func reapplyJob(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> ReapplyJob
}

/// The mapping service over HTTP.
///
/// `mapUser` does not cross to the mapping service for every user: it fetches the IdP's rules (`GET …/mappings`),
/// keeps the mapper built from them for ``MapperCache/ttl``, and maps in this process with the same engine the
/// mapping service uses (`IdentityMapping`). An internal hop costs about as much as the rest of a user write
/// (MEASUREMENTS.md, BENCHMARKS.md). Rule changes made through this client drop the tenant's cached rules at once;
/// changes made through another gateway replica reach this one within the cache's life, which the mapping service's
/// re-apply jobs wait out before they start.
package struct HTTPMappingClient: MappingClient {
    let client: InternalHTTPClient  // internal: extensions in other files (MappingClient+Admin) use it
    let rules: MapperCache

    package init(client: InternalHTTPClient, rules: MapperCache = MapperCache()) {
        self.client = client
        self.rules = rules
    }

    package func mapUser(tenantID: String, idpID: String, resource: JSONValue, logger: Logger) async throws -> MappedIdentity {
        let mapper = try await rules.mapper(tenantID: tenantID, idpID: idpID) {
            let rules: MappingRules = try await client.send(
                .GET, "/internal/v1/tenants/\(pathSegment(tenantID))/idps/\(pathSegment(idpID))/mappings", logger: logger)
            return rules.mapper
        }
        return MappedIdentity(identity: try mapper.mapProvisioned(resource))
    }

    private struct RegisterRequest: Encodable { var providerType: ProviderType }

    package func identitySchema(tenantID: String, idpID: String, logger: Logger) async throws -> IdentitySchema {
        try await client.send(.GET, "/internal/v1/tenants/\(pathSegment(tenantID))/idps/\(pathSegment(idpID))/schema", logger: logger)
    }

    package func registerIdentityProvider(tenantID: String, idpID: String, providerType: ProviderType, logger: Logger) async throws {
        defer { rules.invalidate(tenantID: tenantID) }  // a type change re-seeds the default mappings
        try await client.sendExpectingNoContent(
            .PUT, "/internal/v1/tenants/\(pathSegment(tenantID))/idps/\(pathSegment(idpID))", body: RegisterRequest(providerType: providerType),
            logger: logger)
    }

    package func deleteConfiguration(tenantID: String, idpID: String?, logger: Logger) async throws {
        defer { rules.invalidate(tenantID: tenantID) }
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
