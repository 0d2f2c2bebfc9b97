import Foundation
import InternalAPI
import JWTKit
import ScimCore

/// Issues and verifies the short-lived JWT access tokens of the client-credentials grant.
struct AccessTokens<Store: TokenStore>: Sendable {
    static var scope: String { "scim" }
    let store: Store
    let keys: SigningKeyRing<Store>
    let clock: any TokenClock
    let lifetime: Int

    /// A signed token for the client's tenant and IdP, valid for `lifetime` seconds.
    func issue(for client: OAuthClientMetadata) async throws -> OAuthAccessToken {
        let now = clock.now()
        let claims = AccessTokenClaims(
            iss: .init(value: AccessTokenClaims.issuer),
            sub: .init(value: client.clientID),
            aud: .init(value: AccessTokenClaims.audience(tenantID: client.tenantID, idpID: client.idpID)),
            exp: .init(value: now.addingTimeInterval(TimeInterval(lifetime))),
            iat: .init(value: now),
            jti: .init(value: UUID().uuidString.lowercased()),
            tid: client.tenantID,
            idp: client.idpID,
            scope: Self.scope
        )
        let loaded = try await keys.current()
        let token = try await loaded.keys.sign(claims, kid: JWKIdentifier(string: loaded.activeKid))
        return OAuthAccessToken(accessToken: token, expiresIn: lifetime, scope: Self.scope)
    }

    /// Whether `text` looks like a JWT (three base64url parts): then it is verified here, not as a bearer token.
    static func looksLikeJWT(_ text: String) -> Bool {
        text.utf8.count < 4096 && text.split(separator: ".", omittingEmptySubsequences: false).count == 3 && !text.hasPrefix("pvs_")
    }

    /// When a token stops because of the client's last secret rotation: nil for a token issued after it; for one
    /// issued before (with the previous secret, which may have leaked), the end of the rotation's grace period, or
    /// the rotation itself without one. The stored rotation time has millisecond precision, hence the slack.
    static func rotationDeadline(issuedAt: Date, client: OAuthClientMetadata) -> Date? {
        guard let rotatedAt = client.secretRotatedAt, issuedAt < rotatedAt.addingTimeInterval(-0.001) else { return nil }
        return client.previousSecretValidUntil ?? rotatedAt
    }

    /// The tenant and IdP of a valid access token. A bad signature, unknown key or foreign audience is the same
    /// 401 as a garbage token; only a correctly signed token learns that it expired or its client was revoked.
    func verify(_ text: String) async throws -> TokenVerification {
        let invalid = ScimError.unauthorized("The bearer token is not valid.")
        let claims: AccessTokenClaims
        do {
            claims = try await keys.current().keys.verify(text, as: AccessTokenClaims.self)
        } catch {
            throw invalid
        }
        let now = clock.now()
        guard claims.exp.value > now else {
            throw ScimError.unauthorized(
                "The access token expired at \(ISO8601DateFormatter().string(from: claims.exp.value)); request a new one from the token endpoint."
            )
        }
        guard let client = try await store.client(id: claims.sub.value)?.metadata, client.tenantID == claims.tid, client.idpID == claims.idp
        else { throw invalid }
        if client.revokedAt.map({ $0 <= now }) == true {
            throw ScimError.unauthorized("The access token's OAuth client has been revoked.")
        }
        let deadline = Self.rotationDeadline(issuedAt: claims.iat.value, client: client)
        if let deadline, deadline <= now {
            throw ScimError.unauthorized("The access token was issued before its OAuth client's secret was rotated; request a new one.")
        }
        return TokenVerification(
            tenantID: claims.tid,
            idpID: claims.idp,
            tokenID: "oauth:" + claims.jti.value,
            expiresAt: min(claims.exp.value, deadline ?? claims.exp.value),
            clientID: client.clientID
        )
    }
}
