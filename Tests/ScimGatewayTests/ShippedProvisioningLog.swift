import InternalAPI
import Logging
import Synchronization

@testable import ScimGateway

/// The gateway's provisioning log as it would reach the directory: the batches its shipper sends, captured (the
/// router tests run no service group, so a test flushes the shipper itself).
final class ShippedProvisioningLog: Sendable {
    private final class Batches: Sendable {
        let sent = Mutex<[ProvisioningLogBatch]>([])
    }

    private let batches = Batches()
    let shipper: ProvisioningLogShipper

    init() {
        let batches = batches
        shipper = ProvisioningLogShipper(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })) { batch, _ in
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
