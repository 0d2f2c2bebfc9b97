import Foundation
import ScimCore

/// Where a page of a tenant's provisioning log continues (README "Provisioning log"): the `(time, id)` of the last
/// entry returned, newest first, sent as an opaque token (`next`) and read back from `cursor`.
///
/// The token is base64url (no padding) of the JSON array `["p", time, id]`. One of another shape, too long, or not
/// base64url is refused (400 `invalidCursor`) before anything is scanned.
package struct ProvisioningLogCursor: Sendable, Hashable {
    /// A stored timestamp (ISO 8601 UTC with milliseconds).
    package var time: String
    package var id: String

    /// The longest token accepted, in bytes.
    package static let maximumLength = 512
    private static let maximumIDLength = 128

    package init(time: String, id: String) {
        self.time = time
        self.id = id
    }

    /// The opaque token.
    package var token: String {
        let text = JSONWriter.data(.array([.string("p"), .string(time), .string(id)]))
        return text.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token back.
    package init(token: String) throws(ScimError) {
        let refused = ScimError(
            status: 400,
            scimType: .invalidCursor,
            detail: "The cursor is not one this log issued; start again without a cursor."
        )
        guard !token.isEmpty, token.utf8.count <= Self.maximumLength, token.utf8.allSatisfy(Self.isBase64URL) else { throw refused }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64), case .array(let fields)? = try? JSONValue.decode(data), fields.count == 3,
            fields[0].stringValue == "p", let time = fields[1].stringValue, let id = fields[2].stringValue,
            !id.isEmpty, id.utf8.count <= Self.maximumIDLength, ApplicationTimestamp.normalized(time) == time
        else { throw refused }
        self.init(time: time, id: id)
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
