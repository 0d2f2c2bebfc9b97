import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// `/admin/v1` for identity attributes and mappings (issue 5): a tenant's attributes, an IdP's mapping rules
/// with the "mapped" and "unmapped" views, re-apply jobs, and a user's typed identity attributes as the
/// application reads them. Every call first checks that the tenant (and IdP) exists; the mapping service records
/// each change with its actor and time, in its own trail and the tenant's activity log.
struct MappingAdminController {
    let peers: GatewayPeers
    /// This replica's `/Schemas` cache, refreshed when an admin changes attributes or mappings through it (as are
    /// the mappers of `peers.identityMapper`).
    let schemas: TenantSchemas
    /// The admin key is the only admin principal today.
    private let actor = "admin"

    init(peers: GatewayPeers, schemas: TenantSchemas) {
        self.peers = peers
        self.schemas = schemas
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/attributes", use: listAttributes)
        group.post("tenants/:tenant/attributes", use: createAttribute)
        group.patch("tenants/:tenant/attributes/:name", use: updateAttribute)
        group.delete("tenants/:tenant/attributes/:name", use: deleteAttribute)
        group.get("tenants/:tenant/idps/:idp/mappings", use: mappings)
        group.put("tenants/:tenant/idps/:idp/mappings/:attribute", use: setMapping)
        group.delete("tenants/:tenant/idps/:idp/mappings/:attribute", use: removeMapping)
        group.post("tenants/:tenant/idps/:idp/mappings/reapply", use: startReapply)
        group.get("tenants/:tenant/idps/:idp/mappings/jobs/:job", use: reapplyJob)
        group.get("tenants/:tenant/idps/:idp/users/:user/identity", use: userIdentity)
    }

    // MARK: Identity attributes

    @Sendable func listAttributes(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenant = try await existingTenant(context)
        return JSONCoding.response(try await peers.mapping.identityAttributes(tenantID: tenant.id, logger: context.logger))
    }

    /// `{"name", "description"?, "type": "string|number|boolean|date", "multiValued"?, "mandatory"?}` → 201.
    @Sendable func createAttribute(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenant = try await existingTenant(context)
        defer { forgetCachedRules(tenantID: tenant.id) }
        var body = try await JSONCoding.decode(IdentityAttributeCreateRequest.self, from: request, context: context)
        body.actor = actor
        let created = try await peers.mapping.createIdentityAttribute(tenantID: tenant.id, body, logger: context.logger)
        return JSONCoding.response(created, status: .created)
    }

    /// `{"description"?, "mandatory"?}`.
    @Sendable func updateAttribute(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenant = try await existingTenant(context)
        defer { forgetCachedRules(tenantID: tenant.id) }
        var body = try await JSONCoding.decode(IdentityAttributeUpdateRequest.self, from: request, context: context)
        body.actor = actor
        let updated = try await peers.mapping.updateIdentityAttribute(
            tenantID: tenant.id,
            name: try Self.decoded(context, "name"),
            body,
            logger: context.logger
        )
        return JSONCoding.response(updated)
    }

    @Sendable func deleteAttribute(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenant = try await existingTenant(context)
        defer { forgetCachedRules(tenantID: tenant.id) }
        try await peers.mapping.deleteIdentityAttribute(
            tenantID: tenant.id,
            name: try Self.decoded(context, "name"),
            actor: actor,
            logger: context.logger
        )
        return Response(status: .noContent)
    }

    // MARK: Mappings

    /// The IdP's rules: `?view=mapped` only the mapped attributes, `?view=unmapped` only the others, both by default.
    struct MappingsAnswer: Encodable {
        var tenantID: String
        var idpID: String
        var providerType: String
        var customized: Bool
        var mapped: [AttributeMappingsView.Mapped]?
        var unmapped: [IdentityAttribute]?
    }

