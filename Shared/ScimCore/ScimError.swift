/// A SCIM protocol error (RFC 7644 §3.12): an HTTP status, an optional `scimType` and a human-readable detail.
///
/// Every failure that reaches a client is one of these, rendered as the SCIM error body. Internal services
/// answer with the same body so the gateway can relay an error unchanged.
package struct ScimError: Error, Sendable, Hashable, Codable {
    package var status: Int
    package var scimType: ScimType?
    package var detail: String

    package init(status: Int, scimType: ScimType? = nil, detail: String) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    /// The `scimType` keywords of RFC 7644 Table 9, plus RFC 9865's cursor errors.
    package enum ScimType: String, Sendable, Hashable, Codable {
        case invalidFilter, tooMany, uniqueness, mutability, invalidSyntax, invalidPath, noTarget, invalidValue,
            invalidVers, sensitive, invalidCursor, expiredCursor
    }
}

extension ScimError {
    package static func invalidFilter(_ detail: String) -> Self { .init(status: 400, scimType: .invalidFilter, detail: detail) }
    package static func tooMany(_ detail: String) -> Self { .init(status: 400, scimType: .tooMany, detail: detail) }
    package static func uniqueness(_ detail: String) -> Self { .init(status: 409, scimType: .uniqueness, detail: detail) }
    package static func mutability(_ detail: String) -> Self { .init(status: 400, scimType: .mutability, detail: detail) }
    package static func invalidSyntax(_ detail: String) -> Self { .init(status: 400, scimType: .invalidSyntax, detail: detail) }
    package static func invalidPath(_ detail: String) -> Self { .init(status: 400, scimType: .invalidPath, detail: detail) }
    package static func noTarget(_ detail: String) -> Self { .init(status: 400, scimType: .noTarget, detail: detail) }
    package static func invalidValue(_ detail: String) -> Self { .init(status: 400, scimType: .invalidValue, detail: detail) }
    package static func invalidVersion(_ detail: String) -> Self { .init(status: 412, scimType: .invalidVers, detail: detail) }
    package static func notFound(_ detail: String) -> Self { .init(status: 404, detail: detail) }
    package static func unauthorized(_ detail: String) -> Self { .init(status: 401, detail: detail) }
    package static func forbidden(_ detail: String) -> Self { .init(status: 403, detail: detail) }
    package static func conflict(_ detail: String) -> Self { .init(status: 409, detail: detail) }
    package static func payloadTooLarge(_ detail: String) -> Self { .init(status: 413, detail: detail) }
    package static func tooManyRequests(_ detail: String) -> Self { .init(status: 429, detail: detail) }
    package static func internalError(_ detail: String) -> Self { .init(status: 500, detail: detail) }
    package static func unavailable(_ detail: String) -> Self { .init(status: 503, detail: detail) }
}

/// The JSON body of a SCIM error response (RFC 7644 §3.12): `status` is a string there.
package struct ScimErrorBody: Codable, Sendable, Hashable {
    package var schemas: [String]
    package var status: String
    package var scimType: ScimError.ScimType?
    package var detail: String?

    package init(_ error: ScimError) {
        self.schemas = [ScimSchemaURN.error]
        self.status = String(error.status)
        self.scimType = error.scimType
        self.detail = error.detail
    }

    /// The error this body describes; a status that is not a number reads as 500.
    package var error: ScimError {
        ScimError(status: Int(status) ?? 500, scimType: scimType, detail: detail ?? "")
    }
}
