import ScimCore
import Testing

@testable import ScimFilter

@Suite("FilterEvaluator")
struct FilterEvaluatorTests {
    let users = FilterEvaluator(registry: .standard, resourceType: .user)
    let groups = FilterEvaluator(registry: .standard, resourceType: .group)

    @Test(arguments: [
        // RFC 7644 §3.4.2.2 examples against the RFC 7643 §8.2 user.
        (#"userName eq "bjensen@example.com""#, true),
        (#"userName eq "BJENSEN@EXAMPLE.COM""#, true),  // userName is not caseExact (Okta SPEC upper-cases it)
        (#"userName eq "bjensen""#, false),
        (#"name.familyName co "ENS""#, true),
        (#"name.familyName co "O'Malley""#, false),
        (#"userName sw "BJ""#, true),
        (#"userName sw "J""#, false),
        (#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "b""#, true),
        (#"userName ew "@EXAMPLE.com""#, true),
        ("title pr", true),
        ("nickName pr", true),
        ("name pr", true),
        ("emails pr", true),
        ("ims pr", true),
        ("entitlements pr", false),
        (#"meta.lastModified gt "2011-05-13T04:42:34Z""#, false),
        (#"meta.lastModified ge "2011-05-13T04:42:34Z""#, true),
        (#"meta.lastModified lt "2011-05-13T04:42:34Z""#, false),
        (#"meta.lastModified le "2011-05-13T04:42:34Z""#, true),
        (#"meta.lastModified eq "2011-05-13T04:42:34.000Z""#, true),  // instants, not text
        (#"meta.lastModified eq "2011-05-13T06:42:34+02:00""#, true),
        (#"meta.lastModified gt "2011-05-13T04:42:33.999Z""#, true),
        (#"meta.created lt "2011-01-01T00:00:00Z""#, true),
        (#"title pr and userType eq "Employee""#, true),
        (#"title pr and userType eq "Intern""#, false),
        (#"title pr or userType eq "Intern""#, true),
        (#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#, true),
        (#"schemas eq "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER""#, true),
        (#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#, true),
        (#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#, false),
        (#"userType eq "Employee" and (emails.type eq "work")"#, true),
        (#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#, true),
        (#"userType eq "Employee" and emails[type eq "home" and value co "@example.com"]"#, false),
        (#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#, true),
        // Any-element semantics vs same-element semantics.
        (#"emails.type eq "home" and emails.value co "@example.com""#, true),
        (#"emails[type eq "home" and value co "@example.com"]"#, false),
        // Entra's `emails[type eq "work"].value eq "x"`.
        (#"emails[type eq "work"].value eq "BJensen@Example.com""#, true),
        (#"emails[type eq "home"].value eq "bjensen@example.com""#, false),
        (#"emails.value eq "babs@jensen.org""#, true),
        (#"emails co "jensen.org""#, true),
        (#"emails[primary eq true].value ew "example.com""#, true),
        (#"emails[primary eq true].value ew "jensen.org""#, false),
        (#"emails[not (primary eq true)].value ew "jensen.org""#, true),
        // caseExact: id and externalId.
        (#"id eq "2819c223-7f76-453a-919d-413861904646""#, true),
        (#"id eq "2819C223-7F76-453A-919D-413861904646""#, false),
        (#"externalId eq "701984""#, true),
        ("externalId eq 701984", false),  // a bare number is a number, and externalId is a string
        (#"externalId sw "7019""#, true),
        // booleans, incl. Entra's string booleans
        ("active eq true", true),
        ("active eq false", false),
        (#"active eq "True""#, true),
        (#"active eq "false""#, false),
        ("active ne false", true),
        // Enterprise extension, qualified and not.
        (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tour operations""#, true),
        (#"department eq "Tour Operations""#, true),
        (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#, true),
        (#"manager.displayName sw "john""#, true),
        (#"manager eq "26118915-6090-4610-87e4-49d8ca9f808d""#, true),  // complex without sub → value
        (#"manager[value pr and displayName co "smith"]"#, true),
        (#"employeeNumber gt "7""#, true),  // strings order lexicographically
        // Other multi-valued attributes.
        (#"addresses[type eq "work" and primary eq true].locality eq "Hollywood""#, true),
        (#"addresses.postalCode eq "91608""#, true),
        (#"groups.display eq "employees""#, true),
        (#"groups[display eq "Employees"]"#, true),
        (#"phoneNumbers[type eq "fax"]"#, false),
        (#"x509Certificates.value eq "miidqzccaqygawibagicEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx""#, false),  // binary is caseExact
        (#"x509Certificates.value eq "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx""#, true),
        // ne / null / not semantics.
        (#"userType ne "Intern""#, true),
        (#"locale ne "en-us""#, false),
        (#"nickName ne "Bob""#, true),
        (#"costCenter ne "4130""#, false),
        ("entitlements eq null", true),
        ("title eq null", false),
        ("title ne null", true),
        (#"not (entitlements.value eq "x")"#, true),
        (#"entitlements.value ne "x""#, true),
        // Attribute names are case-insensitive.
        (#"USERNAME EQ "bjensen@example.com""#, true),
        (#"Emails[TYPE eq "work"].VALUE co "example""#, true),
        (#"NAME.GIVENNAME eq "barbara""#, true),
        // Unknown attributes match nothing (the validator rejects them).
        (#"nope eq "x""#, false),
        ("nope pr", false),
        (#"not (nope eq "x")"#, true),
        ("password pr", false),  // never returned, never filterable
        (#"emails[nope eq "x"]"#, false),
        // Ill-typed comparisons match nothing.
        (#"active gt true"#, false),
        (#"userName gt 3"#, false),
    ])
    func fullUser(filter: String, expected: Bool) {
        #expect(users.matches(Fixtures.parse(filter), resource: Fixtures.fullUser) == expected, "\(filter)")
    }

    @Test(arguments: [
        ("title pr", false),
        ("emails pr", false),
        ("name pr", false),
        (#"title ne "x""#, true),
        ("title eq null", true),
        (#"emails[type eq "work"]"#, false),
        (#"not (emails[type eq "work"])"#, true),
        (#"userName eq "bjensen@example.com" and meta.created eq "2010-01-23T04:56:22Z""#, true),
        (#"department pr"#, false),
    ])
    func minimalUser(filter: String, expected: Bool) {
        #expect(users.matches(Fixtures.parse(filter), resource: Fixtures.minimalUser) == expected, "\(filter)")
    }

    @Test(arguments: [
        (#"displayName eq "tour guides""#, true),
        (#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#, true),
        (#"members.value eq "902C246B-6245-4190-8E05-00816BE7344A""#, true),  // members.value is not caseExact
        (#"members[value eq "nope"]"#, false),
        (#"userName eq "x""#, false),
    ])
    func group(filter: String, expected: Bool) {
        #expect(groups.matches(Fixtures.parse(filter), resource: Fixtures.group) == expected, "\(filter)")
    }

    @Test func presence() {
        let user: JSONValue = [
            "userName": "a", "title": "", "nickName": .null, "emails": [], "phoneNumbers": [["value": ""]],
            "ims": [["value": "x"]], "name": [:], "addresses": [["type": .null]],
        ]
        let expectations: [(String, Bool)] = [
            ("userName pr", true), ("title pr", false), ("nickName pr", false), ("emails pr", false),
            ("phoneNumbers pr", false), ("phoneNumbers.value pr", false), ("ims pr", true), ("ims.value pr", true),
            ("name pr", false), ("addresses pr", false), ("displayName pr", false),
        ]
        for (filter, expected) in expectations {
            #expect(users.matches(Fixtures.parse(filter), resource: user) == expected, "\(filter)")
        }
    }

    @Test func numbersAndCustomExtension() {
        let urn = "urn:ietf:params:scim:schemas:extension:MyApp:2.0:User"
        let registry = SchemaRegistry.standard.adding(
            extension: SchemaDefinition(
                id: urn,
                name: "MyApp",
                description: "",
                attributes: [
                    AttributeDefinition(name: "costCenter", type: .string),
                    AttributeDefinition(name: "level", type: .integer),
                    AttributeDefinition(name: "score", type: .decimal),
                    AttributeDefinition(name: "badge", type: .string, caseExact: true),
                ]
            ),
            to: "User",
            required: false
        )
        let evaluator = FilterEvaluator(registry: registry, resourceType: .user)
        let user: JSONValue = ["userName": "a", .init(stringLiteral: urn): ["costCenter": "CC-1", "level": 7, "score": 2.5, "badge": "AbC"]]
        let expectations: [(String, Bool)] = [
            (#"urn:ietf:params:scim:schemas:extension:MyApp:2.0:User:costCenter eq "cc-1""#, true),
            (#"urn:ietf:params:scim:schemas:extension:myapp:2.0:user:COSTCENTER eq "cc-1""#, true),
            ("level gt 6", true), ("level ge 7", true), ("level lt 7", false), ("level eq 7.0", true),
            ("score le 2.5", true), ("score gt 2.49", true), ("score eq 3", false),
            (#"badge eq "abc""#, false), (#"badge eq "AbC""#, true), (#"badge co "B""#, false), (#"badge co "bC""#, true),
        ]
        for (filter, expected) in expectations {
            #expect(evaluator.matches(Fixtures.parse(filter), resource: user) == expected, "\(filter)")
        }
        // Without the extension registered, the custom attribute is unknown and matches nothing.
        #expect(!users.matches(Fixtures.parse(#"urn:ietf:params:scim:schemas:extension:MyApp:2.0:User:costCenter eq "CC-1""#), resource: user))
    }

    @Test func elementMatching() {
        let emails = AttributePath(attribute: "emails")
        let work: JSONValue = ["value": "bjensen@example.com", "type": "work", "primary": true]
        let home: JSONValue = ["value": "babs@jensen.org", "type": "home"]
        let filter = Fixtures.parse(#"type eq "WORK" and value co "@example.com""#)
        #expect(users.matches(filter, element: work, of: emails))
        #expect(!users.matches(filter, element: home, of: emails))
        #expect(users.matches(Fixtures.parse("not (primary eq true)"), element: home, of: emails))
        #expect(
            groups.matches(
                Fixtures.parse(#"value eq "2819c223""#),
                element: ["value": "2819c223", "display": "Babs"],
                of: AttributePath(attribute: "MEMBERS")
            )
        )
        // Paths must be relative sub-attributes of the element; unknown parents match nothing.
        #expect(!users.matches(Fixtures.parse(#"emails.type eq "work""#), element: work, of: emails))
        #expect(!users.matches(Fixtures.parse(#"type eq "work""#), element: work, of: AttributePath(attribute: "nope")))
        #expect(!users.matches(Fixtures.parse(#"type eq "work""#), element: work, of: AttributePath(attribute: "userName")))
        let manager = AttributePath(schemaURN: Fixtures.enterprise, attribute: "manager")
        #expect(users.matches(Fixtures.parse(#"value sw "2611""#), element: ["value": "26118915"], of: manager))
    }
}
