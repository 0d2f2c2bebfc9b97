import Foundation

/// What a SCIM request did, as the provisioning log records it (README "Provisioning log").
package enum ProvisioningOperation: String, Codable, Sendable, Hashable, CaseIterable {
    case create, replace, update, delete, deactivate, reactivate
    case memberAdd = "member_add"
    case memberRemove = "member_remove"
    case read, search, bulk, auth
}

/// How a logged request ended: `skipped` is a change that changed nothing.
package enum ProvisioningStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case success, failure, skipped
}

/// One entry of a tenant's provisioning log: a SCIM request (or one Bulk operation) that changed or tried to change
/// the directory, or any SCIM request that failed. The gateway writes it; the directory stores it. Bodies are
/// redacted and capped before they leave the gateway: no password, no token or secret, at most 8 KB each.
package struct ProvisioningLogEntry: Codable, Sendable, Hashable {
    /// A UUID the gateway gives the entry.
    package var id: String
    /// ISO 8601 UTC with milliseconds (the time the request arrived).
    package var time: String
    /// The request's `X-Request-Id`.
    package var requestID: String
    package var tenantID: String
    package var idpID: String
    package var method: String
    /// The request's path (never its query: a filter can name a person).
    package var path: String
    package var operation: ProvisioningOperation
    /// `User`, `Group`, or nil (an authentication failure, a Bulk request as a whole).
    package var resourceType: String?
    package var resourceID: String?
    package var externalID: String?
    /// A user's `userName` or a group's `displayName`.
    package var displayName: String?
    package var status: ProvisioningStatus
    package var httpStatus: Int
    package var scimType: String?
    /// The error text the IdP got.
    package var detail: String?
    package var changedAttributes: [String]
    /// The request body, redacted and capped.
    package var requestBody: String?
    /// The error answer, redacted and capped (nil on success).
    package var responseBody: String?
    /// An authentication failure's token, by its first characters only (`pvs_1a2b`), never the token.
    package var tokenPrefix: String?

    package init(
        id: String,
        time: String,
        requestID: String,
        tenantID: String,
        idpID: String,
        method: String,
        path: String,
        operation: ProvisioningOperation,
        resourceType: String? = nil,
        resourceID: String? = nil,
        externalID: String? = nil,
        displayName: String? = nil,
        status: ProvisioningStatus,
        httpStatus: Int,
        scimType: String? = nil,
        detail: String? = nil,
        changedAttributes: [String] = [],
        requestBody: String? = nil,
        responseBody: String? = nil,
        tokenPrefix: String? = nil
    ) {
        self.id = id
        self.time = time
        self.requestID = requestID
        self.tenantID = tenantID
        self.idpID = idpID
        self.method = method
        self.path = path
        self.operation = operation
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.externalID = externalID
        self.displayName = displayName
        self.status = status
        self.httpStatus = httpStatus
        self.scimType = scimType
        self.detail = detail
        self.changedAttributes = changedAttributes
        self.requestBody = requestBody
        self.responseBody = responseBody
        self.tokenPrefix = tokenPrefix
    }
}

/// Successful SCIM reads of one IdP in one minute: counted, not logged one by one.
package struct ProvisioningReadCount: Codable, Sendable, Hashable {
    package var tenantID: String
    package var idpID: String
    /// The minute's start, ISO 8601 UTC (`2026-12-07T10:15:00.000Z`).
    package var minute: String
    package var count: Int

    package init(tenantID: String, idpID: String, minute: String, count: Int) {
        self.tenantID = tenantID
        self.idpID = idpID
        self.minute = minute
        self.count = count
    }
}

/// What a gateway sends the directory at once (`POST /internal/v1/provisioning-log`): at most
/// ``maximumEntries`` entries, sent at least once a second while there are any.
package struct ProvisioningLogBatch: Codable, Sendable, Hashable {
    package static let maximumEntries = 500
    package var entries: [ProvisioningLogEntry]
    package var reads: [ProvisioningReadCount]

    package init(entries: [ProvisioningLogEntry], reads: [ProvisioningReadCount] = []) {
        self.entries = entries
        self.reads = reads
    }
}

/// The per-IdP summary an admin sees on the IdP (`provisioning` on `GET /admin/v1/tenants/{t}/idps/{i}` and the list).
package struct ProvisioningSummary: Codable, Sendable, Hashable {
    package struct Counts: Codable, Sendable, Hashable {
        package var success: Int
        package var failure: Int
        package var skipped: Int

        package init(success: Int = 0, failure: Int = 0, skipped: Int = 0) {
            self.success = success
            self.failure = failure
            self.skipped = skipped
        }
    }

    package var lastRequestAt: String?
    package var lastSuccessAt: String?
    package var lastFailureAt: String?
    package var last24h: Counts
    /// The last failure's detail.
    package var lastError: String?

    package init(
        lastRequestAt: String? = nil,
        lastSuccessAt: String? = nil,
        lastFailureAt: String? = nil,
        last24h: Counts = Counts(),
        lastError: String? = nil
    ) {
        self.lastRequestAt = lastRequestAt
        self.lastSuccessAt = lastSuccessAt
        self.lastFailureAt = lastFailureAt
        self.last24h = last24h
        self.lastError = lastError
    }

    /// Every field, a missing one as `null`: an admin sees the summary's whole shape before its IdP's first request.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lastRequestAt, forKey: .lastRequestAt)
        try container.encode(lastSuccessAt, forKey: .lastSuccessAt)
        try container.encode(lastFailureAt, forKey: .lastFailureAt)
        try container.encode(last24h, forKey: .last24h)
        try container.encode(lastError, forKey: .lastError)
    }
}

/// The header on the directory's answer to a SCIM write saying which attributes it changed (comma-separated SCIM
/// attribute paths); empty on a write that changed nothing. The gateway logs it as `changedAttributes`, and an
/// empty one as `skipped`.
package enum ProvisioningHeaders {
    package static let changedAttributes = "X-Provisio-Changed-Attributes"
    /// Names in one header at most; past them the list ends with `…`.
    package static let maximumChangedAttributes = 50
    /// Bytes of the header at most (a name longer than that is cut).
    package static let maximumChangedAttributesLength = 4_096

    /// The header's value for `names`: comma-separated, at most ``maximumChangedAttributes`` names then `…`.
    package static func changedAttributesValue(_ names: [String]) -> String {
        var value = names.prefix(maximumChangedAttributes).joined(separator: ",")
        if names.count > maximumChangedAttributes { value += ",…" }
        if value.utf8.count > maximumChangedAttributesLength {
            value = String(decoding: value.utf8.prefix(maximumChangedAttributesLength), as: UTF8.self) + "…"
        }
        return value
    }

    /// The names a header's value lists (`…` included when the list was cut); at most one more than the maximum.
    package static func changedAttributes(from value: String) -> [String] {
        value.utf8.prefix(maximumChangedAttributesLength + 8).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true)
            .prefix(maximumChangedAttributes + 1)
            .map { String(decoding: trimmingSpaces($0), as: UTF8.self) }
            .filter { !$0.isEmpty }
    }

    /// The name without the spaces around it (bytes: Foundation's character sets cost a sync's gateway 4 % here).
    private static func trimmingSpaces(_ name: Substring.UTF8View) -> Substring.UTF8View {
        var name = name
        while name.first == UInt8(ascii: " ") || name.first == UInt8(ascii: "\t") { name = name.dropFirst() }
        while name.last == UInt8(ascii: " ") || name.last == UInt8(ascii: "\t") { name = name.dropLast() }
        return name
    }
}
