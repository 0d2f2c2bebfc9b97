import Foundation
import InternalAPI

/// One mapping rule of an identity provider: identity attribute ← SCIM attribute path.
package struct AttributeMapping: Codable, Sendable, Hashable {
    /// The identity attribute's name.
    package var attribute: String
    /// A SCIM path as in a PATCH: `name.givenName`, `emails[type eq "work"].value`,
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.
    package var scimPath: String

    package init(attribute: String, scimPath: String) {
        self.attribute = attribute
        self.scimPath = scimPath
    }
}

/// An identity provider's rules as the mapping service serves them (`GET …/idps/{idp}/mappings`): the tenant's
/// identity attributes and the IdP's mappings onto them. The gateway maps users with them locally.
package struct MappingRules: Codable, Sendable, Hashable {
    package var attributes: [IdentityAttribute]
    package var mappings: [AttributeMapping]

    package init(attributes: [IdentityAttribute], mappings: [AttributeMapping]) {
        self.attributes = attributes
        self.mappings = mappings
    }

    package var mapper: UserMapper { UserMapper(attributes: attributes, mappings: mappings) }
}

/// The identity attributes every tenant has, and each provider type's default mappings onto them.
package enum BuiltInAttributes {
    /// Status, Email, First Name, Last Name and Username are mandatory (the product's documented rule);
    /// Mobile and Phone are mapped by default but optional.
    package static let all: [IdentityAttribute] = [
        .init(name: "Status", description: "Whether the user is active.", type: .boolean, multiValued: false, mandatory: true, builtIn: true),
        .init(name: "Email", description: "Primary email address.", type: .string, multiValued: false, mandatory: true, builtIn: true),
        .init(name: "First Name", description: "Given name.", type: .string, multiValued: false, mandatory: true, builtIn: true),
        .init(name: "Last Name", description: "Family name.", type: .string, multiValued: false, mandatory: true, builtIn: true),
        .init(name: "Username", description: "Unique sign-in name.", type: .string, multiValued: false, mandatory: true, builtIn: true),
        .init(name: "Mobile", description: "Mobile phone number.", type: .string, multiValued: false, mandatory: false, builtIn: true),
        .init(name: "Phone", description: "Work phone number.", type: .string, multiValued: false, mandatory: false, builtIn: true),
    ]

    /// The seven default mappings. Entra marks the work email by type; Okta and Duo mark the primary one, so
    /// for them `emails.value` picks the primary email (or the only one).
    package static func defaultMappings(for providerType: String) -> [AttributeMapping] {
        let email = providerType.lowercased() == "azure" ? "emails[type eq \"work\"].value" : "emails.value"
        return [
            .init(attribute: "Status", scimPath: "active"),
            .init(attribute: "Email", scimPath: email),
            .init(attribute: "First Name", scimPath: "name.givenName"),
            .init(attribute: "Last Name", scimPath: "name.familyName"),
            .init(attribute: "Username", scimPath: "userName"),
            .init(attribute: "Mobile", scimPath: "phoneNumbers[type eq \"mobile\"].value"),
            .init(attribute: "Phone", scimPath: "phoneNumbers[type eq \"work\"].value"),
        ]
    }
}
