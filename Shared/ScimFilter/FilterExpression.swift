import ScimCore

/// The comparison operators of RFC 7644 §3.4.2.2 (matched case-insensitively when parsing).
package enum CompareOperator: String, Sendable, Hashable, CaseIterable {
    case eq, ne, co, sw, ew, gt, ge, lt, le, pr
}

/// `and` / `or` (matched case-insensitively when parsing).
package enum LogicalOperator: String, Sendable, Hashable {
    case and, or
}

/// A parsed SCIM filter (RFC 7644 §3.4.2.2).
///
/// `emails[type eq "work"].value eq "x"` (Entra) is represented as
/// `.valuePath(emails, .logical(.and, type eq "work", value eq "x"))`: "some element has type work and value x",
/// which is what Entra means. Its `description` therefore prints as `emails[type eq "work" and value eq "x"]`.
indirect package enum FilterExpression: Sendable, Hashable {
    /// `path op value`; `pr` carries nil.
    case compare(AttributePath, CompareOperator, JSONValue?)
    case logical(LogicalOperator, FilterExpression, FilterExpression)
    case not(FilterExpression)
    /// `attr[filter]`; paths inside are relative to an element of `attr`.
    case valuePath(AttributePath, FilterExpression)
}

extension FilterExpression: CustomStringConvertible {
    /// The filter as RFC 7644 text; parsing it again gives an equal expression.
    package var description: String { render(parentPrecedence: 0) }

    private var precedence: Int {
        switch self {
        case .logical(.or, _, _): 1
        case .logical(.and, _, _): 2
        default: 3
        }
    }

    private func render(parentPrecedence: Int) -> String {
        let text: String
        switch self {
        case .compare(let path, .pr, _):
            text = "\(path) pr"
        case .compare(let path, let op, let value):
            text = "\(path) \(op.rawValue) \(FilterExpression.literal(value ?? .null))"
        case .logical(let op, let lhs, let rhs):
            // Left-associative: a right operand of the same precedence needs parentheses to keep its grouping.
            text = "\(lhs.render(parentPrecedence: precedence)) \(op.rawValue) \(rhs.render(parentPrecedence: precedence + 1))"
        case .not(let inner):
            text = "not (\(inner.render(parentPrecedence: 0)))"
        case .valuePath(let path, let inner):
            text = "\(path)[\(inner.render(parentPrecedence: 0))]"
        }
        return precedence < parentPrecedence ? "(\(text))" : text
    }

    /// A JSON literal for a compare value.
    package static func literal(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            if number.rounded() == number, abs(number) < 9.0e15 { return String(Int64(number)) }
            return "\(number)"
        case .string(let string): return quoted(string)
        case .array, .object: return value.encodedString()
        }
    }

    private static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
