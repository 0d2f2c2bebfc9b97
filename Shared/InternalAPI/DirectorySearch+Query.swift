import ScimCore

/// A list request in a URL query instead of a JSON body: `GET …/users?filter=…&startIndex=1&count=100`.
///
/// Reads are most of what IdPs send, and an IdP looks a user up by `userName` before every create. Sent as a POST,
/// each one cost the gateway a JSON encode and async-http-client's body streaming (about 5 % of its CPU on a
/// filter) and the directory a JSON decode. Values are not encoded here; the client percent-encodes them.
extension DirectorySearch {
    /// The query's names and values, in a fixed order; defaults (`descending=false`, `includeMembers=true`) are left
    /// out. A present but empty `filter` or `cursor` (the first cursor page) is kept as an empty value.
    package var queryItems: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let filter { items.append(("filter", filter)) }
        items.append(("startIndex", String(startIndex)))
        items.append(("count", String(count)))
        if let sortBy { items.append(("sortBy", sortBy)) }
        if descending { items.append(("descending", "true")) }
        if let cursor { items.append(("cursor", cursor)) }
        if !includeMembers { items.append(("includeMembers", "false")) }
        return items
    }

    /// Reads the query back; `value` answers a name with its percent-decoded value, nil when absent. A number or a
    /// flag that does not parse is `400 invalidValue`.
    package init(query value: (String) -> String?) throws(ScimError) {
        func integer(_ name: String, otherwise fallback: Int) throws(ScimError) -> Int {
            guard let text = value(name) else { return fallback }
            guard let number = Int(text) else { throw ScimError.invalidValue("The list parameter '\(name)' must be an integer, not '\(text)'.") }
            return number
        }
        func flag(_ name: String, otherwise fallback: Bool) throws(ScimError) -> Bool {
            switch value(name) {
            case nil: return fallback
            case "true": return true
            case "false": return false
            case let text?: throw ScimError.invalidValue("The list parameter '\(name)' must be true or false, not '\(text)'.")
            }
        }
        self.init(
            filter: value("filter"), startIndex: try integer("startIndex", otherwise: 1), count: try integer("count", otherwise: 100),
            sortBy: value("sortBy"), descending: try flag("descending", otherwise: false), cursor: value("cursor"),
            includeMembers: try flag("includeMembers", otherwise: true))
    }
}
