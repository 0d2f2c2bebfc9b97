import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// The admin console under `/console` (README "Admin console"): assets and sign-in are public, every other page needs a
/// session (``ConsoleSessionMiddleware``), and every answer carries the security headers (``ConsoleHeadersMiddleware``).
/// Each screen's routes live in their own file and call the same peers as the admin API.
enum ConsoleRoutes {
    struct Dependencies {
        var peers: GatewayPeers
        var gateway: GatewayConfiguration
        var keys: CachingApiKeyVerifier
        var tokenVerifier: CachingTokenVerifier
        var limiter: AuthFailureLimiter
        var views: ConsoleViews
        /// This replica's `/Schemas` cache, forgotten after a change to identity attributes (as the admin API does).
        var schemas: TenantSchemas
    }

    static func register(on router: Router<ServiceRequestContext>, _ dependencies: Dependencies) {
        let views = dependencies.views
        let console = router.group("console").add(middleware: ConsoleHeadersMiddleware(views: views))
        console.get("assets/:name") { request, context in
            let name = try context.parameters.require("name")
            guard let response = views.assets.response(name: name, ifNoneMatch: request.headers[.ifNoneMatch]) else {
                throw ScimError.notFound("No such console asset.")
            }
            return response
        }
        let signedIn = console.group().add(
            middleware: ConsoleSessionMiddleware(tokens: dependencies.peers.tokens, gateway: dependencies.gateway)
        )
        LoginRoutes(
            tokens: dependencies.peers.tokens,
            gateway: dependencies.gateway,
            keys: dependencies.keys,
            limiter: dependencies.limiter,
            views: views
        ).register(public: console, signedIn: signedIn)
        TenantRoutes(peers: dependencies.peers, views: views).register(on: signedIn)
        IdentityProviderRoutes(peers: dependencies.peers, gateway: dependencies.gateway, views: views).register(on: signedIn)
        BearerTokenRoutes(peers: dependencies.peers, gateway: dependencies.gateway, verifier: dependencies.tokenVerifier, views: views)
            .register(on: signedIn)
        OAuthClientRoutes(peers: dependencies.peers, gateway: dependencies.gateway, verifier: dependencies.tokenVerifier, views: views)
            .register(on: signedIn)
        SetupGuideRoutes(peers: dependencies.peers, gateway: dependencies.gateway, views: views).register(on: signedIn)
        ProvisioningLogRoutes(peers: dependencies.peers, views: views).register(on: signedIn)
        UserRoutes(peers: dependencies.peers, views: views).register(on: signedIn)
        GroupRoutes(peers: dependencies.peers, views: views).register(on: signedIn)
        IdentityAttributeRoutes(peers: dependencies.peers, schemas: dependencies.schemas, views: views).register(on: signedIn)
        UserMappingRoutes(peers: dependencies.peers, schemas: dependencies.schemas, views: views).register(on: signedIn)
        WebhookRoutes(peers: dependencies.peers, views: views).register(on: signedIn)
        ApiKeyRoutes(peers: dependencies.peers, keys: dependencies.keys, views: views).register(on: signedIn)
        ActivityRoutes(peers: dependencies.peers, views: views).register(on: signedIn)
    }

    /// The signed-in user of this request (set by ``ConsoleSessionMiddleware``).
    static func user() throws -> ConsoleUser {
        guard let user = ConsoleUser.current else { throw ScimError.unauthorized("Sign in to the console.") }
        return user
    }
}
