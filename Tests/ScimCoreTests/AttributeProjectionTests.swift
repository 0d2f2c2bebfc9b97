import Foundation
import ScimCore
import ScimExamples
import Testing

@Suite("AttributeProjection")
struct AttributeProjectionTests {
    static let enterprise = ScimSchemaURN.enterpriseUser
    static let contoso = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User"

    /// Every top-level key of the full user except `password` (`returned: never`).
    static let defaultUserKeys: Set<String> = [
        "schemas", "id", "externalId", "userName", "name", "displayName", "nickName", "profileUrl", "emails", "addresses",
        "phoneNumbers", "ims", "photos", "userType", "title", "preferredLanguage", "locale", "timezone", "active", "groups",
        "x509Certificates", enterprise, "meta",
    ]

    static func project(
        _ resource: JSONValue,
        attributes: [String] = [],
        excluded: [String] = [],
        type: String = "User"
    ) throws -> JSONValue {
        try AttributeProjection(
            attributes: attributes,
            excludedAttributes: excluded,
            registry: .standard,
            resourceType: try #require(ScimResourceType(name: type))
        )
        .apply(to: resource)
    }

    static func keys(_ value: JSONValue?) -> Set<String> {
        guard let members = value?.objectValue else { return [] }
        return Set(members.keys)
    }

    // MARK: top-level selection on the RFC 7643 §8.2 user (with the §8.3 extension)

    @Test(
        arguments: [
            // No lists: the default set, i.e. everything but `returned: never`.
            ([], [], AttributeProjectionTests.defaultUserKeys),
            // `attributes` replaces the default set; `id` and `schemas` (`returned: always`) stay; `meta` is default.
            (["userName"], [], ["id", "schemas", "userName"]),
            (["USERNAME", "Name.FamilyName"], [], ["id", "schemas", "userName", "name"]),
            (["userName", "name.givenName", "emails"], [], ["id", "schemas", "userName", "name", "emails"]),
            (["password"], [], ["id", "schemas"]),
            (["doesNotExist"], [], ["id", "schemas"]),
            (["meta"], [], ["id", "schemas", "meta"]),
            (["urn:ietf:params:scim:schemas:core:2.0:User:userName"], [], ["id", "schemas", "userName"]),
            (["\(AttributeProjectionTests.enterprise):department"], [], ["id", "schemas", AttributeProjectionTests.enterprise]),
            ([AttributeProjectionTests.enterprise], [], ["id", "schemas", AttributeProjectionTests.enterprise]),
            (["department"], [], ["id", "schemas", AttributeProjectionTests.enterprise]),
            // `excludedAttributes` removes from the default set; it cannot remove `always` attributes.
            ([], ["name", "emails"], AttributeProjectionTests.defaultUserKeys.subtracting(["name", "emails"])),
            ([], ["id", "schemas", "password"], AttributeProjectionTests.defaultUserKeys),
            ([], ["meta"], AttributeProjectionTests.defaultUserKeys.subtracting(["meta"])),
            ([], [AttributeProjectionTests.enterprise], AttributeProjectionTests.defaultUserKeys.subtracting([AttributeProjectionTests.enterprise])),
            ([], ["GROUPS", "x509certificates"], AttributeProjectionTests.defaultUserKeys.subtracting(["groups", "x509Certificates"])),
            // Both lists: `attributes` wins, `excludedAttributes` is ignored.
            (["userName"], ["userName"], ["id", "schemas", "userName"]),
            (["userName", "emails"], ["emails", "name"], ["id", "schemas", "userName", "emails"]),
        ] as [([String], [String], Set<String>)]
    )
    func topLevelKeys(attributes: [String], excluded: [String], expected: Set<String>) throws {
        let projected = try Self.project(ProjectionFixtures.fullUser, attributes: attributes, excluded: excluded)
        #expect(Self.keys(projected) == expected)
        #expect(projected[caseInsensitive: "password"] == nil)
    }

    // MARK: sub-attributes and extensions

