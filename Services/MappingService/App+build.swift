import Foundation
import Hummingbird
import IdentityMapping
import Logging
import Persistence
import ServiceClients
import ServiceKit
import ServiceLifecycle

/// The composition root: opens the store, connects to the directory (re-apply jobs and the activity log), builds
/// the router; the store is migrated before the server accepts and before the re-apply runner starts. Tests call it
/// too, with an in-memory directory.
func buildApplication(
    configuration: ServiceConfiguration,
    logger: Logger,
    directory: (any MappingDirectory)? = nil
) async throws -> some ApplicationProtocol {
    let location = try DatabaseLocation(
        databaseURL: configuration.databaseURL,
        dataDirectory: configuration.dataDirectory,
        fileName: "mapping.sqlite"
    )
    let storage = try await location.open(logger: logger, sqliteSynchronous: SQLiteSynchronous(setting: configuration.sqliteSynchronous) ?? .normal)
    let storageService = StorageService(storage: storage, migrations: MappingMigrations.all, logger: logger)
    let store = SQLMappingStore(storage: storage)
    var services: [any Service] = []
    let peer: any MappingDirectory
    if let directory {
        peer = directory
    } else {
        let client = try InternalHTTPClient(
            baseURL: configuration.directoryServiceURL,
            internalKey: configuration.internalKey,
            serviceName: "directory"
        )
        peer = HTTPMappingDirectory(directory: HTTPDirectoryClient(client: client), client: client)
        services.append(ShutdownAction(name: "http-client") { await client.shutdown() })
    }
    // Twice the life of a gateway's cached rules: a gateway replica may have mapped a user with the old rules just
    // before its cache expired, and that write may still be on its way to the directory.
    let runner = ReapplyRunner(store: store, directory: peer, settleDelay: MapperCache.defaultTTL * 2, logger: logger)
    services.append(runner)
    let router = buildRouter(store: store, directory: peer, runner: runner, configuration: configuration)
    return ServiceApplication.makeApplication(
        router: router,
        configuration: configuration,
        startup: .init(services: [storageService], work: storageService.prepare),
        services: services,
        logger: logger
    )
}

/// Readiness depends on the mapping store only: re-apply jobs wait for the directory rather than fail.
func buildRouter<Store: MappingStore>(
    store: Store,
    directory: any MappingDirectory,
    runner: ReapplyRunner<Store>,
    configuration: ServiceConfiguration
) -> Router<ServiceRequestContext> {
    let router = ServiceApplication.makeRouter(refusedValue: StorageErrors.refusedValue, isUnavailable: StorageErrors.isUnavailable)
    router.addHealthRoutes(service: "mapping", checks: [ReadinessCheck(name: "store") { _ in await store.isReachable() }])
    let internalAPI = router.group("internal/v1").add(middleware: InternalAuthMiddleware(internalKey: configuration.internalKey))
    MappingController(store: store).register(on: internalAPI)
    AttributeController(store: store, directory: directory).register(on: internalAPI)
    MappingRulesController(store: store, directory: directory).register(on: internalAPI)
    ReapplyController(store: store, runner: runner, directory: directory).register(on: internalAPI)
    return router
}
