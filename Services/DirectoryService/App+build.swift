import Foundation
import Hummingbird
import Logging
import Persistence
import ScimCore
import ServiceKit

/// The composition root: opens the store, builds the router; the store is migrated before the server accepts.
/// Tests call it too.
/// `webhooks`: the webhook settings (README "Webhooks"); nil is the defaults with the key derived from the internal key.
func buildApplication(
    configuration: ServiceConfiguration,
    events: EventSettings = EventSettings(),
    webhooks: WebhookSettings? = nil,
    provisioningLog: ProvisioningLogSettings = ProvisioningLogSettings(),
    logger: Logger
) async throws
    -> some ApplicationProtocol
{
    let location = try DatabaseLocation(
        databaseURL: configuration.databaseURL,
        dataDirectory: configuration.dataDirectory,
        fileName: "directory.sqlite"
    )
    let storage = try await location.open(logger: logger, sqliteSynchronous: SQLiteSynchronous(setting: configuration.sqliteSynchronous) ?? .normal)
    let storageService = StorageService(storage: storage, migrations: DirectoryMigrations.all, logger: logger)
    let store = SQLDirectoryStore(storage: storage)
    let webhookStore = WebhookStore(storage: storage, settings: webhooks ?? WebhookSettings(configuration: configuration))
    let writes = WriteActivity()
    let router = buildRouter(store: store, engine: storage.engine, configuration: configuration, writeActivity: writes)
    WebhookController(store: webhookStore, addresses: WebhookAddressCheck(allowPrivateNetworks: webhookStore.settings.allowPrivateNetworks))
        .register(on: router.group("internal/v1").add(middleware: InternalAuthMiddleware(internalKey: configuration.internalKey)))
    // Not counted as writes: a batch of log entries yields no change events for the webhook worker to give way to.
    let provisioningLogStore = ProvisioningLogStore(storage: storage)
    ProvisioningLogController(store: provisioningLogStore)
        .register(on: router.group("internal/v1").add(middleware: InternalAuthMiddleware(internalKey: configuration.internalKey)))
    return ServiceApplication.makeApplication(
        router: router,
        configuration: configuration,
        startup: .init(services: [storageService], work: storageService.prepare),
        services: [
            ChangeEventPruner(store: store, settings: events, logger: logger),
            ProvisioningLogPruner(store: provisioningLogStore, settings: provisioningLog, logger: logger),
            WebhookDeliveryService(store: webhookStore, activity: writes, logger: logger),
        ],
        logger: logger
    )
}

func buildRouter(
    store: some DirectoryStore & ChangeEventStore,
    engine: SQLEngine,
    configuration: ServiceConfiguration,
    writeActivity: WriteActivity = WriteActivity()
) -> Router<ServiceRequestContext> {
    let router = ServiceApplication.makeRouter(refusedValue: StorageErrors.refusedValue, isUnavailable: StorageErrors.isUnavailable)
    router.addHealthRoutes(
        service: "directory",
        checks: [ReadinessCheck(name: "store") { _ in await store.isReachable() }]
    )
    let internalAPI = router.group("internal/v1").add(middleware: InternalAuthMiddleware(internalKey: configuration.internalKey))
        .add(middleware: WriteActivityMiddleware(activity: writeActivity))
    TenantController(store: store).register(on: internalAPI)
    ActivityController(store: store).register(on: internalAPI)
    ChangeEventController(store: store).register(on: internalAPI)
    GroupEditController(store: store).register(on: internalAPI)
    UserController(store: store, lists: ListQueryBuilder(resourceType: .user, engine: engine))
        .register(on: internalAPI.group("tenants/:tenant/idps/:idp/users"))
    UserIdentityController(store: store).register(on: internalAPI.group("tenants/:tenant/idps/:idp/users"))
    GroupController(store: store, lists: ListQueryBuilder(resourceType: .group, engine: engine))
        .register(on: internalAPI.group("tenants/:tenant/idps/:idp/groups"))
    ApplicationReadController(store: store).register(on: internalAPI.group("tenants/:tenant/app"))
    return router
}
