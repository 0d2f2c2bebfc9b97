import Foundation
import Hummingbird
import IdentityMapping
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Internal API for an identity provider's mapping rules: the mapped/unmapped views, setting one rule,
/// removing one. Changing a rule marks the IdP customised (a later provider-type change keeps its rules).
struct MappingRulesController<Store: MappingStore> {
    let store: Store
    let directory: any MappingDirectory

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/idps/:idp/mappings/view", use: view)
        group.put("tenants/:tenant/idps/:idp/mappings/:attribute", use: set)
        group.delete("tenants/:tenant/idps/:idp/mappings/:attribute", use: remove)
    }

    @Sendable func view(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        return JSONCoding.response(try await currentView(tenantID: tenantID, idpID: idpID))
    }

    /// 200 with the IdP's view; 404 for an unknown attribute or IdP, 400 `invalidPath` for a path that does not parse.
    @Sendable func set(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        let body = try await JSONCoding.decode(AttributeMappingSetRequest.self, from: request, context: context)
        try await requireRegistered(tenantID: tenantID, idpID: idpID)
        let attribute = try await existingAttribute(tenantID: tenantID, context: context)
        let mapping = try AttributeCatalog.mapping(of: attribute, scimPath: body.scimPath)
        let event = MappingEvent(
            tenantID: tenantID,
            idpID: idpID,
            actor: body.actor ?? "admin",
            action: "mapping.set",
            subject: attribute.name,
            detail: "\(attribute.name) ← \(mapping.scimPath)"
        )
        try await store.setMapping(tenantID: tenantID, idpID: idpID, mapping, event: event)
        await directory.report(event, logger: context.logger)
        return JSONCoding.response(try await currentView(tenantID: tenantID, idpID: idpID))
    }

    /// 204; 400 `invalidValue` for a mandatory attribute (an IdP must keep sending it), 404 when not mapped.
    @Sendable func remove(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idpID) = try scope(context)
        try await requireRegistered(tenantID: tenantID, idpID: idpID)
        let attribute = try await existingAttribute(tenantID: tenantID, context: context)
        guard !attribute.mandatory else {
            throw ScimError.invalidValue(
                "'\(attribute.name)' is mandatory and cannot be left unmapped; map it from another SCIM attribute instead."
            )
        }
        let event = MappingEvent(
            tenantID: tenantID,
            idpID: idpID,
            actor: request.uri.queryParameters.get("actor") ?? "admin",
            action: "mapping.removed",
            subject: attribute.name,
            detail: nil
        )
        guard try await store.removeMapping(tenantID: tenantID, idpID: idpID, attribute: attribute.name, event: event) else {
            throw ScimError.notFound("Identity provider '\(idpID)' does not map '\(attribute.name)'.")
        }
        await directory.report(event, logger: context.logger)
        return Response(status: .noContent)
    }

    private func currentView(tenantID: String, idpID: String) async throws -> AttributeMappingsView {
        let idp = try await store.identityProvider(tenantID: tenantID, idpID: idpID)
        let mapper = try await MapperResolver(store: store).mapper(tenantID: tenantID, idpID: idpID)
        var view = AttributeCatalog.view(tenantID: tenantID, idp: idp, attributes: mapper.attributes, mappings: mapper.mappings)
        view.idpID = idpID
        return view
    }

    private func requireRegistered(tenantID: String, idpID: String) async throws {
        guard try await store.identityProvider(tenantID: tenantID, idpID: idpID) != nil else {
            throw ScimError.notFound("Identity provider '\(idpID)' is not registered with the mapping service.")
        }
    }

    private func existingAttribute(tenantID: String, context: ServiceRequestContext) async throws -> IdentityAttribute {
        let raw = try context.parameters.require("attribute")
        let name = raw.removingPercentEncoding ?? raw
        let all = BuiltInAttributes.all + (try await store.customAttributes(tenantID: tenantID))
        guard let attribute = all.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw ScimError.notFound("Identity attribute '\(name)' not found in tenant '\(tenantID)'.")
        }
        return attribute
    }

    private func scope(_ context: ServiceRequestContext) throws -> (String, String) {
        (try context.parameters.require("tenant"), try context.parameters.require("idp"))
    }
}
