import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import Persistence
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import DirectoryService

/// The provisioning log's internal API on the real store (README "Provisioning log"), on SQLite and, in the
/// PostgreSQL pass, on PostgreSQL.
@Suite("Provisioning log: the directory's storage and reads")
struct ProvisioningLogTests {
    static let log = "/internal/v1/tenants/acme/provisioning-log"

    @Test(arguments: LogEngine.available)
    func aBatchIsStoredAndReadNewestFirst(engine: LogEngine) async throws {
        try await withLogDirectory(engine) { client, _ in
            try await client.seedLogTenant()
            let failed = LogEntries.entry(2, status: .failure)
            var group = LogEntries.entry(3, operation: .memberAdd)
            group.resourceType = "Group"
            group.displayName = "Engineering"
            var auth = LogEntries.entry(6, operation: .auth, status: .failure, detail: "The bearer token is not valid.")
            auth.resourceType = nil
            auth.displayName = nil
            auth.tokenPrefix = "pvs_1a2b"
            let unknownIdP = LogEntries.entry(4, idp: "gone")
            let unknownTenant = LogEntries.entry(5, tenant: "ghost")
            let impossibleTenant = LogEntries.entry(8, tenant: String(repeating: "t", count: 300))  // an auth failure's made-up path
            let stored = try await client.record([LogEntries.entry(1), failed, group, unknownIdP, unknownTenant, impossibleTenant, auth])
            #expect(stored.status == .noContent, "\(stored.text)")
            let page = try await client.logPage()
            #expect(page.ids == ["entry-acme-6", "entry-acme-3", "entry-acme-2", "entry-acme-1"])  // unknown IdPs and tenants are dropped
            let authEntry = try #require(page.body["entries"]?.arrayValue?.first)
            #expect(authEntry["tokenPrefix"] == "pvs_1a2b" && authEntry["operation"] == "auth" && authEntry["displayName"] == .null)
            #expect(authEntry["resourceType"] == .null)
            #expect(page.next == nil)
            let entries = Array(try #require(page.body["entries"]?.arrayValue).dropFirst())
            #expect(entries[0]["tokenPrefix"] == nil)
            #expect(entries[0]["displayName"] == "Engineering" && entries[0]["userName"] == nil && entries[0]["operation"] == "member_add")
            let listed = entries[1]
            #expect(listed["userName"] == "user2@example.com" && listed["displayName"] == nil)
            #expect(listed["status"] == "failure" && listed["httpStatus"] == .number(400) && listed["scimType"] == "invalidValue")
            #expect(listed["detail"] == "Attribute 'userName' is required." && listed["requestId"] == "request-2" && listed["idp"] == "okta")
            #expect(listed["time"] == .string(LogEntries.time(2)) && listed["path"] == "/scim/v2/acme/okta/Users" && listed["method"] == "POST")
            #expect(listed["requestBody"] == nil && listed["responseBody"] == nil)  // a list leaves the bodies out
            #expect(entries[2]["changedAttributes"] == ["userName", "active"] && entries[2]["resourceId"] == "user-1")
            let one = try await client.call(.get, "\(Self.log)/entry-acme-2")
            #expect(one.status == .ok)
            let entry = try one.json
            #expect(entry["requestBody"] == .string(failed.requestBody ?? "") && entry["responseBody"] == "{\"status\":\"400\"}")
            #expect(entry["resourceId"] == .null && entry["externalId"] == "ext-2" && entry["id"] == "entry-acme-2")
            // The same batch again (a gateway's retry) stores nothing twice.
            #expect(try await client.record([LogEntries.entry(1)]).status == .noContent)
            #expect(try await client.logPage().ids.count == 4)
        }
    }

    @Test(arguments: LogEngine.available)
    func pagesFollowTheCursorWithoutGapsOrRepeats(engine: LogEngine) async throws {
        try await withLogDirectory(engine) { client, _ in
            try await client.seedLogTenant()
            // 120 entries, in pairs stamped the same millisecond (the id orders them).
            let entries = (0..<120).map { LogEntries.entry($0, second: $0 / 2) }
            #expect(try await client.record(entries).status == .noContent)
            var seen: [String] = []
            var query = "limit=50"
            var pages = 0
            while true {
                let page = try await client.logPage("acme", query)
                seen += page.ids
                pages += 1
                guard let next = page.next else { break }
                query = "limit=50&cursor=\(next)"
            }
            #expect(pages == 3)
            #expect(seen.count == 120 && Set(seen).count == 120)
            let expected = entries.sorted { ($0.time, $0.id) > ($1.time, $1.id) }.map(\.id)
            #expect(seen == expected)
            #expect(try await client.logPage("acme").ids.count == ProvisioningLogQuery.defaultLimit)
        }
    }

    @Test(arguments: LogEngine.available)
    func filtersNarrowThePage(engine: LogEngine) async throws {
        try await withLogDirectory(engine) { client, _ in
            try await client.seedLogTenant()
            try await client.seedLogTenant("globex")
            let entries = [
                LogEntries.entry(1),
                LogEntries.entry(2, status: .failure, detail: "userName 100%_sure is taken"),
                LogEntries.entry(3, idp: "entra", operation: .update, status: .skipped),
                LogEntries.entry(4, idp: "entra", status: .failure, userName: "Ada.Lovelace@Example.com"),
                LogEntries.entry(5, operation: .delete),
                LogEntries.entry(6, tenant: "globex", status: .failure),
            ]
            #expect(try await client.record(entries).status == .noContent)
            #expect(try await client.logPage("acme", "idp=entra").ids == ["entry-acme-4", "entry-acme-3"])
            #expect(try await client.logPage("acme", "status=failure").ids == ["entry-acme-4", "entry-acme-2"])
            #expect(try await client.logPage("acme", "idp=okta&status=failure").ids == ["entry-acme-2"])
            #expect(try await client.logPage("acme", "operation=delete").ids == ["entry-acme-5"])
            #expect(try await client.logPage("acme", "status=skipped&operation=update").ids == ["entry-acme-3"])
            let since = PercentEncoding.encode(LogEntries.time(2))
            let until = PercentEncoding.encode(LogEntries.time(4))
            #expect(try await client.logPage("acme", "since=\(since)&until=\(until)").ids == ["entry-acme-3", "entry-acme-2"])
            // q: a case-insensitive substring of the name, externalId, resourceId, requestId or detail; % and _ are literal.
            #expect(try await client.logPage("acme", "q=ada.lovelace").ids == ["entry-acme-4"])
            #expect(try await client.logPage("acme", "q=EXT-5").ids == ["entry-acme-5"])
            #expect(try await client.logPage("acme", "q=user-3").ids == ["entry-acme-3"])
            #expect(try await client.logPage("acme", "q=request-1").ids == ["entry-acme-1"])
            #expect(try await client.logPage("acme", "q=100%25_sure").ids == ["entry-acme-2"])
            #expect(try await client.logPage("acme", "q=%25").ids == ["entry-acme-2"])
            #expect(try await client.logPage("acme", "q=1_0").ids.isEmpty)
            #expect(try await client.logPage("globex").ids == ["entry-globex-6"])
        }
    }

    /// A filter no index serves looks at most ``ProvisioningLogStore/scanWindow`` rows per page, then hands back a
    /// cursor after them; following it finds what lies beyond.
    @Test func aFilteredScanStopsAtItsWindowWithACursor() async throws {
        try await withLogDirectory(.sqlite) { client, store in
            try await client.seedLogTenant()
            let total = ProvisioningLogStore.scanWindow + 20
            let entries = (0..<total).map { number in
                number == 5 ? LogEntries.entry(number, detail: "needle") : LogEntries.entry(number)
            }
            for chunk in stride(from: 0, to: total, by: 500) {
                _ = try await store.record(
                    try ValidatedProvisioningBatch(ProvisioningLogBatch(entries: Array(entries[chunk..<min(chunk + 500, total)])))
                )
            }
            let first = try await client.logPage("acme", "q=needle")
            #expect(first.ids.isEmpty)
            let next = try #require(first.next)
            let second = try await client.logPage("acme", "q=needle&cursor=\(next)")
            #expect(second.ids == ["entry-acme-5"] && second.next == nil)
        }
    }

    @Test func badBatchesAre400() async throws {
        try await withLogDirectory(.sqlite) { client, _ in
            try await client.seedLogTenant()
            let tooMany = (0...ProvisioningLogBatch.maximumEntries).map { LogEntries.entry($0) }
            try await client.record(tooMany).expectScimError(400, scimType: "invalidValue")
            var long = LogEntries.entry(1)
            long.requestBody = String(repeating: "x", count: ValidatedProvisioningBatch.maximumBodyBytes + 1)
            try await client.record([long]).expectScimError(400, scimType: "invalidValue")
            var badTime = LogEntries.entry(1)
            badTime.time = "yesterday"
            try await client.record([badTime]).expectScimError(400, scimType: "invalidValue")
            var badStatus = LogEntries.entry(1)
            badStatus.httpStatus = 42
            try await client.record([badStatus]).expectScimError(400, scimType: "invalidValue")
            var noID = LogEntries.entry(1)
            noID.id = ""
            try await client.record([noID]).expectScimError(400, scimType: "invalidValue")
            let unknownOperation =
                #"{"entries":[{"id":"a","time":"2026-12-07T10:00:00Z","requestID":"r","tenantID":"acme","idpID":"okta","method":"POST","path":"/","operation":"explode","status":"success","httpStatus":201,"changedAttributes":[]}],"reads":[]}"#
            try await client.call(.post, "/internal/v1/provisioning-log", rawBody: unknownOperation).expectScimError(400, scimType: "invalidSyntax")
            try await client.call(.post, "/internal/v1/provisioning-log", rawBody: "{").expectScimError(400, scimType: "invalidSyntax")
            var withNull = LogEntries.entry(1)
            withNull.detail = "nul\u{0}byte"
            try await client.record([withNull]).expectScimError(400, scimType: "invalidValue")
            var escapedBackslash = LogEntries.entry(7)
            escapedBackslash.detail = "C:\\u0000 is a path"  // `\u0000` after an escaped backslash is text
            #expect(try await client.record([escapedBackslash]).status == .noContent)
            try await client.call(.post, "/internal/v1/provisioning-log", rawBody: #"{"entries":[]}"#).expectScimError(400, scimType: "invalidSyntax")
            try await client.record([], reads: [ProvisioningReadCount(tenantID: "acme", idpID: "okta", minute: "soon", count: 1)])
                .expectScimError(400, scimType: "invalidValue")
            #expect(try await client.call(.post, "/internal/v1/provisioning-log", rawBody: "{}", internalKey: nil).status == .unauthorized)
            #expect(try await client.logPage().ids == ["entry-acme-7"])  // nothing of a refused batch is stored
        }
    }

    @Test func badQueriesAre400() async throws {
        try await withLogDirectory(.sqlite) { client, _ in
            try await client.seedLogTenant()
            for query in [
                "limit=0", "limit=501", "limit=ten", "status=broken", "operation=explode", "since=tomorrow", "until=1",
                "q=" + String(repeating: "a", count: ProvisioningLogQuery.maximumTextLength + 1), "q=a%00b", "q=a%0Ab", "sort=time",
                "idp=a&idp=b", "format=csv", "cursor=!!", "cursor=" + ProvisioningLogCursor(time: "yesterday", id: "x").token,
            ] {
                let response = try await client.call(.get, "\(Self.log)?\(query)")
                #expect(response.status == .badRequest, "\(query): \(response.text)")
            }
            let longQuery = "q=" + String(repeating: "a", count: 9_000)
            #expect(try await client.call(.get, "\(Self.log)?\(longQuery)").status.code / 100 == 4)
        }
    }

    @Test func anotherTenantsEntryIs404() async throws {
        try await withLogDirectory(.sqlite) { client, _ in
            try await client.seedLogTenant()
            try await client.seedLogTenant("globex")
            #expect(try await client.record([LogEntries.entry(1)]).status == .noContent)
            #expect(try await client.call(.get, "\(Self.log)/entry-acme-1").status == .ok)
            try await client.call(.get, "/internal/v1/tenants/globex/provisioning-log/entry-acme-1").expectScimError(404)
            try await client.call(.get, "\(Self.log)/missing").expectScimError(404)
            try await client.call(.get, "\(Self.log)/" + String(repeating: "x", count: 200)).expectScimError(404)
            try await client.call(.get, "/internal/v1/tenants/ghost/provisioning-log").expectScimError(404)
            try await client.call(.get, "/internal/v1/tenants/ghost/provisioning-summary").expectScimError(404)
        }
    }

    @Test(arguments: LogEngine.available)
    func theSummaryCountsTheLastDayAndKeepsTheLatest(engine: LogEngine) async throws {
        try await withLogDirectory(engine) { client, store in
            try await client.seedLogTenant()
            let now = Date()
            func at(_ secondsAgo: TimeInterval) -> String { Timestamp.string(from: now.addingTimeInterval(-secondsAgo)) }
            var old = LogEntries.entry(1, status: .failure, detail: "too old to count")
            old.time = at(90_000)
            var success = LogEntries.entry(2)
            success.time = at(600)
            var skipped = LogEntries.entry(3, operation: .update, status: .skipped)
            skipped.time = at(300)
            var failure = LogEntries.entry(4, status: .failure, detail: "Attribute 'userName' is required.")
            failure.time = at(200)
            var earlierFailure = LogEntries.entry(5, status: .failure, detail: "an earlier failure")
            earlierFailure.time = at(250)
            // Two batches: the summary is upserted, the later failure's detail wins whatever the order of arrival.
            #expect(try await client.record([old, success, failure]).status == .noContent)
            #expect(try await client.record([skipped, earlierFailure]).status == .noContent)
            let summaries = try #require(try await store.summaries(tenantID: "acme", idpID: nil, now: now))
            let okta = try #require(summaries["okta"])
            #expect(okta.lastRequestAt == failure.time && okta.lastSuccessAt == skipped.time && okta.lastFailureAt == failure.time)
            #expect(okta.lastError == "Attribute 'userName' is required.")
            #expect(okta.last24h == ProvisioningSummary.Counts(success: 1, failure: 2, skipped: 1))
            #expect(summaries["entra"] == nil)
            // Reads count as requests (at their minute), not as outcomes.
            let minute = String(at(-120).prefix(16)) + ":00.000Z"
            #expect(
                try await client.record([], reads: [ProvisioningReadCount(tenantID: "acme", idpID: "okta", minute: minute, count: 7)]).status
                    == .noContent
            )
            let response = try await client.call(.get, "/internal/v1/tenants/acme/provisioning-summary?idp=okta")
            #expect(response.status == .ok)
            let body = try response.json
            #expect(body["idps"]?["okta"]?["lastRequestAt"] == .string(minute))
            #expect(body["idps"]?["okta"]?["last24h"] == ["success": 1, "failure": 2, "skipped": 1])
            #expect(body["idps"]?["entra"] == nil)
        }
    }

    @Test(arguments: LogEngine.available)
    func deletingAnIdPOrATenantDeletesItsLog(engine: LogEngine) async throws {
        try await withLogDirectory(engine) { client, store in
            try await client.seedLogTenant()
            try await client.seedLogTenant("globex")
            let entries = [LogEntries.entry(1), LogEntries.entry(2, idp: "entra"), LogEntries.entry(3, tenant: "globex")]
            #expect(try await client.record(entries).status == .noContent)
            #expect(try await client.call(.delete, "/internal/v1/tenants/acme/idps/okta").status == .noContent)
            #expect(try await client.logPage().ids == ["entry-acme-2"])
            #expect(try await store.summaries(tenantID: "acme", idpID: nil)?["okta"] == nil)
            // An IdP of the same id created again starts with an empty log.
            try await client.createIdentityProvider(tenant: "acme", "okta")
            #expect(try await client.logPage("acme", "idp=okta").ids.isEmpty)
            #expect(try await client.call(.delete, "/internal/v1/tenants/acme").status == .noContent)
            try await client.seedLogTenant()
            #expect(try await client.logPage().ids.isEmpty)
            #expect(try await store.summaries(tenantID: "acme", idpID: nil)?.isEmpty == true)
            #expect(try await client.logPage("globex").ids == ["entry-globex-3"])
        }
    }

    @Test(arguments: LogEngine.available)
    func retentionPrunesOldRowsInBatches(engine: LogEngine) async throws {
        try await withLogDirectory(engine) { client, store in
            try await client.seedLogTenant()
            // 25 entries a minute apart (25 per-minute count rows), then one a day later.
            var entries = (0..<25).map { LogEntries.entry($0, second: $0 * 60) }
            entries.append(LogEntries.entry(99, second: 86_400))
            #expect(try await client.record(entries).status == .noContent)
            let pruner = ProvisioningLogPruner(
                store: store,
                settings: ProvisioningLogSettings(retentionDays: 1, pruneInterval: .seconds(60)),
                logger: .discarding,
                batchSize: 10,
                maximumBatches: 100
            )
            // A day and a half after the first: the 25 old entries and their 25 minutes go, the last stays.
            await pruner.pruneOnce(now: Date(timeIntervalSince1970: 1_796_637_600 + 86_400 + 43_200))
            #expect(try await client.logPage().ids == ["entry-acme-99"])
            #expect(try await store.prune(before: LogEntries.time(86_400), batchSize: 10, maximumBatches: 100) == 0)
            #expect(try await store.prune(before: LogEntries.time(86_401), batchSize: 10, maximumBatches: 100) == 2)  // the entry and its minute
            #expect(try await client.logPage().ids.isEmpty)
        }
    }
}
