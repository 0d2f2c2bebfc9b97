import Configuration
import Foundation
import ServiceKit

/// Settings only the token service reads.
///
/// - `token.max.active` (`TOKEN_MAX_ACTIVE`, default 2): active bearer tokens an IdP may hold at once, so a
///   rotation needs no downtime; creating one more is a 409.
/// - `token.expiry.warning.days` (`TOKEN_EXPIRY_WARNING_DAYS`, default 14): an IdP none of whose active tokens
///   outlives this window is flagged and gets one `token.expiring` activity event.
/// - `token.expiry.check.interval` (`TOKEN_EXPIRY_CHECK_INTERVAL`, seconds, default 3600, 0 = off): how often
///   the background check looks for such IdPs.
/// - `oauth.access.token.ttl` (`OAUTH_ACCESS_TOKEN_TTL`, seconds, default 3600): lifetime of issued JWTs.
///
/// A tenant holds at most `maxApiKeys` (100) unrevoked API keys; creating one more is a 409.
struct TokenSettings: Sendable {
    var maxActiveTokens: Int = 2
    var expiryWarningDays: Int = 14
    var expiryCheckInterval: Duration = .seconds(3600)
    var accessTokenLifetime: Int = 3600
    var maxApiKeys: Int = 100

    init(maxActiveTokens: Int = 2, expiryWarningDays: Int = 14, expiryCheckInterval: Duration = .seconds(3600), accessTokenLifetime: Int = 3600) {
        self.maxActiveTokens = maxActiveTokens
        self.expiryWarningDays = expiryWarningDays
        self.expiryCheckInterval = expiryCheckInterval
        self.accessTokenLifetime = accessTokenLifetime
    }

    init(reader: ConfigReader) throws {
        let maxActive = reader.int(forKey: "token.max.active", default: 2)
        guard (1...10).contains(maxActive) else { throw ServiceConfiguration.Invalid(description: "TOKEN_MAX_ACTIVE must be between 1 and 10.") }
        let warningDays = reader.int(forKey: "token.expiry.warning.days", default: 14)
        guard (0...365).contains(warningDays) else {
            throw ServiceConfiguration.Invalid(description: "TOKEN_EXPIRY_WARNING_DAYS must be between 0 and 365.")
        }
        let interval = reader.int(forKey: "token.expiry.check.interval", default: 3600)
        guard (0...86_400).contains(interval) else {
            throw ServiceConfiguration.Invalid(description: "TOKEN_EXPIRY_CHECK_INTERVAL must be between 0 and 86400 seconds.")
        }
        let ttl = reader.int(forKey: "oauth.access.token.ttl", default: 3600)
        guard (60...86_400).contains(ttl) else {
            throw ServiceConfiguration.Invalid(description: "OAUTH_ACCESS_TOKEN_TTL must be between 60 and 86400 seconds.")
        }
        self.init(maxActiveTokens: maxActive, expiryWarningDays: warningDays, expiryCheckInterval: .seconds(interval), accessTokenLifetime: ttl)
    }
}
