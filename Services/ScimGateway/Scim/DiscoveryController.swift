import Foundation
import HTTPTypes
import Hummingbird
import ScimCore
import ServiceKit

/// The discovery endpoints of RFC 7644 §4 under `/scim/v2/{tenant}/{idp}`: `ServiceProviderConfig`, `Schemas`,
/// `Schemas/{id}`, `ResourceTypes`, `ResourceTypes/{id}`.
///
/// They are read-only: every other method gets 405 with `Allow: GET` and a SCIM error body. Query parameters are
/// ignored (§4 "SHALL be ignored"), except that a `filter` is refused with 403, as §4 advises, so that a client never
/// reads an unfiltered list as matching its filter. Every `meta.location` is under the IdP's own SCIM base URL.
///
/// The schemas are the IdP's own (``TenantSchemas``): required flags and custom extensions follow the tenant's
/// identity attributes and the IdP's mappings.
struct DiscoveryController {
    let gateway: GatewayConfiguration
    let schemas: TenantSchemas
    let capabilities: ServiceProviderCapabilities

    /// The methods answered with 405; GET is the only one served.
    static let refusedMethods: [HTTPRequest.Method] = [.post, .put, .patch, .delete, .head, .options]

    func register(on group: RouterGroup<ScimRequestContext>) {
        group.get("ServiceProviderConfig", use: serviceProviderConfig)
        group.get("Schemas", use: schemas)
        group.get("Schemas/:id", use: schema)
        group.get("ResourceTypes", use: resourceTypes)
        group.get("ResourceTypes/:id", use: resourceType)
        for path in ["ServiceProviderConfig", "Schemas", "Schemas/:id", "ResourceTypes", "ResourceTypes/:id"] {
            for method in Self.refusedMethods {
                group.on(RouterPath(path), method: method, use: methodNotAllowed)
            }
        }
    }

    @Sendable func serviceProviderConfig(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let base = try baseURL(request, context)
        return JSONCoding.scimResponse(capabilities.serviceProviderConfig(baseURL: base))
    }

    @Sendable func schemas(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let base = try baseURL(request, context)
        let registry = try await registry(context)
        let resources = registry.schemas.compactMap { registry.schemaResource(id: $0.id, baseURL: base) }
        return JSONCoding.scimResponse(Self.list(resources))
    }

    @Sendable func schema(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let base = try baseURL(request, context)
        let id = try Self.identifier(context)
        guard let resource = try await registry(context).schemaResource(id: id, baseURL: base) else {
            throw ScimError.notFound("No schema '\(id)'.")
        }
        return JSONCoding.scimResponse(resource)
    }

    @Sendable func resourceTypes(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let base = try baseURL(request, context)
        let registry = try await registry(context)
        let resources = registry.resourceTypes.compactMap { registry.resourceTypeResource(id: $0.id, baseURL: base) }
        return JSONCoding.scimResponse(Self.list(resources))
    }

    @Sendable func resourceType(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let base = try baseURL(request, context)
        let id = try Self.identifier(context)
        guard let resource = try await registry(context).resourceTypeResource(id: id, baseURL: base) else {
            throw ScimError.notFound("No resource type '\(id)'.")
        }
        return JSONCoding.scimResponse(resource)
    }

    @Sendable func methodNotAllowed(_ request: Request, context: ScimRequestContext) async throws -> Response {
        ScimError(status: 405, detail: "\(request.method.rawValue) is not supported here; discovery endpoints are read-only.")
            .response(extraHeaders: [.allow: "GET"])
    }

    // MARK: helpers

    /// The IdP's SCIM base URL, after refusing a `filter` (RFC 7644 §4).
    private func registry(_ context: ScimRequestContext) async throws -> SchemaRegistry {
        try await schemas.registry(for: context.principal, logger: context.logger)
    }

    private func baseURL(_ request: Request, _ context: ScimRequestContext) throws -> String {
        let principal = context.principal
        let parameters = try SearchRequest.queryParameters(request.uri.query)
        if parameters.contains(where: { $0.name.lowercased() == "filter" && !$0.value.trimmingSpaces().isEmpty }) {
            throw ScimError.forbidden("Discovery endpoints do not support filtering (RFC 7644 §4).")
        }
        return gateway.scimBaseURL(tenantID: principal.tenantID, idpID: principal.idpID)
    }

    /// The `:id` path parameter, percent-decoded (a schema id is a URN; a client may encode its colons).
    private static func identifier(_ context: ScimRequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        return raw.removingPercentEncoding ?? raw
    }

    /// A complete (unpaginated) ListResponse: discovery lists are small and ignore paging parameters.
    private static func list(_ resources: [JSONValue]) -> JSONValue {
        .listResponse(
            resources: resources,
            totalResults: resources.count,
            startIndex: 1,
            itemsPerPage: resources.count,
            nextCursor: nil,
            previousCursor: nil
        )
    }
}
