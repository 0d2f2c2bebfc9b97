import Foundation
import InternalAPI
import ServiceClients

/// How the console writes dates: UTC, to the minute (`2026-12-07 12:40 UTC`).
enum ConsoleFormat {
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d UTC",
            parts.year ?? 0,
            parts.month ?? 0,
            parts.day ?? 0,
            parts.hour ?? 0,
            parts.minute ?? 0
        )
    }

    static func date(_ date: Date?, none: String) -> String {
        date.map { Self.date($0) } ?? none
    }

    /// A provisioning summary's timestamp (ISO 8601 text) shortened the same way; the text as it is when unreadable.
    static func timestamp(_ text: String?, none: String) -> String {
        guard let text else { return none }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let parsed = formatter.date(from: text) { return Self.date(parsed) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Self.date($0) } ?? text
    }
}
