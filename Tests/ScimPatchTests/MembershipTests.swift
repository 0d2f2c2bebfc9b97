import ScimCore
import ScimFilter
import ScimPatch
import Testing

@Suite("Group membership changes")
struct MembershipTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var operations: [String]
        var expected: [MembershipChange]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "add with $ref null (Entra)",
            operations: [#"{"op":"Add","path":"members","value":[{"$ref":null,"value":"u1"}]}"#],
            expected: [.add([MemberReference(value: "u1")])]
        ),
        Case(
            name: "add keeps type and display, drops duplicates",
            operations: [
                #"{"op":"add","path":"members","value":[{"value":"u1","type":"User","display":"Babs"},{"value":"u1","type":"User","display":"Babs"},{"value":"g2","type":"Group"}]}"#
            ],
            expected: [.add([MemberReference(value: "u1", type: "User", display: "Babs"), MemberReference(value: "g2", type: "Group")])]
        ),
        Case(
            name: "add of a single object",
            operations: [#"{"op":"add","path":"members","value":{"value":"u1"}}"#],
            expected: [.add([MemberReference(value: "u1")])]
        ),
        Case(name: "add of an empty list is nothing", operations: [#"{"op":"add","path":"members","value":[]}"#], expected: []),
        Case(
            name: "remove with a value list (Entra default) never clears the group",
            operations: [#"{"op":"Remove","path":"members","value":[{"value":"u1091"},{"value":"u1092"}]}"#],
            expected: [.remove(["u1091", "u1092"])]
        ),
        Case(
            name: "remove with an empty value list is nothing",
            operations: [#"{"op":"Remove","path":"members","value":[]}"#],
            expected: []
        ),
        Case(
            name: "remove by value filter (Entra flag, Okta)",
            operations: [#"{"op":"remove","path":"members[value eq \"7f4b\"]"}"#],
            expected: [.remove(["7f4b"])]
        ),
        Case(
            name: "remove by an or of value filters",
            operations: [#"{"op":"remove","path":"members[value eq \"a\" or value eq \"b\"]"}"#],
            expected: [.remove(["a", "b"])]
        ),
        Case(
            name: "remove by another filter",
            operations: [#"{"op":"remove","path":"members[type eq \"Group\"]"}"#],
            expected: [.removeMatching(.compare(AttributePath(attribute: "type"), .eq, "Group"))]
        ),
        Case(name: "remove without value clears", operations: [#"{"op":"remove","path":"members"}"#], expected: [.removeAll]),
        Case(name: "remove with a null value clears", operations: [#"{"op":"remove","path":"members","value":null}"#], expected: [.removeAll]),
        Case(
            name: "replace",
            operations: [#"{"op":"replace","path":"members","value":[{"value":"u1"}]}"#],
            expected: [.replaceAll([MemberReference(value: "u1")])]
        ),
        Case(name: "replace with an empty list", operations: [#"{"op":"replace","path":"members","value":[]}"#], expected: [.replaceAll([])]),
        Case(
            name: "path-less add carrying members",
            operations: [#"{"op":"add","value":{"members":[{"value":"u1","display":"Babs"}]}}"#],
            expected: [.add([MemberReference(value: "u1", display: "Babs")])]
        ),
        Case(
            name: "URN-qualified and oddly cased members path",
            operations: [#"{"op":"ADD","path":"urn:ietf:params:scim:schemas:core:2.0:Group:Members","value":[{"value":"u1"}]}"#],
            expected: [.add([MemberReference(value: "u1")])]
        ),
        Case(
            name: "request order is kept (Okta group push)",
            operations: [
                #"{"op":"remove","path":"members[value eq \"u9\"]"}"#, #"{"op":"add","path":"members","value":[{"value":"u1"}]}"#,
                #"{"op":"remove","path":"members","value":[{"value":"u2"}]}"#,
            ],
            expected: [.remove(["u9"]), .add([MemberReference(value: "u1")]), .remove(["u2"])]
        ),
    ]

    @Test("operations on members become membership changes", arguments: cases)
    func membership(_ testCase: Case) throws {
        let body = #"{"Operations":[\#(testCase.operations.joined(separator: ","))]}"#
        let result = try apply(body, to: baseGroup, engine: groupEngine)
        #expect(result.membershipChanges == testCase.expected)
        #expect(result.resource == baseGroup, "members never enter the group JSON")
        #expect(result.changed == !testCase.expected.isEmpty)
    }

    @Test(
        "bad member values and paths",
        arguments: [
            (#"{"op":"add","path":"members","value":[{"value":""}]}"#, ScimError.ScimType.invalidValue),
            (#"{"op":"add","path":"members","value":[{"value":42}]}"#, .invalidValue),
            (#"{"op":"add","path":"members","value":[{"display":"no id"}]}"#, .invalidValue),
            (#"{"op":"add","path":"members","value":[7]}"#, .invalidValue),
            (#"{"op":"add","path":"members","value":[{"value":"u1","display":5}]}"#, .invalidValue),
            (#"{"op":"remove","path":"members","value":[{"value":null}]}"#, .invalidValue),
            (#"{"op":"add","path":"members"}"#, .invalidValue),
            (#"{"op":"add","path":"members[value eq \"u1\"]","value":{"value":"u1"}}"#, .invalidPath),
            (#"{"op":"replace","path":"members[value eq \"u1\"].value","value":"u2"}"#, .invalidPath),
            (#"{"op":"remove","path":"members.value"}"#, .invalidPath),
            (#"{"op":"remove","path":"members[colour eq \"red\"]"}"#, .invalidPath),
        ]
    )
    func errors(operation: String, scimType: ScimError.ScimType) {
        #expect(patchError(patch(operation), on: baseGroup, engine: groupEngine)?.scimType == scimType)
    }

    @Test("a rename and membership changes in one request")
    func renameAndMembers() throws {
        let result = try apply(
            patch(
                #"{"op":"replace","value":{"id":"e9e30dba-f08f-4109-8486-d5c6a331660a","displayName":"Guides"}}"#,
                #"{"op":"add","path":"members","value":[{"value":"u1"}]}"#
            ),
            to: baseGroup,
            engine: groupEngine
        )
        #expect(result.resource["displayName"] == "Guides")
        #expect(result.membershipChanges == [.add([MemberReference(value: "u1")])])
    }
}

@Suite("Error cases")
struct PatchErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var scimType: ScimError.ScimType
        var resourceType = ScimResourceType.user
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown op", body: patch(#"{"op":"merge","path":"title","value":"x"}"#), scimType: .invalidSyntax),
        Case(name: "op missing", body: patch(#"{"path":"title","value":"x"}"#), scimType: .invalidSyntax),
        Case(name: "Operations missing", body: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}"#, scimType: .invalidSyntax),
        Case(name: "garbage path", body: patch(#"{"op":"add","path":"emails[[","value":"x"}"#), scimType: .invalidPath),
        Case(name: "bad filter in path", body: patch(#"{"op":"add","path":"emails[type xx \"work\"].value","value":"x"}"#), scimType: .invalidPath),
        Case(name: "unknown attribute", body: patch(#"{"op":"add","path":"shoeSize","value":"9"}"#), scimType: .invalidPath),
        Case(name: "remove without path", body: patch(#"{"op":"remove"}"#), scimType: .noTarget),
        Case(name: "remove without path, with value", body: patch(#"{"op":"remove","value":{"title":"x"}}"#), scimType: .noTarget),
        Case(name: "add without value", body: patch(#"{"op":"add","path":"title"}"#), scimType: .invalidValue),
        Case(name: "path-less add without value", body: patch(#"{"op":"add"}"#), scimType: .invalidValue),
        Case(name: "path-less replace with a string", body: patch(#"{"op":"replace","value":"x"}"#), scimType: .invalidValue),
        Case(name: "extension given as a string", body: patch(#"{"op":"replace","value":{"\#(URN.enterprise)":"x"}}"#), scimType: .invalidValue),
        Case(name: "readOnly target id", body: patch(#"{"op":"replace","path":"id","value":"x"}"#), scimType: .mutability),
        Case(name: "readOnly target meta", body: patch(#"{"op":"replace","path":"meta.version","value":"W/\"2\""}"#), scimType: .mutability),
        Case(
            name: "readOnly target group id",
            body: patch(#"{"op":"replace","path":"id","value":"x"}"#),
            scimType: .mutability,
            resourceType: .group
        ),
        Case(name: "wrong type boolean", body: patch(#"{"op":"replace","path":"active","value":"nope"}"#), scimType: .invalidValue),
        Case(name: "wrong type string", body: patch(#"{"op":"replace","path":"displayName","value":["x"]}"#), scimType: .invalidValue),
        Case(name: "wrong type complex", body: patch(#"{"op":"replace","path":"name","value":7}"#), scimType: .invalidValue),
        Case(
            name: "filtered replace with a list",
            body: patch(#"{"op":"replace","path":"emails[type eq \"work\"]","value":[{"value":"a"},{"value":"b"}]}"#),
            scimType: .invalidValue
        ),
        Case(
            name: "filter on single-valued attribute",
            body: patch(#"{"op":"replace","path":"name[givenName eq \"x\"].familyName","value":"y"}"#),
            scimType: .invalidPath
        ),
        Case(name: "required attribute removed", body: patch(#"{"op":"remove","path":"userName"}"#), scimType: .invalidValue),
        Case(name: "members on a user", body: patch(#"{"op":"add","path":"members","value":[{"value":"u1"}]}"#), scimType: .invalidPath),
        Case(
            name: "user attribute on a group",
            body: patch(#"{"op":"add","path":"userName","value":"x"}"#),
            scimType: .invalidPath,
            resourceType: .group
        ),
    ]

    @Test("errors carry the RFC 7644 Table 9 scimType and status 400", arguments: cases)
    func error(_ testCase: Case) {
        let engine = PatchEngine(registry: .standard, resourceType: testCase.resourceType)
        let resource = testCase.resourceType == .group ? baseGroup : baseUser
        let error = patchError(testCase.body, on: resource, engine: engine)
        #expect(error?.scimType == testCase.scimType, "\(String(describing: error))")
        #expect(error?.status == 400)
    }

    @Test("a resource that is not an object is a server error")
    func notAnObject() {
        #expect(patchError(patch(#"{"op":"add","path":"title","value":"x"}"#), on: .array([]))?.status == 500)
    }
}
