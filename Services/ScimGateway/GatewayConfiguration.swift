import Configuration
import Foundation
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Settings only the gateway reads.
///
/// - `admin.key` (`--admin-key` / `ADMIN_KEY`, required, secret): the root key of the admin API.
/// - `public.url` (`--public-url` / `PUBLIC_URL`, default `http://127.0.0.1:<port>`): the base of every SCIM URL.
/// - `token.cache.ttl` (`TOKEN_CACHE_TTL`, seconds, default 30): how long a successful token verification is
///   reused; the bound on how long a revoked token keeps working on a replica.
/// - `auth.failure.limit` (`AUTH_FAILURE_LIMIT`, default 20, 0 = off) and `auth.failure.window`
///   (`AUTH_FAILURE_WINDOW`, seconds, default 60): a source failing authentication that often within the window
///   gets 429 for the rest of it (per replica, in memory).
/// - `metrics.port` (`METRICS_PORT`, optional): a second listener on `HTTP_HOST` serving only `GET /metrics`, without
///   authentication, for a scrape from inside the cluster (the public port answers `/metrics` to the root key only).
/// - `provisioning.log.success.bodies` (`PROVISIONING_LOG_SUCCESS_BODIES`, default false): keep the redacted request
///   body of successful changes in the provisioning log too (a failure's is always kept); a sync then writes about
///   twice the bytes (README "Provisioning log").
struct GatewayConfiguration: Sendable {
    var adminKey: String
    var publicURL: String
    var tokenCacheTTL: Duration
    var authFailureLimit: Int = 20
    var authFailureWindow: Duration = .seconds(60)
    var metricsPort: Int?
    var provisioningLogSuccessBodies = false
    /// The admin console's session timeouts (README "Admin console"): idle 30 minutes, absolute 12 hours.
    var consoleIdleSeconds = 1800
    var consoleAbsoluteSeconds = 43_200

    init(adminKey: String, publicURL: String, tokenCacheTTL: Duration = .seconds(30)) {
        self.adminKey = adminKey
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.tokenCacheTTL = tokenCacheTTL
    }

    init(reader: ConfigReader, port: Int) throws {
        guard let adminKey = reader.string(forKey: "admin.key", isSecret: true), adminKey.utf8.count >= 16 else {
            throw ServiceConfiguration.Invalid(description: "ADMIN_KEY (or --admin-key) must be set to a secret of at least 16 characters.")
        }
        let publicURL = reader.string(forKey: "public.url", default: "http://127.0.0.1:\(port)")
        guard let url = URL(string: publicURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ServiceConfiguration.Invalid(description: "PUBLIC_URL '\(publicURL)' is not an http(s) URL.")
        }
        let ttl = reader.int(forKey: "token.cache.ttl", default: 30)
        guard (0...3600).contains(ttl) else {
            throw ServiceConfiguration.Invalid(description: "TOKEN_CACHE_TTL must be between 0 and 3600 seconds.")
        }
        self.init(adminKey: adminKey, publicURL: publicURL, tokenCacheTTL: .seconds(ttl))
        let failureLimit = reader.int(forKey: "auth.failure.limit", default: 20)
        let failureWindow = reader.int(forKey: "auth.failure.window", default: 60)
        guard (0...100_000).contains(failureLimit), (1...86_400).contains(failureWindow) else {
            throw ServiceConfiguration.Invalid(description: "AUTH_FAILURE_LIMIT must be 0 to 100000 and AUTH_FAILURE_WINDOW 1 to 86400 seconds.")
        }
        self.authFailureLimit = failureLimit
        self.authFailureWindow = .seconds(failureWindow)
        if let metricsPort = reader.int(forKey: "metrics.port") {
            guard (1...65535).contains(metricsPort), metricsPort != port else {
                throw ServiceConfiguration.Invalid(description: "METRICS_PORT must be a port from 1 to 65535 other than HTTP_PORT.")
            }
            self.metricsPort = metricsPort
        }
        let successBodies = reader.string(forKey: "provisioning.log.success.bodies", default: "false").lowercased()
        guard successBodies == "true" || successBodies == "false" else {
            throw ServiceConfiguration.Invalid(description: "PROVISIONING_LOG_SUCCESS_BODIES must be true or false.")
        }
        self.provisioningLogSuccessBodies = successBodies == "true"
    }

    /// What the SCIM endpoints support, as `/ServiceProviderConfig` advertises it and the handlers enforce it.
    static let capabilities = ServiceProviderCapabilities(
        bulk: .init(supported: true, maxOperations: 1000, maxPayloadSize: 4_194_304),
        sort: true,
        pagination: .init(cursor: true, index: true)
    )

    /// `scheme://host[:port]` of the public URL: the only origin the console accepts a form from.
    var consoleOrigin: String {
        guard let url = URL(string: publicURL), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return publicURL }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// The console's cookie is `Secure` whenever the public URL is https.
    var consoleCookieSecure: Bool { publicURL.lowercased().hasPrefix("https://") }

    /// `{public base}/oauth/v2/{tenant}/token`: the tenant's OAuth token endpoint.
    func tokenURL(tenantID: String) -> String {
        "\(publicURL)/oauth/v2/\(tenantID)/token"
    }

    /// `{public base}/scim/v2/{tenant}/{idp}`
    func scimBaseURL(tenantID: String, idpID: String) -> String {
        "\(publicURL)/scim/v2/\(tenantID)/\(idpID)"
    }
}
