import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// The IdP page's Users tab in the console, on the real directory: users provisioned over SCIM, searched and shown
/// with their groups; another IdP's user is not found here.
@Suite("SCIM gateway: admin console users", .timeLimit(.minutes(2)))
struct ConsoleUsersRouterTests {
    @Test func theUsersTabListsSearchesAndShowsAUserWithItsGroups() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let okta = try await gateway.seed(tenant: "acme", idp: "okta")
            let entra = try await gateway.seed(tenant: "acme", idp: "entra")
            var ids: [String: String] = [:]
            for (token, idp, name) in [(okta, "okta", "ada"), (okta, "okta", "bob"), (entra, "entra", "carol")] {
                let created = try await client.request(
                    .post,
                    "/scim/v2/acme/\(idp)/Users",
                    bearer: token,
                    json: DirectoryReadRouterTests.user("\(name)@example.test")
                )
                #expect(created.status == .created, "\(created.text)")
                ids[name] = try #require(try created.json["id"]?.stringValue)
            }
            let group = try await client.request(
                .post,
                "/scim/v2/acme/okta/Groups",
                bearer: okta,
                json: ["schemas": [.string(ScimSchemaURN.group)], "displayName": "Admins", "members": [["value": .string(ids["ada"] ?? "")]]]
            )
            #expect(group.status == .created)
            let (viewerKey, _) = gateway.tokens.issueApiKey(tenantID: "acme", role: .viewer)
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(viewerKey)

            let all = try await browser.get("/console/tenants/acme/idps/okta/users")
            #expect(all.status == .ok)
            #expect(all.text.contains("ada@example.test") && all.text.contains("bob@example.test"))
            #expect(!all.text.contains("carol@example.test"))
            let found = try await browser.get("/console/tenants/acme/idps/okta/users?userName=bob%40example.test&email=")
            #expect(found.text.contains("bob@example.test") && !found.text.contains("ada@example.test"))
            #expect(try await browser.get("/console/tenants/acme/idps/okta/users?limit=nope").status == .badRequest)

            let ada = try await browser.get("/console/tenants/acme/idps/okta/users/\(ids["ada"] ?? "")")
            #expect(ada.status == .ok)
            #expect(ada.text.contains("<h1>ada@example.test</h1>"))
            #expect(ada.text.contains("Admins"))
            #expect(try await browser.get("/console/tenants/acme/idps/okta/users/\(ids["carol"] ?? "")").status == .notFound)

            let groups = try await browser.get("/console/tenants/acme/idps/okta/groups?displayName=")
            #expect(groups.status == .ok)
            let groupID = try #require(try group.json["id"]?.stringValue)
            #expect(groups.text.contains("/console/tenants/acme/idps/okta/groups/\(groupID)"))
            let admins = try await browser.get("/console/tenants/acme/idps/okta/groups/\(groupID)")
            #expect(admins.status == .ok)
            #expect(admins.text.contains("/console/tenants/acme/idps/okta/users/\(ids["ada"] ?? "")"))  // linked to the user's page
            #expect(try await browser.get("/console/tenants/acme/idps/entra/groups/\(groupID)").status == .notFound)
        }
    }
}
