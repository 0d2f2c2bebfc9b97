import Crypto
import Foundation
import Logging
import ServiceKit

/// The shape of a Provisio bearer token: `pvs_<prefix>_<secret>`.
///
/// The prefix (10 characters) is not secret: it is stored in clear and indexed, so verification is one look-up
/// by prefix and a constant-time comparison of the secret's SHA-256 hash. The secret is 32 random bytes
/// (base64url, 43 characters) and is never stored.
struct BearerToken: Sendable {
    static let scheme = "pvs"
    var prefix: String
    var secret: String

    var text: String { "\(Self.scheme)_\(prefix)_\(secret)" }

    /// A new token from the system's cryptographically secure generator.
    static func generate() -> BearerToken {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijkmnopqrstuvwxyz23456789")
        let prefix = String((0..<10).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return BearerToken(prefix: prefix, secret: base64URL(bytes))
    }

    /// Splits a presented token; nil when it does not have Provisio's shape (under `scheme`: `pvk` for tenant API keys).
    init?(parsing text: String, scheme: String = Self.scheme) {
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == scheme, parts[1].utf8.count == 10, (20...128).contains(parts[2].utf8.count) else {
            return nil
        }
        self.prefix = String(parts[1])
        self.secret = String(parts[2])
    }

    init(prefix: String, secret: String) {
        self.prefix = prefix
        self.secret = secret
    }

    /// Hex SHA-256 of the secret: what the store keeps.
    var secretHash: String { Self.hash(secret) }

    static func hash(_ secret: String) -> String {
        hexString(SHA256.hash(data: Data(secret.utf8)))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
