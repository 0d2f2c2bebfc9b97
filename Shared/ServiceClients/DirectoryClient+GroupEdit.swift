import Foundation
import InternalAPI
import Logging
import NIOHTTP1
import ScimCore

/// The application's edit of an externally managed group (README "Externally managed groups").
extension HTTPDirectoryClient {
    /// `body`: the client's JSON as it came (the directory reads and checks it); answers the group as the directory
    /// rendered it.
    package func editGroup(tenantID: String, id: String, body: Data, logger: Logger) async throws -> [UInt8] {
        let path = "/internal/v1/tenants/\(pathSegment(tenantID))/groups/\(pathSegment(id))"
        return Array(try await client.sendRaw(.PATCH, path, body: body, logger: logger))
    }
}
