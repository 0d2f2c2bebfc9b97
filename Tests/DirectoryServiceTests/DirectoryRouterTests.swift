import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import NIOCore
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import DirectoryService

@Suite("Directory service: internal API through the router, SQL store on in-memory SQLite", .timeLimit(.minutes(1)))
struct DirectoryRouterTests {
    // MARK: Authentication and health

    @Test(arguments: [nil, "", "wrong-internal-key-of-good-length"] as [String?])
    func internalEndpointsRefuseCallsWithoutTheInternalKey(key: String?) async throws {
        try await withDirectory { client in
            let list = try await client.call(.get, "/internal/v1/tenants", internalKey: key)
            try list.expectScimError(401)
            #expect(list.headers[.contentType] == MediaType.scim)

            let create = try await client.call(.post, "/internal/v1/tenants", json: ["id": "acme", "name": "Acme"], internalKey: key)
            try create.expectScimError(401)
            // The refused write did not happen.
            let after = try await client.call(.get, "/internal/v1/tenants")
            #expect(after.status == .ok)
            #expect(try after.json == [])
        }
    }

    @Test func healthAndReadinessNeedNoCredential() async throws {
        try await withDirectory { client in
            let health = try await client.call(.get, "/healthz", internalKey: nil)
            #expect(health.status == .ok)
            #expect(try health.json["status"] == "alive")
            #expect(try health.json["service"] == "directory")

            let ready = try await client.call(.get, "/readyz", internalKey: nil)
            #expect(ready.status == .ok)
            #expect(try ready.json["status"] == "ready")
            #expect(try ready.json["checks"]?["store"] == "ok")
        }
    }

    // MARK: Tenants

    @Test func tenantCreateListGetPatchDelete() async throws {
        try await withDirectory { client in
            let created = try await client.call(.post, "/internal/v1/tenants", json: ["id": "acme", "name": "  Acme Corp  "])
            #expect(created.status == .created)
            #expect(try created.json["id"] == "acme")
            #expect(try created.json["name"] == "Acme Corp")
            #expect(try created.json["createdAt"]?.stringValue != nil)
            try await client.createTenant("beta")

            let list = try await client.call(.get, "/internal/v1/tenants")
            #expect(list.status == .ok)
            #expect(try list.json.arrayValue?.compactMap { $0["id"]?.stringValue } == ["acme", "beta"])

            let fetched = try await client.call(.get, "/internal/v1/tenants/acme")
            #expect(fetched.status == .ok)
            #expect(try fetched.json["name"] == "Acme Corp")

            let patched = try await client.call(.patch, "/internal/v1/tenants/acme", json: ["name": "Acme Inc"])
            #expect(patched.status == .ok)
            #expect(try patched.json["id"] == "acme")
            #expect(try patched.json["name"] == "Acme Inc")
            #expect(try await client.call(.get, "/internal/v1/tenants/acme").json["name"] == "Acme Inc")

            let emptyName = try await client.call(.patch, "/internal/v1/tenants/acme", json: ["name": "   "])
            try emptyName.expectScimError(400, scimType: "invalidValue")

            let deleted = try await client.call(.delete, "/internal/v1/tenants/acme")
            #expect(deleted.status == .noContent)
            #expect(deleted.body.readableBytes == 0)
            try await client.call(.get, "/internal/v1/tenants/acme").expectScimError(404)
            try await client.call(.delete, "/internal/v1/tenants/acme").expectScimError(404)
            try await client.call(.patch, "/internal/v1/tenants/acme", json: ["name": "Ghost"]).expectScimError(404)
            #expect(try await client.call(.get, "/internal/v1/tenants").json.arrayValue?.compactMap { $0["id"]?.stringValue } == ["beta"])
        }
    }

    @Test func tenantIDIsDerivedFromTheNameWhenAbsent() async throws {
        try await withDirectory { client in
            let created = try await client.call(.post, "/internal/v1/tenants", json: ["name": "Acme Corp."])
            #expect(created.status == .created)
            #expect(try created.json["id"] == "acme-corp")
        }
    }

