import Foundation
import HTTPTypes
import Hummingbird
import InternalAPI
import Logging

/// Gives each request an id, puts it in the request's logger metadata (`request.id`) and echoes it in the
/// response. An incoming `X-Request-Id` is kept when well-formed, so one id follows a request across the
/// internal hops (the internal clients send the id of the logger they are given).
package struct RequestIDMiddleware: RouterMiddleware {
    package typealias Context = ServiceRequestContext

    package static let headerName = HTTPField.Name(InternalHeaders.requestID)!

    package init() {}

    package func handle(
        _ request: Request,
        context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let incoming = request.headers.value(of: Self.headerName)
        let id = incoming.flatMap { Self.isWellFormed($0) ? $0 : nil } ?? Self.newID()
        context.requestID = id
        context.logger[metadataKey: "request.id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.headerName] = id
        return response
    }

    static func isWellFormed(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E
            }
    }

    static func newID() -> String { RandomUUID.lowercasedString() }
}
