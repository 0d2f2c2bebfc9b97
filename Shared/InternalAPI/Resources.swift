import ScimCore

/// A SCIM resource as the directory stores it: the JSON the IdP sent (canonicalized, with `id` and `meta`
/// assigned by the directory) plus the typed identity attributes the gateway mapped from it.
package struct StoredResource: Codable, Sendable, Hashable {
    package var id: String
    package var version: Int
    package var resource: JSONValue

    package init(id: String, version: Int, resource: JSONValue) {
        self.id = id
        self.version = version
        self.resource = resource
    }
}

/// A write of a user: the SCIM resource and its typed identity attributes.
package struct UserWriteRequest: Codable, Sendable, Hashable {
    package var resource: JSONValue
    package var identity: [String: JSONValue]

    package init(resource: JSONValue, identity: [String: JSONValue]) {
        self.resource = resource
        self.identity = identity
    }
}

/// The header that carries the shared internal credential on service-to-service calls.
package enum InternalHeaders {
    package static let internalKey = "X-Provisio-Internal-Key"
    package static let requestID = "X-Request-Id"
}

/// How an identity provider's users map onto the tenant's identity attributes, as discovery needs it: which
/// SCIM attributes are mandatory, and the custom attributes an IdP may send under its extension URNs.
package struct IdentitySchema: Codable, Sendable, Hashable {
    package struct Attribute: Codable, Sendable, Hashable {
        /// The identity attribute's name ("Email", "Cost Center").
        package var name: String
        package var description: String
        /// string, number, boolean or date.
        package var type: String
        package var multiValued: Bool
        package var mandatory: Bool
        /// The SCIM path it is mapped from, when mapped.
        package var scimPath: String?

        package init(name: String, description: String, type: String, multiValued: Bool, mandatory: Bool, scimPath: String?) {
            self.name = name
            self.description = description
            self.type = type
            self.multiValued = multiValued
            self.mandatory = mandatory
            self.scimPath = scimPath
        }
    }

    package var attributes: [Attribute]
    package init(attributes: [Attribute]) { self.attributes = attributes }
}
