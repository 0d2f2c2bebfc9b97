import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// `/admin/v1`: what an admin does in the product's console — tenants, identity providers (with the SCIM URL
/// to copy into the IdP) and their tokens. Each call goes to the service that owns the data.
struct AdminController {
    let peers: GatewayPeers
    let gateway: GatewayConfiguration

    /// An identity provider as the admin sees it: with its SCIM base URL.
    struct IdentityProviderView: Codable {
        var tenantID: String
        var id: String
        var name: String
        var description: String
        var providerType: ProviderType
        var scimBaseURL: String
        var createdAt: Date
        var updatedAt: Date
        var groupsEditable: Bool
        /// What the IdP's SCIM requests did lately (README "Provisioning log"); on reads, not on writes.
        var provisioning: ProvisioningSummary?
    }

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
        ProvisioningLogAdminController(directory: peers.directory).register(on: group)
    }

    // MARK: Tenants

    @Sendable func createTenant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONCoding.decode(TenantCreateRequest.self, from: request, context: context)
        return JSONCoding.response(try await peers.directory.createTenant(body, logger: context.logger), status: .created)
    }

    @Sendable func listTenants(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONCoding.response(try await peers.directory.listTenants(logger: context.logger))
    }

    @Sendable func getTenant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONCoding.response(try await peers.directory.tenant(try context.parameters.require("tenant"), logger: context.logger))
    }

    @Sendable func updateTenant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONCoding.decode(TenantUpdateRequest.self, from: request, context: context)
        return JSONCoding.response(
            try await peers.directory.updateTenant(try context.parameters.require("tenant"), body, logger: context.logger)
        )
    }

    /// Deletes the tenant's directory data, then its credentials and mappings.
    @Sendable func deleteTenant(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await peers.deleteTenant(try context.parameters.require("tenant"), logger: context.logger)
        return Response(status: .noContent)
    }

    // MARK: Identity providers

    @Sendable func createIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONCoding.decode(IdentityProviderCreateRequest.self, from: request, context: context)
        let idp = try await peers.createIdentityProvider(tenantID: try context.parameters.require("tenant"), body, logger: context.logger)
        return JSONCoding.response(view(idp), status: .created)
    }

    /// Every IdP with its provisioning summary: two calls, in parallel, for the whole list.
    @Sendable func listIdentityProviders(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        async let summaries = peers.directory.provisioningSummaries(tenantID: tenantID, idpID: nil, logger: context.logger)
        let idps = try await peers.directory.listIdentityProviders(tenantID: tenantID, logger: context.logger)
        let provisioning = try await summaries.idps
        return JSONCoding.response(idps.map { view($0, provisioning: provisioning[$0.id] ?? ProvisioningSummary()) })
    }

    @Sendable func getIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        async let summaries = peers.directory.provisioningSummaries(tenantID: tenantID, idpID: idpID, logger: context.logger)
        let idp = try await existingIdentityProvider(context)
        return JSONCoding.response(view(idp, provisioning: try await summaries.idps[idp.id] ?? ProvisioningSummary()))
    }

    @Sendable func updateIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONCoding.decode(IdentityProviderUpdateRequest.self, from: request, context: context)
        let idp = try await peers.updateIdentityProvider(
            tenantID: try context.parameters.require("tenant"),
            idpID: try context.parameters.require("idp"),
            body,
            logger: context.logger
        )
        return JSONCoding.response(view(idp))
    }

    /// Deletes the IdP's users and groups, revokes its tokens and forgets its mappings.
    @Sendable func deleteIdentityProvider(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await peers.deleteIdentityProvider(
            tenantID: try context.parameters.require("tenant"),
            idpID: try context.parameters.require("idp"),
            logger: context.logger
        )
        return Response(status: .noContent)
    }

    // MARK: Activity log

    /// The tenant's activity log (directory, credential and mapping events), newest first:
    /// `?limit=` (1–1000, default 100), `?idp=` for one identity provider.
    @Sendable func activity(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 1000)
        let entries = try await peers.directory.activity(
            tenantID: try context.parameters.require("tenant"),
            idpID: request.uri.queryParameters.get("idp").map { String($0) },
            limit: limit,
            logger: context.logger
        )
        return JSONCoding.response(entries)
    }

    // MARK: Helpers

    private func existingIdentityProvider(_ context: ServiceRequestContext) async throws -> IdentityProvider {
        try await peers.directory.identityProvider(
            tenantID: try context.parameters.require("tenant"),
            idpID: try context.parameters.require("idp"),
            logger: context.logger
        )
    }

    private func view(_ idp: IdentityProvider) -> IdentityProviderView { view(idp, provisioning: nil) }

    private func view(_ idp: IdentityProvider, provisioning: ProvisioningSummary?) -> IdentityProviderView {
        IdentityProviderView(
            tenantID: idp.tenantID,
            id: idp.id,
            name: idp.name,
            description: idp.description,
            providerType: idp.providerType,
            scimBaseURL: gateway.scimBaseURL(tenantID: idp.tenantID, idpID: idp.id),
            createdAt: idp.createdAt,
            updatedAt: idp.updatedAt,
            groupsEditable: idp.groupsEditable,
            provisioning: provisioning
        )
    }
}
