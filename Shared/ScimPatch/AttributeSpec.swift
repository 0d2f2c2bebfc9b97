import ScimCore

/// The parts of an attribute definition the engine needs, taken from the schema registry's
/// `AttributeDefinition`.
struct AttributeSpec: Sendable, Hashable {
    var name: String
    var type: AttributeType
    var multiValued: Bool
    var required: Bool
    var mutability: Mutability
    var subAttributes: [AttributeSpec]

    init(
        name: String,
        type: AttributeType,
        multiValued: Bool = false,
        required: Bool = false,
        mutability: Mutability = .readWrite,
        subAttributes: [AttributeSpec] = []
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.required = required
        self.mutability = mutability
        self.subAttributes = subAttributes
    }

    init(_ definition: AttributeDefinition) {
        self.init(
            name: definition.name,
            type: definition.type,
            multiValued: definition.multiValued,
            required: definition.required,
            mutability: definition.mutability,
            subAttributes: definition.subAttributes.map(AttributeSpec.init)
        )
    }

    func subAttribute(named name: String) -> AttributeSpec? {
        if let exact = subAttributes.first(where: { $0.name == name }) { return exact }
        let folded = name.lowercased()
        return subAttributes.first { $0.name.lowercased() == folded }
    }

    var isComplex: Bool { type == .complex }
}
