import Foundation
import ScimCore

/// Brings a client-supplied value into the shape and types the schema declares.
///
/// - Booleans may arrive as strings (`"False"`, `"true"`: Entra, IDP-WIRE §2.1 item 5), numbers as numeric strings.
/// - A complex attribute given a bare scalar becomes `{"value": scalar}` when it has a `value` sub-attribute
///   (Entra's `manager`, IDP-WIRE §2.1 item 11).
/// - Sub-attribute names take the schema's spelling; read-only sub-attributes the client echoes back
///   (e.g. `manager.displayName`) are dropped; unknown sub-attributes are kept as given.
/// - A multi-valued attribute given a single value gets a one-element list; each element of a complex one must be an
///   object (`"emails": "x@example.com"` is `invalidValue`, not an email without a type).
/// Anything else that does not fit the declared type is `invalidValue`.
enum ValueCoercion {
    /// One value of `spec` (an element, for a multi-valued attribute).
    static func value(_ value: JSONValue, as spec: AttributeSpec, at path: String) throws(ScimError) -> JSONValue {
        if spec.isComplex {
            return .object(try complex(value, as: spec, at: path, keepNulls: false))
        }
        return try scalar(value, as: spec, at: path)
    }

    /// The elements of a multi-valued attribute; `null` elements are dropped. At most one may be primary.
    static func list(_ value: JSONValue, as spec: AttributeSpec, at path: String) throws(ScimError) -> [JSONValue] {
        let elements: [JSONValue]
        switch value {
        case .array(let array): elements = array
        case .null: elements = []
        default: elements = [value]
        }
        var result: [JSONValue] = []
        for element in elements where !element.isNull {
            if spec.isComplex, element.objectValue == nil {
                throw ScimError.invalidValue("Each value of '\(path)' must be an object, not \(element.kindDescription).")
            }
            let coerced = try self.value(element, as: spec, at: path)
            if spec.isComplex, coerced.isUnassigned { continue }
            result.append(coerced)
        }
        if result.count(where: \.isPrimary) > 1 {
            throw ScimError.invalidValue("At most one value of '\(path)' may be primary.")
        }
        return result
    }

    /// The members of a complex value with schema spelling. With `keepNulls`, a `null` sub-attribute stays in
    /// the result (as `.null`) so that a merge can unassign it.
    static func complex(
        _ value: JSONValue,
        as spec: AttributeSpec,
        at path: String,
        keepNulls: Bool
    ) throws(ScimError) -> [String: JSONValue] {
        switch value {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                guard let sub = spec.subAttribute(named: key) else {
                    if !member.isNull || keepNulls { result[key] = member }
                    continue
                }
                if sub.mutability == .readOnly { continue }
                if member.isNull {
                    if keepNulls { result[sub.name] = .null }
                    continue
                }
                let subPath = "\(path).\(sub.name)"
                result[sub.name] =
                    sub.multiValued ? .array(try list(member, as: sub, at: subPath)) : try self.value(member, as: sub, at: subPath)
            }
            return result
        case .null:
            return [:]
        default:
            if let valueSpec = spec.subAttribute(named: "value"), !valueSpec.isComplex {
                return [valueSpec.name: try scalar(value, as: valueSpec, at: "\(path).\(valueSpec.name)")]
            }
            throw ScimError.invalidValue("'\(path)' is a complex attribute; its value must be an object.")
        }
    }

    static func scalar(_ value: JSONValue, as spec: AttributeSpec, at path: String) throws(ScimError) -> JSONValue {
        switch spec.type {
        case .string, .reference, .binary:
            if case .string = value { return value }
        case .boolean:
            switch value {
            case .bool: return value
            case .string(let text):
                switch text.trimmingSpaces().lowercased() {
                case "true": return .bool(true)
                case "false": return .bool(false)
                default: break
                }
            default: break
            }
        case .integer:
            switch value {
            case .number(let number) where number.rounded() == number: return value
            case .string(let text):
                if let number = Int64(text.trimmingSpaces()) { return .number(Double(number)) }
            default: break
            }
        case .decimal:
            switch value {
            case .number: return value
            case .string(let text):
                if let number = Double(text.trimmingSpaces()), number.isFinite { return .number(number) }
            default: break
            }
        case .dateTime:
            if case .string(let text) = value, isDateTime(text) { return value }
        case .complex:
            return .object(try complex(value, as: spec, at: path, keepNulls: false))
        }
        throw ScimError.invalidValue("'\(path)' expects a value of type \(spec.type), not \(value.kindDescription).")
    }

    /// RFC 7643 §2.3.5: an xsd:dateTime.
    static func isDateTime(_ text: String) -> Bool {
        ScimDateTime.secondsSince1970(text) != nil
    }
}
