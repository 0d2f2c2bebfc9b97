import Foundation
import JWTKit

/// The claims of an OAuth access token: which client it was issued to and the one tenant and IdP it
/// authenticates. Expiry is checked against the service's `TokenClock` by ``AccessTokens``, not here, so tests
/// move time instead of sleeping.
struct AccessTokenClaims: JWTPayload {
    static let issuer = "provisio"

    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    var tid: String
    var idp: String
    var scope: String

    /// The audience of a token for one tenant's one identity provider.
    static func audience(tenantID: String, idpID: String) -> String { "provisio:scim:\(tenantID)/\(idpID)" }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard iss.value == Self.issuer, aud.value == [Self.audience(tenantID: tid, idpID: idp)] else {
            throw JWTError.claimVerificationFailure(failedClaim: aud, reason: "not a Provisio SCIM access token")
        }
    }
}
