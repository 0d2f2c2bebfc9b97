import ScimCore
import ScimFilter
import ScimPatch
import Testing

/// The examples of RFC 7644 §3.5.2.1–§3.5.2.3, applied to RFC 7643 §8-style resources.
@Suite("RFC 7644 §3.5.2 examples")
struct RFC7644ExampleTests {
    // MARK: §3.5.2.1 add

    @Test("§3.5.2.1: add a member to a group")
    func addMember() throws {
        let result = try apply(
            patch(
                #"""
                {"op":"add","path":"members","value":[{"display":"Babs Jensen",
                 "$ref":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
                 "value":"2819c223-7f76-453a-919d-413861904646"}]}
                """#
            ),
            to: baseGroup,
            engine: groupEngine
        )
        #expect(result.membershipChanges == [.add([MemberReference(value: "2819c223-7f76-453a-919d-413861904646", display: "Babs Jensen")])])
        #expect(result.resource == baseGroup, "members never enter the group JSON")
        #expect(result.changed)
    }

    @Test("§3.5.2.1: add without path appends emails and sets nickname")
    func addWithoutPath() throws {
        let result = try apply(
            patch(#"{"op":"add","value":{"emails":[{"value":"babs@example.org","type":"other"}],"nickname":"Babs"}}"#),
            to: baseUser
        )
        #expect(result.resource["nickName"] == "Babs", "the key takes the schema's spelling")
        #expect(result.resource["nickname"] == nil)
        #expect(result.resource["emails"]?.arrayValue?.count == 3)
        #expect(result.resource["emails", 2] == json(#"{"value":"babs@example.org","type":"other"}"#))
        #expect(result.resource["emails", 0] == baseUser["emails", 0], "existing values stay")
    }

    @Test("§3.5.2.1: adding a value that is already present changes nothing")
    func addExisting() throws {
        let result = try apply(
            patch(#"{"op":"add","path":"emails","value":[{"value":"babs@jensen.org","type":"home"}]}"#),
            to: baseUser
        )
        #expect(result.resource == baseUser)
        #expect(!result.changed)
    }

    @Test("§3.5.2.1: add to a single-valued attribute replaces it")
    func addSingleValued() throws {
        let result = try apply(patch(#"{"op":"add","path":"displayName","value":"Barbara J."}"#), to: baseUser)
        #expect(result.resource["displayName"] == "Barbara J.")
    }

    @Test("§3.5.2.1: add to a complex attribute merges its sub-attributes")
    func addComplexMerges() throws {
        let result = try apply(patch(#"{"op":"add","path":"name","value":{"middleName":"Jane"}}"#), to: baseUser)
        #expect(result.resource["name"] == json(#"{"givenName":"Barbara","familyName":"Jensen","middleName":"Jane"}"#))
    }

    // MARK: §3.5.2.2 remove

    @Test("§3.5.2.2: remove without a path is noTarget")
    func removeWithoutPath() {
        let error = patchError(patch(#"{"op":"remove"}"#), on: baseUser)
        #expect(error?.scimType == .noTarget)
        #expect(error?.status == 400)
    }

    @Test("§3.5.2.2: remove all members")
    func removeAllMembers() throws {
        let result = try apply(patch(#"{"op":"remove","path":"members"}"#), to: baseGroup, engine: groupEngine)
        #expect(result.membershipChanges == [.removeAll])
    }

    @Test("§3.5.2.2: remove one member by filter")
    func removeOneMember() throws {
        let result = try apply(
            patch(#"{"op":"remove","path":"members[value eq \"2819c223-7f76-...413861904646\"]"}"#),
            to: baseGroup,
            engine: groupEngine
        )
        #expect(result.membershipChanges == [.remove(["2819c223-7f76-...413861904646"])])
    }

    @Test("§3.5.2.2: remove a multi-valued element matching a complex filter")
    func removeByComplexFilter() throws {
        let result = try apply(
            patch(#"{"op":"remove","path":"emails[type eq \"work\" and value ew \"example.com\"]"}"#),
            to: baseUser
        )
        #expect(result.resource["emails"] == json(#"[{"value":"babs@jensen.org","type":"home"}]"#))
    }

    @Test("§3.5.2.2: remove a single-valued attribute")
    func removeSingle() throws {
        let result = try apply(patch(#"{"op":"remove","path":"displayName"}"#), to: baseUser)
        #expect(result.resource["displayName"] == nil)
        #expect(result.changed)
    }

    @Test("§3.5.2.2: remove all members, then add others (replace all, in two operations)")
    func removeThenAdd() throws {
        let result = try apply(
            patch(
                #"{"op":"remove","path":"members"}"#,
                #"{"op":"add","path":"members","value":[{"display":"James Smith","$ref":"https://example.com/v2/Users/08e1d05d","value":"08e1d05d"}]}"#
            ),
            to: baseGroup,
            engine: groupEngine
        )
        #expect(result.membershipChanges == [.removeAll, .add([MemberReference(value: "08e1d05d", display: "James Smith")])])
    }

    @Test("§3.5.2.2: remove the enterprise manager")
    func removeManager() throws {
        var user = baseUser.objectValue ?? [:]
        user["schemas"] = [.string(URN.user), .string(URN.enterprise)]
        user[URN.enterprise] = json(#"{"manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}}"#)
        let result = try apply(patch(#"{"op":"remove","path":"\#(URN.enterprise):manager"}"#), to: .object(user))
        #expect(result.resource == baseUser, "the emptied extension and its schema URN go away")
    }

    // MARK: §3.5.2.3 replace

    @Test("§3.5.2.3: replace all members")
    func replaceMembers() throws {
        let result = try apply(
            patch(
                #"""
                {"op":"replace","path":"members","value":[
                  {"display":"Babs Jensen","$ref":"https://example.com/v2/Users/2819c223","value":"2819c223"},
                  {"display":"James Smith","$ref":"https://example.com/v2/Users/08e1d05d","value":"08e1d05d"}]}
                """#
            ),
            to: baseGroup,
            engine: groupEngine
        )
        #expect(
            result.membershipChanges == [
                .replaceAll([MemberReference(value: "2819c223", display: "Babs Jensen"), MemberReference(value: "08e1d05d", display: "James Smith")])
            ]
        )
    }

    static let userWithAddresses: JSONValue = {
        var user = baseUser.objectValue ?? [:]
        user["addresses"] = json(
            #"""
            [{"type":"work","streetAddress":"100 Universal City Plaza","locality":"Hollywood","region":"CA",
              "postalCode":"91608","country":"USA","formatted":"100 Universal City Plaza\nHollywood, CA 91608 USA","primary":true},
             {"type":"home","streetAddress":"456 Hollywood Blvd","locality":"Hollywood","region":"CA","postalCode":"91608","country":"USA"}]
            """#
        )
        return .object(user)
    }()

    @Test("§3.5.2.3: replace the work address element")
    func replaceWorkAddress() throws {
        let result = try apply(
            patch(
                #"""
                {"op":"replace","path":"addresses[type eq \"work\"]","value":{"type":"work",
                 "streetAddress":"911 Universal City Plaza","locality":"Hollywood","region":"CA","postalCode":"91608",
                 "country":"US","formatted":"911 Universal City Plaza\nHollywood, CA 91608 US","primary":true}}
                """#
            ),
            to: Self.userWithAddresses
        )
        #expect(result.resource["addresses", 0, "streetAddress"] == "911 Universal City Plaza")
        #expect(result.resource["addresses", 0, "country"] == "US")
        #expect(result.resource["addresses", 1] == Self.userWithAddresses["addresses", 1])
    }

    @Test("§3.5.2.3: replace one sub-attribute of the work address")
    func replaceStreet() throws {
        let result = try apply(
            patch(#"{"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1010 Broadway Ave"}"#),
            to: Self.userWithAddresses
        )
        var expected = Self.userWithAddresses["addresses", 0]?.objectValue ?? [:]
        expected["streetAddress"] = "1010 Broadway Ave"
        #expect(result.resource["addresses", 0] == .object(expected))
        #expect(result.resource["addresses", 1] == Self.userWithAddresses["addresses", 1])
    }

    @Test("§3.5.2.3: replace without path replaces the listed attributes")
    func replaceWithoutPath() throws {
        let result = try apply(
            patch(
                #"{"op":"replace","value":{"emails":[{"value":"bjensen@example.com","type":"work","primary":true}],"nickname":"Babs"}}"#
            ),
            to: baseUser
        )
        #expect(result.resource["emails"] == json(#"[{"value":"bjensen@example.com","type":"work","primary":true}]"#))
        #expect(result.resource["nickName"] == "Babs")
        #expect(result.resource["userName"] == baseUser["userName"], "attributes not named stay")
    }

    @Test("§3.5.2.3: replace with a value filter that matches nothing is noTarget")
    func replaceNoMatch() {
        let error = patchError(
            patch(#"{"op":"replace","path":"addresses[type eq \"other\"]","value":{"streetAddress":"x"}}"#),
            on: Self.userWithAddresses
        )
        #expect(error?.scimType == .noTarget)
    }

    @Test("§3.5.2.3: replace of an attribute that does not exist adds it")
    func replaceAbsentAdds() throws {
        let result = try apply(patch(#"{"op":"replace","path":"title","value":"Tour Guide"}"#), to: baseUser)
        #expect(result.resource["title"] == "Tour Guide")
    }
}
