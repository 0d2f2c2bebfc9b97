import HTTPTypes
import InternalAPI
import Testing

@testable import ScimGateway

/// The role rules on their own (``TenantKeyAccess``): every role, API, method class and route kind. The router tests
/// check the same rules through the gateway's real routes.
@Suite("Tenant API keys: what each role may do")
struct TenantKeyAccessTests {
    enum Route: Sendable, CaseIterable {
        /// `/admin/v1/tenants`, `/admin/v1/signing-keys`
        case operatorRoute
        /// `/admin/v1/tenants/{tenant}`
        case tenantItself
        /// `/admin/v1/tenants/{tenant}/…`, `/api/v1/tenants/{tenant}/…`
        case underTenant
    }

    /// The rules as the README's table states them, written out independently of the implementation.
    static func expected(_ role: ApiKeyRole, _ surface: ApiSurface, _ route: Route, ownTenant: Bool, reads: Bool) -> String {
        switch (surface, role) {
        case (.contract, _): return "allow"
        case (.admin, .app), (.application, .viewer): return "403"
        case (.application, _): return ownTenant ? "allow" : "404"
        case (.admin, _):
            if route == .operatorRoute { return "403" }
            if !ownTenant { return "404" }
            if !reads && (route == .tenantItself || role == .viewer) { return "403" }
            return "allow"
        }
    }

    @Test(arguments: ApiKeyRole.allCases, [ApiSurface.admin, .application, .contract])
    func everyCombinationFollowsTheTable(role: ApiKeyRole, surface: ApiSurface) {
        let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete]
        for route in Route.allCases
        where surface == .admin || (surface == .application && route == .underTenant) || (surface == .contract && route == .operatorRoute) {
            for ownTenant in [true, false] {
                for method in methods {
                    let decision = TenantKeyAccess.decide(
                        role: role,
                        keyTenant: "acme",
                        surface: surface,
                        routeTenant: route == .operatorRoute ? nil : (ownTenant ? "acme" : "globex"),
                        isTenantItself: route == .tenantItself,
                        method: method
                    )
                    let outcome: String
                    switch decision {
                    case .allow: outcome = "allow"
                    case .forbidden(let detail):
                        outcome = "403"
                        #expect(!detail.isEmpty)
                    case .notFound: outcome = "404"
                    }
                    let reads = method == .get || method == .head
                    #expect(
                        outcome == Self.expected(role, surface, route, ownTenant: ownTenant, reads: reads),
                        "\(role) \(surface) \(route) own=\(ownTenant) \(method)"
                    )
                }
            }
        }
    }
}
