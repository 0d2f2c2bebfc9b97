import Foundation

/// A JSON document as a value: what a SCIM resource is before and after schema-aware processing.
///
/// Resources travel through Provisio as `JSONValue` so that whatever an identity provider sends
/// (extensions, custom attributes) survives the round trip without a lossy typed model in between.
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

/// `Codable` offers no way to ask which kind of value comes next, so decoding tries each kind in turn; the order
/// (null, string, object, array, then the rare ones) keeps the common cases cheap, as every failed try throws.
/// Whole documents are read and written by ``JSONReader`` and ``JSONWriter`` instead; this conformance serves
/// resources embedded in internal messages.
extension JSONValue: Codable {
    package init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(String.self) {
            self = .string(value)
        } else if let keyed = try? decoder.container(keyedBy: AnyCodingKey.self) {
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(keyed.allKeys.count)
            for key in keyed.allKeys { members[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key) }
            self = .object(members)
        } else if var unkeyed = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            if let count = unkeyed.count { elements.reserveCapacity(count) }
            while !unkeyed.isAtEnd { elements.append(try unkeyed.decode(JSONValue.self)) }
            self = .array(elements)
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else {
            throw DecodingError.dataCorruptedError(in: single, debugDescription: "not a JSON value")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 9.0e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    package init(stringLiteral value: String) { self = .string(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(integerLiteral value: Int) { self = .number(Double(value)) }
    package init(floatLiteral value: Double) { self = .number(value) }
    package init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    package init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    package var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    package var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    package var numberValue: Double? { if case .number(let value) = self { value } else { nil } }
    package var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    package var objectValue: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    package var isNull: Bool { self == .null }

    /// The member of an object whose key matches `key` case-insensitively (SCIM attribute names are
    /// case-insensitive, RFC 7643 §2.1). An exact match wins over a case-folded one.
    package subscript(caseInsensitive key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        if let exact = members[key] { return exact }
        let folded = key.lowercased()
        return members.first { $0.key.lowercased() == folded }?.value
    }

    /// The actual key in this object that matches `key` case-insensitively, if any.
    package func existingKey(caseInsensitive key: String) -> String? {
        guard case .object(let members) = self else { return nil }
        if members[key] != nil { return key }
        let folded = key.lowercased()
        return members.keys.first { $0.lowercased() == folded }
    }
}

extension JSONValue {
    /// What kind of value this is, for an error's detail: "an object", "the string \"x\"" (cut at 64 characters).
    package var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string(let text): "the string \"\(text.prefix(64))\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue {
    /// Decodes JSON bytes. Invalid JSON is a SCIM `invalidSyntax` error.
    package static func decode(_ data: Data) throws(ScimError) -> JSONValue {
        do {
            return try JSONReader.parse(data)
        } catch {
            throw ScimError.invalidSyntax("The request body is not valid JSON (\(error.description)).")
        }
    }

    /// Decodes JSON text (a stored document).
    package static func decode(_ text: String) throws(ScimError) -> JSONValue {
        do {
            return try JSONReader.parse(text)
        } catch {
            throw ScimError.invalidSyntax("The document is not valid JSON (\(error.description)).")
        }
    }

    /// Encodes as compact JSON with sorted keys, so equal values give equal bytes.
    package func encoded() -> Data { JSONWriter.data(self) }

    package func encodedString() -> String { JSONWriter.string(self) }
}

/// Any string (or integer) as a coding key: the members of a JSON object whose keys are not known in advance.
package struct AnyCodingKey: CodingKey {
    package var stringValue: String
    package var intValue: Int?
    package init(stringValue: String) { self.stringValue = stringValue }
    package init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}
