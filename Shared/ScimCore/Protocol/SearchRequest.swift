/// `sortOrder` (RFC 7644 §3.4.2.3).
package enum SortOrder: String, Sendable, Hashable, Codable, CaseIterable {
    case ascending, descending

    /// Reads `ascending` / `descending` in any letter case; anything else is `invalidValue`.
    package init(parsing text: String) throws(ScimError) {
        guard let order = SortOrder(rawValue: text.trimmingSpaces().lowercased()) else {
            throw .invalidValue("sortOrder must be 'ascending' or 'descending', not '\(text)'.")
        }
        self = order
    }
}

/// The query of a SCIM list or search (RFC 7644 §3.4.2, §3.4.3), with RFC 9865's `cursor`.
///
/// One value carries the whole query from the gateway to storage, whether it arrived as the URL query of
/// `GET /Users` or as the body of `POST /Users/.search`. Parsing normalizes what the RFC lets a server normalize:
/// - `startIndex` below 1 reads as 1 (RFC 7644 §3.4.2.4: "A value less than 1 SHALL be interpreted as 1").
/// - a negative `count` reads as 0 (§3.4.2.4: "A negative value SHALL be interpreted as 0"); `count` above the
///   server's maximum is the caller's to clamp (§3.4.2.4 "SHALL NOT return more results than specified").
/// - an empty or blank `filter` / `sortBy` / `sortOrder` / `startIndex` / `count` reads as absent.
/// - `cursor` present with an empty value (`?cursor` or `?cursor=`) asks for the first page of cursor pagination
///   (RFC 9865 §2.1); it is kept as `""`. A `cursor` together with `startIndex` > 1 is `invalidValue`, since the
///   two pagination methods cannot be combined in one request (RFC 9865 §2).
/// Which of `filter` / `sortBy` / attribute names are valid is decided later, against the schema.
package struct SearchRequest: Sendable, Hashable, Codable {
    /// The raw filter text (RFC 7644 §3.4.2.2); nil when the request has none.
    package var filter: String?
    /// The 1-based index of the first result; at least 1.
    package var startIndex: Int
    /// The maximum number of results per page; nil means the server default; never negative.
    package var count: Int?
    package var sortBy: String?
    package var sortOrder: SortOrder?
    /// `attributes` (RFC 7644 §3.4.2.5): comma-separated in a URL query, an array in a `.search` body.
    package var attributes: [String]
    package var excludedAttributes: [String]
    /// RFC 9865 `cursor`: `""` starts cursor pagination, any other value continues it; nil means index pagination.
    package var cursor: String?

    /// Memberwise, normalizing as parsing does (`startIndex` at least 1, `count` at least 0, blank `filter` as nil).
    package init(
        filter: String? = nil,
        startIndex: Int = 1,
        count: Int? = nil,
        sortBy: String? = nil,
        sortOrder: SortOrder? = nil,
        attributes: [String] = [],
        excludedAttributes: [String] = [],
        cursor: String? = nil
    ) {
        self.filter = filter.flatMap(Self.nonBlank)
        self.startIndex = Self.clampedStartIndex(startIndex)
        self.count = count.map { max(0, $0) }
        self.sortBy = sortBy.flatMap(Self.nonBlank)
        self.sortOrder = sortOrder
        self.attributes = attributes
        self.excludedAttributes = excludedAttributes
        self.cursor = cursor
    }

    /// The query parameters this type reads (RFC 7644 §3.4.2, RFC 9865 §2), lowercased.
    package static let parameterNames: Set<String> = [
        "filter", "startindex", "count", "sortby", "sortorder", "attributes", "excludedattributes", "cursor",
    ]

    /// Parses the URL query string exactly as received (the part after `?`, not yet decoded).
    ///
    /// `+` decodes as a space and `%XX` as a byte (form encoding: Entra sends `filter=userName+eq+%22x%22`, and
    /// a literal `+` arrives as `%2B`). A `%` not followed by two hex digits, bytes that are not UTF-8 and a decoded
    /// NUL are refused: `invalidFilter` in the filter, `invalidValue` elsewhere. Parameter names match
    /// case-insensitively. A repeated parameter: the last one wins. Unknown parameters (Entra's `aadOptscim062020`
    /// flag, cache busters) are ignored. A non-numeric `startIndex` or `count` is `invalidValue`, as is an unknown
    /// `sortOrder` or a `cursor` combined with `startIndex` > 1.
    package init(rawQuery: String?) throws(ScimError) {
        let parameters = try Self.queryParameters(rawQuery)
        var request = SearchRequest()
        for (name, value) in parameters {
            switch name.lowercased() {
            case "filter": request.filter = Self.nonBlank(value)
            case "startindex": request.startIndex = try Self.integer(value, name: "startIndex").map(Self.clampedStartIndex) ?? 1
            case "count": request.count = try Self.integer(value, name: "count").map { max(0, $0) }
            case "sortby": request.sortBy = Self.nonBlank(value)
            case "sortorder": request.sortOrder = try Self.sortOrder(value)
            case "attributes": request.attributes = try Self.list(value, name: "attributes")
            case "excludedattributes": request.excludedAttributes = try Self.list(value, name: "excludedAttributes")
            case "cursor": request.cursor = value
            default: continue
            }
        }
        try request.validate()
        self = request
    }

    /// Parses the body of `POST …/.search` (RFC 7644 §3.4.3).
    ///
    /// The body must be a JSON object (else `invalidSyntax`). Member names match case-insensitively; `schemas` is
    /// accepted whatever it holds (or when missing: several clients omit it); unknown members are ignored. `null`
    /// reads as absent. `startIndex`/`count` may be JSON numbers or numeric strings; `attributes` and
    /// `excludedAttributes` may be arrays of strings or one comma-separated string. A value of the wrong type is
    /// `invalidValue`.
    package init(searchBody body: JSONValue) throws(ScimError) {
        guard case .object(let members) = body else {
            throw .invalidSyntax("A search request body must be a JSON object.")
        }
        var request = SearchRequest()
        for (name, value) in members where value != .null {
            switch name.lowercased() {
            case "filter": request.filter = Self.nonBlank(try Self.string(value, name: "filter"))
            case "startindex": request.startIndex = try Self.integer(value, name: "startIndex").map(Self.clampedStartIndex) ?? 1
            case "count": request.count = try Self.integer(value, name: "count").map { max(0, $0) }
            case "sortby": request.sortBy = Self.nonBlank(try Self.string(value, name: "sortBy"))
            case "sortorder": request.sortOrder = try Self.sortOrder(try Self.string(value, name: "sortOrder"))
            case "attributes": request.attributes = try Self.stringList(value, name: "attributes")
            case "excludedattributes": request.excludedAttributes = try Self.stringList(value, name: "excludedAttributes")
            case "cursor": request.cursor = try Self.string(value, name: "cursor")
            default: continue
            }
        }
        try request.validate()
        self = request
    }

    /// Largest `startIndex` kept as sent: far past any directory's size, and exact as a JSON number, so a page past
    /// the end echoes an integer (`9223372036854775807` would come back as `9.223372036854776e+18`).
    package static let maximumStartIndex = 2_147_483_647

    /// `startIndex` held to 1…`maximumStartIndex` (RFC 7644 §3.4.2.4: a value below 1 is 1).
    static func clampedStartIndex(_ value: Int) -> Int { min(max(1, value), maximumStartIndex) }

    /// Whether the request asks for cursor pagination (RFC 9865), rather than index pagination.
    package var usesCursor: Bool { cursor != nil }

    private func validate() throws(ScimError) {
        if cursor != nil, startIndex > 1 {
            throw .invalidValue("A request cannot combine 'cursor' with 'startIndex'; use one pagination method.")
        }
    }
}

