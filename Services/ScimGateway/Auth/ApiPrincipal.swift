import InternalAPI

/// Who an `/admin/v1` or `/api/v1` request acts for, as ``TenantKeyAuthMiddleware`` authenticated it: the root admin key
/// (an operator, every tenant) or one tenant's API key with its role.
///
/// The routes keep Hummingbird's `ServiceRequestContext`, so the principal travels as a task-local value: a handler
/// reads ``current`` (set for the whole handling of the request, nil outside an authenticated route). A handler need not
/// check the tenant: the middleware has already refused a key of another tenant.
struct ApiPrincipal: Sendable, Hashable {
    enum Authority: Sendable, Hashable {
        case root
        case tenantKey(tenantID: String, keyID: String, role: ApiKeyRole)
    }

    var authority: Authority

    @TaskLocal static var current: ApiPrincipal?

    /// `admin` for the root key, `apikey:<id>` for a tenant key: what logs and audit entries name.
    var actor: String {
        switch authority {
        case .root: "admin"
        case .tenantKey(_, let keyID, _): "apikey:\(keyID)"
        }
    }

    /// The one tenant a tenant key opens; nil for the root key, which opens every tenant.
    var tenantID: String? {
        if case .tenantKey(let tenantID, _, _) = authority { return tenantID }
        return nil
    }

    /// The tenant key's role; nil for the root key, which may do everything.
    var role: ApiKeyRole? {
        if case .tenantKey(_, _, let role) = authority { return role }
        return nil
    }
}
