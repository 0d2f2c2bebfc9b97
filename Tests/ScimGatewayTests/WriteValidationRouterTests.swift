import Foundation
import HTTPTypes
import HummingbirdTesting
import ScimCore
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// Writes are type-checked against the schemas before anything is mapped or stored, and the RFC 9110 preconditions
/// of a write hold: the gateway on fakes of the token and mapping services and the real directory.
@Suite("Gateway: type validation and write preconditions")
struct WriteValidationRouterTests {
    static let users = "/scim/v2/acme/okta/Users"

    @Test(arguments: [
        (#"{"userName": "a", "emails": {"value": "a@example.com"}}"#, "'emails' is multi-valued"),
        (#"{"userName": "a", "emails": "a@example.com"}"#, "'emails' is multi-valued"),
        (#"{"userName": "a", "emails": ["a@example.com"]}"#, "'emails[0]' is the string"),
        (#"{"userName": "a", "emails": [{"value": "a@example.com", "primary": "maybe"}]}"#, "'emails[0].primary' expects a value of type boolean"),
        (#"{"userName": "a", "active": "maybe"}"#, "'active' expects a value of type boolean"),
        (#"{"userName": "a", "active": 1}"#, "'active' expects a value of type boolean"),
        (#"{"userName": 42}"#, "'userName' expects a value of type string"),
        (#"{"userName": "a", "name": ["Ada"]}"#, "'name' is single-valued"),
        (#"{"userName": "a", "name": "Ada"}"#, "'name' is a complex attribute"),
        (#"{"userName": "a", "name": {"givenName": 7}}"#, "'name.givenName' expects a value of type string"),
        (#"{"userName": "a", "schemas": "urn:ietf:params:scim:schemas:core:2.0:User"}"#, "'schemas' must be an array"),
        (#"{"userName": "a", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "x"}"#, "is a schema extension"),
        (#"{"userName": "a", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": 5}}"#, "manager' is a complex attribute"),
    ])
    func mistypedUsersAreInvalidValueAndNothingIsMappedOrStored(body: String, detail: String) async throws {
        try await refused(body: body, detail: detail)
    }

    /// Past the length and count limits the stores could not index, or would spend unbounded work on.
    @Test func oversizedValuesAreInvalidValue() async throws {
        try await refused(body: #"{"userName": "\#(String(repeating: "a", count: 1_025))"}"#, detail: "'userName' is 1025 bytes long; at most 1024")
        let emails = (0...1_000).map { #"{"value": "e\#($0)@example.com"}"# }.joined(separator: ",")
        try await refused(body: #"{"userName": "a", "emails": [\#(emails)]}"#, detail: "'emails' has 1001 values; at most 1000")
        try await refused(body: #"{"userName": "a", "title": "\#(String(repeating: "t", count: 65_537))"}"#, detail: "'title' is 65537 bytes long")
    }

    private func refused(body: String, detail: String) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let response = try await client.request(.post, Self.users, bearer: token, rawBody: body)
            #expect(response.status == .badRequest, "\(body)")
            #expect(try response.json["scimType"] == "invalidValue", "\(body)")
            #expect(response.detail?.contains(detail) == true, "\(response.detail ?? "")")
            #expect(gateway.mapping.rulesFetches.isEmpty)
            #expect(try await gateway.directory.userCount == 0)
        }
    }

    /// What Entra and Okta really send stays accepted (IDP-WIRE.md).
    @Test(arguments: [
        #"{"userName": "a", "active": "False", "emails": [{"value": "a@example.com", "type": "work", "primary": "true"}]}"#,
        #"{"userName": "a", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": "271", "employeeNumber": "7"}}"#,
        #"{"userName": "a", "emails": [{"value": "a@example.com", "type": "corp"}], "x-unknown": {"deep": [1]}}"#,
        #"{"userName": "a", "name": null, "emails": [null], "meta": {"created": 5}, "id": 7}"#,
    ])
    func idpDialectsStayAccepted(body: String) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let response = try await client.request(.post, Self.users, bearer: token, rawBody: body)
            #expect(response.status == .created, "\(body): \(response.detail ?? "")")
        }
    }

    @Test func aPatchThatWouldStoreAMistypedValueIsRefused() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let created = try await client.request(.post, Self.users, bearer: token, json: ["userName": "bob"])
            let id = try #require(try created.json["id"]?.stringValue)
            for operation: JSONValue in [
                ["op": "replace", "path": "emails", "value": "bob@example.com"],
                ["op": "add", "path": "emails", "value": ["bob@example.com"]],
                ["op": "replace", "value": ["emails": "bob@example.com"]],
            ] {
                let patch: JSONValue = ["schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [operation]]
                let response = try await client.request(.patch, "\(Self.users)/\(id)", bearer: token, json: patch)
                #expect(response.status == .badRequest, "\(operation)")
                #expect(try response.json["scimType"] == "invalidValue", "\(operation)")
            }
            #expect(try await gateway.directory.userCount == 1)
        }
    }

    @Test func ifNoneMatchOnAWriteOfAnExistingResourceIs412() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let created = try await client.request(.post, Self.users, bearer: token, json: ["userName": "bob"])
            let id = try #require(try created.json["id"]?.stringValue)
            let path = "\(Self.users)/\(id)"
            let patch: JSONValue = [
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [["op": "replace", "path": "displayName", "value": "B"]],
            ]
            for condition in ["*", #"W/"1""#, #"W/"9", W/"1""#] {
                let put = try await client.request(.put, path, bearer: token, json: ["userName": "bob2"], headers: [.ifNoneMatch: condition])
                try put.expectScimError(412)
                let patched = try await client.request(.patch, path, bearer: token, json: patch, headers: [.ifNoneMatch: condition])
                try patched.expectScimError(412)
                try await client.request(.delete, path, bearer: token, headers: [.ifNoneMatch: condition]).expectScimError(412)
            }
            // A tag that is not current lets the write through.
            let put = try await client.request(.put, path, bearer: token, json: ["userName": "bob2"], headers: [.ifNoneMatch: #"W/"9""#])
            #expect(put.status == .ok)
            #expect(put.headers[.eTag] == #"W/"2""#)
        }
    }

    @Test func ifNoneMatchOnAGetIs304OnlyForACurrentTag() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let created = try await client.request(.post, Self.users, bearer: token, json: ["userName": "bob"])
            let id = try #require(try created.json["id"]?.stringValue)
            let star = try await client.request(.get, "\(Self.users)/\(id)", bearer: token, headers: [.ifNoneMatch: "*"])
            #expect(star.status == .ok)
            #expect(star.headers[.eTag] == #"W/"1""#)
            let stale = try await client.request(.get, "\(Self.users)/\(id)", bearer: token, headers: [.ifNoneMatch: #"W/"0""#])
            #expect(stale.status == .ok)
            let fresh = try await client.request(.get, "\(Self.users)/\(id)", bearer: token, headers: [.ifNoneMatch: #"W/"0", W/"1""#])
            #expect(fresh.status == .notModified)
            #expect(fresh.headers[.eTag] == #"W/"1""#)
        }
    }
}

@Suite("Bulk: failOnErrors")
struct BulkFailOnErrorsTests {
    @Test func integersAreReadAndOutOfRangeSaturatesInsteadOfTrapping() throws {
        #expect(try BulkController.failOnErrors(in: ["Operations": []]) == nil)
        #expect(try BulkController.failOnErrors(in: ["failOnErrors": .null]) == nil)
        #expect(try BulkController.failOnErrors(in: ["failOnErrors": 3]) == 3)
        #expect(try BulkController.failOnErrors(in: ["failOnErrors": 1e300]) == Int.max)
        #expect(try BulkController.failOnErrors(in: ["failOnErrors": -1e300]) == Int.min)
    }

    @Test(arguments: [JSONValue.number(1.5), .string("2"), .bool(true), .number(.infinity), .number(.nan)])
    func anythingElseIsInvalidValue(value: JSONValue) {
        #expect(throws: ScimError.invalidValue("failOnErrors must be an integer.")) { try BulkController.failOnErrors(in: ["failOnErrors": value]) }
    }
}
