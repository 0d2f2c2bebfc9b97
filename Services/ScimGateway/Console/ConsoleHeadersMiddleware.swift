import HTTPTypes
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// Every `/console` answer carries the security headers: a Content-Security-Policy that allows the console's own files
/// only (no inline script or style), no framing, no MIME sniffing, no referrer. Failures are rendered as the console's
/// error page (the status and the admin API's message) instead of a SCIM JSON error.
struct ConsoleHeadersMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let views: ConsoleViews

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as ScimError {
            if error.status >= 500 { context.logger.error("Console request failed", metadata: ["error.detail": "\(error.detail)"]) }
            response = errorPage(status: error.status, detail: error.detail)
        } catch let error as HTTPError {
            response = errorPage(status: Int(error.status.code), detail: error.body ?? error.status.reasonPhrase)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("Unexpected console error", metadata: ["error": "\(String(reflecting: error))"])
            response = errorPage(status: 500, detail: "The server could not complete the request.")
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.xFrameOptions] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    struct ErrorModel {
        var status: Int
        var detail: String
    }

    private func errorPage(status: Int, detail: String) -> Response {
        views.page(
            "error",
            title: "Error \(status)",
            model: ErrorModel(status: status, detail: detail),
            status: HTTPResponse.Status(code: status)
        )
    }
}

extension HTTPField.Name {
    static var referrerPolicy: Self { Self("Referrer-Policy")! }
    static var xFrameOptions: Self { Self("X-Frame-Options")! }
}
