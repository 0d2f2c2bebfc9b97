import Foundation
import NIOHTTP1
import Testing

/// The request sequences Entra ID and Okta really send (see IDP-WIRE.md), replayed against the real stack.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct IdPSequenceTests {
    @Test func entraProvisioningCycle() async throws {
        try await withStack { demo, _ in
            // Test Connection: a filter on a random GUID, `+` for spaces and encoded quotes: 200 with an empty list.
            let probe = try await HTTP.scim(demo, .GET, "/Users?filter=userName+eq+%22\(UUID().uuidString)%22&aadOptscim062020")
            #expect(probe.status == 200)
            #expect(probe.json["totalResults"] as? Int == 0)
            #expect((probe.json["Resources"] as? [Any])?.isEmpty == true)

            // Create with the enterprise extension and Entra's noise (meta, roles: []).
            let created = try await HTTP.scim(
                demo,
                .POST,
                "/Users",
                json: [
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", "userName": "Test_User_ab6490ee@contoso.com", "active": true,
                    "emails": [["primary": true, "type": "work", "value": "Test_User_ab6490ee@contoso.com"]],
                    "meta": ["resourceType": "User"], "name": ["familyName": "Ware", "givenName": "Ab"], "roles": [],
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": ["department": "Sales", "employeeNumber": "701984"],
                ]
            )
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            let enterprise = created.json["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] as? [String: Any]
            #expect(enterprise?["department"] as? String == "Sales")

            // Existing-user checks by userName (upper-cased), externalId and the work email.
            for filter in [
                "userName eq \"TEST_USER_AB6490EE@contoso.com\"", "externalId eq \"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\"",
                "emails[type eq \"work\"].value eq \"test_user_ab6490ee@contoso.com\"",
            ] {
                let found = try await HTTP.scim(demo, .GET, "/Users?filter=" + formEncode(filter))
                #expect(found.status == 200, "\(filter): \(found.text)")
                #expect(found.json["totalResults"] as? Int == 1, "\(filter)")
            }

            // Path-less replace with dotted and URN keys, a filtered path that creates the element, manager as a bare string.
            let patched = try await HTTP.scim(
                demo,
                .PATCH,
                "/Users/\(id)",
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [
                        [
                            "op": "Replace",
                            "value": [
                                "displayName": "Bjfe", "name.givenName": "Kkom",
                                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Aklq",
                            ],
                        ],
                        ["op": "Add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+1 555 0100"],
                        ["op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "271"],
                    ],
                ]
            )
            #expect(patched.status == 200, "\(patched.text)")
            #expect((patched.json["name"] as? [String: Any])?["givenName"] as? String == "Kkom")
            #expect((patched.json["phoneNumbers"] as? [[String: Any]])?.first?["value"] as? String == "+1 555 0100")
            let manager = (patched.json["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] as? [String: Any])?["manager"] as? [String: Any]
            #expect(manager?["value"] as? String == "271")

            // Disable with a string boolean; the user stays readable by id and by filter.
            let disabled = try await HTTP.scim(
                demo,
                .PATCH,
                "/Users/\(id)",
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [["op": "Replace", "path": "active", "value": "False"]],
                ]
            )
            #expect(disabled.json["active"] as? Bool == false)
            #expect(try await HTTP.scim(demo, .GET, "/Users/\(id)").json["active"] as? Bool == false)
            let inactive = try await HTTP.scim(
                demo,
                .GET,
                "/Users?filter=" + formEncode("active eq false and userName eq \"test_user_ab6490ee@contoso.com\"")
            )
            #expect(inactive.json["totalResults"] as? Int == 1)
            let enabled = try await HTTP.scim(
                demo,
                .PATCH,
                "/Users/\(id)",
                json: ["Operations": [["op": "Replace", "path": "active", "value": "True"]]]
            )
            #expect(enabled.json["active"] as? Bool == true)

            // Groups: created empty, then members added one PATCH at a time; removal in both shapes.
            let group = try await HTTP.scim(
                demo,
                .POST,
                "/Groups",
                json: [
                    "schemas": [
                        "urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
                    ],
                    "displayName": "Sales", "externalId": "ext-g1", "members": [],
                ]
            )
            #expect(group.status == 201, "\(group.text)")
            let groupID = try #require(group.json["id"] as? String)
            let second = try #require(try await HTTP.scim(demo, .POST, "/Users", json: user("second@contoso.com")).json["id"] as? String)
            for member in [id, second] {
                let add = try await HTTP.scim(
                    demo,
                    .PATCH,
                    "/Groups/\(groupID)",
                    json: [
                        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                        "Operations": [["op": "Add", "path": "members", "value": [["$ref": NSNull(), "value": member]]]],
                    ]
                )
                #expect(add.status == 204, "\(add.text)")
            }
            let byName = try await HTTP.scim(demo, .GET, "/Groups?excludedAttributes=members&filter=" + formEncode("displayName eq \"Sales\""))
            #expect(byName.json["totalResults"] as? Int == 1)
            #expect(((byName.json["Resources"] as? [[String: Any]])?.first?["members"]) == nil)
            // A user's groups, derived from the memberships in display-name order, on a read by id and in a filtered list.
            let alpha = try await HTTP.scim(demo, .POST, "/Groups", json: ["displayName": "Alpha \"A\"", "members": [["value": id]]])
            let alphaID = try #require(alpha.json["id"] as? String, "\(alpha.text)")
            let memberOf = try await HTTP.scim(demo, .GET, "/Users/\(id)").json["groups"] as? [[String: Any]]
            #expect(memberOf?.compactMap { $0["value"] as? String } == [alphaID, groupID])
            #expect(memberOf?.compactMap { $0["display"] as? String } == ["Alpha \"A\"", "Sales"])
            let listed = try await HTTP.scim(demo, .GET, "/Users?filter=" + formEncode("userName eq \"second@contoso.com\""))
            let secondGroups = (listed.json["Resources"] as? [[String: Any]])?.first?["groups"] as? [[String: Any]]
            #expect(secondGroups?.compactMap { $0["value"] as? String } == [groupID])
            #expect(try await HTTP.scim(demo, .DELETE, "/Groups/\(alphaID)").status == 204)
            let removeDefault = try await HTTP.scim(
                demo,
                .PATCH,
                "/Groups/\(groupID)",
                json: [
                    "Operations": [["op": "Remove", "path": "members", "value": [["value": second]]]]
                ]
            )
            #expect(removeDefault.status == 204)
            var members = try await HTTP.scim(demo, .GET, "/Groups/\(groupID)").json["members"] as? [[String: Any]]
            #expect(members?.compactMap { $0["value"] as? String } == [id])
            let removeFiltered = try await HTTP.scim(
                demo,
                .PATCH,
                "/Groups/\(groupID)",
                json: [
                    "Operations": [["op": "remove", "path": "members[value eq \"\(id)\"]"]]
                ]
            )
            #expect(removeFiltered.status == 204)
            members = try await HTTP.scim(demo, .GET, "/Groups/\(groupID)").json["members"] as? [[String: Any]]
            #expect(members?.isEmpty ?? true)

            // The validator's empty PATCH is refused as the RFC says (one or more operations), then a hard delete:
            // 204, then 404.
            let empty = try await HTTP.scim(
                demo,
                .PATCH,
                "/Users/\(id)",
                json: ["schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": []]
            )
            #expect(empty.status == 400)
            #expect(empty.json["scimType"] as? String == "invalidSyntax")
            #expect(try await HTTP.scim(demo, .DELETE, "/Users/\(id)").status == 204)
            #expect(try await HTTP.scim(demo, .GET, "/Users/\(id)").status == 404)
        }
    }

    @Test func oktaProvisioningCycle() async throws {
        try await withStack { demo, _ in
            // Test connector configuration and import on an empty directory.
            let empty = try await HTTP.scim(demo, .GET, "/Users?startIndex=1&count=2")
            #expect(empty.status == 200)
            #expect(empty.json["totalResults"] as? Int == 0)

            // Existence check, then create with password and groups (neither stored).
            let check = try await HTTP.scim(
                demo,
                .GET,
                "/Users?filter=" + formEncode("userName eq \"dade.murphy@example.com\"") + "&startIndex=1&count=100"
            )
            #expect(check.json["totalResults"] as? Int == 0)
            var body = user("dade.murphy@example.com")
            body["password"] = "t1meMa$heen"
            body["groups"] = []
            body["locale"] = "en-US"
            let created = try await HTTP.scim(demo, .POST, "/Users", json: body)
            #expect(created.status == 201)
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["password"] == nil)
            #expect(try await HTTP.scim(demo, .POST, "/Users", json: body).status == 409)

            // Profile update by GET then full PUT; deactivation by PUT (App Integration Wizard) and by path-less PATCH (OIN).
            var fetched = try await HTTP.scim(demo, .GET, "/Users/\(id)").json
            fetched["displayName"] = "Dade Murphy"
            let put = try await HTTP.scim(demo, .PUT, "/Users/\(id)", json: fetched)
            #expect(put.status == 200, "\(put.text)")
            #expect(put.json["displayName"] as? String == "Dade Murphy")
            let deactivated = try await HTTP.scim(
                demo,
                .PATCH,
                "/Users/\(id)",
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [["op": "replace", "value": ["active": false]]],
                ]
            )
            #expect(deactivated.json["active"] as? Bool == false)

            // Import pages of 100 with stable order: 150 users over two pages, no duplicates, numbers as numbers.
            for index in 0..<149 { _ = try await HTTP.scim(demo, .POST, "/Users", json: user("import\(index)@example.com")) }
            let page1 = try await HTTP.scim(demo, .GET, "/Users?startIndex=1&count=100")
            let page2 = try await HTTP.scim(demo, .GET, "/Users?startIndex=101&count=100")
            #expect(page1.json["totalResults"] as? Int == 150)
            #expect(page1.json["itemsPerPage"] as? Int == 100)
            #expect(page2.json["startIndex"] as? Int == 101)
            let ids = ((page1.json["Resources"] as? [[String: Any]] ?? []) + (page2.json["Resources"] as? [[String: Any]] ?? [])).compactMap {
                $0["id"] as? String
            }
            #expect(ids.count == 150)
            #expect(Set(ids).count == 150)

            // Group push: create, then rename + membership changes in one PATCH, then a full replace of members.
            let group = try await HTTP.scim(
                demo,
                .POST,
                "/Groups",
                json: ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Push", "members": []]
            )
            let groupID = try #require(group.json["id"] as? String)
            let someone = ids[3]
            let mixed = try await HTTP.scim(
                demo,
                .PATCH,
                "/Groups/\(groupID)",
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [
                        ["op": "replace", "value": ["id": groupID, "displayName": "Push Renamed"]],
                        [
                            "op": "add", "path": "members",
                            "value": [["value": id, "display": "dade.murphy@example.com"], ["value": someone, "display": "x"]],
                        ],
                        ["op": "remove", "path": "members[value eq \"\(someone)\"]"],
                    ],
                ]
            )
            #expect(mixed.status == 204, "\(mixed.text)")
            let afterMixed = try await HTTP.scim(demo, .GET, "/Groups/\(groupID)").json
            #expect(afterMixed["displayName"] as? String == "Push Renamed")
            #expect((afterMixed["members"] as? [[String: Any]])?.compactMap { $0["value"] as? String } == [id])
            let replaced = try await HTTP.scim(
                demo,
                .PATCH,
                "/Groups/\(groupID)",
                json: [
                    "Operations": [["op": "replace", "path": "members", "value": [["value": someone]]]]
                ]
            )
            #expect(replaced.status == 204)
            #expect(
                (try await HTTP.scim(demo, .GET, "/Groups/\(groupID)").json["members"] as? [[String: Any]])?.compactMap { $0["value"] as? String }
                    == [someone]
            )

            // SPEC test: unknown id is a SCIM 404 with detail; a bad token a SCIM 401.
            let unknown = try await HTTP.scim(demo, .GET, "/Users/010101010101010101010101")
            #expect(unknown.status == 404)
            #expect(unknown.json["detail"] != nil)
            let badToken = try await HTTP.send(.GET, demo.scimBaseURL + "/Users", bearer: "not-a-token")
            #expect(badToken.status == 401)
            #expect(badToken.json["status"] as? String == "401")
        }
    }

    @Test func protocolErrorsAndVersions() async throws {
        try await withStack { demo, _ in
            let created = try await HTTP.scim(demo, .POST, "/Users", json: user("versions@example.com"))
            let id = try #require(created.json["id"] as? String)
            let etag = try #require(created.headers.first(name: "ETag"))
            #expect(etag == #"W/"1""#)
            #expect(try await HTTP.scim(demo, .GET, "/Users/\(id)", headers: [("If-None-Match", etag)]).status == 304)
            let stale = try await HTTP.scim(demo, .PUT, "/Users/\(id)", json: user("versions@example.com"), headers: [("If-Match", #"W/"7""#)])
            #expect(stale.status == 412)
            #expect(stale.json["scimType"] as? String == "invalidVers")
            #expect(try await HTTP.scim(demo, .PUT, "/Users/\(id)", json: user("versions@example.com"), headers: [("If-Match", etag)]).status == 200)

            for (filter, type) in [("userName eq", "invalidFilter"), ("nosuch eq \"x\"", "invalidFilter"), ("userName xx \"a\"", "invalidFilter")] {
                let answer = try await HTTP.scim(demo, .GET, "/Users?filter=" + formEncode(filter))
                #expect(answer.status == 400, "\(filter)")
                #expect(answer.json["scimType"] as? String == type, "\(filter)")
            }
            let notJSON = try await HTTP.send(
                .POST,
                demo.scimBaseURL + "/Users",
                bearer: demo.token,
                json: nil,
                headers: [("Content-Type", "application/json")]
            )
            #expect(notJSON.status == 400)
            let badPath = try await HTTP.scim(
                demo,
                .PATCH,
                "/Users/\(id)",
                json: ["Operations": [["op": "replace", "path": "name[[", "value": "x"]]]
            )
            #expect(badPath.status == 400)
            #expect(badPath.json["scimType"] as? String == "invalidPath")
            let readOnly = try await HTTP.scim(demo, .PATCH, "/Users/\(id)", json: ["Operations": [["op": "replace", "path": "id", "value": "x"]]])
            #expect(readOnly.json["scimType"] as? String == "mutability")
            let noTarget = try await HTTP.scim(demo, .PATCH, "/Users/\(id)", json: ["Operations": [["op": "remove"]]])
            #expect(noTarget.json["scimType"] as? String == "noTarget")
            let big = try await HTTP.scim(demo, .POST, "/Users", json: ["userName": String(repeating: "x", count: 5 << 20)])
            #expect(big.status == 413)
            #expect(big.headers.first(name: "Content-Type") == "application/scim+json")

            // Paging: count=0 gives only the total; sortBy orders; a page is held to the advertised maximum; RFC 9865
            // cursors walk every user once.
            for index in 0..<5 { _ = try await HTTP.scim(demo, .POST, "/Users", json: user("page\(index)@example.com")) }
            let countOnly = try await HTTP.scim(demo, .GET, "/Users?count=0")
            #expect(countOnly.json["totalResults"] as? Int == 6)
            #expect((countOnly.json["Resources"] as? [Any])?.isEmpty == true)
            let sorted = try await HTTP.scim(demo, .GET, "/Users?sortBy=userName&sortOrder=descending&count=2")
            #expect(
                (sorted.json["Resources"] as? [[String: Any]])?.compactMap { $0["userName"] as? String } == [
                    "versions@example.com", "page4@example.com",
                ]
            )
            #expect(try await HTTP.scim(demo, .GET, "/Users?count=5000").json["itemsPerPage"] as? Int == 6)
            var cursor = ""
            var walked: [String] = []
            for _ in 0..<10 {
                let page = try await HTTP.scim(demo, .GET, "/Users?count=4&cursor=\(cursor)")
                walked += (page.json["Resources"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                guard let next = page.json["nextCursor"] as? String else { break }
                cursor = next
            }
            #expect(walked.count == 6)
            #expect(Set(walked).count == 6)
            let badCursor = try await HTTP.scim(demo, .GET, "/Users?cursor=not-a-cursor")
            #expect(badCursor.status == 400)
            #expect(badCursor.json["scimType"] as? String == "invalidCursor")

            // Discovery reflects what is served.
            let config = try await HTTP.scim(demo, .GET, "/ServiceProviderConfig")
            #expect((config.json["bulk"] as? [String: Any])?["supported"] as? Bool == true)
            #expect((config.json["filter"] as? [String: Any])?["maxResults"] as? Int == 1000)
            #expect(try await HTTP.scim(demo, .GET, "/ResourceTypes").json["totalResults"] as? Int == 2)
            #expect(try await HTTP.scim(demo, .GET, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").status == 200)

            // A bulk request whose group refers to a user created in the same request.
            let bulk = try await HTTP.scim(
                demo,
                .POST,
                "/Bulk",
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "failOnErrors": 5,
                    "Operations": [
                        [
                            "method": "POST", "path": "/Groups", "bulkId": "g1",
                            "data": ["displayName": "Bulk group", "members": [["value": "bulkId:u1"]]],
                        ],
                        ["method": "POST", "path": "/Users", "bulkId": "u1", "data": user("bulk@example.com")],
                        ["method": "POST", "path": "/Users", "bulkId": "u2", "data": ["userName": "incomplete"]],
                    ],
                ]
            )
            #expect(bulk.status == 200, "\(bulk.text)")
            let results = bulk.json["Operations"] as? [[String: Any]] ?? []
            #expect(results.map { $0["status"] as? String } == ["201", "201", "400"])
            let tooMany = try await HTTP.scim(
                demo,
                .POST,
                "/Bulk",
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                    "Operations": (0..<1001).map { ["method": "DELETE", "path": "/Users/x\($0)"] },
                ]
            )
            #expect(tooMany.status == 413)
            let groupLocation = try #require(results.first?["location"] as? String)
            let bulkGroup = try await HTTP.send(.GET, groupLocation, bearer: demo.token)
            #expect((bulkGroup.json["members"] as? [[String: Any]])?.count == 1)
        }
    }
}

func user(_ userName: String) -> [String: Any] {
    [
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": userName, "active": true,
        "name": ["givenName": "Given", "familyName": "Family"], "emails": [["value": userName, "type": "work", "primary": true]],
    ]
}

/// `application/x-www-form-urlencoded` as Entra sends filters: spaces as `+`, everything else percent-encoded.
func formEncode(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~ ")
    return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: " ", with: "+")
}
