import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit

/// The IdP page's **Setup guide** tab: the steps an admin follows on the identity provider's side for this IdP's
/// provider type (Microsoft Entra ID, Okta, Duo, or any SCIM 2.0 client), with this IdP's SCIM base URL and the
/// tenant's token endpoint filled in. Read-only; the credentials themselves are created on the SCIM tab.
struct SetupGuideRoutes {
    let peers: GatewayPeers
    let gateway: GatewayConfiguration
    let views: ConsoleViews

    struct Model {
        var base: String
        var tabs: [IdpTabs.Tab]
        var name: String
        var providerType: String
        var scimURL: String
        var tokenURL: String
        var isAzure: Bool
        var isOkta: Bool
        var isDuo: Bool
        var isGeneric: Bool
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/idps/:idp/setup", use: show)
    }

    @Sendable func show(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(try ConsoleRoutes.user(), tenant: tenantID, method: .get)
        let idp = try await peers.directory.identityProvider(tenantID: tenantID, idpID: try context.parameters.require("idp"), logger: context.logger)
        let base = "/console/tenants/\(tenantID)/idps/\(idp.id)"
        let model = Model(
            base: base,
            tabs: IdpTabs.tabs(base: base, current: "Setup guide"),
            name: idp.name,
            providerType: idp.providerType.rawValue,
            scimURL: gateway.scimBaseURL(tenantID: tenantID, idpID: idp.id),
            tokenURL: gateway.tokenURL(tenantID: tenantID),
            isAzure: idp.providerType == .azure,
            isOkta: idp.providerType == .okta,
            isDuo: idp.providerType == .duo,
            isGeneric: idp.providerType == .generic
        )
        return views.page(
            "idp-setup",
            title: "\(idp.name): setup guide",
            model: model,
            tenantNav: .init(tenantID: tenantID, current: "Identity providers")
        )
    }
}
