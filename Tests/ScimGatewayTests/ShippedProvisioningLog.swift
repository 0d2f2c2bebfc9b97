import InternalAPI
import Logging
import Synchronization

@testable import ScimGateway

/// The gateway's provisioning log as it would reach the directory: the batches its shipper sends, captured (the
/// router tests run no service group, so a test flushes the shipper itself). Successes keep their request bodies here
/// (`PROVISIONING_LOG_SUCCESS_BODIES=true`), so that the tests see every body the redaction writes.
final class ShippedProvisioningLog: Sendable {
    private final class Batches: Sendable {
        let sent = Mutex<[ProvisioningLogBatch]>([])
    }

    private let batches = Batches()
    let shipper: ProvisioningLogShipper

    init() {
        let batches = batches
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        shipper = ProvisioningLogShipper(keepsSuccessBodies: true, logger: quiet) { batch, _ in
            batches.sent.withLock { $0.append(batch) }
        }
    }

    /// Every entry sent so far, after sending what is buffered.
    func entries() async -> [ProvisioningLogEntry] {
        await shipper.flush()
        return batches.sent.withLock { $0.flatMap(\.entries) }
    }

    /// Every read count sent so far, after sending what is buffered.
    func reads() async -> [ProvisioningReadCount] {
        await shipper.flush()
        return batches.sent.withLock { $0.flatMap(\.reads) }
    }

    var batchCount: Int { batches.sent.withLock { $0.count } }
}
