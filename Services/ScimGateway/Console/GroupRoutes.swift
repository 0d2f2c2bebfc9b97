import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit

/// The IdP page's **Groups** tab: the groups this IdP provisioned with their member counts, searched by display name
/// and paged, and a group's page with its members, paged — the directory's application reads
/// (``ApplicationGroupQuery``, ``ApplicationMemberQuery``), always narrowed to this IdP. Read-only.
struct GroupRoutes {
    let peers: GatewayPeers
    let views: ConsoleViews

    static let pageSize = 50

    struct Row {
        var label: String
        var detail: String
        var href: String?
    }

    struct ListModel {
        var base: String
        var tabs: [IdpTabs.Tab]
        var name: String
        var displayName: String
        var rows: [Row]
        var hasRows: Bool
        var next: String?
    }

    struct GroupModel {
        var base: String
        var tabs: [IdpTabs.Tab]
        var name: String
        var displayName: String
        var memberCount: String
        var members: [Row]
        var hasMembers: Bool
        var next: String?
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/idps/:idp/groups", use: list)
        group.get("tenants/:tenant/idps/:idp/groups/:id", use: show)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idp) = try await target(context)
        var query = try ApplicationGroupQuery(rawQuery: try UserRoutes.keptQuery(request.uri.query))
        query.idp = idp.id
        query.page.limit = Self.pageSize
        let page = try UserRoutes.json(try await peers.directory.applicationRead(tenantID: tenantID, .groups(query), logger: context.logger))
        let base = "/console/tenants/\(tenantID)/idps/\(idp.id)"
        let rows = (page.objectValue?["data"]?.arrayValue ?? []).compactMap { group -> Row? in
            guard let id = group.objectValue?["id"]?.stringValue else { return nil }
            return Row(
                label: group.objectValue?["displayName"]?.stringValue ?? id,
                detail: UserRoutes.text(group.objectValue?["memberCount"] ?? .null),
                href: "\(base)/groups/\(PercentEncoding.encode(id))"
            )
        }
        let filterQuery = ApplicationGroupQuery(displayName: query.displayName).rawQuery
        let model = ListModel(
            base: base,
            tabs: IdpTabs.tabs(base: base, current: "Groups"),
            name: idp.name,
            displayName: query.displayName ?? "",
            rows: rows,
            hasRows: !rows.isEmpty,
            next: page.objectValue?["next"]?.stringValue.map {
                "\(base)/groups?" + (filterQuery.isEmpty ? "" : filterQuery + "&") + "cursor=\(PercentEncoding.encode($0))"
            }
        )
        return views.page(
            "idp-groups",
            title: "\(idp.name): groups",
            model: model,
            tenantNav: .init(tenantID: tenantID, current: "Identity providers")
        )
    }

    @Sendable func show(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idp) = try await target(context)
        let id = try context.parameters.require("id")
        let notFound = ScimError.notFound("Group '\(id.prefix(128))' not found.")
        guard id.utf8.count <= ApplicationRead.maximumIDLength else { throw notFound }
        var members = try ApplicationMemberQuery(rawQuery: try UserRoutes.keptQuery(request.uri.query))
        members.page.limit = Self.pageSize
        async let memberPage = peers.directory.applicationRead(tenantID: tenantID, .members(groupID: id, members), logger: context.logger)
        let group = try UserRoutes.json(try await peers.directory.applicationRead(tenantID: tenantID, .group(id: id), logger: context.logger))
        guard group.objectValue?["idp"]?.stringValue == idp.id else { throw notFound }
        let page = try UserRoutes.json(try await memberPage)
        let base = "/console/tenants/\(tenantID)/idps/\(idp.id)"
        let rows = (page.objectValue?["data"]?.arrayValue ?? []).compactMap { member -> Row? in
            guard let memberID = member.objectValue?["id"]?.stringValue else { return nil }
            let type = member.objectValue?["type"]?.stringValue ?? "User"
            return Row(
                label: member.objectValue?["display"]?.stringValue ?? memberID,
                detail: type,
                href: "\(base)/\(type == "Group" ? "groups" : "users")/\(PercentEncoding.encode(memberID))"
            )
        }
        let model = GroupModel(
            base: base,
            tabs: IdpTabs.tabs(base: base, current: "Groups"),
            name: idp.name,
            displayName: group.objectValue?["displayName"]?.stringValue ?? id,
            memberCount: UserRoutes.text(group.objectValue?["memberCount"] ?? .null),
            members: rows,
            hasMembers: !rows.isEmpty,
            next: page.objectValue?["next"]?.stringValue.map { "\(base)/groups/\(PercentEncoding.encode(id))?cursor=\(PercentEncoding.encode($0))" }
        )
        return views.page("idp-group", title: "\(idp.name): group", model: model, tenantNav: .init(tenantID: tenantID, current: "Identity providers"))
    }

    private func target(_ context: ServiceRequestContext) async throws -> (String, IdentityProvider) {
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(try ConsoleRoutes.user(), tenant: tenantID, method: .get)
        let idp = try await peers.directory.identityProvider(tenantID: tenantID, idpID: try context.parameters.require("idp"), logger: context.logger)
        return (tenantID, idp)
    }
}
