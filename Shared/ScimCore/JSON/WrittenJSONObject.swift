/// The top-level members of a JSON object as ``JSONWriter`` writes it — compact, keys sorted — found without parsing
/// the values: each key and the bytes of its value, to be copied into a larger document as they are.
///
/// A read of a stored resource is mostly the stored text itself; parsing it into a ``JSONValue`` only to write the
/// same bytes again was about a tenth of the directory's CPU on a read. It checks the text's shape, not each token:
/// it is meant for text ``JSONWriter`` wrote (the directory's own stored documents), and anything that is plainly
/// not — whitespace between tokens, a key with an escape or a non-ASCII byte, keys out of order or repeated,
/// unbalanced brackets, a missing value, trailing bytes — gives nil, and the caller parses the text instead. Numbers,
/// literals and string escapes inside values are copied without being checked.
package struct WrittenJSONObject: Sendable {
    package struct Member: Sendable {
        /// The key (ASCII, no escapes).
        package var key: String
        /// Where the value's bytes are in ``bytes``.
        package var value: Range<Int>
    }

    /// The whole text's UTF-8 bytes.
    package let bytes: [UInt8]
    /// In key order, which is ``JSONWriter``'s order: for ASCII keys, ascending bytes.
    package let members: [Member]

    package init?(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    private init?(bytes: [UInt8]) {
        guard let members = Self.scan(bytes) else { return nil }
        self.bytes = bytes
        self.members = members
    }

    private static func scan(_ bytes: [UInt8]) -> [Member]? {
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        var members: [Member] = []
        var index = 1
        let end = bytes.count - 1
        if index == end { return members }
        var previousKey: ArraySlice<UInt8>?
        while true {
            guard let keyRange = asciiKey(bytes, from: index) else { return nil }
            let key = bytes[keyRange]
            if let previousKey, !previousKey.lexicographicallyPrecedes(key) { return nil }  // out of order, or repeated
            previousKey = key
            index = keyRange.upperBound + 1  // the closing quote
            guard index < end, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            guard let valueEnd = skipValue(bytes, from: index, end: end), valueEnd > index else { return nil }
            members.append(Member(key: String(decoding: key, as: UTF8.self), value: index..<valueEnd))
            index = valueEnd
            if index == end { return members }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    /// The bytes between the quotes of a key starting at `start`, if it is plain ASCII without escapes.
    private static func asciiKey(_ bytes: [UInt8], from start: Int) -> Range<Int>? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return (start + 1)..<index }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        return nil
    }

    /// Where the value starting at `start` ends: after its closing quote or bracket, or at the `,` or `}` that ends a
    /// number or literal. Nil if the value is cut short by `end` or its brackets do not balance.
    private static func skipValue(_ bytes: [UInt8], from start: Int, end: Int) -> Int? {
        var index = start
        var depth = 0
        var inString = false
        while index < end {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return index + 1 }
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth < 0 { return nil }
                if depth == 0 { return index + 1 }
            case UInt8(ascii: ","):
                if depth == 0 { return index }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                return nil  // not compact: not JSONWriter's text
            default:
                break
            }
            index += 1
        }
        // A number or literal runs to the closing brace of the object; anything open is cut short.
        return depth == 0 && !inString ? index : nil
    }
}
