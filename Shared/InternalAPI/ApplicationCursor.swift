import Foundation
import ScimCore

/// Where a page of the application API's read API continues (README "Application API: reading the directory"): a
/// keyset position, sent to clients as an opaque token (`next`) and read back from `cursor`.
///
/// The token is base64url (no padding) of a JSON array `[order, key, id]`: `order` names the sort the position
/// belongs to, `key` is the sort column's value of the last row returned (a stored timestamp; empty for members),
/// `id` that row's id. A token is at most ``maximumLength`` characters, and one of another order, of another shape
/// or not base64url is refused (400 `invalidCursor`), never passed on to storage.
package struct ApplicationCursor: Sendable, Hashable {
    /// The sort a position belongs to.
    package enum Order: String, Sendable, Hashable, CaseIterable {
        /// Users or groups by creation: `(created, id)`.
        case created = "c"
        /// Users by last change (`updatedSince`): `(last_modified, id)`.
        case updated = "u"
        /// A group's members by member id.
        case member = "m"
    }

    package var order: Order
    /// The sort column's value at the position (a stored ISO 8601 timestamp); empty for ``Order/member``.
    package var key: String
    package var id: String

    /// The longest token accepted, in bytes.
    package static let maximumLength = 1_024
    /// The longest `key` and `id` a position holds (stored timestamps and ids are far shorter).
    private static let maximumKeyLength = 64
    private static let maximumIDLength = 512

    package init(order: Order, key: String, id: String) {
        self.order = order
        self.key = key
        self.id = id
    }

    /// The opaque token.
    package var token: String {
        let text = JSONWriter.data(.array([.string(order.rawValue), .string(key), .string(id)]))
        return text.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token back; `expected` is the order of the request it continues.
    package init(token: String, expected: Order) throws(ScimError) {
        let refused = ScimError(
            status: 400,
            scimType: .invalidCursor,
            detail: "The cursor is not one this API issued for this request; start again without a cursor."
        )
        guard !token.isEmpty, token.utf8.count <= Self.maximumLength, token.utf8.allSatisfy(Self.isBase64URL) else { throw refused }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64), case .array(let fields)? = try? JSONValue.decode(data), fields.count == 3,
            let orderText = fields[0].stringValue, let order = Order(rawValue: orderText), order == expected,
            let key = fields[1].stringValue, let id = fields[2].stringValue,
            !id.isEmpty, id.utf8.count <= Self.maximumIDLength, key.utf8.count <= Self.maximumKeyLength,
            order == .member ? key.isEmpty : ApplicationTimestamp.normalized(key) != nil
        else { throw refused }
        self.init(order: order, key: key, id: id)
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

/// ISO 8601 timestamps as the directory stores them (UTC, milliseconds: `2026-01-02T03:04:05.678Z`), which sort as
/// text in time order.
package enum ApplicationTimestamp {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// `text` (ISO 8601 date and time, with or without fractional seconds, `Z` or an offset) in the stored form;
    /// nil when it is not such a timestamp. A fraction finer than milliseconds is rounded up, so that as a lower
    /// bound it keeps exactly the stored times at or after `text`.
    package static func normalized(_ text: String) -> String? {
        guard text.utf8.count <= 64, let date = (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text)) else { return nil }
        // The parsed seconds are a binary fraction (.678 may read as .67799…): a thousandth of a millisecond is
        // taken off before rounding up, so an exact millisecond stays itself.
        let total = date.timeIntervalSince1970 * 1_000 - 0.001
        guard total.isFinite, abs(total) < 1e15 else { return nil }
        let milliseconds = Int64(total.rounded(.up))
        let seconds = milliseconds >= 0 ? milliseconds / 1_000 : (milliseconds - 999) / 1_000
        let fraction = milliseconds - seconds * 1_000
        let whole = withoutFraction.format(Date(timeIntervalSince1970: Double(seconds)))
        guard whole.hasSuffix("Z") else { return nil }
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }
}
