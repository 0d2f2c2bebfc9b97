import ScimCore

/// A page request of a tenant's provisioning log (`GET /admin/v1/tenants/{tenant}/provisioning-log?idp=&status=
/// &operation=&since=&until=&q=&cursor=&limit=`, and `format=` on the gateway), read from its query and bounded
/// before anything is scanned: the query at most 8 KiB, no control characters, each name once, unknown names 400.
///
/// `since` is inclusive, `until` exclusive; `q` (at most ``maximumTextLength`` characters) is a case-insensitive
/// substring of the userName or displayName, externalId, resourceId, requestId or detail.
package struct ProvisioningLogQuery: Sendable, Hashable {
    /// A download instead of a page (the gateway only).
    package enum Format: String, Sendable, Hashable {
        case csv, json
    }

    package var idpID: String?
    package var status: ProvisioningStatus?
    package var operation: ProvisioningOperation?
    package var since: String?
    package var until: String?
    package var text: String?
    package var cursor: ProvisioningLogCursor?
    package var limit: Int
    package var format: Format?

    package static let defaultLimit = 50
    package static let maximumLimit = 500
    package static let maximumTextLength = 200
    private static let maximumIDLength = 128
    private static let names: Set<String> = ["idp", "status", "operation", "since", "until", "q", "cursor", "limit"]

    package init(
        idpID: String? = nil,
        status: ProvisioningStatus? = nil,
        operation: ProvisioningOperation? = nil,
        since: String? = nil,
        until: String? = nil,
        text: String? = nil,
        cursor: ProvisioningLogCursor? = nil,
        limit: Int = defaultLimit,
        format: Format? = nil
    ) {
        self.idpID = idpID
        self.status = status
        self.operation = operation
        self.since = since
        self.until = until
        self.text = text
        self.cursor = cursor
        self.limit = limit
        self.format = format
    }

    /// Reads the query; `allowsFormat` accepts `format=csv|json` too (the gateway's download).
    package init(rawQuery: String?, allowsFormat: Bool = false) throws(ScimError) {
        let parameters = try ApplicationQueryParameters(rawQuery, accepted: allowsFormat ? Self.names.union(["format"]) : Self.names)
        self.init()
        if let idp = try parameters.text("idp") {
            guard idp.utf8.count <= Self.maximumIDLength else { throw .invalidValue("'idp' must name an identity provider.") }
            idpID = idp
        }
        if let value = try parameters.text("status") {
            guard let status = ProvisioningStatus(rawValue: value) else {
                throw .invalidValue("Unknown status '\(value.prefix(64))'; the statuses are \(Self.list(ProvisioningStatus.allCases)).")
            }
            self.status = status
        }
        if let value = try parameters.text("operation") {
            guard let operation = ProvisioningOperation(rawValue: value) else {
                throw .invalidValue("Unknown operation '\(value.prefix(64))'; the operations are \(Self.list(ProvisioningOperation.allCases)).")
            }
            self.operation = operation
        }
        since = try parameters.timestamp("since")
        until = try parameters.timestamp("until")
        if let text = try parameters.text("q") {
            guard text.count <= Self.maximumTextLength else {
                throw .invalidValue("The query parameter 'q' is longer than \(Self.maximumTextLength) characters.")
            }
            self.text = text
        }
        if let token = try parameters.text("cursor") { cursor = try ProvisioningLogCursor(token: token) }
        if let value = try parameters.text("limit") {
            guard value.utf8.count <= 4, let number = Int(value), (1...Self.maximumLimit).contains(number) else {
                throw .invalidValue("The query parameter 'limit' must be a whole number from 1 to \(Self.maximumLimit).")
            }
            limit = number
        }
        if let value = try parameters.text("format") {
            guard let format = Format(rawValue: value) else { throw .invalidValue("The query parameter 'format' must be csv or json.") }
            self.format = format
        }
    }

    /// The query as the directory reads it (everything but `format`), percent-encoded.
    package var rawQuery: String {
        let items: [(String, String?)] = [
            ("idp", idpID), ("status", status?.rawValue), ("operation", operation?.rawValue), ("since", since), ("until", until),
            ("q", text), ("cursor", cursor?.token), ("limit", limit == Self.defaultLimit ? nil : String(limit)),
        ]
        return items.compactMap { name, value in value.map { "\(name)=\(PercentEncoding.encode($0))" } }.joined(separator: "&")
    }

    private static func list<T: RawRepresentable<String>>(_ values: [T]) -> String {
        values.map(\.rawValue).joined(separator: ", ")
    }
}
