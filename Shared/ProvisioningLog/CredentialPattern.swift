/// Text that looks like a credential wherever it appears: a Provisio bearer token (`pvs_…`), a tenant API key
/// (`pvk_…`), a webhook secret (`whsec_…`), a JWT (three base64url parts, the first starting `eyJ`), or an
/// `Authorization`-style `Bearer …`. One pass over the UTF-8 bytes; no allocation.
package enum CredentialPattern {
    /// Characters a prefixed credential needs after its prefix to count as one (`pvs_` alone is not a secret).
    static let minimumSecretLength = 8
    private static let prefixes: [[UInt8]] = [Array("pvs_".utf8), Array("pvk_".utf8), Array("whsec_".utf8)]
    private static let bearer = Array("bearer ".utf8)
    private static let jwtStart = Array("eyJ".utf8)

    package static func containsCredential(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count >= 7 else { return false }
        var text = text
        return text.withUTF8 { bytes in
            for start in bytes.indices {
                if startsCredential(bytes, at: start) { return true }
            }
            return false
        }
    }

    private static func startsCredential(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        switch bytes[start] {
        case UInt8(ascii: "p"), UInt8(ascii: "w"):
            for prefix in prefixes where matches(prefix, bytes, at: start, ignoringCase: false) {
                return tokenRun(bytes, from: start + prefix.count) >= minimumSecretLength
            }
            return false
        case UInt8(ascii: "e"):
            return isJWT(bytes, at: start)
        case UInt8(ascii: "b"), UInt8(ascii: "B"):
            return matches(bearer, bytes, at: start, ignoringCase: true) && tokenRun(bytes, from: start + bearer.count) >= minimumSecretLength
        default:
            return false
        }
    }

    private static func matches(_ prefix: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, at start: Int, ignoringCase: Bool) -> Bool {
        guard start + prefix.count <= bytes.count else { return false }
        for offset in prefix.indices {
            var byte = bytes[start + offset]
            if ignoringCase, byte >= 0x41, byte <= 0x5A { byte |= 0x20 }
            if byte != prefix[offset] { return false }
        }
        return true
    }

    /// `eyJ` then base64url, a dot, base64url, a dot, base64url (the signature may be empty for `alg: none`).
    private static func isJWT(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard matches(jwtStart, bytes, at: start, ignoringCase: false) else { return false }
        var index = start
        var dots = 0
        var partLength = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard partLength > 0 else { return false }
                dots += 1
                partLength = 0
                if dots == 2 { return true }
            } else if isBase64URL(byte) {
                partLength += 1
            } else {
                return false
            }
            index += 1
        }
        return false
    }

    /// How many token characters (base64url, `.`, `~`, `+`, `/`, `=`) follow `start`.
    private static func tokenRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            guard
                isBase64URL(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
            else { break }
            index += 1
        }
        return index - start
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
    }
}
