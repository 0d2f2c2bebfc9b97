import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit

/// A tenant's home, `/console/tenants/{tenant}`: its identity providers with their provider type and provisioning
/// health (the provisioning log's summary, as the admin API's IdP list shows it), and the form that adds one.
struct IdentityProviderRoutes {
    let peers: GatewayPeers
    let gateway: GatewayConfiguration
    let views: ConsoleViews

    struct TenantModel {
        struct Row {
            var id: String
            var name: String
            var description: String
            var providerType: String
            var href: String
            var lastRequest: String
            var lastFailure: String
            var success24h: Int
            var failure24h: Int
            var healthy: Bool
            var lastError: String?
        }
        struct Option {
            var value: String
            var selected: Bool
        }
        var tenantID: String
        var tenantName: String
        var idps: [Row]
        /// Stored, not computed: templates see stored properties only.
        var hasIdps: Bool
        var canWrite: Bool
        var csrf: String
        var providerTypes: [Option]
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant", use: home)
        group.post("tenants/:tenant/idps", use: create)
    }

    @Sendable func home(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .get)
        async let summaries = peers.directory.provisioningSummaries(tenantID: tenantID, idpID: nil, logger: context.logger)
        let tenant = try await peers.directory.tenant(tenantID, logger: context.logger)
        let idps = try await peers.directory.listIdentityProviders(tenantID: tenantID, logger: context.logger)
        let provisioning = try await summaries.idps
        let rows = idps.map { idp in
            let summary = provisioning[idp.id] ?? ProvisioningSummary()
            return TenantModel.Row(
                id: idp.id,
                name: idp.name,
                description: idp.description,
                providerType: idp.providerType.rawValue,
                href: "/console/tenants/\(tenantID)/idps/\(idp.id)",
                lastRequest: ConsoleFormat.timestamp(summary.lastRequestAt, none: "never"),
                lastFailure: ConsoleFormat.timestamp(summary.lastFailureAt, none: "none"),
                success24h: summary.last24h.success,
                failure24h: summary.last24h.failure,
                healthy: summary.last24h.failure == 0,
                lastError: summary.lastError
            )
        }
        let model = TenantModel(
            tenantID: tenantID,
            tenantName: tenant.name,
            idps: rows,
            hasIdps: !rows.isEmpty,
            canWrite: user.canWrite,
            csrf: user.csrfToken,
            providerTypes: ProviderType.allCases.map { .init(value: $0.rawValue, selected: $0 == .generic) }
        )
        return views.page(
            "tenant",
            title: tenant.name,
            model: model,
            tenantNav: ConsoleViews.TenantNav(tenantID: tenantID, current: "Identity providers")
        )
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .post)
        let body = IdentityProviderCreateRequest(
            id: try ConsoleForm.optionalText(user.form, "id", label: "Id", maximumLength: 63),
            name: try ConsoleForm.text(user.form, "name", label: "Name"),
            description: try ConsoleForm.optionalText(user.form, "description", label: "Description"),
            providerType: try ConsoleRoutes.providerType(user.form)
        )
        let idp = try await peers.createIdentityProvider(tenantID: tenantID, body, logger: context.logger)
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/idps/\(idp.id)")
    }
}

extension ConsoleRoutes {
    /// The form's `providerType` (Generic, Azure, Okta, Duo; as leniently as the API reads it); nil when absent.
    static func providerType(_ form: [String: String]) throws -> ProviderType? {
        guard let text = try ConsoleForm.optionalText(form, "providerType", label: "Provider type", maximumLength: 20) else { return nil }
        guard let type = ProviderType(lenient: text) else { throw ScimError.invalidValue("Provider type must be Generic, Azure, Okta or Duo.") }
        return type
    }
}
