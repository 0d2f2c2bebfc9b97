import ScimCore

/// Case-insensitive member access for the `[String: JSONValue]` objects the engine edits
/// (SCIM attribute names are case-insensitive, RFC 7643 §2.1).
extension Dictionary where Key == String, Value == JSONValue {
    func key(caseInsensitive key: String) -> String? {
        if self[key] != nil { return key }
        let folded = key.lowercased()
        return keys.first { $0.lowercased() == folded }
    }

    func value(caseInsensitive key: String) -> JSONValue? {
        self.key(caseInsensitive: key).flatMap { self[$0] }
    }

    /// Stores `value` under `key`, dropping any differently-cased spelling; `nil` removes the member.
    mutating func set(caseInsensitive key: String, to value: JSONValue?) {
        let folded = key.lowercased()
        for existing in keys where existing != key && existing.lowercased() == folded {
            removeValue(forKey: existing)
        }
        self[key] = value
    }
}

extension JSONValue {
    /// An empty object or array counts as unassigned (RFC 7643 §2.5); so does `null`.
    var isUnassigned: Bool {
        switch self {
        case .null: true
        case .array(let elements): elements.isEmpty
        case .object(let members): members.isEmpty
        default: false
        }
    }

    // JSONValue is ExpressibleByNilLiteral, so `condition ? nil : value` silently means `.null`, not absence.
    // These spell absence explicitly.

    /// `nil` for JSON `null`, else the value.
    var nonNull: JSONValue? { isNull ? JSONValue?.none : self }

    /// `nil` when unassigned (`null`, `[]`, `{}`), else the value.
    var assigned: JSONValue? { isUnassigned ? JSONValue?.none : self }

    var isPrimary: Bool { self[caseInsensitive: "primary"] == .bool(true) }
}
