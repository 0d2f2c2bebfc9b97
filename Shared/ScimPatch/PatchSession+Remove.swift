import ScimCore
import ScimFilter

/// `remove` (RFC 7644 §3.5.2.2).
extension PatchSession {
    mutating func remove(_ target: PatchTarget, value: JSONValue?) throws(ScimError) {
        guard let spec = target.spec else { return try removeUnregistered(target) }
        if spec.multiValued {
            if target.filter == nil, target.subName == nil {
                if let value, !value.isNull {
                    try removeListedValues(target, spec: spec, value: value)
                } else {
                    try commit(target, nil)
                }
            } else {
                try removeFromElements(target)
            }
            return
        }
        if let subName = target.subName {
            guard var object = currentValue(of: target)?.objectValue,
                object.value(caseInsensitive: subName) != nil
            else { return }
            if target.subSpec?.required == true {
                throw ScimError.invalidValue("'\(target.display)' is required and cannot be removed.")
            }
            object.set(caseInsensitive: subName, to: nil)
            return try commit(target, .object(object))
        }
        try commit(target, nil)
    }

    /// Removes the elements a filter selects, or a sub-attribute of them. No match is not an error: removal is
    /// idempotent. Removing the `value` of an element removes the element, since it means nothing without it
    /// (`remove emails[type eq "work"].value` drops the work email).
    private mutating func removeFromElements(_ target: PatchTarget) throws(ScimError) {
        var list = existingList(target)
        let matches = matchingIndices(list, target)
        guard !matches.isEmpty else { return }
        if let subName = target.subName {
            if target.subSpec?.required == true {
                throw ScimError.invalidValue("'\(target.display)' is required and cannot be removed.")
            }
            let dropsElement = subName.lowercased() == "value"
            for index in matches {
                guard case .object(var element) = list[index] else { continue }
                element.set(caseInsensitive: subName, to: nil)
                list[index] = dropsElement ? .null : .object(element)
            }
        } else {
            for index in matches { list[index] = .null }
        }
        list.removeAll(where: \.isUnassigned)
        try commit(target, .array(list))
    }

    /// `remove path=emails value=[{"value":"a@x"}]`: the shape Entra uses for members, applied to any
    /// multi-valued attribute. Only the listed values go; the attribute is never cleared wholesale.
    private mutating func removeListedValues(_ target: PatchTarget, spec: AttributeSpec, value: JSONValue) throws(ScimError) {
        let listed = try ValueCoercion.list(value, as: spec, at: target.display)
        let hasValue = spec.subAttribute(named: "value") != nil
        var list = existingList(target)
        list.removeAll { element in
            listed.contains { candidate in
                if spec.isComplex, hasValue, let wanted = candidate[caseInsensitive: "value"] {
                    return element[caseInsensitive: "value"] == wanted
                }
                return element == candidate
            }
        }
        try commit(target, .array(list))
    }

    private mutating func removeUnregistered(_ target: PatchTarget) throws(ScimError) {
        guard let subName = target.subName else { return try commit(target, nil) }
        guard var object = currentValue(of: target)?.objectValue else { return }
        object.set(caseInsensitive: subName, to: nil)
        try commit(target, .object(object))
    }
}
