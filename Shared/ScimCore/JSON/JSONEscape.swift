/// JSON's one-character escapes (RFC 8259 §7), shared by ``JSONReader`` and the SCIM filter lexer, whose string
/// literals are JSON strings (RFC 7644 §3.4.2.2). `\u` escapes are read by each, as their errors differ.
package enum JSONEscape {
    /// The byte `\` followed by `escape` stands for, or nil when `escape` is not a one-character escape.
    @inlinable
    package static func decodedSingleCharacter(_ escape: UInt8) -> UInt8? {
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }
}