    @Test func duplicateTenantIDIsAUniquenessConflict() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme", name: "First")
            let duplicate = try await client.call(.post, "/internal/v1/tenants", json: ["id": "acme", "name": "Second"])
            try duplicate.expectScimError(409, scimType: "uniqueness")
            #expect(try duplicate.json["detail"]?.stringValue?.contains("acme") == true)
            // The first tenant is untouched.
            #expect(try await client.call(.get, "/internal/v1/tenants/acme").json["name"] == "First")
        }
    }

    @Test(arguments: ["Bad_ID", "UPPER", "under_score", "-leading", "trailing-", "has space", String(repeating: "a", count: 64)])
    func invalidTenantSlugIsRefused(slug: String) async throws {
        try await withDirectory { client in
            let response = try await client.call(.post, "/internal/v1/tenants", json: ["id": .string(slug), "name": "Acme"])
            try response.expectScimError(400, scimType: "invalidValue")
            #expect(try response.json["detail"]?.stringValue?.contains("not URL-safe") == true)
            #expect(try await client.call(.get, "/internal/v1/tenants").json == [])
        }
    }

    @Test func bodyThatIsNotJSONIsInvalidSyntax() async throws {
        try await withDirectory { client in
            try await client.call(.post, "/internal/v1/tenants", rawBody: "{not json").expectScimError(400, scimType: "invalidSyntax")
            let missingName = try await client.call(.post, "/internal/v1/tenants", json: ["id": "acme"])
            try missingName.expectScimError(400, scimType: "invalidSyntax")
            #expect(try missingName.json["detail"]?.stringValue?.contains("name") == true)
        }
    }

    // MARK: Identity providers

    @Test func identityProviderUnderAMissingTenantIs404() async throws {
        try await withDirectory { client in
            let response = try await client.call(.post, "/internal/v1/tenants/nobody/idps", json: ["id": "okta", "name": "Okta"])
            try response.expectScimError(404)
            #expect(try response.json["detail"]?.stringValue?.contains("nobody") == true)
            try await client.call(.get, "/internal/v1/tenants/nobody/idps").expectScimError(404)
        }
    }

    @Test func identityProviderCreateListGetUpdate() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            let created = try await client.call(
                .post,
                "/internal/v1/tenants/acme/idps",
                json: ["id": "okta-prod", "name": "Okta production", "description": "Main IdP", "providerType": "okta"]
            )
            #expect(created.status == .created)
            let body = try created.json
            #expect(body["tenantID"] == "acme")
            #expect(body["id"] == "okta-prod")
            #expect(body["name"] == "Okta production")
            #expect(body["description"] == "Main IdP")
            #expect(body["providerType"] == "Okta")

            let defaulted = try await client.call(.post, "/internal/v1/tenants/acme/idps", json: ["name": "Some Other IdP"])
            #expect(defaulted.status == .created)
            #expect(try defaulted.json["id"] == "some-other-idp")
            #expect(try defaulted.json["providerType"] == "Generic")
            #expect(try defaulted.json["description"] == "")

            let list = try await client.call(.get, "/internal/v1/tenants/acme/idps")
            #expect(list.status == .ok)
            #expect(try list.json.arrayValue?.compactMap { $0["id"]?.stringValue } == ["okta-prod", "some-other-idp"])

            let fetched = try await client.call(.get, "/internal/v1/tenants/acme/idps/okta-prod")
            #expect(fetched.status == .ok)
            #expect(try fetched.json["providerType"] == "Okta")

            let updated = try await client.call(
                .patch,
                "/internal/v1/tenants/acme/idps/okta-prod",
                json: ["name": "Entra now", "providerType": "entra"]
            )
            #expect(updated.status == .ok)
            #expect(try updated.json["name"] == "Entra now")
            #expect(try updated.json["providerType"] == "Azure")
            #expect(try updated.json["description"] == "Main IdP")
            let refetched = try await client.call(.get, "/internal/v1/tenants/acme/idps/okta-prod")
            #expect(try refetched.json["providerType"] == "Azure")
            #expect(try refetched.json["name"] == "Entra now")

            try await client.call(.get, "/internal/v1/tenants/acme/idps/missing").expectScimError(404)
            try await client.call(.patch, "/internal/v1/tenants/acme/idps/missing", json: ["name": "x"]).expectScimError(404)
        }
    }

    @Test func unknownProviderTypeIsRefused() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            let create = try await client.call(
                .post,
                "/internal/v1/tenants/acme/idps",
                json: ["id": "ping", "name": "Ping", "providerType": "PingFederate"]
            )
            try create.expectScimError(400, scimType: "invalidSyntax")
            #expect(try create.json["detail"]?.stringValue?.contains("providerType") == true)
            try await client.call(.get, "/internal/v1/tenants/acme/idps/ping").expectScimError(404)

            try await client.createIdentityProvider(tenant: "acme", "okta", providerType: "Okta")
            let update = try await client.call(.patch, "/internal/v1/tenants/acme/idps/okta", json: ["providerType": "nope"])
            try update.expectScimError(400, scimType: "invalidSyntax")
            #expect(try await client.call(.get, "/internal/v1/tenants/acme/idps/okta").json["providerType"] == "Okta")
        }
    }

    @Test func duplicateIdentityProviderIsAUniquenessConflictButTheSameIDInAnotherTenantIsFine() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createTenant("beta")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let duplicate = try await client.call(.post, "/internal/v1/tenants/acme/idps", json: ["id": "okta", "name": "Again"])
            try duplicate.expectScimError(409, scimType: "uniqueness")
            try await client.createIdentityProvider(tenant: "beta", "okta")
        }
    }

    @Test(arguments: ["Bad_ID", "Okta"])
    func invalidIdentityProviderSlugIsRefused(slug: String) async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            let response = try await client.call(.post, "/internal/v1/tenants/acme/idps", json: ["id": .string(slug), "name": "IdP"])
            try response.expectScimError(400, scimType: "invalidValue")
            #expect(try await client.call(.get, "/internal/v1/tenants/acme/idps").json == [])
        }
    }

    // MARK: Users

    static let alice: JSONValue = [
        "schemas": [.string(ScimSchemaURN.user)],
        "userName": "Alice@Example.com",
        "externalId": "ext-alice",
        "displayName": "Alice Example",
        "active": "True",
        "password": "Sup3r-Secret-Pa55",
        "groups": [["value": "g1", "display": "Admins"]],
        "emails": [["value": "alice@example.com", "type": "work", "primary": true]],
        "name": ["givenName": "Alice", "familyName": "Example"],
    ]

    @Test func userCreateStoresTheResourceWithoutPasswordOrGroups() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let created = try await client.createUser(tenant: "acme", idp: "okta", Self.alice, identity: ["Email": "alice@example.com"])
            #expect(created.status == .created)
            #expect(!created.text.contains("Sup3r-Secret-Pa55"))
            let body = try created.json
            let id = try #require(body["id"]?.stringValue)
            #expect(UUID(uuidString: id) != nil)
            #expect(body["version"] == 1)
            let resource = try #require(body["resource"])
            #expect(resource["id"] == .string(id))
            #expect(resource["userName"] == "Alice@Example.com")
            #expect(resource["externalId"] == "ext-alice")
            #expect(resource["name"]?["givenName"] == "Alice")
            #expect(resource["password"] == nil)
            #expect(resource["groups"] == nil)
            #expect(resource["schemas"] == [.string(ScimSchemaURN.user)])
            #expect(resource["meta"]?["resourceType"] == "User")
            #expect(resource["meta"]?["version"] == #"W/"1""#)
            #expect(resource["meta"]?["created"]?.stringValue != nil)
            #expect(resource["meta"]?["created"] == resource["meta"]?["lastModified"])

            let fetched = try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/users/\(id)")
            #expect(fetched.status == .ok)
            #expect(try fetched.json == body)
            #expect(!fetched.text.contains("Sup3r-Secret-Pa55"))
        }
    }

    /// A user's `groups` are derived from the membership rows, ordered by display name, on a read by id and in a list.
    @Test func userGroupsComeFromMembershipsInDisplayNameOrder() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let member = try #require(try await client.createUser(tenant: "acme", idp: "okta", Self.alice).json["id"]?.stringValue)
            let loner = try #require(
                try await client.createUser(tenant: "acme", idp: "okta", ["schemas": [.string(ScimSchemaURN.user)], "userName": "loner"]).json["id"]?
                    .stringValue
            )
            var groupIDs: [String: String] = [:]
            for name in ["beta \"quoted\"", "Alpha", "Gamma"] {
                let created = try await client.call(
                    .post,
                    "/internal/v1/tenants/acme/idps/okta/groups",
                    json: [
                        "resource": [
                            "schemas": [.string(ScimSchemaURN.group)], "displayName": .string(name),
                            "members": name == "Gamma" ? [] : [["value": .string(member)]],
                        ]
                    ]
                )
                #expect(created.status == .created, "\(created.text)")
                groupIDs[name] = try #require(try created.json["id"]?.stringValue)
            }
            let expected: JSONValue = .array(
                ["Alpha", "beta \"quoted\""].map { name in
                    ["value": .string(groupIDs[name]!), "display": .string(name), "type": "direct"]
                }
            )

            let fetched = try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/users/\(member)").json
            #expect(fetched["resource"]?["groups"] == expected)
            let alone = try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/users/\(loner)").json
            #expect(alone["resource"]?["groups"] == nil)
            // A replace answers with the user's groups too.
            let replaced = try await client.call(
                .put,
                "/internal/v1/tenants/acme/idps/okta/users/\(member)",
                json: ["resource": Self.alice, "identity": [:]]
            )
            #expect(replaced.status == .ok, "\(replaced.text)")
            #expect(try replaced.json["resource"]?["groups"] == expected)

            let page = try await client.call(.post, "/internal/v1/tenants/acme/idps/okta/users/search", json: ["startIndex": 1, "count": 10]).json
            let listed = page["resources"]?.arrayValue ?? []
            #expect(listed.count == 2)
            #expect(listed.first { $0["id"] == .string(member) }?["resource"]?["groups"] == expected)
            #expect(listed.first { $0["id"] == .string(loner) }?["resource"]?["groups"] == nil)
        }
    }

    @Test func userWithoutUserNameIsInvalidValue() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let response = try await client.createUser(tenant: "acme", idp: "okta", ["displayName": "Nobody", "userName": "  "])
            try response.expectScimError(400, scimType: "invalidValue")
            #expect(try response.json["detail"]?.stringValue?.contains("userName") == true)
        }
    }

    @Test func userUnderAMissingIdentityProviderIs404() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createUser(tenant: "acme", idp: "ghost", ["userName": "bob"]).expectScimError(404)
        }
    }

    @Test func userNameIsUniqueCaseInsensitivelyPerIdentityProvider() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            try await client.createIdentityProvider(tenant: "acme", "entra", providerType: "Azure")
            #expect(try await client.createUser(tenant: "acme", idp: "okta", ["userName": "Bob@Example.com"]).status == .created)

            let clash = try await client.createUser(tenant: "acme", idp: "okta", ["userName": "bob@example.COM"])
            try clash.expectScimError(409, scimType: "uniqueness")

            let otherIdP = try await client.createUser(tenant: "acme", idp: "entra", ["userName": "bob@example.com"])
            #expect(otherIdP.status == .created)
            #expect(try otherIdP.json["resource"]?["userName"] == "bob@example.com")
        }
    }

    @Test func userIsInvisibleThroughAnotherIdentityProviderOrTenant() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createTenant("beta")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            try await client.createIdentityProvider(tenant: "acme", "entra")
            try await client.createIdentityProvider(tenant: "beta", "okta")
            let created = try await client.createUser(tenant: "acme", idp: "okta", ["userName": "carol"])
            let id = try #require(try created.json["id"]?.stringValue)

            #expect(try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/users/\(id)").status == .ok)
            let otherIdP = try await client.call(.get, "/internal/v1/tenants/acme/idps/entra/users/\(id)")
            try otherIdP.expectScimError(404)
            #expect(!otherIdP.text.contains("carol"))
            try await client.call(.get, "/internal/v1/tenants/beta/idps/okta/users/\(id)").expectScimError(404)
            try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/users/no-such-id").expectScimError(404)
        }
    }

    @Test func deletingAnIdentityProviderDeletesItsUsers() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            try await client.createIdentityProvider(tenant: "acme", "entra")
            let doomed = try await client.createUser(tenant: "acme", idp: "okta", ["userName": "dave"]).json["id"]?.stringValue
            let kept = try await client.createUser(tenant: "acme", idp: "entra", ["userName": "dave"]).json["id"]?.stringValue
            let doomedID = try #require(doomed)
            let keptID = try #require(kept)

            #expect(try await client.call(.delete, "/internal/v1/tenants/acme/idps/okta").status == .noContent)
            try await client.call(.get, "/internal/v1/tenants/acme/idps/okta").expectScimError(404)
            try await client.call(.delete, "/internal/v1/tenants/acme/idps/okta").expectScimError(404)

            // Re-creating the IdP with the same id does not bring its users back, and the userName is free again.
            try await client.createIdentityProvider(tenant: "acme", "okta")
            try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/users/\(doomedID)").expectScimError(404)
            #expect(try await client.createUser(tenant: "acme", idp: "okta", ["userName": "dave"]).status == .created)
            // The other IdP's user is untouched.
            #expect(try await client.call(.get, "/internal/v1/tenants/acme/idps/entra/users/\(keptID)").status == .ok)
        }
    }

    @Test func deletingATenantDeletesItsIdentityProvidersAndUsers() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            let id = try #require(try await client.createUser(tenant: "acme", idp: "okta", ["userName": "erin"]).json["id"]?.stringValue)
            #expect(try await client.call(.delete, "/internal/v1/tenants/acme").status == .noContent)

            try await client.createTenant("acme")
            #expect(try await client.call(.get, "/internal/v1/tenants/acme/idps").json == [])
            try await client.createIdentityProvider(tenant: "acme", "okta")
            try await client.call(.get, "/internal/v1/tenants/acme/idps/okta/users/\(id)").expectScimError(404)
            // The old tenant's activity went with it: only the new tenant's two events remain.
            let actions = try await client.call(.get, "/internal/v1/tenants/acme/activity").json.arrayValue?.compactMap { $0["action"]?.stringValue }
            #expect(actions == ["idp.created", "tenant.created"])
        }
    }

    // MARK: Activity log

    @Test func activityLogRecordsTenantIdentityProviderAndUserEventsNewestFirst() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createTenant("beta")
            try await client.createIdentityProvider(tenant: "acme", "okta", providerType: "okta")
            try await client.createIdentityProvider(tenant: "beta", "okta")
            let userID = try #require(try await client.createUser(tenant: "acme", idp: "okta", Self.alice).json["id"]?.stringValue)
            #expect(try await client.call(.patch, "/internal/v1/tenants/acme", json: ["name": "Acme Inc"]).status == .ok)
            #expect(try await client.call(.patch, "/internal/v1/tenants/acme/idps/okta", json: ["providerType": "duo"]).status == .ok)

            let response = try await client.call(.get, "/internal/v1/tenants/acme/activity")
            #expect(response.status == .ok)
            #expect(!response.text.contains("Sup3r-Secret-Pa55"))
            let events = try #require(try response.json.arrayValue)
            #expect(
                events.compactMap { $0["action"]?.stringValue } == [
                    "idp.updated", "tenant.updated", "user.created", "idp.created", "tenant.created",
                ]
            )
            #expect(events[0]["detail"] == "type=Duo")
            #expect(events[0]["idpID"] == "okta")
            #expect(events[2]["resourceType"] == "User")
            #expect(events[2]["resourceID"] == .string(userID))
            #expect(events[2]["actor"] == "idp:okta")
            #expect(events[3]["resourceType"] == "IdentityProvider")
            #expect(events[3]["detail"] == "type=Okta")
            #expect(events[3]["actor"] == "admin")
            #expect(events[4]["resourceType"] == "Tenant")
            #expect(events[4]["resourceID"] == "acme")

            let limited = try await client.call(.get, "/internal/v1/tenants/acme/activity?limit=2")
            #expect(try limited.json.arrayValue?.compactMap { $0["action"]?.stringValue } == ["idp.updated", "tenant.updated"])

            // Another tenant's log holds only its own events.
            let beta = try await client.call(.get, "/internal/v1/tenants/beta/activity")
            #expect(try beta.json.arrayValue?.compactMap { $0["action"]?.stringValue } == ["idp.created", "tenant.created"])

            try await client.call(.get, "/internal/v1/tenants/ghost/activity").expectScimError(404)
        }
    }
}
