import Foundation
import InternalAPI
import Logging
import NIOHTTP1
import ScimCore

/// The change-event feed (README "Change events"): a page as the directory wrote it, for the gateway to relay.
extension HTTPDirectoryClient {
    /// `query`: the client's query as it came (the directory reads and checks it).
    package func renderedChangeEvents(tenantID: String, query: String?, logger: Logger) async throws -> [UInt8] {
        var path = "/internal/v1/tenants/\(pathSegment(tenantID))/events"
        if let query, !query.isEmpty { path += "?" + query }
        return Array(try await client.sendRaw(.GET, path, body: nil, logger: logger))
    }
}
