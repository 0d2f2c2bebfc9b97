import InternalAPI
import Logging
import NIOHTTP1
import ScimCore

/// The provisioning log (README "Provisioning log"): gateways send what SCIM requests did in batches; the directory
/// stores them per tenant and IdP.
extension HTTPDirectoryClient {
    package func recordProvisioning(_ batch: ProvisioningLogBatch, logger: Logger) async throws {
        // Written by hand (ProvisioningLog+JSON.swift): Foundation's encoder cost a sync a tenth of the gateway's CPU.
        _ = try await client.sendRaw(.POST, "/internal/v1/provisioning-log", body: batch.encoded(), logger: logger)
    }
}
