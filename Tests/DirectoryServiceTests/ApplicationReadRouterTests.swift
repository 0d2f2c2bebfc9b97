import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceTestSupport
import Testing

@testable import DirectoryService

/// The read API's internal routes (`/internal/v1/tenants/{t}/app/…`): every filter, tenant-wide and by IdP, paging,
/// the shapes, the refusals.
@Suite struct ApplicationReadRouterTests {
    static let app = "/internal/v1/tenants/acme/app"

    static func user(_ userName: String, externalId: String? = nil, email: String? = nil, active: Bool = true) -> JSONValue {
        var resource: [String: JSONValue] = ["schemas": [.string(ScimSchemaURN.user)], "userName": .string(userName), "active": .bool(active)]
        if let externalId { resource["externalId"] = .string(externalId) }
        if let email { resource["emails"] = [["value": .string(email), "type": "work", "primary": true]] }
        return .object(resource)
    }

    /// acme: okta (ada, bob inactive), entra (ada again, carol); globex: okta (ada). Returns acme's ids by
    /// "idp/userName".
    @discardableResult
    static func seed(_ client: any TestClientProtocol) async throws -> [String: String] {
        try await client.createTenant("acme")
        try await client.createTenant("globex")
        try await client.createIdentityProvider(tenant: "acme", "okta")
        try await client.createIdentityProvider(tenant: "acme", "entra")
        try await client.createIdentityProvider(tenant: "globex", "okta")
        var ids: [String: String] = [:]
        let users: [(String, String, JSONValue)] = [
            ("acme", "okta", user("ada@example.com", externalId: "ext-ada", email: "Ada@Example.com")),
            ("acme", "okta", user("bob@example.com", externalId: "ext-bob", active: false)),
            ("acme", "entra", user("ADA@example.com", externalId: "entra-ada")),
            ("acme", "entra", user("carol@example.com", email: "carol@example.com")),
            ("globex", "okta", user("ada@example.com", externalId: "ext-ada", email: "ada@example.com")),
        ]
        for (tenant, idp, resource) in users {
            let created = try await client.createUser(tenant: tenant, idp: idp, resource, identity: ["Username": resource["userName"]!])
            #expect(created.status == .created, "\(created.text)")
            if tenant == "acme" { ids["\(idp)/\(resource["userName"]!.stringValue!)"] = try #require(try created.json["id"]?.stringValue) }
        }
        return ids
    }

    static func userNames(_ client: any TestClientProtocol, _ query: String) async throws -> [String] {
        let answer = try await client.call(.get, app + "/users" + query)
        #expect(answer.status == .ok, "\(query): \(answer.text)")
        #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
        return try #require(try answer.json["data"]?.arrayValue).map { user in
            "\(user["idp"]?.stringValue ?? "?")/\(user["userName"]?.stringValue ?? "?")"
        }
    }

    @Test func eachUserFilterFindsItsUsersInTheTenantOnly() async throws {
        try await withDirectory { client in
            try await Self.seed(client)
            let all = ["okta/ada@example.com", "okta/bob@example.com", "entra/ADA@example.com", "entra/carol@example.com"]
            #expect(try await Self.userNames(client, "") == all)
            #expect(try await Self.userNames(client, "?idp=okta") == ["okta/ada@example.com", "okta/bob@example.com"])
            #expect(try await Self.userNames(client, "?userName=Ada%40EXAMPLE.com") == ["okta/ada@example.com", "entra/ADA@example.com"])
            #expect(try await Self.userNames(client, "?userName=ada%40example.com&idp=entra") == ["entra/ADA@example.com"])
            #expect(try await Self.userNames(client, "?externalId=ext-ada") == ["okta/ada@example.com"])
            #expect(try await Self.userNames(client, "?externalId=EXT-ADA") == [])
            #expect(try await Self.userNames(client, "?email=ada%40example.com") == ["okta/ada@example.com"])
            #expect(try await Self.userNames(client, "?email=carol%40example.com&idp=okta") == [])
            #expect(try await Self.userNames(client, "?active=false") == ["okta/bob@example.com"])
            #expect(try await Self.userNames(client, "?active=true&idp=entra") == ["entra/ADA@example.com", "entra/carol@example.com"])
            #expect(try await Self.userNames(client, "?updatedSince=2000-01-01T00:00:00Z") == all)
            #expect(try await Self.userNames(client, "?updatedSince=2999-01-01T00:00:00%2B02:00") == [])
            #expect(try await Self.userNames(client, "?userName=nobody") == [])
            // userName's matches are ordered in memory: their pages chain as the others do.
            let first = try await client.call(.get, Self.app + "/users?userName=ada%40example.com&limit=1").json
            #expect(first["data"]?.arrayValue?.map { $0["idp"] } == ["okta"])
            let next = try #require(first["next"]?.stringValue)
            let second = try await client.call(.get, Self.app + "/users?userName=ada%40example.com&limit=1&cursor=\(next)").json
            #expect(second["data"]?.arrayValue?.map { $0["idp"] } == ["entra"])
            #expect(second["next"] == .null)
            #expect(try await Self.userNames(client, "?idp=nowhere") == [])
        }
    }

