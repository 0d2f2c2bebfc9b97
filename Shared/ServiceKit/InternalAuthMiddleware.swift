import HTTPTypes
import Hummingbird
import InternalAPI
import Logging
import ScimCore

/// Refuses internal API calls that do not carry the shared internal credential (401, SCIM error body).
package struct InternalAuthMiddleware: RouterMiddleware {
    package typealias Context = ServiceRequestContext

    private let internalKey: String
    private static let headerName = HTTPField.Name(InternalHeaders.internalKey)!

    package init(internalKey: String) {
        self.internalKey = internalKey
    }

    package func handle(
        _ request: Request,
        context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let presented = request.headers.value(of: Self.headerName), ConstantTime.equals(presented, internalKey) else {
            context.logger.debug("Internal call without a valid internal credential")
            throw ScimError.unauthorized("This internal endpoint needs the internal credential.")
        }
        return try await next(request, context)
    }
}
