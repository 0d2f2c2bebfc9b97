/// The resource types Provisio serves (RFC 7643 §4): one value for the name that `meta.resourceType` and the
/// schema registry use, the endpoint in URLs, and the core schema, instead of "User"/"Group" spelled out at each use.
package enum ScimResourceType: String, Sendable, Hashable, CaseIterable {
    case user = "User"
    case group = "Group"

    /// "User" or "Group": `meta.resourceType`, a `members[].type`, the name the schema registry knows it by.
    package var name: String { rawValue }

    /// "Users" or "Groups": the collection under a SCIM base URL.
    package var endpoint: String {
        switch self {
        case .user: "Users"
        case .group: "Groups"
        }
    }

    /// The core schema's URN.
    package var schema: String {
        switch self {
        case .user: ScimSchemaURN.user
        case .group: ScimSchemaURN.group
        }
    }

    /// The type named "User" or "Group" exactly; nil for any other name.
    package init?(name: String) { self.init(rawValue: name) }

    /// The type whose endpoint is `endpoint`, in any letter case (a Bulk operation's path); nil for any other.
    package init?(endpoint: some StringProtocol) {
        guard let type = Self.allCases.first(where: { $0.endpoint.caseInsensitiveEquals(String(endpoint)) }) else { return nil }
        self = type
    }
}
