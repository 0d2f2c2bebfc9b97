import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// The IdP page's Provisioning log tab in the console, on the real directory: filters, an entry's redacted bodies, the
/// CSV download, and the IdP boundary (another IdP's entry is not found).
@Suite("SCIM gateway: admin console provisioning log", .timeLimit(.minutes(2)))
struct ConsoleProvisioningLogRouterTests {
    static let base = "/console/tenants/acme/idps/okta"

    static func seeded(_ gateway: Gateway) async throws {
        _ = try await ProvisioningLogAdminRouterTests.seed(
            gateway,
            [
                ProvisioningLogAdminRouterTests.entry(1),
                ProvisioningLogAdminRouterTests.entry(2, status: .failure, detail: "Attribute 'userName' is required."),
                ProvisioningLogAdminRouterTests.entry(3, idp: "entra"),
            ]
        )
    }

    @Test func theTabListsFiltersAndShowsAnEntry() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            try await Self.seeded(gateway)
            let (key, _) = gateway.tokens.issueApiKey(tenantID: "acme", role: .viewer)  // reading needs no write right
            var browser = ConsoleBrowser(client: client)
            _ = try await browser.signIn(key)

            let all = try await browser.get("\(Self.base)/log")
            #expect(all.status == .ok)
            #expect(all.text.contains("entry-1") && all.text.contains("entry-2"))
            #expect(!all.text.contains("entry-3"))  // entra's

            let failures = try await browser.get("\(Self.base)/log?status=failure&operation=&since=&until=")
            #expect(failures.status == .ok)
            #expect(failures.text.contains("entry-2") && !failures.text.contains("/log/entry-1\""))
            #expect(failures.text.contains("<option value=\"failure\" selected>"))
            #expect(failures.text.contains("log.csv?status=failure"))

            #expect(try await browser.get("\(Self.base)/log?status=bogus").status == .badRequest)

            let entry = try await browser.get("\(Self.base)/log/entry-2")
            #expect(entry.status == .ok)
            #expect(entry.text.contains("Attribute &#39;userName&#39; is required.") || entry.text.contains("Attribute 'userName' is required."))
            #expect(entry.text.contains("id=\"request-body\""))
            #expect(try await browser.get("/console/tenants/acme/idps/okta/log/entry-3").status == .notFound)

            let csv = try await browser.get("\(Self.base)/log.csv?status=failure")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.contains("entry-2") && !csv.text.contains("entry-1,"))
        }
    }
}
