import Foundation
import InternalAPI
import ScimCore
import Testing

/// The provisioning log's pure parts: the query a page request is read into, its cursor, the CSV rows.
@Suite("Provisioning log: query, cursor, CSV")
struct ProvisioningLogQueryTests {
    @Test func aQueryIsReadAndWrittenBack() throws {
        let cursor = ProvisioningLogCursor(time: "2026-12-07T10:00:00.000Z", id: "entry-1")
        let query = try ProvisioningLogQuery(
            rawQuery: "idp=okta&status=failure&operation=member_add&since=2026-12-07T10:00:00Z&until=2026-12-08T00:00:00%2B01:00"
                + "&q=Ada%20L&limit=20&cursor=\(cursor.token)&format=csv",
            allowsFormat: true
        )
        #expect(query.idpID == "okta" && query.status == .failure && query.operation == .memberAdd)
        #expect(query.since == "2026-12-07T10:00:00.000Z" && query.until == "2026-12-07T23:00:00.000Z")
        #expect(query.text == "Ada L" && query.limit == 20 && query.cursor == cursor && query.format == .csv)
        // What the directory reads again: the same, without the format.
        var expected = query
        expected.format = nil
        #expect(try ProvisioningLogQuery(rawQuery: query.rawQuery) == expected)
        #expect(try ProvisioningLogQuery(rawQuery: nil) == ProvisioningLogQuery())
        #expect(ProvisioningLogQuery().rawQuery.isEmpty)
    }

    @Test(arguments: [
        "limit=0", "limit=501", "limit=-1", "limit=99999", "status=ok", "operation=Create", "since=today", "until=2026-13-01T00:00:00Z",
        "q=" + String(repeating: "é", count: 201), "q=a%01", "other=1", "idp=a&idp=b", "format=csv", "cursor=abc",
        "idp=" + String(repeating: "i", count: 129),
    ])
    func aBadQueryIs400(query: String) {
        do {
            _ = try ProvisioningLogQuery(rawQuery: query)
            Issue.record("accepted \(query)")
        } catch {
            #expect(error.status == 400)
        }
    }

    @Test func aQueryLongerThan8KiBIsRefusedBeforeItIsRead() {
        #expect(throws: ScimError.self) { try ProvisioningLogQuery(rawQuery: "q=" + String(repeating: "a", count: 8_200)) }
        #expect(throws: ScimError.self) { try ProvisioningLogQuery(rawQuery: "format=xml", allowsFormat: true) }
    }

    @Test func aCursorRoundTripsAndAForgedOneIsRefused() throws {
        let cursor = ProvisioningLogCursor(time: "2026-12-07T10:00:00.123Z", id: "7c0e")
        #expect(try ProvisioningLogCursor(token: cursor.token) == cursor)
        for forged in [
            ProvisioningLogCursor(time: "2026-12-07T10:00:00Z", id: "x").token,  // not the stored form
            ProvisioningLogCursor(time: "2026-12-07T10:00:00.000Z", id: "").token,
            ProvisioningLogCursor(time: "2026-12-07T10:00:00.000Z", id: String(repeating: "x", count: 129)).token,
            "W10", "not base64!", String(repeating: "A", count: 600),
        ] {
            #expect(throws: ScimError.self) { try ProvisioningLogCursor(token: forged) }
        }
    }

    @Test func csvCellsAreQuotedAndFormulasNeutralized() {
        #expect(ProvisioningLogCSV.cell("plain") == "plain")
        #expect(ProvisioningLogCSV.cell("a,b") == "\"a,b\"")
        #expect(ProvisioningLogCSV.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ProvisioningLogCSV.cell("two\nlines") == "\"two\nlines\"")
        #expect(ProvisioningLogCSV.cell("crlf\r\nline") == "\"crlf\r\nline\"")
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"] {
            #expect(ProvisioningLogCSV.cell(formula) == "'" + formula)
        }
        #expect(ProvisioningLogCSV.cell("=HYPERLINK(\"x\",\"y\")") == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"")
        #expect(ProvisioningLogCSV.header == ProvisioningLogCSV.columns.joined(separator: ",") + "\r\n")
        let entry = ProvisioningLogEntry(
            id: "1",
            time: "2026-12-07T10:00:00.000Z",
            requestID: "r",
            tenantID: "acme",
            idpID: "okta",
            method: "POST",
            path: "/scim/v2/acme/okta/Groups",
            operation: .memberAdd,
            resourceType: "Group",
            displayName: "Sales, EMEA",
            status: .success,
            httpStatus: 204,
            changedAttributes: ["members", "displayName"]
        )
        #expect(
            ProvisioningLogCSV.row(entry)
                == "2026-12-07T10:00:00.000Z,1,r,okta,POST,/scim/v2/acme/okta/Groups,member_add,Group,,,,\"Sales, EMEA\",success,204,,,members displayName,\r\n"
        )
    }
}
