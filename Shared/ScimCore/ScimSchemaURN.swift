/// Schema and message URNs of RFC 7643 and RFC 7644.
package enum ScimSchemaURN {
    package static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    package static let group = "urn:ietf:params:scim:schemas:core:2.0:Group"
    package static let enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    /// The custom user extension Okta's Profile Editor uses as its external namespace (see the seeds).
    package static let customUser = "urn:ietf:params:scim:schemas:extension:custom:2.0:User"
    package static let serviceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
    package static let resourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
    package static let schema = "urn:ietf:params:scim:schemas:core:2.0:Schema"
    package static let listResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    package static let searchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
    package static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    package static let bulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
    package static let bulkResponse = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
    package static let error = "urn:ietf:params:scim:api:messages:2.0:Error"
}
