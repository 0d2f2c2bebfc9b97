import Foundation
import HTTPTypes
import HummingbirdTesting
import IdentityMapping
import InternalAPI
import NIOCore
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import ScimGateway

@Suite("SCIM gateway: on fakes of the token and mapping services and the real directory in process", .timeLimit(.minutes(1)))
struct GatewayRouterTests {
    static let bob: JSONValue = [
        "schemas": [.string(ScimSchemaURN.user)],
        "userName": "bob@example.com",
        "name": ["givenName": "Bob", "familyName": "Example"],
        "emails": [["value": "bob@example.com", "primary": true]],
        "active": true,
    ]

    // MARK: Admin API

    @Test(arguments: [nil, "not-the-admin-key-but-long", "gateway-test-admin-key-and-more"] as [String?])
    func adminAPIRefusesAMissingOrWrongAdminKey(key: String?) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let list = try await client.request(.get, "/admin/v1/tenants", bearer: key)
            try list.expectScimError(401)
            #expect(list.headers[.wwwAuthenticate] != nil)

            let create = try await client.request(.post, "/admin/v1/tenants", bearer: key, json: ["id": "acme", "name": "Acme"])
            try create.expectScimError(401)
            #expect(try await gateway.directory.tenantIDs.isEmpty)
        }
    }

    @Test func adminKeyInAnotherSchemeIsRefused() async throws {
        try await Gateway().run { client in
            var headers: HTTPFields = [:]
            headers[.authorization] = "Basic \(Fixture.adminKey)"
            let response = try await client.executeRequest(uri: "/admin/v1/tenants", method: .get, headers: headers, body: nil)
            try response.expectScimError(401)
        }
    }

    @Test func adminCreatesTenantAndIdentityProviderWithItsSCIMBaseURLAndMappingRegistration() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let tenant = try await client.admin(.post, "/tenants", json: ["id": "acme", "name": "Acme"])
            #expect(tenant.status == .created)
            #expect(try tenant.json["id"] == "acme")
            #expect(try await client.admin(.get, "/tenants").json.arrayValue?.compactMap { $0["id"]?.stringValue } == ["acme"])

            let idp = try await client.admin(.post, "/tenants/acme/idps", json: ["id": "okta", "name": "Okta", "providerType": "okta"])
            #expect(idp.status == .created)
            let body = try idp.json
            #expect(body["scimBaseURL"] == "https://scim.example.test/scim/v2/acme/okta")
            #expect(body["tenantID"] == "acme")
            #expect(body["id"] == "okta")
            #expect(body["providerType"] == "Okta")
            #expect(gateway.mapping.registrations == [.init(tenantID: "acme", idpID: "okta", providerType: .okta)])

            let fetched = try await client.admin(.get, "/tenants/acme/idps/okta")
            #expect(fetched.status == .ok)
            #expect(try fetched.json["scimBaseURL"] == "https://scim.example.test/scim/v2/acme/okta")
            let listed = try await client.admin(.get, "/tenants/acme/idps")
            #expect(try listed.json.arrayValue?.first?["scimBaseURL"] == "https://scim.example.test/scim/v2/acme/okta")
        }
    }

    @Test func identityProviderUnderAMissingTenantIs404AndIsNotRegistered() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let response = try await client.admin(.post, "/tenants/ghost/idps", json: ["id": "okta", "name": "Okta"])
            try response.expectScimError(404)
            #expect(gateway.mapping.registrations.isEmpty)
        }
    }

    @Test func adminIssuesATokenOnlyForAnExistingIdentityProvider() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let issued = try await client.admin(.post, "/tenants/acme/idps/okta/tokens", json: ["validDays": 30])
            #expect(issued.status == .created)
            #expect(issued.headers[.cacheControl] == "no-store")
            let token = try #require(try issued.json["token"]?.stringValue)
            #expect(try issued.json["metadata"]?["idpID"] == "okta")

            // The new token works on its SCIM URL at once.
            let created = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: Self.bob)
            #expect(created.status == .created)

            try await client.admin(.post, "/tenants/acme/idps/ghost/tokens", json: ["validDays": 30]).expectScimError(404)
        }
    }

    // MARK: SCIM authentication

    @Test func scimWithoutATokenIs401WithChallengeAndSCIMBody() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let response = try await client.request(.post, "/scim/v2/acme/okta/Users", json: Self.bob)
            try response.expectScimError(401)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(gateway.tokens.verifyCalls.isEmpty)
            #expect(gateway.mapping.rulesFetches.isEmpty)
            #expect(try await gateway.directory.userCount == 0)

            // The admin key is not a SCIM token.
            try await client.request(.get, "/scim/v2/acme/okta/Users/x", bearer: Fixture.adminKey).expectScimError(401)
        }
    }

    @Test func tokenUsedAtAnotherNamespaceGetsTheSameAnswerAsGarbage() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            _ = try await gateway.seed(tenant: "acme", idp: "entra")
            _ = try await gateway.seed(tenant: "beta", idp: "okta")

            let garbage = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: "garbage", json: Self.bob)
            let otherIdP = try await client.request(.post, "/scim/v2/acme/entra/Users", bearer: token, json: Self.bob)
            let otherTenant = try await client.request(.post, "/scim/v2/beta/okta/Users", bearer: token, json: Self.bob)
            let unknownNamespace = try await client.request(.post, "/scim/v2/nobody/nothing/Users", bearer: token, json: Self.bob)
            for response in [garbage, otherIdP, otherTenant, unknownNamespace] {
                try response.expectScimError(401)
                #expect(response.text == garbage.text)
                #expect(response.headers[.wwwAuthenticate] == garbage.headers[.wwwAuthenticate])
            }
            #expect(gateway.mapping.rulesFetches.isEmpty)
            #expect(try await gateway.directory.userCount == 0)

            // The same token works at its own namespace.
            #expect(try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: Self.bob).status == .created)
        }
    }

    // MARK: SCIM Users

    @Test func createUserAnswers201WithLocationETagAndMetaLocation() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let response = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: Self.bob)
            #expect(response.status == .created)
            #expect(response.headers[.contentType] == "application/scim+json")
            let body = try response.json
            let id = try #require(body["id"]?.stringValue)
            let location = "https://scim.example.test/scim/v2/acme/okta/Users/\(id)"
            #expect(response.headers[.location] == location)
            #expect(response.headers[.eTag] == #"W/"1""#)
            #expect(body["meta"]?["location"] == .string(location))
            #expect(body["meta"]?["version"] == #"W/"1""#)
            #expect(body["meta"]?["resourceType"] == "User")
            #expect(body["userName"] == "bob@example.com")

            // Mapped first, with the IdP's rules, then stored with the mapped identity.
            #expect(gateway.mapping.rulesFetches == ["acme/okta"])
            #expect(try await gateway.directory.userCount == 1)
            #expect(try await gateway.directory.identity(tenant: "acme", idp: "okta", id: id) == ["Username": "bob@example.com", "Status": true])

            let fetched = try await client.request(.get, "/scim/v2/acme/okta/Users/\(id)", bearer: token)
            #expect(fetched.status == .ok)
            #expect(fetched.headers[.contentType] == "application/scim+json")
            #expect(fetched.headers[.eTag] == #"W/"1""#)
            #expect(try fetched.json == body)
        }
    }

    @Test func unknownUserIsA404InSCIMForm() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            try await client.request(.get, "/scim/v2/acme/okta/Users/nope", bearer: token).expectScimError(404)
        }
    }

    @Test(arguments: ["{\"userName\": ", "userName=bob", ""])
    func bodyThatIsNotJSONIsInvalidSyntax(body: String) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let response = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, rawBody: body)
            try response.expectScimError(400, scimType: "invalidSyntax")
            #expect(gateway.mapping.rulesFetches.isEmpty)
            #expect(try await gateway.directory.userCount == 0)
        }
    }

    @Test func userThatIsNotAnObjectIsInvalidSyntax() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: ["userName", "bob"])
                .expectScimError(400, scimType: "invalidSyntax")
            #expect(gateway.mapping.rulesFetches.isEmpty)
        }
    }

    @Test func mappingRejectionIsRelayedAndNothingIsStored() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            let email = IdentityAttribute(name: "Email", description: "", type: .string, multiValued: false, mandatory: true, builtIn: true)
            gateway.mapping.setRules(MappingRules(attributes: [email], mappings: [AttributeMapping(attribute: "Email", scimPath: "emails.value")]))
            let response = try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: ["userName": "bob"])
            try response.expectScimError(400, scimType: "invalidValue")
            #expect(response.detail == "Missing mandatory attribute: Email (emails.value).")
            #expect(try await gateway.directory.userCount == 0)
        }
    }

    // MARK: Verification cache

    @Test func verificationIsCachedWithinTheTTL() async throws {
        let gateway = Gateway()
        try await gateway.run(tokenCacheTTL: .seconds(30)) { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users/a", bearer: token).status == .notFound)
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users/b", bearer: token).status == .notFound)
            #expect(gateway.tokens.verifyCalls == [token])

            // A cached verification still only opens its own namespace.
            _ = try await gateway.seed(tenant: "acme", idp: "entra")
            try await client.request(.get, "/scim/v2/acme/entra/Users/a", bearer: token).expectScimError(401)
        }
    }

    @Test func verificationIsNotCachedWithTTLZero() async throws {
        let gateway = Gateway()
        try await gateway.run(tokenCacheTTL: .zero) { client async throws in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users/a", bearer: token).status == .notFound)
            #expect(try await client.request(.get, "/scim/v2/acme/okta/Users/b", bearer: token).status == .notFound)
            #expect(gateway.tokens.verifyCalls == [token, token])
        }
    }

    @Test func failedVerificationsAreNotCached() async throws {
        let gateway = Gateway()
        try await gateway.run(tokenCacheTTL: .seconds(30)) { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            for _ in 0..<2 {
                try await client.request(.get, "/scim/v2/acme/okta/Users/a", bearer: "pvs_not_issued").expectScimError(401)
            }
            #expect(gateway.tokens.verifyCalls == ["pvs_not_issued", "pvs_not_issued"])
        }
    }

    // MARK: Health

    @Test func healthAndReadinessReportThePeers() async throws {
        try await Gateway().run { client in
            let health = try await client.request(.get, "/healthz")
            #expect(health.status == .ok)
            #expect(try health.json["service"] == "gateway")
            let ready = try await client.request(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect(try ready.json["checks"] == ["token": "ok", "directory": "ok"])
        }
    }
}
