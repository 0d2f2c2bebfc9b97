import Foundation

/// SCIM resource versions as weak entity tags (RFC 7644 §3.14): `W/"3"`.
package enum ETag {
    package static func weak(_ version: Int) -> String { "W/\"\(version)\"" }

    /// The version an `If-Match`/`If-None-Match` value names, accepting weak and strong forms; nil for `*` or garbage.
    package static func version(from tag: String) -> Int? {
        var text = tag.trimmingSpaces()
        if text.hasPrefix("W/") { text.removeFirst(2) }
        guard text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 else { return nil }
        return Int(text.dropFirst().dropLast())
    }
}
