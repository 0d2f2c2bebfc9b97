import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// Opens the console's pages to a signed-in browser only: the session cookie's id is looked up (by its SHA-256) in the
/// token service, which applies the idle and absolute timeouts and ends the session of a revoked key. Without a live
/// session, any request is sent (303) to `/console/login`. A POST must also come from the console's own origin
/// (``ConsoleOriginCheck``) and carry the session's CSRF token in its `csrf` field; otherwise it is 403.
struct ConsoleSessionMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let tokens: any TokenClient
    let gateway: GatewayConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let id = ConsoleCookie.sessionID(fromHeaders: request.headers[values: .cookie]) else { return ConsoleViews.redirect("/console/login") }
        let idHash = ConsoleSessionID.hash(id)
        guard let session = try await tokens.readConsoleSession(idHash: idHash, logger: context.logger) else {
            return ConsoleViews.redirect("/console/login")
        }
        var user = ConsoleUser(principal: session.principal, sessionIDHash: idHash, csrfToken: ConsoleSessionID.csrfToken(id))
        if request.method != .get, request.method != .head {
            guard ConsoleOriginCheck.isSameOrigin(request.headers, consoleOrigin: gateway.consoleOrigin) else {
                context.logger.notice("Console write refused: not from the console's origin")
                throw ScimError.forbidden("This form was not sent from the console's own page.")
            }
            let form = try await ConsoleForm.read(request)
            guard let token = form["csrf"], ConstantTime.equals(token, user.csrfToken) else {
                context.logger.notice("Console write refused: missing or wrong CSRF token")
                throw ScimError.forbidden("This form has expired or was not sent from the console; reload the page and try again.")
            }
            user.form = form
        }
        var context = context
        context.logger[metadataKey: "actor"] = .string(user.principal.apiKeyID.map { "apikey:\($0)" } ?? "admin")
        return try await ConsoleUser.$current.withValue(user) { try await next(request, context) }
    }
}