    @Test func subAttributeOfSingularComplex() throws {
        let projected = try Self.project(ProjectionFixtures.fullUser, attributes: ["name.givenName", "name.familyName"])
        #expect(projected["name"] == ["givenName": "Barbara", "familyName": "Jensen"])
    }

    @Test func subAttributeAppliesToEveryElement() throws {
        let projected = try Self.project(ProjectionFixtures.fullUser, attributes: ["emails.value"])
        #expect(projected["emails"] == [["value": "bjensen@example.com"], ["value": "babs@jensen.org"]])
    }

    @Test func excludedSubAttributes() throws {
        let projected = try Self.project(ProjectionFixtures.fullUser, excluded: ["emails.type", "emails.primary", "name.formatted"])
        #expect(projected["emails"] == [["value": "bjensen@example.com"], ["value": "babs@jensen.org"]])
        #expect(Self.keys(projected["name"]) == ["familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"])
        #expect(Self.keys(projected) == Self.defaultUserKeys)
    }

    @Test func wholeAndPartOfTheSameAttribute() throws {
        let projected = try Self.project(ProjectionFixtures.fullUser, attributes: ["name", "name.givenName"])
        #expect(projected["name"] == ProjectionFixtures.fullUser["name"])
    }

    @Test func extensionAttributeByURN() throws {
        let projected = try Self.project(
            ProjectionFixtures.fullUser,
            attributes: ["\(Self.enterprise):department", "\(Self.enterprise):manager.value"]
        )
        #expect(projected[Self.enterprise] == ["department": "Tour Operations", "manager": ["value": "26118915-6090-4610-87e4-49d8ca9f808d"]])
    }

    @Test func wholeExtension() throws {
        let projected = try Self.project(ProjectionFixtures.fullUser, attributes: [Self.enterprise.uppercased()])
        #expect(projected[Self.enterprise] == ProjectionFixtures.fullUser[Self.enterprise])
    }

    @Test func excludedExtensionAttributes() throws {
        let projected = try Self.project(ProjectionFixtures.fullUser, excluded: ["\(Self.enterprise):manager", "costCenter"])
        #expect(Self.keys(projected[Self.enterprise]) == ["employeeNumber", "organization", "division", "department"])
        let partial = try Self.project(ProjectionFixtures.fullUser, excluded: ["manager.displayName"])
        #expect(Self.keys(partial[Self.enterprise]?[caseInsensitive: "manager"]) == ["value", "$ref"])
    }

    @Test func metaSubAttribute() throws {
        let projected = try Self.project(ProjectionFixtures.fullUser, attributes: ["meta.version", "meta.location"])
        #expect(Self.keys(projected["meta"]) == ["version", "location"])
    }

    @Test func schemasAreReturnedAsStored() throws {
        let projected = try Self.project(ProjectionFixtures.fullUser, attributes: ["userName"])
        #expect(projected["schemas"] == ProjectionFixtures.fullUser["schemas"])
    }

    @Test func unregisteredExtensionMatchesByStoredKey() throws {
        var members = try #require(ProjectionFixtures.fullUser.objectValue)
        members[Self.contoso] = ["costCode": "CC-1", "badge": "B-7"]
        let user = JSONValue.object(members)
        #expect(try Self.project(user, attributes: ["\(Self.contoso):costCode"])[Self.contoso] == ["costCode": "CC-1"])
        #expect(try Self.project(user, attributes: [Self.contoso])[Self.contoso] == ["costCode": "CC-1", "badge": "B-7"])
        #expect(try Self.project(user, excluded: [Self.contoso])[Self.contoso] == nil)
        #expect(try Self.project(user, excluded: ["\(Self.contoso):badge"])[Self.contoso] == ["costCode": "CC-1"])
        #expect(try Self.project(user)[Self.contoso] == ["costCode": "CC-1", "badge": "B-7"])
    }

