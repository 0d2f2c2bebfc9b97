/// Lower-case hexadecimal text of bytes (a digest as a map key or an identifier), on every SCIM request: a table
/// lookup per nibble, where `String(format:)` per byte would go through Foundation's formatter each time.
package func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}
