import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit

/// A tenant's **Identity attributes**, `/console/tenants/{tenant}/attributes`: built-in and custom, add one (name,
/// description, type, multi-valued, mandatory), edit a custom one's description and mandatory flag, delete one — the
/// mapping service's calls and rules, as the admin API's ``MappingAdminController`` makes them (its 400 for a built-in,
/// its 409 naming the IdP that maps an attribute), with this replica's cached rules and `/Schemas` forgotten after a
/// change.
struct IdentityAttributeRoutes {
    let peers: GatewayPeers
    let schemas: TenantSchemas
    let views: ConsoleViews

    struct Row {
        var name: String
        var description: String
        var type: String
        var multiValued: Bool
        var mandatory: Bool
        var builtIn: Bool
        var canEdit: Bool
        var csrf: String
        var base: String
        var path: String
    }

    struct Model {
        var base: String
        var rows: [Row]
        var types: [String]
        var canWrite: Bool
        var csrf: String
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/attributes", use: list)
        group.post("tenants/:tenant/attributes", use: create)
        group.post("tenants/:tenant/attributes/:name/edit", use: edit)
        group.post("tenants/:tenant/attributes/:name/delete", use: delete)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .get)
        let tenant = try await peers.directory.tenant(tenantID, logger: context.logger)
        let base = "/console/tenants/\(tenant.id)/attributes"
        let attributes = try await peers.mapping.identityAttributes(tenantID: tenant.id, logger: context.logger)
        let rows = attributes.map { attribute in
            Row(
                name: attribute.name,
                description: attribute.description,
                type: attribute.type.rawValue,
                multiValued: attribute.multiValued,
                mandatory: attribute.mandatory,
                builtIn: attribute.builtIn,
                canEdit: user.canWrite && !attribute.builtIn,
                csrf: user.csrfToken,
                base: base,
                path: PercentEncoding.encode(attribute.name)
            )
        }
        let model = Model(
            base: base,
            rows: rows,
            types: IdentityAttributeType.allCases.map(\.rawValue),
            canWrite: user.canWrite,
            csrf: user.csrfToken
        )
        return views.page(
            "attributes",
            title: "Identity attributes",
            model: model,
            tenantNav: .init(tenantID: tenant.id, current: "Identity attributes")
        )
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, tenantID) = try await writer(context)
        defer { forgetCachedRules(tenantID: tenantID) }
        let body = IdentityAttributeCreateRequest(
            name: try ConsoleForm.text(user.form, "name", label: "Name"),
            description: try ConsoleForm.optionalText(user.form, "description", label: "Description"),
            type: try ConsoleForm.text(user.form, "type", label: "Type", maximumLength: 20),
            multiValued: user.form["multiValued"] == "on",
            mandatory: user.form["mandatory"] == "on",
            actor: Self.actor(user)
        )
        _ = try await peers.mapping.createIdentityAttribute(tenantID: tenantID, body, logger: context.logger)
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/attributes")
    }

    @Sendable func edit(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, tenantID) = try await writer(context)
        defer { forgetCachedRules(tenantID: tenantID) }
        let body = IdentityAttributeUpdateRequest(
            description: try ConsoleForm.optionalText(user.form, "description", label: "Description") ?? "",
            mandatory: user.form["mandatory"] == "on",
            actor: Self.actor(user)
        )
        _ = try await peers.mapping.updateIdentityAttribute(tenantID: tenantID, name: try Self.name(context), body, logger: context.logger)
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/attributes")
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, tenantID) = try await writer(context)
        defer { forgetCachedRules(tenantID: tenantID) }
        try await peers.mapping.deleteIdentityAttribute(
            tenantID: tenantID,
            name: try Self.name(context),
            actor: Self.actor(user),
            logger: context.logger
        )
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/attributes")
    }

    private func writer(_ context: ServiceRequestContext) async throws -> (ConsoleUser, String) {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .post)
        return (user, try await peers.directory.tenant(tenantID, logger: context.logger).id)
    }

    /// Forgets this replica's `/Schemas` and mappers of the tenant, as the admin API does after a change.
    private func forgetCachedRules(tenantID: String) {
        schemas.invalidate(tenantID: tenantID)
        peers.identityMapper.invalidate(tenantID: tenantID)
    }

    /// The attribute's name from the path, percent-decoded, at most 200 bytes.
    private static func name(_ context: ServiceRequestContext) throws -> String {
        let raw = try context.parameters.require("name")
        let name = raw.removingPercentEncoding ?? raw
        guard name.utf8.count <= 200 else { throw ScimError.notFound("No such identity attribute.") }
        return name
    }

    /// Who the mapping service's trail names: `admin` for the root key, `apikey:<id>` for a tenant key.
    private static func actor(_ user: ConsoleUser) -> String {
        user.principal.apiKeyID.map { "apikey:\($0)" } ?? "admin"
    }
}
