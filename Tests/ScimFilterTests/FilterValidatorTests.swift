import ScimCore
import Testing

@testable import ScimFilter

@Suite("FilterValidator")
struct FilterValidatorTests {
    let users = FilterValidator(registry: .standard, resourceType: .user)
    let groups = FilterValidator(registry: .standard, resourceType: .group)

    @Test(
        arguments: FilterParserTests.rfcExamples + [
            #"emails[type eq "work"].value eq "x""#,
            #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x""#,
            #"manager.value eq "x""#,
            #"manager eq "x""#,
            "active eq true",
            #"active eq "False""#,
            "name pr",
            "emails pr",
            "title eq null",
            "title ne null",
            #"id eq "x""#,
            #"meta.created gt "2011-05-13T04:42:34.5+02:00""#,
            #"meta.resourceType eq "User""#,
            #"x509Certificates.value eq "AAAA""#,
            #"groups[type eq "direct"]"#,
            #"addresses[type eq "work"].primary eq true"#,
            #"photos.value sw "https://""#,
        ]
    )
    func acceptsUserFilters(text: String) {
        #expect(throws: Never.self) { try users.validate(Fixtures.parse(text)) }
    }

    @Test(arguments: [
        (#"nope eq "x""#, "Unknown attribute 'nope'"),
        ("nope pr", "Unknown attribute 'nope'"),
        (#"name.nope eq "x""#, "Unknown attribute 'name.nope'"),
        (#"urn:ietf:params:scim:schemas:extension:MyApp:2.0:User:costCenter eq "x""#, "Unknown attribute"),
        (#"emails[nope eq "x"]"#, "Unknown sub-attribute 'nope' of 'emails'"),
        (#"emails[value.x eq "x"]"#, "must be a plain sub-attribute"),
        (#"userName[value eq "x"]"#, "needs a complex attribute"),
        (#"nope[value eq "x"]"#, "Unknown attribute 'nope'"),
        (#"password eq "x""#, "cannot be used in a filter"),
        ("password pr", "cannot be used in a filter"),
        (#"name eq "x""#, "needs a sub-attribute"),
        ("active gt true", "'gt' cannot compare the boolean attribute 'active'"),
        ("active le false", "cannot compare the boolean"),
        (#"x509Certificates.value gt "AAAA""#, "cannot compare the binary"),
        (#"x509Certificates.value co "AA""#, "applies to string attributes only"),
        (#"active co "t""#, "applies to string attributes only"),
        (#"meta.created sw "2011""#, "applies to string attributes only"),
        ("active eq 1", "is boolean"),
        (#"active eq "yes""#, "is boolean"),
        ("userName eq 42", "is string"),
        ("userName eq true", "is string"),
        ("externalId eq 701984", "is string"),
        (#"meta.created gt "yesterday""#, "is not an xsd:dateTime"),
        ("meta.created gt 5", "is dateTime"),
        ("title gt null", "needs a non-null value"),
        (#"userType eq "Employee" and nope pr"#, "Unknown attribute 'nope'"),
        (#"not (emails[type eq 1])"#, "is string"),
    ])
    func rejectsUserFilters(text: String, detail: String) {
        do {
            try users.validate(Fixtures.parse(text))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.scimType == .invalidFilter)
            #expect(error.detail.contains(detail), "detail: \(error.detail)")
        }
    }

    @Test func groupsAndCustomExtensions() throws {
        try groups.validate(Fixtures.parse(#"displayName eq "x" and members[value eq "y"] and externalId pr"#))
        #expect(throws: ScimError.self) { try groups.validate(Fixtures.parse(#"userName eq "x""#)) }
        #expect(throws: ScimError.self) { try groups.validate(Fixtures.parse(#"department eq "x""#)) }
        let urn = "urn:ietf:params:scim:schemas:extension:MyApp:2.0:User"
        let registry = SchemaRegistry.standard.adding(
            extension: SchemaDefinition(id: urn, name: "MyApp", description: "", attributes: [AttributeDefinition(name: "level", type: .integer)]),
            to: "User",
            required: false
        )
        let validator = FilterValidator(registry: registry, resourceType: .user)
        try validator.validate(Fixtures.parse("\(urn):level ge 3"))
        #expect(throws: ScimError.invalidFilter("'level' is an integer; 3.5 is not.")) { try validator.validate(Fixtures.parse("level ge 3.5")) }
        let withoutUsers = SchemaRegistry(schemas: [], resourceTypes: [])
        #expect(throws: ScimError.self) { try FilterValidator(registry: withoutUsers, resourceType: .user).validate(Fixtures.parse("id pr")) }
    }

    @Test func elementFilters() throws {
        try users.validate(Fixtures.parse(#"type eq "work" and primary eq true"#), elementOf: AttributePath(attribute: "emails"))
        try groups.validate(Fixtures.parse(#"value eq "x""#), elementOf: AttributePath(attribute: "members"))
        #expect(throws: ScimError.self) { try users.validate(Fixtures.parse(#"nope eq "x""#), elementOf: AttributePath(attribute: "emails")) }
        #expect(throws: ScimError.self) { try users.validate(Fixtures.parse(#"value eq "x""#), elementOf: AttributePath(attribute: "userName")) }
        #expect(throws: ScimError.self) { try users.validate(Fixtures.parse(#"emails[type eq "x"]"#), elementOf: AttributePath(attribute: "emails")) }
    }
}
