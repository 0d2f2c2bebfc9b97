import Foundation

/// Who an admin console session acts for (README "Admin console"): the root admin key (an operator, every tenant) or
/// one tenant's API key with its role. The key itself is never stored, only the id of a tenant key.
package struct ConsolePrincipal: Codable, Sendable, Hashable {
    /// nil for the root key.
    package var tenantID: String?
    package var apiKeyID: String?
    package var role: ApiKeyRole?

    package static let root = ConsolePrincipal(tenantID: nil, apiKeyID: nil, role: nil)

    package init(tenantID: String?, apiKeyID: String?, role: ApiKeyRole?) {
        self.tenantID = tenantID
        self.apiKeyID = apiKeyID
        self.role = role
    }

    package var isRoot: Bool { tenantID == nil }
}

/// `POST /internal/v1/console-sessions`: a new session, keyed by the SHA-256 (hex) of its id; the id stays with the
/// browser. `idleSeconds` and `absoluteSeconds` are the gateway's timeouts, stored with the row.
package struct ConsoleSessionCreateRequest: Codable, Sendable, Hashable {
    package var idHash: String
    package var principal: ConsolePrincipal
    package var idleSeconds: Int
    package var absoluteSeconds: Int

    package init(idHash: String, principal: ConsolePrincipal, idleSeconds: Int, absoluteSeconds: Int) {
        self.idHash = idHash
        self.principal = principal
        self.idleSeconds = idleSeconds
        self.absoluteSeconds = absoluteSeconds
    }
}

/// A live console session as the token service answers it.
package struct ConsoleSession: Codable, Sendable, Hashable {
    package var principal: ConsolePrincipal
    package var createdAt: Date
    package var lastSeenAt: Date
    package var expiresAt: Date

    package init(principal: ConsolePrincipal, createdAt: Date, lastSeenAt: Date, expiresAt: Date) {
        self.principal = principal
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
    }
}

package enum ConsoleSessionID {
    /// A session id hash is 64 lower-case hex digits (SHA-256); anything else is refused before a lookup.
    package static func isValidHash(_ text: String) -> Bool {
        text.utf8.count == 64
            && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}