    @Test func aUserCarriesItsIdentityScimResourceAndGroups() async throws {
        try await withDirectory { client in
            let ids = try await Self.seed(client)
            let ada = try #require(ids["okta/ada@example.com"])
            let group = try await client.call(
                .post,
                "/internal/v1/tenants/acme/idps/okta/groups",
                json: ["resource": ["schemas": [.string(ScimSchemaURN.group)], "displayName": "Admins", "members": [["value": .string(ada)]]]]
            )
            #expect(group.status == .created, "\(group.text)")
            let groupID = try #require(try group.json["id"]?.stringValue)

            let answer = try await client.call(.get, Self.app + "/users/\(ada)")
            #expect(answer.status == .ok, "\(answer.text)")
            let user = try answer.json
            #expect(user["id"]?.stringValue == ada)
            #expect(user["idp"]?.stringValue == "okta")
            #expect(user["userName"]?.stringValue == "ada@example.com")
            #expect(user["externalId"]?.stringValue == "ext-ada")
            #expect(user["active"] == .bool(true))
            #expect(user["identity"] == ["Username": "ada@example.com"])
            #expect(user["scim"]?["id"]?.stringValue == ada)
            #expect(user["scim"]?["emails"]?.arrayValue?.first?["value"]?.stringValue == "Ada@Example.com")
            #expect(user["groups"] == [["id": .string(groupID), "displayName": "Admins"]])
            #expect(user["version"] == .number(1))
            #expect(user["createdAt"]?.stringValue?.isEmpty == false)
            #expect(user["updatedAt"]?.stringValue?.isEmpty == false)
            // The same user in a list.
            let listed = try await client.call(.get, Self.app + "/users?externalId=ext-ada").json["data"]?.arrayValue?.first
            #expect(listed == user)
        }
    }

