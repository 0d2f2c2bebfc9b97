import ScimCore
import Testing

@Suite("StringMatching")
struct StringMatchingTests {
    @Test(arguments: [
        ("userName", "username", true),
        ("USERNAME", "userName", true),
        ("userName", "userNames", false),
        ("userNames", "userName", false),
        ("", "", true),
        ("a", "", false),
        ("ÉMAIL", "émail", true),
        ("émail", "email", false),
        ("urn:ietf:params:scim:schemas:core:2.0:User", "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER", true),
    ])
    func caseInsensitiveEquals(left: String, right: String, equal: Bool) {
        #expect(left.caseInsensitiveEquals(right) == equal)
        #expect(right.caseInsensitiveEquals(left) == equal)
    }

    @Test(arguments: [
        ("abc", "abc"),
        ("  abc\t\n", "abc"),
        ("a b", "a b"),
        ("\u{00A0}abc\u{3000}", "abc"),
        ("é", "é"),
        (" é ", "é"),
        ("x\u{2003}", "x"),
        ("\u{2003}x", "x"),
        ("   ", ""),
        ("", ""),
    ])
    func trimmingSpaces(text: String, trimmed: String) {
        #expect(text.trimmingSpaces() == trimmed)
        #expect(text[...].trimmingSpaces() == trimmed)
    }
}
