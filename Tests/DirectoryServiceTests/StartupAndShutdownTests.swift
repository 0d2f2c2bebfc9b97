import Foundation
import Logging
import Persistence
import ServiceKit
import ServiceLifecycle
import ServiceTestSupport
import Synchronization
import Testing

@testable import DirectoryService

/// The directory's application in the ServiceGroup a service's `main` runs it in (`ServiceMain.makeServiceGroup`).
@Suite(.timeLimit(.minutes(1))) struct StartupAndShutdownTests {
    /// Ignores graceful shutdown: stops only when cancelled.
    private final class StuckService: Service {
        let started = Atomic<Bool>(false)
        let cancelled = Atomic<Bool>(false)

        func run() async throws {
            started.store(true, ordering: .relaxed)
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            cancelled.store(true, ordering: .relaxed)
        }
    }

    @Test func aServiceStuckInGracefulShutdownIsCancelledAfterTheShutdownTimeout() async throws {
        var configuration = Fixture.configuration
        configuration.shutdownTimeout = .milliseconds(300)
        let app = try await buildApplication(configuration: configuration, logger: .discarding)
        let stuck = StuckService()
        let group = ServiceMain.makeServiceGroup(services: [app, stuck], configuration: configuration, logger: .discarding)
        let start = ContinuousClock.now
        let running = Task { try? await group.run() }
        while !stuck.started.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
        await group.triggerGracefulShutdown()
        // Without a limit the group waits for the stuck service for ever: give up after 10 s.
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while !stuck.cancelled.load(ordering: .relaxed), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        running.cancel()
        await running.value
        let elapsed = ContinuousClock.now - start
        let cancelled = stuck.cancelled.load(ordering: .relaxed)
        #expect(cancelled)
        #expect(elapsed < .seconds(5), "shutdown took \(elapsed)")
    }

    /// Runs `body` when started, then waits for graceful shutdown.
    private struct ProbeService: Service {
        let body: @Sendable () -> Void

        func run() async throws {
            body()
            try? await gracefulShutdown()
        }
    }

    private final class Flags: Sendable {
        let startupDone = Atomic<Bool>(false)
        let probeRan = Atomic<Bool>(false)
        let probeSawStartupDone = Atomic<Bool>(false)
    }

    /// The services of an application (the token service's expiry watcher, the mapping service's re-apply runner)
    /// use the store: they start only once the startup work has migrated it.
    @Test func servicesStartOnlyOnceTheStartupWorkIsDone() async throws {
        let flags = Flags()
        let app = ServiceApplication.makeApplication(
            router: ServiceApplication.makeRouter(),
            configuration: Fixture.configuration,
            startup: .init(services: []) {
                try await Task.sleep(for: .milliseconds(200))
                flags.startupDone.store(true, ordering: .relaxed)
            },
            services: [
                ProbeService {
                    flags.probeSawStartupDone.store(flags.startupDone.load(ordering: .relaxed), ordering: .relaxed)
                    flags.probeRan.store(true, ordering: .relaxed)
                }
            ],
            logger: .discarding
        )
        let group = ServiceMain.makeServiceGroup(services: [app], configuration: Fixture.configuration, logger: .discarding)
        let running = Task { try await group.run() }
        while !flags.probeRan.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
        await group.triggerGracefulShutdown()
        try await running.value
        let sawStartupDone = flags.probeSawStartupDone.load(ordering: .relaxed)
        #expect(sawStartupDone)
    }

    @Test func theDefaultShutdownTimeoutEndsBeforeKubernetesKillsThePod() {
        // Deploy/k8s/base: terminationGracePeriodSeconds 30, preStop sleeps 5 s.
        #expect(ServiceConfiguration.defaultShutdownTimeout + 5 < 30)
        #expect(Fixture.configuration.shutdownTimeout == .seconds(ServiceConfiguration.defaultShutdownTimeout))
    }

    /// The migrations run before the server accepts, inside the group: a database newer than the build stops the
    /// application with ``StartupFailure`` (which `main` reports as "Could not start", exit status 1).
    @Test func aDatabaseNewerThanTheBuildFailsTheStartupWork() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("directory-newer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("directory.sqlite").path
        let storage = try await SQLiteStorage.open(path: path, logger: .discarding)
        try await Migrator([Migration(version: 9_999, name: "from-the-future", ["CREATE TABLE future (id INTEGER)"])]).migrate(
            storage,
            logger: .discarding
        )
        await storage.close()

        var configuration = Fixture.configuration
        configuration.databaseURL = "sqlite://" + path
        let app = try await buildApplication(configuration: configuration, logger: .discarding)
        do {
            try await ServiceMain.makeServiceGroup(services: [app], configuration: configuration, logger: .discarding).run()
            Issue.record("the application ran")
        } catch let failure as StartupFailure {
            #expect(failure.underlying is MigrationError, "\(failure.underlying)")
        }
    }
}
