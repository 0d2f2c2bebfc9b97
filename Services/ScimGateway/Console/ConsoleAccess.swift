import HTTPTypes
import InternalAPI
import ScimCore
import ServiceClients

/// What a console session may do, decided by the same rule as the admin API (``TenantKeyAccess``): a tenant key's
/// session opens its own tenant only (another tenant is 404, like one that does not exist), a viewer's every write is
/// 403, and operator screens need the root key.
enum ConsoleAccess {
    /// Throws the admin API's refusal for `user` on a screen of `tenant` (nil: an operator screen).
    static func check(_ user: ConsoleUser, tenant: String?, isTenantItself: Bool = false, method: HTTPRequest.Method) throws {
        guard let keyTenant = user.principal.tenantID, let role = user.principal.role else { return }  // the root key
        let decision = TenantKeyAccess.decide(
            role: role,
            keyTenant: keyTenant,
            surface: .admin,
            routeTenant: tenant,
            isTenantItself: isTenantItself,
            method: method
        )
        switch decision {
        case .allow: return
        case .forbidden(let detail): throw ScimError.forbidden(detail)
        case .notFound: throw ScimError.notFound(TenantKeyAccess.tenantNotFound)
        }
    }
}
