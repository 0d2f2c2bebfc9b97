import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// `/console/login` and `/console/logout`. Sign-in takes the root admin key or a tenant's `admin`/`viewer` API key in
/// the password field `key`, verified as the admin API verifies a bearer key (constant-time comparison for the root
/// key, ``CachingApiKeyVerifier`` for a tenant key, failures counted by the shared ``AuthFailureLimiter``), then opens
/// a session with a new id. The key itself is never stored, logged or echoed.
struct LoginRoutes {
    let tokens: any TokenClient
    let gateway: GatewayConfiguration
    let keys: CachingApiKeyVerifier
    let limiter: AuthFailureLimiter
    let views: ConsoleViews

    struct LoginModel {
        var error: String?
    }

    func register(public group: RouterGroup<ServiceRequestContext>, signedIn: RouterGroup<ServiceRequestContext>) {
        group.get("login", use: loginPage)
        group.post("login", use: signIn)
        signedIn.post("logout", use: signOut)
    }

    @Sendable func loginPage(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        views.page("login", title: "Sign in", model: LoginModel())
    }

    @Sendable func signIn(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        guard ConsoleOriginCheck.isSameOrigin(request.headers, consoleOrigin: gateway.consoleOrigin) else {
            context.logger.notice("Console sign-in refused: not from the console's origin")
            throw ScimError.forbidden("Sign in from the console's own page.")
        }
        if let retryAfter = limiter.retryAfter(source: context.authenticationSource) {
            return views.page(
                "login",
                title: "Sign in",
                model: LoginModel(error: "Too many failed sign-ins from this address; try again in \(retryAfter) seconds."),
                status: .tooManyRequests
            )
        }
        let key = (try await ConsoleForm.read(request)["key"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let principal = try await principal(for: key, logger: context.logger) else {
            limiter.recordFailure(source: context.authenticationSource)
            return views.page(
                "login",
                title: "Sign in",
                model: LoginModel(error: "That key does not open the console: use the root admin key or a tenant's admin or viewer API key."),
                status: .unauthorized
            )
        }
        // A session this browser still had ends: signing in again never leaves two sessions behind one browser.
        if let previous = ConsoleCookie.sessionID(fromHeaders: request.headers[values: .cookie]) {
            try await tokens.deleteConsoleSession(idHash: ConsoleSessionID.hash(previous), logger: context.logger)
        }
        let id = ConsoleSessionID.generate()  // always a new id: a session id planted before sign-in is never promoted
        let create = ConsoleSessionCreateRequest(
            idHash: ConsoleSessionID.hash(id),
            principal: principal,
            idleSeconds: gateway.consoleIdleSeconds,
            absoluteSeconds: gateway.consoleAbsoluteSeconds
        )
        _ = try await tokens.createConsoleSession(create, logger: context.logger)
        context.logger.info("Console sign-in", metadata: ["actor": "\(principal.apiKeyID.map { "apikey:\($0)" } ?? "admin")"])
        var response = ConsoleViews.redirect(principal.tenantID.map { "/console/tenants/\($0)" } ?? "/console/tenants")
        response.headers[.setCookie] = ConsoleCookie.setting(id, secure: gateway.consoleCookieSecure)
        return response
    }

    @Sendable func signOut(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        if let user = ConsoleUser.current { try await tokens.deleteConsoleSession(idHash: user.sessionIDHash, logger: context.logger) }
        var response = ConsoleViews.redirect("/console/login")
        response.headers[.setCookie] = ConsoleCookie.clearing(secure: gateway.consoleCookieSecure)
        return response
    }

    /// The root key, or an `admin`/`viewer` tenant key (an `app` key opens only the application API); nil otherwise.
    private func principal(for key: String, logger: Logger) async throws -> ConsolePrincipal? {
        guard !key.isEmpty, key.utf8.count <= max(ApiKeyFormat.maximumLength, gateway.adminKey.utf8.count) else { return nil }
        if ConstantTime.equals(key, gateway.adminKey) { return .root }
        guard ApiKeyFormat.isApiKey(key) else { return nil }
        let verification: ApiKeyVerification
        do {
            verification = try await keys.verify(key, fingerprint: TokenFingerprint(key), logger: logger)
        } catch let error as ScimError where error.status == 401 {
            return nil
        }
        guard verification.role != .app else { return nil }
        return ConsolePrincipal(tenantID: verification.tenantID, apiKeyID: verification.keyID, role: verification.role)
    }
}
