import Foundation
import InternalAPI
import Logging
import ScimCore
import ServiceLifecycle
import Synchronization
import Testing

@testable import ScimGateway

@Suite("Provisioning log shipper: batches, retries, a bounded buffer, a flush at shutdown", .timeLimit(.minutes(1)))
struct ProvisioningLogShipperTests {
    /// A directory that records batches and fails while told to.
    final class Directory: Sendable {
        struct Unreachable: Error {}
        let batches = Mutex<[ProvisioningLogBatch]>([])
        let failing = Mutex(false)
        /// Requests whose batch the directory refuses as invalid (400).
        let refusing = Mutex<Set<String>>([])

        func send(_ batch: ProvisioningLogBatch) throws {
            if failing.withLock({ $0 }) { throw Unreachable() }
            if batch.entries.contains(where: { entry in refusing.withLock { $0.contains(entry.requestID) } }) {
                throw ScimError.invalidValue("refused")
            }
            batches.withLock { $0.append(batch) }
        }

        var entries: [ProvisioningLogEntry] { batches.withLock { $0.flatMap(\.entries) } }
    }

    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func shipper(_ directory: Directory, capacity: Int = 20_000, interval: Duration = .milliseconds(500)) -> ProvisioningLogShipper {
        ProvisioningLogShipper(capacity: capacity, interval: interval, maximumBackoff: .milliseconds(100), logger: quiet) { batch, _ in
            try directory.send(batch)
        }
    }

    static func event(_ number: Int, body: JSONValue? = nil) -> ProvisioningEvent {
        var notes = ProvisioningRecord.Notes()
        notes.resourceType = "User"
        notes.body = body.map { .json($0) }
        notes.changedAttributes = ["userName"]
        return ProvisioningEvent(
            time: Date(),
            requestID: "request-\(number)",
            tenantID: "acme",
            idpID: "okta",
            method: "POST",
            path: "/scim/v2/acme/okta/Users",
            notes: notes,
            httpStatus: 201
        )
    }

    @Test func entriesGoInBatchesOfAtMostTheMaximumInOrder() async throws {
        let directory = Directory()
        let shipper = Self.shipper(directory)
        shipper.record((0..<1_234).map { Self.event($0) })
        #expect(await shipper.flush())
        let sizes = directory.batches.withLock { $0.map(\.entries.count) }
        #expect(sizes == [500, 500, 234])
        #expect(directory.entries.map(\.requestID) == (0..<1_234).map { "request-\($0)" })
        #expect(Set(directory.entries.map(\.id)).count == 1_234)
    }

    @Test func aFailedBatchStaysBufferedInOrderAndGoesOnceTheDirectoryAnswers() async throws {
        let directory = Directory()
        let shipper = Self.shipper(directory)
        directory.failing.withLock { $0 = true }
        shipper.record((0..<3).map { Self.event($0, body: ["userName": "ada", "password": "hunter2"]) })
        shipper.countRead(tenantID: "acme", idpID: "okta", at: Date())
        #expect(await !shipper.flush())
        #expect(shipper.bufferedCount == 3)
        shipper.record([Self.event(3)])
        directory.failing.withLock { $0 = false }
        #expect(await shipper.flush())
        #expect(directory.entries.map(\.requestID) == ["request-0", "request-1", "request-2", "request-3"])
        #expect(directory.batches.withLock { $0.flatMap(\.reads).map(\.count) } == [1])
        #expect(directory.entries.allSatisfy { $0.requestBody?.contains("hunter2") != true })
    }

    @Test func aSuccessKeepsItsRequestBodyOnlyWhenConfiguredAFailureAlways() async throws {
        for keeps in [false, true] {
            let directory = Directory()
            let shipper = ProvisioningLogShipper(keepsSuccessBodies: keeps, logger: Self.quiet) { batch, _ in try directory.send(batch) }
            var failure = Self.event(1, body: ["userName": "ada"])
            failure.httpStatus = 409
            shipper.record([Self.event(0, body: ["userName": "ada"]), failure])
            #expect(await shipper.flush())
            let entries = directory.entries
            #expect(entries.count == 2)
            #expect((entries.first?.requestBody != nil) == keeps, "success body kept: \(keeps)")
            #expect(entries.last?.requestBody?.contains("ada") == true)
        }
    }

    @Test func pastTheCapacityTheOldestAreDropped() async throws {
        let directory = Directory()
        let shipper = Self.shipper(directory, capacity: 100)
        directory.failing.withLock { $0 = true }
        shipper.record((0..<80).map { Self.event($0) })
        #expect(await !shipper.flush())
        shipper.record((80..<150).map { Self.event($0) })
        #expect(shipper.bufferedCount == 100)
        directory.failing.withLock { $0 = false }
        #expect(await shipper.flush())
        #expect(directory.entries.map(\.requestID) == (50..<150).map { "request-\($0)" })
    }

    @Test func failedAuthenticationsAreLoggedWithinAPerMinuteBudget() async throws {
        let directory = Directory()
        let shipper = Self.shipper(directory)
        func failure(_ number: Int, idp: String) -> ProvisioningEvent {
            var event = Self.event(number)
            event.idpID = idp
            event.time = Date(timeIntervalSince1970: 1_800_000_000)  // one minute for all (the budget is per minute)
            event.isAuthenticationFailure = true
            return event
        }
        shipper.record((0..<100).map { failure($0, idp: "okta") })
        #expect(shipper.bufferedCount == ProvisioningLogShipper.authenticationFailuresPerIdPMinute)
        // A spray over made-up IdPs meets the gateway's budget; the IdP's own writes are never held back.
        shipper.record((0..<2_000).map { failure($0, idp: "idp-\($0)") })
        #expect(shipper.bufferedCount == ProvisioningLogShipper.authenticationFailuresPerMinute)
        shipper.record([Self.event(1)])
        #expect(shipper.bufferedCount == ProvisioningLogShipper.authenticationFailuresPerMinute + 1)
        #expect(await shipper.flush())
        #expect(directory.entries.filter { $0.operation == .auth }.count == ProvisioningLogShipper.authenticationFailuresPerMinute)
    }

    @Test func aBatchTheDirectoryRefusesAsInvalidIsDroppedNotRetriedForever() async throws {
        let directory = Directory()
        directory.refusing.withLock { $0 = ["request-3"] }
        let shipper = Self.shipper(directory)
        shipper.record((0..<600).map { Self.event($0) })
        #expect(await shipper.flush(), "the refused batch is not a failure to retry")
        #expect(shipper.bufferedCount == 0)
        #expect(directory.entries.map(\.requestID) == (500..<600).map { "request-\($0)" })
    }

    @Test func theServiceSendsWithinASecondAndFlushesAtShutdown() async throws {
        let directory = Directory()
        let shipper = Self.shipper(directory, interval: .milliseconds(200))
        let group = ServiceGroup(configuration: .init(services: [shipper], logger: Self.quiet))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            shipper.record([Self.event(0)])
            let sent = ContinuousClock.now
            try await waitUntil { !directory.entries.isEmpty }
            // Sent by the 200 ms timer, not held until shutdown (the margin is for a loaded CI host, where the full
            // suite's run has seen 3 s).
            #expect(ContinuousClock.now - sent < .seconds(8))
            // Just before shutdown: sent by the final flush, not lost.
            shipper.record([Self.event(1)])
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(directory.entries.map(\.requestID) == ["request-0", "request-1"])
    }
}
