import Foundation

/// Client ids (`pvc_<16>`, not secret) and secrets (`pvcs_<43>`, 32 random bytes, stored only as SHA-256).
enum ClientSecret {
    static func newClientID() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijkmnopqrstuvwxyz23456789")
        return "pvc_" + String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }

    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return "pvcs_" + BearerToken.base64URL((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    static func hash(_ secret: String) -> String { BearerToken.hash(secret) }
}
