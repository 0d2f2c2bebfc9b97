import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import NIOCore
import ScimCore
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// `/admin/v1` for identity attributes, mappings, re-apply jobs and typed identities (MappingAdminController):
/// each route's happy path and its main refusal. The gateway checks the tenant and IdP with the directory,
/// registers the IdP with the mapping service, sets the actor, and relays the peers' SCIM errors unchanged.
@Suite("SCIM gateway: admin routes of identity attributes and mappings", .timeLimit(.minutes(1)))
struct MappingAdminRouterTests {
    /// Checks a relayed SCIM error: the peer's status, scimType and detail, to the letter.
    static func expectRelayed(_ response: TestResponse, _ error: ScimError, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try response.expectScimError(error.status, scimType: error.scimType?.rawValue, sourceLocation: sourceLocation)
        #expect(response.detail == error.detail, sourceLocation: sourceLocation)
    }

    // MARK: Identity attributes

    @Test func listsTheTenantsAttributesAndRefusesAnUnknownTenant() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let listed = try await client.admin(.get, "/tenants/acme/attributes")
            #expect(listed.status == .ok)
            #expect(try listed.json.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Username", "Email", "Department"])
            #expect(try listed.json.arrayValue?.first?["builtIn"] == true)

            try Self.expectRelayed(try await client.admin(.get, "/tenants/ghost/attributes"), .notFound("Tenant 'ghost' not found."))
        }
    }

    @Test func createsAnAttributeAs201WithTheAdminAsActor() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            // The body's actor is not the admin's to choose: the gateway names the admin key's principal.
            let created = try await client.admin(
                .post,
                "/tenants/acme/attributes",
                json: ["name": "Cost Center", "type": "String", "mandatory": false, "actor": "mallory"]
            )
            #expect(created.status == .created)
            let body = try created.json
            #expect(body["name"] == "Cost Center")
            #expect(body["type"] == "string")
            #expect(body["builtIn"] == false)
            #expect(gateway.mapping.adminCalls == ["attribute.created Cost Center by admin"])
            #expect(try await client.admin(.get, "/tenants/acme/attributes").json.arrayValue?.last?["name"] == "Cost Center")
        }
    }

    @Test func creatingADuplicateAttributeRelaysTheMappingServicesConflict() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            try Self.expectRelayed(
                try await client.admin(.post, "/tenants/acme/attributes", json: ["name": "email", "type": "string"]),
                .uniqueness("An identity attribute named 'Email' already exists.")
            )
            try Self.expectRelayed(
                try await client.admin(.post, "/tenants/acme/attributes", json: ["name": "Level", "type": "integer"]),
                .invalidValue("'integer' is not an identity attribute type: use one of string, number, boolean, date.")
            )
            // Unknown tenant: the directory's 404, and the mapping service is not asked.
            try await client.admin(.post, "/tenants/ghost/attributes", json: ["name": "Level", "type": "number"]).expectScimError(404)
            // A body that is not an attribute is the gateway's own 400.
            let garbled = try await client.request(
                .post,
                "/admin/v1/tenants/acme/attributes",
                bearer: Fixture.adminKey,
                rawBody: "{\"name\": ",
                contentType: "application/json"
            )
            try garbled.expectScimError(400, scimType: "invalidSyntax")
            #expect(gateway.mapping.adminCalls.isEmpty)
        }
    }

    @Test func updatesAnAttributeNamedWithPercentEncodingAndRefusesABuiltIn() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            #expect(try await client.admin(.post, "/tenants/acme/attributes", json: ["name": "Cost Center", "type": "string"]).status == .created)

            let updated = try await client.admin(
                .patch,
                "/tenants/acme/attributes/Cost%20Center",
                json: ["description": "Where the money goes", "mandatory": true]
            )
            #expect(updated.status == .ok)
            #expect(try updated.json["description"] == "Where the money goes")
            #expect(try updated.json["mandatory"] == true)
            #expect(gateway.mapping.adminCalls.last == "attribute.updated Cost Center by admin")

            try Self.expectRelayed(
                try await client.admin(.patch, "/tenants/acme/attributes/Email", json: ["mandatory": false]),
                .mutability("'Email' is a built-in identity attribute and cannot be changed.")
            )
            try Self.expectRelayed(
                try await client.admin(.patch, "/tenants/acme/attributes/Nothing", json: ["mandatory": false]),
                .notFound("Identity attribute 'Nothing' not found.")
            )
        }
    }

    @Test func deletesAnAttributeAs204AndRefusesABuiltInOrAnUnknownOne() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            #expect(try await client.admin(.post, "/tenants/acme/attributes", json: ["name": "Cost Center", "type": "string"]).status == .created)

            let deleted = try await client.admin(.delete, "/tenants/acme/attributes/Cost%20Center")
            #expect(deleted.status == .noContent)
            #expect(deleted.body.readableBytes == 0)
            #expect(gateway.mapping.adminCalls.last == "attribute.deleted Cost Center by admin")

            try Self.expectRelayed(
                try await client.admin(.delete, "/tenants/acme/attributes/Cost%20Center"),
                .notFound("Identity attribute 'Cost Center' not found.")
            )
            try Self.expectRelayed(
                try await client.admin(.delete, "/tenants/acme/attributes/Username"),
                .mutability("'Username' is a built-in identity attribute and cannot be deleted.")
            )
        }
    }

    // MARK: Mappings

    @Test func mappingsRegisterTheIdPAndServeTheMappedAndUnmappedViews() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            // Seeded directly in the directory: the mapping service has never heard of it; the gateway registers it.
            _ = try await gateway.seed(tenant: "acme", idp: "okta", providerType: .okta)
            #expect(try await client.admin(.post, "/tenants/acme/attributes", json: ["name": "Cost Center", "type": "string"]).status == .created)

            let both = try await client.admin(.get, "/tenants/acme/idps/okta/mappings")
            #expect(both.status == .ok)
            let body = try both.json
            #expect(body["tenantID"] == "acme")
            #expect(body["idpID"] == "okta")
            #expect(body["providerType"] == "Okta")
            #expect(body["customized"] == false)
            #expect(body["mapped"]?.arrayValue?.compactMap { $0["attribute"]?["name"]?.stringValue } == ["Username", "Email", "Department"])
            #expect(body["mapped"]?.arrayValue?.first?["scimPath"] == "userName")
            #expect(body["unmapped"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Cost Center"])
            #expect(gateway.mapping.registrations == [.init(tenantID: "acme", idpID: "okta", providerType: .okta)])

            let mapped = try await client.admin(.get, "/tenants/acme/idps/okta/mappings?view=mapped").json
            #expect(mapped["mapped"]?.arrayValue?.count == 3)
            #expect(mapped["unmapped"] == nil)
            let unmapped = try await client.admin(.get, "/tenants/acme/idps/okta/mappings?view=UNMAPPED").json
            #expect(unmapped["mapped"] == nil)
            #expect(unmapped["unmapped"]?.arrayValue?.count == 1)
            let all = try await client.admin(.get, "/tenants/acme/idps/okta/mappings?view=all").json
            #expect(all == body)
        }
    }

    @Test func mappingsRefuseAnUnknownViewAndAnUnknownIdentityProvider() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            try await client.admin(.get, "/tenants/acme/idps/okta/mappings?view=everything").expectScimError(400, scimType: "invalidValue")

            try Self.expectRelayed(
                try await client.admin(.get, "/tenants/acme/idps/ghost/mappings"),
                .notFound("Identity provider 'ghost' not found in tenant 'acme'.")
            )
            #expect(!gateway.mapping.registrations.contains { $0.idpID == "ghost" })
        }
    }

    @Test func setsAMappingAndAnswersTheIdPsView() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            #expect(try await client.admin(.post, "/tenants/acme/attributes", json: ["name": "Cost Center", "type": "string"]).status == .created)

            let path = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"
            let set = try await client.admin(
                .put,
                "/tenants/acme/idps/okta/mappings/Cost%20Center",
                json: ["scimPath": .string(path), "actor": "mallory"]
            )
            #expect(set.status == .ok)
            let view = try set.json
            #expect(view["customized"] == true)
            #expect(view["mapped"]?.arrayValue?.last?["attribute"]?["name"] == "Cost Center")
            #expect(view["mapped"]?.arrayValue?.last?["scimPath"] == .string(path))
            #expect(view["unmapped"] == [])
            #expect(gateway.mapping.adminCalls.last == "mapping.set Cost Center by admin")
        }
    }

    @Test func settingAMappingRelaysTheMappingServicesRefusals() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            try Self.expectRelayed(
                try await client.admin(.put, "/tenants/acme/idps/okta/mappings/Nothing", json: ["scimPath": "title"]),
                .notFound("Identity attribute 'Nothing' not found in tenant 'acme'.")
            )
            try Self.expectRelayed(
                try await client.admin(.put, "/tenants/acme/idps/okta/mappings/Department", json: ["scimPath": "not a path"]),
                .invalidPath("'not a path' is not a SCIM attribute path.")
            )
            try await client.admin(.put, "/tenants/acme/idps/ghost/mappings/Department", json: ["scimPath": "title"]).expectScimError(404)
            #expect(gateway.mapping.adminCalls.isEmpty)
        }
    }

    @Test func removesAnOptionalMappingAs204AndRefusesAMandatoryOne() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let removed = try await client.admin(.delete, "/tenants/acme/idps/okta/mappings/Department")
            #expect(removed.status == .noContent)
            #expect(gateway.mapping.adminCalls == ["mapping.removed Department by admin"])
            let view = try await client.admin(.get, "/tenants/acme/idps/okta/mappings").json
            #expect(view["unmapped"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Department"])

            try Self.expectRelayed(
                try await client.admin(.delete, "/tenants/acme/idps/okta/mappings/Email"),
                .invalidValue("'Email' is mandatory and cannot be left unmapped; map it from another SCIM attribute instead.")
            )
            try Self.expectRelayed(
                try await client.admin(.delete, "/tenants/acme/idps/okta/mappings/Department"),
                .notFound("Identity provider 'okta' does not map 'Department'.")
            )
        }
    }

    // MARK: Re-apply jobs

    @Test func startsAReapplyJobAs202AndAnswersTheRunningOneWith200() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let started = try await client.admin(.post, "/tenants/acme/idps/okta/mappings/reapply")
            #expect(started.status == .accepted)
            let job = try started.json
            let id = try #require(job["id"]?.stringValue)
            #expect(job["state"] == "pending")
            #expect(job["actor"] == "admin")

            // The runner picked it up: asking again answers the same job, 200.
            var running = try #require(gateway.mapping.jobs.first)
            running.state = .running
            running.total = 10
            running.done = 4
            gateway.mapping.updateJob(running)
            let again = try await client.admin(.post, "/tenants/acme/idps/okta/mappings/reapply")
            #expect(again.status == .ok)
            #expect(try again.json["id"] == .string(id))
            #expect(gateway.mapping.jobs.count == 1)

            let fetched = try await client.admin(.get, "/tenants/acme/idps/okta/mappings/jobs/\(id)")
            #expect(fetched.status == .ok)
            #expect(try fetched.json["state"] == "running")
            #expect(try fetched.json["done"] == 4)
        }
    }

    @Test func reapplyRefusesAnUnknownIdPAndAnUnknownJob() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            try Self.expectRelayed(
                try await client.admin(.post, "/tenants/acme/idps/ghost/mappings/reapply"),
                .notFound("Identity provider 'ghost' not found in tenant 'acme'.")
            )
            #expect(gateway.mapping.jobs.isEmpty)

            try Self.expectRelayed(
                try await client.admin(.get, "/tenants/acme/idps/okta/mappings/jobs/nope"),
                .notFound("Re-apply job 'nope' not found for identity provider 'okta'.")
            )
            try await client.admin(.get, "/tenants/acme/idps/ghost/mappings/jobs/nope").expectScimError(404)
        }
    }

    // MARK: Typed identity of a user

    @Test func userIdentityIsWhatTheGatewayStoredAndAnUnknownUserIs404() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let created = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: ["userName": "bob@example.com"])
            let id = try #require(try created.json["id"]?.stringValue)

            let identity = try await client.admin(.get, "/tenants/acme/idps/okta/users/\(id)/identity")
            #expect(identity.status == .ok)
            #expect(try identity.json == ["id": .string(id), "identity": ["Username": "bob@example.com", "Status": true]])

            try Self.expectRelayed(try await client.admin(.get, "/tenants/acme/idps/okta/users/nope/identity"), .notFound("User 'nope' not found."))
            try await client.admin(.get, "/tenants/acme/idps/ghost/users/\(id)/identity").expectScimError(404)
        }
    }

    @Test func everyMappingAdminRouteNeedsTheAdminKey() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, "attributes"), (.post, "attributes"), (.patch, "attributes/x"), (.delete, "attributes/x"),
                (.get, "idps/okta/mappings"), (.put, "idps/okta/mappings/x"), (.delete, "idps/okta/mappings/x"),
                (.post, "idps/okta/mappings/reapply"), (.get, "idps/okta/mappings/jobs/x"), (.get, "idps/okta/users/x/identity"),
            ]
            for (method, path) in routes {
                try await client.request(method, "/admin/v1/tenants/acme/\(path)", bearer: "not-the-admin-key-but-long", json: [:]).expectScimError(
                    401
                )
            }
            #expect(gateway.mapping.registrations.isEmpty)
            #expect(gateway.mapping.adminCalls.isEmpty)
        }
    }
}
