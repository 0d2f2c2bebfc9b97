import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit

/// The **SCIM** tab's OAuth client (client-credentials grant at the tenant's token endpoint): create, rotate the secret
/// (with a grace period for the previous one), revoke — the token-service calls of ``TokenAdminController``, which
/// also forget the cached verifications of the client's access tokens. Create and rotate answer 200 with the IdP page
/// showing the secret once; revoke redirects (303).
struct OAuthClientRoutes {
    let peers: GatewayPeers
    let gateway: GatewayConfiguration
    let verifier: CachingTokenVerifier
    let views: ConsoleViews

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("tenants/:tenant/idps/:idp/clients", use: create)
        group.post("tenants/:tenant/idps/:idp/clients/:client/rotate", use: rotate)
        group.post("tenants/:tenant/idps/:idp/clients/:client/revoke", use: revoke)
    }

    private var page: IdpPage { IdpPage(peers: peers, gateway: gateway, views: views) }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (_, tenantID, idpID) = try await writer(context)
        let issued = try await peers.tokens.createClient(tenantID: tenantID, idpID: idpID, logger: context.logger)
        let secret = IdpPage.Model.Secret(
            title: "New OAuth client secret",
            value: issued.clientSecret,
            note: "Copy the client id and this secret into the identity provider now: the secret is shown only this once.",
            clientID: issued.clientID
        )
        return try await page.render(tenantID: tenantID, idpID: idpID, secret: secret, logger: context.logger)
    }

    @Sendable func rotate(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, tenantID, idpID) = try await writer(context)
        let graceHours = try ConsoleForm.integer(user.form, "graceHours", label: "Grace period (hours)", range: 0...720)
        let issued = try await peers.tokens.rotateClientSecret(
            tenantID: tenantID,
            idpID: idpID,
            clientID: try context.parameters.require("client"),
            ClientRotateRequest(graceHours: graceHours),
            logger: context.logger
        )
        verifier.invalidate(clientID: issued.clientID)
        let secret = IdpPage.Model.Secret(
            title: "Rotated OAuth client secret",
            value: issued.clientSecret,
            note: "Copy this secret into the identity provider now: it is shown only this once. The previous secret "
                + ((graceHours ?? 0) == 0 ? "no longer works." : "keeps working for \(graceHours ?? 0) hours."),
            clientID: issued.clientID
        )
        return try await page.render(tenantID: tenantID, idpID: idpID, secret: secret, logger: context.logger)
    }

    @Sendable func revoke(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (_, tenantID, idpID) = try await writer(context)
        let clientID = try context.parameters.require("client")
        try await peers.tokens.revokeClient(tenantID: tenantID, idpID: idpID, clientID: clientID, logger: context.logger)
        verifier.invalidate(clientID: clientID)
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/idps/\(idpID)")
    }

    /// The signed-in user, checked for a write on this tenant (a viewer is 403), and the existing IdP.
    private func writer(_ context: ServiceRequestContext) async throws -> (ConsoleUser, String, String) {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .post)
        let idp = try await peers.directory.identityProvider(tenantID: tenantID, idpID: try context.parameters.require("idp"), logger: context.logger)
        return (user, tenantID, idp.id)
    }
}
