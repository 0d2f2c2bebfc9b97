import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit

/// The IdP page and what its **SCIM** tab changes: the IdP's settings (provider type, groups editable) and its bearer
/// tokens (create, recreate with a grace period, change validity, revoke), through the same token-service calls as the
/// admin API's ``TokenAdminController``, which also forget a changed token's cached verification. Create and recreate
/// answer 200 with the page showing the new token once; every other change redirects (303) back to the page.
struct BearerTokenRoutes {
    let peers: GatewayPeers
    let gateway: GatewayConfiguration
    let verifier: CachingTokenVerifier
    let views: ConsoleViews

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/idps/:idp", use: show)
        group.post("tenants/:tenant/idps/:idp/settings", use: settings)
        group.post("tenants/:tenant/idps/:idp/delete", use: delete)
        group.post("tenants/:tenant/idps/:idp/tokens", use: create)
        group.post("tenants/:tenant/idps/:idp/tokens/:token/recreate", use: recreate)
        group.post("tenants/:tenant/idps/:idp/tokens/:token/validity", use: validity)
        group.post("tenants/:tenant/idps/:idp/tokens/:token/revoke", use: revoke)
    }

    private var page: IdpPage { IdpPage(peers: peers, gateway: gateway, views: views) }

    @Sendable func show(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await page.render(
            tenantID: try context.parameters.require("tenant"),
            idpID: try context.parameters.require("idp"),
            logger: context.logger
        )
    }

    /// Provider type and "Allow group name and description to be editable".
    @Sendable func settings(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, tenantID, idpID) = try writer(context)
        let body = IdentityProviderUpdateRequest(
            providerType: try ConsoleRoutes.providerType(user.form),
            groupsEditable: user.form["groupsEditable"] == "on"
        )
        _ = try await peers.updateIdentityProvider(tenantID: tenantID, idpID: idpID, body, logger: context.logger)
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/idps/\(idpID)")
    }

    /// Deletes the IdP with its users and groups, tokens and mappings (as the admin API does).
    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (_, tenantID, idpID) = try writer(context)
        try await peers.deleteIdentityProvider(tenantID: tenantID, idpID: idpID, logger: context.logger)
        return ConsoleViews.redirect("/console/tenants/\(tenantID)")
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, tenantID, idpID) = try writer(context)
        _ = try await peers.directory.identityProvider(tenantID: tenantID, idpID: idpID, logger: context.logger)
        let issued = try await peers.tokens.createToken(tenantID: tenantID, idpID: idpID, try validity(user.form), logger: context.logger)
        let secret = IdpPage.Model.Secret(
            title: "New bearer token",
            value: issued.token,
            note: "Copy it into the identity provider now: it is shown only this once.",
            clientID: nil
        )
        return try await page.render(tenantID: tenantID, idpID: idpID, secret: secret, logger: context.logger)
    }

    @Sendable func recreate(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, tenantID, idpID) = try writer(context)
        let tokenID = try context.parameters.require("token")
        _ = try await peers.directory.identityProvider(tenantID: tenantID, idpID: idpID, logger: context.logger)
        let validity = try validity(user.form)
        let body = TokenRecreateRequest(
            graceHours: try ConsoleForm.integer(user.form, "graceHours", label: "Grace period (hours)", range: 0...720),
            validDays: validity.validDays,
            noExpiry: validity.noExpiry
        )
        let recreated = try await peers.tokens.recreateToken(tenantID: tenantID, idpID: idpID, tokenID: tokenID, body, logger: context.logger)
        if (body.graceHours ?? 0) == 0 { verifier.invalidate(tokenID: tokenID) }
        let secret = IdpPage.Model.Secret(
            title: "Recreated bearer token",
            value: recreated.token,
            note: "Copy it into the identity provider now: it is shown only this once. The old token \(recreated.replaced.prefix)… "
                + ((body.graceHours ?? 0) == 0 ? "no longer works." : "keeps working for \(body.graceHours ?? 0) hours."),
            clientID: nil
        )
        return try await page.render(tenantID: tenantID, idpID: idpID, secret: secret, logger: context.logger)
    }

    @Sendable func validity(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, tenantID, idpID) = try writer(context)
        let tokenID = try context.parameters.require("token")
        _ = try await peers.directory.identityProvider(tenantID: tenantID, idpID: idpID, logger: context.logger)
        _ = try await peers.tokens.setTokenValidity(
            tenantID: tenantID,
            idpID: idpID,
            tokenID: tokenID,
            try validity(user.form),
            logger: context.logger
        )
        verifier.invalidate(tokenID: tokenID)
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/idps/\(idpID)")
    }

    @Sendable func revoke(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (_, tenantID, idpID) = try writer(context)
        let tokenID = try context.parameters.require("token")
        _ = try await peers.directory.identityProvider(tenantID: tenantID, idpID: idpID, logger: context.logger)
        try await peers.tokens.revokeToken(tenantID: tenantID, idpID: idpID, tokenID: tokenID, logger: context.logger)
        verifier.invalidate(tokenID: tokenID)
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/idps/\(idpID)")
    }

    /// The signed-in user, checked for a write on this tenant (a viewer is 403), with the route's tenant and IdP.
    private func writer(_ context: ServiceRequestContext) throws -> (ConsoleUser, String, String) {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .post)
        return (user, tenantID, try context.parameters.require("idp"))
    }

    /// `validDays` (1–3650) or the `noExpiry` box; neither: the token service's default validity.
    private func validity(_ form: [String: String]) throws -> TokenCreateRequest {
        if form["noExpiry"] == "on" { return TokenCreateRequest(noExpiry: true) }
        return TokenCreateRequest(validDays: try ConsoleForm.integer(form, "validDays", label: "Validity (days)", range: 1...3650))
    }
}
