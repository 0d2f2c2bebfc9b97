import ScimCore

/// A SCIM resource as the directory stores it: the JSON the IdP sent (canonicalized, with `id` and `meta`
/// assigned by the directory) plus the typed identity attributes the mapping service derived from it.
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

/// Ask the mapping service to map and validate a user resource for an identity provider.
package struct MapUserRequest: Codable, Sendable, Hashable {
    package var resource: JSONValue
    package init(resource: JSONValue) { self.resource = resource }
}

/// The typed identity attributes of a user, keyed by identity attribute name ("Email", "First Name", ...).
package struct MappedIdentity: Codable, Sendable, Hashable {
    package var identity: [String: JSONValue]
    package init(identity: [String: JSONValue]) { self.identity = identity }
}

/// The header that carries the shared internal credential on service-to-service calls.
package enum InternalHeaders {
    package static let internalKey = "X-Provisio-Internal-Key"
    package static let requestID = "X-Request-Id"
}
