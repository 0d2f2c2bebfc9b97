import Hummingbird
import Logging
import NIOEmbedded
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// The SCIM routes' context is made from the authenticating one only once ScimAuthMiddleware has set its principal.
@Suite("SCIM gateway: the authenticated routes' request context")
struct ScimRequestContextTests {
    @Test func isMadeOnlyFromAnAuthenticatedRequestAndKeepsTheServicesUploadLimit() throws {
        let service = ServiceRequestContext(source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: .discarding))
        var authenticating = ScimAuthenticationContext(context: service)
        // A route wired without the middleware: refused as any unauthenticated request is.
        #expect(throws: ScimError.unauthorized("The bearer token is not valid.")) { try ScimRequestContext(context: authenticating) }

        authenticating.principal = ScimPrincipal(tenantID: "acme", idpID: "okta", tokenID: "t1")
        let context = try ScimRequestContext(context: authenticating)
        #expect(context.principal == ScimPrincipal(tenantID: "acme", idpID: "okta", tokenID: "t1"))
        #expect(context.maxUploadSize == service.maxUploadSize)  // the services' limit, not Hummingbird's default
    }
}
