import ScimCore
import ScimFilter
import ScimPatch
import Testing

@Suite("PatchPath parsing")
struct PatchPathTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var expected: PatchPath
        var testDescription: String { text }
    }

    static let enterprise = ScimSchemaURN.enterpriseUser
    static let workType = FilterExpression.compare(AttributePath(attribute: "type"), .eq, "work")

    static let valid: [Case] = [
        Case(text: "userName", expected: PatchPath(attribute: AttributePath(attribute: "userName"))),
        Case(text: "  title ", expected: PatchPath(attribute: AttributePath(attribute: "title"))),
        Case(text: "name.givenName", expected: PatchPath(attribute: AttributePath(attribute: "name", subAttribute: "givenName"))),
        Case(text: "emails", expected: PatchPath(attribute: AttributePath(attribute: "emails"))),
        Case(
            text: #"emails[type eq "work"].value"#,
            expected: PatchPath(attribute: AttributePath(attribute: "emails"), valueFilter: workType, subAttribute: "value")
        ),
        Case(
            text: #"emails[type eq "work"]"#,
            expected: PatchPath(attribute: AttributePath(attribute: "emails"), valueFilter: workType)
        ),
        Case(
            text: #"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#,
            expected: PatchPath(
                attribute: AttributePath(attribute: "members"),
                valueFilter: .compare(AttributePath(attribute: "value"), .eq, "2819c223-7f76-453a-919d-413861904646")
            )
        ),
        Case(
            text: #"addresses[type eq "work" and primary eq true].streetAddress"#,
            expected: PatchPath(
                attribute: AttributePath(attribute: "addresses"),
                valueFilter: .and(workType, .compare(AttributePath(attribute: "primary"), .eq, true)),
                subAttribute: "streetAddress"
            )
        ),
        Case(
            text: #"emails[value eq "odd]name\"@x.com"]"#,
            expected: PatchPath(
                attribute: AttributePath(attribute: "emails"),
                valueFilter: .compare(AttributePath(attribute: "value"), .eq, #"odd]name"@x.com"#)
            )
        ),
        Case(
            text: "\(enterprise):manager",
            expected: PatchPath(attribute: AttributePath(schemaURN: enterprise, attribute: "manager"))
        ),
        Case(
            text: "\(enterprise):manager.value",
            expected: PatchPath(attribute: AttributePath(schemaURN: enterprise, attribute: "manager", subAttribute: "value"))
        ),
        Case(
            text: "\(enterprise):employeeNumber",
            expected: PatchPath(attribute: AttributePath(schemaURN: enterprise, attribute: "employeeNumber"))
        ),
        Case(
            text: "urn:ietf:params:scim:schemas:extension:Acme:2.0:User:costCode",
            expected: PatchPath(
                attribute: AttributePath(schemaURN: "urn:ietf:params:scim:schemas:extension:Acme:2.0:User", attribute: "costCode")
            )
        ),
    ]

    @Test("valid paths", arguments: valid)
    func parses(_ testCase: Case) throws {
        #expect(try PatchPath(parsing: testCase.text) == testCase.expected)
    }

    @Test(
        "targetSubAttribute covers dotted and filtered paths",
        arguments: [
            ("name.givenName", "givenName" as String?), (#"emails[type eq "work"].value"#, "value"), ("emails", nil),
            (#"emails[type eq "work"]"#, nil),
        ]
    )
    func targetSubAttribute(text: String, expected: String?) throws {
        #expect(try PatchPath(parsing: text).targetSubAttribute == expected)
    }

    @Test(
        "malformed paths are invalidPath",
        arguments: [
            "", "   ", "emails[", #"emails[type eq "work""#, #"emails[type eq "work"]x"#, "emails[]", #"emails[type eq "work"]."#,
            #"emails[type eq "work"].value.x"#, "name.givenName.x", "1abc", "emails[type eq]", #"emails[type eq "a"][x eq "b"]"#,
            "a b", "emails]", #"emails[type eq "a"].1x"#, #"name.givenName[type eq "a"]"#, #"[type eq "a"]"#,
            #"emails[type[value eq "x"]]"#, "urn:bad", "user name",
        ]
    )
    func rejects(_ text: String) {
        do {
            _ = try PatchPath(parsing: text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.scimType == .invalidPath, "\(text): \(error.detail)")
        }
    }
}
