import Foundation
import ScimCore
import ScimFilter
import ScimPatch
import Testing

/// Parses JSON text written in a test; a typo in the test is a test failure, not a crash.
func json(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONValue {
    do {
        return try JSONValue.decode(Data(text.utf8))
    } catch {
        Issue.record("Invalid JSON in test: \(error.detail)\n\(text)", sourceLocation: sourceLocation)
        return .null
    }
}

let userEngine = PatchEngine(registry: .standard, resourceType: .user)
let groupEngine = PatchEngine(registry: .standard, resourceType: .group)

enum URN {
    static let user = ScimSchemaURN.user
    static let group = ScimSchemaURN.group
    static let enterprise = ScimSchemaURN.enterpriseUser
    static let patchOp = ScimSchemaURN.patchOp
}

/// A PatchOp body with these operations (each written as JSON text).
func patch(_ operations: String...) -> String {
    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operations.joined(separator: ","))]}"#
}

/// Decodes `body` and applies it to `resource`.
func apply(_ body: String, to resource: JSONValue, engine: PatchEngine = userEngine) throws(ScimError) -> PatchResult {
    let request = try PatchRequest(json: json(body))
    return try engine.apply(request, to: resource)
}

/// The error `body` raises, whether while decoding or while applying; nil if it succeeds.
func patchError(_ body: String, on resource: JSONValue, engine: PatchEngine = userEngine) -> ScimError? {
    do {
        _ = try apply(body, to: resource, engine: engine)
        return nil
    } catch {
        return error
    }
}

/// A small canonical user to patch.
let baseUser = json(
    """
    {
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
      "id": "2819c223-7f76-453a-919d-413861904646",
      "externalId": "bjensen",
      "userName": "bjensen@example.com",
      "active": true,
      "displayName": "Babs Jensen",
      "name": {"givenName": "Barbara", "familyName": "Jensen"},
      "emails": [
        {"value": "bjensen@example.com", "type": "work", "primary": true},
        {"value": "babs@jensen.org", "type": "home"}
      ],
      "meta": {"resourceType": "User", "created": "2011-08-01T18:29:49.793Z", "version": "W/\\"1\\""}
    }
    """
)

let baseGroup = json(
    """
    {
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
      "displayName": "Tour Guides",
      "meta": {"resourceType": "Group", "version": "W/\\"3\\""}
    }
    """
)

extension JSONValue {
    /// Follows object keys (exact spelling) and array indices, e.g. `value["emails", 0, "value"]`.
    subscript(_ steps: any PathStep...) -> JSONValue? {
        var current: JSONValue? = self
        for step in steps {
            current = current.flatMap { step.step(into: $0) }
        }
        return current
    }
}

protocol PathStep: Sendable { func step(into value: JSONValue) -> JSONValue? }
extension String: PathStep { func step(into value: JSONValue) -> JSONValue? { value.objectValue?[self] } }
extension Int: PathStep {
    func step(into value: JSONValue) -> JSONValue? {
        guard let array = value.arrayValue, array.indices.contains(self) else { return nil }
        return array[self]
    }
}

// MARK: - Membership changes as fixture JSON

extension MembershipChange {
    /// The fixture notation: `{"op":"add","members":[…]}`, `{"op":"remove","ids":[…]}`,
    /// `{"op":"removeMatching","filter":"…"}`, `{"op":"removeAll"}`, `{"op":"replaceAll","members":[…]}`.
    init(fixture: JSONValue) throws {
        func members() throws -> [MemberReference] {
            try (fixture["members"]?.arrayValue ?? []).map { element in
                guard let value = element["value"]?.stringValue else { throw FixtureError("member without value") }
                return MemberReference(value: value, type: element["type"]?.stringValue, display: element["display"]?.stringValue)
            }
        }
        switch fixture["op"]?.stringValue {
        case "add": self = .add(try members())
        case "replaceAll": self = .replaceAll(try members())
        case "remove": self = .remove((fixture["ids"]?.arrayValue ?? []).compactMap(\.stringValue))
        case "removeAll": self = .removeAll
        case "removeMatching":
            guard let text = fixture["filter"]?.stringValue else { throw FixtureError("removeMatching without filter") }
            self = .removeMatching(try FilterParser.parse(text))
        default: throw FixtureError("unknown membership op in \(fixture)")
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
