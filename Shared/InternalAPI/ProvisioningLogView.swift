/// One entry of the provisioning log as an admin reads it (README "Provisioning log"): `userName` for a user's
/// entry, `displayName` otherwise; missing values are `null`; `tokenPrefix` only on an authentication failure that
/// named a token. A list page leaves the two bodies out (a page of 500
/// entries would carry up to 8 MB of them); one entry (`…/provisioning-log/{id}`) has them.
package struct ProvisioningLogView: Codable, Sendable, Hashable {
    package var entry: ProvisioningLogEntry
    /// Whether `requestBody` and `responseBody` are part of the answer.
    package var includesBodies: Bool

    package init(entry: ProvisioningLogEntry, includesBodies: Bool) {
        self.entry = entry
        self.includesBodies = includesBodies
    }

    /// The name shown for the entry's resource: `userName` for users, `displayName` for everything else.
    package var nameKey: String { entry.resourceType == "User" ? "userName" : "displayName" }

    private enum Keys: String, CodingKey {
        case id, time, requestId, idp, method, path, operation, resourceType, resourceId, externalId, userName, displayName
        case status, httpStatus, scimType, detail, changedAttributes, requestBody, responseBody, tokenPrefix
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(entry.id, forKey: .id)
        try container.encode(entry.time, forKey: .time)
        try container.encode(entry.requestID, forKey: .requestId)
        try container.encode(entry.idpID, forKey: .idp)
        try container.encode(entry.method, forKey: .method)
        try container.encode(entry.path, forKey: .path)
        try container.encode(entry.operation, forKey: .operation)
        try container.encode(entry.resourceType, forKey: .resourceType)
        try container.encode(entry.resourceID, forKey: .resourceId)
        try container.encode(entry.externalID, forKey: .externalId)
        try container.encode(entry.displayName, forKey: entry.resourceType == "User" ? .userName : .displayName)
        try container.encode(entry.status, forKey: .status)
        try container.encode(entry.httpStatus, forKey: .httpStatus)
        try container.encode(entry.scimType, forKey: .scimType)
        try container.encode(entry.detail, forKey: .detail)
        try container.encode(entry.changedAttributes, forKey: .changedAttributes)
        try container.encodeIfPresent(entry.tokenPrefix, forKey: .tokenPrefix)
        if includesBodies {
            try container.encode(entry.requestBody, forKey: .requestBody)
            try container.encode(entry.responseBody, forKey: .responseBody)
        }
    }

    /// Reads what ``encode(to:)`` wrote (the gateway's download, the CLI's tests); the tenant is not part of it.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let requestBody = try container.decodeIfPresent(String.self, forKey: .requestBody)
        let responseBody = try container.decodeIfPresent(String.self, forKey: .responseBody)
        includesBodies = container.contains(.requestBody) || container.contains(.responseBody)
        entry = ProvisioningLogEntry(
            id: try container.decode(String.self, forKey: .id),
            time: try container.decode(String.self, forKey: .time),
            requestID: try container.decode(String.self, forKey: .requestId),
            tenantID: "",
            idpID: try container.decode(String.self, forKey: .idp),
            method: try container.decode(String.self, forKey: .method),
            path: try container.decode(String.self, forKey: .path),
            operation: try container.decode(ProvisioningOperation.self, forKey: .operation),
            resourceType: try container.decodeIfPresent(String.self, forKey: .resourceType),
            resourceID: try container.decodeIfPresent(String.self, forKey: .resourceId),
            externalID: try container.decodeIfPresent(String.self, forKey: .externalId),
            displayName: try container.decodeIfPresent(String.self, forKey: .userName)
                ?? container.decodeIfPresent(String.self, forKey: .displayName),
            status: try container.decode(ProvisioningStatus.self, forKey: .status),
            httpStatus: try container.decode(Int.self, forKey: .httpStatus),
            scimType: try container.decodeIfPresent(String.self, forKey: .scimType),
            detail: try container.decodeIfPresent(String.self, forKey: .detail),
            changedAttributes: try container.decodeIfPresent([String].self, forKey: .changedAttributes) ?? [],
            requestBody: requestBody,
            responseBody: responseBody,
            tokenPrefix: try container.decodeIfPresent(String.self, forKey: .tokenPrefix)
        )
    }
}

/// A page of the provisioning log: `{"entries": [...], "next": cursor or null}`, newest first.
package struct ProvisioningLogPage: Codable, Sendable, Hashable {
    package var entries: [ProvisioningLogView]
    package var next: String?

    package init(entries: [ProvisioningLogView], next: String?) {
        self.entries = entries
        self.next = next
    }

    private enum Keys: String, CodingKey { case entries, next }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(entries, forKey: .entries)
        try container.encode(next, forKey: .next)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        entries = try container.decode([ProvisioningLogView].self, forKey: .entries)
        next = try container.decodeIfPresent(String.self, forKey: .next)
    }
}

/// The per-IdP summaries of a tenant (`GET /internal/v1/tenants/{t}/provisioning-summary`), keyed by IdP id; an IdP
/// that has sent nothing yet has an empty summary.
package struct ProvisioningSummaries: Codable, Sendable, Hashable {
    package var idps: [String: ProvisioningSummary]

    package init(idps: [String: ProvisioningSummary]) {
        self.idps = idps
    }
}
