import Foundation
import ScimCore
import Testing

/// ``JSONReader`` and ``JSONWriter`` against Foundation's JSON on the same inputs, and against RFC 8259's rules.
@Suite struct JSONReaderWriterTests {
    static let documents = [
        #"{"a":1,"b":[true,false,null,"x"],"c":{"d":2.5,"e":-0.125,"f":1e3,"g":-12E-2}}"#,
        #"  [ 1 , "two" , { "three" : [ ] } , { } ]  "#,
        #""plain""#,
        #"{"escapes":"quote \" backslash \\ slash \/ tab \t newline \n cr \r bs \b ff \f u \u00e9 \u20AC"}"#,
        #"{"astral":"\ud83d\ude00 and raw 😀","accents":"Zoë Åsa"}"#,
        #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen@example.com","name":{"givenName":"Barbara"},"emails":[{"value":"b@example.com","primary":true}],"active":true}"#,
        #"{"big":9007199254740993,"small":0.000001,"zero":0,"negzero":-0}"#,
    ]

    @Test(arguments: documents)
    func readsWhatFoundationReads(_ text: String) throws {
        let ours = try JSONReader.parse(Data(text.utf8))
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == foundation)
    }

    @Test(arguments: documents)
    func writesWhatFoundationWrites(_ text: String) throws {
        let value = try JSONReader.parse(Data(text.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(JSONWriter.string(value) == String(decoding: try encoder.encode(value), as: UTF8.self))
        #expect(try JSONReader.parse(JSONWriter.data(value)) == value)
    }

    @Test func escapesControlCharactersAndQuotes() throws {
        let value: JSONValue = ["k": .string("a\u{01}b\"c\\d\ne")]
        #expect(JSONWriter.string(value) == #"{"k":"a\u0001b\"c\\d\ne"}"#)
        #expect(try JSONReader.parse(JSONWriter.string(value)) == value)
    }

    @Test func numbersOutsideJSONBecomeNull() {
        #expect(JSONWriter.string(.array([.number(.infinity), .number(.nan), .number(3), .number(0.5)])) == "[null,null,3,0.5]")
    }

    @Test(arguments: [
        ("", "unexpected end of input") as (String, String),
        (#"{"a":1"#, "expected ',' or '}' in an object"),
        (#"{"a" 1}"#, "expected ':' after a key"),
        (#"{a:1}"#, "expected a string key"),
        (#"[1,]"#, "unexpected character"),
        (#"[1 2]"#, "expected ',' or ']' in an array"),
        (#""unterminated"#, "unterminated string"),
        ("\"tab\there\"", "control character in a string"),
        (#""bad \x escape""#, "invalid escape"),
        (#""\u12G4""#, #"invalid hex digit in a \u escape"#),
        (#""\ud83d alone""#, "a high surrogate without its low surrogate"),
        (#""\ude00""#, "a lone low surrogate"),
        ("01", "a number may not have leading zeros"),
        ("-", "a number needs digits"),
        ("1.", "a fraction needs digits"),
        ("1e", "an exponent needs digits"),
        ("1e999", "a number out of range"),
        ("tru", "unexpected end of input"),
        ("nul!", "invalid literal"),
        (#"{"a":1} x"#, "unexpected content after the JSON value"),
    ])
    func rejectsInvalidJSON(_ text: String, _ reason: String) {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse(Data(text.utf8)) }
        do {
            _ = try JSONReader.parse(Data(text.utf8))
        } catch {
            #expect(error.reason == reason, "\(text)")
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONReader.Failure(offset: 4, reason: "invalid UTF-8 in a string")) {
            try JSONReader.parse(Data([0x22, 0x61, 0xFF, 0x62, 0x22]))
        }
    }

    @Test func boundsNesting() throws {
        let deep = String(repeating: "[", count: JSONReader.maxDepth) + String(repeating: "]", count: JSONReader.maxDepth)
        _ = try JSONReader.parse(deep)
        let tooDeep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse(tooDeep) }
    }

    @Test func skipsAUTF8ByteOrderMark() throws {
        #expect(try JSONReader.parse(Data([0xEF, 0xBB, 0xBF] + Array(#"{"a":true}"#.utf8))) == ["a": true])
    }

    @Test func laterDuplicateKeysWin() throws {
        #expect(try JSONReader.parse(#"{"a":1,"a":2}"#) == ["a": 2])
    }
}
