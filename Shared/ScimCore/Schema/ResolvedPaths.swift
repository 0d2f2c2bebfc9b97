/// Every attribute path a registry knows, unqualified (`userName`, `name.givenName`, `emails.value`, `department`)
/// and qualified by its schema's URN (`urn:…:core:2.0:User:userName`, `urn:…:enterprise:2.0:User:manager.value`),
/// resolved once when the registry is built, for each resource type.
///
/// Every filter, `sortBy`, projection and PATCH path is resolved against the schemas, and walking them compares each
/// name case-insensitively with every attribute of the common, core and extension schemas in turn, and a projected
/// read looks up each stored attribute by its qualified name, so the walk would run many times per request. A path found here is the walk's own answer, computed ahead; unknown
/// paths still walk.
struct ResolvedPaths: Sendable {
    private struct Key: Hashable, Sendable {
        var resourceType: String
        var schema: String?
        var attribute: String
        var subAttribute: String?
    }

    private var entries: [Key: ResolvedAttribute] = [:]

    init() {}

    init(registry: SchemaRegistry) {
        for type in registry.resourceTypes {
            let extensions = registry.extensionSchemas(of: type)
            let definitions =
                registry.commonAttributes + (registry.schema(id: type.schema)?.attributes ?? []) + extensions.flatMap(\.attributes)
            // Unqualified names, then each name qualified by every schema of the type (the walk decides which hold).
            let qualifiers: [String?] = [nil, type.schema] + extensions.map(\.id)
            for qualifier in qualifiers {
                for definition in definitions {
                    add(AttributePath(schemaURN: qualifier, attribute: definition.name), of: type, registry: registry)
                    for sub in definition.subAttributes {
                        add(AttributePath(schemaURN: qualifier, attribute: definition.name, subAttribute: sub.name), of: type, registry: registry)
                    }
                }
            }
        }
    }

    private mutating func add(_ path: AttributePath, of type: ResourceTypeDefinition, registry: SchemaRegistry) {
        guard let resolved = registry.resolveWalkingSchemas(path, resourceType: type.id) else { return }
        entries[Self.key(path, resourceType: type.id)] = resolved
    }

    private static func key(_ path: AttributePath, resourceType: String) -> Key {
        Key(
            resourceType: resourceType.lowercased(),
            schema: path.schemaURN?.lowercased(),
            attribute: path.attribute.lowercased(),
            subAttribute: path.subAttribute?.lowercased()
        )
    }

    /// The resolved path, or nil when it is not one of the registry's own names.
    func lookup(_ path: AttributePath, resourceType: String) -> ResolvedAttribute? {
        guard !entries.isEmpty else { return nil }
        return entries[Self.key(path, resourceType: resourceType)]
    }
}
