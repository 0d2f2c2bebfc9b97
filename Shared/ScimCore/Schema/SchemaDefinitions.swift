/// The data types of RFC 7643 §2.3.
package enum AttributeType: String, Sendable, Hashable, Codable {
    case string, boolean, decimal, integer, dateTime, binary, reference, complex
}

/// RFC 7643 §7 `mutability`.
package enum Mutability: String, Sendable, Hashable, Codable {
    case readOnly, readWrite, immutable, writeOnly
}

/// RFC 7643 §7 `returned`.
package enum Returned: String, Sendable, Hashable, Codable {
    case always, never, `default`, request
}

/// RFC 7643 §7 `uniqueness`.
package enum Uniqueness: String, Sendable, Hashable, Codable {
    case none, server, global
}

/// One attribute (or sub-attribute) of a schema with the characteristics of RFC 7643 §2.2 / §7.
package struct AttributeDefinition: Sendable, Hashable {
    package var name: String
    package var type: AttributeType
    package var multiValued: Bool
    package var required: Bool
    package var caseExact: Bool
    package var mutability: Mutability
    package var returned: Returned
    package var uniqueness: Uniqueness
    package var canonicalValues: [String]
    package var referenceTypes: [String]
    package var description: String
    package var subAttributes: [AttributeDefinition]

    /// Defaults are those of RFC 7643 §2.2 (`required` false, `caseExact` false, `readWrite`, `default`, `none`).
    package init(
        name: String,
        type: AttributeType,
        multiValued: Bool = false,
        required: Bool = false,
        caseExact: Bool = false,
        mutability: Mutability = .readWrite,
        returned: Returned = .default,
        uniqueness: Uniqueness = .none,
        canonicalValues: [String] = [],
        referenceTypes: [String] = [],
        description: String = "",
        subAttributes: [AttributeDefinition] = []
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.uniqueness = uniqueness
        self.canonicalValues = canonicalValues
        self.referenceTypes = referenceTypes
        self.description = description
        self.subAttributes = subAttributes
    }

    /// The sub-attribute called `name`, compared case-insensitively (RFC 7643 §2.1).
    package func subAttribute(named name: String) -> AttributeDefinition? {
        subAttributes.first { $0.name.caseInsensitiveEquals(name) }
    }

    /// Whether values of this type are compared as strings (`co`/`sw`/`ew` and case folding apply).
    package var isStringLike: Bool { type == .string || type == .reference || type == .binary }
}

/// A schema (RFC 7643 §7): a URN `id` and its attributes.
package struct SchemaDefinition: Sendable, Hashable {
    package var id: String
    package var name: String
    package var description: String
    package var attributes: [AttributeDefinition]

    package init(id: String, name: String, description: String, attributes: [AttributeDefinition]) {
        self.id = id
        self.name = name
        self.description = description
        self.attributes = attributes
    }

    /// The attribute called `name`, compared case-insensitively.
    package func attribute(named name: String) -> AttributeDefinition? {
        attributes.first { $0.name.caseInsensitiveEquals(name) }
    }
}

/// An entry of a resource type's `schemaExtensions` (RFC 7643 §6).
package struct SchemaExtensionReference: Sendable, Hashable {
    package var schema: String
    package var required: Bool

    package init(schema: String, required: Bool) {
        self.schema = schema
        self.required = required
    }
}

/// A resource type (RFC 7643 §6), e.g. `User` at `/Users` with the core User schema and the enterprise extension.
package struct ResourceTypeDefinition: Sendable, Hashable {
    package var id: String
    package var name: String
    package var endpoint: String
    package var description: String
    package var schema: String
    package var schemaExtensions: [SchemaExtensionReference]

    package init(
        id: String,
        name: String,
        endpoint: String,
        description: String,
        schema: String,
        schemaExtensions: [SchemaExtensionReference] = []
    ) {
        self.id = id
        self.name = name
        self.endpoint = endpoint
        self.description = description
        self.schema = schema
        self.schemaExtensions = schemaExtensions
    }
}

/// An attribute path resolved against a resource type: the schema it lives in and its definitions.
package struct ResolvedAttribute: Sendable, Hashable {
    /// The URN of the schema that defines the attribute. Common attributes (`id`, `externalId`, `meta`) report the
    /// resource type's core schema, because they live at the top level of the resource like core attributes.
    package var schema: String
    package var attribute: AttributeDefinition
    package var subAttribute: AttributeDefinition?
    /// Whether the attribute lives in an extension schema, i.e. inside the resource's `"<extension URN>": {…}` object.
    package var isExtension: Bool

    package init(schema: String, attribute: AttributeDefinition, subAttribute: AttributeDefinition? = nil, isExtension: Bool = false) {
        self.schema = schema
        self.attribute = attribute
        self.subAttribute = subAttribute
        self.isExtension = isExtension
    }

    /// The definition the path ends at: the sub-attribute if there is one, else the attribute.
    package var effective: AttributeDefinition { subAttribute ?? attribute }

    /// The canonical path (schema spelling, URN-qualified for extension attributes).
    package var canonicalPath: AttributePath {
        AttributePath(schemaURN: isExtension ? schema : nil, attribute: attribute.name, subAttribute: subAttribute?.name)
    }
}
