import Foundation
import Hummingbird
import Logging
import Persistence
import ServiceClients
import ServiceKit
import ServiceLifecycle

/// The composition root: opens the store, builds the router; the store is migrated before the server accepts and
/// before the expiry watcher starts. Tests call it too, with a clock they move and an activity sink they read.
func buildApplication(
    configuration: ServiceConfiguration,
    settings: TokenSettings = TokenSettings(),
    logger: Logger,
    clock: any TokenClock = SystemTokenClock(),
    activity: (any ActivitySink)? = nil
) async throws -> some ApplicationProtocol {
    let location = try DatabaseLocation(
        databaseURL: configuration.databaseURL,
        dataDirectory: configuration.dataDirectory,
        fileName: "token.sqlite"
    )
    let storage = try await location.open(logger: logger, sqliteSynchronous: SQLiteSynchronous(setting: configuration.sqliteSynchronous) ?? .normal)
    let storageService = StorageService(storage: storage, migrations: TokenMigrations.all, logger: logger)
    let store = SQLTokenStore(storage: storage)
    var services: [any Service] = []
    let sink: any ActivitySink
    if let activity {
        sink = activity
    } else {
        let client = try InternalHTTPClient(
            baseURL: configuration.directoryServiceURL,
            internalKey: configuration.internalKey,
            serviceName: "directory"
        )
        sink = DirectoryActivitySink(client: client)
        services.append(ShutdownAction(name: "http-client") { await client.shutdown() })
    }
    let parts = TokenServiceParts(store: store, clock: clock, settings: settings, activity: sink)
    services.append(ExpiryWatcher(warnings: parts.warnings, interval: settings.expiryCheckInterval, logger: logger))
    let router = buildRouter(parts: parts, configuration: configuration)
    return ServiceApplication.makeApplication(
        router: router,
        configuration: configuration,
        startup: .init(services: [storageService], work: storageService.prepare),
        services: services,
        logger: logger
    )
}

/// The token service's collaborators, built once from the store, the clock and the settings.
struct TokenServiceParts<Store: TokenStore>: Sendable {
    let store: Store
    let clock: any TokenClock
    let settings: TokenSettings
    let activity: any ActivitySink
    let keys: SigningKeyRing<Store>
    let accessTokens: AccessTokens<Store>
    let warnings: ExpiryWarnings<Store>

    init(store: Store, clock: any TokenClock, settings: TokenSettings, activity: any ActivitySink) {
        self.store = store
        self.clock = clock
        self.settings = settings
        self.activity = activity
        keys = SigningKeyRing(store: store, clock: clock, retiredKeyLifetime: TimeInterval(settings.accessTokenLifetime))
        accessTokens = AccessTokens(store: store, keys: keys, clock: clock, lifetime: settings.accessTokenLifetime)
        warnings = ExpiryWarnings(store: store, clock: clock, windowDays: settings.expiryWarningDays, activity: activity)
    }
}

func buildRouter<Store: TokenStore>(parts: TokenServiceParts<Store>, configuration: ServiceConfiguration) -> Router<ServiceRequestContext> {
    let router = ServiceApplication.makeRouter(refusedValue: StorageErrors.refusedValue, isUnavailable: StorageErrors.isUnavailable)
    router.addHealthRoutes(service: "token", checks: [ReadinessCheck(name: "store") { _ in await parts.store.isReachable() }])
    let internalAPI = router.group("internal/v1").add(middleware: InternalAuthMiddleware(internalKey: configuration.internalKey))
    TokenController(
        store: parts.store,
        clock: parts.clock,
        settings: parts.settings,
        warnings: parts.warnings,
        accessTokens: parts.accessTokens,
        activity: parts.activity
    ).register(on: internalAPI)
    ClientController(store: parts.store, clock: parts.clock, accessTokens: parts.accessTokens, activity: parts.activity).register(on: internalAPI)
    SigningKeyController(keys: parts.keys).register(on: internalAPI)
    ApiKeyController(store: parts.store, clock: parts.clock, settings: parts.settings, activity: parts.activity).register(on: internalAPI)
    ConsoleSessionController(store: parts.store, clock: parts.clock).register(on: internalAPI)
    return router
}
