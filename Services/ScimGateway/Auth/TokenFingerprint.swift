import Crypto
import Foundation
import ServiceKit

/// A bearer token as the gateway's in-memory maps key it: the hex SHA-256 of the token, so no map holds a secret.
/// Computed once per request and shared by the verification cache and the failed-authentication limiter.
struct TokenFingerprint: Hashable, Sendable {
    let hex: String

    init(_ token: String) { hex = hexString(SHA256.hash(data: Data(token.utf8))) }
}
