import Foundation
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit
import ServiceLifecycle
import Synchronization

/// Sends the provisioning log to the directory (README "Provisioning log"): what ``ProvisioningLogMiddleware``
/// records is buffered here and sent in batches of at most `ProvisioningLogBatch.maximumEntries`, every
/// ``interval`` (half a second) while there is any, so an entry is stored within about a second of its answer.
/// Entries are made (classified, redacted, capped) here, off the request path. Memory is bounded: past ``capacity``
/// buffered entries the oldest are dropped and counted (a warning says how many, never what). While the directory
/// cannot be reached, sending backs off up to ``maximumBackoff``; a SCIM answer never waits for the log. A graceful
/// shutdown sends what is buffered.
final class ProvisioningLogShipper: Service, Sendable {
    typealias Send = @Sendable (ProvisioningLogBatch, Logger) async throws -> Void

    /// Read counts of one IdP in one minute (minutes since 1970).
    struct ReadKey: Hashable, Sendable {
        var tenantID: String
        var idpID: String
        var minute: Int
    }

    private struct State {
        /// Entries made but not delivered (a batch that failed), oldest first; they go before `events`.
        var unsent: [ProvisioningLogEntry] = []
        var events: [ProvisioningEvent] = []
        var reads: [ReadKey: Int] = [:]
        var dropped = 0
        /// Failed authentications logged in `authenticationMinute`, per IdP and in all.
        var authenticationMinute = 0
        var authenticationFailures: [ReadKey: Int] = [:]
        var authenticationFailuresInMinute = 0
        /// Failed authentications past the budget, not logged one by one.
        var suppressed = 0

        /// Whether a failed authentication still fits the minute's budget (and counts it if so).
        mutating func admitsAuthenticationFailure(_ event: ProvisioningEvent) -> Bool {
            let minute = ProvisioningTime.minute(of: event.time)
            if minute != authenticationMinute {
                authenticationMinute = minute
                authenticationFailures = [:]
                authenticationFailuresInMinute = 0
            }
            let key = ReadKey(tenantID: event.tenantID, idpID: event.idpID, minute: minute)
            let count = authenticationFailures[key, default: 0]
            guard authenticationFailuresInMinute < ProvisioningLogShipper.authenticationFailuresPerMinute,
                count < ProvisioningLogShipper.authenticationFailuresPerIdPMinute
            else { return false }
            authenticationFailures[key] = count + 1
            authenticationFailuresInMinute += 1
            return true
        }
    }

    static let defaultCapacity = 20_000
    /// Distinct IdP-minutes of read counts kept while the directory cannot be reached.
    static let maximumReadKeys = 10_000
    /// Failed authentications logged one by one each minute, per IdP and in all: anyone can send a SCIM URL a bad
    /// token, and past these a flood is counted in a warning instead of filling the log (and the buffer) with itself.
    static let authenticationFailuresPerIdPMinute = 60
    static let authenticationFailuresPerMinute = 600

    let capacity: Int
    /// Whether a success's request body is kept too (`PROVISIONING_LOG_SUCCESS_BODIES`); a failure's always is.
    let keepsSuccessBodies: Bool
    let interval: Duration
    let maximumBackoff: Duration
    private let send: Send
    private let logger: Logger
    private let state = Mutex(State())

    init(
        capacity: Int = ProvisioningLogShipper.defaultCapacity,
        keepsSuccessBodies: Bool = false,
        interval: Duration = .milliseconds(500),
        maximumBackoff: Duration = .seconds(30),
        logger: Logger,
        send: @escaping Send
    ) {
        self.capacity = max(capacity, 1)
        self.keepsSuccessBodies = keepsSuccessBodies
        self.interval = interval
        self.maximumBackoff = maximumBackoff
        self.logger = logger
        self.send = send
    }

    /// The production shipper: batches go to the directory's `POST /internal/v1/provisioning-log`.
    convenience init(directory: any DirectoryClient, keepsSuccessBodies: Bool = false, logger: Logger) {
        self.init(keepsSuccessBodies: keepsSuccessBodies, logger: logger) { batch, logger in
            try await directory.recordProvisioning(batch, logger: logger)
        }
    }

    // MARK: The request path

