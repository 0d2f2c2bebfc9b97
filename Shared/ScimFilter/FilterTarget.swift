import ScimCore

/// What one comparison in a filter points at, after schema resolution. Shared by the validator, the evaluator and
/// the SQL translator so that all three agree on what `emails co "x"` or `name pr` mean.
struct FilterTarget: Sendable, Hashable {
    /// The resolved path; in an element scope, the parent attribute with `subAttribute` set to the compared field.
    var resolved: ResolvedAttribute
    /// The definition whose values are compared; nil for `pr` on a complex attribute as a whole (`name pr`).
    var leaf: AttributeDefinition?
    /// True when the path named a complex attribute and the comparison applies to its `value` sub-attribute
    /// (`emails co "x"` ≡ `emails.value co "x"`, RFC 7644 §3.4.2.2).
    var implicitValue: Bool
    /// True when the comparison is relative to one element of a multi-valued (or complex) attribute.
    var inElement: Bool
}

/// Where paths in a (sub-)filter are resolved: against the resource, or against the elements of an attribute.
enum FilterScope: Sendable, Hashable {
    case resource
    case element(of: ResolvedAttribute)
}

extension SchemaRegistry {
    /// Resolves the path of a comparison, or explains why it cannot be used in a filter.
    func filterTarget(
        _ path: AttributePath,
        op: CompareOperator,
        resourceType: String,
        scope: FilterScope
    ) -> Result<FilterTarget, ScimError> {
        switch scope {
        case .resource:
            guard let resolved = resolve(path, resourceType: resourceType) else {
                return .failure(.invalidFilter("Unknown attribute '\(path)' in filter for resource type '\(resourceType)'."))
            }
            if resolved.attribute.returned == .never || resolved.subAttribute?.returned == .never {
                return .failure(.invalidFilter("The attribute '\(path)' cannot be used in a filter."))
            }
            if let sub = resolved.subAttribute {
                return leafCheck(path, op: op, .init(resolved: resolved, leaf: sub, implicitValue: false, inElement: false))
            }
            if resolved.attribute.type != .complex {
                return .success(.init(resolved: resolved, leaf: resolved.attribute, implicitValue: false, inElement: false))
            }
            if op == .pr {
                return .success(.init(resolved: resolved, leaf: nil, implicitValue: false, inElement: false))
            }
            guard let value = resolved.attribute.subAttribute(named: "value") else {
                return .failure(.invalidFilter("The complex attribute '\(path)' needs a sub-attribute to compare with '\(op.rawValue)'."))
            }
            var withValue = resolved
            withValue.subAttribute = value
            return leafCheck(path, op: op, .init(resolved: withValue, leaf: value, implicitValue: true, inElement: false))
        case .element(let parent):
            guard path.schemaURN == nil, path.subAttribute == nil else {
                return .failure(.invalidFilter("'\(path)' inside '\(parent.canonicalPath)[…]' must be a plain sub-attribute name."))
            }
            guard let sub = parent.attribute.subAttribute(named: path.attribute) else {
                return .failure(.invalidFilter("Unknown sub-attribute '\(path.attribute)' of '\(parent.canonicalPath)' in filter."))
            }
            if sub.returned == .never {
                return .failure(.invalidFilter("The attribute '\(parent.canonicalPath).\(sub.name)' cannot be used in a filter."))
            }
            var resolved = parent
            resolved.subAttribute = sub
            return leafCheck(path, op: op, .init(resolved: resolved, leaf: sub, implicitValue: false, inElement: true))
        }
    }

    private func leafCheck(_ path: AttributePath, op: CompareOperator, _ target: FilterTarget) -> Result<FilterTarget, ScimError> {
        if target.leaf?.type == .complex, op != .pr {
            return .failure(.invalidFilter("The complex attribute '\(path)' cannot be compared with '\(op.rawValue)'."))
        }
        return .success(target)
    }

    /// The parent of a value filter `attr[…]`: it must resolve to a complex attribute without a sub-attribute.
    func valuePathParent(_ path: AttributePath, resourceType: String) -> Result<ResolvedAttribute, ScimError> {
        guard let resolved = resolve(path, resourceType: resourceType) else {
            return .failure(.invalidFilter("Unknown attribute '\(path)' in filter for resource type '\(resourceType)'."))
        }
        guard resolved.subAttribute == nil, resolved.attribute.type == .complex else {
            return .failure(.invalidFilter("'\(path)[…]' needs a complex attribute; '\(path)' is not one."))
        }
        if resolved.attribute.returned == .never {
            return .failure(.invalidFilter("The attribute '\(path)' cannot be used in a filter."))
        }
        return .success(resolved)
    }
}

/// Type rules shared by validation and translation.
enum FilterValueRules {
    /// The compare value a comparison against `leaf` uses: strings `"true"`/`"false"` become booleans for boolean
    /// attributes (Entra sends booleans as strings), everything else is unchanged.
    static func coerced(_ value: JSONValue?, for leaf: AttributeDefinition) -> JSONValue? {
        if leaf.type == .boolean, case .string(let text)? = value {
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return value
            }
        }
        return value
    }

    /// Throws `invalidFilter` when `op` or `value` does not suit the attribute's type.
    static func check(_ path: AttributePath, _ op: CompareOperator, _ value: JSONValue?, leaf: AttributeDefinition?) throws(ScimError) {
        guard op != .pr else { return }
        guard let leaf else { throw .invalidFilter("'\(path)' can only be tested with 'pr'.") }
        let value = coerced(value, for: leaf)
        let typeName = leaf.type.rawValue
        if value == nil || value == .null {
            guard op == .eq || op == .ne else {
                throw .invalidFilter("'\(op.rawValue)' needs a non-null value ('\(path)').")
            }
            return
        }
        switch op {
        case .co, .sw, .ew:
            guard leaf.type == .string || leaf.type == .reference else {
                throw .invalidFilter("'\(op.rawValue)' applies to string attributes only; '\(path)' is \(typeName).")
            }
        case .gt, .ge, .lt, .le:
            guard leaf.type != .boolean, leaf.type != .binary else {
                throw .invalidFilter("'\(op.rawValue)' cannot compare the \(typeName) attribute '\(path)'.")
            }
        default: break
        }
        switch (leaf.type, value) {
        case (.string, .string?), (.reference, .string?), (.binary, .string?), (.boolean, .bool?), (.decimal, .number?):
            return
        case (.integer, .number(let number)?):
            guard number.rounded() == number else {
                throw .invalidFilter("'\(path)' is an integer; \(FilterExpression.literal(.number(number))) is not.")
            }
        case (.dateTime, .string(let text)?):
            guard ScimDateTime.secondsSince1970(text) != nil else {
                throw .invalidFilter("'\(path)' is a dateTime; \(FilterExpression.literal(.string(text))) is not an xsd:dateTime.")
            }
        default:
            throw .invalidFilter("'\(path)' is \(typeName); the value \(FilterExpression.literal(value ?? .null)) does not match.")
        }
    }
}
