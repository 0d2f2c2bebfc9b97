import Foundation
import NIOHTTP1
import Testing

/// The read API through the real executables (SQLite, or PostgreSQL with `PROVISIO_TEST_POSTGRES_URL`): users and a
/// group provisioned over SCIM, read back from `/api/v1/tenants/{tenant}` with the root admin key, the group's
/// members page by page.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct DirectoryReadEndToEndTests {
    @Test func usersAndGroupsProvisionedOverScimAreReadBackPageByPage() async throws {
        try await withStack { demo, _ in
            let api = demo.adminURL.replacingOccurrences(of: "/admin/v1", with: "/api/v1/tenants/demo")
            func get(_ path: String) async throws -> HTTP.Answer {
                try await HTTP.send(.GET, api + path, bearer: demo.adminKey)
            }
            var ids: [String] = []
            for index in 0..<120 {
                let created = try await HTTP.scim(
                    demo,
                    .POST,
                    "/Users",
                    json: [
                        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                        "userName": "user\(index)@example.com",
                        "externalId": "ext-\(index)",
                        "name": ["givenName": "User", "familyName": "Number \(index)"],
                        "emails": [["value": "user\(index)@example.com", "type": "work", "primary": true]],
                        "active": index % 10 != 0,
                    ]
                )
                #expect(created.status == 201, "\(created.text)")
                ids.append(try #require(created.json["id"] as? String))
            }
            let group = try await HTTP.scim(
                demo,
                .POST,
                "/Groups",
                json: [
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Everyone",
                    "members": ids.map { ["value": $0] },
                ]
            )
            #expect(group.status == 201, "\(group.text)")
            let groupID = try #require(group.json["id"] as? String)

            // One user by userName, with the mapped identity, the SCIM resource and its group.
            let byName = try await get("/users?userName=USER7%40example.com")
            #expect(byName.status == 200, "\(byName.text)")
            #expect(byName.headers.first(name: "Content-Type") == "application/json; charset=utf-8")
            let found = try #require((byName.json["data"] as? [[String: Any]])?.first)
            #expect(found["id"] as? String == ids[7])
            #expect(found["idp"] as? String == "default")
            #expect(found["externalId"] as? String == "ext-7")
            #expect((found["scim"] as? [String: Any])?["userName"] as? String == "user7@example.com")
            #expect((found["identity"] as? [String: Any])?.isEmpty == false)
            #expect((found["groups"] as? [[String: Any]])?.map { $0["id"] as? String } == [groupID])
            #expect(try await get("/users/\(ids[7])").json["userName"] as? String == "user7@example.com")
            #expect((try await get("/users?email=user8%40EXAMPLE.com").json["data"] as? [[String: Any]])?.count == 1)
            #expect((try await get("/users?active=false&limit=1000").json["data"] as? [[String: Any]])?.count == 12)

            // Every user once, in pages of 50.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await get("/users?limit=50" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == 200, "\(page.text)")
                seen += (page.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page.json["next"] as? String
            } while cursor != nil && seen.count < 1_000
            #expect(seen.count == 120)
            #expect(Set(seen) == Set(ids))

            // The group with its count, and its members in pages of 50.
            let groups = try await get("/groups?displayName=everyone")
            #expect((groups.json["data"] as? [[String: Any]])?.first?["memberCount"] as? Int == 120)
            var members: [String] = []
            cursor = nil
            var pages = 0
            repeat {
                let page = try await get("/groups/\(groupID)/members?limit=50" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == 200, "\(page.text)")
                members += (page.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page.json["next"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(members == ids.sorted())

            #expect(try await get("/users?limit=0").status == 400)
            #expect(try await get("/users/nobody").status == 404)
            #expect(try await HTTP.send(.GET, api + "/users", bearer: demo.token).status == 401)
        }
    }
}
