import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit

/// A tenant's **Activity** log, `/console/tenants/{tenant}/activity`: directory, credential and mapping events, newest
/// first (the latest 200; `?idp=` for one identity provider), as the admin API's activity route reads them. Read-only.
struct ActivityRoutes {
    let peers: GatewayPeers
    let views: ConsoleViews

    static let limit = 200

    struct Model {
        struct Row {
            var time: String
            var idp: String
            var actor: String
            var action: String
            var resource: String
            var detail: String
        }
        struct Option {
            var value: String
            var selected: Bool
        }
        var base: String
        var rows: [Row]
        var hasRows: Bool
        var idps: [Option]
        var limit: Int
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/activity", use: list)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(try ConsoleRoutes.user(), tenant: tenantID, method: .get)
        let idpFilter = request.uri.queryParameters.get("idp").flatMap { $0.isEmpty || $0.utf8.count > 128 ? nil : String($0) }
        let idps = try await peers.directory.listIdentityProviders(tenantID: tenantID, logger: context.logger)
        let entries = try await peers.directory.activity(tenantID: tenantID, idpID: idpFilter, limit: Self.limit, logger: context.logger)
        let rows = entries.map { entry in
            Model.Row(
                time: ConsoleFormat.timestamp(entry.occurredAt, none: ""),
                idp: entry.idpID ?? "",
                actor: entry.actor,
                action: entry.action,
                resource: [entry.resourceType, entry.resourceID].compactMap { $0 }.joined(separator: " "),
                detail: entry.detail ?? ""
            )
        }
        let model = Model(
            base: "/console/tenants/\(tenantID)/activity",
            rows: rows,
            hasRows: !rows.isEmpty,
            idps: idps.map { .init(value: $0.id, selected: $0.id == idpFilter) },
            limit: Self.limit
        )
        return views.page("activity", title: "Activity", model: model, tenantNav: .init(tenantID: tenantID, current: "Activity"))
    }
}
