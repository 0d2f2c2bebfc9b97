import ScimCore
import ScimFilter

/// `add` and `replace` (RFC 7644 §3.5.2.1, §3.5.2.3).
extension PatchSession {
    mutating func write(_ kind: PatchOperationKind, _ target: PatchTarget, value: JSONValue, pathless: Bool) throws(ScimError) {
        guard let spec = target.spec else { return try writeUnregistered(kind, target, value: value) }
        if spec.mutability == .readOnly {
            // Only a path-less value gets here (a path naming it already failed): an echo of the current value,
            // like the group id Okta sends with every rename, is tolerated; anything else is an attempt to write.
            guard value.assigned == currentValue(of: target)?.assigned else {
                throw ScimError.mutability("'\(target.display)' is read-only.")
            }
            return
        }
        if target.subSpec?.mutability == .readOnly {
            return  // a path-less `manager.displayName`: dropped, as read-only sub-attributes inside values are
        }
        if spec.multiValued {
            if target.filter == nil, target.subName == nil {
                try writeList(kind, target, spec: spec, value: value)
            } else {
                try writeElements(kind, target, spec: spec, value: value)
            }
        } else if spec.isComplex {
            try writeComplex(target, spec: spec, value: value)
        } else {
            try commit(target, value.isNull ? JSONValue?.none : try ValueCoercion.scalar(value, as: spec, at: target.display))
        }
    }

    /// A single-valued complex attribute (`name`, `manager`) or one of its sub-attributes. Both `add` and
    /// `replace` merge: sub-attributes the value leaves out keep their values (RFC 7644 §3.5.2.3).
    private mutating func writeComplex(_ target: PatchTarget, spec: AttributeSpec, value: JSONValue) throws(ScimError) {
        var object = currentValue(of: target)?.objectValue ?? [:]
        if let subName = target.subName {
            let sub = target.subSpec ?? AttributeSpec(name: subName, type: .string)
            let newValue = try Self.subAttributeValue(value, as: sub, at: target.display)
            if newValue == nil, sub.required, object.value(caseInsensitive: sub.name) != nil {
                throw ScimError.invalidValue("'\(target.display)' is required and cannot be removed.")
            }
            object.set(caseInsensitive: sub.name, to: newValue)
        } else {
            if value.isNull { return try commit(target, nil) }
            for (key, member) in try ValueCoercion.complex(value, as: spec, at: target.display, keepNulls: true) {
                object.set(caseInsensitive: key, to: member.nonNull)
            }
        }
        try commit(target, .object(object))
    }

    /// A whole multi-valued attribute: `add` appends values not already present, `replace` swaps the list.
    private mutating func writeList(
        _ kind: PatchOperationKind,
        _ target: PatchTarget,
        spec: AttributeSpec,
        value: JSONValue
    ) throws(ScimError) {
        let values = try ValueCoercion.list(value, as: spec, at: target.display)
        guard kind == .add else { return try commit(target, .array(values)) }
        var list = existingList(target)
        var touched: [Int] = []
        for element in values {
            if let index = list.firstIndex(of: element) {
                touched.append(index)
            } else {
                list.append(element)
                touched.append(list.count - 1)
            }
        }
        Self.enforceSinglePrimary(&list, preferring: touched)
        try commit(target, .array(list))
    }

    /// Elements selected by a value filter (`emails[type eq "work"]`), optionally one sub-attribute of them
    /// (`emails[type eq "work"].value`), or a sub-attribute of every element (`emails.value`).
    ///
    /// When nothing matches, an `eq`/`and` filter describes the element to create (Entra, IDP-WIRE §2.1 item 7):
    /// `emails[type eq "work"].value` creates `{"type":"work","value":…}` for `add` and `replace` alike, and
    /// later operations in the request find and extend that element. Whole-element `replace` with no match is
    /// `noTarget`, as RFC 7644 §3.5.2.3 says.
    private mutating func writeElements(
        _ kind: PatchOperationKind,
        _ target: PatchTarget,
        spec: AttributeSpec,
        value: JSONValue
    ) throws(ScimError) {
        var list = existingList(target)
        let matches = matchingIndices(list, target)
        var touched = matches

        if let subName = target.subName {
            let sub = target.subSpec ?? AttributeSpec(name: subName, type: .string)
            let newValue = try Self.subAttributeValue(value, as: sub, at: target.display)
            if matches.isEmpty {
                guard let newValue else { return }
                guard var element = try seed(target, spec: spec) else {
                    throw ScimError.noTarget("No value of '\(target.name)' matches the filter in '\(target.display)'.")
                }
                element.set(caseInsensitive: sub.name, to: newValue)
                list.append(.object(element))
                touched = [list.count - 1]
            } else {
                for index in matches {
                    guard case .object(var element) = list[index] else { continue }
                    element.set(caseInsensitive: sub.name, to: newValue)
                    list[index] = .object(element)
                }
            }
        } else if spec.isComplex {
            let members = try ValueCoercion.complex(
                try singleElement(value, target),
                as: spec,
                at: target.display,
                keepNulls: true
            )
            if matches.isEmpty {
                guard kind == .add, var element = try seed(target, spec: spec) else {
                    throw ScimError.noTarget("No value of '\(target.name)' matches the filter in '\(target.display)'.")
                }
                for (key, member) in members where !member.isNull { element.set(caseInsensitive: key, to: member) }
                list.append(.object(element))
                touched = [list.count - 1]
            } else {
                let base = kind == .replace ? (try seed(target, spec: spec) ?? [:]) : nil
                for index in matches {
                    var element = base ?? list[index].objectValue ?? [:]
                    for (key, member) in members { element.set(caseInsensitive: key, to: member.nonNull) }
                    list[index] = .object(element)
                }
            }
        } else {
            throw ScimError.invalidPath("'\(target.display)': value filters apply only to multi-valued complex attributes.")
        }
        list.removeAll(where: \.isUnassigned)
        Self.enforceSinglePrimary(&list, preferring: touched)
        try commit(target, .array(list))
    }

