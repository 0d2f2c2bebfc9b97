import ScimCore
import ScimFilter
import ScimPatch
import Testing

@Suite("PatchRequest decoding")
struct PatchRequestTests {
    @Test(
        "op names are case-insensitive",
        arguments: [
            ("add", PatchOperationKind.add), ("Add", .add), ("ADD", .add), ("replace", .replace), ("Replace", .replace),
            ("REPLACE", .replace), ("remove", .remove), ("Remove", .remove), (" remove ", .remove),
        ]
    )
    func opCasing(name: String, kind: PatchOperationKind) throws {
        let request = try PatchRequest(json: json(#"{"Operations":[{"op":"\#(name)","path":"title","value":"x"}]}"#))
        #expect(request.operations.map(\.kind) == [kind])
    }

    @Test("the Operations key is case-insensitive and schemas may be missing", arguments: ["Operations", "operations", "OPERATIONS"])
    func operationsKey(key: String) throws {
        let request = try PatchRequest(json: json(#"{"\#(key)":[{"op":"add","path":"title","value":"x"}]}"#))
        #expect(request.operations.count == 1)
    }

    @Test("an empty Operations array is refused as RFC 7644 §3.5.2 says (one or more operations)")
    func emptyOperations() throws {
        #expect(throws: ScimError.invalidSyntax("'Operations' must hold one or more operations (RFC 7644 §3.5.2).")) {
            try PatchRequest(json: json(#"{"schemas":["\#(URN.patchOp)"],"Operations":[]}"#))
        }
    }

    @Test("path, value and their absence are decoded")
    func fields() throws {
        let request = try PatchRequest(
            json: json(
                #"""
                {"Operations":[
                  {"op":"replace","path":"emails[type eq \"work\"].value","value":"a@b.c"},
                  {"op":"remove","path":"title"},
                  {"op":"replace","path":"","value":{"title":"x"}},
                  {"op":"replace","path":null,"value":{"title":"y"}},
                  {"op":"replace","path":"nickName","value":null}
                ]}
                """#
            )
        )
        let operations = request.operations
        #expect(operations.count == 5)
        #expect(
            operations[0].path
                == PatchPath(
                    attribute: AttributePath(attribute: "emails"),
                    valueFilter: .compare(AttributePath(attribute: "type"), .eq, "work"),
                    subAttribute: "value"
                )
        )
        #expect(operations[0].value == "a@b.c")
        #expect(operations[1].value == nil)
        #expect(operations[2].path == nil, "an empty path counts as no path")
        #expect(operations[3].path == nil)
        #expect(operations[4].value == .null, "an explicit null is kept apart from an absent value")
    }

    @Test(
        "structural errors",
        arguments: [
            (#"[]"#, ScimError.ScimType.invalidSyntax),
            (#""text""#, .invalidSyntax),
            (#"{"schemas":["\#(URN.patchOp)"]}"#, .invalidSyntax),
            (#"{"Operations":{"op":"add"}}"#, .invalidSyntax),
            (#"{"Operations":["add"]}"#, .invalidSyntax),
            (#"{"Operations":[{"path":"title","value":"x"}]}"#, .invalidSyntax),
            (#"{"Operations":[{"op":"move","path":"title","value":"x"}]}"#, .invalidSyntax),
            (#"{"Operations":[{"op":"copy","from":"title","path":"nickName"}]}"#, .invalidSyntax),
            (#"{"Operations":[{"op":1,"path":"title"}]}"#, .invalidSyntax),
            (#"{"schemas":"urn:x","Operations":[]}"#, .invalidSyntax),
            (#"{"Operations":[{"op":"add","path":42,"value":"x"}]}"#, .invalidPath),
            (#"{"Operations":[{"op":"add","path":"emails[type eq","value":"x"}]}"#, .invalidPath),
        ]
    )
    func structuralErrors(body: String, scimType: ScimError.ScimType) {
        #expect(throws: ScimError.self) { try PatchRequest(json: json(body)) }
        do {
            _ = try PatchRequest(json: json(body))
        } catch {
            #expect(error.scimType == scimType)
            #expect(error.status == 400)
        }
    }
}
