import Foundation
import Testing
import Webhooks

@Suite("Webhook signing (Standard Webhooks)")
struct WebhookSignatureTests {
    /// The Standard Webhooks specification's published test vector.
    @Test func signsTheSpecificationsVector() throws {
        let secret = try #require(WebhookSecret(text: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let signature = WebhookSignature.sign(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
            timestamp: 1_614_265_330,
            body: Array(#"{"test": 2432232314}"#.utf8),
            secret: secret
        )
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func anyChangeToIdTimestampOrBodyChangesTheSignature() throws {
        let secret = try #require(WebhookSecret(text: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let reference = WebhookSignature.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body, secret: secret)
        #expect(WebhookSignature.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJeK", timestamp: 1_614_265_330, body: body, secret: secret) != reference)
        #expect(WebhookSignature.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_331, body: body, secret: secret) != reference)
        #expect(
            WebhookSignature.sign(
                id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
                timestamp: 1_614_265_330,
                body: Array(#"{"test": 2432232315}"#.utf8),
                secret: secret
            )
                != reference
        )
    }

    @Test func twoSecretsGiveTwoSpaceSeparatedSignaturesInOrder() throws {
        let old = try #require(WebhookSecret(text: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let new = WebhookSecret.generate()
        let body = Array("{}".utf8)
        let header = WebhookSignature.header(id: "evt_1", timestamp: 1_700_000_000, body: body, secrets: [new, old])
        let parts = header.split(separator: " ").map(String.init)
        #expect(parts.count == 2)
        #expect(parts[0] == WebhookSignature.sign(id: "evt_1", timestamp: 1_700_000_000, body: body, secret: new))
        #expect(parts[1] == WebhookSignature.sign(id: "evt_1", timestamp: 1_700_000_000, body: body, secret: old))
        #expect(parts[0] != parts[1])
    }
}

@Suite("Webhook secrets: format and encryption at rest")
struct WebhookSecretTests {
    @Test func generatedSecretsAreWhsecAndBase64Of32RandomBytes() throws {
        let first = WebhookSecret.generate()
        let second = WebhookSecret.generate()
        #expect(first.key.count == 32)
        #expect(first != second)
        #expect(first.text.hasPrefix("whsec_"))
        let decoded = try #require(Data(base64Encoded: String(first.text.dropFirst(6))))
        #expect(Array(decoded) == first.key)
        #expect(WebhookSecret(text: first.text) == first)
    }

    @Test(arguments: ["", "whsec_", "whsec_not base64!", "whsec_@@@@"])
    func unreadableSecretTextIsRefused(text: String) {
        #expect(WebhookSecret(text: text) == nil)
    }

    @Test func secretsNeverPrint() {
        let secret = WebhookSecret.generate()
        #expect(!"\(secret)".contains(secret.text.dropFirst(6)))
        #expect(!String(reflecting: secret).contains(secret.text.dropFirst(6)))
    }

    @Test func sealedSecretsOpenUnderTheSameKeyOnly() throws {
        let box = try WebhookSecretBox(encodedKey: Data(repeating: 7, count: 32).base64EncodedString())
        let secret = WebhookSecret.generate()
        let sealed = try box.seal(secret)
        #expect(!sealed.contains(secret.text.dropFirst(6)))
        #expect(try box.open(sealed) == secret)
        #expect(try box.seal(secret) != sealed, "a fresh nonce each time")

        let other = try WebhookSecretBox(encodedKey: Data(repeating: 8, count: 32).base64EncodedString())
        #expect(throws: WebhookSecretBox.Failure.unreadable) { try other.open(sealed) }
        #expect(throws: WebhookSecretBox.Failure.unreadable) { try box.open("not-base64") }
    }

    @Test func derivedKeysDependOnTheInternalKey() throws {
        let secret = WebhookSecret.generate()
        let sealed = try WebhookSecretBox(derivedFromInternalKey: "internal-key-one-0123456789").seal(secret)
        #expect(try WebhookSecretBox(derivedFromInternalKey: "internal-key-one-0123456789").open(sealed) == secret)
        #expect(throws: WebhookSecretBox.Failure.unreadable) {
            try WebhookSecretBox(derivedFromInternalKey: "internal-key-two-0123456789").open(sealed)
        }
    }

    @Test(arguments: ["", "short", Data(repeating: 1, count: 16).base64EncodedString()])
    func encryptionKeysMustBe32BytesOfBase64(key: String) {
        #expect(throws: WebhookSecretBox.Failure.badKey) { try WebhookSecretBox(encodedKey: key) }
    }
}
