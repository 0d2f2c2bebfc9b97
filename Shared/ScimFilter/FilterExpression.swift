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
/// `.valuePath(emails, .and(type eq "work", value eq "x"))`: "some element has type work and value x",
/// which is what Entra means. Its `description` therefore prints as `emails[type eq "work" and value eq "x"]`.
///
/// A chain of one logical operator is one node with all its operands (`a or b or c` is `.logical(.or, [a, b, c])`),
/// so the tree's depth grows only with parentheses, `not` and brackets, which the parser bounds; a flat chain of
/// a thousand terms is as shallow as one of two, and no pass over the tree (validation, translation, evaluation,
/// even its release) recurses once per term.
indirect package enum FilterExpression: Sendable, Hashable {
    /// `path op value`; `pr` carries nil.
    case compare(AttributePath, CompareOperator, JSONValue?)
    /// Two or more operands joined by one operator. Build it with `and(_:)`/`or(_:)`, which flatten nested chains
    /// of the same operator.
    case logical(LogicalOperator, [FilterExpression])
    case not(FilterExpression)
    /// `attr[filter]`; paths inside are relative to an element of `attr`.
    case valuePath(AttributePath, FilterExpression)
}

extension FilterExpression {
    /// `operands` joined by `op`, with operands that are themselves `op` chains spliced in (`and` and `or` are
    /// associative); one operand is returned as it is.
    package static func combining(_ op: LogicalOperator, _ operands: [FilterExpression]) -> FilterExpression {
        var flat: [FilterExpression] = []
        flat.reserveCapacity(operands.count)
        for operand in operands {
            if case .logical(op, let inner) = operand {
                flat.append(contentsOf: inner)
            } else {
                flat.append(operand)
            }
        }
        return flat.count == 1 ? flat[0] : .logical(op, flat)
    }

    package static func and(_ operands: FilterExpression...) -> FilterExpression { combining(.and, operands) }
    package static func or(_ operands: FilterExpression...) -> FilterExpression { combining(.or, operands) }
}

extension FilterExpression: CustomStringConvertible {
    /// The filter as RFC 7644 text; parsing it again gives an equal expression.
    package var description: String { render(parentPrecedence: 0) }

    private var precedence: Int {
        switch self {
        case .logical(.or, _): 1
        case .logical(.and, _): 2
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
        case .logical(let op, let operands):
            // An operand of the same precedence is a nested chain built without flattening: parentheses keep it one.
            text = operands.map { $0.render(parentPrecedence: precedence + 1) }.joined(separator: " \(op.rawValue) ")
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
