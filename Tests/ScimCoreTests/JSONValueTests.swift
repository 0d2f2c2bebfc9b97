import Foundation
import ScimCore
import Testing

@Suite struct JSONValueTests {
    @Test(arguments: [
        #"{"a":1,"b":[true,null,"x"],"c":{"d":2.5}}"#,
        #"[]"#,
        #""text""#,
        #"{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984"}}"#,
    ])
    func roundTripsThroughEncoding(_ text: String) throws {
        let value = try JSONValue.decode(Data(text.utf8))
        #expect(try JSONValue.decode(value.encoded()) == value)
    }

    @Test func integersStayIntegers() throws {
        let value = try JSONValue.decode(Data(#"{"count":3,"ratio":0.5}"#.utf8))
        #expect(value.encodedString() == #"{"count":3,"ratio":0.5}"#)
    }

    @Test func invalidJSONIsInvalidSyntax() {
        #expect(throws: ScimError.invalidSyntax("The request body is not valid JSON (invalid JSON at byte 12: unexpected end of input).")) {
            try JSONValue.decode(Data("{\"userName\":".utf8))
        }
    }

    @Test func caseInsensitiveLookupPrefersTheExactKey() {
        let value: JSONValue = ["userName": "exact", "USERNAME": "folded"]
        #expect(value[caseInsensitive: "userName"] == "exact")
        #expect(value[caseInsensitive: "username"] != nil)
        #expect(value[caseInsensitive: "displayName"] == nil)
        #expect(value.existingKey(caseInsensitive: "USERname") != nil)
    }
}

@Suite struct ScimErrorTests {
    @Test func bodyCarriesStatusAsAString() throws {
        let body = ScimErrorBody(.uniqueness("taken"))
        let json = try JSONValue.decode(try JSONEncoder().encode(body))
        #expect(json["status"] == "409")
        #expect(json["scimType"] == "uniqueness")
        #expect(json["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"])
        #expect(body.error == .uniqueness("taken"))
    }

    @Test(arguments: [(#"W/"3""#, 3), (#""12""#, 12), ("*", nil), ("W/3", nil), (#"W/"x""#, nil)] as [(String, Int?)])
    func entityTagsNameVersions(_ tag: String, _ version: Int?) {
        #expect(ETag.version(from: tag) == version)
    }

    @Test func weakTagFormat() {
        #expect(ETag.weak(7) == #"W/"7""#)
    }
}

extension JSONValue {
    fileprivate subscript(key: String) -> JSONValue? { objectValue?[key] }
}
