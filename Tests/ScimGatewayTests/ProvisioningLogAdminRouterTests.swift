import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// The provisioning log on the admin API (README "Provisioning log"), through the gateway on the real directory:
/// who may read it, pages and entries relayed, the CSV and JSON downloads, the per-IdP summary on the IdP views.
@Suite("Provisioning log: the admin API")
struct ProvisioningLogAdminRouterTests {
    static let log = "/admin/v1/tenants/acme/provisioning-log"

    static func entry(_ number: Int, idp: String = "okta", status: ProvisioningStatus = .success, detail: String? = nil) -> ProvisioningLogEntry {
        ProvisioningLogEntry(
            id: "entry-\(number)",
            time: Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date().addingTimeInterval(TimeInterval(number - 10_000))),
            requestID: "request-\(number)",
            tenantID: "acme",
            idpID: idp,
            method: "POST",
            path: "/scim/v2/acme/\(idp)/Users",
            operation: .create,
            resourceType: "User",
            resourceID: status == .failure ? nil : "user-\(number)",
            externalID: "ext-\(number)",
            displayName: "user\(number)@example.com",
            status: status,
            httpStatus: status == .failure ? 400 : 201,
            scimType: status == .failure ? "invalidValue" : nil,
            detail: detail,
            changedAttributes: status == .failure ? [] : ["userName"],
            requestBody: "{\"userName\":\"user\(number)@example.com\"}",
            responseBody: status == .failure ? "{\"detail\":\"\(detail ?? "")\"}" : nil
        )
    }

    /// `acme` with `okta` and `entra`, and `globex`, each with an IdP; the log of `acme`.
    static func seed(_ gateway: Gateway, _ entries: [ProvisioningLogEntry]) async throws -> String {
        let token = try await gateway.seed(tenant: "acme", idp: "okta")
        _ = try await gateway.seed(tenant: "acme", idp: "entra", providerType: .azure)
        _ = try await gateway.seed(tenant: "globex", idp: "okta")
        for chunk in stride(from: 0, to: entries.count, by: ProvisioningLogBatch.maximumEntries) {
            let batch = ProvisioningLogBatch(entries: Array(entries[chunk..<min(chunk + ProvisioningLogBatch.maximumEntries, entries.count)]))
            try await gateway.directory.client.recordProvisioning(batch, logger: .discarding)
        }
        return token
    }

    @Test func theRootKeyAndTheTenantsAdminAndViewerKeysReadIt() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let scimToken = try await Self.seed(
                gateway,
                [Self.entry(1), Self.entry(2, status: .failure, detail: "Attribute 'userName' is required.")]
            )
            let admin = gateway.tokens.issueApiKey(tenantID: "acme", role: .admin).key
            let viewer = gateway.tokens.issueApiKey(tenantID: "acme", role: .viewer).key
            for key in [Fixture.adminKey, admin, viewer] {
                let page = try await client.request(.get, Self.log, bearer: key)
                #expect(page.status == .ok, "\(page.text)")
                #expect(page.headers[.contentType] == MediaType.json)
                let body = try page.json
                #expect(body["entries"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["entry-2", "entry-1"])
                #expect(body["next"] == .null)
                let one = try await client.request(.get, "\(Self.log)/entry-2", bearer: key)
                #expect(one.status == .ok)
                #expect(try one.json["responseBody"] == "{\"detail\":\"Attribute 'userName' is required.\"}")
                #expect(try await client.request(.get, "\(Self.log)?format=csv", bearer: key).status == .ok)
            }
            // An app key opens only the application API; another tenant's key finds nothing; SCIM tokens never open it.
            let app = gateway.tokens.issueApiKey(tenantID: "acme", role: .app).key
            try await client.request(.get, Self.log, bearer: app).expectScimError(403)
            try await client.request(.get, "\(Self.log)/entry-1", bearer: app).expectScimError(403)
            let globexViewer = gateway.tokens.issueApiKey(tenantID: "globex", role: .viewer).key
            try await client.request(.get, Self.log, bearer: globexViewer).expectScimError(404)
            try await client.request(.get, "/admin/v1/tenants/globex/provisioning-log/entry-1", bearer: globexViewer).expectScimError(404)
            try await client.request(.get, Self.log, bearer: scimToken).expectScimError(401)
            try await client.request(.get, "\(Self.log)?format=csv", bearer: scimToken).expectScimError(401)
            try await client.request(.get, Self.log).expectScimError(401)
        }
    }

    @Test func queriesAreCheckedAndFiltersPassOn() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await Self.seed(gateway, [Self.entry(1), Self.entry(2, idp: "entra", status: .failure, detail: "No")])
            let failures = try await client.admin(.get, "/tenants/acme/provisioning-log?status=failure&idp=entra")
            #expect(try failures.json["entries"]?.arrayValue?.count == 1)
            for query in ["limit=0", "format=xml", "status=bad", "sort=time", "q=" + String(repeating: "q", count: 201)] {
                try await client.admin(.get, "/tenants/acme/provisioning-log?\(query)").expectScimError(400, scimType: "invalidValue")
            }
            try await client.admin(.get, "/tenants/acme/provisioning-log?cursor=nope").expectScimError(400, scimType: "invalidCursor")
            try await client.admin(.get, "/tenants/ghost/provisioning-log").expectScimError(404)
            try await client.admin(.get, "/tenants/ghost/provisioning-log?format=csv").expectScimError(404)
            try await client.admin(.get, "/tenants/acme/provisioning-log/missing").expectScimError(404)
            try await client.admin(.get, "/tenants/acme/provisioning-log/entry-1?extra=1").expectScimError(400, scimType: "invalidValue")
        }
    }

    @Test func theCSVDownloadHasAHeaderRowQuotingAndNoFormulas() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            var tricky = Self.entry(1, status: .failure, detail: "Bad value \"x\", try again\nplease")
            tricky.displayName = "=HYPERLINK(\"http://evil\")"
            let many = (2...601).map { Self.entry($0) }  // more than one page of the directory's
            _ = try await Self.seed(gateway, [tricky] + many)
            let download = try await client.admin(.get, "/tenants/acme/provisioning-log?format=csv")
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "text/csv; charset=utf-8")
            let disposition = try #require(download.headers[.contentDisposition])
            #expect(disposition.hasPrefix("attachment; filename=\"provisioning-log-acme-") && disposition.hasSuffix(".csv\""))
            let text = download.text
            #expect(text.hasPrefix(ProvisioningLogCSV.columns.joined(separator: ",") + "\r\n"))
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 1 + 601)  // the header, and every entry once
            let last = try #require(lines.last)  // the oldest: the tricky one
            #expect(last.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","))
            #expect(last.contains(",\"Bad value \"\"x\"\", try again\nplease\","))

            let filtered = try await client.admin(.get, "/tenants/acme/provisioning-log?format=csv&status=failure")
            #expect(filtered.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2)

            let json = try await client.admin(.get, "/tenants/acme/provisioning-log?format=json")
            #expect(json.status == .ok && json.headers[.contentType] == MediaType.json)
            #expect(json.headers[.contentDisposition]?.hasSuffix(".json\"") == true)
            let array = try #require(try json.json.arrayValue)
            #expect(array.count == 601 && Set(array.compactMap { $0["id"]?.stringValue }).count == 601)
            #expect(array.first?["id"] == "entry-601" && array.last?["userName"] == "=HYPERLINK(\"http://evil\")")
        }
    }

    @Test func theIdPViewsCarryTheProvisioningSummary() async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let failure = Self.entry(2, status: .failure, detail: "Attribute 'userName' is required.")
            _ = try await Self.seed(gateway, [Self.entry(1), failure])
            let okta = try await client.admin(.get, "/tenants/acme/idps/okta").json
            let provisioning = try #require(okta["provisioning"])
            #expect(provisioning["lastFailureAt"] == .string(failure.time) && provisioning["lastRequestAt"] == .string(failure.time))
            #expect(provisioning["lastError"] == "Attribute 'userName' is required.")
            #expect(provisioning["last24h"] == ["success": 1, "failure": 1, "skipped": 0])
            let list = try await client.admin(.get, "/tenants/acme/idps").json
            let entra = try #require(list.arrayValue?.first { $0["id"] == "entra" })
            #expect(
                entra["provisioning"] == [
                    "lastRequestAt": nil, "lastSuccessAt": nil, "lastFailureAt": nil, "lastError": nil,
                    "last24h": ["success": 0, "failure": 0, "skipped": 0],
                ]
            )
            #expect(list.arrayValue?.first { $0["id"] == "okta" }?["provisioning"]?["lastError"] == "Attribute 'userName' is required.")
            try await client.admin(.get, "/tenants/acme/idps/ghost").expectScimError(404)
        }
    }
}
