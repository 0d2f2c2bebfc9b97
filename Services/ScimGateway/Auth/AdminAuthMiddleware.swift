import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// The admin API's guard: `Authorization: Bearer <admin key>`, compared in constant time.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let adminKey: String

    func handle(
        _ request: Request, context: ServiceRequestContext, next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let presented = BearerCredential.from(request), ConstantTime.equals(presented, adminKey) else {
            throw ScimError.unauthorized("The admin API needs the admin key as a bearer token.")
        }
        var context = context
        context.logger[metadataKey: "actor"] = "admin"
        return try await next(request, context)
    }
}

/// The credential of an `Authorization: Bearer …` header (scheme case-insensitive).
enum BearerCredential {
    static func from(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let credential = parts[1].trimmingSpaces()
        return credential.isEmpty ? nil : credential
    }
}
