import Foundation
import InternalAPI
import Logging
import NIOHTTP1
import ScimCore

/// The directory's read API for applications (README "Application API: reading the directory"): the directory
/// renders the JSON answer, the gateway relays it.
package protocol DirectoryApplicationReads: Sendable {
    /// The answer's bytes (`application/json`); an error answer becomes the `ScimError` it describes (400, 404).
    func applicationRead(tenantID: String, _ read: ApplicationRead, logger: Logger) async throws -> Data
}

extension HTTPDirectoryClient {
    package func applicationRead(tenantID: String, _ read: ApplicationRead, logger: Logger) async throws -> Data {
        try await client.sendRaw(.GET, read.internalPath(tenantID: tenantID), body: nil, logger: logger)
    }
}
