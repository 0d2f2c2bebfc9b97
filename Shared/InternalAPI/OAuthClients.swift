import Foundation

/// What the token service keeps about an OAuth client of an identity provider: never the secret.
package struct OAuthClientMetadata: Codable, Sendable, Hashable {
    package var clientID: String
    package var tenantID: String
    package var idpID: String
    package var createdAt: Date
    package var secretRotatedAt: Date?
    /// During a rotation's grace period the previous secret still works until this time.
    package var previousSecretValidUntil: Date?
    package var lastUsedAt: Date?
    package var revokedAt: Date?

    package init(
        clientID: String,
        tenantID: String,
        idpID: String,
        createdAt: Date,
        secretRotatedAt: Date?,
        previousSecretValidUntil: Date?,
        lastUsedAt: Date?,
        revokedAt: Date?
    ) {
        self.clientID = clientID
        self.tenantID = tenantID
        self.idpID = idpID
        self.createdAt = createdAt
        self.secretRotatedAt = secretRotatedAt
        self.previousSecretValidUntil = previousSecretValidUntil
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// The answer to a client creation or secret rotation: the only time the secret is shown.
package struct IssuedClientSecret: Codable, Sendable, Hashable {
    package var clientID: String
    package var clientSecret: String
    package var client: OAuthClientMetadata
    /// Filled in by the gateway: `{public base}/oauth/v2/{tenant}/token`.
    package var tokenURL: String?

    package init(clientID: String, clientSecret: String, client: OAuthClientMetadata, tokenURL: String? = nil) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.client = client
        self.tokenURL = tokenURL
    }
}

package struct ClientRotateRequest: Codable, Sendable, Hashable {
    /// How long the previous secret keeps working (0 = stops at once).
    package var graceHours: Int?
    package init(graceHours: Int? = nil) { self.graceHours = graceHours }
}

/// A client-credentials grant as the gateway forwards it, after checking the protocol (RFC 6749 §4.4).
package struct ClientCredentialsGrant: Codable, Sendable, Hashable {
    package var clientID: String
    package var clientSecret: String
    package var scope: String?

    package init(clientID: String, clientSecret: String, scope: String?) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
    }
}

/// RFC 6749 §5.1 access token response.
package struct OAuthAccessToken: Codable, Sendable, Hashable {
    package var accessToken: String
    package var tokenType: String
    package var expiresIn: Int
    package var scope: String

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case scope
    }

    package init(accessToken: String, tokenType: String = "Bearer", expiresIn: Int, scope: String) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.scope = scope
    }
}

/// A public signing key as JWKS publishes it (RFC 7517, EC P-256).
package struct PublicJWK: Codable, Sendable, Hashable {
    package var kty: String
    package var crv: String
    package var x: String
    package var y: String
    package var kid: String
    package var use: String
    package var alg: String

    package init(kty: String = "EC", crv: String = "P-256", x: String, y: String, kid: String, use: String = "sig", alg: String = "ES256") {
        self.kty = kty
        self.crv = crv
        self.x = x
        self.y = y
        self.kid = kid
        self.use = use
        self.alg = alg
    }
}

package struct JWKSet: Codable, Sendable, Hashable {
    package var keys: [PublicJWK]
    package init(keys: [PublicJWK]) { self.keys = keys }
}

/// A signing key as admins see it: never the private part.
package struct SigningKeyMetadata: Codable, Sendable, Hashable {
    package var kid: String
    package var algorithm: String
    package var createdAt: Date
    /// Set when a newer key took over; the key still verifies tokens it signed until they expire.
    package var retiredAt: Date?
    package var active: Bool

    package init(kid: String, algorithm: String, createdAt: Date, retiredAt: Date?, active: Bool) {
        self.kid = kid
        self.algorithm = algorithm
        self.createdAt = createdAt
        self.retiredAt = retiredAt
        self.active = active
    }
}
