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

/// The admin console on the whole gateway (README "Admin console"): sign-in and sessions, CSRF, the security headers,
/// what a viewer may do, and secrets shown once. The fake token service keeps the sessions; the directory is real.
@Suite("SCIM gateway: admin console", .timeLimit(.minutes(2)))
struct ConsoleRouterTests {
    // MARK: Sign-in, sessions, sign-out

    @Test(arguments: ["/console", "/console/tenants", "/console/tenants/acme", "/console/tenants/acme/idps/okta"])
    func signedOutPagesRedirectToTheLogin(path: String) async throws {
        try await Gateway().run { client in
            let response = try await ConsoleBrowser(client: client).get(path)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/console/login")
        }
    }

    @Test func loginPageHasAPasswordFieldNamedKeyAndTheSecurityHeaders() async throws {
        try await Gateway().run { client in
            let page = try await ConsoleBrowser(client: client).get("/console/login")
            #expect(page.status == .ok)
            #expect(page.text.contains("type=\"password\" id=\"key\" name=\"key\""))
            Self.expectSecurityHeaders(page)
            #expect(!page.text.contains("style=\""))
            #expect(!page.text.contains("<script>"))
        }
    }

    @Test func rootKeySignsInWithANewHttpOnlyStrictSecureCookieAndSignsOut() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            var browser = ConsoleBrowser(client: client)
            browser.cookie = "provisio_console=\(String(repeating: "a", count: 43))"  // planted before sign-in
            let signIn = try await browser.signIn(Fixture.adminKey)
            #expect(signIn.status == .seeOther)
            #expect(signIn.headers[.location] == "/console/tenants")
            let setCookie = try #require(signIn.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            #expect(setCookie.contains("Path=/console"))
            #expect(setCookie.contains("Secure"))  // the public URL is https
            #expect(browser.cookie != "provisio_console=\(String(repeating: "a", count: 43))")
            #expect(!setCookie.contains(Fixture.adminKey))
            #expect(gateway.tokens.consoleSessionHashes.count == 1)
            // Signing in again replaces the session: the old one ends, the browser holds a new id.
            let firstCookie = browser.cookie
            _ = try await browser.signIn(Fixture.adminKey)
            #expect(browser.cookie != firstCookie)
            #expect(gateway.tokens.consoleSessionHashes.count == 1)

            let tenants = try await browser.get("/console/tenants")
            #expect(tenants.status == .ok)
            #expect(tenants.text.contains("Tenants"))
            Self.expectSecurityHeaders(tenants)
            let csrf = try #require(ConsoleBrowser.csrf(in: tenants))

