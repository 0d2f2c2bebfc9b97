import ScimCore

/// Evaluates a filter against resources in memory (the in-memory repository, PATCH value filters, tests).
///
/// Semantics (RFC 7644 §3.4.2.2):
/// - Attribute names are case-insensitive; string values compare case-insensitively unless the attribute is
///   `caseExact` (`id`, `externalId`). Ordering of strings is by Unicode code point (as SQL `BINARY` collation).
/// - `dateTime` values compare as instants (with or without fractional seconds, any offset); numbers numerically.
/// - A multi-valued attribute matches when any of its values matches; `emails co "x"` means `emails.value co "x"`.
/// - `pr` is true for a value that is not null, `""`, `[]` or an object without present members.
/// - `ne` is `not eq` (so an absent attribute is `ne` anything); `eq null` is `not pr`, `ne null` is `pr`.
/// - An unknown attribute or an ill-typed comparison matches nothing. Use `FilterValidator` to reject such filters.
package struct FilterEvaluator: Sendable {
    package let registry: SchemaRegistry
    package let resourceType: ScimResourceType

    package init(registry: SchemaRegistry, resourceType: ScimResourceType) {
        self.registry = registry
        self.resourceType = resourceType
    }

    package func matches(_ filter: FilterExpression, resource: JSONValue) -> Bool {
        evaluate(filter, scope: .resource, subject: resource)
    }

    /// Evaluates `filter` with paths relative to `element`, one value of the multi-valued (or complex) `attribute`:
    /// PATCH `members[value eq "2819c223"]`.
    package func matches(_ filter: FilterExpression, element: JSONValue, of attribute: AttributePath) -> Bool {
        guard case .success(let parent) = registry.valuePathParent(attribute, resourceType: resourceType.name) else { return false }
        return evaluate(filter, scope: .element(of: parent), subject: element)
    }

    private func evaluate(_ filter: FilterExpression, scope: FilterScope, subject: JSONValue) -> Bool {
        switch filter {
        case .logical(.and, let operands):
            return operands.allSatisfy { evaluate($0, scope: scope, subject: subject) }
        case .logical(.or, let operands):
            return operands.contains { evaluate($0, scope: scope, subject: subject) }
        case .not(let inner):
            return !evaluate(inner, scope: scope, subject: subject)
        case .valuePath(let path, let inner):
            guard case .resource = scope,
                case .success(let parent) = registry.valuePathParent(path, resourceType: resourceType.name)
            else { return false }
            return elements(of: parent, in: subject).contains { evaluate(inner, scope: .element(of: parent), subject: $0) }
        case .compare(let path, let op, let value):
            guard case .success(let target) = registry.filterTarget(path, op: op, resourceType: resourceType.name, scope: scope)
            else { return false }
            return compare(target, op, value, subject: subject)
        }
    }

    private func compare(_ target: FilterTarget, _ op: CompareOperator, _ rawValue: JSONValue?, subject: JSONValue) -> Bool {
        let values = self.values(of: target, in: subject)
        if op == .pr { return values.contains(where: Self.isPresent) }
        guard let leaf = target.leaf else { return false }
        let value = FilterValueRules.coerced(rawValue, for: leaf)
        if value == nil || value == .null {
            let present = values.contains(where: Self.isPresent)
            switch op {
            case .eq: return !present
            case .ne: return present
            default: return false
            }
        }
        guard let value else { return false }
        if op == .ne { return !values.contains { Self.compare($0, .eq, value, leaf) } }
        return values.contains { Self.compare($0, op, value, leaf) }
    }

    /// The values of the attribute of `parent` in `resource`: the array's elements, or the single object.
    private func elements(of parent: ResolvedAttribute, in resource: JSONValue) -> [JSONValue] {
        let container = parent.isExtension ? resource[caseInsensitive: parent.schema] : resource
        guard let raw = container?[caseInsensitive: parent.attribute.name] else { return [] }
        switch raw {
        case .array(let elements): return elements
        case .null: return []
        default: return [raw]
        }
    }

    /// The leaf values a comparison looks at, flattened over multi-valued attributes.
    private func values(of target: FilterTarget, in subject: JSONValue) -> [JSONValue] {
        if target.inElement {
            guard let leaf = target.leaf, let value = subject[caseInsensitive: leaf.name] else { return [] }
            return Self.flatten(value)
        }
        let resolved = target.resolved
        let container = resolved.isExtension ? subject[caseInsensitive: resolved.schema] : subject
        guard let raw = container?[caseInsensitive: resolved.attribute.name] else { return [] }
        guard let sub = resolved.subAttribute else {
            return resolved.attribute.multiValued ? Self.flatten(raw) : [raw]
        }
        let holders: [JSONValue] = if case .array(let elements) = raw { elements } else { [raw] }
        return holders.flatMap { holder -> [JSONValue] in
            guard let value = holder[caseInsensitive: sub.name] else { return [] }
            return Self.flatten(value)
        }
    }

    private static func flatten(_ value: JSONValue) -> [JSONValue] {
        if case .array(let elements) = value { return elements }
        return [value]
    }

    /// RFC 7644 `pr`: a non-empty value, or a complex value with a non-empty member.
    static func isPresent(_ value: JSONValue) -> Bool {
        switch value {
        case .null: false
        case .string(let text): !text.isEmpty
        case .array(let elements): elements.contains(where: isPresent)
        case .object(let members): members.values.contains(where: isPresent)
        case .bool, .number: true
        }
    }

    /// One typed comparison `actual op expected`; `expected` is never null here.
    static func compare(_ actual: JSONValue, _ op: CompareOperator, _ expected: JSONValue, _ leaf: AttributeDefinition) -> Bool {
        switch leaf.type {
        case .string, .reference, .binary:
            guard case .string(var a) = actual, case .string(var e) = expected else { return false }
            if !leaf.caseExact {
                a = a.lowercased()
                e = e.lowercased()
            }
            if leaf.type == .binary, op != .eq { return false }
            return compareStrings(a, op, e)
        case .boolean:
            guard op == .eq, case .bool(let e) = expected else { return false }
            switch actual {
            case .bool(let a): return a == e
            case .string(let a): return a.lowercased() == (e ? "true" : "false")
            default: return false
            }
        case .integer, .decimal:
            guard case .number(let a) = actual, case .number(let e) = expected else { return false }
            return compareOrdered(a, op, e)
        case .dateTime:
            guard case .string(let a) = actual, case .string(let e) = expected else { return false }
            if let at = ScimDateTime.secondsSince1970(a), let et = ScimDateTime.secondsSince1970(e) {
                return compareOrdered(at, op, et)
            }
            return compareStrings(a, op, e)
        case .complex:
            return false
        }
    }

    private static func compareStrings(_ a: String, _ op: CompareOperator, _ e: String) -> Bool {
        switch op {
        case .eq: return a == e
        case .ne: return a != e
        case .co: return e.isEmpty || a.contains(e)
        case .sw: return a.hasPrefix(e)
        case .ew: return a.hasSuffix(e)
        case .gt: return e.unicodeScalars.lexicographicallyPrecedes(a.unicodeScalars)
        case .ge: return !a.unicodeScalars.lexicographicallyPrecedes(e.unicodeScalars)
        case .lt: return a.unicodeScalars.lexicographicallyPrecedes(e.unicodeScalars)
        case .le: return !e.unicodeScalars.lexicographicallyPrecedes(a.unicodeScalars)
        case .pr: return !a.isEmpty
        }
    }

    private static func compareOrdered(_ a: Double, _ op: CompareOperator, _ e: Double) -> Bool {
        switch op {
        case .eq: a == e
        case .ne: a != e
        case .gt: a > e
        case .ge: a >= e
        case .lt: a < e
        case .le: a <= e
        case .co, .sw, .ew, .pr: false
        }
    }
}
