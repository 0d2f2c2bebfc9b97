import Foundation
import NIOHTTP1
import Testing

/// Issue 5 through the real services: custom identity attributes and per-IdP mappings configured with the admin
/// API, users provisioned the way Okta and Entra send them, typed identities read back, discovery, re-apply jobs.
@Suite("End to end: identity attributes and mappings", .serialized, .timeLimit(.minutes(5)))
struct MappingEndToEndTests {
    static let custom = "urn:ietf:params:scim:schemas:extension:custom:2.0:User"
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    func admin(_ demo: DemoFile, _ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> HTTP.Answer {
        try await HTTP.send(method, demo.adminURL + path, bearer: demo.adminKey, json: body)
    }

    /// A new IdP of the demo tenant with a token: (SCIM base URL, token).
    func identityProvider(_ demo: DemoFile, id: String, type: String) async throws -> (String, String) {
        let created = try await admin(demo, .POST, "/tenants/demo/idps", ["id": id, "name": id, "providerType": type])
        try #require(created.status == 201, "\(created.text)")
        let token = try await admin(demo, .POST, "/tenants/demo/idps/\(id)/tokens", ["validDays": 30])
        try #require(token.status == 201, "\(token.text)")
        return (try #require(created.json["scimBaseURL"] as? String), try #require(token.json["token"] as? String))
    }

    func identity(_ demo: DemoFile, idp: String, user: String) async throws -> [String: Any] {
        let answer = try await admin(demo, .GET, "/tenants/demo/idps/\(idp)/users/\(user)/identity")
        try #require(answer.status == 200, "\(answer.text)")
        return answer.json["identity"] as? [String: Any] ?? [:]
    }

    @Test func oktaAndEntraUsersLandTypedDiscoveryListsTheCustomExtensionAndReapplyRemaps() async throws {
        try await withStack { demo, _ in
            // Attributes and an Okta IdP mapping them from Okta's custom namespace.
            for (name, type, multi) in [("Cost Center", "number", false), ("Contractor", "boolean", false), ("Roles", "string", true)] {
                let added = try await admin(demo, .POST, "/tenants/demo/attributes", ["name": name, "type": type, "multiValued": multi])
                #expect(added.status == 201, "\(added.text)")
            }
            #expect(try await admin(demo, .POST, "/tenants/demo/attributes", ["name": "cost center", "type": "string"]).status == 409)
            #expect(try await admin(demo, .POST, "/tenants/demo/attributes", ["name": "Level", "type": "integer"]).status == 400)
            let (okta, oktaToken) = try await identityProvider(demo, id: "okta", type: "Okta")
            for (name, attribute) in [("Cost%20Center", "costCenter"), ("Contractor", "contractor"), ("Roles", "roles")] {
                let set = try await admin(demo, .PUT, "/tenants/demo/idps/okta/mappings/\(name)", ["scimPath": "\(Self.custom):\(attribute)"])
                #expect(set.status == 200, "\(set.text)")
            }
            let unmapped = try await admin(demo, .GET, "/tenants/demo/idps/okta/mappings?view=unmapped")
            #expect((unmapped.json["unmapped"] as? [[String: Any]])?.isEmpty == true)
            #expect(unmapped.json["mapped"] == nil)

            // Discovery at the IdP's SCIM URL lists the custom extension with its attributes.
            let schemas = try await HTTP.send(.GET, okta + "/Schemas/\(Self.custom)", bearer: oktaToken)
            #expect(schemas.status == 200, "\(schemas.text)")
            let attributes = schemas.json["attributes"] as? [[String: Any]] ?? []
            #expect(Set(attributes.compactMap { $0["name"] as? String }) == ["costCenter", "contractor", "roles"])
            #expect(attributes.first { $0["name"] as? String == "contractor" }?["type"] as? String == "boolean")
            #expect(attributes.first { $0["name"] as? String == "roles" }?["multiValued"] as? Bool == true)
            let resourceTypes = try await HTTP.send(.GET, okta + "/ResourceTypes/User", bearer: oktaToken)
            #expect(resourceTypes.text.contains(Self.custom))

            // An Okta-style create: custom attributes typed, "True" stored as true.
            let created = try await HTTP.send(
                .POST,
                okta + "/Users",
                bearer: oktaToken,
                json: [
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", Self.custom],
                    "userName": "kim@example.com", "active": true, "name": ["givenName": "Kim", "familyName": "Lee"],
                    "emails": [["primary": true, "value": "kim@example.com", "type": "work"]],
                    Self.custom: ["costCenter": "42", "contractor": "True", "roles": ["admin", "dev"]],
                ] as [String: Any]
            )
            #expect(created.status == 201, "\(created.text)")
            let kim = try #require(created.json["id"] as? String)
            var typed = try await identity(demo, idp: "okta", user: kim)
            #expect(typed["Cost Center"] as? Double == 42)
            #expect(typed["Contractor"] as? Bool == true)
            #expect(typed["Roles"] as? [String] == ["admin", "dev"])
            #expect(typed["Email"] as? String == "kim@example.com")
            // The IdP reads back what it sent.
            let read = try await HTTP.send(.GET, okta + "/Users/\(kim)", bearer: oktaToken)
            #expect((read.json[Self.custom] as? [String: Any])?["contractor"] as? String == "True")

            // Type mismatch: 400 invalidValue naming the path (the IdP's schema types the custom extension), nothing stored.
            let mismatch = try await HTTP.send(
                .POST,
                okta + "/Users",
                bearer: oktaToken,
                json: [
                    "userName": "bad@example.com", "name": ["givenName": "B", "familyName": "D"], "emails": [["value": "bad@example.com"]],
                    Self.custom: ["costCenter": "n/a"],
                ] as [String: Any]
            )
            #expect(mismatch.status == 400)
            #expect(mismatch.json["scimType"] as? String == "invalidValue")
            #expect((mismatch.json["detail"] as? String)?.contains("\(Self.custom):costCenter' expects a value of type decimal") == true)

            // An Entra-style create: enterprise extension and the work email.
            let (entra, entraToken) = try await identityProvider(demo, id: "entra", type: "Azure")
            #expect(try await admin(demo, .POST, "/tenants/demo/attributes", ["name": "Department", "type": "string"]).status == 201)
            #expect(
                try await admin(demo, .PUT, "/tenants/demo/idps/entra/mappings/Department", ["scimPath": "\(Self.enterprise):department"]).status
                    == 200
            )
            let alice = try await HTTP.send(
                .POST,
                entra + "/Users",
                bearer: entraToken,
                json: [
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", Self.enterprise],
                    "userName": "alice@contoso.com", "active": true, "name": ["givenName": "Alice", "familyName": "Example"],
                    "emails": [["type": "other", "value": "alice@home.example", "primary": true], ["type": "work", "value": "alice@contoso.com"]],
                    Self.enterprise: ["department": "Finance"],
                ] as [String: Any]
            )
            #expect(alice.status == 201, "\(alice.text)")
            let aliceID = try #require(alice.json["id"] as? String)
            typed = try await identity(demo, idp: "entra", user: aliceID)
            #expect(typed["Email"] as? String == "alice@contoso.com")
            #expect(typed["Department"] as? String == "Finance")
            #expect(typed["Status"] as? Bool == true)

            // A create lacking Email is refused and nothing is stored.
            let noEmail = try await HTTP.send(
                .POST,
                entra + "/Users",
                bearer: entraToken,
                json: [
                    "userName": "noemail@contoso.com", "active": true, "name": ["givenName": "No", "familyName": "Email"],
                ] as [String: Any]
            )
            #expect(noEmail.status == 400)
            #expect((noEmail.json["detail"] as? String)?.contains("Email") == true)
            let search = try await HTTP.send(
                .GET,
                entra + "/Users?filter=" + "userName eq \"noemail@contoso.com\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                bearer: entraToken
            )
            #expect(search.json["totalResults"] as? Int == 0)

            // A deleted attribute in use is refused naming the IdP; a mandatory mapping cannot be removed.
            let inUse = try await admin(demo, .DELETE, "/tenants/demo/attributes/Department")
            #expect(inUse.status == 409)
            #expect((inUse.json["detail"] as? String)?.contains("entra") == true)
            #expect(try await admin(demo, .DELETE, "/tenants/demo/idps/entra/mappings/Email").status == 400)

            // Changing an IdP's provider type reaches the mapping service: untouched defaults follow the new type.
            _ = try await identityProvider(demo, id: "generic", type: "Generic")
            #expect(try await admin(demo, .PATCH, "/tenants/demo/idps/generic", ["providerType": "Azure"]).status == 200)
            let reseeded = try await admin(demo, .GET, "/tenants/demo/idps/generic/mappings?view=mapped")
            #expect(reseeded.json["providerType"] as? String == "Azure")
            let email = (reseeded.json["mapped"] as? [[String: Any]])?.first { ($0["attribute"] as? [String: Any])?["name"] as? String == "Email" }
            #expect(email?["scimPath"] as? String == "emails[type eq \"work\"].value")

            // Re-map Department from the job title and re-apply to existing users. The refused create just before the
            // change has the gateway map with (and cache) the current rules; the change through the gateway must drop
            // them at once, or the PATCH below would still map Department from the enterprise extension ("Finance").
            let warm = try await HTTP.send(.POST, entra + "/Users", bearer: entraToken, json: ["userName": "warm@contoso.com"] as [String: Any])
            #expect(warm.status == 400)
            #expect(try await admin(demo, .PUT, "/tenants/demo/idps/entra/mappings/Department", ["scimPath": "title"]).status == 200)
            _ = try await HTTP.send(
                .PATCH,
                entra + "/Users/\(aliceID)",
                bearer: entraToken,
                json: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [["op": "add", "path": "title", "value": "Analyst"]],
                ] as [String: Any]
            )
            #expect(try await identity(demo, idp: "entra", user: aliceID)["Department"] as? String == "Analyst")
            #expect(
                try await admin(demo, .PUT, "/tenants/demo/idps/entra/mappings/Department", ["scimPath": "\(Self.enterprise):department"]).status
                    == 200
            )
            #expect(try await identity(demo, idp: "entra", user: aliceID)["Department"] as? String == "Analyst")  // not yet re-applied
            let started = try await admin(demo, .POST, "/tenants/demo/idps/entra/mappings/reapply")
            #expect(started.status == 202, "\(started.text)")
            let jobID = try #require(started.json["id"] as? String)
            var job: [String: Any] = [:]
            for _ in 0..<100 {
                job = try await admin(demo, .GET, "/tenants/demo/idps/entra/mappings/jobs/\(jobID)").json
                if job["state"] as? String == "completed" || job["state"] as? String == "failed" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(job["state"] as? String == "completed")
            #expect(job["done"] as? Int == 1)
            #expect(job["total"] as? Int == 1)
            #expect(try await identity(demo, idp: "entra", user: aliceID)["Department"] as? String == "Finance")

            // Every change is in the tenant's activity log with its actor. The job's completion event is forwarded
            // just after its final state is saved, so give it a moment.
            var activity = try await admin(demo, .GET, "/tenants/demo/activity")
            for _ in 0..<50 where !activity.text.contains("reapply.completed") {
                try await Task.sleep(for: .milliseconds(100))
                activity = try await admin(demo, .GET, "/tenants/demo/activity")
            }
            #expect(activity.status == 200)
            for action in ["attribute.created", "mapping.set", "reapply.started", "reapply.completed"] {
                #expect(activity.text.contains(action), "activity log lacks \(action)")
            }

        }
    }
}
