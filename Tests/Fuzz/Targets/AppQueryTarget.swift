// Fuzz target "appquery": the URL query of the application API's reads and change feed as received →
// ApplicationUserQuery / ApplicationGroupQuery / ApplicationMemberQuery(rawQuery:) (bounded parameters, opaque
// cursors), and the same text split into parameters → ChangeEventFeedRequest(parameters:); the text alone as a
// cursor → ApplicationCursor(token:expected:); the provisioning log's query → ProvisioningLogQuery(rawQuery:allowsFormat:)
// and the text as its cursor → ProvisioningLogCursor(token:). Properties checked besides "no crash":
// - every failure is a 400 ScimError;
// - a parsed query's limit is within 1…1000, and its `rawQuery` reads back to the same query (what the gateway
//   forwards is what the directory reads);
// - a cursor that parses re-encodes to a token that parses to the same cursor;
// - a provisioning-log query's limit is within 1…500, `q` within its length, and its `rawQuery` (what the gateway
//   forwards) reads back to the same query without its format.
import Foundation
import InternalAPI
import ScimCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = Fuzz.text(start, count)
    expectRefusal { () throws(ScimError) in
        let query = try ApplicationUserQuery(rawQuery: text)
        Fuzz.check((1...ApplicationPage.maximumLimit).contains(query.page.limit), "user limit \(query.page.limit)")
        Fuzz.check((try? ApplicationUserQuery(rawQuery: query.rawQuery)) == query, "user query does not read back: \(query.rawQuery)")
    }
    expectRefusal { () throws(ScimError) in
        let query = try ApplicationGroupQuery(rawQuery: text)
        Fuzz.check((1...ApplicationPage.maximumLimit).contains(query.page.limit), "group limit \(query.page.limit)")
    }
    expectRefusal { () throws(ScimError) in
        let query = try ApplicationMemberQuery(rawQuery: text)
        Fuzz.check((1...ApplicationPage.maximumLimit).contains(query.page.limit), "member limit \(query.page.limit)")
    }
    expectRefusal { () throws(ScimError) in
        let parameters = text.split(separator: "&", maxSplits: 64).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
        }
        let request = try ChangeEventFeedRequest(parameters: parameters)
        Fuzz.check((1...ChangeEventFeedRequest.maximumLimit).contains(request.limit), "feed limit \(request.limit)")
    }
    expectRefusal { () throws(ScimError) in
        let query = try ProvisioningLogQuery(rawQuery: text, allowsFormat: true)
        Fuzz.check((1...ProvisioningLogQuery.maximumLimit).contains(query.limit), "log limit \(query.limit)")
        Fuzz.check((query.text?.count ?? 0) <= ProvisioningLogQuery.maximumTextLength, "log q too long")
        var forwarded = query
        forwarded.format = nil
        Fuzz.check((try? ProvisioningLogQuery(rawQuery: query.rawQuery)) == forwarded, "log query does not read back: \(query.rawQuery)")
    }
    expectRefusal { () throws(ScimError) in
        let cursor = try ProvisioningLogCursor(token: text)
        Fuzz.check((try? ProvisioningLogCursor(token: cursor.token)) == cursor, "log cursor does not read back")
    }
    for order in ApplicationCursor.Order.allCases {
        expectRefusal { () throws(ScimError) in
            let cursor = try ApplicationCursor(token: text, expected: order)
            Fuzz.check((try? ApplicationCursor(token: cursor.token, expected: order)) == cursor, "cursor does not read back")
        }
    }
    return 0
}

private func expectRefusal(_ body: () throws(ScimError) -> Void) {
    do {
        try body()
    } catch {
        Fuzz.check(error.status == 400, "failed with \(error.status): \(error.detail)")
    }
}
