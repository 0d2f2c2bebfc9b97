import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// The IdP page, `/console/tenants/{tenant}/idps/{idp}`: its SCIM base URL (with a copy button) and the **SCIM** tab —
/// provider type, bearer tokens with the expiry warning, and the groups-editable setting. The answer to a POST that
/// created a token renders this page with the secret in a dialog: the only place the secret is ever shown.
struct IdpPage {
    let peers: GatewayPeers
    let gateway: GatewayConfiguration
    let views: ConsoleViews

    struct Model {
        struct Option {
            var value: String
            var selected: Bool
        }
        struct TokenRow {
            var id: String
            var prefix: String
            var created: String
            var expires: String
            var lastUsed: String
            var retiring: String?
            var csrf: String
            var canWrite: Bool
            var base: String
        }
        struct ClientRow {
            var clientID: String
            var created: String
            var rotated: String
            var lastUsed: String
            var previousValidUntil: String?
            var csrf: String
            var canWrite: Bool
            var base: String
        }
        struct Secret {
            var title: String
            var value: String
            var note: String
            /// An OAuth client's id, shown with its secret.
            var clientID: String?
        }
        var tenantID: String
        var idpID: String
        var name: String
        var description: String
        var providerType: String
        var providerTypes: [Option]
        var groupsEditable: Bool
        var scimURL: String
        var tokens: [TokenRow]
        var hasTokens: Bool
        var maxActive: Int
        var expiryWarning: String?
        var clients: [ClientRow]
        var hasClients: Bool
        var tokenURL: String
        var canWrite: Bool
        var csrf: String
        var base: String
        var tabs: [IdpTabs.Tab]
        var secret: Secret?
    }

    func render(tenantID: String, idpID: String, secret: Model.Secret? = nil, logger: Logger) async throws -> Response {
        let user = try ConsoleRoutes.user()
        try ConsoleAccess.check(user, tenant: tenantID, method: .get)
        let idp = try await peers.directory.identityProvider(tenantID: tenantID, idpID: idpID, logger: logger)
        async let clientList = peers.tokens.listClients(tenantID: tenantID, idpID: idpID, logger: logger)
        let list = try await peers.tokens.listTokens(tenantID: tenantID, idpID: idpID, logger: logger)
        let base = "/console/tenants/\(tenantID)/idps/\(idpID)"
        let now = Date()
        // Revoked tokens are history (the activity log keeps it); a token retiring after a recreate still shows.
        let tokens = list.tokens.filter { $0.revokedAt.map { $0 > now } ?? true }.map { token in
            Model.TokenRow(
                id: token.id,
                prefix: token.prefix,
                created: ConsoleFormat.date(token.createdAt),
                expires: ConsoleFormat.date(token.expiresAt, none: "never"),
                lastUsed: ConsoleFormat.date(token.lastUsedAt, none: "never"),
                retiring: token.revokedAt.flatMap { $0 > now ? ConsoleFormat.date($0) : nil },
                csrf: user.csrfToken,
                canWrite: user.canWrite,
                base: base
            )
        }
        let clients = try await clientList.filter { $0.revokedAt == nil }.map { client in
            Model.ClientRow(
                clientID: client.clientID,
                created: ConsoleFormat.date(client.createdAt),
                rotated: ConsoleFormat.date(client.secretRotatedAt, none: "never"),
                lastUsed: ConsoleFormat.date(client.lastUsedAt, none: "never"),
                previousValidUntil: client.previousSecretValidUntil.flatMap { $0 > now ? ConsoleFormat.date($0) : nil },
                csrf: user.csrfToken,
                canWrite: user.canWrite,
                base: base
            )
        }
        let model = Model(
            tenantID: tenantID,
            idpID: idp.id,
            name: idp.name,
            description: idp.description,
            providerType: idp.providerType.rawValue,
            providerTypes: ProviderType.allCases.map { .init(value: $0.rawValue, selected: $0 == idp.providerType) },
            groupsEditable: idp.groupsEditable,
            scimURL: gateway.scimBaseURL(tenantID: tenantID, idpID: idp.id),
            tokens: tokens,
            hasTokens: !tokens.isEmpty,
            maxActive: list.maxActive,
            expiryWarning: list.expiryWarning?.detail,
            clients: clients,
            hasClients: !clients.isEmpty,
            tokenURL: gateway.tokenURL(tenantID: tenantID),
            canWrite: user.canWrite,
            csrf: user.csrfToken,
            base: base,
            tabs: IdpTabs.tabs(base: base, current: "SCIM"),
            secret: secret
        )
        return views.page(
            "idp",
            title: idp.name,
            model: model,
            tenantNav: ConsoleViews.TenantNav(tenantID: tenantID, current: "Identity providers")
        )
    }
}

/// The IdP page's tabs: those built so far link, the others say "not yet".
enum IdpTabs {
    struct Tab {
        var label: String
        var href: String?
        var current: Bool
    }

    static func tabs(base: String, current: String) -> [Tab] {
        let all: [(String, String?)] = [
            ("SCIM", base), ("Setup guide", "\(base)/setup"), ("User mapping", "\(base)/mapping"), ("Users", "\(base)/users"),
            ("Groups", "\(base)/groups"),
            ("Provisioning log", "\(base)/log"),
        ]
        return all.map { Tab(label: $0.0, href: $0.1, current: $0.0 == current) }
    }
}
