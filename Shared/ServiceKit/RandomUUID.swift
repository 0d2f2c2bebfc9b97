/// A random (version 4, RFC 9562 §5.4) UUID as lowercase text, e.g. resource and request ids.
///
/// Foundation's `UUID()` opens `/dev/urandom` on every call on Linux (an `open`, a `read` and a `close` per id,
/// visible in the directory's profile); this draws the 16 bytes from the system generator (`getrandom`) instead.
package enum RandomUUID {
    package static func lowercasedString() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<2).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
