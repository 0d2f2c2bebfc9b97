import Crypto
import Foundation
import InternalAPI
import ServiceClients

/// The admin console's session id and what is derived from it. The id (32 random bytes, base64url) lives only in the
/// browser's cookie; the token service stores its SHA-256, and the per-session CSRF token is another hash of it, so
/// neither the stored row nor a rendered form reveals the id.
enum ConsoleSessionID {
    static let cookieName = "provisio_console"
    /// 32 bytes in base64url without padding.
    static let length = 43

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The SHA-256 (lower-case hex) the token service keys the session by.
    static func hash(_ id: String) -> String {
        hex(SHA256.hash(data: Data(id.utf8)))
    }

    /// The per-session token every console form carries (hidden field `csrf`).
    static func csrfToken(_ id: String) -> String {
        hex(SHA256.hash(data: Data("provisio-console-csrf:\(id)".utf8)))
    }

    static func isWellFormed(_ id: Substring) -> Bool {
        id.utf8.count == length
            && id.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