    @Test func projectionThatEmptiesAComplexValueDropsIt() throws {
        let projected = try Self.project(ProjectionFixtures.fullUser, attributes: ["name.nickName", "emails.display"])
        #expect(Self.keys(projected) == ["id", "schemas"])
    }

    @Test func defaultSetLeavesUntouchedValuesAsStored() throws {
        let user: JSONValue = [
            "schemas": [.string(ScimSchemaURN.user)], "id": "1", "userName": "u", "roles": [], "name": [:],
            "password": "secret", "customTopLevel": ["a": 1],
        ]
        let projected = try Self.project(user)
        #expect(
            projected == ["schemas": [.string(ScimSchemaURN.user)], "id": "1", "userName": "u", "roles": [], "name": [:], "customTopLevel": ["a": 1]]
        )
    }

    // MARK: groups

    @Test func excludedMembersOnAGroup() throws {
        let projection = try AttributeProjection(
            attributes: [],
            excludedAttributes: ["members"],
            registry: .standard,
            resourceType: .group
        )
        let projected = projection.apply(to: ProjectionFixtures.group)
        #expect(Self.keys(projected) == ["schemas", "id", "displayName", "meta"])
        #expect(!projection.includes("members"))
        #expect(!projection.includes("members.value"))
        #expect(projection.includes("displayName"))
        #expect(projection.includes("meta"))
    }

    @Test func groupDefaultKeepsUnknownMemberSubAttributes() throws {
        let projected = try Self.project(ProjectionFixtures.group, type: "Group")
        #expect(projected == ProjectionFixtures.group)
        let values = try Self.project(ProjectionFixtures.group, attributes: ["members.value"], type: "Group")
        #expect(values["members"] == [["value": "2819c223-7f76-453a-919d-413861904646"], ["value": "902c246b-6245-4190-8e05-00816be7344a"]])
    }

    // MARK: includes

    @Test(
        arguments: [
            // (attributes, excluded, resourceType, attribute, included)
            ([], ["members"], "Group", "members", false),
            ([], ["Members"], "Group", "MEMBERS", false),
            (["displayName"], [], "Group", "members", false),
            (["displayName"], [], "Group", "displayName", true),
            (["displayName"], [], "Group", "id", true),
            (["members.value"], [], "Group", "members", true),
            ([], [], "Group", "members", true),
            ([], ["members.display"], "Group", "members", true),
            ([], [], "User", "password", false),
            (["password"], [], "User", "password", false),
            ([], ["id"], "User", "id", true),
            ([], [], "User", "meta", true),
            (["userName"], [], "User", "meta", false),
            (["userName"], [], "User", "groups", false),
            ([], ["groups"], "User", "groups", false),
            (["name.givenName"], [], "User", "name", true),
            (["name.givenName"], [], "User", "name.givenName", true),
            (["name.givenName"], [], "User", "name.familyName", false),
            ([], ["name.givenName"], "User", "name.givenName", false),
            ([], ["name.givenName"], "User", "name", true),
            (["\(AttributeProjectionTests.enterprise):manager"], [], "User", AttributeProjectionTests.enterprise, true),
            (["\(AttributeProjectionTests.enterprise):manager"], [], "User", "manager", true),
            (["\(AttributeProjectionTests.enterprise):manager"], [], "User", "department", false),
            ([AttributeProjectionTests.enterprise], [], "User", "\(AttributeProjectionTests.enterprise):department", true),
            ([], [AttributeProjectionTests.enterprise], "User", AttributeProjectionTests.enterprise, false),
            ([], [AttributeProjectionTests.enterprise], "User", "\(AttributeProjectionTests.enterprise):manager", false),
            ([], [], "User", "not a path[", true),
        ] as [([String], [String], String, String, Bool)]
    )
    func includes(attributes: [String], excluded: [String], type: String, attribute: String, included: Bool) throws {
        let projection = try AttributeProjection(
            attributes: attributes,
            excludedAttributes: excluded,
            registry: .standard,
            resourceType: try #require(ScimResourceType(name: type))
        )
        #expect(projection.includes(attribute) == included)
    }

    // MARK: identity and errors

    @Test func noneIsTheIdentity() {
        #expect(AttributeProjection.none.apply(to: ProjectionFixtures.fullUser) == ProjectionFixtures.fullUser)
        #expect(AttributeProjection.none.includes("members"))
        #expect(AttributeProjection.none.includes("password"))
        #expect(AttributeProjection.none.apply(to: "not an object") == "not an object")
    }

    @Test func fromSearchRequest() throws {
        let request = try SearchRequest(rawQuery: "attributes=userName,emails.value")
        let projected = try AttributeProjection(request, registry: .standard, resourceType: .user).apply(to: ProjectionFixtures.fullUser)
        #expect(Self.keys(projected) == ["id", "schemas", "userName", "emails"])
    }

    @Test func aResourceTypeTheRegistryDoesNotKnowStillKeepsIdAndSchemas() throws {
        let projected = try AttributeProjection(
            attributes: ["userName"],
            excludedAttributes: [],
            registry: SchemaRegistry(schemas: [], resourceTypes: []),
            resourceType: .user
        ).apply(to: ProjectionFixtures.fullUser)
        #expect(Self.keys(projected) == ["id", "schemas", "userName"])
    }

    @Test(arguments: [
        #"emails[type eq "work"]"#, "name.givenName.extra", "1abc", "user name", "urn:bad::x",
    ])
    func invalidNamesAreInvalidPath(name: String) {
        for (attributes, excluded) in [([name], [String]()), ([], [name])] {
            #expect {
                try AttributeProjection(attributes: attributes, excludedAttributes: excluded, registry: .standard, resourceType: .user)
            } throws: { error in
                (error as? ScimError)?.scimType == .invalidPath && (error as? ScimError)?.status == 400
            }
        }
    }
    // MARK: the default projection's fast path

    /// Without `attributes`/`excludedAttributes`, a resource holding nothing the default projection removes is
    /// returned as it is; one that does goes through the schema walk. Both must answer exactly what the schema walk
    /// answers, which `excludedAttributes` naming an attribute no resource has also runs.
    @Test(
        arguments: [
            RFC7643Examples.fullUser,
            .object(["id": "1", "userName": "bjensen", "password": "t1meMa$heen", "emails": [["value": "b@example.com", "type": "work"]]]),
            .object(["id": "2", "userName": "x", "PassWord": "secret"]),
            .object(["id": "3", "urn:ietf:params:scim:schemas:core:2.0:User": ["password": "nested", "userName": "y"]]),
            .object([
                "id": "4", "\(ScimSchemaURN.enterpriseUser)": ["employeeNumber": "7", "manager": ["value": "m"]],
                "urn:example:unregistered": ["a": 1],
            ]),
            .object(["id": "5", "emails": [], "name": [:], "urn:": ["password": "odd"]]),
        ] as [JSONValue]
    )
    func defaultProjectionMatchesTheSchemaWalk(resource: JSONValue) throws {
        let fast = try Self.project(resource)
        let walked = try Self.project(resource, excluded: ["noSuchAttributeAnywhere"])
        #expect(fast == walked)
        #expect(fast["password"] == nil)
    }

    /// A tenant extension registered later: its `returned: request` attribute must leave default answers too, so
    /// what the default projection looks for follows the registry as it grows.
    @Test func defaultProjectionFollowsExtensionsAddedToTheRegistry() throws {
        let (urn, extended) = ProjectionFixtures.acmeExtended
        let user: JSONValue = ["id": "1", "userName": "bjensen", .init(stringLiteral: urn): ["badge": "B-7", "pin": "1234"]]
        let projected = try AttributeProjection(attributes: [], excludedAttributes: [], registry: extended, resourceType: .user).apply(to: user)
        #expect(projected == ["id": "1", "userName": "bjensen", .init(stringLiteral: urn): ["badge": "B-7"]])
        // The standard registry does not know the extension: nothing in it is hidden.
        #expect(try Self.project(user) == user)
    }

    @Test func defaultProjectionKeepsAResourceWithoutHiddenAttributesAsItIs() throws {
        let user: JSONValue = ["id": "1", "userName": "bjensen", "emails": [["value": "b@example.com", "type": "work", "primary": true]]]
        #expect(try Self.project(user) == user)
        let projection = try AttributeProjection(attributes: [], excludedAttributes: [], registry: .standard, resourceType: .user)
        #expect(projection.includes("emails"))
        #expect(!projection.includes("password"))
    }
}

