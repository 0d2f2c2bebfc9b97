// Fuzz target "query": the URL query of `GET /Users?…` / `GET /Groups?…` as received (not yet decoded) →
// SearchRequest(rawQuery:) (form decoding, startIndex/count/sortOrder/cursor) → AttributeProjection from its
// `attributes`/`excludedAttributes` → ResourceRenderer on the sample User and Group; `sortBy` → SQLTranslator.orderBy
// (SQLite and PostgreSQL); `filter` → FilterParser. An input starting with `{` is also read as the body of
// `POST /.search` (SearchRequest(searchBody:)). Properties checked besides "no crash":
// - parsed requests are normalized: startIndex ≥ 1, count ≥ 0 when present, no cursor together with startIndex > 1;
// - a projection never returns a `returned: never` attribute (`password`, the tenant's `secret`) and always returns
//   `id` and `schemas` (RFC 7643 §7, RFC 7644 §3.9);
// - every failure is a 400 ScimError.
import Foundation
import ScimCore
import ScimFilter

private let columns: [String: any ColumnMap] = ["User": UserColumnMap(), "Group": GroupColumnMap()]
private let renderer = "https://scim.example.com/scim/v2/acme/okta"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = Fuzz.text(start, count)
    do {
        _ = try SearchRequest.queryParameters(text)
        check(try SearchRequest(rawQuery: text))
    } catch {
        Fuzz.check(error.status == 400, "query failed with \(error.status): \(error.detail)")
    }
    if text.utf8.first == UInt8(ascii: "{"), let body = try? JSONReader.parse(Fuzz.bytes(start, count)) {
        do {
            check(try SearchRequest(searchBody: body))
        } catch {
            Fuzz.check(error.status == 400, "search body failed with \(error.status): \(error.detail)")
        }
    }
    return 0
}

private func check(_ request: SearchRequest) {
    Fuzz.check(request.startIndex >= 1, "startIndex \(request.startIndex)")
    Fuzz.check((request.count ?? 0) >= 0, "count \(String(describing: request.count))")
    Fuzz.check(request.cursor == nil || request.startIndex == 1, "cursor with startIndex \(request.startIndex)")
    if let filter = request.filter { _ = try? FilterParser.parse(filter) }

    for (resourceType, sample) in [(ScimResourceType.user, Fuzz.user), (.group, Fuzz.group)] {
        if let sortBy = request.sortBy, let path = try? AttributePath(parsing: sortBy), let columns = columns[resourceType.name] {
            for dialect in [SQLDialect.sqlite, .postgres] {
                let translator = SQLTranslator(registry: Fuzz.tenant, resourceType: resourceType, columns: columns, dialect: dialect)
                _ = try? translator.orderBy(path, ascending: request.sortOrder != .descending)
            }
        }
        let projection: AttributeProjection
        do {
            projection = try AttributeProjection(request, registry: Fuzz.tenant, resourceType: resourceType)
        } catch {
            Fuzz.check(error.status == 400, "projection failed with \(error.status): \(error.detail)")
            continue
        }
        for name in ["members", "emails", "name", "meta", "password", Fuzz.tenantExtensionURN] {
            _ = projection.includes(name)
        }
        _ = projection.leavesUnchanged(topLevelName: "members")
        let id = sample.objectValue?["id"]?.stringValue ?? ""
        let rendered = ResourceRenderer(baseURL: renderer, projection: projection).render(sample, resourceType: resourceType, id: id)
        guard case .object(let members) = rendered else {
            Fuzz.check(false, "the projected \(resourceType.name) is not an object")
            continue
        }
        let described = rendered.encodedString()
        Fuzz.check(members["id"] == .string(id), "projection dropped id: \(described)")
        Fuzz.check(members["schemas"] != nil, "projection dropped schemas: \(described)")
        Fuzz.check(!members.keys.contains { $0.caseInsensitiveEquals("password") }, "projection returned password: \(described)")
        if case .object(let tenant)? = members[Fuzz.tenantExtensionURN] {
            Fuzz.check(tenant["secret"] == nil, "projection returned a returned:never extension attribute: \(described)")
        }
    }
}
