import ScimCore

/// One call of the application API's read API (`GET /api/v1/tenants/{tenant}/…`) as the gateway passes it to the
/// directory, which answers with the final JSON: `GET /internal/v1/tenants/{tenant}/app/` + ``relativePath``.
package enum ApplicationRead: Sendable, Hashable {
    case users(ApplicationUserQuery)
    case user(id: String)
    case groups(ApplicationGroupQuery)
    case group(id: String)
    case members(groupID: String, ApplicationMemberQuery)
    case identityProviders

    /// The longest resource id a path may name; a longer one cannot exist (404).
    package static let maximumIDLength = 512

    /// The path below `/internal/v1/tenants/{tenant}/app/`, with its query.
    package var relativePath: String {
        switch self {
        case .users(let query): Self.withQuery("users", query.rawQuery)
        case .user(let id): "users/" + PercentEncoding.encode(id)
        case .groups(let query): Self.withQuery("groups", query.rawQuery)
        case .group(let id): "groups/" + PercentEncoding.encode(id)
        case .members(let groupID, let query): Self.withQuery("groups/" + PercentEncoding.encode(groupID) + "/members", query.rawQuery)
        case .identityProviders: "idps"
        }
    }

    /// The whole internal path for `tenantID`.
    package func internalPath(tenantID: String) -> String {
        "/internal/v1/tenants/" + PercentEncoding.encode(tenantID) + "/app/" + relativePath
    }

    private static func withQuery(_ path: String, _ query: String) -> String {
        query.isEmpty ? path : path + "?" + query
    }
}
