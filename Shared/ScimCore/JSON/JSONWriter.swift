import Foundation

/// Writes a ``JSONValue`` as compact JSON text with object keys sorted, so equal values give equal bytes — the
/// output `JSONEncoder` gives with `[.sortedKeys, .withoutEscapingSlashes]`, without its per-value boxing (profiles
/// showed encoding a list page through `Codable` as one of the largest costs of a SCIM read).
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    package static func data(_ value: JSONValue) -> Data {
        var writer = JSONWriter()
        writer.write(value)
        return Data(writer.bytes)
    }

    package static func string(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.write(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    package mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .number(let number): writeNumber(number)
        case .string(let text): writeString(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(key)
                bytes.append(UInt8(ascii: ":"))
                write(members[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Bytes that are already JSON text — a value ``WrittenJSONObject`` found in text this writer wrote — as they are.
    package mutating func appendRaw(_ text: ArraySlice<UInt8>) {
        bytes.append(contentsOf: text)
    }

    /// One byte of JSON punctuation (`{`, `,`, `}`) between pieces written by ``appendRaw(_:)`` and ``writeKey(_:)``.
    package mutating func appendByte(_ byte: UInt8) {
        bytes.append(byte)
    }

    /// An object's key and its colon; the value is written next.
    package mutating func writeKey(_ key: String) {
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Whole numbers within ±2^53 as integers; other finite numbers in Swift's shortest round-trip form (valid
    /// JSON); infinities and NaN, which JSON cannot express, as `null`.
    private mutating func writeNumber(_ number: Double) {
        if number.rounded() == number, abs(number) < 9.0e15 {
            append(String(Int64(number)))
        } else if number.isFinite {
            let text = String(number)
            append(text.hasSuffix(".0") ? String(text.dropLast(2)) : text)  // as JSONEncoder writes it
        } else {
            append("null")
        }
    }

    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Runs of bytes that need no escape are copied at once.
            var run = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                writeEscape(byte)
                run = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x0A: append("\\n")
        case 0x0D: append("\\r")
        case 0x09: append("\\t")
        case 0x08: append("\\b")
        case 0x0C: append("\\f")
        default:
            append("\\u00")
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0x0F)])
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
}
