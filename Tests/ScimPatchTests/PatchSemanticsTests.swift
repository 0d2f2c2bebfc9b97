import ScimCore
import ScimFilter
import ScimPatch
import Testing

/// A tenant extension with typed attributes, registered the way the gateway registers custom schemas.
let acmeURN = "urn:ietf:params:scim:schemas:extension:acme:2.0:User"
let acmeEngine: PatchEngine = {
    let acme = SchemaDefinition(
        id: acmeURN,
        name: "AcmeUser",
        description: "Acme custom attributes",
        attributes: [
            AttributeDefinition(name: "level", type: .integer),
            AttributeDefinition(name: "score", type: .decimal),
            AttributeDefinition(name: "isContractor", type: .boolean),
            AttributeDefinition(name: "hireDate", type: .dateTime),
            AttributeDefinition(name: "badge", type: .string, mutability: .immutable),
            AttributeDefinition(name: "tags", type: .string, multiValued: true),
        ]
    )
    return PatchEngine(registry: SchemaRegistry.standard.adding(extension: acme, to: "User", required: false), resourceType: .user)
}()

@Suite("Type coercion")
struct CoercionTests {
    @Test(
        "string booleans become booleans (Entra)",
        arguments: [
            (JSONValue.string("False"), false), ("True", true), ("false", false), ("true", true), (" TRUE ", true), (.bool(false), false),
        ]
    )
    func booleanStrings(value: JSONValue, expected: Bool) throws {
        let body = patch(#"{"op":"Replace","path":"active","value":\#(value.encodedString())}"#)
        #expect(try apply(body, to: baseUser).resource["active"] == .bool(expected))
    }

    @Test("string booleans in sub-attributes and in path-less values")
    func nestedBooleans() throws {
        let result = try apply(
            patch(
                #"{"op":"replace","path":"emails[type eq \"home\"].primary","value":"True"}"#,
                #"{"op":"replace","value":{"active":"false"}}"#
            ),
            to: baseUser
        )
        #expect(result.resource["emails", 1, "primary"] == true)
        #expect(result.resource["emails", 0, "primary"] == false, "only one primary (RFC 7643 §2.4)")
        #expect(result.resource["active"] == false)
    }

    @Test(
        "numbers, numeric strings and dateTimes for typed extension attributes",
        arguments: [
            ("level", JSONValue.string("42"), JSONValue.number(42)), ("level", 7, 7), ("score", "4.5", 4.5), ("score", 3, 3),
            ("isContractor", "False", false), ("hireDate", "2024-03-01T09:00:00Z", "2024-03-01T09:00:00Z"),
            ("hireDate", "2024-03-01T09:00:00.123+01:00", "2024-03-01T09:00:00.123+01:00"),
        ]
    )
    func typedValues(attribute: String, value: JSONValue, stored: JSONValue) throws {
        let body = patch(#"{"op":"add","path":"\#(acmeURN):\#(attribute)","value":\#(value.encodedString())}"#)
        let result = try apply(body, to: baseUser, engine: acmeEngine)
        #expect(result.resource[acmeURN, attribute] == stored)
        #expect(result.resource["schemas"] == .array([.string(URN.user), .string(acmeURN)]))
    }

    @Test(
        "values that do not fit the type are invalidValue",
        arguments: [
            ("active", #""maybe""#), ("active", "1"), ("userName", "42"), ("userName", "true"), ("userName", #"{"x":1}"#),
            ("name", #""Barbara""#), ("name.givenName", "7"), ("emails", #"[{"value":5}]"#), (#"emails[type eq \"work\"].primary"#, #""yes""#),
            ("\(acmeURN):level", #""4.5""#), ("\(acmeURN):level", "4.5"), ("\(acmeURN):score", #""abc""#),
            ("\(acmeURN):hireDate", #""yesterday""#), ("\(acmeURN):isContractor", "0"),
        ]
    )
    func wrongTypes(path: String, value: String) {
        let error = patchError(patch(#"{"op":"replace","path":"\#(path)","value":\#(value)}"#), on: baseUser, engine: acmeEngine)
        #expect(error?.scimType == .invalidValue, "\(path) = \(value): \(String(describing: error))")
    }

    @Test("Entra's bare-string manager becomes {value}; an object is merged")
    func manager() throws {
        let bare = try apply(patch(#"{"op":"Add","path":"\#(URN.enterprise):manager","value":"271"}"#), to: baseUser)
        #expect(bare.resource[URN.enterprise, "manager"] == json(#"{"value":"271"}"#))
        let object = try apply(
            patch(#"{"op":"replace","path":"\#(URN.enterprise):manager","value":{"value":"272","displayName":"ignored, read-only"}}"#),
            to: bare.resource
        )
        #expect(object.resource[URN.enterprise, "manager"] == json(#"{"value":"272"}"#))
        let sub = try apply(patch(#"{"op":"replace","path":"\#(URN.enterprise):manager.value","value":"273"}"#), to: object.resource)
        #expect(sub.resource[URN.enterprise, "manager"] == json(#"{"value":"273"}"#))
    }

    @Test("names in paths and values take the schema's spelling")
    func spelling() throws {
        let result = try apply(
            patch(
                #"{"op":"replace","path":"NAME.GIVENNAME","value":"Babs"}"#,
                #"{"op":"add","path":"Emails[Type eq \"other\"].Value","value":"b@x.org"}"#,
                #"{"op":"add","path":"PhoneNumbers","value":[{"Value":"555-555-8377","TYPE":"work"}]}"#
            ),
            to: baseUser
        )
        #expect(result.resource["name", "givenName"] == "Babs")
        #expect(result.resource["emails", 2] == json(#"{"type":"other","value":"b@x.org"}"#))
        #expect(result.resource["phoneNumbers"] == json(#"[{"value":"555-555-8377","type":"work"}]"#))
    }
}

@Suite("Mutability and required attributes")
struct MutabilityTests {
    @Test(
        "a path naming a read-only attribute is a mutability error",
        arguments: [
            #"{"op":"replace","path":"id","value":"2819c223-7f76-453a-919d-413861904646"}"#,
            #"{"op":"remove","path":"id"}"#,
            #"{"op":"replace","path":"meta.created","value":"2020-01-01T00:00:00Z"}"#,
            #"{"op":"remove","path":"meta"}"#,
            #"{"op":"add","path":"groups","value":[{"value":"g1"}]}"#,
            #"{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName","value":"x"}"#,
            #"{"op":"replace","value":{"id":"someone-else"}}"#,
            #"{"op":"add","value":{"groups":[{"value":"g1"}]}}"#,
        ]
    )
    func readOnly(operation: String) {
        let error = patchError(patch(operation), on: baseUser)
        #expect(error?.scimType == .mutability, "\(String(describing: error))")
    }

    @Test("Okta repeats the current id (and meta, schemas) in a path-less replace: tolerated")
    func oktaIDEcho() throws {
        let result = try apply(
            patch(
                #"{"op":"replace","value":{"id":"2819c223-7f76-453a-919d-413861904646","displayName":"Babs","schemas":["x"],"meta":{"version":"W/\"9\""}}}"#
            ),
            to: baseUser
        )
        var expected = baseUser.objectValue ?? [:]
        expected["displayName"] = "Babs"
        #expect(result.resource == .object(expected))
    }

    @Test("an immutable attribute may be set once, then only to the same value")
    func immutable() throws {
        let set = try apply(patch(#"{"op":"add","path":"\#(acmeURN):badge","value":"B-1"}"#), to: baseUser, engine: acmeEngine)
        #expect(set.resource[acmeURN, "badge"] == "B-1")
        let same = try apply(patch(#"{"op":"replace","path":"\#(acmeURN):badge","value":"B-1"}"#), to: set.resource, engine: acmeEngine)
        #expect(!same.changed)
        for operation in [#"{"op":"replace","path":"\#(acmeURN):badge","value":"B-2"}"#, #"{"op":"remove","path":"\#(acmeURN):badge"}"#] {
            #expect(patchError(patch(operation), on: set.resource, engine: acmeEngine)?.scimType == .mutability)
        }
    }

    @Test(
        "removing or nulling a required attribute is invalidValue",
        arguments: [
            #"{"op":"remove","path":"userName"}"#, #"{"op":"replace","path":"userName","value":null}"#,
            #"{"op":"replace","value":{"userName":null}}"#, #"{"op":"remove","path":"schemas"}"#,
        ]
    )
    func required(operation: String) {
        #expect(patchError(patch(operation), on: baseUser)?.scimType == .invalidValue)
    }

    @Test("a write-only attribute can be set (password)")
    func writeOnly() throws {
        let result = try apply(patch(#"{"op":"replace","value":{"password":"t1meMa$heen"}}"#), to: baseUser)
        #expect(result.resource["password"] == "t1meMa$heen")
    }
}

@Suite("Multi-valued attributes")
struct MultiValuedTests {
    @Test("adding a primary value clears the other primary")
    func primaryOnAdd() throws {
        let result = try apply(
            patch(#"{"op":"add","path":"emails","value":[{"value":"new@example.com","type":"other","primary":true}]}"#),
            to: baseUser
        )
        #expect(result.resource["emails", 0, "primary"] == false)
        #expect(result.resource["emails", 2, "primary"] == true)
    }

    @Test("two primary values in one value are invalidValue")
    func twoPrimaries() {
        let error = patchError(
            patch(#"{"op":"replace","path":"emails","value":[{"value":"a@x","primary":true},{"value":"b@x","primary":"True"}]}"#),
            on: baseUser
        )
        #expect(error?.scimType == .invalidValue)
    }

    @Test(
        "Entra: a filtered sub-attribute write creates the element, later writes extend it",
        arguments: [
            PatchOperationKind.add, .replace,
        ]
    )
    func createFromFilter(kind: PatchOperationKind) throws {
        let result = try apply(
            patch(
                #"{"op":"\#(kind)","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555 0100"}"#,
                #"{"op":"\#(kind)","path":"phoneNumbers[type eq \"mobile\"].primary","value":"true"}"#
            ),
            to: baseUser
        )
        #expect(result.resource["phoneNumbers"] == json(#"[{"type":"mobile","value":"+1 555 0100","primary":true}]"#))
    }

    @Test("a filtered add without sub-attribute creates the element from the filter")
    func addElementFromFilter() throws {
        let result = try apply(patch(#"{"op":"add","path":"emails[type eq \"other\"]","value":{"value":"o@x.org"}}"#), to: baseUser)
        #expect(result.resource["emails", 2] == json(#"{"type":"other","value":"o@x.org"}"#))
    }

    @Test(
        "a filter that does not describe one element cannot create one",
        arguments: [
            #"emails[value co \"zzz\"].type"#, #"emails[type eq \"a\" or type eq \"b\"].value"#, #"emails[not (type pr)].value"#,
        ]
    )
    func noSeed(path: String) {
        #expect(patchError(patch(#"{"op":"replace","path":"\#(path)","value":"x"}"#), on: baseUser)?.scimType == .noTarget)
    }

    @Test("removing a filtered element's value removes the element; other sub-attributes just go")
    func removeSubAttribute() throws {
        let value = try apply(patch(#"{"op":"remove","path":"emails[type eq \"work\"].value"}"#), to: baseUser)
        #expect(value.resource["emails"] == json(#"[{"value":"babs@jensen.org","type":"home"}]"#))
        let primary = try apply(patch(#"{"op":"remove","path":"emails[type eq \"work\"].primary"}"#), to: baseUser)
        #expect(primary.resource["emails", 0] == json(#"{"value":"bjensen@example.com","type":"work"}"#))
    }

    @Test("removing with a filter that matches nothing is a no-op")
    func removeNoMatch() throws {
        let result = try apply(patch(#"{"op":"remove","path":"emails[type eq \"other\"]"}"#), to: baseUser)
        #expect(result.resource == baseUser)
        #expect(!result.changed)
    }

    @Test("removing the last element unassigns the attribute")
    func removeLast() throws {
        let result = try apply(
            patch(#"{"op":"remove","path":"emails[type eq \"work\"]"}"#, #"{"op":"remove","path":"emails[type eq \"home\"]"}"#),
            to: baseUser
        )
        #expect(result.resource["emails"] == nil)
    }

    @Test("remove with a value list removes only those values (Entra's member shape, any attribute)")
    func removeListed() throws {
        let result = try apply(patch(#"{"op":"remove","path":"emails","value":[{"value":"babs@jensen.org"}]}"#), to: baseUser)
        #expect(result.resource["emails"] == json(#"[{"value":"bjensen@example.com","type":"work","primary":true}]"#))
    }

    @Test("replace of the whole list, and with an empty list")
    func replaceList() throws {
        let one = try apply(patch(#"{"op":"replace","path":"emails","value":{"value":"only@x.org"}}"#), to: baseUser)
        #expect(one.resource["emails"] == json(#"[{"value":"only@x.org"}]"#), "a single value is a one-element list")
        let none = try apply(patch(#"{"op":"replace","path":"emails","value":[]}"#), to: baseUser)
        #expect(none.resource["emails"] == nil)
    }

    @Test("simple multi-valued attributes: append, dedupe, remove listed values")
    func simpleMultiValued() throws {
        let added = try apply(
            patch(#"{"op":"add","path":"\#(acmeURN):tags","value":["a","b"]}"#, #"{"op":"add","path":"\#(acmeURN):tags","value":["b","c"]}"#),
            to: baseUser,
            engine: acmeEngine
        )
        #expect(added.resource[acmeURN, "tags"] == ["a", "b", "c"])
        let removed = try apply(patch(#"{"op":"remove","path":"\#(acmeURN):tags","value":["b"]}"#), to: added.resource, engine: acmeEngine)
        #expect(removed.resource[acmeURN, "tags"] == ["a", "c"])
        let filtered = patchError(patch(#"{"op":"remove","path":"\#(acmeURN):tags[value eq \"b\"]"}"#), on: added.resource, engine: acmeEngine)
        #expect(filtered?.scimType == .invalidPath, "value filters need a complex attribute (as in ScimFilter)")
    }

    @Test(
        "value filters are checked against the attribute's sub-attributes",
        arguments: [
            #"emails[colour eq \"red\"].value"#, #"emails[primary eq 3]"#, #"name[givenName eq \"x\"]"#, #"emails[type co 1].value"#,
        ]
    )
    func invalidFilters(path: String) {
        #expect(patchError(patch(#"{"op":"replace","path":"\#(path)","value":"x"}"#), on: baseUser)?.scimType == .invalidPath)
    }
}

@Suite("Extensions, unknown attributes and change detection")
struct ExtensionTests {
    @Test("setting an extension attribute lists the extension in schemas; removing the last one drops it")
    func schemasBookkeeping() throws {
        let set = try apply(patch(#"{"op":"add","path":"\#(URN.enterprise):employeeNumber","value":"701984"}"#), to: baseUser)
        #expect(set.resource["schemas"] == .array([.string(URN.user), .string(URN.enterprise)]))
        #expect(set.resource[URN.enterprise] == json(#"{"employeeNumber":"701984"}"#))
        let removed = try apply(patch(#"{"op":"remove","path":"\#(URN.enterprise):employeeNumber"}"#), to: set.resource)
        #expect(removed.resource == baseUser)
    }

    @Test("an unqualified extension attribute resolves to its extension")
    func unqualifiedExtension() throws {
        let result = try apply(patch(#"{"op":"replace","path":"department","value":"Tour Operations"}"#), to: baseUser)
        #expect(result.resource[URN.enterprise, "department"] == "Tour Operations")
    }

    @Test("a path-less value may carry a whole extension object")
    func pathlessExtensionObject() throws {
        let result = try apply(
            patch(#"{"op":"add","value":{"\#(URN.enterprise)":{"costCenter":"4130","manager":"271"},"title":"Guide"}}"#),
            to: baseUser
        )
        #expect(result.resource[URN.enterprise] == json(#"{"costCenter":"4130","manager":{"value":"271"}}"#))
        #expect(result.resource["title"] == "Guide")
    }

    @Test(
        "attributes of an unregistered extension URN are kept as given",
        arguments: [
            #"{"op":"add","path":"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User:costCode","value":"C-7"}"#,
            #"{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User:costCode":"C-7"}}"#,
            #"{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"costCode":"C-7"}}}"#,
        ]
    )
    func unregisteredExtension(operation: String) throws {
        let urn = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User"
        let result = try apply(patch(operation), to: baseUser)
        #expect(result.resource[urn] == json(#"{"costCode":"C-7"}"#))
        #expect(result.resource["schemas"] == .array([.string(URN.user), .string(urn)]))
        let removed = try apply(patch(#"{"op":"remove","path":"\#(urn):costCode"}"#), to: result.resource)
        #expect(removed.resource == baseUser)
    }

    @Test(
        "unknown attributes are invalidPath",
        arguments: [
            #"{"op":"add","path":"favouriteColour","value":"blue"}"#,
            #"{"op":"add","value":{"favouriteColour":"blue"}}"#,
            #"{"op":"add","path":"name.nickname","value":"x"}"#,
            #"{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:shoeSize","value":"9"}"#,
            #"{"op":"add","path":"urn:ietf:params:scim:schemas:core:2.0:Group:displayName","value":"x"}"#,
            #"{"op":"add","path":"userName.first","value":"x"}"#,
            #"{"op":"add","path":"displayName[value eq \"x\"]","value":"x"}"#,
            #"{"op":"add","path":"members","value":[{"value":"u1"}]}"#,
        ]
    )
    func unknownAttributes(operation: String) {
        #expect(patchError(patch(operation), on: baseUser)?.scimType == .invalidPath)
    }

    @Test(
        "URN-qualified core paths work",
        arguments: [
            "urn:ietf:params:scim:schemas:core:2.0:User:displayName", "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:DISPLAYNAME",
        ]
    )
    func qualifiedCore(path: String) throws {
        let result = try apply(patch(#"{"op":"replace","path":"\#(path)","value":"Babs"}"#), to: baseUser)
        #expect(result.resource["displayName"] == "Babs")
    }

    @Test(
        "changed is false when the patch restates current values",
        arguments: [
            #"{"op":"replace","path":"displayName","value":"Babs Jensen"}"#,
            #"{"op":"replace","path":"active","value":"True"}"#,
            #"{"op":"add","path":"name","value":{"givenName":"Barbara"}}"#,
            #"{"op":"replace","value":{"name.familyName":"Jensen","id":"2819c223-7f76-453a-919d-413861904646"}}"#,
            #"{"op":"remove","path":"title"}"#,
            #"{"op":"replace","path":"emails[type eq \"work\"].value","value":"bjensen@example.com"}"#,
        ]
    )
    func unchanged(operation: String) throws {
        let result = try apply(patch(operation), to: baseUser)
        #expect(result.resource == baseUser)
        #expect(!result.changed)
    }

    @Test("operations apply in order, and a failing operation fails the whole request")
    func ordering() throws {
        let result = try apply(
            patch(
                #"{"op":"add","path":"title","value":"A"}"#,
                #"{"op":"replace","path":"title","value":"B"}"#,
                #"{"op":"remove","path":"nickName"}"#
            ),
            to: baseUser
        )
        #expect(result.resource["title"] == "B")
        let error = patchError(patch(#"{"op":"add","path":"title","value":"A"}"#, #"{"op":"replace","path":"id","value":"x"}"#), on: baseUser)
        #expect(error?.scimType == .mutability)
    }
}
