import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceTestSupport
import Synchronization
import Testing

@testable import ScimGateway

/// A tenant's API keys and Activity pages in the console: a key shown once, revoked at once (its console session ends
/// with it), the viewer's read-only view, and the activity log read from the real directory.
@Suite("SCIM gateway: admin console tenant pages", .timeLimit(.minutes(2)))
struct ConsoleTenantPagesRouterTests {
    @Test func anAdminCreatesAKeyShownOnceAndRevokesIt() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let (adminKey, _) = gateway.tokens.issueApiKey(tenantID: "acme", role: .admin)
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(adminKey)
            let page = try await browser.get("/console/tenants/acme/api-keys")
            #expect(page.status == .ok)
            #expect(!page.text.contains(adminKey))
            let csrf = try #require(ConsoleBrowser.csrf(in: page))

            let created = try await browser.post("/console/tenants/acme/api-keys", [("name", "auditor"), ("role", "viewer")], csrf: csrf)
            #expect(created.status == .ok)
            #expect(created.headers[.location] == nil)
            let key = try #require(created.text.firstMatch(of: /id="secret-value" value="(pvk_[^"]+)"/)?.1)
            #expect(!(try await browser.get("/console/tenants/acme/api-keys").text.contains(String(key))))
            #expect(try await browser.post("/console/tenants/acme/api-keys", [("name", "x"), ("role", "owner")], csrf: csrf).status == .badRequest)

            var viewer = ConsoleBrowser(client: client)
            _ = try await viewer.signIn(String(key))
            let viewerPage = try await viewer.get("/console/tenants/acme/api-keys")
            #expect(viewerPage.status == .ok)
            #expect(!viewerPage.text.contains("/revoke\""))
            #expect(!viewerPage.text.contains("id=\"create-key\""))

