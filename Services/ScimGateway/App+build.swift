import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit
import ServiceLifecycle

/// The peers the gateway calls. Tests substitute in-memory fakes for the token and mapping services and run the
/// real directory in process.
struct GatewayPeers: Sendable {
    var tokens: any TokenClient
    var directory: any DirectoryClient
    var mapping: any MappingClient
    /// Not a peer: users are mapped in this process, with the rules `mapping` serves.
    var identityMapper: IdentityMapper
    var readiness: [ReadinessCheck]
}

/// The composition root: HTTP clients to the three internal services, then the router.
func buildApplication(
    configuration: ServiceConfiguration,
    gateway: GatewayConfiguration,
    logger: Logger
) async throws
    -> some ApplicationProtocol
{
    func client(_ url: String, _ name: String) throws -> InternalHTTPClient {
        try InternalHTTPClient(baseURL: url, internalKey: configuration.internalKey, serviceName: name)
    }
    let token = try client(configuration.tokenServiceURL, "token")
    let directory = try client(configuration.directoryServiceURL, "directory")
    let mapping = try client(configuration.mappingServiceURL, "mapping")
    _ = try OpenAPIDocuments.bundled.get()  // a build without its API documents stops here
    _ = try ConsoleViews.bundled.get()  // and one without the console's templates and assets
    let mappingClient = HTTPMappingClient(client: mapping)
    let peers = GatewayPeers(
        tokens: HTTPTokenClient(client: token),
        directory: HTTPDirectoryClient(client: directory),
        mapping: mappingClient,
        identityMapper: IdentityMapper(mapping: mappingClient),
        readiness: [
            ReadinessCheck(name: "token") { await token.isAlive(logger: $0) },
            ReadinessCheck(name: "directory") { await directory.isAlive(logger: $0) },
            ReadinessCheck(name: "mapping") { await mapping.isAlive(logger: $0) },
        ]
    )
    var services: [any Service] = [
        ShutdownAction(name: "http-clients") {
            for peer in [token, directory, mapping] { await peer.shutdown() }
        }
    ]
    if let metricsPort = gateway.metricsPort {
        services.append(ServiceApplication.makeMetricsListener(host: configuration.host, port: metricsPort, logger: logger))
    }
    return buildApplication(
        configuration: configuration,
        gateway: gateway,
        peers: peers,
        services: services,
        logger: logger
    )
}

/// The application on the given peers, with the same middleware and server as production: the production overload
/// above passes its HTTP clients, tests pass fakes (and a clock for the failed-authentication limiter, and a
/// provisioning log that records what it would send). The provisioning log's shipper runs after `services`, so it
/// stops first and sends what is buffered while the directory's client is still open.
func buildApplication(
    configuration: ServiceConfiguration,
    gateway: GatewayConfiguration,
    peers: GatewayPeers,
    services: [any Service] = [],
    authFailureClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
    provisioningLog: ProvisioningLogShipper? = nil,
    logger: Logger
) -> some ApplicationProtocol {
    let provisioningLog =
        provisioningLog
        ?? ProvisioningLogShipper(directory: peers.directory, keepsSuccessBodies: gateway.provisioningLogSuccessBodies, logger: logger)
    return ServiceApplication.makeApplication(
        router: buildRouter(peers: peers, gateway: gateway, provisioningLog: provisioningLog, authFailureClock: authFailureClock),
        configuration: configuration,
        services: services + [provisioningLog],
        logger: logger
    )
}

/// `authFailureClock` is the failed-authentication limiter's time (tests pass a clock they move by hand).
func buildRouter(
    peers: GatewayPeers,
    gateway: GatewayConfiguration,
    provisioningLog: ProvisioningLogShipper,
    authFailureClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
) -> Router<ServiceRequestContext> {
    let router = ServiceApplication.makeRouter(requestLogLevel: .info)
    router.addHealthRoutes(service: "gateway", checks: peers.readiness, metrics: false)

    let verifier = CachingTokenVerifier(tokens: peers.tokens, ttl: gateway.tokenCacheTTL)
    let limiter = AuthFailureLimiter(limit: gateway.authFailureLimit, window: gateway.authFailureWindow, clock: authFailureClock)
    // The public port's /metrics: the root key only (METRICS_PORT serves it without one, off the public port).
    router.group().add(middleware: MetricsAuthMiddleware(adminKey: gateway.adminKey, limiter: limiter)).addMetricsRoute()
    // The root admin key, or a tenant API key within its role and tenant (README "Tenant API keys").
    let keys = CachingApiKeyVerifier(tokens: peers.tokens, ttl: gateway.tokenCacheTTL)
    func keyAuth(_ surface: ApiSurface) -> TenantKeyAuthMiddleware {
        TenantKeyAuthMiddleware(surface: surface, adminKey: gateway.adminKey, verifier: keys, limiter: limiter)
    }
    let admin = router.group("admin/v1").add(middleware: keyAuth(.admin))
    AdminController(peers: peers, gateway: gateway).register(on: admin)
    let schemas = TenantSchemas(mapping: peers.mapping)
    MappingAdminController(peers: peers, schemas: schemas).register(on: admin)
    TokenAdminController(peers: peers, gateway: gateway, verifier: verifier).register(on: admin)
    ApiKeyAdminController(peers: peers, verifier: keys).register(on: admin)
    // The admin console (README "Admin console"): server-rendered pages over the same peers as the admin API.
    if case .success(let views) = ConsoleViews.bundled {
        ConsoleRoutes.register(
            on: router,
            .init(peers: peers, gateway: gateway, keys: keys, tokenVerifier: verifier, limiter: limiter, views: views, schemas: schemas)
        )
    }
    OAuthController(tokens: peers.tokens, limiter: limiter).register(on: router.group("oauth/v2/:tenant"))
    // The published contract of both APIs (README "API contract (OpenAPI)"): any valid key reads it.
    OpenAPIController(documents: OpenAPIDocuments.bundled).register(on: router.group().add(middleware: keyAuth(.contract)))

    // The application API (README "Application API"): the directory as an application reads and follows it.
    // Handlers read who calls from ApiPrincipal.current (an app or admin key of this tenant, or the root key).
    let application = router.group("api/v1/tenants/:tenant").add(middleware: keyAuth(.application))
    EventFeedController(directory: peers.directory).register(on: application)
    GroupEditRelayController(directory: peers.directory).register(on: application)
    WebhookRelayController(directory: peers.directory).register(on: application)
    DirectoryReadController(directory: peers.directory).register(on: application)

    // Authenticated in a context of its own, then served in one whose principal cannot be absent (ScimRequestContext).
    // The provisioning log sees every SCIM request, those that fail to authenticate included.
    let scim = router.group("scim/v2/:tenant/:idp", context: ScimAuthenticationContext.self)
        .add(middleware: ProvisioningLogMiddleware(log: provisioningLog))
        .add(middleware: ScimAuthMiddleware(verifier: verifier, limiter: limiter))
        .group(context: ScimRequestContext.self)
    let resources = ScimResources(peers: peers, schemas: schemas, capabilities: GatewayConfiguration.capabilities)
    let http = ScimHTTP(gateway: gateway)
    for kind in ScimResourceType.allCases {
        ResourceController(kind: kind, resources: resources, http: http).register(on: scim.group(RouterPath(kind.endpoint)))
    }
    RootSearchController(resources: resources, http: http).register(on: scim)
    BulkController(resources: resources, http: http).register(on: scim)
    DiscoveryController(gateway: gateway, schemas: schemas, capabilities: GatewayConfiguration.capabilities).register(on: scim)
    return router
}
