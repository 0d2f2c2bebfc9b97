import Foundation
import Hummingbird
import Logging
import Persistence
import ServiceKit

/// The composition root: opens and migrates the store, builds the router. Tests call it too.
func buildApplication(configuration: ServiceConfiguration, logger: Logger, clock: any TokenClock = SystemTokenClock()) async throws
    -> some ApplicationProtocol
{
    let location = try DatabaseLocation(
        databaseURL: configuration.databaseURL, dataDirectory: configuration.dataDirectory, fileName: "token.sqlite")
    let storage = try await location.open(logger: logger)
    try await Migrator(TokenMigrations.all).migrate(storage, logger: logger)
    let store = SQLTokenStore(storage: storage)
    let router = buildRouter(store: store, configuration: configuration, clock: clock)
    return ServiceApplication.makeApplication(
        router: router, configuration: configuration, services: [StorageService(storage: storage)], logger: logger)
}

func buildRouter(store: some TokenStore, configuration: ServiceConfiguration, clock: any TokenClock) -> Router<ServiceRequestContext> {
    let router = ServiceApplication.makeRouter()
    router.addHealthRoutes(service: "token", checks: [ReadinessCheck(name: "store") { _ in await store.isReachable() }])
    let internalAPI = router.group("internal/v1").add(middleware: InternalAuthMiddleware(internalKey: configuration.internalKey))
    TokenController(store: store, clock: clock).register(on: internalAPI)
    return router
}
