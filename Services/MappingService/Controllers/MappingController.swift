import Foundation
import Hummingbird
import IdentityMapping
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Internal API of the mapping service: registering identity providers (which seeds their default mappings;
/// registering a known IdP with another type changes its type and re-seeds untouched defaults), an IdP's rules
/// (which the gateway maps users with, in its own process) and schema, forgetting IdPs and tenants.
struct MappingController<Store: MappingStore> {
    let store: Store

    struct RegisterRequest: Codable {
        var providerType: ProviderType
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.put("tenants/:tenant/idps/:idp", use: registerIdentityProvider)
        group.get("tenants/:tenant/idps/:idp/mappings", use: mappings)
        group.get("tenants/:tenant/idps/:idp/schema", use: schema)
        group.delete("tenants/:tenant/idps/:idp", use: deleteIdentityProvider)
        group.delete("tenants/:tenant", use: deleteTenant)
    }

    @Sendable func registerIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let body = try await JSONCoding.decode(RegisterRequest.self, from: request, context: context)
        try await store.registerIdentityProvider(
            tenantID: tenantID,
            idpID: idpID,
            providerType: body.providerType.rawValue,
            mappings: BuiltInAttributes.defaultMappings(for: body.providerType.rawValue)
        )
        return Response(status: .noContent)
    }

    @Sendable func mappings(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let mapper = try await mapper(tenantID: tenantID, idpID: idpID)
        return JSONCoding.response(MappingRules(attributes: mapper.attributes, mappings: mapper.mappings))
    }

    /// The identity attributes with the SCIM path each is mapped from: what the gateway's `/Schemas` is built from.
    @Sendable func schema(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let mapper = try await mapper(tenantID: tenantID, idpID: idpID)
        let sources = Dictionary(mapper.mappings.map { ($0.attribute.lowercased(), $0.scimPath) }, uniquingKeysWith: { first, _ in first })
        return JSONCoding.response(
            IdentitySchema(
                attributes: mapper.attributes.map { attribute in
                    IdentitySchema.Attribute(
                        name: attribute.name,
                        description: attribute.description,
                        type: attribute.type.rawValue,
                        multiValued: attribute.multiValued,
                        mandatory: attribute.mandatory,
                        scimPath: sources[attribute.name.lowercased()]
                    )
                }
            )
        )
    }

    @Sendable func deleteIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        try await store.deleteIdentityProvider(tenantID: tenantID, idpID: idpID)
        return Response(status: .noContent)
    }

    @Sendable func deleteTenant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        try await store.deleteTenant(tenantID: tenantID)
        return Response(status: .noContent)
    }

    private func mapper(tenantID: String, idpID: String) async throws -> UserMapper {
        try await MapperResolver(store: store).mapper(tenantID: tenantID, idpID: idpID)
    }

    private func scope(_ context: ServiceRequestContext) throws -> (String, String) {
        (try context.parameters.require("tenant"), try context.parameters.require("idp"))
    }
}
