import Crypto
import Foundation

/// An endpoint's signing secret in the Standard Webhooks format: `whsec_` + base64 of the key bytes. Provisio makes
/// them from 32 random bytes; the key HMAC uses is the decoded part after the prefix.
package struct WebhookSecret: Sendable, Hashable {
    package static let prefix = "whsec_"
    package static let generatedByteCount = 32

    /// The key bytes (never logged: this type prints as `WebhookSecret(redacted)`).
    package let key: [UInt8]

    package init(key: [UInt8]) { self.key = key }

    /// A new secret of 32 random bytes from the system's cryptographic generator.
    package static func generate() -> WebhookSecret {
        WebhookSecret(key: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// `whsec_<base64>` (the prefix optional, as the Standard Webhooks libraries accept); nil when the rest is not
    /// base64 or is empty.
    package init?(text: String) {
        let encoded = text.hasPrefix(Self.prefix) ? String(text.dropFirst(Self.prefix.count)) : text
        guard let data = Data(base64Encoded: encoded), !data.isEmpty else { return nil }
        self.key = Array(data)
    }

    /// `whsec_` + base64 of the key: what the client is shown once and what its verifier is configured with.
    package var text: String { Self.prefix + Data(key).base64EncodedString() }
}

extension WebhookSecret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String { "WebhookSecret(redacted)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: []) }
}
