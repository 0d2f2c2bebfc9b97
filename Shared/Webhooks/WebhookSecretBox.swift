import Crypto
import Foundation

/// Encrypts webhook secrets at rest: they sign every delivery, so they cannot be stored hashed. AES-GCM (256-bit)
/// under a key from configuration; the stored text is base64 of nonce + ciphertext + tag. With no key configured,
/// the key is derived from the services' internal key with HKDF-SHA256 (salt `provisio-webhook-secrets`, info `v1`):
/// anyone with the internal key and the database can read the secrets, as they could sign internal calls anyway.
package struct WebhookSecretBox: Sendable {
    private let key: SymmetricKey

    package enum Failure: Error, Equatable {
        /// `WEBHOOK_ENCRYPTION_KEY` is not base64 of 32 bytes.
        case badKey
        /// A stored secret that does not open under this key (another key, or damaged).
        case unreadable
    }

    /// `encodedKey`: base64 of 32 bytes.
    package init(encodedKey: String) throws {
        guard let data = Data(base64Encoded: encodedKey), data.count == 32 else { throw Failure.badKey }
        self.key = SymmetricKey(data: data)
    }

    /// The key derived from the internal key (see the type's comment).
    package init(derivedFromInternalKey internalKey: String) {
        self.key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Array(internalKey.utf8)),
            salt: Array("provisio-webhook-secrets".utf8),
            info: Array("v1".utf8),
            outputByteCount: 32
        )
    }

    package func seal(_ secret: WebhookSecret) throws -> String {
        guard let combined = try AES.GCM.seal(secret.key, using: key).combined else { throw Failure.unreadable }
        return combined.base64EncodedString()
    }

    package func open(_ stored: String) throws -> WebhookSecret {
        do {
            guard let data = Data(base64Encoded: stored) else { throw Failure.unreadable }
            return WebhookSecret(key: Array(try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key)))
        } catch {
            throw Failure.unreadable
        }
    }
}

extension WebhookSecretBox: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String { "WebhookSecretBox(redacted)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: []) }
}
