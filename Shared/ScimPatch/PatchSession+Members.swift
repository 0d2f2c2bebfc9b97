import ScimCore
import ScimFilter

/// Operations on a group's `members`, which are rows in the database rather than part of the JSON: each one
/// becomes a ``MembershipChange`` (IDP-WIRE §2.1 items 8–9, §2.2 item 7).
extension PatchSession {
    func isMembersPath(_ path: PatchPath) -> Bool {
        guard engine.isGroup, path.attribute.attribute.lowercased() == "members" else { return false }
        return path.attribute.schemaURN.map(engine.isCoreSchema) ?? true
    }

    mutating func applyMembers(_ kind: PatchOperationKind, path: PatchPath, value: JSONValue?) throws(ScimError) {
        if path.targetSubAttribute != nil {
            throw ScimError.invalidPath("Sub-attributes of 'members' cannot be patched; add or remove the member instead.")
        }
        switch kind {
        case .add, .replace:
            if path.valueFilter != nil {
                throw ScimError.invalidPath("'\(kind)' on filtered 'members' is not supported; add or remove the member instead.")
            }
            guard let value else { throw ScimError.invalidValue("The \(kind) operation on 'members' needs a value.") }
            let references = try Self.memberReferences(in: value)
            if kind == .replace {
                membershipChanges.append(.replaceAll(references))
            } else if !references.isEmpty {
                membershipChanges.append(.add(references))
            }
        case .remove:
            if let filter = path.valueFilter {
                try validate(filter, elementOf: AttributePath(attribute: "members"), display: render(path))
                if let ids = Self.memberIDs(in: filter) {
                    membershipChanges.append(.remove(ids))
                } else {
                    membershipChanges.append(.removeMatching(filter))
                }
            } else if let value, !value.isNull {
                // Entra's default shape: remove path=members value=[{"value":"u1"}] removes u1, nothing else.
                let ids = try Self.memberReferences(in: value).map(\.value)
                if !ids.isEmpty { membershipChanges.append(.remove(ids)) }
            } else {
                membershipChanges.append(.removeAll)
            }
        }
    }

    /// `[{"value":"u1","display":"…","$ref":null}]`, a single such object, `{"members":[…]}`, or bare id strings.
    static func memberReferences(in value: JSONValue) throws(ScimError) -> [MemberReference] {
        let elements: [JSONValue]
        switch value {
        case .array(let array): elements = array
        case .null: elements = []
        case .object where value[caseInsensitive: "value"] == nil && value[caseInsensitive: "members"] != nil:
            return try memberReferences(in: value[caseInsensitive: "members"] ?? .null)
        default: elements = [value]
        }
        var references: [MemberReference] = []
        for element in elements where !element.isNull {
            let reference = try memberReference(element)
            if !references.contains(reference) { references.append(reference) }
        }
        return references
    }

    private static func memberReference(_ element: JSONValue) throws(ScimError) -> MemberReference {
        switch element {
        case .string(let id) where !id.isEmpty:
            return MemberReference(value: id)
        case .object:
            guard case .string(let id)? = element[caseInsensitive: "value"], !id.isEmpty else {
                throw ScimError.invalidValue("Each member needs a non-empty string 'value'.")
            }
            return MemberReference(
                value: id,
                type: try optionalString(element, "type"),
                display: try optionalString(element, "display")
            )
        default:
            throw ScimError.invalidValue("Each member must be an object with a non-empty string 'value'.")
        }
    }

    private static func optionalString(_ element: JSONValue, _ key: String) throws(ScimError) -> String? {
        switch element[caseInsensitive: key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case _?: throw ScimError.invalidValue("The member '\(key)' must be a string.")
        }
    }

    /// The ids in `value eq "a"` or `value eq "a" or value eq "b"`; `nil` for any other filter.
    static func memberIDs(in filter: FilterExpression) -> [String]? {
        switch filter {
        case .compare(let path, .eq, .string(let id)?):
            let attribute = path.attribute.lowercased()
            let isValue =
                path.schemaURN == nil
                && ((attribute == "value" && path.subAttribute == nil)
                    || (attribute == "members" && path.subAttribute?.lowercased() == "value"))
            return isValue && !id.isEmpty ? [id] : nil
        case .logical(.or, let operands):
            var ids: [String] = []
            var seen = Set<String>()
            for operand in operands {
                guard let more = memberIDs(in: operand) else { return nil }
                for id in more where seen.insert(id).inserted { ids.append(id) }
            }
            return ids
        default:
            return nil
        }
    }
}
