import Foundation
import InternalAPI
import Logging
import NIOHTTP1
import ScimCore

/// The provisioning log as the admin API reads it (README "Provisioning log"): the directory renders the pages and
/// entries, the gateway relays their bytes (or walks the pages for a download); the per-IdP summaries are decoded,
/// since the gateway puts them on its IdP views.
package protocol DirectoryProvisioningLogReads: Sendable {
    /// A page's bytes (`{"entries": [...], "next": …}`); `query` is ``ProvisioningLogQuery/rawQuery``.
    func provisioningLog(tenantID: String, query: String, logger: Logger) async throws -> Data
    /// One entry's bytes, with its bodies; 404 as a `ScimError`.
    func provisioningLogEntry(tenantID: String, id: String, logger: Logger) async throws -> Data
    /// The summaries of the tenant's IdPs (of `idpID` only when given); an IdP without any request has none.
    func provisioningSummaries(tenantID: String, idpID: String?, logger: Logger) async throws -> ProvisioningSummaries
}

extension HTTPDirectoryClient {
    private func logPath(_ tenantID: String) -> String {
        "/internal/v1/tenants/\(PercentEncoding.encode(tenantID))/provisioning-log"
    }

    package func provisioningLog(tenantID: String, query: String, logger: Logger) async throws -> Data {
        try await client.sendRaw(.GET, logPath(tenantID) + (query.isEmpty ? "" : "?" + query), body: nil, logger: logger)
    }

    package func provisioningLogEntry(tenantID: String, id: String, logger: Logger) async throws -> Data {
        try await client.sendRaw(.GET, logPath(tenantID) + "/" + PercentEncoding.encode(id), body: nil, logger: logger)
    }

    package func provisioningSummaries(tenantID: String, idpID: String?, logger: Logger) async throws -> ProvisioningSummaries {
        let query = idpID.map { "?idp=" + PercentEncoding.encode($0) } ?? ""
        return try await client.send(
            .GET,
            "/internal/v1/tenants/\(PercentEncoding.encode(tenantID))/provisioning-summary" + query,
            logger: logger
        )
    }
}