// MARK: query string decoding

extension SearchRequest {
    /// Longest raw query accepted, in bytes (a filter of `FilterParser`'s maximum length, percent-encoded, fits).
    package static let maximumQueryLength = 256 * 1024

    /// The `name=value` pairs of a raw URL query, both form-decoded, in order; a pair without `=` has value `""`.
    /// Empty pairs (`a=1&&b=2`) are skipped. A malformed `%` escape, bytes that do not decode to UTF-8 and a NUL are
    /// refused: `invalidFilter` in the `filter` parameter (RFC 7644 §3.4.2.2's error for a filter that cannot be
    /// read), `invalidValue` in any other.
    package static func queryParameters(_ rawQuery: String?) throws(ScimError) -> [(name: String, value: String)] {
        guard var query = rawQuery, !query.isEmpty else { return [] }
        guard query.utf8.count <= maximumQueryLength else {
            throw .payloadTooLarge("The query string is \(query.utf8.count) bytes long; at most \(maximumQueryLength) are accepted.")
        }
        if query.hasPrefix("?") { query.removeFirst() }
        var result: [(name: String, value: String)] = []
        // Split on the bytes: `&` and `=` are ASCII, and splitting by characters would pay for grapheme breaking on
        // every list request.
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                name = query[pair.startIndex..<equals]
                value = query[pair.index(after: equals)..<pair.endIndex]
            } else {
                name = query[pair.startIndex..<pair.endIndex]
                value = ""
            }
            let decodedName = try formDecode(name)
            do {
                result.append((decodedName, try formDecode(value)))
            } catch {
                if decodedName.caseInsensitiveEquals("filter") { throw .invalidFilter("The filter parameter: \(error.detail)") }
                throw .invalidValue("The \(decodedName.prefix(64)) parameter: \(error.detail)")
            }
        }
        return result
    }

    /// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte. A `%` without two hex digits,
    /// bytes that are not UTF-8 and a NUL (`%00`) are `invalidValue`.
    package static func formDecode<S: StringProtocol>(_ text: S) throws(ScimError) -> String {
        // Most names and values (`excludedAttributes=members`, ids, counts) have nothing to decode.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                if iterator.count >= 2, let high = hexValue(iterator[iterator.startIndex]),
                    let low = hexValue(iterator[iterator.startIndex + 1])
                {
                    guard high != 0 || low != 0 else { throw .invalidValue("A NUL character (%00) is not accepted in a query.") }
                    bytes.append(high << 4 | low)
                    iterator.removeFirst(2)
                } else {
                    throw .invalidValue("'%' must be followed by two hexadecimal digits in a query (a literal '%' is written %25).")
                }
            default:
                bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidValue("The query is not valid percent-encoded UTF-8.")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

// MARK: value readers

extension SearchRequest {
    fileprivate static func nonBlank(_ text: String) -> String? {
        let trimmed = text.trimmingSpaces()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A sort order in any case; blank is nil.
    fileprivate static func sortOrder(_ text: String) throws(ScimError) -> SortOrder? {
        guard let text = nonBlank(text) else { return nil }
        return try SortOrder(parsing: text)
    }

    /// Most names in `attributes` or `excludedAttributes` (each schema's attributes and sub-attributes fit).
    package static let maximumAttributeNames = 200

    /// A comma-separated list, each name trimmed, empty names dropped; more than `maximumAttributeNames` is
    /// `invalidValue`, refused before the names are split.
    fileprivate static func list(_ text: String, name: String, adding existing: Int = 0) throws(ScimError) -> [String] {
        let commas = text.utf8.count(where: { $0 == UInt8(ascii: ",") })
        guard existing + commas < maximumAttributeNames else {
            throw .invalidValue("\(name) names more than \(maximumAttributeNames) attributes.")
        }
        return text.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// An integer from query text; blank is nil, out-of-range digits saturate, anything else is `invalidValue`.
    fileprivate static func integer(_ text: String, name: String) throws(ScimError) -> Int? {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { return nil }
        var digits = Substring(trimmed)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.unicodeScalars.allSatisfy(\.isASCIIDigit) else {
            throw .invalidValue("\(name) must be an integer, not '\(text)'.")
        }
        guard let magnitude = Int(digits) else { return negative ? Int.min : Int.max }
        return negative ? -magnitude : magnitude
    }

    /// An integer from a JSON body: an integral number or a numeric string.
    fileprivate static func integer(_ value: JSONValue, name: String) throws(ScimError) -> Int? {
        switch value {
        case .number(let number):
            guard number.isFinite, number.rounded() == number else {
                throw .invalidValue("\(name) must be an integer, not \(number).")
            }
            if number >= 9.0e18 { return Int.max }
            if number <= -9.0e18 { return Int.min }
            return Int(number)
        case .string(let text):
            return try integer(text, name: name)
        default:
            throw .invalidValue("\(name) must be an integer.")
        }
    }

    fileprivate static func string(_ value: JSONValue, name: String) throws(ScimError) -> String {
        guard case .string(let text) = value else { throw .invalidValue("\(name) must be a string.") }
        return text
    }

    fileprivate static func stringList(_ value: JSONValue, name: String) throws(ScimError) -> [String] {
        switch value {
        case .string(let text):
            return try list(text, name: name)
        case .array(let elements):
            var names: [String] = []
            for element in elements {
                guard case .string(let text) = element else { throw .invalidValue("\(name) must be an array of strings.") }
                names += try list(text, name: name, adding: names.count)
            }
            return names
        default:
            throw .invalidValue("\(name) must be an array of strings.")
        }
    }
}
