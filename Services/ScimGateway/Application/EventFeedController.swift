import Foundation
import Hummingbird
import InternalAPI
import NIOCore
import ScimCore
import ServiceClients
import ServiceKit

/// `GET /api/v1/tenants/{tenant}/events?after=&types=&idp=&limit=` (README "Change events"): the tenant's change
/// events in commit order, `{"data": [...], "next": cursor}`. The directory reads the query, checks it and renders the
/// page; the gateway relays the bytes.
struct EventFeedController {
    let directory: any DirectoryClient

    /// The longest query passed on; the feed's parameters are short.
    static let maximumQueryLength = 4096

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("events", use: feed)
    }

    @Sendable func feed(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let query = request.uri.query
        guard (query?.utf8.count ?? 0) <= Self.maximumQueryLength else {
            throw ScimError.invalidValue("The query is longer than \(Self.maximumQueryLength) bytes.")
        }
        let body = try await directory.renderedChangeEvents(tenantID: tenantID, query: query, logger: context.logger)
        return Response(status: .ok, headers: [.contentType: MediaType.json], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
