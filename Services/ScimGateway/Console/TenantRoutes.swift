import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit

/// The operator's screens: `/console/tenants` (list, create) and a tenant's rename and delete. The same directory calls
/// and the same clean-up as the admin API's ``AdminController`` (deleting a tenant revokes its credentials and forgets
/// its mappings).
struct TenantRoutes {
    let peers: GatewayPeers
    let views: ConsoleViews

    struct TenantsModel {
        struct Row {
            var id: String
            var name: String
            var createdAt: String
            var csrf: String
        }
        var tenants: [Row]
        var csrf: String
        var isEmpty: Bool
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get(use: home)
        group.get("tenants", use: list)
        group.post("tenants", use: create)
        group.post("tenants/:tenant/rename", use: rename)
        group.post("tenants/:tenant/delete", use: delete)
    }

    /// `/console`: the operator's tenants, or a tenant key's own tenant.
    @Sendable func home(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let user = try ConsoleRoutes.user()
        return ConsoleViews.redirect(user.principal.tenantID.map { "/console/tenants/\($0)" } ?? "/console/tenants")
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let user = try ConsoleRoutes.user()
        guard user.principal.isRoot else { return try await home(request, context: context) }
        let tenants = try await peers.directory.listTenants(logger: context.logger)
        let rows = tenants.map { TenantsModel.Row(id: $0.id, name: $0.name, createdAt: ConsoleFormat.date($0.createdAt), csrf: user.csrfToken) }
        return views.page("tenants", title: "Tenants", model: TenantsModel(tenants: rows, csrf: user.csrfToken, isEmpty: rows.isEmpty))
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let user = try ConsoleRoutes.user()
        try ConsoleAccess.check(user, tenant: nil, method: .post)
        let name = try ConsoleForm.text(user.form, "name", label: "Name")
        let id = try ConsoleForm.optionalText(user.form, "id", label: "Id", maximumLength: 63)
        let tenant = try await peers.directory.createTenant(TenantCreateRequest(id: id, name: name), logger: context.logger)
        return ConsoleViews.redirect("/console/tenants/\(tenant.id)")
    }

    @Sendable func rename(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, isTenantItself: true, method: .patch)
        let name = try ConsoleForm.text(user.form, "name", label: "Name")
        _ = try await peers.directory.updateTenant(tenantID, TenantUpdateRequest(name: name), logger: context.logger)
        return ConsoleViews.redirect("/console/tenants")
    }

    /// Deletes the tenant's directory data, then its credentials and mappings (as ``AdminController/deleteTenant``).
    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, isTenantItself: true, method: .delete)
        try await peers.deleteTenant(tenantID, logger: context.logger)
        return ConsoleViews.redirect("/console/tenants")
    }
}