/// RFC 7643 §8.2 full user with the §8.3 enterprise extension, and the §8.4 group with `members[].display`.
enum ProjectionFixtures {
    /// The standard registry with a tenant extension whose `pin` is `returned: request`.
    static var acmeExtended: (urn: String, registry: SchemaRegistry) {
        let urn = "urn:example:params:scim:schemas:extension:Acme:2.0:User"
        let extended = SchemaRegistry.standard.adding(
            extension: SchemaDefinition(
                id: urn,
                name: "Acme",
                description: "",
                attributes: [AttributeDefinition(name: "badge", type: .string), AttributeDefinition(name: "pin", type: .string, returned: .request)]
            ),
            to: "User",
            required: false
        )
        return (urn, extended)
    }

    static var fullUser: JSONValue { RFC7643Examples.fullUser }

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

}

extension JSONValue {
    /// The member with exactly this key (tests only).
    fileprivate subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}

extension AttributeProjection {
    /// ``leavesUnchanged(topLevelName:)`` for every name, as the directory asks it of a stored resource's members.
    fileprivate func leavesUnchanged(topLevelNames names: [String]) -> Bool {
        names.allSatisfy(leavesUnchanged(topLevelName:))
    }
}

/// ``AttributeProjection/leavesUnchanged(topLevelName:)``: what lets a reader copy a stored resource's text as it is.
@Suite struct ProjectionLeavesUnchangedTests {
    static let userNames = ["schemas", "id", "userName", "emails", "groups", "meta", ScimSchemaURN.enterpriseUser]

