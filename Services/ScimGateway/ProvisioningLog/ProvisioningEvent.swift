import Foundation
import InternalAPI
import ProvisioningLog
import ScimCore
import ServiceKit

/// A logged SCIM request (or one Bulk operation) as the request path hands it over: raw, so that the request pays for
/// no classification, redaction or serialization. ``entry(id:)`` makes the ``ProvisioningLogEntry`` off the request
/// path, in ``ProvisioningLogShipper``.
struct ProvisioningEvent: Sendable {
    var time: Date
    var requestID: String
    var tenantID: String
    var idpID: String
    var method: String
    var path: String
    var notes: ProvisioningRecord.Notes
    var httpStatus: Int
    var error: ScimError?
    /// A failure before the token authenticated (401, 429): logged as `auth`, naming the token by its prefix only.
    var isAuthenticationFailure = false
    var tokenPrefix: String?
    /// A Bulk request that failed as a whole (its operations, when it ran them, are entries of their own).
    var isBulkRequest = false

    var isFailure: Bool { httpStatus >= 400 }

    /// The entry, its request body kept for a failure (where it shows the cause) and, with `keepsSuccessBody`, for a
    /// success too (`PROVISIONING_LOG_SUCCESS_BODIES`: a sync then writes about twice the bytes, README).
    func entry(id: String, keepsSuccessBody: Bool = false) -> ProvisioningLogEntry {
        let body: JSONValue? = if case .json(let value) = notes.body { value } else { nil }
        // A request refused before its handler named the resource (a body that is not JSON): named by its path.
        let resourceType = notes.resourceType ?? (isAuthenticationFailure ? nil : Self.resourceType(ofPath: path))
        let classification = ProvisioningClassifier.classify(
            method: method,
            resourceType: resourceType,
            body: body,
            changedAttributes: notes.changedAttributes
        )
        let operation: ProvisioningOperation =
            isAuthenticationFailure ? .auth : isBulkRequest ? .bulk : classification.operation
        let status: ProvisioningStatus =
            if isFailure { .failure } else if notes.changedAttributes?.isEmpty == true { .skipped } else { .success }
        return ProvisioningLogEntry(
            id: id,
            time: ProvisioningTime.string(from: time),
            requestID: requestID,
            tenantID: tenantID,
            idpID: idpID,
            method: method,
            path: Self.cleaned(path),
            operation: operation,
            resourceType: resourceType,
            resourceID: notes.resourceID.map(Self.cleaned),
            externalID: classification.externalID.map(Self.cleaned),
            displayName: classification.displayName.map(Self.cleaned),
            status: status,
            httpStatus: httpStatus,
            scimType: error?.scimType?.rawValue,
            detail: error.map { ProvisioningRedaction.redact(text: $0.detail) },
            changedAttributes: notes.changedAttributes ?? [],
            requestBody: isFailure || keepsSuccessBody ? notes.body.map(Self.kept) : nil,
            responseBody: isFailure ? error.map(Self.answer) : nil,
            tokenPrefix: tokenPrefix
        )
    }

    /// `User` for `/scim/v2/{tenant}/{idp}/Users[/…]` (or a Bulk operation's `/Users[/…]`), `Group` for `Groups`.
    static func resourceType(ofPath path: String) -> String? {
        let segments = path.split(separator: "/", maxSplits: 6, omittingEmptySubsequences: true)
        let endpoint = segments.count >= 5 && segments[0] == "scim" ? segments[4] : segments.first
        return endpoint.flatMap { ScimResourceType(endpoint: String($0)) }?.name
    }

    /// A name or path the client chose, unless it looks like a credential (no secret is logged in any field).
    static func cleaned(_ text: String) -> String {
        ProvisioningRedaction.looksLikeCredential(text) ? ProvisioningRedaction.redacted : text
    }

    static func kept(_ body: ProvisioningRecord.CapturedBody) -> String {
        switch body {
        case .json(let value): ProvisioningRedaction.redact(value)
        case .notJSON(let count): ProvisioningRedaction.placeholder(notJSONBytes: count)
        }
    }

    /// The error answer the client got, redacted like a body.
    static func answer(_ error: ScimError) -> String {
        var members: [String: JSONValue] = [
            "schemas": [.string(ScimSchemaURN.error)], "status": .string(String(error.status)), "detail": .string(error.detail),
        ]
        if let type = error.scimType { members["scimType"] = .string(type.rawValue) }
        return ProvisioningRedaction.redact(.object(members))
    }
}

/// The log's times: ISO 8601 UTC with milliseconds, like every stored time.
enum ProvisioningTime {
    private static let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func string(from date: Date) -> String { format.format(date) }

    /// The start of the minute `minute` (minutes since 1970), for read counts.
    static func minuteString(_ minute: Int) -> String { string(from: Date(timeIntervalSince1970: TimeInterval(minute) * 60)) }

    static func minute(of date: Date) -> Int { Int((date.timeIntervalSince1970 / 60).rounded(.down)) }
}
