/// What a SCIM endpoint supports, rendered as `/ServiceProviderConfig` (RFC 7643 §5) with RFC 9865 §5's
/// `pagination` block.
///
/// Defaults advertise only what Provisio serves today, because clients act on these flags: a client told
/// `cursor: true` may send `cursor=` and, getting an index page without `nextCursor`, stop after it (RFC 9865 §2.2
/// reads a missing `nextCursor` as the last page). So `bulk`, `sort`, `changePassword` and cursor pagination default
/// to off; turn each on where the composition root builds this value once the endpoint implements it.
package struct ServiceProviderCapabilities: Sendable, Hashable {
    /// RFC 7643 §5 `bulk`.
    package struct Bulk: Sendable, Hashable {
        package var supported: Bool
        package var maxOperations: Int
        /// Bytes.
        package var maxPayloadSize: Int

        package init(supported: Bool = false, maxOperations: Int = 1000, maxPayloadSize: Int = 4_194_304) {
            self.supported = supported
            self.maxOperations = maxOperations
            self.maxPayloadSize = maxPayloadSize
        }
    }

    /// RFC 7643 §5 `filter`.
    package struct Filter: Sendable, Hashable {
        package var supported: Bool
        /// The most resources one response returns (RFC 7644 §3.4.2.4 caps `count` at it).
        package var maxResults: Int

        package init(supported: Bool = true, maxResults: Int = 1000) {
            self.supported = supported
            self.maxResults = maxResults
        }
    }

    /// RFC 9865 §5 `defaultPaginationMethod`.
    package enum PaginationMethod: String, Sendable, Hashable, Codable {
        case index, cursor
    }

    /// RFC 9865 §5 `pagination`.
    package struct Pagination: Sendable, Hashable {
        package var cursor: Bool
        package var index: Bool
        /// The method used when a request names neither `startIndex` nor `cursor`; RFC 9865 asks providers that
        /// already paginate by index to keep index as the default, which is what Entra and Okta expect.
        package var defaultPaginationMethod: PaginationMethod
        package var defaultPageSize: Int
        package var maxPageSize: Int
        /// Seconds a cursor stays valid after it is issued.
        package var cursorTimeout: Int

        package init(
            cursor: Bool = false,
            index: Bool = true,
            defaultPaginationMethod: PaginationMethod = .index,
            defaultPageSize: Int = 100,
            maxPageSize: Int = 1000,
            cursorTimeout: Int = 3600
        ) {
            self.cursor = cursor
            self.index = index
            self.defaultPaginationMethod = defaultPaginationMethod
            self.defaultPageSize = defaultPageSize
            self.maxPageSize = maxPageSize
            self.cursorTimeout = cursorTimeout
        }
    }

    /// An element of RFC 7643 §5 `authenticationSchemes`.
    package struct AuthenticationScheme: Sendable, Hashable {
        /// `oauth`, `oauth2`, `oauthbearertoken`, `httpbasic` or `httpdigest` (RFC 7643 §5).
        package var type: String
        package var name: String
        package var description: String
        package var specUri: String?
        package var documentationUri: String?
        package var primary: Bool

        package init(type: String, name: String, description: String, specUri: String? = nil, documentationUri: String? = nil, primary: Bool = false)
        {
            self.type = type
            self.name = name
            self.description = description
            self.specUri = specUri
            self.documentationUri = documentationUri
            self.primary = primary
        }

        /// The bearer token an admin creates per identity provider (RFC 6750).
        package static let oauthBearerToken = AuthenticationScheme(
            type: "oauthbearertoken",
            name: "OAuth Bearer Token",
            description: "Authentication scheme using the OAuth Bearer Token Standard",
            specUri: "https://www.rfc-editor.org/info/rfc6750",
            primary: true
        )
    }

    package var documentationUri: String?
    package var patch: Bool
    package var bulk: Bulk
    package var filter: Filter
    package var changePassword: Bool
    package var sort: Bool
    package var etag: Bool
    package var pagination: Pagination
    package var authenticationSchemes: [AuthenticationScheme]

    package init(
        documentationUri: String? = nil,
        patch: Bool = true,
        bulk: Bulk = .init(),
        filter: Filter = .init(),
        changePassword: Bool = false,
        sort: Bool = false,
        etag: Bool = true,
        pagination: Pagination = .init(),
        authenticationSchemes: [AuthenticationScheme] = [.oauthBearerToken]
    ) {
        self.documentationUri = documentationUri
        self.patch = patch
        self.bulk = bulk
        self.filter = filter
        self.changePassword = changePassword
        self.sort = sort
        self.etag = etag
        self.pagination = pagination
        self.authenticationSchemes = authenticationSchemes
    }

    /// The page size for a request's `count`: the default page size when absent, never more than `maxPageSize` or
    /// `filter.maxResults` (RFC 7644 §3.4.2.4: a larger `count` is answered with at most the maximum).
    package func pageSize(for count: Int?) -> Int {
        let limit = min(pagination.maxPageSize, filter.maxResults)
        return min(max(0, count ?? pagination.defaultPageSize), limit)
    }

    /// The `/ServiceProviderConfig` resource (RFC 7643 §5, example §8.5; RFC 9865 §5), with
    /// `meta.location` `{baseURL}/ServiceProviderConfig`. It has no `id` (RFC 7643 §5 does not require one).
    package func serviceProviderConfig(baseURL: String) -> JSONValue {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var object: [String: JSONValue] = [
            "schemas": [.string(ScimSchemaURN.serviceProviderConfig)],
            "patch": ["supported": .bool(patch)],
            "bulk": [
                "supported": .bool(bulk.supported),
                "maxOperations": .number(Double(bulk.maxOperations)),
                "maxPayloadSize": .number(Double(bulk.maxPayloadSize)),
            ],
            "filter": ["supported": .bool(filter.supported), "maxResults": .number(Double(filter.maxResults))],
            "changePassword": ["supported": .bool(changePassword)],
            "sort": ["supported": .bool(sort)],
            "etag": ["supported": .bool(etag)],
            "pagination": [
                "cursor": .bool(pagination.cursor),
                "index": .bool(pagination.index),
                "defaultPaginationMethod": .string(pagination.defaultPaginationMethod.rawValue),
                "defaultPageSize": .number(Double(pagination.defaultPageSize)),
                "maxPageSize": .number(Double(pagination.maxPageSize)),
                "cursorTimeout": .number(Double(pagination.cursorTimeout)),
            ],
            "authenticationSchemes": .array(authenticationSchemes.map(Self.representation)),
            "meta": [
                "resourceType": "ServiceProviderConfig",
                "location": .string(base + "/ServiceProviderConfig"),
            ],
        ]
        if let documentationUri { object["documentationUri"] = .string(documentationUri) }
        return .object(object)
    }

    private static func representation(of scheme: AuthenticationScheme) -> JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(scheme.type),
            "name": .string(scheme.name),
            "description": .string(scheme.description),
            "primary": .bool(scheme.primary),
        ]
        if let specUri = scheme.specUri { object["specUri"] = .string(specUri) }
        if let documentationUri = scheme.documentationUri { object["documentationUri"] = .string(documentationUri) }
        return .object(object)
    }
}
