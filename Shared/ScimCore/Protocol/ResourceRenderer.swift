/// A stored SCIM resource as a client sees it: `meta.location` and each group member's `$ref` pointing at the
/// public SCIM base URL of the tenant's identity provider, and the client's `attributes`/`excludedAttributes`
/// applied. The directory renders every answer about resources, writes as reads, so that it crosses the gateway as
/// bytes.
package struct ResourceRenderer: Sendable {
    /// The public SCIM base URL of one identity provider, e.g. `https://scim.example.com/scim/v2/acme/okta`.
    package let baseURL: String
    package let projection: AttributeProjection

    package init(baseURL: String, projection: AttributeProjection) {
        self.baseURL = baseURL
        self.projection = projection
    }

    /// Where the resource of `resourceType` with `id` lives.
    package func location(resourceType: ScimResourceType, id: String) -> String {
        baseURL + "/" + resourceType.endpoint + "/" + id
    }

    /// The resource with its locations and the projection applied.
    package func render(_ resource: JSONValue, resourceType: ScimResourceType, id: String) -> JSONValue {
        guard case .object(var members) = resource else { return projection.apply(to: resource) }
        if case .object(var meta)? = members["meta"] {
            meta["location"] = .string(location(resourceType: resourceType, id: id))
            members["meta"] = .object(meta)
        }
        if resourceType == .group, case .array(let list)? = members["members"] {
            members["members"] = .array(
                list.map { member in
                    guard case .object(var fields) = member, case .string(let value)? = fields["value"] else { return member }
                    let memberType: ScimResourceType = fields["type"] == .string(ScimResourceType.group.name) ? .group : .user
                    fields["$ref"] = .string(location(resourceType: memberType, id: value))
                    return .object(fields)
                }
            )
        }
        return projection.apply(to: .object(members))
    }
}
