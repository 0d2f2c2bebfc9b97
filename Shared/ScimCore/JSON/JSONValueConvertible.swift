import Foundation

/// A message that converts to and from a ``JSONValue`` by hand, so it travels through ``JSONReader`` and
/// ``JSONWriter`` instead of `Codable`. The internal messages that carry whole SCIM resources conform (the
/// resources would otherwise be decoded value by value through `Codable`'s type probing); the rest stay `Codable`.
package protocol JSONValueConvertible {
    init(json: JSONValue) throws(ScimError)
    var json: JSONValue { get }
}

extension JSONValueConvertible {
    package static func decode(_ data: Data) throws(ScimError) -> Self { try Self(json: try JSONValue.decode(data)) }
    package func encoded() -> Data { JSONWriter.data(json) }
}

/// Typed access to the members of a message object; a missing or mistyped member is `400 invalidSyntax` naming it.
extension JSONValue {
    package func member(_ key: String) throws(ScimError) -> JSONValue {
        guard case .object(let members) = self else { throw ScimError.invalidSyntax("The message must be a JSON object.") }
        guard let value = members[key], value != .null else { throw ScimError.invalidSyntax("Missing required field '\(key)'.") }
        return value
    }

    package func string(_ key: String) throws(ScimError) -> String {
        guard let text = try member(key).stringValue else { throw ScimError.invalidSyntax("Field '\(key)' must be a string.") }
        return text
    }

    package func optionalString(_ key: String) throws(ScimError) -> String? {
        guard let value = objectValue?[key], value != .null else { return nil }
        guard let text = value.stringValue else { throw ScimError.invalidSyntax("Field '\(key)' must be a string.") }
        return text
    }

    package func int(_ key: String) throws(ScimError) -> Int {
        guard let number = try member(key).numberValue, let integer = Int(exactly: number) else {
            throw ScimError.invalidSyntax("Field '\(key)' must be an integer.")
        }
        return integer
    }

    package func optionalInt(_ key: String) throws(ScimError) -> Int? {
        guard let value = objectValue?[key], value != .null else { return nil }
        guard let number = value.numberValue, let integer = Int(exactly: number) else {
            throw ScimError.invalidSyntax("Field '\(key)' must be an integer.")
        }
        return integer
    }

    package func bool(_ key: String) throws(ScimError) -> Bool {
        guard let flag = try member(key).boolValue else { throw ScimError.invalidSyntax("Field '\(key)' must be a boolean.") }
        return flag
    }

    package func object(_ key: String) throws(ScimError) -> [String: JSONValue] {
        guard let members = try member(key).objectValue else { throw ScimError.invalidSyntax("Field '\(key)' must be an object.") }
        return members
    }

    package func array(_ key: String) throws(ScimError) -> [JSONValue] {
        guard let elements = try member(key).arrayValue else { throw ScimError.invalidSyntax("Field '\(key)' must be an array.") }
        return elements
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Sets a member only when there is a value: absent optionals are left out, as `JSONEncoder` leaves them out.
    package mutating func setIfPresent(_ key: String, _ value: Int?) {
        if let value { self[key] = .number(Double(value)) }
    }

    package mutating func setIfPresent(_ key: String, _ value: String?) {
        if let value { self[key] = .string(value) }
    }
}
