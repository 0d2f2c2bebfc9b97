import Logging
import ServiceLifecycle

/// Keeps a storage open while the service runs and closes it on graceful shutdown, after the HTTP server
/// (which is started after it) has drained.
package struct StorageService: Service {
    private let storage: any SQLStorage

    package init(storage: any SQLStorage) { self.storage = storage }

    package func run() async throws {
        try? await gracefulShutdown()
        await storage.close()
    }
}
