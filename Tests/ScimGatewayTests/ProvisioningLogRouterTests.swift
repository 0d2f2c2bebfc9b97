import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import ScimGateway

@Suite("Provisioning log: what each SCIM request did, as the gateway ships it", .timeLimit(.minutes(1)))
struct ProvisioningLogRouterTests {
    static let ada: JSONValue = [
        "schemas": [.string(ScimSchemaURN.user)],
        "userName": "ada@example.com",
        "externalId": "ext-ada",
        "password": "hunter2-Secret!",
        "name": ["givenName": "Ada", "familyName": "Lovelace"],
        "emails": [["value": "ada@example.com", "primary": true]],
        "active": true,
    ]

    private func only(_ entries: [ProvisioningLogEntry], sourceLocation: SourceLocation = #_sourceLocation) throws -> ProvisioningLogEntry {
        #expect(entries.count == 1, "entries: \(entries)", sourceLocation: sourceLocation)
        return try #require(entries.last, sourceLocation: sourceLocation)
    }

    /// No entry anywhere holds the password or the token, in any field.
    private func expectNoSecret(_ entries: [ProvisioningLogEntry], _ secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = String(decoding: try JSONEncoder().encode(entries), as: UTF8.self)
        for secret in secrets { #expect(!text.contains(secret), "\(secret) logged", sourceLocation: sourceLocation) }
    }

    @Test func aSuccessfulCreateIsLoggedWithItsResourceAndChangesAndNoPassword() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let created = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: Self.ada)
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.stringValue)
            let requestID = try #require(created.headers[RequestIDMiddleware.headerName])

            let entries = await gateway.provisioning.entries()
            let entry = try only(entries)
            #expect(entry.tenantID == "acme" && entry.idpID == "okta")
            #expect(entry.requestID == requestID)
            #expect(entry.method == "POST" && entry.path == "/scim/v2/acme/okta/Users")
            #expect(entry.operation == .create && entry.status == .success && entry.httpStatus == 201)
            #expect(entry.resourceType == "User" && entry.resourceID == id)
            #expect(entry.externalID == "ext-ada" && entry.displayName == "ada@example.com")
            #expect(Set(entry.changedAttributes).isSuperset(of: ["userName", "name", "emails", "active"]))
            #expect(entry.requestBody?.contains(#""password":"[redacted]""#) == true)
            #expect(entry.responseBody == nil && entry.detail == nil)
            try expectNoSecret(entries, ["hunter2-Secret!", token])
        }
    }

    @Test func aFailedCreateIsLoggedWithTheErrorTheIdPGot() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            var missing = Self.ada
            missing = .object((missing.objectValue ?? [:]).filter { $0.key != "userName" })
            let refused = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: missing)
            #expect(refused.status.code >= 400 && refused.status.code < 500)
            let answer = try refused.json

            _ = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: Self.ada)
            let conflict = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: Self.ada)
            try conflict.expectScimError(409, scimType: "uniqueness")

            let entries = await gateway.provisioning.entries()
            #expect(entries.count == 3)
            let missingEntry = try #require(entries.first)
            #expect(missingEntry.operation == .create && missingEntry.status == .failure)
            #expect(missingEntry.httpStatus == Int(refused.status.code))
            #expect(missingEntry.scimType == answer["scimType"]?.stringValue)
            #expect(missingEntry.detail == answer["detail"]?.stringValue)
            #expect(missingEntry.responseBody?.contains(try #require(answer["detail"]?.stringValue)) == true)
            #expect(missingEntry.requestBody?.contains("[redacted]") == true)

            let conflictEntry = try #require(entries.last)
            #expect(conflictEntry.status == .failure && conflictEntry.httpStatus == 409 && conflictEntry.scimType == "uniqueness")
            #expect(conflictEntry.displayName == "ada@example.com")
            try expectNoSecret(entries, ["hunter2-Secret!", token])
        }
    }

    @Test func aPatchIsLoggedWithWhatItChangedAndANoOpReplaceIsSkipped() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let created = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: Self.ada)
            let id = try #require(created.json["id"]?.stringValue)
            let rename = try await client.request(
                .patch,
                "/scim/v2/acme/okta/Users/\(id)",
                bearer: token,
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [["op": "replace", "path": "name.givenName", "value": "Augusta"]],
                ]
            )
            #expect(rename.status == .ok)
            let deactivate = try await client.request(
                .patch,
                "/scim/v2/acme/okta/Users/\(id)",
                bearer: token,
                json: ["schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [["op": "replace", "value": ["active": false]]]]
            )
            #expect(deactivate.status == .ok)
            var same = Self.ada
            same = .object((same.objectValue ?? [:]).merging(["name": ["givenName": "Augusta", "familyName": "Lovelace"], "active": false]) { $1 })
            let first = try await client.request(.put, "/scim/v2/acme/okta/Users/\(id)", bearer: token, json: same)
            #expect(first.status == .ok)
            let again = try await client.request(.put, "/scim/v2/acme/okta/Users/\(id)", bearer: token, json: same)
            #expect(again.status == .ok)

            let entries = await gateway.provisioning.entries()
            #expect(entries.count == 5)
            guard entries.count == 5 else { return }
            #expect(entries[1].operation == .update && entries[1].status == .success && entries[1].changedAttributes == ["name"])
            #expect(entries[1].resourceID == id && entries[1].method == "PATCH")
            #expect(entries[2].operation == .deactivate && entries[2].changedAttributes == ["active"])
            // The second PUT sends what is stored already: it changes nothing.
            #expect(entries[3].operation == .deactivate || entries[3].operation == .replace)
            #expect(entries[4].status == .skipped && entries[4].changedAttributes.isEmpty && entries[4].httpStatus == 200)
            try expectNoSecret(entries, ["hunter2-Secret!", token])
        }
    }

    @Test func eachBulkOperationIsAnEntryWithItsOwnOutcome() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let bulk = try await client.request(
                .post,
                "/scim/v2/acme/okta/Bulk",
                bearer: token,
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                    "Operations": [
                        ["method": "POST", "path": "/Users", "bulkId": "good", "data": Self.ada],
                        [
                            "method": "POST", "path": "/Users", "bulkId": "bad",
                            "data": ["schemas": [.string(ScimSchemaURN.user)], "password": "p4ss-Word"],
                        ],
                    ],
                ]
            )
            #expect(bulk.status == .ok)
            let entries = await gateway.provisioning.entries()
            #expect(entries.count == 2)
            let good = try #require(entries.first { $0.status == .success })
            let bad = try #require(entries.first { $0.status == .failure })
            #expect(good.method == "POST" && good.path == "/Users" && good.operation == .create && good.httpStatus == 201)
            #expect(good.displayName == "ada@example.com" && good.resourceID != nil)
            #expect(bad.httpStatus >= 400 && bad.httpStatus < 500 && bad.detail != nil && bad.responseBody != nil)
            #expect(Set(entries.map(\.requestID)).count == 1)
            try expectNoSecret(entries, ["hunter2-Secret!", "p4ss-Word", token])
        }
    }

    @Test func anAuthenticationFailureIsLoggedWithTheTokensPrefixOnly() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let forged = "pvs_deadbeef_" + String(repeating: "s3cr3t", count: 6)
            let refused = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: forged, json: Self.ada)
            try refused.expectScimError(401)
            let missing = try await client.request(.get, "/scim/v2/acme/okta/Users")
            try missing.expectScimError(401)

            let entries = await gateway.provisioning.entries()
            #expect(entries.count == 2)
            let entry = try #require(entries.first)
            #expect(entry.operation == .auth && entry.status == .failure && entry.httpStatus == 401)
            #expect(entry.tokenPrefix == "pvs_dead…")
            #expect(entry.tenantID == "acme" && entry.idpID == "okta")
            #expect(entries.last?.operation == .auth && entries.last?.tokenPrefix == nil && entries.last?.method == "GET")
            try expectNoSecret(entries, ["hunter2-Secret!", "s3cr3t", "deadbeef_"])
        }
    }

    @Test func successfulReadsAreCountedNotLogged() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            for _ in 0..<3 { #expect(try await client.request(.get, "/scim/v2/acme/okta/Users", bearer: token).status == .ok) }
            let missing = try await client.request(.get, "/scim/v2/acme/okta/Users/no-such-user", bearer: token)
            try missing.expectScimError(404)

            let entries = await gateway.provisioning.entries()
            let entry = try only(entries)
            #expect(entry.operation == .read && entry.status == .failure && entry.httpStatus == 404 && entry.resourceID == "no-such-user")
            let leaked = try await client.request(.get, "/scim/v2/acme/okta/Users/pvs_abcd1234_secretsecretsecret", bearer: token)
            try leaked.expectScimError(404)
            let leakedEntry = try #require(await gateway.provisioning.entries().last)
            #expect(leakedEntry.path == "[redacted]" && leakedEntry.resourceID == "[redacted]")
            let reads = await gateway.provisioning.reads()
            #expect(reads.map(\.count).reduce(0, +) == 3)
            #expect(reads.allSatisfy { $0.tenantID == "acme" && $0.idpID == "okta" && $0.minute.hasSuffix(":00.000Z") })
        }
    }

    @Test func groupMembershipChangesAndDeletesAreLoggedWithWhatTheyChanged() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let user = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: Self.ada)
            let userID = try #require(user.json["id"]?.stringValue)
            let group = try await client.request(
                .post,
                "/scim/v2/acme/okta/Groups",
                bearer: token,
                json: ["schemas": [.string(ScimSchemaURN.group)], "displayName": "Engineering", "externalId": "g-1"]
            )
            let groupID = try #require(group.json["id"]?.stringValue)
            let add = try await client.request(
                .patch,
                "/scim/v2/acme/okta/Groups/\(groupID)",
                bearer: token,
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [["op": "add", "path": "members", "value": [["value": .string(userID)]]]],
                ]
            )
            #expect(add.status == .noContent)
            #expect(try await client.request(.delete, "/scim/v2/acme/okta/Users/\(userID)", bearer: token).status == .noContent)
            #expect(try await client.request(.delete, "/scim/v2/acme/okta/Groups/\(groupID)", bearer: token).status == .noContent)

            let entries = await gateway.provisioning.entries()
            #expect(entries.map(\.operation) == [.create, .create, .memberAdd, .delete, .delete])
            guard entries.count == 5 else { return }
            #expect(entries[1].displayName == "Engineering" && entries[1].externalID == "g-1" && entries[1].resourceType == "Group")
            #expect(entries[2].changedAttributes == ["members"] && entries[2].status == .success)
            #expect(entries[3].changedAttributes == ["groups", "id"] && entries[3].resourceID == userID)
            #expect(entries[4].changedAttributes == ["id"] && entries[4].status == .success)
        }
    }

    @Test func aSourceBlockedAfterFailedAuthenticationsIsLoggedAs429() async throws {
        var limited = Gateway()
        limited.authFailureLimit = 1
        let gateway = limited
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            try await client.request(.get, "/scim/v2/acme/okta/Users", bearer: "garbage").expectScimError(401)
            try await client.request(.get, "/scim/v2/acme/okta/Users", bearer: "garbage").expectScimError(429)
            let entries = await gateway.provisioning.entries()
            #expect(entries.map(\.httpStatus) == [401, 429])
            #expect(entries.allSatisfy { $0.operation == .auth && $0.status == .failure && $0.tokenPrefix == nil })
            #expect(entries.last?.detail?.contains("Too many failed authentications") == true)
            #expect(entries.last?.responseBody?.contains("429") == true)
        }
    }

    @Test func aBodyThatIsNotJSONIsKeptAsItsSizeOnly() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let text = "password=hunter2&user=ada"
            let refused = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, rawBody: text)
            try refused.expectScimError(400, scimType: "invalidSyntax")
            let entry = try only(await gateway.provisioning.entries())
            #expect(entry.operation == .create && entry.status == .failure && entry.resourceType == "User")
            #expect(entry.requestBody == "[not JSON, \(text.utf8.count) bytes]")
        }
    }
}
