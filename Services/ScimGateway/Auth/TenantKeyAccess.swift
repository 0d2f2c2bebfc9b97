import HTTPTypes
import InternalAPI

/// Which public API a request is for: the admin API (`/admin/v1`), the application API (`/api/v1/tenants/{tenant}`),
/// or the published contract of either (`/admin/v1/openapi.json`, `/api/v1/openapi.json`).
enum ApiSurface: Sendable {
    case admin, application, contract
}

/// What a tenant API key may do with one request (README "Tenant API keys"), from its role and tenant, the API, the
/// route's tenant and the method. Pure: ``TenantKeyAuthMiddleware`` applies it.
///
/// - `admin`: everything under `/admin/v1/tenants/{its tenant}/…`, and reading the tenant itself.
/// - `viewer`: the same, read-only (`GET`/`HEAD`).
/// - `app`: `/api/v1/tenants/{its tenant}/…`; `admin` opens it too, `viewer` does not.
/// - `contract`: the OpenAPI documents, readable with a key of any role (they name no tenant's data).
/// - Another tenant's routes answer 404, the same as a tenant that does not exist (a key cannot tell them apart).
/// - Operator routes (creating or listing tenants, changing or deleting a tenant, signing keys) need the root key.
enum TenantKeyAccess {
    enum Decision: Sendable, Equatable {
        case allow
        case forbidden(String)
        case notFound
    }

    /// - Parameters:
    ///   - routeTenant: the `{tenant}` of the route; nil for a route outside `tenants/{tenant}` (an operator route).
    ///   - isTenantItself: the route is `/admin/v1/tenants/{tenant}` itself, not a resource under it.
    static func decide(
        role: ApiKeyRole,
        keyTenant: String,
        surface: ApiSurface,
        routeTenant: String?,
        isTenantItself: Bool,
        method: HTTPRequest.Method
    ) -> Decision {
        let reads = method == .get || method == .head
        switch surface {
        case .admin:
            guard role != .app else { return .forbidden("An app key opens only the application API (/api/v1/tenants/{tenant}/…).") }
            guard let routeTenant else {
                return .forbidden("This route is the operator's (all tenants, signing keys): it needs the root admin key.")
            }
            guard routeTenant == keyTenant else { return .notFound }
            if isTenantItself, !reads { return .forbidden("Changing or deleting the tenant itself needs the root admin key.") }
            if role == .viewer, !reads { return .forbidden("A viewer key is read-only.") }
            return .allow
        case .application:
            guard role != .viewer else { return .forbidden("A viewer key opens only the admin API, read-only; use an app or admin key.") }
            guard routeTenant == keyTenant else { return .notFound }
            return .allow
        case .contract:
            return .allow
        }
    }

    /// What every refused tenant answers: the same for another tenant and for one that does not exist.
    static let tenantNotFound = "Tenant not found."
}
