/// The two string operations every SCIM request runs many times — case-insensitive name comparison and trimming —
/// written so the common ASCII case allocates nothing. (`lowercased()` on both sides allocated two strings per
/// comparison, and Foundation's `trimmingCharacters(in:)` builds a character set per call; both showed in profiles
/// of the gateway and the directory.)
extension StringProtocol {
    /// Case-insensitive equality, as SCIM attribute names and schema URNs require (RFC 7643 §2.1). ASCII is
    /// compared byte by byte; anything else falls back to comparing the lowercased strings.
    package func caseInsensitiveEquals<T: StringProtocol>(_ other: T) -> Bool {
        Self.caseInsensitiveEquals(self, other)
    }

    fileprivate static func caseInsensitiveEquals<T: StringProtocol>(_ string: Self, _ other: T) -> Bool {
        var left = string.utf8.makeIterator()
        var right = other.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil):
                return true
            case (let a?, let b?):
                if a == b { continue }
                guard a < 0x80, b < 0x80 else { return string.lowercased() == other.lowercased() }
                if Self.asciiLowercase(a) != Self.asciiLowercase(b) { return false }
            case (let a?, nil):
                return a < 0x80 ? false : string.lowercased() == other.lowercased()
            case (nil, let b?):
                return b < 0x80 ? false : string.lowercased() == other.lowercased()
            }
        }
    }

    /// The text without leading and trailing white space (Unicode `White_Space`: spaces, tabs, line breaks).
    package func trimmingSpaces() -> String {
        let text = String(self)
        // Text that starts and ends with a visible ASCII character (almost all of it) has nothing to trim.
        if let first = text.utf8.first, let last = text.utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return text
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}

extension String {
    /// ``StringProtocol/caseInsensitiveEquals(_:)`` for two strings. Not generic, so callers in other modules (the
    /// filter parser, the directory's list queries) run a specialized comparison; through the generic method they
    /// would run it unspecialized, on every filter.
    package func caseInsensitiveEquals(_ other: String) -> Bool {
        Self.caseInsensitiveEquals(self, other)
    }
}
