/// A ``SearchRequest`` written back out, as the gateway passes a client's query to the directory: the URL query that
/// ``SearchRequest/init(rawQuery:)`` reads (a list is a `GET`, so that an IdP's lookup before each create costs no
/// request body), or, for a query too long for a URL, the `.search` body that ``SearchRequest/init(searchBody:)``
/// reads. Either way the directory parses the same value the gateway did.
extension SearchRequest {
    /// The URL query (without `?`) that parses back to this request; `""` for the default request. Each value is
    /// percent-encoded but for RFC 3986's unreserved characters; names and values appear in a fixed order.
    package var rawQuery: String { Self.query(items) }

    /// The query of only `attributes` and `excludedAttributes`: what the answer about one resource depends on.
    package var projectionQuery: String { Self.query(items.filter { $0.name == "attributes" || $0.name == "excludedAttributes" }) }

    /// The `.search` body (RFC 7644 §3.4.3) that parses back to this request.
    package var searchBody: JSONValue {
        var members: [String: JSONValue] = ["schemas": [.string(ScimSchemaURN.searchRequest)]]
        if let filter { members["filter"] = .string(filter) }
        members["startIndex"] = .number(Double(startIndex))
        if let count { members["count"] = .number(Double(count)) }
        if let sortBy { members["sortBy"] = .string(sortBy) }
        if let sortOrder { members["sortOrder"] = .string(sortOrder.rawValue) }
        if !attributes.isEmpty { members["attributes"] = .array(attributes.map(JSONValue.string)) }
        if !excludedAttributes.isEmpty { members["excludedAttributes"] = .array(excludedAttributes.map(JSONValue.string)) }
        if let cursor { members["cursor"] = .string(cursor) }
        return .object(members)
    }

    /// The parameters that differ from a default request. Attribute names hold no commas (RFC 7644 §3.10), so a
    /// list is one comma-separated value; a present but empty `cursor` (the first cursor page) is kept.
    private var items: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let filter { items.append(("filter", filter)) }
        if startIndex != 1 { items.append(("startIndex", String(startIndex))) }
        if let count { items.append(("count", String(count))) }
        if let sortBy { items.append(("sortBy", sortBy)) }
        if let sortOrder { items.append(("sortOrder", sortOrder.rawValue)) }
        if !attributes.isEmpty { items.append(("attributes", attributes.joined(separator: ","))) }
        if !excludedAttributes.isEmpty { items.append(("excludedAttributes", excludedAttributes.joined(separator: ","))) }
        if let cursor { items.append(("cursor", cursor)) }
        return items
    }

    private static func query(_ items: [(name: String, value: String)]) -> String {
        var query = ""
        for (name, value) in items {
            if !query.isEmpty { query += "&" }
            query += name + "=" + PercentEncoding.encode(value)
        }
        return query
    }
}
