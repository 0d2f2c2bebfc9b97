import Foundation
import Hummingbird
import Logging
import Persistence
import ServiceKit

/// The composition root: opens and migrates the store, builds the router. Tests call it too.
func buildApplication(configuration: ServiceConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
    let location = try DatabaseLocation(
        databaseURL: configuration.databaseURL, dataDirectory: configuration.dataDirectory, fileName: "mapping.sqlite")
    let storage = try await location.open(logger: logger)
    try await Migrator(MappingMigrations.all).migrate(storage, logger: logger)
    let store = SQLMappingStore(storage: storage)
    let router = buildRouter(store: store, configuration: configuration)
    return ServiceApplication.makeApplication(
        router: router, configuration: configuration, services: [StorageService(storage: storage)], logger: logger)
}

func buildRouter(store: some MappingStore, configuration: ServiceConfiguration) -> Router<ServiceRequestContext> {
    let router = ServiceApplication.makeRouter()
    router.addHealthRoutes(service: "mapping", checks: [ReadinessCheck(name: "store") { _ in await store.isReachable() }])
    let internalAPI = router.group("internal/v1").add(middleware: InternalAuthMiddleware(internalKey: configuration.internalKey))
    MappingController(store: store).register(on: internalAPI)
    return router
}
