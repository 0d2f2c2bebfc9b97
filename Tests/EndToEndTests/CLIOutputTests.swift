import Foundation
import Testing

@testable import ProvisioCLI

/// The CLI's pure helpers: exit statuses, API error text, tables, the application API's URL, provider types.
struct CLIOutputTests {
    @Test func httpStatusesMapToTheDocumentedExitStatuses() {
        #expect(ExitStatus.forHTTPStatus(400) == 1)
        #expect(ExitStatus.forHTTPStatus(422) == 1)
        #expect(ExitStatus.forHTTPStatus(404) == 2)
        #expect(ExitStatus.forHTTPStatus(409) == 3)
        #expect(ExitStatus.forHTTPStatus(401) == 4)
        #expect(ExitStatus.forHTTPStatus(403) == 4)
        #expect(ExitStatus.forHTTPStatus(429) == 5)
        #expect(ExitStatus.forHTTPStatus(503) == 5)
        #expect(CommandFailure.usage("x").exitCode == 64)
    }

    @Test func apiErrorsShowDetailAndScimType() {
        let scim = Data(#"{"status":"409","scimType":"uniqueness","detail":"Tenant 'a' exists."}"#.utf8)
        #expect(APIErrorText.describe(status: 409, body: scim) == "HTTP 409: Tenant 'a' exists. (scimType: uniqueness)")
        #expect(APIErrorText.describe(status: 404, body: Data(#"{"detail":"No such IdP."}"#.utf8)) == "HTTP 404: No such IdP.")
        #expect(APIErrorText.describe(status: 502, body: Data()) == "HTTP 502")
        let page = APIErrorText.describe(status: 502, body: Data(String(repeating: "<p>", count: 1000).utf8))
        #expect(page.count < 320 && page.hasSuffix("…"))
    }

    @Test func tablesAlignColumnsAndKeyValues() {
        let table = TextTable.render(header: ["ID", "NAME"], rows: [["demo", "Demo"], ["a", "A"]])
        #expect(table == "ID    NAME\ndemo  Demo\na     A")
        #expect(TextTable.keyValues([("id", "x"), ("SCIM URL", "u")]) == "id:        x\nSCIM URL:  u")
        #expect(TextTable.cell(nil) == "-")
        #expect(TextTable.cell(NSNull()) == "-" && TextTable.cell("") == "-")
        #expect(TextTable.cell([String]()) == "all")
        #expect(TextTable.cell(["a", "b"]) == "a,b")
        #expect(TextTable.flag(true) == "yes" && TextTable.flag(nil) == "no")
    }

    @Test func theApplicationAPIIsBesideTheAdminAPI() throws {
        #expect(try AdminAPI.application.base(adminURL: "http://h:1/admin/v1") == "http://h:1/api/v1")
        #expect(try AdminAPI.admin.base(adminURL: "http://h:1/admin/v1") == "http://h:1/admin/v1")
        #expect(throws: CommandFailure.self) { try AdminAPI.application.base(adminURL: "http://h:1/other") }
    }

    @Test func providerTypesParseLenientlyAndCompleteAsTheAPISpellsThem() {
        #expect(ProviderTypeChoice(argument: "okta") == .okta)
        #expect(ProviderTypeChoice(argument: "Entra") == .azure)
        #expect(ProviderTypeChoice(argument: "ping") == nil)
        #expect(ProviderTypeChoice.allCases.map(\.rawValue) == ["Generic", "Azure", "Okta", "Duo"])
    }
}
