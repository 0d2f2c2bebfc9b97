import Hummingbird
import ScimCore

/// Answers a method the HTTP parser knows but no route serves (`TRACE`, `CONNECT`, `PROPFIND`, …) with 405, `Allow`
/// and a SCIM error body, instead of the router's 404: the resource may well exist, the method is what is wrong.
/// Methods the parser does not know at all (`HOSTILE`, lower-case `get`) never get this far: see
/// ``MalformedRequestHandler``.
package struct MethodAllowListMiddleware: RouterMiddleware {
    package typealias Context = ServiceRequestContext

    static let allowed: Set<HTTPRequest.Method> = [.get, .post, .put, .patch, .delete, .head]

    package init() {}

    package func handle(
        _ request: Request,
        context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        guard Self.allowed.contains(request.method) else {
            return ScimError(
                status: 405,
                detail: "The method \(request.method.rawValue.prefix(32)) is not served here; methods are \(MalformedRequestHandler.allowedMethods)."
            )
            .response(extraHeaders: [.allow: MalformedRequestHandler.allowedMethods])
        }
        return try await next(request, context)
    }
}
