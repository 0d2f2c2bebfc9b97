import Foundation

/// What a token service keeps about a bearer token: never the secret itself.
package struct TokenMetadata: Codable, Sendable, Hashable {
    package var id: String
    /// The non-secret prefix of the token, shown to admins so they can tell tokens apart.
    package var prefix: String
    package var tenantID: String
    package var idpID: String
    package var createdAt: Date
    /// `nil` means the admin chose a token that never expires.
    package var expiresAt: Date?
    package var lastUsedAt: Date?
    package var revokedAt: Date?

    package init(
        id: String,
        prefix: String,
        tenantID: String,
        idpID: String,
        createdAt: Date,
        expiresAt: Date?,
        lastUsedAt: Date?,
        revokedAt: Date?
    ) {
        self.id = id
        self.prefix = prefix
        self.tenantID = tenantID
        self.idpID = idpID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

package struct TokenCreateRequest: Codable, Sendable, Hashable {
    /// Validity in days. Required unless `noExpiry` is true.
    package var validDays: Int?
    /// The admin's explicit choice of a token that never expires.
    package var noExpiry: Bool?

    package init(validDays: Int? = nil, noExpiry: Bool? = nil) {
        self.validDays = validDays
        self.noExpiry = noExpiry
    }
}

/// The answer to a token creation: the only time the secret is ever shown.
package struct IssuedToken: Codable, Sendable, Hashable {
    package var token: String
    package var metadata: TokenMetadata

    package init(token: String, metadata: TokenMetadata) {
        self.token = token
        self.metadata = metadata
    }
}

package struct TokenVerifyRequest: Codable, Sendable, Hashable {
    package var token: String
    package init(token: String) { self.token = token }
}

/// A successful verification: the one tenant and identity provider the token authenticates.
package struct TokenVerification: Codable, Sendable, Hashable {
    package var tenantID: String
    package var idpID: String
    package var tokenID: String
    package var expiresAt: Date?
    /// The OAuth client an access token (JWT) was issued to; nil for a bearer token. Gateways forget the client's
    /// cached verifications when an admin revokes the client or rotates its secret through them.
    package var clientID: String?

    package init(tenantID: String, idpID: String, tokenID: String, expiresAt: Date?, clientID: String? = nil) {
        self.tenantID = tenantID
        self.idpID = idpID
        self.tokenID = tokenID
        self.expiresAt = expiresAt
        self.clientID = clientID
    }
}
