import ScimCore

/// The query parameters of a read API request, measured before they are read: the whole query at most
/// ``maximumQueryLength`` bytes, each value at most ``maximumValueLength``; only the names a route accepts (exact
/// case), each at most once, without control characters. An empty value reads as absent. Every refusal is 400 `invalidValue` naming the
/// parameter.
struct ApplicationQueryParameters {
    static let maximumQueryLength = 8_192
    static let maximumValueLength = 1_024

    private var values: [String: String]

    init(_ rawQuery: String?, accepted: Set<String>) throws(ScimError) {
        guard (rawQuery?.utf8.count ?? 0) <= Self.maximumQueryLength else {
            throw .invalidValue("The query string is longer than \(Self.maximumQueryLength) bytes.")
        }
        values = [:]
        for (name, value) in try SearchRequest.queryParameters(rawQuery) {
            guard accepted.contains(name) else {
                let known = accepted.isEmpty ? "takes none" : "accepts " + accepted.sorted().joined(separator: ", ")
                throw .invalidValue("Unknown query parameter '\(name.prefix(64))'; this endpoint \(known).")
            }
            guard values[name] == nil else { throw .invalidValue("The query parameter '\(name)' is given more than once.") }
            guard value.utf8.count <= Self.maximumValueLength else {
                throw .invalidValue("The query parameter '\(name)' is longer than \(Self.maximumValueLength) bytes.")
            }
            // What the gateway forwards is read again by the directory, which refuses a `%00`: so is a raw one here.
            guard !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
                throw .invalidValue("The query parameter '\(name)' must not contain control characters.")
            }
            values[name] = value
        }
    }

    /// A text value; nil when absent or empty.
    func text(_ name: String) throws(ScimError) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    /// `true` or `false`.
    func flag(_ name: String) throws(ScimError) -> Bool? {
        switch try text(name) {
        case nil: return nil
        case "true"?: return true
        case "false"?: return false
        default: throw .invalidValue("The query parameter '\(name)' must be true or false.")
        }
    }

    /// An ISO 8601 date and time, in the stored form.
    func timestamp(_ name: String) throws(ScimError) -> String? {
        guard let value = try text(name) else { return nil }
        guard let normalized = ApplicationTimestamp.normalized(value) else {
            throw .invalidValue("The query parameter '\(name)' must be an ISO 8601 date and time, such as 2026-01-31T12:00:00Z.")
        }
        return normalized
    }

    /// `cursor` (of `order`) and `limit`.
    func page(order: ApplicationCursor.Order) throws(ScimError) -> ApplicationPage {
        var page = ApplicationPage()
        if let limit = try text("limit") {
            guard limit.utf8.count <= 4, let number = Int(limit), (1...ApplicationPage.maximumLimit).contains(number) else {
                throw .invalidValue("The query parameter 'limit' must be a whole number from 1 to \(ApplicationPage.maximumLimit).")
            }
            page.limit = number
        }
        if let token = try text("cursor") { page.cursor = try ApplicationCursor(token: token, expected: order) }
        return page
    }

    /// `items` that have a value, then `cursor` and `limit`, percent-encoded.
    static func encode(_ items: [(String, String?)], page: ApplicationPage) -> String {
        var all = items
        all += [("cursor", page.cursor?.token), ("limit", page.limit == ApplicationPage.defaultLimit ? nil : String(page.limit))]
        return all.compactMap { name, value in value.map { "\(name)=\(PercentEncoding.encode($0))" } }.joined(separator: "&")
    }
}