    func record(_ events: [ProvisioningEvent]) {
        guard !events.isEmpty else { return }
        state.withLock { state in
            for event in events {
                guard !event.isAuthenticationFailure || state.admitsAuthenticationFailure(event) else {
                    state.suppressed += 1
                    continue
                }
                state.events.append(event)
            }
            var over = state.unsent.count + state.events.count - capacity
            guard over > 0 else { return }
            state.dropped += over
            let fromUnsent = min(over, state.unsent.count)
            state.unsent.removeFirst(fromUnsent)
            over -= fromUnsent
            state.events.removeFirst(over)
        }
    }

    func countRead(tenantID: String, idpID: String, at date: Date) {
        let key = ReadKey(tenantID: tenantID, idpID: idpID, minute: ProvisioningTime.minute(of: date))
        state.withLock { state in
            if state.reads[key] == nil, state.reads.count >= Self.maximumReadKeys {
                state.dropped += 1
                return
            }
            state.reads[key, default: 0] += 1
        }
    }

    /// Buffered entries, delivered or not (tests).
    var bufferedCount: Int { state.withLock { $0.unsent.count + $0.events.count } }

    // MARK: Sending

    func run() async throws {
        var wait = interval
        while !Task.isShuttingDownGracefully {
            let pause = wait
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                break
            }
            wait = await flush() ? interval : min(wait * 2, maximumBackoff)
        }
        if await !flush() {
            logger.warning("Provisioning log entries could not be sent before shutdown", metadata: ["entries.lost": "\(bufferedCount)"])
        }
    }

    /// Sends everything buffered, batch by batch; false when a batch failed (it stays buffered, in order).
    @discardableResult
    func flush() async -> Bool {
        reportDrops()
        while true {
            let (unsent, events, reads) = state.withLock { state in
                let fromUnsent = Array(state.unsent.prefix(ProvisioningLogBatch.maximumEntries))
                state.unsent.removeFirst(fromUnsent.count)
                let fromEvents = Array(state.events.prefix(ProvisioningLogBatch.maximumEntries - fromUnsent.count))
                state.events.removeFirst(fromEvents.count)
                let reads = state.reads
                state.reads = [:]
                return (fromUnsent, fromEvents, reads)
            }
            guard !unsent.isEmpty || !events.isEmpty || !reads.isEmpty else { return true }
            // Time-ordered ids: the directory's index of them grows at its end (a random id lands anywhere in it).
            let entries =
                unsent
                + events.map { event in
                    let milliseconds = UInt64(max(0, event.time.timeIntervalSince1970 * 1_000))
                    return event.entry(id: RandomUUID.timeOrderedLowercasedString(milliseconds: milliseconds), keepsSuccessBody: keepsSuccessBodies)
                }
            let counts = reads.map { key, count in
                ProvisioningReadCount(tenantID: key.tenantID, idpID: key.idpID, minute: ProvisioningTime.minuteString(key.minute), count: count)
            }
            do {
                try await send(ProvisioningLogBatch(entries: entries, reads: counts), logger)
            } catch let error as ScimError where (400..<500).contains(error.status) && error.status != 429 {
                // Refused for what it holds, it would be refused again: dropped, not retried until it crowds out the rest.
                logger.error(
                    "The directory refused a provisioning-log batch; its entries are dropped",
                    metadata: ["entries.dropped": "\(entries.count)", "status": "\(error.status)"]
                )
                continue
            } catch {
                putBack(entries, reads: reads)
                logger.warning(
                    "The provisioning log could not be sent to the directory; retrying",
                    metadata: ["entries.buffered": "\(bufferedCount)", "error": "\(type(of: error))"]
                )
                return false
            }
        }
    }

    private func putBack(_ entries: [ProvisioningLogEntry], reads: [ReadKey: Int]) {
        state.withLock { state in
            state.unsent.insert(contentsOf: entries, at: 0)
            for (key, count) in reads where state.reads[key] != nil || state.reads.count < Self.maximumReadKeys {
                state.reads[key, default: 0] += count
            }
            let over = state.unsent.count + state.events.count - capacity
            guard over > 0 else { return }
            state.dropped += over
            state.unsent.removeFirst(min(over, state.unsent.count))
        }
    }

    private func reportDrops() {
        let (dropped, suppressed) = state.withLock { state in
            defer { (state.dropped, state.suppressed) = (0, 0) }
            return (state.dropped, state.suppressed)
        }
        if dropped > 0 {
            logger.warning("Provisioning log entries dropped: the buffer was full", metadata: ["entries.dropped": "\(dropped)"])
        }
        if suppressed > 0 {
            logger.warning(
                "Failed authentications past the per-minute budget were not logged one by one",
                metadata: ["entries.suppressed": "\(suppressed)"]
            )
        }
    }
}
