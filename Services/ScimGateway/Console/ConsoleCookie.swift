import Foundation
import InternalAPI
import ServiceClients

/// The console's session cookie: read from `Cookie` headers (bounded before any walk) and written as `Set-Cookie`
/// with `HttpOnly`, `SameSite=Strict`, `Path=/console`, and `Secure` whenever the public URL is https.
enum ConsoleCookie {
    /// A `Cookie` header longer than this, or with more pairs, is not read.
    static let maximumHeaderLength = 8192
    static let maximumPairs = 64

    /// The session id of the first well-formed `provisio_console` cookie, if any.
    static func sessionID(fromHeaders headers: [String]) -> String? {
        for header in headers.prefix(8) where header.utf8.count <= maximumHeaderLength {
            for pair in header.split(separator: ";", maxSplits: maximumPairs, omittingEmptySubsequences: true).prefix(maximumPairs) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == ConsoleSessionID.cookieName else { continue }
                let value = Substring(parts[1].trimmingCharacters(in: .whitespaces))
                if ConsoleSessionID.isWellFormed(value) { return String(value) }
            }
        }
        return nil
    }

    /// The cookie that carries a new session (a session cookie: the server enforces the timeouts).
    static func setting(_ id: String, secure: Bool) -> String {
        "\(ConsoleSessionID.cookieName)=\(id); Path=/console; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The cookie that removes it at sign-out.
    static func clearing(secure: Bool) -> String {
        "\(ConsoleSessionID.cookieName)=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}
