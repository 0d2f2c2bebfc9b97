import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Internal API of the mapping service: registering identity providers (which seeds their default mappings),
/// mapping and validating users, forgetting IdPs and tenants.
struct MappingController<Store: MappingStore> {
    let store: Store

    struct RegisterRequest: Codable {
        var providerType: ProviderType
    }

    struct MappingView: Codable {
        var attributes: [IdentityAttribute]
        var mappings: [AttributeMapping]
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.put("tenants/:tenant/idps/:idp", use: registerIdentityProvider)
        group.get("tenants/:tenant/idps/:idp/mappings", use: mappings)
        group.get("tenants/:tenant/idps/:idp/schema", use: schema)
        group.post("tenants/:tenant/idps/:idp/map/user", use: mapUser)
        group.delete("tenants/:tenant/idps/:idp", use: deleteIdentityProvider)
        group.delete("tenants/:tenant", use: deleteTenant)
    }

    @Sendable func registerIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let body = try await JSONCoding.decode(RegisterRequest.self, from: request, context: context)
        try await store.registerIdentityProvider(
            tenantID: tenantID, idpID: idpID, providerType: body.providerType.rawValue,
            mappings: BuiltInAttributes.defaultMappings(for: body.providerType.rawValue))
        return Response(status: .noContent)
    }

    @Sendable func mappings(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let mapper = try await mapper(tenantID: tenantID, idpID: idpID)
        return JSONCoding.response(MappingView(attributes: mapper.attributes, mappings: mapper.mappings))
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
                        name: attribute.name, description: attribute.description, type: attribute.type.rawValue, multiValued: attribute.multiValued,
                        mandatory: attribute.mandatory, scimPath: sources[attribute.name.lowercased()])
                }))
    }

    /// 200 with the typed identity attributes, or 400 `invalidValue` naming every problem.
    @Sendable func mapUser(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let body = try await JSONCoding.decode(MapUserRequest.self, from: request, context: context)
        guard case .object(var members) = body.resource else { throw ScimError.invalidSyntax("A user must be a JSON object.") }
        // The directory treats a user without `active` as active; map it the same way.
        if body.resource[caseInsensitive: "active"] == nil { members["active"] = .bool(true) }
        let identity = try await mapper(tenantID: tenantID, idpID: idpID).map(.object(members))
        return JSONCoding.response(MappedIdentity(identity: identity))
    }

    @Sendable func deleteIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        try await store.deleteIdentityProvider(tenantID: tenantID, idpID: idpID)
        return Response(status: .noContent)
    }

    @Sendable func deleteTenant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await store.deleteTenant(tenantID: try context.parameters.require("tenant"))
        return Response(status: .noContent)
    }

    /// The IdP's rules over the tenant's attributes. An IdP the service has not been told about maps with
    /// the Generic defaults.
    private func mapper(tenantID: String, idpID: String) async throws -> UserMapper {
        let custom = try await store.customAttributes(tenantID: tenantID)
        let mappings = try await store.mappings(tenantID: tenantID, idpID: idpID) ?? BuiltInAttributes.defaultMappings(for: "Generic")
        return UserMapper(attributes: BuiltInAttributes.all + custom, mappings: mappings)
    }

    private func scope(_ context: ServiceRequestContext) throws -> (String, String) {
        (try context.parameters.require("tenant"), try context.parameters.require("idp"))
    }
}
