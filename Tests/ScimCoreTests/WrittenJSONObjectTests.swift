import Foundation
import ScimCore
import ScimExamples
import Testing

/// ``WrittenJSONObject`` finds the members of ``JSONWriter``'s text without parsing the values, and refuses any other
/// text so that callers parse it instead.
@Suite struct WrittenJSONObjectTests {
    static let documents: [JSONValue] = [
        [:],
        ["a": 1],
        ["schemas": [.string(ScimSchemaURN.user)], "userName": "bjensen", "active": true, "nothing": .null, "n": -12.5],
        ["quotes": #"say "hi" \ {not an object} [nor an array], commas"#, "unicode": "Zoë 😀 \u{1}", "nested": ["a": [["b": [1, 2, ["c": "}"]]]]]],
        ["Upper": 1, "lower": 2, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": ["employeeNumber": "7", "manager": ["value": "x"]]],
        RFC7643Examples.fullUser,
    ]

    @Test(arguments: documents)
    func findsEachMemberAsJSONWriterWroteIt(_ document: JSONValue) throws {
        let text = JSONWriter.string(document)
        let scanned = try #require(WrittenJSONObject(text))
        let members = try #require(document.objectValue)
        #expect(scanned.members.map(\.key) == members.keys.sorted())
        for member in scanned.members {
            #expect(Array(scanned.bytes[member.value]) == Array(JSONWriter.string(members[member.key]!).utf8), "\(member.key)")
        }
    }

    @Test(arguments: [
        #"{ "a":1}"#,  // whitespace between tokens
        #"{"a": 1}"#,
        #"{"a":[1, 2]}"#,
        #"{"b":1,"a":2}"#,  // keys out of order
        #"{"a":1,"a":2}"#,  // a key twice
        #"{"\u0061":1}"#,  // an escaped key
        #"{"é":1}"#,  // a non-ASCII key
        #"[1,2]"#,  // not an object
        #""text""#,
        #"{"a":1"#,  // cut short
        #"{"a":[1,2}"#,  // unbalanced
        #"{"a":"open}"#,
        #"{"a":}"#,  // no value
        #"{"a"}"#,
        #"{"a":1,}"#,  // trailing comma
        #"{"a":1}}"#,  // trailing bracket
        #"{"a":1]"#,
        "",
    ])
    func refusesWhatJSONWriterDoesNotWrite(_ text: String) {
        #expect(WrittenJSONObject(text) == nil)
    }
}
