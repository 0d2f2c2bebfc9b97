extension JSONValue {
    /// A SCIM `ListResponse` (RFC 7644 §3.4.2), with RFC 9865's cursor attributes.
    ///
    /// - `totalResults`, `startIndex` and `itemsPerPage` are JSON numbers (Okta refuses strings).
    /// - `Resources` is always present, `[]` when nothing matched: RFC 7644 makes it required only when
    ///   `totalResults` is non-zero, but Entra's connection test expects the empty array.
    /// - `startIndex`, `itemsPerPage`, `nextCursor` and `previousCursor` appear only when given: a cursor page has no
    ///   `startIndex` (RFC 9865 §2.2), and the last cursor page has no `nextCursor` (its absence ends the walk).
    package static func listResponse(
        resources: [JSONValue],
        totalResults: Int,
        startIndex: Int?,
        itemsPerPage: Int?,
        nextCursor: String?,
        previousCursor: String?
    ) -> JSONValue {
        var object: [String: JSONValue] = [
            "schemas": [.string(ScimSchemaURN.listResponse)],
            "totalResults": .number(Double(totalResults)),
            "Resources": .array(resources),
        ]
        if let startIndex { object["startIndex"] = .number(Double(startIndex)) }
        if let itemsPerPage { object["itemsPerPage"] = .number(Double(itemsPerPage)) }
        if let nextCursor { object["nextCursor"] = .string(nextCursor) }
        if let previousCursor { object["previousCursor"] = .string(previousCursor) }
        return .object(object)
    }
}
