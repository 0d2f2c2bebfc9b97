import Foundation
import NIOHTTP1
import Testing

/// The change-event feed through the real executables: a client that follows it from the start and applies each
/// event ends with the directory as it is.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ChangeEventFeedEndToEndTests {
    @Test func aClientFollowingTheFeedReproducesTheDirectory() async throws {
        try await withStack { demo, _ in
            let gateway = String(demo.adminURL.dropLast("/admin/v1".count))
            let feed = gateway + "/api/v1/tenants/demo/events"
            var follower = FeedFollower(feed: feed, adminKey: demo.adminKey)

            // SCIM writes of every kind, a Bulk request, and admin writes, read back by the follower in between.
            var ids: [String] = []
            for index in 0..<6 {
                let created = try await HTTP.scim(demo, .POST, "/Users", json: user("feed\(index)@example.com"))
                ids.append(try #require(created.json["id"] as? String, "\(created.text)"))
            }
            let group = try await HTTP.scim(
                demo,
                .POST,
                "/Groups",
                json: ["displayName": "Readers", "members": [["value": ids[0]], ["value": ids[1]]]]
            )
            let groupID = try #require(group.json["id"] as? String)
            try await follower.catchUp()
            let patched = try await HTTP.scim(
                demo,
                .PATCH,
                "/Groups/\(groupID)",
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [
                        ["op": "add", "path": "members", "value": ids[2...4].map { ["value": $0] }],
                        ["op": "remove", "path": "members[value eq \"\(ids[0])\"]"],
                        ["op": "replace", "path": "displayName", "value": "Writers"],
                    ],
                ]
            )
            #expect(patched.status == 204 || patched.status == 200, "\(patched.text)")
            let deactivate = try await HTTP.scim(
                demo,
                .PATCH,
                "/Users/\(ids[1])",
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [["op": "replace", "path": "active", "value": false]],
                ]
            )
            #expect(deactivate.status == 200, "\(deactivate.text)")
            var replacement = user("feed2-renamed@example.com")
            replacement["displayName"] = "Renamed"
            #expect(try await HTTP.scim(demo, .PUT, "/Users/\(ids[2])", json: replacement).status == 200)
            #expect(try await HTTP.scim(demo, .DELETE, "/Users/\(ids[3])").status == 204)
            try await follower.catchUp()
            let bulk = try await HTTP.scim(
                demo,
                .POST,
                "/Bulk",
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                    "Operations": [
                        ["method": "POST", "path": "/Users", "bulkId": "u1", "data": user("bulk-feed@example.com")],
                        [
                            "method": "POST", "path": "/Groups", "bulkId": "g1",
                            "data": ["displayName": "Bulk", "members": [["value": "bulkId:u1"], ["value": ids[5]]]],
                        ],
                        ["method": "DELETE", "path": "/Users/\(ids[4])"],
                    ],
                ]
            )
            #expect(bulk.status == 200, "\(bulk.text)")
            let groupReplace = try await HTTP.scim(
                demo,
                .PUT,
                "/Groups/\(groupID)",
                json: [
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Writers",
                    "members": [["value": ids[0]], ["value": ids[5]]],
                ]
            )
            #expect(groupReplace.status == 200, "\(groupReplace.text)")

            // Externally managed groups: the application may rename one only when the IdP allows it, and the IdP's
            // next change of the field wins again; both changes are events.
            let appGroup = gateway + "/api/v1/tenants/demo/groups/\(groupID)"
            let refused = try await HTTP.send(.PATCH, appGroup, bearer: demo.adminKey, json: ["displayName": "Renamed by the app"])
            #expect(refused.status == 409, "\(refused.text)")
            let idpSetting = demo.adminURL + "/tenants/demo/idps/default"
            let allowed = try await HTTP.send(.PATCH, idpSetting, bearer: demo.adminKey, json: ["groupsEditable": true])
            #expect(allowed.status == 200 && allowed.json["groupsEditable"] as? Bool == true, "\(allowed.text)")
            let edited = try await HTTP.send(
                .PATCH,
                appGroup,
                bearer: demo.adminKey,
                json: ["displayName": "Renamed by the app", "description": "kept by the app"]
            )
            #expect(edited.status == 200 && edited.json["displayName"] as? String == "Renamed by the app", "\(edited.text)")
            try await follower.catchUp()
            #expect(follower.groups[groupID]?["displayName"] as? String == "Renamed by the app")
            let idpWins = try await HTTP.scim(
                demo,
                .PATCH,
                "/Groups/\(groupID)",
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [["op": "replace", "path": "displayName", "value": "Writers"]],
                ]
            )
            #expect(idpWins.status == 204 || idpWins.status == 200, "\(idpWins.text)")
            try await follower.catchUp()
            #expect(follower.groups[groupID]?["displayName"] as? String == "Writers")

            // A second IdP with a user, then deleted by the admin: its users and groups go with it.
            let admin = demo.adminURL + "/tenants/demo/idps"
            #expect(try await HTTP.send(.POST, admin, bearer: demo.adminKey, json: ["id": "second", "name": "Second"]).status == 201)
            let secondToken = try #require(
                try await HTTP.send(.POST, admin + "/second/tokens", bearer: demo.adminKey, json: ["validDays": 1]).json["token"] as? String
            )
            let secondBase = gateway + "/scim/v2/demo/second"
            #expect(try await HTTP.send(.POST, secondBase + "/Users", bearer: secondToken, json: user("other@example.com")).status == 201)
            try await follower.catchUp()
            #expect(follower.users.values.contains { $0["idp"] as? String == "second" })
            #expect(try await HTTP.send(.DELETE, admin + "/second", bearer: demo.adminKey).status == 204)
            try await follower.catchUp()

            // The follower's directory is the directory.
            let scimUsers = try await HTTP.scim(demo, .GET, "/Users?count=1000").json["Resources"] as? [[String: Any]] ?? []
            #expect(Set(follower.users.keys) == Set(scimUsers.compactMap { $0["id"] as? String }))
            for scimUser in scimUsers {
                let id = scimUser["id"] as? String ?? ""
                let followed = follower.users[id]
                #expect(followed?["userName"] as? String == scimUser["userName"] as? String)
                #expect(followed?["active"] as? Bool == scimUser["active"] as? Bool)
                #expect((followed?["scim"] as? [String: Any])?["displayName"] as? String == scimUser["displayName"] as? String)
                let version = (scimUser["meta"] as? [String: Any])?["version"] as? String
                #expect(version == "W/\"\((followed?["version"] as? Int) ?? -1)\"", "version of \(id)")
            }
            let scimGroups = try await HTTP.scim(demo, .GET, "/Groups?count=1000").json["Resources"] as? [[String: Any]] ?? []
            #expect(Set(follower.groups.keys) == Set(scimGroups.compactMap { $0["id"] as? String }))
            for scimGroup in scimGroups {
                let id = scimGroup["id"] as? String ?? ""
                #expect(follower.groups[id]?["displayName"] as? String == scimGroup["displayName"] as? String)
                let members = Set((scimGroup["members"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String })
                #expect(follower.members[id, default: []] == members, "members of \(scimGroup["displayName"] ?? id)")
            }
            #expect(follower.idps == ["default"])
            #expect(follower.seen > 20)

            // The feed's own answers through the gateway: from now on, bad requests, a key it needs.
            let latest = try await HTTP.send(.GET, feed + "?after=latest", bearer: demo.adminKey)
            #expect(latest.json["data"] as? [Any] != nil && (latest.json["data"] as? [Any])?.isEmpty == true)
            #expect(latest.json["next"] as? String == follower.cursor)
            for query in ["limit=0", "after=nope", "types=user.exploded"] {
                let bad = try await HTTP.send(.GET, feed + "?" + query, bearer: demo.adminKey)
                #expect(bad.status == 400 && bad.json["scimType"] as? String == "invalidValue", "\(query): \(bad.text)")
            }
            #expect(try await HTTP.send(.GET, feed).status == 401)
            let onlyGroups = try await HTTP.send(.GET, feed + "?types=group.created&limit=1000", bearer: demo.adminKey)
            #expect((onlyGroups.json["data"] as? [[String: Any]])?.count == 2)
        }
    }
}

