import ScimCore
import Testing

@Suite("SchemaRegistry")
struct SchemaRegistryTests {
    let registry = SchemaRegistry.standard
    static let enterprise = ScimSchemaURN.enterpriseUser

    // MARK: standard schemas follow RFC 7643 §8.7.1

    @Test func userSchemaListsEveryRFCAttribute() throws {
        let user = try #require(registry.schema(id: ScimSchemaURN.user))
        #expect(
            user.attributes.map(\.name) == [
                "userName", "name", "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage", "locale",
                "timezone", "active", "password", "emails", "phoneNumbers", "ims", "photos", "addresses", "groups",
                "entitlements", "roles", "x509Certificates",
            ]
        )
        #expect(user.name == "User")
        #expect(user.description == "User Account")
    }

    @Test(
        arguments: [
            // path, type, multiValued, required, caseExact, mutability, returned, uniqueness
            ("userName", AttributeType.string, false, true, false, Mutability.readWrite, Returned.default, Uniqueness.server),
            ("name.familyName", .string, false, false, false, .readWrite, .default, .none),
            ("profileUrl", .reference, false, false, false, .readWrite, .default, .none),
            ("active", .boolean, false, false, false, .readWrite, .default, .none),
            ("password", .string, false, false, false, .writeOnly, .never, .none),
            ("emails", .complex, true, false, false, .readWrite, .default, .none),
            ("emails.primary", .boolean, false, false, false, .readWrite, .default, .none),
            ("photos.value", .reference, false, false, false, .readWrite, .default, .none),
            ("groups", .complex, true, false, false, .readOnly, .default, .none),
            ("groups.$ref", .reference, false, false, false, .readOnly, .default, .none),
            ("groups.type", .string, false, false, false, .readOnly, .default, .none),
            ("x509Certificates.value", .binary, false, false, true, .readWrite, .default, .none),
            ("id", .string, false, false, true, .readOnly, .always, .server),
            ("externalId", .string, false, false, true, .readWrite, .default, .none),
            ("meta.created", .dateTime, false, false, false, .readOnly, .default, .none),
            ("meta.lastModified", .dateTime, false, false, false, .readOnly, .default, .none),
            ("employeeNumber", .string, false, false, false, .readWrite, .default, .none),
            ("manager.displayName", .string, false, false, false, .readOnly, .default, .none),
            ("manager.$ref", .reference, false, false, false, .readWrite, .default, .none),
        ] as [(String, AttributeType, Bool, Bool, Bool, Mutability, Returned, Uniqueness)]
    )
    func userCharacteristics(
        path: String,
        type: AttributeType,
        multiValued: Bool,
        required: Bool,
        caseExact: Bool,
        mutability: Mutability,
        returned: Returned,
        uniqueness: Uniqueness
    ) throws {
        let resolved = try #require(registry.resolve(try AttributePath(parsing: path), resourceType: "User"))
        let definition = resolved.effective
        #expect(definition.type == type)
        #expect(definition.multiValued == multiValued)
        #expect(definition.required == required)
        #expect(definition.caseExact == caseExact)
        #expect(definition.mutability == mutability)
        #expect(definition.returned == returned)
        #expect(definition.uniqueness == uniqueness)
    }

    @Test func canonicalValuesAndReferenceTypes() throws {
        let user = try #require(registry.schema(id: ScimSchemaURN.user))
        #expect(user.attribute(named: "emails")?.subAttribute(named: "type")?.canonicalValues == ["work", "home", "other"])
        #expect(
            user.attribute(named: "phoneNumbers")?.subAttribute(named: "type")?.canonicalValues == [
                "work", "home", "mobile", "fax", "pager", "other",
            ]
        )
        #expect(
            user.attribute(named: "ims")?.subAttribute(named: "type")?.canonicalValues == [
                "aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo",
            ]
        )
        #expect(user.attribute(named: "photos")?.subAttribute(named: "type")?.canonicalValues == ["photo", "thumbnail"])
        #expect(user.attribute(named: "groups")?.subAttribute(named: "type")?.canonicalValues == ["direct", "indirect"])
        #expect(user.attribute(named: "groups")?.subAttribute(named: "$REF")?.referenceTypes == ["User", "Group"])
        #expect(user.attribute(named: "profileUrl")?.referenceTypes == ["external"])
        let group = try #require(registry.schema(id: ScimSchemaURN.group))
        #expect(group.attributes.map(\.name) == ["displayName", "members"])
        #expect(group.attribute(named: "members")?.subAttributes.map(\.name) == ["value", "$ref", "type"])
        #expect(group.attribute(named: "members")?.subAttributes.allSatisfy { $0.mutability == .immutable } == true)
        #expect(group.attribute(named: "members")?.subAttribute(named: "type")?.canonicalValues == ["User", "Group"])
        let enterprise = try #require(registry.schema(id: Self.enterprise))
        #expect(enterprise.attributes.map(\.name) == ["employeeNumber", "costCenter", "organization", "division", "department", "manager"])
        #expect(enterprise.attribute(named: "manager")?.subAttribute(named: "$ref")?.referenceTypes == ["User"])
    }

    @Test func resourceTypes() throws {
        let user = try #require(registry.resourceType(id: "user"))
        #expect(user.endpoint == "/Users")
        #expect(user.schema == ScimSchemaURN.user)
        #expect(user.schemaExtensions == [SchemaExtensionReference(schema: Self.enterprise, required: false)])
        let group = try #require(registry.resourceType(id: "Group"))
        #expect(group.endpoint == "/Groups")
        #expect(group.schemaExtensions.isEmpty)
        #expect(registry.resourceType(id: "Device") == nil)
        #expect(registry.schema(id: ScimSchemaURN.user.uppercased())?.id == ScimSchemaURN.user)
    }

    // MARK: resolve

    @Test(
        arguments: [
            ("username", "User", ScimSchemaURN.user, "userName", nil, false),
            ("NAME.GIVENNAME", "User", ScimSchemaURN.user, "name", "givenName", false),
            ("emails.VALUE", "User", ScimSchemaURN.user, "emails", "value", false),
            ("id", "User", ScimSchemaURN.user, "id", nil, false),
            ("externalid", "Group", ScimSchemaURN.group, "externalId", nil, false),
            ("meta.created", "Group", ScimSchemaURN.group, "meta", "created", false),
            ("Meta.LastModified", "User", ScimSchemaURN.user, "meta", "lastModified", false),
            ("department", "User", enterprise, "department", nil, true),
            ("manager.value", "User", enterprise, "manager", "value", true),
            ("\(enterprise):manager.value", "User", enterprise, "manager", "value", true),
            ("\(enterprise.uppercased()):EmployeeNumber", "User", enterprise, "employeeNumber", nil, true),
            ("urn:ietf:params:scim:schemas:core:2.0:User:userName", "User", ScimSchemaURN.user, "userName", nil, false),
            ("urn:ietf:params:scim:schemas:core:2.0:User:id", "User", ScimSchemaURN.user, "id", nil, false),
            ("members.$ref", "Group", ScimSchemaURN.group, "members", "$ref", false),
        ] as [(String, String, String, String, String?, Bool)]
    )
    func resolves(path: String, resourceType: String, schema: String, attribute: String, sub: String?, isExtension: Bool) throws {
        let resolved = try #require(registry.resolve(try AttributePath(parsing: path), resourceType: resourceType))
        #expect(resolved.schema == schema)
        #expect(resolved.attribute.name == attribute)
        #expect(resolved.subAttribute?.name == sub)
        #expect(resolved.isExtension == isExtension)
    }

    @Test(arguments: [
        ("nope", "User"), ("name.nope", "User"), ("userName.value", "User"), ("members", "User"), ("userName", "Group"),
        ("department", "Group"), ("urn:ietf:params:scim:schemas:core:2.0:Group:displayName", "User"),
        ("urn:ietf:params:scim:schemas:extension:MyApp:2.0:User:costCenter", "User"), ("userName", "Nope"),
    ])
    func doesNotResolve(path: String, resourceType: String) throws {
        #expect(registry.resolve(try AttributePath(parsing: path), resourceType: resourceType) == nil)
    }

    @Test func customExtensionResolvesAfterAdding() throws {
        let urn = "urn:ietf:params:scim:schemas:extension:MyApp:2.0:User"
        let custom = SchemaDefinition(
            id: urn,
            name: "MyApp",
            description: "Tenant attributes",
            attributes: [AttributeDefinition(name: "costCenter", type: .string), AttributeDefinition(name: "badge", type: .integer)]
        )
        let extended = registry.adding(extension: custom, to: "User", required: false)
        let resolved = try #require(extended.resolve(try AttributePath(parsing: "\(urn):costcenter"), resourceType: "User"))
        #expect(resolved.schema == urn)
        #expect(resolved.attribute.name == "costCenter")
        #expect(extended.resolve(AttributePath(attribute: "badge"), resourceType: "User")?.attribute.type == .integer)
        #expect(extended.resourceType(id: "User")?.schemaExtensions.map(\.schema) == [Self.enterprise, urn])
        // Adding twice replaces rather than duplicates.
        let twice = extended.adding(extension: custom, to: "User", required: true)
        #expect(twice.resourceType(id: "User")?.schemaExtensions.count == 2)
        #expect(twice.resourceType(id: "User")?.schemaExtensions.last?.required == true)
        #expect(twice.schemas.count == 4)
        // The original is unchanged (value semantics).
        #expect(registry.resolve(AttributePath(attribute: "badge"), resourceType: "User") == nil)
    }

    @Test func extensionURNs() {
        #expect(registry.extensionURN(Self.enterprise.uppercased(), resourceType: "User") == Self.enterprise)
        #expect(registry.extensionURN(Self.enterprise, resourceType: "Group") == nil)
        #expect(registry.extensionURN("\(Self.enterprise):department", resourceType: "User") == nil)
        #expect(registry.extensionURN(ScimSchemaURN.user, resourceType: "User") == nil)
    }

    // MARK: canonicalize

    @Test func canonicalizeRenamesKnownKeysOnly() throws {
        let input: JSONValue = [
            "SCHEMAS": [.string(ScimSchemaURN.user)],
            "USERNAME": "bjensen",
            "Name": ["GivenName": "Barbara", "nickname": "kept"],
            "Emails": [["VALUE": "a@example.com", "Type": "work", "Primary": true, "extra": 1]],
            "Meta": ["LASTMODIFIED": "2011-05-13T04:42:34Z"],
            "urn:ietf:params:scim:schemas:extension:ENTERPRISE:2.0:User": ["Department": "Tour", "MANAGER": ["Value": "42"]],
            "customThing": ["Value": 1],
            "ExternalID": "701984",
        ]
        let output = registry.canonicalize(input, resourceType: "User")
        let expected: JSONValue = [
            "schemas": [.string(ScimSchemaURN.user)],
            "userName": "bjensen",
            "name": ["givenName": "Barbara", "nickname": "kept"],
            "emails": [["value": "a@example.com", "type": "work", "primary": true, "extra": 1]],
            "meta": ["lastModified": "2011-05-13T04:42:34Z"],
            Self.enterprise: ["department": "Tour", "manager": ["value": "42"]],
            "customThing": ["Value": 1],
            "externalId": "701984",
        ]
        #expect(output == expected)
        // Idempotent.
        #expect(registry.canonicalize(output, resourceType: "User") == output)
    }

    @Test func canonicalizeGroupAndCollisions() {
        let input: JSONValue = ["DisplayName": "Tour Guides", "MEMBERS": [["Value": "1", "$REF": "x", "display": "Babs"]], "displayName": "exact"]
        let output = registry.canonicalize(input, resourceType: "Group")
        // The exact key wins; the differently-cased duplicate is left alone, not merged or lost.
        #expect(output == ["DisplayName": "Tour Guides", "displayName": "exact", "members": [["value": "1", "$ref": "x", "display": "Babs"]]])
        #expect(registry.canonicalize("not an object", resourceType: "User") == "not an object")
    }

    // MARK: discovery

    @Test func schemaResourceRepresentation() throws {
        let resource = try #require(registry.schemaResource(id: Self.enterprise, baseURL: "https://scim.example.com/v2/"))
        #expect(resource["schemas"] == [.string(ScimSchemaURN.schema)])
        #expect(resource["id"] == .string(Self.enterprise))
        #expect(resource["name"] == "EnterpriseUser")
        #expect(resource["meta"] == ["resourceType": "Schema", "location": .string("https://scim.example.com/v2/Schemas/\(Self.enterprise)")])
        let manager = try #require(resource["attributes"]?.arrayValue?.first { $0["name"] == "manager" })
        #expect(manager["type"] == "complex")
        #expect(manager["multiValued"] == false)
        #expect(manager["subAttributes"]?.arrayValue?.count == 3)
        let ref = try #require(manager["subAttributes"]?.arrayValue?.first { $0["name"] == "$ref" })
        #expect(
            ref == [
                "name": "$ref", "type": "reference", "multiValued": false,
                "description": "The URI of the SCIM resource representing the User's manager.  REQUIRED.", "required": false,
                "caseExact": false, "mutability": "readWrite", "returned": "default", "uniqueness": "none", "referenceTypes": ["User"],
            ]
        )
        #expect(registry.schemaResource(id: "urn:nope", baseURL: "x") == nil)
        // Common attributes are not part of /Schemas.
        let user = try #require(registry.schemaResource(id: ScimSchemaURN.user, baseURL: "https://x"))
        #expect(user["attributes"]?.arrayValue?.contains { $0["name"] == "id" } == false)
        #expect(user["attributes"]?.arrayValue?.count == 21)
    }

    @Test func resourceTypeResourceRepresentation() throws {
        let user = try #require(registry.resourceTypeResource(id: "User", baseURL: "https://scim.example.com/v2"))
        #expect(
            user == [
                "schemas": [.string(ScimSchemaURN.resourceType)], "id": "User", "name": "User", "endpoint": "/Users",
                "description": "User Account", "schema": .string(ScimSchemaURN.user),
                "schemaExtensions": [["schema": .string(Self.enterprise), "required": false]],
                "meta": ["resourceType": "ResourceType", "location": "https://scim.example.com/v2/ResourceTypes/User"],
            ]
        )
        let group = try #require(registry.resourceTypeResource(id: "group", baseURL: "https://scim.example.com/v2"))
        #expect(group["schemaExtensions"] == nil)
        #expect(group["endpoint"] == "/Groups")
        #expect(registry.resourceTypeResource(id: "Nope", baseURL: "x") == nil)
    }

    // MARK: ScimDateTime

    @Test(
        arguments: [
            ("2011-05-13T04:42:34Z", 1_305_261_754.0),
            ("2011-05-13T04:42:34.000Z", 1_305_261_754.0),
            ("2011-05-13T04:42:34.5Z", 1_305_261_754.5),
            ("2011-05-13T06:42:34+02:00", 1_305_261_754.0),
            ("2011-05-13T00:42:34-0400", 1_305_261_754.0),
            ("2011-05-13t04:42:34z", 1_305_261_754.0),
            ("2011-05-13T04:42:34", 1_305_261_754.0),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59Z", -1),
            ("2024-02-29T12:00:00Z", 1_709_208_000),
        ] as [(String, Double)]
    )
    func parsesDateTimes(text: String, seconds: Double) {
        #expect(ScimDateTime.secondsSince1970(text) == seconds)
    }

    @Test(arguments: [
        "", "2011-05-13", "2011-13-01T00:00:00Z", "2011-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2011-05-13T04:42Z", "2011-05-13T04:42:34.Z",
        "2011-05-13T04:42:34Zjunk", "yesterday", "2011-05-13 04:42:34Z",
    ])
    func rejectsBadDateTimes(text: String) {
        #expect(ScimDateTime.secondsSince1970(text) == nil)
    }

    @Test func canonicalDateTime() {
        #expect(ScimDateTime.canonical("2011-05-13T06:42:34+02:00") == "2011-05-13T04:42:34Z")
        #expect(ScimDateTime.canonical("2011-05-13T04:42:34.250Z") == "2011-05-13T04:42:34.250Z")
        #expect(ScimDateTime.canonical("1969-12-31T23:59:59.5Z") == "1969-12-31T23:59:59.500Z")
        #expect(ScimDateTime.canonical("nope") == nil)
    }
}

extension JSONValue {
    /// The member `key` of an object (exact spelling), for assertions.
    fileprivate subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}