    @Test func pagesCoverEveryUserOnceAcrossIdentityProviders() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            try await client.createIdentityProvider(tenant: "acme", "entra")
            var expected: Set<String> = []
            var inactive: Set<String> = []
            for index in 0..<23 {
                let idp = index % 2 == 0 ? "okta" : "entra"
                let created = try await client.createUser(tenant: "acme", idp: idp, Self.user("user\(index)", active: index % 3 != 0))
                let id = try #require(try created.json["id"]?.stringValue)
                expected.insert(id)
                if index % 3 == 0 { inactive.insert(id) }
            }
            for (filter, wanted) in [("", expected), ("&active=false", inactive), ("&updatedSince=2000-01-01T00:00:00.000Z", expected)] {
                var seen: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let query = "?limit=4" + filter + (cursor.map { "&cursor=\($0)" } ?? "")
                    let page = try await client.call(.get, Self.app + "/users" + query)
                    #expect(page.status == .ok, "\(page.text)")
                    let data = try #require(try page.json["data"]?.arrayValue)
                    #expect(data.count <= 4)
                    seen += data.compactMap { $0["id"]?.stringValue }
                    cursor = try page.json["next"]?.stringValue
                    if cursor != nil { #expect(data.count == 4) }
                    pages += 1
                } while cursor != nil && pages < 20
                #expect(seen.count == wanted.count, "filter \(filter)")
                #expect(Set(seen) == wanted, "filter \(filter)")
                #expect(pages == max(1, (wanted.count + 3) / 4), "filter \(filter)")
            }
        }
    }

    /// A cursor is a position, not an offset: users created or deleted between pages neither repeat nor hide the
    /// users that were there all along.
    @Test func changesBetweenPagesDoNotShiftThePages() async throws {
        try await withDirectory { client in
            try await client.createTenant("acme")
            try await client.createIdentityProvider(tenant: "acme", "okta")
            var original: [String] = []
            for index in 0..<12 {
                original.append(
                    try #require(try await client.createUser(tenant: "acme", idp: "okta", Self.user("first\(index)")).json["id"]?.stringValue)
                )
            }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await client.call(.get, Self.app + "/users?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")).json
                seen += try #require(page["data"]?.arrayValue).compactMap { $0["id"]?.stringValue }
                cursor = page["next"]?.stringValue
                pages += 1
                // Between pages: one user seen already is deleted, one new user is created.
                let deleted = try #require(seen.first)
                #expect(try await client.call(.delete, "/internal/v1/tenants/acme/idps/okta/users/\(deleted)").status == .noContent)
                original.removeAll { $0 == deleted }
                seen.removeAll { $0 == deleted }
                _ = try await client.createUser(tenant: "acme", idp: "okta", Self.user("later\(pages)"))
            } while cursor != nil && pages < 20
            #expect(Set(original).isSubset(of: Set(seen)))
            #expect(seen.count == Set(seen).count)
        }
    }

    @Test func groupsCountTheirMembersAndPageThem() async throws {
        try await withDirectory { client in
            let ids = try await Self.seed(client)
            var members: [String] = []
            for index in 0..<23 {
                let created = try await client.createUser(tenant: "acme", idp: "okta", Self.user("member\(index)"))
                members.append(try #require(try created.json["id"]?.stringValue))
            }
            let big = try await client.call(
                .post,
                "/internal/v1/tenants/acme/idps/okta/groups",
                json: [
                    "resource": [
                        "schemas": [.string(ScimSchemaURN.group)], "displayName": "Everyone",
                        "members": .array(members.map { ["value": .string($0)] }),
                    ]
                ]
            )
            let bigID = try #require(try big.json["id"]?.stringValue)
            for (tenant, idp, name) in [("acme", "entra", "Empty"), ("globex", "okta", "Everyone")] {
                let created = try await client.call(
                    .post,
                    "/internal/v1/tenants/\(tenant)/idps/\(idp)/groups",
                    json: ["resource": ["schemas": [.string(ScimSchemaURN.group)], "displayName": .string(name)]]
                )
                #expect(created.status == .created)
            }
            let listed = try await client.call(.get, Self.app + "/groups").json
            let groups = try #require(listed["data"]?.arrayValue)
            #expect(groups.map { $0["displayName"]?.stringValue } == ["Everyone", "Empty"])
            #expect(groups.map { $0["memberCount"] } == [.number(23), .number(0)])
            #expect(groups.first?["scim"]?["members"] == nil)
            #expect(listed["next"] == .null)
            #expect(try await client.call(.get, Self.app + "/groups?displayName=EVERYONE").json["data"]?.arrayValue?.count == 1)
            #expect(try await client.call(.get, Self.app + "/groups?idp=entra").json["data"]?.arrayValue?.map { $0["displayName"] } == ["Empty"])
            let secondPage = try await client.call(
                .get,
                Self.app + "/groups?limit=1&cursor="
                    + (try #require(try await client.call(.get, Self.app + "/groups?limit=1").json["next"]?.stringValue))
            ).json
            #expect(secondPage["data"]?.arrayValue?.map { $0["displayName"] } == ["Empty"])
            #expect(secondPage["next"] == .null)

            let one = try await client.call(.get, Self.app + "/groups/\(bigID)").json
            #expect(one["memberCount"] == .number(23))
            #expect(one["idp"]?.stringValue == "okta")

            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.call(.get, Self.app + "/groups/\(bigID)/members?limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")).json
                let data = try #require(page["data"]?.arrayValue)
                #expect(data.allSatisfy { $0["type"]?.stringValue == "User" })
                seen += data.compactMap { $0["id"]?.stringValue }
                cursor = page["next"]?.stringValue
            } while cursor != nil && seen.count < 100
            #expect(seen == members.sorted())
            _ = ids
        }
    }

    @Test func anotherTenantsOrAnUnknownResourceIsNotFound() async throws {
        try await withDirectory { client in
            try await Self.seed(client)
            let theirs = try #require(
                try await client.call(.get, "/internal/v1/tenants/globex/app/users").json["data"]?.arrayValue?.first?["id"]?.stringValue
            )
            let theirGroup = try await client.call(
                .post,
                "/internal/v1/tenants/globex/idps/okta/groups",
                json: ["resource": ["schemas": [.string(ScimSchemaURN.group)], "displayName": "Theirs"]]
            )
            let theirGroupID = try #require(try theirGroup.json["id"]?.stringValue)
            for path in [
                "/users/\(theirs)", "/users/nobody", "/groups/\(theirGroupID)", "/groups/\(theirGroupID)/members", "/groups/nothing",
                "/users/" + String(repeating: "x", count: 600),
            ] {
                try await client.call(.get, Self.app + path).expectScimError(404)
            }
            for path in ["/users", "/groups", "/idps"] {
                try await client.call(.get, "/internal/v1/tenants/initech/app" + path).expectScimError(404)
            }
            #expect(try await client.call(.get, Self.app + "/groups?displayName=Theirs").json["data"]?.arrayValue == [])
        }
    }

    @Test func identityProvidersAreListed() async throws {
        try await withDirectory { client in
            try await Self.seed(client)
            let answer = try await client.call(.get, Self.app + "/idps").json
            #expect(answer["data"]?.arrayValue?.map { $0["id"] } == ["entra", "okta"])
            #expect(answer["data"]?.arrayValue?.first?["providerType"]?.stringValue == "Generic")
            #expect(answer["next"] == .null)
        }
    }

    @Test func badQueriesAreRefused() async throws {
        try await withDirectory { client in
            try await Self.seed(client)
            let updatedCursor = ApplicationCursor(order: .updated, key: "2026-01-01T00:00:00.000Z", id: "x").token
            let memberCursor = ApplicationCursor(order: .member, key: "", id: "x").token
            let invalidValues = [
                "/users?limit=0", "/users?limit=1001", "/users?limit=ten", "/users?limit=-1", "/users?active=yes", "/users?active=TRUE",
                "/users?updatedSince=yesterday", "/users?updatedSince=2026-13-01T00:00:00Z", "/users?userName=a&userName=b",
                "/users?username=a", "/users?filter=userName", "/users?userName=" + String(repeating: "a", count: 1025),
                "/users?cursor=" + String(repeating: "A", count: 1100), "/groups?members=1", "/idps?limit=1",
                "/groups/g1/members?limit=5000", "/users/u1?attributes=id", "/users?email=%ZZ", "/users?" + String(repeating: "idp=a&", count: 1500),
            ]
            for query in invalidValues { try await client.call(.get, Self.app + query).expectScimError(400, scimType: "invalidValue") }
            let createdCursor = ApplicationCursor(order: .created, key: "2026-01-01T00:00:00.000Z", id: "x").token
            let invalidCursors = [
                "/users?cursor=not-a-cursor!", "/users?cursor=bm90IGpzb24", "/users?cursor=\(memberCursor)", "/users?cursor=\(updatedCursor)",
                "/users?updatedSince=2026-01-01T00:00:00Z&cursor=\(createdCursor)", "/groups?cursor=\(memberCursor)",
                "/groups/g1/members?cursor=\(updatedCursor)",
            ]
            for query in invalidCursors { try await client.call(.get, Self.app + query).expectScimError(400, scimType: "invalidCursor") }
            // A cursor this API issued is accepted.
            #expect(try await client.call(.get, Self.app + "/users?cursor=\(createdCursor)").status == .ok)
        }
    }
}
