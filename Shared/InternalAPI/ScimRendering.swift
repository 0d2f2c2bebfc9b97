import ScimCore

/// Whom the directory renders a SCIM answer for: the gateway's client, who sees resources under `baseURL` and sent
/// `query`. The directory is the one place that turns a stored resource into what a client gets (`meta.location`,
/// each member's `$ref`, `attributes`/`excludedAttributes`), for writes as for reads, so that the gateway relays the
/// answer's bytes without decoding and re-encoding them.
///
/// On the wire the base URL is the one header ``baseHeader``; the query is the client's ``SearchRequest`` passed
/// whole as the URL query (``SearchRequest/rawQuery`` for a list, ``SearchRequest/projectionQuery`` for one
/// resource), which the directory parses as the gateway did. A request without the header gets the stored resource.
package struct ScimRendering: Sendable, Hashable {
    /// The public SCIM base URL of the identity provider, e.g. `https://scim.example.com/scim/v2/acme/okta`.
    package var baseURL: String
    /// The client's query: its projection, and for a list its filter, order and page (the page size already held to
    /// the advertised maximum).
    package var query: SearchRequest

    package static let baseHeader = "X-Provisio-Scim-Base"

    package init(baseURL: String, query: SearchRequest = SearchRequest()) {
        self.baseURL = baseURL
        self.query = query
    }
}

/// A SCIM answer as the directory rendered it: the final bytes, the resource's version (for `ETag`) when it is one
/// resource, its public location (for `Location`) when it was created, and for a write the top-level attributes it
/// changed (``ProvisioningHeaders/changedAttributes``; empty when it changed nothing, nil when the answer did not say).
package struct RenderedScim: Sendable {
    package var body: [UInt8]
    package var version: Int?
    package var location: String?
    package var changedAttributes: [String]?

    package init(body: [UInt8], version: Int?, location: String? = nil, changedAttributes: [String]? = nil) {
        self.body = body
        self.version = version
        self.location = location
        self.changedAttributes = changedAttributes
    }

    /// The id of a created resource: the last segment of its location (ids the directory issues are UUIDs, which
    /// need no encoding in a URL).
    package var createdID: String? {
        location.flatMap { $0.split(separator: "/").last.map(String.init) }
    }
}
