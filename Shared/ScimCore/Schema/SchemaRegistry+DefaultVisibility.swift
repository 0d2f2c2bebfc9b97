/// What the default projection (a response without `attributes` or `excludedAttributes`) removes from a resource
/// type: attributes whose `returned` is `never` or `request`, and complex attributes with such sub-attributes
/// (RFC 7643 §2.2). For the standard schemas that is `password` alone, which the directory never stores, so most
/// resources pass through the default projection unchanged; ``AttributeProjection`` checks these names first and
/// only walks the schema when one of them is present.
package struct DefaultVisibility: Sendable {
    /// Top-level names (core and common attributes) the default projection may change.
    package var topLevel: [String] = []
    /// Per extension URN, the names inside the extension object it may change.
    package var extensions: [String: [String]] = [:]

    init(resourceType: ResourceTypeDefinition, schemas: [SchemaDefinition]) {
        func mayChange(_ attribute: AttributeDefinition) -> Bool {
            attribute.returned == .never || attribute.returned == .request
                || attribute.subAttributes.contains { $0.returned == .never || $0.returned == .request }
        }
        func schema(_ id: String) -> SchemaDefinition? { schemas.first { $0.id.caseInsensitiveEquals(id) } }
        let core = schema(resourceType.schema)?.attributes ?? []
        topLevel = (StandardSchemas.commonAttributes + core).filter(mayChange).map(\.name)
        // Core attributes may also arrive nested under the core schema's URN.
        extensions[resourceType.schema.lowercased()] = topLevel
        for reference in resourceType.schemaExtensions {
            guard let schema = schema(reference.schema) else { continue }
            extensions[schema.id.lowercased()] = schema.attributes.filter(mayChange).map(\.name)
        }
    }

    /// Whether the default projection may change a member called `name` at the top level of the resource.
    package func mayChange(topLevel name: String) -> Bool {
        topLevel.contains { $0.caseInsensitiveEquals(name) }
    }

    /// Whether it may change anything inside an extension object under `urn`, whatever its members.
    package func mayChangeAnything(inExtension urn: String) -> Bool {
        !hidden(inExtension: urn).isEmpty
    }

    /// Whether it may change the extension object under `urn`, whose members are `names`.
    package func mayChange(extension urn: String, names: some Sequence<String>) -> Bool {
        let hidden = hidden(inExtension: urn)
        return !hidden.isEmpty && names.contains { name in hidden.contains { $0.caseInsensitiveEquals(name) } }
    }

    /// The names the default projection may change inside the extension object under `urn` (none for an unknown URN).
    private func hidden(inExtension urn: String) -> [String] {
        extensions.first(where: { $0.key.caseInsensitiveEquals(urn) })?.value ?? []
    }
}
