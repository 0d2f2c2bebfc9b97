/// Checks a resource a client sent (create, replace, or the result of a PATCH) against the types its schemas declare,
/// before anything is stored (RFC 7643 §2.3, §7).
///
/// For every attribute the registry knows — the core schema, the common attributes, each extension the resource type
/// carries (a tenant's custom extensions included) — it checks that:
/// - a multi-valued attribute is an array, and a single-valued one is not;
/// - a complex value is an object, and each known sub-attribute inside it has its declared type;
/// - a simple value has its declared type: strings (and references, binaries) are strings, integers integral
///   numbers, decimals numbers, dateTimes RFC 3339 strings, booleans booleans.
/// A mismatch is `invalidValue` naming the path (`emails[1].primary`). `null` is always accepted (it unassigns).
/// Strings are bounded: the attributes the stores index (`userName`, `externalId`, `displayName`, `emails.value`)
/// to `maximumIndexedLength` bytes — PostgreSQL refuses an index entry over about 2.7 KB — and any other to
/// `maximumStringLength`.
///
/// What the identity providers really send stays accepted: booleans as `"True"`/`"false"` strings and numbers as
/// numeric strings (Entra), and a bare string for a single-valued complex attribute with a `value` sub-attribute
/// (Entra's `manager`). Attributes no schema knows are left alone (RFC 7644 §3.3 lets a server ignore them), and so
/// are read-only ones (`id`, `meta`), which the server replaces. `canonicalValues` are suggestions in RFC 7643
/// (§7: "MAY be used"), so `emails[].type = "corp"` is valid.
///
/// The walk follows the schema, not the input: it descends only into attributes the schema declares complex, which
/// nest two levels at most, so its work is bounded by the resource's size whatever the input holds.
package struct ResourceValidator: Sendable {
    /// Longest value of an indexed attribute, in UTF-8 bytes.
    package static let maximumIndexedLength = 1_024
    /// Longest value of any other string attribute, in UTF-8 bytes.
    package static let maximumStringLength = 65_536
    /// Most values of one multi-valued attribute (a group's `members` excepted: the body's size bounds them, and the
    /// directory stores them as rows in batches).
    package static let maximumValues = 1_000
    /// Paths (lower-cased) whose values the stores index.
    static let indexedPaths: Set<String> = ["username", "externalid", "displayname", "emails.value"]

    package let registry: SchemaRegistry
    package let resourceType: ScimResourceType

    package init(registry: SchemaRegistry, resourceType: ScimResourceType) {
        self.registry = registry
        self.resourceType = resourceType
    }

    package func validate(_ resource: JSONValue) throws(ScimError) {
        guard case .object(let members) = resource else {
            throw .invalidSyntax("A \(resourceType.name.lowercased()) must be a JSON object.")
        }
        guard let type = registry.resourceType(id: resourceType.name) else { return }
        let core = (registry.schema(id: type.schema)?.attributes ?? []) + registry.commonAttributes
        let extensions = registry.extensionSchemas(of: type)
        for (key, value) in members {
            if key.caseInsensitiveEquals("schemas") {
                try checkSchemas(value)
            } else if let ext = extensions.first(where: { $0.id.caseInsensitiveEquals(key) }) {
                try checkExtension(value, ext)
            } else if let attribute = core.first(where: { $0.name.caseInsensitiveEquals(key) }) {
                try check(value, attribute, at: attribute.name)
            }
        }
    }

    private func checkSchemas(_ value: JSONValue) throws(ScimError) {
        guard case .array(let elements) = value, elements.allSatisfy({ if case .string = $0 { true } else { false } }) else {
            throw .invalidValue("'schemas' must be an array of schema URIs.")
        }
    }

    private func checkExtension(_ value: JSONValue, _ schema: SchemaDefinition) throws(ScimError) {
        switch value {
        case .null: return
        case .object(let members):
            for (key, member) in members {
                guard let attribute = schema.attribute(named: key) else { continue }
                try check(member, attribute, at: "\(schema.id):\(attribute.name)")
            }
        default:
            throw .invalidValue("'\(schema.id)' is a schema extension; its value must be an object, not \(value.kindDescription).")
        }
    }

    /// One attribute's value, by its definition.
    private func check(_ value: JSONValue, _ attribute: AttributeDefinition, at path: String) throws(ScimError) {
        if attribute.mutability == .readOnly || value.isNull { return }
        guard attribute.multiValued else {
            if case .array = value {
                throw .invalidValue("'\(path)' is single-valued; its value must not be an array.")
            }
            return try checkSingle(value, attribute, at: path)
        }
        guard case .array(let elements) = value else {
            throw .invalidValue("'\(path)' is multi-valued; its value must be an array, not \(value.kindDescription).")
        }
        if elements.count > Self.maximumValues, !attribute.name.caseInsensitiveEquals("members") {
            throw .invalidValue("'\(path)' has \(elements.count) values; at most \(Self.maximumValues) are accepted.")
        }
        for (index, element) in elements.enumerated() where !element.isNull {
            let elementPath = "\(path)[\(index)]"
            if attribute.type == .complex {
                guard case .object(let members) = element else {
                    throw .invalidValue("Each value of '\(path)' must be an object; '\(elementPath)' is \(element.kindDescription).")
                }
                try checkMembers(members, of: attribute, at: elementPath)
            } else {
                try checkSimple(element, attribute, at: elementPath)
            }
        }
    }

    private func checkSingle(_ value: JSONValue, _ attribute: AttributeDefinition, at path: String) throws(ScimError) {
        guard attribute.type == .complex else { return try checkSimple(value, attribute, at: path) }
        switch value {
        case .object(let members):
            try checkMembers(members, of: attribute, at: path)
        case .string where attribute.subAttribute(named: "value").map({ $0.type != .complex }) ?? false:
            return  // Entra's bare-string manager: the value sub-attribute given on its own.
        default:
            throw .invalidValue("'\(path)' is a complex attribute; its value must be an object, not \(value.kindDescription).")
        }
    }

    private func checkMembers(_ members: [String: JSONValue], of attribute: AttributeDefinition, at path: String) throws(ScimError) {
        for (key, member) in members {
            guard let sub = attribute.subAttribute(named: key) else { continue }
            try check(member, sub, at: "\(path).\(sub.name)")
        }
    }

    private func checkSimple(_ value: JSONValue, _ attribute: AttributeDefinition, at path: String) throws(ScimError) {
        let fits: Bool
        switch (attribute.type, value) {
        case (.string, .string), (.reference, .string), (.binary, .string), (.boolean, .bool): fits = true
        case (.boolean, .string(let text)):
            let folded = text.trimmingSpaces().lowercased()
            fits = folded == "true" || folded == "false"
        case (.integer, .number(let number)): fits = number.isFinite && number.rounded() == number
        case (.integer, .string(let text)): fits = Int64(text.trimmingSpaces()) != nil
        case (.decimal, .number(let number)): fits = number.isFinite
        case (.decimal, .string(let text)): fits = Double(text.trimmingSpaces()).map(\.isFinite) ?? false
        case (.dateTime, .string(let text)): fits = ScimDateTime.secondsSince1970(text) != nil
        default: fits = false
        }
        guard fits else {
            throw .invalidValue("'\(path)' expects a value of type \(attribute.type.rawValue), not \(value.kindDescription).")
        }
        // Only a long string needs its path looked at: the common short one costs one count.
        if case .string(let text) = value, text.utf8.count > Self.maximumIndexedLength {
            let limit = Self.indexedPaths.contains(Self.schemaPath(path)) ? Self.maximumIndexedLength : Self.maximumStringLength
            guard text.utf8.count <= limit else {
                throw .invalidValue("'\(path)' is \(text.utf8.count) bytes long; at most \(limit) are accepted.")
            }
        }
    }

    /// `emails[2].value` as `emails.value`, lower-cased: the path without element indexes.
    private static func schemaPath(_ path: String) -> String {
        var out = ""
        var inIndex = false
        for character in path.lowercased() {
            if character == "[" { inIndex = true } else if character == "]" { inIndex = false } else if !inIndex { out.append(character) }
        }
        return out
    }
}
