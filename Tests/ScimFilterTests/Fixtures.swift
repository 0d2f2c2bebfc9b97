import Foundation
import ScimCore
import ScimExamples

@testable import ScimFilter

enum Fixtures {
    static let enterprise = ScimSchemaURN.enterpriseUser

    /// RFC 7643 §8.2 full user, with the enterprise extension of §8.3.
    static var fullUser: JSONValue { RFC7643Examples.fullUser }

    /// RFC 7643 §8.1 minimal user.
    static let minimalUser: JSONValue = [
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "userName": "bjensen@example.com",
        "meta": ["resourceType": "User", "created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z"],
    ]

    /// RFC 7643 §8.4 group.
    static let group: JSONValue = [
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
        "displayName": "Tour Guides",
        "members": [
            [
                "value": "2819c223-7f76-453a-919d-413861904646", "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
                "display": "Babs Jensen",
            ],
            [
                "value": "902c246b-6245-4190-8e05-00816be7344a", "$ref": "https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a",
                "display": "Mandy Pepperidge",
            ],
        ],
        "meta": ["resourceType": "Group", "created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z"],
    ]

    static func parse(_ text: String) -> FilterExpression {
        do { return try FilterParser.parse(text) } catch { fatalError("parse \(text): \(error)") }
    }
}
