import ScimCore

struct FilterToken: Equatable {
    enum Kind: Equatable {
        case word(String)
        case string(String)
        case leftParen, rightParen, leftBracket, rightBracket
        case end

        var summary: String {
            switch self {
            case .word(let word): "'\(word)'"
            case .string(let string): "string literal \(FilterExpression.literal(.string(string)))"
            case .leftParen: "'('"
            case .rightParen: "')'"
            case .leftBracket: "'['"
            case .rightBracket: "']'"
            case .end: "end of filter"
            }
        }
    }

    var kind: Kind
    /// 1-based position of the token's first character (Unicode scalar).
    var position: Int
}

/// Splits filter text into words, JSON strings and brackets.
///
/// It reads the text's UTF-8 bytes: every character the grammar gives a meaning to is ASCII, and a word or a string
/// is copied out as one run of bytes, not rebuilt scalar by scalar. Positions in error messages still count Unicode
/// scalars, as users see characters.
enum FilterLexer {
    static func tokenize(_ text: String) throws(ScimError) -> [FilterToken] {
        var reader = ByteReader(Array(text.utf8))
        // PostgreSQL text cannot hold a NUL, and no SCIM value needs one: refused on every engine, before any store.
        if let nul = reader.bytes.firstIndex(of: 0) {
            throw .invalidFilter("A NUL character is not accepted in a filter (position \(reader.position(of: nul))).")
        }
        var tokens: [FilterToken] = []
        while !reader.isAtEnd {
            let byte = reader.bytes[reader.index]
            if let width = reader.whitespaceWidth(at: reader.index) {
                reader.index += width
                continue
            }
            let position = reader.position(of: reader.index)
            switch byte {
            case UInt8(ascii: "("):
                tokens.append(.init(kind: .leftParen, position: position))
                reader.index += 1
            case UInt8(ascii: ")"):
                tokens.append(.init(kind: .rightParen, position: position))
                reader.index += 1
            case UInt8(ascii: "["):
                tokens.append(.init(kind: .leftBracket, position: position))
                reader.index += 1
            case UInt8(ascii: "]"):
                tokens.append(.init(kind: .rightBracket, position: position))
                reader.index += 1
            case UInt8(ascii: "\""): tokens.append(.init(kind: .string(try reader.readString()), position: position))
            default: tokens.append(.init(kind: .word(reader.readWord()), position: position))
            }
        }
        tokens.append(.init(kind: .end, position: reader.position(of: reader.bytes.count)))
        return tokens
    }
}

/// The filter's bytes, a read position in them, and the count of Unicode scalars before a byte offset.
private struct ByteReader {
    let bytes: [UInt8]
    var index = 0
    /// The last offset ``position(of:)`` counted up to, and the scalars before it: offsets are asked for in order,
    /// so each byte is counted once.
    private var countedOffset = 0
    private var countedScalars = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }

    /// 1-based scalar position of the scalar starting at `offset`.
    mutating func position(of offset: Int) -> Int {
        if offset < countedOffset {
            countedOffset = 0
            countedScalars = 0
        }
        while countedOffset < offset {
            if bytes[countedOffset] & 0xC0 != 0x80 { countedScalars += 1 }
            countedOffset += 1
        }
        return countedScalars + 1
    }

    /// The scalar starting at `offset` and its length in bytes (the bytes are a Swift string's, so valid UTF-8).
    func scalar(at offset: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[offset]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length { value = value << 6 | UInt32(bytes[offset + k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    /// The length in bytes of the white space (Unicode `White_Space`) starting at `offset`, or nil when there is none.
    func whitespaceWidth(at offset: Int) -> Int? {
        let byte = bytes[offset]
        if byte < 0x80 { return byte == 0x20 || (0x09...0x0D).contains(byte) ? 1 : nil }
        let (scalar, length) = scalar(at: offset)
        return scalar.properties.isWhitespace ? length : nil
    }

    /// A bare word: everything up to white space, a bracket, a parenthesis or a quote.
    mutating func readWord() -> String {
        let start = index
        while index < bytes.count, !Self.endsWord(bytes[index]), whitespaceWidth(at: index) == nil {
            index += bytes[index] < 0x80 ? 1 : scalar(at: index).1
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private static func endsWord(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\""): true
        default: false
        }
    }

    /// A JSON string starting at the opening quote; leaves `index` after the closing quote.
    mutating func readString() throws(ScimError) -> String {
        let start = index
        let startPosition = position(of: start)
        index += 1
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            if byte != UInt8(ascii: "\\") {
                // The run up to the next quote or escape at once.
                let run = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
                out.append(contentsOf: bytes[run..<index])
                continue
            }
            guard index + 1 < bytes.count else { break }
            let escapeOffset = index
            let escape = bytes[index + 1]
            index += 2
            if let decoded = JSONEscape.decodedSingleCharacter(escape) {
                out.append(decoded)
                continue
            }
            switch escape {
            case UInt8(ascii: "u"):
                let escapePosition = position(of: escapeOffset)
                guard let high = hex4() else {
                    throw .invalidFilter("Invalid \\u escape at position \(escapePosition) in the string starting at position \(startPosition).")
                }
                let scalar: Unicode.Scalar?
                if (0xD800...0xDBFF).contains(high) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw .invalidFilter("Unpaired surrogate \\u escape at position \(escapePosition).")
                    }
                    index += 2
                    guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else {
                        throw .invalidFilter("Unpaired surrogate \\u escape at position \(escapePosition).")
                    }
                    scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    guard high != 0 else {
                        throw .invalidFilter("\\u0000 (NUL) at position \(escapePosition) is not accepted in a filter value.")
                    }
                    scalar = Unicode.Scalar(high)
                }
                guard let scalar else { throw .invalidFilter("Unpaired surrogate \\u escape at position \(escapePosition).") }
                out.append(contentsOf: UTF8.encode(scalar)!)
            default:
                let (character, _) = self.scalar(at: escapeOffset + 1)
                throw .invalidFilter(
                    "Invalid escape '\\\(character)' at position \(position(of: escapeOffset)) in the string starting at position \(startPosition)."
                )
            }
        }
        throw .invalidFilter("Unterminated string literal starting at position \(startPosition).")
    }

    /// Four hex digits at `index`, advancing past them; nil (and `index` unchanged) when they are not there.
    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for k in index..<(index + 4) {
            let byte = bytes[k]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: return nil
            }
            value = value * 16 + digit
        }
        index += 4
        return value
    }
}
