import Foundation
import Hummingbird
import InternalAPI
import NIOCore
import ScimCore
import ServiceKit

/// `GET /internal/v1/tenants/:tenant/events?after=&types=&idp=&limit=`: a page of the tenant's change-event feed,
/// `{"data": [...], "next": cursor}`, the events' stored JSON copied into the answer without being parsed again. The
/// gateway relays it as `GET /api/v1/tenants/{tenant}/events`.
struct ChangeEventController<Store: ChangeEventStore> {
    let store: Store

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/events", use: feed)
    }

    @Sendable func feed(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        guard (request.uri.query?.utf8.count ?? 0) <= 8192 else { throw ScimError.invalidValue("The query is too long.") }
        let parameters = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        let feedRequest = try ChangeEventFeedRequest(parameters: parameters)
        let page = try await store.changeEvents(tenantID: tenantID, request: feedRequest)
        return Response(
            status: .ok,
            headers: [.contentType: MediaType.json],
            body: .init(byteBuffer: Self.render(page))
        )
    }

    /// `{"data":[<body>,…],"next":"<cursor>"}`.
    static func render(_ page: ChangeEventPage) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(page.bodies.reduce(64) { $0 + $1.utf8.count + 1 })
        buffer.writeStaticString("{\"data\":[")
        for (index, body) in page.bodies.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            buffer.writeString(body)
        }
        buffer.writeStaticString("],\"next\":\"")
        buffer.writeString(ChangeEventFeedRequest.cursor(page.next))
        buffer.writeStaticString("\"}")
        return buffer
    }
}
