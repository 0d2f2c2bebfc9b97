import Testing

@testable import ScimCore

/// `SchemaRegistry.resolve` answers known paths, unqualified or URN-qualified, from a table built with the registry; it
/// must answer exactly what walking the schemas answers, for every name the registry knows, under every schema of the
/// type (where most of them do not resolve), in any case, and after the registry changes.
@Suite("Resolved attribute paths")
struct ResolvedPathsTests {
    static let custom = SchemaDefinition(
        id: "urn:ietf:params:scim:schemas:extension:MyApp:2.0:User",
        name: "MyApp",
        description: "Tenant attributes",
        attributes: [
            AttributeDefinition(name: "buildingCode", type: .string),
            // Also a core name: the core attribute must still win for the unqualified path.
            AttributeDefinition(name: "title", type: .integer),
        ]
    )

    static let registries: [SchemaRegistry] = [
        .standard,
        SchemaRegistry.standard.adding(extension: custom, to: "User", required: false),
        SchemaRegistry.standard.requiring(AttributePath(attribute: "displayName"), resourceType: "User"),
    ]

    @Test(
        "Every known name, with and without each sub-attribute, unqualified and under each schema, in three spellings",
        arguments: registries.indices
    )
    func tableAnswersLikeTheWalk(_ index: Int) {
        let registry = Self.registries[index]
        var checked = 0
        for type in registry.resourceTypes {
            let definitions =
                registry.commonAttributes + (registry.schema(id: type.schema)?.attributes ?? [])
                + registry.extensionSchemas(of: type).flatMap(\.attributes)
            let qualifiers: [String?] = [nil, type.schema, "urn:example:unregistered:2.0:User"] + registry.extensionSchemas(of: type).map(\.id)
            for definition in definitions {
                var paths: [AttributePath] = []
                for qualifier in qualifiers {
                    paths.append(AttributePath(schemaURN: qualifier, attribute: definition.name))
                    paths += definition.subAttributes.map { AttributePath(schemaURN: qualifier, attribute: definition.name, subAttribute: $0.name) }
                    paths.append(AttributePath(schemaURN: qualifier, attribute: definition.name, subAttribute: "noSuchSub"))
                }
                for path in paths {
                    for spelled in [path, Self.spelled(path) { $0.uppercased() }, Self.spelled(path) { $0.lowercased() }] {
                        for typeName in [type.id, type.id.uppercased()] {
                            #expect(
                                registry.resolve(spelled, resourceType: typeName) == registry.resolveWalkingSchemas(spelled, resourceType: typeName)
                            )
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 1_000)
    }

    @Test("Unknown names and unknown resource types resolve to nothing; a qualified name picks its schema's attribute")
    func everythingElseWalks() throws {
        let registry = Self.registries[1]
        #expect(registry.resolve(AttributePath(attribute: "noSuchAttribute"), resourceType: "User") == nil)
        #expect(registry.resolve(AttributePath(attribute: "userName"), resourceType: "Widget") == nil)
        let qualified = try AttributePath(parsing: "\(Self.custom.id):title")
        #expect(registry.resolve(qualified, resourceType: "User")?.attribute.type == .integer)
        #expect(registry.resolve(AttributePath(attribute: "title"), resourceType: "User")?.attribute.type == .string)
        #expect(registry.resolve(AttributePath(attribute: "BUILDINGCODE"), resourceType: "user")?.schema == Self.custom.id)
        // A name two extensions define resolves to the first registered (enterprise's costCenter), as the walk does.
        #expect(registry.resolve(AttributePath(attribute: "costCenter"), resourceType: "User")?.schema == ScimSchemaURN.enterpriseUser)
    }

    private static func spelled(_ path: AttributePath, _ change: (String) -> String) -> AttributePath {
        AttributePath(schemaURN: path.schemaURN.map(change), attribute: change(path.attribute), subAttribute: path.subAttribute.map(change))
    }
}
