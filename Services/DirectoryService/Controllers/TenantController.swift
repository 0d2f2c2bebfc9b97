import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Internal API for tenants, their identity providers and their activity log.
struct TenantController<Store: DirectoryStore> {
    let store: Store
    /// Admin operations arrive through the gateway's admin API.
    private let actor = "admin"

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("tenants", use: createTenant)
        group.get("tenants", use: listTenants)
        group.get("tenants/:tenant", use: getTenant)
        group.patch("tenants/:tenant", use: updateTenant)
        group.delete("tenants/:tenant", use: deleteTenant)
        group.post("tenants/:tenant/idps", use: createIdentityProvider)
        group.get("tenants/:tenant/idps", use: listIdentityProviders)
        group.get("tenants/:tenant/idps/:idp", use: getIdentityProvider)
        group.patch("tenants/:tenant/idps/:idp", use: updateIdentityProvider)
        group.delete("tenants/:tenant/idps/:idp", use: deleteIdentityProvider)
        group.get("tenants/:tenant/activity", use: activity)
    }

    // MARK: Tenants

    @Sendable func createTenant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONCoding.decode(TenantCreateRequest.self, from: request, context: context)
        let name = body.name.trimmingSpaces()
        guard !name.isEmpty else { throw ScimError.invalidValue("A tenant needs a non-empty name.") }
        let id = try validSlug(body.id ?? Slug.derive(from: name), what: "tenant id")
        let now = Date()
        let tenant = try await store.createTenant(Tenant(id: id, name: name, createdAt: now, updatedAt: now), actor: actor)
        context.logger.info("Tenant created", metadata: ["tenant.id": "\(id)"])
        return JSONCoding.response(tenant, status: .created)
    }

    @Sendable func listTenants(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONCoding.response(try await store.tenants())
    }

    @Sendable func getTenant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONCoding.response(try await existingTenant(context))
    }

    @Sendable func updateTenant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        var tenant = try await existingTenant(context)
        let body = try await JSONCoding.decode(TenantUpdateRequest.self, from: request, context: context)
        if let name = body.name?.trimmingSpaces() {
            guard !name.isEmpty else { throw ScimError.invalidValue("A tenant needs a non-empty name.") }
            tenant.name = name
        }
        tenant.updatedAt = Date()
        try await store.updateTenant(tenant, actor: actor)
        return JSONCoding.response(tenant)
    }

    @Sendable func deleteTenant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try context.parameters.require("tenant")
        guard try await store.deleteTenant(id: id, actor: actor) else { throw ScimError.notFound("Tenant '\(id)' not found.") }
        context.logger.info("Tenant deleted", metadata: ["tenant.id": "\(id)"])
        return Response(status: .noContent)
    }

    // MARK: Identity providers

    @Sendable func createIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenant = try await existingTenant(context)
        let body = try await JSONCoding.decode(IdentityProviderCreateRequest.self, from: request, context: context)
        let name = body.name.trimmingSpaces()
        guard !name.isEmpty else { throw ScimError.invalidValue("An identity provider needs a non-empty name.") }
        let id = try validSlug(body.id ?? Slug.derive(from: name), what: "identity provider id")
        let now = Date()
        let idp = IdentityProvider(
            tenantID: tenant.id,
            id: id,
            name: name,
            description: body.description ?? "",
            providerType: body.providerType ?? .generic,
            createdAt: now,
            updatedAt: now
        )
        let created = try await store.createIdentityProvider(idp, actor: actor)
        context.logger.info("Identity provider created", metadata: ["tenant.id": "\(tenant.id)", "idp.id": "\(id)"])
        return JSONCoding.response(created, status: .created)
    }

    @Sendable func listIdentityProviders(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenant = try await existingTenant(context)
        return JSONCoding.response(try await store.identityProviders(tenantID: tenant.id))
    }

    @Sendable func getIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONCoding.response(try await existingIdentityProvider(context))
    }

    @Sendable func updateIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        var idp = try await existingIdentityProvider(context)
        let body = try await JSONCoding.decode(IdentityProviderUpdateRequest.self, from: request, context: context)
        if let name = body.name?.trimmingSpaces() {
            guard !name.isEmpty else { throw ScimError.invalidValue("An identity provider needs a non-empty name.") }
            idp.name = name
        }
        if let description = body.description { idp.description = description }
        if let providerType = body.providerType { idp.providerType = providerType }
        if let groupsEditable = body.groupsEditable { idp.groupsEditable = groupsEditable }
        idp.updatedAt = Date()
        try await store.updateIdentityProvider(idp, actor: actor)
        return JSONCoding.response(idp)
    }

    @Sendable func deleteIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        guard try await store.deleteIdentityProvider(tenantID: tenantID, id: idpID, actor: actor) else {
            throw ScimError.notFound("Identity provider '\(idpID)' not found in tenant '\(tenantID)'.")
        }
        context.logger.info("Identity provider deleted", metadata: ["tenant.id": "\(tenantID)", "idp.id": "\(idpID)"])
        return Response(status: .noContent)
    }

    // MARK: Activity log

    /// The tenant's activity log, newest first: `?limit=` (1–1000, default 100), `?idp=` for one identity provider.
    @Sendable func activity(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenant = try await existingTenant(context)
        let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 1000)
        let idpID = request.uri.queryParameters.get("idp").map { String($0) }
        let events = try await store.activity(tenantID: tenant.id, idpID: idpID, limit: limit)
        return JSONCoding.response(
            events.map {
                ActivityEntry(
                    occurredAt: $0.occurredAt ?? "",
                    idpID: $0.idpID,
                    actor: $0.actor,
                    action: $0.action,
                    resourceType: $0.resourceType,
                    resourceID: $0.resourceID,
                    detail: $0.detail
                )
            }
        )
    }

    // MARK: Helpers

    private func existingTenant(_ context: ServiceRequestContext) async throws -> Tenant {
        let id = try context.parameters.require("tenant")
        guard let tenant = try await store.tenant(id: id) else { throw ScimError.notFound("Tenant '\(id)' not found.") }
        return tenant
    }

    private func existingIdentityProvider(_ context: ServiceRequestContext) async throws -> IdentityProvider {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        guard let idp = try await store.identityProvider(tenantID: tenantID, id: idpID) else {
            throw ScimError.notFound("Identity provider '\(idpID)' not found in tenant '\(tenantID)'.")
        }
        return idp
    }

    private func validSlug(_ slug: String, what: String) throws -> String {
        guard Slug.isValid(slug) else {
            throw ScimError.invalidValue(
                "The \(what) '\(slug)' is not URL-safe: use 1 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit."
            )
        }
        return slug
    }
}
