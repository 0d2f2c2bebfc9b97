import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// A tenant's **API keys**, `/console/tenants/{tenant}/api-keys`: list (metadata only), create (the key is shown once,
/// in the answer to the POST), revoke — with the admin API's validation (``ApiKeyCreateRequest/validated()``) and, as
/// ``ApiKeyAdminController`` does, the revoked key's cached verification forgotten at once on this replica.
struct ApiKeyRoutes {
    let peers: GatewayPeers
    let keys: CachingApiKeyVerifier
    let views: ConsoleViews

    struct Model {
        struct Row {
            var id: String
            var name: String
            var role: String
            var prefix: String
            var created: String
            var lastUsed: String
            var csrf: String
            var canWrite: Bool
            var base: String
        }
        struct Option {
            var value: String
            var selected: Bool
        }
        struct Secret {
            var value: String
            var name: String
            var role: String
        }
        var base: String
        var rows: [Row]
        var hasRows: Bool
        var roles: [Option]
        var canWrite: Bool
        var csrf: String
        var secret: Secret?
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/api-keys", use: list)
        group.post("tenants/:tenant/api-keys", use: create)
        group.post("tenants/:tenant/api-keys/:key/revoke", use: revoke)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(try ConsoleRoutes.user(), tenant: tenantID, method: .get)
        return try await render(tenantID: tenantID, secret: nil, context: context)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, tenantID) = try await writer(context)
        let body = ApiKeyCreateRequest(name: user.form["name"], role: user.form["role"])
        _ = try body.validated()  // a clear 400 before the hop; the token service checks again
        let issued = try await peers.tokens.createApiKey(tenantID: tenantID, body, logger: context.logger)
        context.logger.info("API key created", metadata: ["apikey.id": "\(issued.metadata.id)", "apikey.prefix": "\(issued.metadata.prefix)"])
        let secret = Model.Secret(value: issued.key, name: issued.metadata.name, role: issued.metadata.role.rawValue)
        return try await render(tenantID: tenantID, secret: secret, context: context)
    }

    @Sendable func revoke(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (_, tenantID) = try await writer(context)
        let keyID = try context.parameters.require("key")
        try await peers.tokens.revokeApiKey(tenantID: tenantID, keyID: keyID, logger: context.logger)
        keys.invalidate(keyID: keyID)
        context.logger.info("API key revoked", metadata: ["apikey.id": "\(keyID)"])
        return ConsoleViews.redirect("/console/tenants/\(tenantID)/api-keys")
    }

    private func render(tenantID: String, secret: Model.Secret?, context: ServiceRequestContext) async throws -> Response {
        let user = try ConsoleRoutes.user()
        _ = try await peers.directory.tenant(tenantID, logger: context.logger)
        let base = "/console/tenants/\(tenantID)/api-keys"
        let rows = try await peers.tokens.listApiKeys(tenantID: tenantID, logger: context.logger).map { key in
            Model.Row(
                id: key.id,
                name: key.name,
                role: key.role.rawValue,
                prefix: key.prefix,
                created: ConsoleFormat.date(key.createdAt),
                lastUsed: ConsoleFormat.date(key.lastUsedAt, none: "never"),
                csrf: user.csrfToken,
                canWrite: user.canWrite,
                base: base
            )
        }
        let model = Model(
            base: base,
            rows: rows,
            hasRows: !rows.isEmpty,
            roles: ApiKeyRole.allCases.map { .init(value: $0.rawValue, selected: $0 == .viewer) },
            canWrite: user.canWrite,
            csrf: user.csrfToken,
            secret: secret
        )
        return views.page("api-keys", title: "API keys", model: model, tenantNav: .init(tenantID: tenantID, current: "API keys"))
    }

    private func writer(_ context: ServiceRequestContext) async throws -> (ConsoleUser, String) {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .post)
        return (user, try await peers.directory.tenant(tenantID, logger: context.logger).id)
    }
}
