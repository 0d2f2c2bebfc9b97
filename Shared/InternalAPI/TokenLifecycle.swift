import Foundation

/// Rotation of a bearer token: a new token replaces `tokenID`, which stops working at once or after `graceHours`.
/// The new token's validity is `validDays`/`noExpiry` when given, otherwise the old token's original length.
package struct TokenRecreateRequest: Codable, Sendable, Hashable {
    package var graceHours: Int?
    package var validDays: Int?
    package var noExpiry: Bool?

    package init(graceHours: Int? = nil, validDays: Int? = nil, noExpiry: Bool? = nil) {
        self.graceHours = graceHours
        self.validDays = validDays
        self.noExpiry = noExpiry
    }
}

/// The answer to a token recreation: the new token (shown once) and the old token's metadata (its `revokedAt`
/// is the end of the grace period).
package struct RecreatedToken: Codable, Sendable, Hashable {
    package var token: String
    package var metadata: TokenMetadata
    package var replaced: TokenMetadata

    package init(token: String, metadata: TokenMetadata, replaced: TokenMetadata) {
        self.token = token
        self.metadata = metadata
        self.replaced = replaced
    }
}

/// An identity provider's tokens with the expiry warning, when one applies.
package struct TokenList: Codable, Sendable, Hashable {
    package var tokens: [TokenMetadata]
    /// How many tokens may be active at once (`TOKEN_MAX_ACTIVE`).
    package var maxActive: Int
    package var expiryWarning: TokenExpiryWarning?

    package init(tokens: [TokenMetadata], maxActive: Int, expiryWarning: TokenExpiryWarning?) {
        self.tokens = tokens
        self.maxActive = maxActive
        self.expiryWarning = expiryWarning
    }
}

/// Set when no active token of the IdP outlives the warning window: provisioning stops at `expiresAt` unless
/// the admin recreates the token or extends its validity.
package struct TokenExpiryWarning: Codable, Sendable, Hashable {
    package var tokenID: String
    package var prefix: String
    package var expiresAt: Date
    package var windowDays: Int
    package var detail: String

    package init(tokenID: String, prefix: String, expiresAt: Date, windowDays: Int, detail: String) {
        self.tokenID = tokenID
        self.prefix = prefix
        self.expiresAt = expiresAt
        self.windowDays = windowDays
        self.detail = detail
    }
}

/// One entry of the credential audit trail: who did what and when, never a secret.
package struct TokenEvent: Codable, Sendable, Hashable {
    package var tenantID: String
    package var idpID: String
    /// The bearer token, client id or signing key id the event is about.
    package var subjectID: String?
    /// `token.created`, `token.recreated`, `token.validity-changed`, `token.revoked`, `token.expiring`,
    /// `client.created`, `client.secret-rotated`, `client.revoked`, `signing-key.rotated`.
    package var action: String
    package var actor: String
    package var occurredAt: Date
    package var detail: String?

    package init(tenantID: String, idpID: String, subjectID: String?, action: String, actor: String, occurredAt: Date, detail: String?) {
        self.tenantID = tenantID
        self.idpID = idpID
        self.subjectID = subjectID
        self.action = action
        self.actor = actor
        self.occurredAt = occurredAt
        self.detail = detail
    }
}

/// An event for a tenant's activity log, as another service reports it to the directory.
package struct ActivityEventRequest: Codable, Sendable, Hashable {
    package var idpID: String?
    package var actor: String
    package var action: String
    package var resourceType: String?
    package var resourceID: String?
    package var detail: String?

    package init(idpID: String?, actor: String, action: String, resourceType: String?, resourceID: String?, detail: String?) {
        self.idpID = idpID
        self.actor = actor
        self.action = action
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.detail = detail
    }
}
