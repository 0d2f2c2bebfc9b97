import Foundation

/// Timestamps are stored as ISO 8601 text in UTC with milliseconds (`2026-11-22T12:00:00.000Z`): sortable as
/// text, readable in both SQLite and PostgreSQL, and exactly what SCIM's `meta.created` wants.
package enum Timestamp {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    package static func string(from date: Date) -> String { withFraction.format(date) }

    package static func now() -> String { string(from: Date()) }

    package static func date(from text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
    }
}
