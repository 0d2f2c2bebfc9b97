/// A random (version 4, RFC 9562 §5.4) UUID as lowercase text, e.g. resource and request ids.
///
/// Foundation's `UUID()` opens `/dev/urandom` on every call on Linux (an `open`, a `read` and a `close` per id,
/// visible in the directory's profile); this draws the 16 bytes from the system generator (`getrandom`) instead, and
/// writes the text straight into the string's storage (the gateway makes one per request, for its request id).
package enum RandomUUID {
    package static func lowercasedString() -> String {
        var generator = SystemRandomNumberGenerator()
        var random = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &random) { bytes in
            bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
            bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
            return text(of: bytes)
        }
    }

    /// A time-ordered (version 7, RFC 9562 §5.7) UUID: the Unix time in milliseconds, then 74 random bits. Ids made
    /// later sort later, so rows keyed by them are appended to their index instead of landing on a random page of it
    /// (the provisioning log stores some 200,000 a sync).
    package static func timeOrderedLowercasedString(milliseconds: UInt64) -> String {
        var generator = SystemRandomNumberGenerator()
        var random = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &random) { bytes in
            for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - UInt64(index)))) }
            bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
            bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
            return text(of: bytes)
        }
    }

    private static func text(of bytes: UnsafeMutableRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                text[position] = hexDigit(bytes[index] >> 4)
                text[position + 1] = hexDigit(bytes[index] & 0x0F)
                position += 2
            }
            return position
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