    /// An attribute of a schema the registry does not know: stored as given under its URN.
    mutating func writeUnregistered(_ kind: PatchOperationKind, _ target: PatchTarget, value: JSONValue) throws(ScimError) {
        let existing = currentValue(of: target)
        if let subName = target.subName {
            var object = existing?.objectValue ?? [:]
            object.set(caseInsensitive: subName, to: value.nonNull)
            return try commit(target, .object(object))
        }
        switch (kind, existing, value) {
        case (_, _, .null):
            try commit(target, nil)
        case (.add, .array(let list)?, .array(let added)):
            try commit(target, .array(list + added.filter { !list.contains($0) }))
        case (.add, .object(var object)?, .object(let added)):
            for (key, member) in added { object.set(caseInsensitive: key, to: member.nonNull) }
            try commit(target, .object(object))
        default:
            try commit(target, value)
        }
    }

    // MARK: - Helpers

    func existingList(_ target: PatchTarget) -> [JSONValue] {
        switch currentValue(of: target) {
        case nil, .null?: []
        case .array(let list)?: list
        case let single?: [single]
        }
    }

    /// Indices of the elements the target's filter selects (all elements when there is no filter).
    func matchingIndices(_ list: [JSONValue], _ target: PatchTarget) -> [Int] {
        guard let filter = target.filter else { return Array(list.indices) }
        let evaluator = FilterEvaluator(registry: engine.registry, resourceType: engine.resourceType)
        return list.indices.filter { evaluator.matches(filter, element: list[$0], of: target.attributePath) }
    }

    /// The element a filter of `eq` comparisons joined by `and` describes, e.g. `{"type":"work"}`; `nil` when the
    /// filter says anything else (or when there is none).
    func seed(_ target: PatchTarget, spec: AttributeSpec) throws(ScimError) -> [String: JSONValue]? {
        guard let filter = target.filter, let equalities = Self.equalities(in: filter) else { return nil }
        return try ValueCoercion.complex(.object(equalities), as: spec, at: target.display, keepNulls: false)
    }

    static func equalities(in filter: FilterExpression) -> [String: JSONValue]? {
        switch filter {
        case .compare(let path, .eq, let value?):
            guard path.schemaURN == nil, path.subAttribute == nil, !value.isNull else { return nil }
            return [path.attribute: value]
        case .logical(.and, let operands):
            var merged: [String: JSONValue] = [:]
            for operand in operands {
                guard let more = equalities(in: operand) else { return nil }
                for (key, value) in more {
                    if let existing = merged.value(caseInsensitive: key), existing != value { return nil }
                    merged[key] = value
                }
            }
            return merged
        default:
            return nil
        }
    }

    /// The element value of a filtered add/replace: an object, or a one-element array holding it.
    private func singleElement(_ value: JSONValue, _ target: PatchTarget) throws(ScimError) -> JSONValue {
        guard case .array(let elements) = value else { return value }
        guard elements.count == 1 else {
            throw ScimError.invalidValue("'\(target.display)' selects values by filter; give one value, not a list.")
        }
        return elements[0]
    }

    /// RFC 7643 §2.4: `primary: true` appears at most once. The most recently written primary element wins;
    /// the others get `primary: false`.
    static func enforceSinglePrimary(_ list: inout [JSONValue], preferring preferred: [Int]) {
        let primaries = list.indices.filter { list[$0].isPrimary }
        guard primaries.count > 1 else { return }
        let keep = preferred.last(where: primaries.contains) ?? primaries[0]
        for index in primaries where index != keep {
            guard case .object(var element) = list[index] else { continue }
            element.set(caseInsensitive: "primary", to: .bool(false))
            list[index] = .object(element)
        }
    }
}

extension PatchSession {
    /// A PATCH value for a sub-attribute, coerced to its type (a list for a multi-valued one); nil for `null`, which
    /// removes it.
    fileprivate static func subAttributeValue(_ value: JSONValue, as sub: AttributeSpec, at display: String) throws(ScimError) -> JSONValue? {
        if value.isNull { return nil }
        return sub.multiValued ? .array(try ValueCoercion.list(value, as: sub, at: display)) : try ValueCoercion.value(value, as: sub, at: display)
    }
}