/// A client of the feed that keeps the directory as the events describe it.
struct FeedFollower {
    let feed: String
    let adminKey: String
    var cursor: String?
    var seen = 0
    var lastSequence = 0
    var idps: Set<String> = []
    var users: [String: [String: Any]] = [:]
    var groups: [String: [String: Any]] = [:]
    var members: [String: Set<String>] = [:]

    init(feed: String, adminKey: String) {
        self.feed = feed
        self.adminKey = adminKey
    }

    /// Reads pages of 7 until the feed has nothing more, applying each event.
    mutating func catchUp() async throws {
        for _ in 0..<10_000 {
            let url = feed + "?limit=7" + (cursor.map { "&after=\($0)" } ?? "")
            let page = try await HTTP.send(.GET, url, bearer: adminKey)
            #expect(page.status == 200, "\(page.text)")
            let events = try #require(page.json["data"] as? [[String: Any]])
            cursor = try #require(page.json["next"] as? String)
            for event in events { try apply(event) }
            if events.isEmpty { return }
        }
    }

    mutating func apply(_ event: [String: Any]) throws {
        let sequence = try #require(event["sequence"] as? Int)
        #expect(sequence == lastSequence + 1, "sequence \(sequence) after \(lastSequence)")
        lastSequence = sequence
        seen += 1
        let data = try #require(event["data"] as? [String: Any])
        let id = data["id"] as? String ?? ""
        switch event["type"] as? String {
        case "idp.created": idps.insert(id)
        case "idp.deleted":
            idps.remove(id)
            users = users.filter { $0.value["idp"] as? String != id }
            for (groupID, group) in groups where group["idp"] as? String == id {
                groups[groupID] = nil
                members[groupID] = nil
            }
        case "user.created", "user.updated", "user.deactivated", "user.reactivated": users[id] = data
        case "user.deleted": users[id] = nil
        case "group.created", "group.updated": groups[id] = data
        case "group.deleted":
            groups[id] = nil
            members[id] = nil
        case "group.member_added", "group.member_removed":
            let groupID = try #require((data["group"] as? [String: Any])?["id"] as? String)
            let memberID = try #require((data["member"] as? [String: Any])?["id"] as? String)
            if event["type"] as? String == "group.member_added" {
                members[groupID, default: []].insert(memberID)
            } else {
                members[groupID, default: []].remove(memberID)
            }
        default: Issue.record("unknown event type \(event["type"] ?? "nil")")
        }
    }
}
