import InternalAPI
import Metrics

/// `provisio_provisioning_requests_total{idp_type, operation, status}`: the provisioning outcomes each stored batch
/// holds, by the IdP's provider type (no tenant or IdP label: their number is unbounded). One increment per
/// distinct label set of the batch.
enum ProvisioningMetrics {
    static let requestsTotal = "provisio_provisioning_requests_total"

    private struct Labels: Hashable {
        let idpType: String
        let operation: ProvisioningOperation
        let status: ProvisioningStatus
    }

    static func record(_ stored: [ProvisioningLogEntry], types: [IdPKey: String]) {
        var counts: [Labels: Int64] = [:]
        for entry in stored {
            let type = types[IdPKey(entry.tenantID, entry.idpID)] ?? "unknown"
            counts[Labels(idpType: type, operation: entry.operation, status: entry.status), default: 0] += 1
        }
        for (labels, count) in counts {
            Counter(
                label: requestsTotal,
                dimensions: [("idp_type", labels.idpType), ("operation", labels.operation.rawValue), ("status", labels.status.rawValue)]
            ).increment(by: count)
        }
    }
}