            let id = try #require(gateway.tokens.state.withLock { $0.apiKeys.keys[String(key)]?.metadata.id })
            let revoked = try await browser.post("/console/tenants/acme/api-keys/\(id)/revoke", csrf: csrf)
            #expect(revoked.status == .seeOther)
            #expect(revoked.headers[.location] == "/console/tenants/acme/api-keys")
            // The viewer's session ended with its key.
            #expect(try await viewer.get("/console/tenants/acme/api-keys").headers[.location] == "/console/login")
        }
    }

    @Test func theActivityLogShowsTheTenantsEvents() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(Fixture.adminKey)
            let csrf = try #require(ConsoleBrowser.csrf(in: try await browser.get("/console/tenants/acme")))
            _ = try await browser.post("/console/tenants/acme/idps", [("name", "Entra"), ("id", "entra")], csrf: csrf)
            let page = try await browser.get("/console/tenants/acme/activity")
            #expect(page.status == .ok)
            #expect(page.text.contains("<table id=\"activity\">"))
            #expect(page.text.contains("<option value=\"entra\">"))
            let filtered = try await browser.get("/console/tenants/acme/activity?idp=entra")
            #expect(filtered.status == .ok)
            #expect(filtered.text.contains("<option value=\"entra\" selected>"))
        }
    }

    @Test func identityAttributesAreAddedEditedAndDeletedWithTheApisRules() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(Fixture.adminKey)
            let base = "/console/tenants/acme/attributes"
            let page = try await browser.get(base)
            #expect(page.status == .ok)
            #expect(page.text.contains("built-in"))
            let csrf = try #require(ConsoleBrowser.csrf(in: page))
            let added = try await browser.post(
                base,
                [("name", "Cost Center"), ("description", "Finance"), ("type", "string"), ("multiValued", "on")],
                csrf: csrf
            )
            #expect(added.status == .seeOther)
            let attributes = try await gateway.mapping.identityAttributes(tenantID: "acme", logger: .init(label: "test"))
            let custom = try #require(attributes.first { $0.name == "Cost Center" })
            #expect(custom.multiValued && !custom.mandatory && custom.type == .string)
            #expect(try await browser.get(base).text.contains("/console/tenants/acme/attributes/Cost%20Center/delete"))
            #expect(try await browser.post(base, [("name", "Bad"), ("type", "colour")], csrf: csrf).status == .badRequest)
            #expect(try await browser.post(base, [("name", "Cost Center"), ("type", "string")], csrf: csrf).status == .conflict)

            let edited = try await browser.post("\(base)/Cost%20Center/edit", [("description", "Cost centre"), ("mandatory", "on")], csrf: csrf)
            #expect(edited.status == .seeOther)
            let after = try await gateway.mapping.identityAttributes(tenantID: "acme", logger: .init(label: "test"))
            #expect(after.first { $0.name == "Cost Center" }?.mandatory == true)
            let builtIn = try #require(attributes.first { $0.builtIn })
            let refused = try await browser.post("\(base)/\(ConsoleBrowser.encode(builtIn.name))/delete", csrf: csrf)
            #expect(refused.status == .badRequest)
            #expect(try await browser.post("\(base)/Cost%20Center/delete", csrf: csrf).status == .seeOther)
            #expect(
                try await gateway.mapping.identityAttributes(tenantID: "acme", logger: .init(label: "test")).allSatisfy { $0.name != "Cost Center" }
            )
        }
    }

    @Test func theUserMappingTabTogglesMapsAndReapplies() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(Fixture.adminKey)
            let attributes = "/console/tenants/acme/attributes"
            let csrf = try #require(ConsoleBrowser.csrf(in: try await browser.get(attributes)))
            let added = try await browser.post(attributes, [("name", "Cost Center"), ("type", "string")], csrf: csrf)
            #expect(added.status == .seeOther)
            let base = "/console/tenants/acme/idps/okta/mapping"

            let unmapped = try await browser.get("\(base)?view=unmapped")
            #expect(unmapped.status == .ok)
            #expect(unmapped.text.contains("aria-checked=\"false\""))
            #expect(unmapped.text.contains("Cost Center"))
            #expect(!(try await browser.get(base).text.contains(">Cost Center<")))

            let path = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
            let mapped = try await browser.post("\(base)/Cost%20Center", [("scimPath", path)], csrf: csrf)
            #expect(mapped.status == .seeOther)
            let mappedPage = try await browser.get(base)
            #expect(mappedPage.text.contains("aria-checked=\"true\""))
            #expect(mappedPage.text.contains("value=\"\(path)\""))
            #expect(try await browser.post("\(base)/Nope", [("scimPath", path)], csrf: csrf).status == .notFound)

            let started = try await browser.post("/console/tenants/acme/idps/okta/mapping-reapply", csrf: csrf)
            #expect(started.status == .seeOther)
            let jobPath = try #require(started.headers[.location])
            #expect(jobPath.hasPrefix("/console/tenants/acme/idps/okta/mapping-jobs/"))
            let job = try await browser.get(jobPath)
            #expect(job.status == .ok)
            #expect(job.text.contains("id=\"job-state\""))

            #expect(try await browser.post("\(base)/Cost%20Center/remove", csrf: csrf).status == .seeOther)
            #expect(try await browser.get("\(base)?view=unmapped").text.contains("Cost Center"))
        }
    }

    /// No test event or replay here: nothing is sent to the endpoint's address (the same one the relay tests use).
    @Test func webhookEndpointsAreAddedWithTheSecretShownOnceDisabledAndDeleted() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(Fixture.adminKey)
            let base = "/console/tenants/acme/webhooks"
            let csrf = try #require(ConsoleBrowser.csrf(in: try await browser.get(base)))
            #expect(try await browser.post(base, [("url", "gopher://x")], csrf: csrf).status == .badRequest)
            let created = try await browser.post(base, [("url", "https://93.184.216.34/hook"), ("types", "user.created")], csrf: csrf)
            #expect(created.status == .ok)
            let secret = try #require(created.text.firstMatch(of: /id="secret-value" value="(whsec_[^"]+)"/)?.1)
            let list = try await browser.get(base)
            #expect(!list.text.contains(String(secret)))
            let href = try #require(list.text.firstMatch(of: /href="(\/console\/tenants\/acme\/webhooks\/[^"]+)"/)?.1)
            let page = try await browser.get(String(href))
            #expect(page.status == .ok)
            #expect(page.text.contains("user.created"))
            let disabled = try await browser.post("\(href)/enabled", [("enabled", "false")], csrf: csrf)
            #expect(disabled.status == .seeOther)
            #expect(try await browser.get(String(href)).text.contains("disabled"))
            let rotated = try await browser.post("\(href)/rotate-secret", csrf: csrf)
            #expect(rotated.status == .ok)
            #expect(rotated.text.contains("id=\"secret-value\" value=\"whsec_"))
            #expect(try await browser.post("\(href)/delete", csrf: csrf).status == .seeOther)
            #expect(try await browser.get(String(href)).status == .notFound)
        }
    }
}
