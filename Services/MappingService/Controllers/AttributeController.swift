import Foundation
import Hummingbird
import IdentityMapping
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Internal API for a tenant's identity attributes: the built-ins plus the custom ones admins add.
struct AttributeController<Store: MappingStore> {
    let store: Store
    let directory: any MappingDirectory

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/attributes", use: list)
        group.post("tenants/:tenant/attributes", use: create)
        group.patch("tenants/:tenant/attributes/:name", use: update)
        group.delete("tenants/:tenant/attributes/:name", use: delete)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let custom = try await store.customAttributes(tenantID: try context.parameters.require("tenant"))
        return JSONCoding.response(BuiltInAttributes.all + custom)
    }

    /// 201 with the attribute; 400 `invalidValue` (name, type), 409 `uniqueness` (any letter case, built-ins included).
    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let body = try await JSONCoding.decode(IdentityAttributeCreateRequest.self, from: request, context: context)
        let attribute = try AttributeCatalog.newAttribute(body)
        let event = MappingEvent(
            tenantID: tenantID,
            idpID: nil,
            actor: body.actor ?? "admin",
            action: "attribute.created",
            subject: attribute.name,
            detail: "type \(attribute.type.rawValue)\(attribute.multiValued ? ", multi-valued" : "")\(attribute.mandatory ? ", mandatory" : "")"
        )
        try await store.createAttribute(tenantID: tenantID, attribute, event: event)
        await directory.report(event, logger: context.logger)
        return JSONCoding.response(attribute, status: .created)
    }

    /// Changes the description or the mandatory flag of a custom attribute.
    @Sendable func update(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let name = try Self.name(context)
        let body = try await JSONCoding.decode(IdentityAttributeUpdateRequest.self, from: request, context: context)
        try Self.refuseBuiltIn(name, doing: "changed")
        guard var attribute = try await store.customAttributes(tenantID: tenantID).first(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw ScimError.notFound("Identity attribute '\(name)' not found.")
        }
        if let description = body.description {
            guard description.count <= 1000 else { throw ScimError.invalidValue("A description has at most 1000 characters.") }
            attribute.description = description
        }
        if let mandatory = body.mandatory { attribute.mandatory = mandatory }
        let event = MappingEvent(
            tenantID: tenantID,
            idpID: nil,
            actor: body.actor ?? "admin",
            action: "attribute.updated",
            subject: attribute.name,
            detail: attribute.mandatory ? "mandatory" : "optional"
        )
        guard try await store.updateAttribute(tenantID: tenantID, attribute, event: event) else {
            throw ScimError.notFound("Identity attribute '\(name)' not found.")
        }
        await directory.report(event, logger: context.logger)
        return JSONCoding.response(attribute)
    }

    /// 204; 400 `mutability` for a built-in, 404, 409 naming the IdPs whose mappings use it.
    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let name = try Self.name(context)
        try Self.refuseBuiltIn(name, doing: "deleted")
        let event = MappingEvent(
            tenantID: tenantID,
            idpID: nil,
            actor: request.uri.queryParameters.get("actor") ?? "admin",
            action: "attribute.deleted",
            subject: name,
            detail: nil
        )
        guard try await store.deleteAttribute(tenantID: tenantID, name: name, event: event) else {
            throw ScimError.notFound("Identity attribute '\(name)' not found.")
        }
        await directory.report(event, logger: context.logger)
        return Response(status: .noContent)
    }

    /// The attribute name from the path, percent-decoded ("Cost%20Center").
    static func name(_ context: ServiceRequestContext) throws -> String {
        let raw = try context.parameters.require("name")
        return raw.removingPercentEncoding ?? raw
    }

    private static func refuseBuiltIn(_ name: String, doing verb: String) throws(ScimError) {
        if let builtIn = BuiltInAttributes.all.first(where: { $0.name.lowercased() == name.lowercased() }) {
            throw ScimError.mutability("'\(builtIn.name)' is a built-in identity attribute and cannot be \(verb).")
        }
    }
}
