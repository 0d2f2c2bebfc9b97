import HTTPTypes

extension HTTPFields {
    /// The field's value, as `self[name]` gives it, without its cost on the hot path.
    ///
    /// `self[name]` joins the values of every field of that name through a lazy map, even when there is one, for
    /// every header read of every request. A request carries each of the headers the services
    /// read (`Authorization`, `X-Request-Id`, the internal credential, the rendering headers) at most once, so this
    /// returns the one value directly, and falls back to the joined value when there are several.
    package func value(of name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }
}