            let signOut = try await browser.post("/console/logout", csrf: csrf)
            #expect(signOut.status == .seeOther)
            #expect(signOut.headers[.location] == "/console/login")
            #expect(signOut.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(gateway.tokens.consoleSessionHashes.isEmpty)
            // The old cookie no longer opens anything.
            #expect(try await browser.get("/console/tenants").headers[.location] == "/console/login")
        }
    }

    @Test(arguments: ["wrong-key-of-some-length", "pvk_abcdefgh_notakey", ""])
    func aWrongKeyDoesNotSignIn(key: String) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            var browser = ConsoleBrowser(client: client)
            let response = try await browser.signIn(key)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.setCookie] == nil)
            #expect(response.text.contains("does not open the console"))
            #expect(gateway.tokens.consoleSessionHashes.isEmpty)
        }
    }

    @Test func anAppKeyDoesNotSignIn() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let (key, _) = gateway.tokens.issueApiKey(tenantID: "acme", role: .app)
            var browser = ConsoleBrowser(client: client)
            #expect(try await browser.signIn(key).status == .unauthorized)
        }
    }

    @Test func aSessionOfARevokedKeyStopsWorking() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            let (key, id) = gateway.tokens.issueApiKey(tenantID: "acme", role: .admin)
            var browser = ConsoleBrowser(client: client)
            let signIn = try await browser.signIn(key)
            #expect(signIn.headers[.location] == "/console/tenants/acme")
            #expect(try await browser.get("/console/tenants/acme").status == .ok)
            try await gateway.tokens.revokeApiKey(tenantID: "acme", keyID: id, logger: .init(label: "test"))
            #expect(try await browser.get("/console/tenants/acme").headers[.location] == "/console/login")
        }
    }

    // MARK: CSRF

    @Test func aSignInFromAForeignOriginIsRefused() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            for headers: HTTPFields in [
                [.origin: "https://evil.example"],
                [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"],
                [:],
            ] {
                let response = try await client.send(
                    .post,
                    "/console/login",
                    headers: headers,
                    rawBody: "key=\(Fixture.adminKey)",
                    contentType: "application/x-www-form-urlencoded"
                )
                #expect(response.status == .forbidden)
                #expect(response.headers[.setCookie] == nil)
            }
            #expect(gateway.tokens.consoleSessionHashes.isEmpty)
        }
    }

    @Test func aWriteNeedsTheSameOriginAndTheSessionsToken() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(Fixture.adminKey)
            let csrf = try #require(ConsoleBrowser.csrf(in: try await browser.get("/console/tenants")))
            let fields = [("name", "Acme")]
            #expect(try await browser.post("/console/tenants", fields, csrf: nil).status == .forbidden)
            #expect(try await browser.post("/console/tenants", fields, csrf: String(repeating: "0", count: 64)).status == .forbidden)
            #expect(try await browser.post("/console/tenants", fields, csrf: csrf, headers: [.origin: "https://evil.example"]).status == .forbidden)
            let crossSite: HTTPFields = [.origin: ConsoleBrowser.origin, HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]
            #expect(try await browser.post("/console/tenants", fields, csrf: csrf, headers: crossSite).status == .forbidden)
            #expect(try await gateway.directory.tenantIDs.isEmpty)

            let created = try await browser.post("/console/tenants", fields + [("id", "acme")], csrf: csrf)
            #expect(created.status == .seeOther)
            #expect(created.headers[.location] == "/console/tenants/acme")
            #expect(try await gateway.directory.tenantIDs == ["acme"])
        }
    }

    @Test(
        arguments: [
            ("same-origin", "https://scim.example.test", true),
            ("same-origin", nil, true),
            ("same-origin", "null", true),  // Chromium's Origin on a form POST from a no-referrer page
            (nil, "https://scim.example.test", true),
            (nil, "null", false),
            (nil, nil, false),
            ("same-site", "https://scim.example.test", false),
            ("cross-site", nil, false),
            ("same-origin", "https://evil.example", false),
            (nil, "https://evil.example", false),
        ] as [(String?, String?, Bool)]
    )
    func originCheck(secFetchSite: String?, origin: String?, allowed: Bool) {
        #expect(ConsoleOriginCheck.isSameOrigin(secFetchSite: secFetchSite, origin: origin, consoleOrigin: "https://scim.example.test") == allowed)
    }

    // MARK: Screens

    @Test func operatorAddsAnIdpAndCreatesATokenShownOnce() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(Fixture.adminKey)
            let csrf = try #require(ConsoleBrowser.csrf(in: try await browser.get("/console/tenants")))
            _ = try await browser.post("/console/tenants", [("name", "Acme"), ("id", "acme")], csrf: csrf)
            let added = try await browser.post(
                "/console/tenants/acme/idps",
                [("name", "Entra"), ("id", "entra"), ("description", "Corporate"), ("providerType", "Azure")],
                csrf: csrf
            )
            #expect(added.status == .seeOther)
            #expect(added.headers[.location] == "/console/tenants/acme/idps/entra")

            let home = try await browser.get("/console/tenants/acme")
            #expect(home.text.contains("/console/tenants/acme/idps/entra"))
            #expect(home.text.contains("Azure"))
            #expect(home.text.contains("never"))  // no SCIM request yet

            let page = try await browser.get("/console/tenants/acme/idps/entra")
            #expect(page.status == .ok)
            #expect(page.text.contains("value=\"https://scim.example.test/scim/v2/acme/entra\""))
            #expect(page.text.contains("data-copy=\"scim-url\""))

            let created = try await browser.post("/console/tenants/acme/idps/entra/tokens", [("validDays", "30")], csrf: csrf)
            #expect(created.status == .ok)  // the page itself, not a redirect
            #expect(created.headers[.location] == nil)
            #expect(created.headers[.cacheControl] == "no-store")
            let secret = try #require(created.text.firstMatch(of: /id="secret-value" value="(pvs_[^"]+)"/)?.1)
            #expect(gateway.tokens.state.withLock { $0.tokens[String(secret)] } != nil)
            // Shown once: the next read of the page does not have it.
            #expect(!(try await browser.get("/console/tenants/acme/idps/entra").text.contains(String(secret))))

            #expect(try await browser.post("/console/tenants/acme/idps/entra/tokens", [("validDays", "0")], csrf: csrf).status == .badRequest)
        }
    }

    @Test func oauthClientSecretIsShownOnceAndRotationAndRevocationWork() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(Fixture.adminKey)
            let page = try await browser.get("/console/tenants/acme/idps/okta")
            #expect(page.text.contains("value=\"https://scim.example.test/oauth/v2/acme/token\""))
            #expect(!page.text.contains(FakeTokenClient.clientSecret))
            let csrf = try #require(ConsoleBrowser.csrf(in: page))
            let base = "/console/tenants/acme/idps/okta/clients"
            let created = try await browser.post(base, csrf: csrf)
            #expect(created.status == .ok)
            #expect(created.headers[.location] == nil)
            #expect(created.text.contains("id=\"secret-value\" value=\"\(FakeTokenClient.clientSecret)\""))
            #expect(created.text.contains(FakeTokenClient.clientID))
            let rotated = try await browser.post("\(base)/\(FakeTokenClient.clientID)/rotate", [("graceHours", "24")], csrf: csrf)
            #expect(rotated.status == .ok)
            #expect(rotated.text.contains("keeps working for 24 hours"))
            #expect(try await browser.post("\(base)/\(FakeTokenClient.clientID)/rotate", [("graceHours", "-1")], csrf: csrf).status == .badRequest)
            let revoked = try await browser.post("\(base)/\(FakeTokenClient.clientID)/revoke", csrf: csrf)
            #expect(revoked.status == .seeOther)
            #expect(revoked.headers[.location] == "/console/tenants/acme/idps/okta")
            #expect(try await browser.post("/console/tenants/acme/idps/nope/clients", csrf: csrf).status == .notFound)
        }
    }

    @Test(arguments: [(ProviderType.azure, "Microsoft Entra ID"), (.okta, "Okta"), (.duo, "Cisco Duo"), (.generic, "Any SCIM 2.0 client")])
    func theSetupGuideFollowsTheProviderType(type: ProviderType, heading: String) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "corp", providerType: type)
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(Fixture.adminKey)
            let guide = try await browser.get("/console/tenants/acme/idps/corp/setup")
            #expect(guide.status == .ok)
            #expect(guide.text.contains("<h2>\(heading)</h2>"))
            #expect(guide.text.contains("value=\"https://scim.example.test/scim/v2/acme/corp\""))
            #expect(guide.text.components(separatedBy: "<ol>").count == 2)  // one provider's steps only
        }
    }

    @Test func settingsChangeTheProviderTypeAndGroupsEditable() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(Fixture.adminKey)
            let csrf = try #require(ConsoleBrowser.csrf(in: try await browser.get("/console/tenants/acme/idps/okta")))
            let saved = try await browser.post(
                "/console/tenants/acme/idps/okta/settings",
                [("providerType", "Duo"), ("groupsEditable", "on")],
                csrf: csrf
            )
            #expect(saved.status == .seeOther)
            let idp = try await gateway.directory.client.identityProvider(tenantID: "acme", idpID: "okta", logger: .init(label: "test"))
            #expect(idp.providerType == .duo)
            #expect(idp.groupsEditable)
            #expect(try await browser.post("/console/tenants/acme/idps/okta/settings", [("providerType", "Nope")], csrf: csrf).status == .badRequest)

            let deleted = try await browser.post("/console/tenants/acme/idps/okta/delete", csrf: csrf)
            #expect(deleted.status == .seeOther)
            #expect(deleted.headers[.location] == "/console/tenants/acme")
            #expect(try await gateway.directory.client.listIdentityProviders(tenantID: "acme", logger: .init(label: "test")).isEmpty)
            #expect(gateway.tokens.state.withLock { $0.revocations.contains { $0.tenantID == "acme" && $0.idpID == "okta" } })
        }
    }

    @Test func aViewerSeesNoWriteControlAndEveryWriteIsRefused() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            _ = try await gateway.seed(tenant: "globex", idp: "okta")
            let (key, _) = gateway.tokens.issueApiKey(tenantID: "acme", role: .viewer)
            var browser = ConsoleBrowser(client: client)
            #expect(try await browser.signIn(key).headers[.location] == "/console/tenants/acme")
            let home = try await browser.get("/console/tenants/acme")
            #expect(home.status == .ok)
            #expect(!home.text.contains("/console/tenants/acme/idps\""))  // no add form
            let page = try await browser.get("/console/tenants/acme/idps/okta")
            #expect(page.status == .ok)
            for control in ["/tokens\"", "/settings\"", "/revoke\"", "/recreate\"", "/delete\""] { #expect(!page.text.contains(control)) }
            let csrf = try #require(ConsoleBrowser.csrf(in: page))  // the sign-out form's
            let forged = try await browser.post("/console/tenants/acme/idps/okta/tokens", [("validDays", "30")], csrf: csrf)
            #expect(forged.status == .forbidden)
            #expect(try await browser.post("/console/tenants/acme/idps", [("name", "x")], csrf: csrf).status == .forbidden)
            #expect(try await browser.post("/console/tenants/acme/delete", csrf: csrf).status == .forbidden)
            // Another tenant is not found; the operator's list sends the viewer home.
            #expect(try await browser.get("/console/tenants/globex").status == .notFound)
            #expect(try await browser.get("/console/tenants").headers[.location] == "/console/tenants/acme")
        }
    }

    @Test func operatorRenamesAndDeletesATenant() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(Fixture.adminKey)
            let list = try await browser.get("/console/tenants")
            #expect(list.text.contains("data-confirm=\"Delete tenant acme?"))
            let csrf = try #require(ConsoleBrowser.csrf(in: list))
            #expect(try await browser.post("/console/tenants/acme/rename", [("name", "Acme Corp")], csrf: csrf).status == .seeOther)
            #expect(try await gateway.directory.client.tenant("acme", logger: .init(label: "test")).name == "Acme Corp")
            #expect(try await browser.post("/console/tenants/acme/delete", csrf: csrf).status == .seeOther)
            #expect(try await gateway.directory.tenantIDs.isEmpty)
        }
    }

    @Test func assetsAreServedWithCacheHeaders() async throws {
        try await Gateway().run { client in
            let page = try await ConsoleBrowser(client: client).get("/console/login")
            let css = try #require(page.text.firstMatch(of: /href="(\/console\/assets\/console\.css\?v=[0-9a-f]+)"/)?.1)
            let asset = try await client.send(.get, String(css))
            #expect(asset.status == .ok)
            #expect(asset.headers[.contentType] == "text/css; charset=utf-8")
            #expect(asset.headers[.cacheControl]?.contains("max-age") == true)
            let etag = try #require(asset.headers[.eTag])
            let again = try await client.send(.get, String(css), headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(try await client.send(.get, "/console/assets/nope.js").status == .notFound)
        }
    }

    @Test func everyShippedTemplateIsRegisteredAndParses() throws {
        let views = try ConsoleViews.bundled.get()
        #expect(Set(ConsoleViews.shippedTemplateNames()) == Set(ConsoleViews.templateNames))
        for name in ConsoleViews.templateNames { #expect(views.hasTemplate(named: name), "\(name)") }
    }

    static func expectSecurityHeaders(_ response: TestResponse) {
        let csp = response.headers[.contentSecurityPolicy] ?? ""
        #expect(csp.contains("default-src 'self'"))
        #expect(csp.contains("frame-ancestors 'none'"))
        #expect(!csp.contains("unsafe-inline"))
        #expect(response.headers[.xContentTypeOptions] == "nosniff")
        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
        #expect(response.headers[.cacheControl] == "no-store")
    }
}
