import InternalAPI
import Logging
import NIOHTTP1

/// The provisioning log (README "Provisioning log"): gateways send what SCIM requests did in batches; the directory
/// stores them per tenant and IdP.
extension HTTPDirectoryClient {
    package func recordProvisioning(_ batch: ProvisioningLogBatch, logger: Logger) async throws {
        try await client.sendExpectingNoContent(.POST, "/internal/v1/provisioning-log", body: batch, logger: logger)
    }
}