    @Test func theDefaultProjectionLeavesAResourceWithoutHiddenAttributesAsItIs() throws {
        let projection = try AttributeProjection(attributes: [], excludedAttributes: [], registry: .standard, resourceType: .user)
        #expect(projection.leavesUnchanged(topLevelNames: Self.userNames))
        #expect(projection.leavesUnchanged(topLevelNames: ["unregisteredAttribute", "urn:example:unregistered:2.0:User"]))
        #expect(!projection.leavesUnchanged(topLevelNames: Self.userNames + ["password"]))
        #expect(!projection.leavesUnchanged(topLevelNames: ["PASSWORD"]))
        #expect(AttributeProjection.none.leavesUnchanged(topLevelNames: ["password"]))
    }

    @Test func aClientsListsAreNeverTakenAsUnchanged() throws {
        let attributes = try AttributeProjection(attributes: ["userName"], excludedAttributes: [], registry: .standard, resourceType: .user)
        let excluded = try AttributeProjection(attributes: [], excludedAttributes: ["nickName"], registry: .standard, resourceType: .user)
        #expect(!attributes.leavesUnchanged(topLevelNames: ["userName"]))
        #expect(!excluded.leavesUnchanged(topLevelNames: ["userName"]))
    }

    @Test func anExtensionWithAHiddenAttributeIsNotUnchanged() throws {
        let (urn, extended) = ProjectionFixtures.acmeExtended
        let projection = try AttributeProjection(attributes: [], excludedAttributes: [], registry: extended, resourceType: .user)
        #expect(!projection.leavesUnchanged(topLevelNames: ["userName", urn]))
        #expect(!projection.leavesUnchanged(topLevelNames: ["userName", urn.uppercased()]))
        #expect(projection.leavesUnchanged(topLevelNames: ["userName", ScimSchemaURN.enterpriseUser]))
    }
}
