import Hummingbird
import Logging
import ScimCore
import ServiceKit

/// Who a SCIM request acts for: one tenant's one identity provider, by one of its tokens.
struct ScimPrincipal: Sendable, Hashable {
    var tenantID: String
    var idpID: String
    var tokenID: String
}

/// The context of an authenticated SCIM route. Its principal cannot be absent, so no handler checks for it.
///
/// Hummingbird makes it from the ``ScimAuthenticationContext`` that ``ScimAuthMiddleware`` authenticated (a child
/// context: `RouterMethods.group(_:context:)`). A request that reached it unauthenticated would be a wiring mistake;
/// it is answered 401 like any other unauthenticated request.
struct ScimRequestContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let principal: ScimPrincipal
    let maxUploadSize: Int

    init(context: ScimAuthenticationContext) throws {
        guard let principal = context.principal else { throw ScimError.unauthorized("The bearer token is not valid.") }
        self.coreContext = context.coreContext
        self.principal = principal
        self.maxUploadSize = context.maxUploadSize
    }
}

/// A SCIM request while ``ScimAuthMiddleware`` authenticates it: `principal` is set once the bearer token has
/// authenticated the tenant and IdP of the URL. Only the middleware and ``ScimRequestContext`` see it.
struct ScimAuthenticationContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    var principal: ScimPrincipal?
    let maxUploadSize: Int
    /// Kept for the peer's address, which is formatted only when an authentication fails.
    private let connection: ServiceRequestContext

    init(context: ServiceRequestContext) {
        self.coreContext = context.coreContext
        self.maxUploadSize = context.maxUploadSize
        self.connection = context
    }

    /// The source ``AuthFailureLimiter`` counts a request's failed authentications against.
    var authenticationSource: String { connection.authenticationSource }

    /// The request's `X-Request-Id` (``RequestIDMiddleware``), for the provisioning log.
    var requestID: String { connection.requestID }
}
