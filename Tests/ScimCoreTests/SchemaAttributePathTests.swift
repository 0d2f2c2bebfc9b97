import ScimCore
import Testing

@Suite("AttributePath")
struct SchemaAttributePathTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    @Test(
        arguments: [
            ("userName", nil, "userName", nil),
            ("name.givenName", nil, "name", "givenName"),
            ("  emails.value ", nil, "emails", "value"),
            ("members.$ref", nil, "members", "$ref"),
            ("x509Certificates.value", nil, "x509Certificates", "value"),
            ("\(enterprise):employeeNumber", enterprise, "employeeNumber", nil),
            ("\(enterprise):manager.value", enterprise, "manager", "value"),
            ("urn:ietf:params:scim:schemas:core:2.0:User:userName", "urn:ietf:params:scim:schemas:core:2.0:User", "userName", nil),
            (
                "urn:ietf:params:scim:schemas:extension:MyApp:2.0:User:costCenter", "urn:ietf:params:scim:schemas:extension:MyApp:2.0:User",
                "costCenter", nil
            ),
            (
                "URN:IETF:params:scim:schemas:extension:enterprise:2.0:User:Department", "URN:IETF:params:scim:schemas:extension:enterprise:2.0:User",
                "Department", nil
            ),
        ] as [(String, String?, String, String?)]
    )
    func parsesValidPaths(text: String, urn: String?, attribute: String, sub: String?) throws {
        let path = try AttributePath(parsing: text)
        #expect(path == AttributePath(schemaURN: urn, attribute: attribute, subAttribute: sub))
    }

    @Test(arguments: [
        "", "   ", "1abc", "name.", ".name", "name..givenName", "name.givenName.x", "na me", "emails[type eq \"work\"]",
        "urn:", "urn:ietf:", "urn::x:userName", "user$Name", "name.1x", "urn:ietf:params:scim:schemas:core:2.0:User:",
    ])
    func rejectsGarbage(text: String) {
        #expect(throws: ScimError.self) { try AttributePath(parsing: text) }
        do {
            _ = try AttributePath(parsing: text)
        } catch {
            #expect(error.scimType == .invalidPath)
            #expect(error.status == 400)
        }
    }

    @Test(arguments: [
        "userName", "name.givenName", "\(enterprise):manager.value", "\(enterprise):employeeNumber", "members.$ref",
    ])
    func descriptionRoundTrips(text: String) throws {
        let path = try AttributePath(parsing: text)
        #expect(path.description == text)
        #expect(try AttributePath(parsing: path.description) == path)
    }

    @Test func parentAndAppending() {
        let path = AttributePath(attribute: "emails", subAttribute: "value")
        #expect(path.parent == AttributePath(attribute: "emails"))
        #expect(path.parent.appending(subAttribute: "type") == AttributePath(attribute: "emails", subAttribute: "type"))
    }
}
