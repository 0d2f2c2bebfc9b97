/// The schemas and resource types a tenant's SCIM endpoint serves (RFC 7643 §6–§7), as plain data.
///
/// Used to resolve attribute paths (filters, PATCH paths, `attributes=`), to canonicalize resources to the schema's
/// spelling before storage, and to render `/Schemas` and `/ResourceTypes`. Names and URNs match case-insensitively.
package struct SchemaRegistry: Sendable {
    /// RFC 7643 User (with the enterprise extension, not required) and Group.
    package static let standard = SchemaRegistry(
        schemas: [StandardSchemas.user, StandardSchemas.group, StandardSchemas.enterpriseUser],
        resourceTypes: [StandardSchemas.userResourceType, StandardSchemas.groupResourceType]
    )

    /// All schemas, in registration order. A registry is built whole and never changed: `adding` and `requiring`
    /// build a new one, so what is derived from the schemas below is derived once per registry.
    package let schemas: [SchemaDefinition]
    /// All resource types, in registration order.
    package let resourceTypes: [ResourceTypeDefinition]
    /// The common attributes (RFC 7643 §3.1) every resource type has: `id`, `externalId`, `meta`, `schemas`.
    package var commonAttributes: [AttributeDefinition] { StandardSchemas.commonAttributes }
    /// Per resource type, what the default projection may change: computed once per registry rather than once per
    /// response.
    private let visibility: [(resourceType: String, visibility: DefaultVisibility)]
    /// Every attribute path of every resource type, unqualified and URN-qualified, resolved once per registry
    /// (``ResolvedPaths``; empty while the registry itself is being built, which resolves by walking).
    private var resolvedPaths = ResolvedPaths()

    package init(schemas: [SchemaDefinition], resourceTypes: [ResourceTypeDefinition]) {
        self.schemas = schemas
        self.resourceTypes = resourceTypes
        self.visibility = resourceTypes.map { ($0.id, DefaultVisibility(resourceType: $0, schemas: schemas)) }
        resolvedPaths = ResolvedPaths(registry: self)
    }

    /// The default projection's view of `resourceType`; nil for a type the registry does not know.
    package func defaultVisibility(of resourceType: String) -> DefaultVisibility? {
        visibility.first { $0.resourceType.caseInsensitiveEquals(resourceType) }?.visibility
    }

    /// A registry with `extension` registered (replacing a schema with the same id) and listed as an extension of
    /// `resourceTypeID`. Use it for tenant custom attributes (Entra `urn:…:extension:<App>:2.0:User`, Okta's namespace).
    package func adding(extension schema: SchemaDefinition, to resourceTypeID: String, required: Bool) -> SchemaRegistry {
        // Changed as local arrays and built once: each change to the registry's own properties derives its lookups.
        var schemas = self.schemas
        var resourceTypes = self.resourceTypes
        if let index = schemas.firstIndex(where: { $0.id.caseInsensitiveEquals(schema.id) }) {
            schemas[index] = schema
        } else {
            schemas.append(schema)
        }
        if let index = resourceTypes.firstIndex(where: { $0.id.caseInsensitiveEquals(resourceTypeID) }) {
            if let existing = resourceTypes[index].schemaExtensions.firstIndex(where: { $0.schema.caseInsensitiveEquals(schema.id) }) {
                resourceTypes[index].schemaExtensions[existing] = SchemaExtensionReference(schema: schema.id, required: required)
            } else {
                resourceTypes[index].schemaExtensions.append(SchemaExtensionReference(schema: schema.id, required: required))
            }
        }
        return SchemaRegistry(schemas: schemas, resourceTypes: resourceTypes)
    }

    /// The schema with URN `id` (case-insensitive).
    package func schema(id: String) -> SchemaDefinition? {
        schemas.first { $0.id.caseInsensitiveEquals(id) }
    }

    /// The resource type with `id` (case-insensitive), e.g. `User`.
    package func resourceType(id: String) -> ResourceTypeDefinition? {
        resourceTypes.first { $0.id.caseInsensitiveEquals(id) }
    }

    /// The extension schemas of a resource type, in declaration order.
    package func extensionSchemas(of resourceType: ResourceTypeDefinition) -> [SchemaDefinition] {
        resourceType.schemaExtensions.compactMap { schema(id: $0.schema) }
    }

    /// The registered spelling of `text` when it names a whole extension schema of `resourceType` (case-insensitive),
    /// e.g. a PATCH `path` of `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`. `AttributePath(parsing:)`
    /// would read such a URN as attribute `User` of schema `…:2.0`, so check this first.
    package func extensionURN(_ text: String, resourceType: String) -> String? {
        guard let type = self.resourceType(id: resourceType) else { return nil }
        let trimmed = text.trimmingSpaces()
        return type.schemaExtensions.first { $0.schema.caseInsensitiveEquals(trimmed) }.flatMap { schema(id: $0.schema)?.id }
    }

    /// Resolves `path` for `resourceType` (case-insensitive).
    ///
    /// A URN-qualified path must name the core schema or one of the resource type's extensions. An unqualified name
    /// is looked up among the common attributes (`id`, `externalId`, `meta`, `schemas`), then the core schema, then
    /// each extension in order. A sub-attribute must exist on a complex attribute. Returns nil when nothing matches.
    package func resolve(_ path: AttributePath, resourceType: String) -> ResolvedAttribute? {
        if let resolved = resolvedPaths.lookup(path, resourceType: resourceType) { return resolved }
        return resolveWalkingSchemas(path, resourceType: resourceType)
    }

    /// ``resolve(_:resourceType:)`` by walking the schemas: what ``ResolvedPaths`` is built from, and the answer for
    /// URN-qualified and unknown paths.
    func resolveWalkingSchemas(_ path: AttributePath, resourceType: String) -> ResolvedAttribute? {
        guard let type = self.resourceType(id: resourceType) else { return nil }
        let core = schema(id: type.schema)
        var candidates: [(schema: String, attribute: AttributeDefinition, isExtension: Bool)] = []
        if let urn = path.schemaURN {
            if urn.caseInsensitiveEquals(type.schema) {
                if let common = commonAttributes.first(where: { $0.name.caseInsensitiveEquals(path.attribute) }) {
                    candidates.append((type.schema, common, false))
                } else if let attribute = core?.attribute(named: path.attribute) {
                    candidates.append((type.schema, attribute, false))
                }
            } else if type.schemaExtensions.contains(where: { $0.schema.caseInsensitiveEquals(urn) }),
                let ext = schema(id: urn), let attribute = ext.attribute(named: path.attribute)
            {
                candidates.append((ext.id, attribute, true))
            }
        } else {
            if let common = commonAttributes.first(where: { $0.name.caseInsensitiveEquals(path.attribute) }) {
                candidates.append((type.schema, common, false))
            }
            if let attribute = core?.attribute(named: path.attribute) {
                candidates.append((type.schema, attribute, false))
            }
            for ext in extensionSchemas(of: type) {
                if let attribute = ext.attribute(named: path.attribute) { candidates.append((ext.id, attribute, true)) }
            }
        }
        // The first candidate whose sub-attribute (if any) also resolves wins.
        for candidate in candidates {
            guard let sub = path.subAttribute else {
                return ResolvedAttribute(schema: candidate.schema, attribute: candidate.attribute, isExtension: candidate.isExtension)
            }
            guard candidate.attribute.type == .complex, let subDefinition = candidate.attribute.subAttribute(named: sub) else {
                continue
            }
            return ResolvedAttribute(
                schema: candidate.schema,
                attribute: candidate.attribute,
                subAttribute: subDefinition,
                isExtension: candidate.isExtension
            )
        }
        return nil
    }

    // MARK: canonicalize

    /// Renames the keys of known attributes and sub-attributes to the schema's spelling (`USERNAME` → `userName`,
    /// `Name.GivenName` → `name.givenName`, extension URN keys to the registered URN), recursing into extension
    /// objects, complex values and the elements of multi-valued attributes. Unknown keys are left untouched. When an
    /// object already holds the canonical key, a differently cased duplicate is left as it is rather than overwrite it.
    package func canonicalize(_ resource: JSONValue, resourceType: String) -> JSONValue {
        guard case .object(let members) = resource, let type = self.resourceType(id: resourceType) else { return resource }
        let core = (schema(id: type.schema)?.attributes ?? []) + commonAttributes
        let extensions = extensionSchemas(of: type)
        var result: [String: JSONValue] = [:]
        for (key, value) in members {
            if let ext = extensions.first(where: { $0.id.caseInsensitiveEquals(key) }) {
                result[renamed(key, to: ext.id, in: members)] = canonicalizeObject(value, attributes: ext.attributes)
            } else if let attribute = core.first(where: { $0.name.caseInsensitiveEquals(key) }) {
                result[renamed(key, to: attribute.name, in: members)] = canonicalizeValue(value, attribute: attribute)
            } else {
                result[key] = value
            }
        }
        return .object(result)
    }

    private func renamed(_ key: String, to canonical: String, in members: [String: JSONValue]) -> String {
        key == canonical || members[canonical] == nil ? canonical : key
    }

    private func canonicalizeObject(_ value: JSONValue, attributes: [AttributeDefinition]) -> JSONValue {
        guard case .object(let members) = value else { return value }
        var result: [String: JSONValue] = [:]
        for (key, member) in members {
            if let attribute = attributes.first(where: { $0.name.caseInsensitiveEquals(key) }) {
                result[renamed(key, to: attribute.name, in: members)] = canonicalizeValue(member, attribute: attribute)
            } else {
                result[key] = member
            }
        }
        return .object(result)
    }

    private func canonicalizeValue(_ value: JSONValue, attribute: AttributeDefinition) -> JSONValue {
        guard attribute.type == .complex else { return value }
        switch value {
        case .array(let elements): return .array(elements.map { canonicalizeObject($0, attributes: attribute.subAttributes) })
        default: return canonicalizeObject(value, attributes: attribute.subAttributes)
        }
    }

    // MARK: discovery representations

    /// The `/Schemas/{id}` representation (RFC 7643 §7, §8.7.1) with `meta.location` under `baseURL`.
    package func schemaResource(id: String, baseURL: String) -> JSONValue? {
        guard let schema = schema(id: id) else { return nil }
        return .object([
            "schemas": [.string(ScimSchemaURN.schema)],
            "id": .string(schema.id),
            "name": .string(schema.name),
            "description": .string(schema.description),
            "attributes": .array(schema.attributes.map(Self.representation)),
            "meta": [
                "resourceType": "Schema",
                "location": .string(Self.join(baseURL, "Schemas", schema.id)),
            ],
        ])
    }

    /// The `/ResourceTypes/{id}` representation (RFC 7643 §6, §8.6) with `meta.location` under `baseURL`.
    package func resourceTypeResource(id: String, baseURL: String) -> JSONValue? {
        guard let type = resourceType(id: id) else { return nil }
        var object: [String: JSONValue] = [
            "schemas": [.string(ScimSchemaURN.resourceType)],
            "id": .string(type.id),
            "name": .string(type.name),
            "endpoint": .string(type.endpoint),
            "description": .string(type.description),
            "schema": .string(type.schema),
            "meta": [
                "resourceType": "ResourceType",
                "location": .string(Self.join(baseURL, "ResourceTypes", type.id)),
            ],
        ]
        if !type.schemaExtensions.isEmpty {
            object["schemaExtensions"] = .array(
                type.schemaExtensions.map { ["schema": .string($0.schema), "required": .bool($0.required)] }
            )
        }
        return .object(object)
    }

    /// The RFC 7643 §7 representation of one attribute definition.
    package static func representation(of attribute: AttributeDefinition) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(attribute.name),
            "type": .string(attribute.type.rawValue),
            "multiValued": .bool(attribute.multiValued),
            "description": .string(attribute.description),
            "required": .bool(attribute.required),
            "caseExact": .bool(attribute.caseExact),
            "mutability": .string(attribute.mutability.rawValue),
            "returned": .string(attribute.returned.rawValue),
            "uniqueness": .string(attribute.uniqueness.rawValue),
        ]
        if !attribute.canonicalValues.isEmpty { object["canonicalValues"] = .array(attribute.canonicalValues.map(JSONValue.string)) }
        if attribute.type == .reference { object["referenceTypes"] = .array(attribute.referenceTypes.map(JSONValue.string)) }
        if attribute.type == .complex { object["subAttributes"] = .array(attribute.subAttributes.map(representation)) }
        return .object(object)
    }

    private static func join(_ base: String, _ collection: String, _ id: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/\(collection)/\(id)"
    }
}