    @Sendable func mappings(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let which = request.uri.queryParameters.get("view")?.lowercased()
        guard which == nil || which == "mapped" || which == "unmapped" || which == "all" else {
            throw ScimError.invalidValue("view must be 'mapped', 'unmapped' or 'all'.")
        }
        let idp = try await registeredIdentityProvider(context)
        let view = try await peers.mapping.mappingsView(tenantID: idp.tenantID, idpID: idp.id, logger: context.logger)
        return JSONCoding.response(
            MappingsAnswer(
                tenantID: view.tenantID,
                idpID: view.idpID,
                providerType: view.providerType,
                customized: view.customized,
                mapped: which == "unmapped" ? nil : view.mapped,
                unmapped: which == "mapped" ? nil : view.unmapped
            )
        )
    }

    /// `{"scimPath": "urn:ietf:params:scim:schemas:extension:custom:2.0:User:costCenter"}` → the IdP's view.
    @Sendable func setMapping(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await registeredIdentityProvider(context)
        defer { forgetCachedRules(tenantID: idp.tenantID) }
        var body = try await JSONCoding.decode(AttributeMappingSetRequest.self, from: request, context: context)
        body.actor = actor
        let view = try await peers.mapping.setMapping(
            tenantID: idp.tenantID,
            idpID: idp.id,
            attribute: try Self.decoded(context, "attribute"),
            body,
            logger: context.logger
        )
        return JSONCoding.response(view)
    }

    @Sendable func removeMapping(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await registeredIdentityProvider(context)
        defer { forgetCachedRules(tenantID: idp.tenantID) }
        try await peers.mapping.removeMapping(
            tenantID: idp.tenantID,
            idpID: idp.id,
            attribute: try Self.decoded(context, "attribute"),
            actor: actor,
            logger: context.logger
        )
        return Response(status: .noContent)
    }

    // MARK: Re-apply jobs

    /// 202 with a new job, or 200 with the IdP's job still pending or running.
    @Sendable func startReapply(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await registeredIdentityProvider(context)
        let job = try await peers.mapping.startReapply(tenantID: idp.tenantID, idpID: idp.id, ReapplyJobRequest(actor: actor), logger: context.logger)
        return JSONCoding.response(job, status: job.state == .pending && job.done == 0 && job.total == 0 ? .accepted : .ok)
    }

    @Sendable func reapplyJob(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        return JSONCoding.response(
            try await peers.mapping.reapplyJob(
                tenantID: idp.tenantID,
                idpID: idp.id,
                id: try context.parameters.require("job"),
                logger: context.logger
            )
        )
    }

    // MARK: Typed identity of a user

    @Sendable func userIdentity(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let idp = try await existingIdentityProvider(context)
        return JSONCoding.response(
            try await peers.directory.userIdentity(
                tenantID: idp.tenantID,
                idpID: idp.id,
                id: try context.parameters.require("user"),
                logger: context.logger
            )
        )
    }

    // MARK: Helpers

    private func existingTenant(_ context: ServiceRequestContext) async throws -> Tenant {
        try await peers.directory.tenant(try context.parameters.require("tenant"), logger: context.logger)
    }

    private func existingIdentityProvider(_ context: ServiceRequestContext) async throws -> IdentityProvider {
        try await peers.directory.identityProvider(
            tenantID: try context.parameters.require("tenant"),
            idpID: try context.parameters.require("idp"),
            logger: context.logger
        )
    }

    /// The IdP, registered with the mapping service under its current type (idempotent; heals an IdP whose
    /// registration was missed).
    private func registeredIdentityProvider(_ context: ServiceRequestContext) async throws -> IdentityProvider {
        try await peers.registeredIdentityProvider(
            tenantID: try context.parameters.require("tenant"),
            idpID: try context.parameters.require("idp"),
            logger: context.logger
        )
    }

    /// Forgets what this replica built from the tenant's rules, its `/Schemas` and the mappers users are mapped with,
    /// so that the next SCIM request sees the change at once. Callers defer it: a change whose answer was lost may still
    /// have been applied.
    private func forgetCachedRules(tenantID: String) {
        schemas.invalidate(tenantID: tenantID)
        peers.identityMapper.invalidate(tenantID: tenantID)
    }

    /// A path parameter, percent-decoded ("Cost%20Center" → "Cost Center").
    private static func decoded(_ context: ServiceRequestContext, _ name: String) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
