// Shared by every fuzz target (compiled into each target's executable; see Tests/Fuzz/run.sh).
// Only ScimCore is needed here: the schema registry and the sample resources every target works on.
import Foundation
import ScimCore

enum Fuzz {
    /// A tenant's custom extension of User with one attribute of every type (Entra/Okta custom attributes), so the
    /// fuzzers reach the integer/decimal/dateTime/binary/reference paths of the code under test.
    static let tenantExtensionURN = "urn:ietf:params:scim:schemas:extension:fuzz:2.0:User"

    static let tenantExtension = SchemaDefinition(
        id: tenantExtensionURN,
        name: "FuzzTenant",
        description: "Custom attributes of one tenant",
        attributes: [
            AttributeDefinition(name: "badge", type: .integer),
            AttributeDefinition(name: "score", type: .decimal),
            AttributeDefinition(name: "hired", type: .dateTime),
            AttributeDefinition(name: "vip", type: .boolean),
            AttributeDefinition(name: "avatar", type: .binary),
            AttributeDefinition(name: "homepage", type: .reference, referenceTypes: ["external"]),
            AttributeDefinition(name: "code", type: .string, caseExact: true, canonicalValues: ["A", "B"]),
            AttributeDefinition(name: "tags", type: .string, multiValued: true),
            AttributeDefinition(name: "secret", type: .string, returned: .never),
            AttributeDefinition(
                name: "office",
                type: .complex,
                multiValued: true,
                subAttributes: [
                    AttributeDefinition(name: "value", type: .string),
                    AttributeDefinition(name: "floor", type: .integer),
                    AttributeDefinition(name: "primary", type: .boolean),
                ]
            ),
        ]
    )

    /// RFC 7643 User (with the enterprise extension) and Group, as the service registers them.
    static let standard = SchemaRegistry.standard
    /// The standard registry plus the tenant extension on User.
    static let tenant = SchemaRegistry.standard.adding(extension: tenantExtension, to: "User", required: false)

    /// RFC 7643 §8.2 full User with the enterprise extension (§8.3) and the tenant extension.
    static let user: JSONValue = parse(
        #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
         "urn:ietf:params:scim:schemas:extension:fuzz:2.0:User"],
         "id":"2819c223-7f76-453a-919d-413861904646","externalId":"701984","userName":"bjensen@example.com",
         "name":{"formatted":"Ms. Barbara J Jensen, III","familyName":"Jensen","givenName":"Barbara","middleName":"Jane",
          "honorificPrefix":"Ms.","honorificSuffix":"III"},
         "displayName":"Babs Jensen","nickName":"Babs","profileUrl":"https://login.example.com/bjensen",
         "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
         "addresses":[{"type":"work","streetAddress":"100 Universal City Plaza","locality":"Hollywood","region":"CA",
          "postalCode":"91608","country":"USA","formatted":"100 Universal City Plaza\nHollywood, CA 91608 USA","primary":true},
          {"type":"home","streetAddress":"456 Hollywood Blvd","locality":"Hollywood","region":"CA","postalCode":"91608",
          "country":"USA"}],
         "phoneNumbers":[{"value":"555-555-5555","type":"work"},{"value":"555-555-4444","type":"mobile"}],
         "ims":[{"value":"someaimhandle","type":"aim"}],
         "photos":[{"value":"https://photos.example.com/profilephoto/72930000000Ccne/F","type":"photo"}],
         "userType":"Employee","title":"Tour Guide","preferredLanguage":"en-US","locale":"en-US",
         "timezone":"America/Los_Angeles","active":true,"password":"t1meMa$heen",
         "groups":[{"value":"e9e30dba-f08f-4109-8486-d5c6a331660a","display":"Tour Guides"}],
         "roles":[{"value":"admin","primary":true}],"entitlements":[{"value":"read"}],
         "x509Certificates":[{"value":"MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","costCenter":"4130",
          "organization":"Universal Studios","division":"Theme Park","department":"Tour Operations",
          "manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d","displayName":"John Smith"}},
         "urn:ietf:params:scim:schemas:extension:fuzz:2.0:User":{"badge":42,"score":3.5,"hired":"2011-05-13T04:42:34Z",
          "vip":false,"avatar":"aGVsbG8=","homepage":"https://example.com/~b","code":"A","tags":["x","y"],"secret":"s",
          "office":[{"value":"HQ","floor":3,"primary":true}]},
         "meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34.123+02:00",
          "version":"W/\"3694e05e9dff591\"","location":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"}}
        """#
    )

    /// RFC 7643 §8.4 Group, with members (as the directory renders it).
    static let group: JSONValue = parse(
        #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"e9e30dba-f08f-4109-8486-d5c6a331660a",
         "externalId":"g-1","displayName":"Tour Guides",
         "members":[{"value":"2819c223-7f76-453a-919d-413861904646","display":"Babs Jensen","type":"User"},
          {"value":"902c246b-6245-4190-8e05-00816be7344a","display":"Mandy Pepperidge","type":"User"},
          {"value":"fc348aa8-3835-40eb-a20b-c726e15c55b5","type":"Group"}],
         "meta":{"resourceType":"Group","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z",
          "version":"W/\"3694e05e9dff592\""}}
        """#
    )

    /// The group as the PATCH engine receives it: canonical, without `members` (they live in their own table).
    static let groupWithoutMembers: JSONValue = {
        guard case .object(var members) = standard.canonicalize(group, resourceType: "Group") else { fatalError("sample group") }
        members["members"] = nil
        return .object(members)
    }()

    static func parse(_ text: String) -> JSONValue {
        do { return try JSONReader.parse(text) } catch { fatalError("fuzz sample: \(error)") }
    }

    /// The input as text. Invalid UTF-8 becomes U+FFFD, as it does where the services turn request bytes into text.
    static func text(_ start: UnsafeRawPointer, _ count: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    }

    static func bytes(_ start: UnsafeRawPointer, _ count: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// A property every input must keep. A violation aborts, which libFuzzer reports as a crash with the input saved.
    static func check(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
        if !condition {
            FileHandle.standardError.write(Data("FUZZ PROPERTY VIOLATED (\(file):\(line)): \(message())\n".utf8))
            abort()
        }
    }

    /// `JSONWriter` then `JSONReader` gives back the same value, and writing it again the same bytes.
    static func checkRoundTrip(_ value: JSONValue, _ what: @autoclosure () -> String) {
        let written = JSONWriter.data(value)
        let reread: JSONValue
        do {
            reread = try JSONReader.parse(written)
        } catch {
            check(false, "\(what()): JSONReader refused JSONWriter's output \(String(decoding: written, as: UTF8.self)): \(error)")
            return
        }
        check(reread == value, "\(what()): read(write(x)) != x for \(String(decoding: written, as: UTF8.self))")
        check(JSONWriter.data(reread) == written, "\(what()): write(read(write(x))) != write(x)")
    }
}
