import InternalAPI
import ProvisioningLog
import ScimCore
import Testing

@Suite("Provisioning log classification")
struct ProvisioningClassifierTests {
    private func json(_ text: String) throws -> JSONValue { try JSONValue.decode(text) }

    private func patch(_ operations: String) throws -> JSONValue {
        try json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":"# + operations + "}")
    }

    @Test("Methods: create, replace, update, delete, read")
    func methods() throws {
        let user = try json(#"{"userName":"ada@example.com","externalId":"e-1","active":true}"#)
        let created = ProvisioningClassifier.classify(method: "POST", resourceType: "User", body: user)
        #expect(created == ProvisioningClassification(operation: .create, externalID: "e-1", displayName: "ada@example.com"))
        #expect(ProvisioningClassifier.classify(method: "PUT", resourceType: "User", body: user).operation == .replace)
        #expect(ProvisioningClassifier.classify(method: "DELETE", resourceType: "User", body: nil).operation == .delete)
        #expect(ProvisioningClassifier.classify(method: "GET", resourceType: "User", body: nil).operation == .read)
        let group = try json(#"{"displayName":"Engineering","externalId":"g-1"}"#)
        #expect(ProvisioningClassifier.classify(method: "POST", resourceType: "Group", body: group).displayName == "Engineering")
    }

    @Test("active set false by PUT or PATCH is deactivate; set true where it changed is reactivate")
    func activeFlips() throws {
        let inactive = try json(#"{"userName":"ada","active":false}"#)
        #expect(ProvisioningClassifier.classify(method: "PUT", resourceType: "User", body: inactive).operation == .deactivate)
        #expect(
            ProvisioningClassifier.classify(method: "PUT", resourceType: "User", body: inactive, changedAttributes: ["name"]).operation == .replace
        )
        let active = try json(#"{"userName":"ada","active":true}"#)
        #expect(
            ProvisioningClassifier.classify(method: "PUT", resourceType: "User", body: active, changedAttributes: ["active"]).operation
                == .reactivate
        )
        #expect(ProvisioningClassifier.classify(method: "PUT", resourceType: "User", body: active, changedAttributes: []).operation == .replace)

        let entra = try patch(#"[{"op":"Replace","path":"active","value":"False"}]"#)
        #expect(ProvisioningClassifier.classify(method: "PATCH", resourceType: "User", body: entra).operation == .deactivate)
        let okta = try patch(#"[{"op":"replace","value":{"active":true}}]"#)
        #expect(
            ProvisioningClassifier.classify(method: "PATCH", resourceType: "User", body: okta, changedAttributes: ["active"]).operation
                == .reactivate
        )
        let urn = try patch(#"[{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:active","value":false}]"#)
        #expect(ProvisioningClassifier.classify(method: "PATCH", resourceType: "User", body: urn).operation == .deactivate)
        let other = try patch(#"[{"op":"replace","path":"name.givenName","value":"Ada"}]"#)
        #expect(ProvisioningClassifier.classify(method: "PATCH", resourceType: "User", body: other).operation == .update)
    }

    @Test("Group PATCH that only adds or only removes members is member_add / member_remove")
    func membership() throws {
        let add = try patch(#"[{"op":"Add","path":"members","value":[{"value":"u1"}]},{"op":"add","value":{"members":[{"value":"u2"}]}}]"#)
        #expect(ProvisioningClassifier.classify(method: "PATCH", resourceType: "Group", body: add).operation == .memberAdd)
        let remove = try patch(#"[{"op":"remove","path":"members[value eq \"u1\"]"}]"#)
        #expect(ProvisioningClassifier.classify(method: "PATCH", resourceType: "Group", body: remove).operation == .memberRemove)
        let mixed = try patch(#"[{"op":"add","path":"members","value":[{"value":"u1"}]},{"op":"remove","path":"members[value eq \"u2\"]"}]"#)
        #expect(ProvisioningClassifier.classify(method: "PATCH", resourceType: "Group", body: mixed).operation == .update)
        let rename = try patch(#"[{"op":"replace","path":"displayName","value":"Eng"}]"#)
        let renamed = ProvisioningClassifier.classify(method: "PATCH", resourceType: "Group", body: rename)
        #expect(renamed == ProvisioningClassification(operation: .update, externalID: nil, displayName: "Eng"))
    }

    @Test("Hostile bodies: not objects, huge operation lists, long names")
    func hostile() throws {
        #expect(ProvisioningClassifier.classify(method: "PATCH", resourceType: "User", body: .array([])).operation == .update)
        #expect(ProvisioningClassifier.classify(method: "PATCH", resourceType: "Group", body: .string("x")).operation == .update)
        let many = JSONValue.object(["Operations": .array(Array(repeating: ["op": "add", "path": "members"], count: 100_000))])
        #expect(ProvisioningClassifier.classify(method: "PATCH", resourceType: "Group", body: many).operation == .memberAdd)
        let long = JSONValue.object(["userName": .string(String(repeating: "a", count: 100_000))])
        #expect(ProvisioningClassifier.classify(method: "POST", resourceType: "User", body: long).displayName?.count == 256)
    }
}
