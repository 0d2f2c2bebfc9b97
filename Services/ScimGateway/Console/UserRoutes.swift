import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit

/// The IdP page's **Users** tab: the users this IdP provisioned, searched by user name or email and paged by the
/// directory's cursor, and a user's page (its attributes, typed identity and groups) — the directory's application
/// reads (``ApplicationUserQuery``, bounded and validated as the application API reads it), always narrowed to this
/// IdP. Read-only.
struct UserRoutes {
    let peers: GatewayPeers
    let views: ConsoleViews

    static let pageSize = 50
    static let maximumQueryLength = 4096

    struct Row {
        var id: String
        var userName: String
        var externalID: String
        var active: Bool
        var href: String
    }

    struct ListModel {
        var base: String
        var tabs: [IdpTabs.Tab]
        var name: String
        var userName: String
        var email: String
        var rows: [Row]
        var hasRows: Bool
        var next: String?
    }

    struct Field {
        var label: String
        var value: String
    }

    struct UserModel {
        var base: String
        var tabs: [IdpTabs.Tab]
        var name: String
        var userName: String
        var fields: [Field]
        var identity: [Field]
        var hasIdentity: Bool
        var groups: [Field]
        var hasGroups: Bool
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/idps/:idp/users", use: list)
        group.get("tenants/:tenant/idps/:idp/users/:id", use: user)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idp) = try await target(context)
        var query = try Self.query(request.uri.query)
        query.idp = idp.id
        query.page.limit = Self.pageSize
        let data = try await peers.directory.applicationRead(tenantID: tenantID, .users(query), logger: context.logger)
        let page = try Self.json(data)
        let base = "/console/tenants/\(tenantID)/idps/\(idp.id)"
        let rows = (page.objectValue?["data"]?.arrayValue ?? []).compactMap { user -> Row? in
            guard let id = user.objectValue?["id"]?.stringValue else { return nil }
            return Row(
                id: id,
                userName: user.objectValue?["userName"]?.stringValue ?? "",
                externalID: user.objectValue?["externalId"]?.stringValue ?? "",
                active: user.objectValue?["active"]?.boolValue ?? false,
                href: "\(base)/users/\(PercentEncoding.encode(id))"
            )
        }
        var filters = ApplicationUserQuery(userName: query.userName, email: query.email)
        filters.page = ApplicationPage()
        let filterQuery = filters.rawQuery
        let model = ListModel(
            base: base,
            tabs: IdpTabs.tabs(base: base, current: "Users"),
            name: idp.name,
            userName: query.userName ?? "",
            email: query.email ?? "",
            rows: rows,
            hasRows: !rows.isEmpty,
            next: page.objectValue?["next"]?.stringValue.map {
                "\(base)/users?" + (filterQuery.isEmpty ? "" : filterQuery + "&") + "cursor=\(PercentEncoding.encode($0))"
            }
        )
        return views.page("idp-users", title: "\(idp.name): users", model: model, tenantNav: .init(tenantID: tenantID, current: "Identity providers"))
    }

    @Sendable func user(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (tenantID, idp) = try await target(context)
        let id = try context.parameters.require("id")
        let notFound = ScimError.notFound("User '\(id.prefix(128))' not found.")
        guard id.utf8.count <= ApplicationRead.maximumIDLength else { throw notFound }
        let user = try Self.json(try await peers.directory.applicationRead(tenantID: tenantID, .user(id: id), logger: context.logger))
        guard user.objectValue?["idp"]?.stringValue == idp.id, let object = user.objectValue else { throw notFound }
        let base = "/console/tenants/\(tenantID)/idps/\(idp.id)"
        let fields = object.keys.sorted().filter { $0 != "identity" && $0 != "groups" }.compactMap { key in
            object[key].map { Field(label: key, value: Self.text($0)) }
        }
        let identity = (user.objectValue?["identity"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map {
            Field(label: $0.key, value: Self.text($0.value))
        }
        let groups = (user.objectValue?["groups"]?.arrayValue ?? []).map { group in
            Field(
                label: group.objectValue?["display"]?.stringValue ?? group.objectValue?["displayName"]?.stringValue ?? "",
                value: group.objectValue?["id"]?.stringValue ?? Self.text(group)
            )
        }
        let model = UserModel(
            base: base,
            tabs: IdpTabs.tabs(base: base, current: "Users"),
            name: idp.name,
            userName: user.objectValue?["userName"]?.stringValue ?? id,
            fields: fields,
            identity: identity,
            hasIdentity: !identity.isEmpty,
            groups: groups,
            hasGroups: !groups.isEmpty
        )
        return views.page("idp-user", title: "\(idp.name): user", model: model, tenantNav: .init(tenantID: tenantID, current: "Identity providers"))
    }

    private func target(_ context: ServiceRequestContext) async throws -> (String, IdentityProvider) {
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(try ConsoleRoutes.user(), tenant: tenantID, method: .get)
        let idp = try await peers.directory.identityProvider(tenantID: tenantID, idpID: try context.parameters.require("idp"), logger: context.logger)
        return (tenantID, idp)
    }

    /// The search form's query without its empty fields, read as the application API reads it.
    static func query(_ raw: String?) throws -> ApplicationUserQuery {
        try ApplicationUserQuery(rawQuery: try keptQuery(raw))
    }

    /// A form's query string without its empty fields (an unchosen filter), bounded before it is split.
    static func keptQuery(_ raw: String?) throws -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        guard raw.utf8.count <= maximumQueryLength else { throw ScimError.invalidValue("The search is too long.") }
        return raw.split(separator: "&").prefix(16).filter { !$0.hasSuffix("=") && $0.contains("=") }.joined(separator: "&")
    }

    static func json(_ data: Data) throws -> JSONValue {
        do {
            return try JSONValue.decode(data)
        } catch {
            throw ScimError.internalError("The directory sent an answer that could not be read.")
        }
    }

    /// A scalar as text; an object or array as compact JSON.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .null: ""
        case .bool(let flag): flag ? "true" : "false"
        default: value.encodedString()
        }
    }
}
