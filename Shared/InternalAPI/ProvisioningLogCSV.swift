import Foundation

/// The provisioning log as CSV (RFC 4180, `text/csv; charset=utf-8`): a header row, then one row per entry, every
/// line ending in CRLF. A cell holding a comma, a quote or a line break is quoted (quotes doubled); a cell a
/// spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
/// `'`. The bodies are not part of it (they are on each entry).
package enum ProvisioningLogCSV {
    package static let columns = [
        "time", "id", "requestId", "idp", "method", "path", "operation", "resourceType", "resourceId", "externalId", "userName",
        "displayName", "status", "httpStatus", "scimType", "detail", "changedAttributes", "tokenPrefix",
    ]

    package static var header: String { line(columns) }

    package static func row(_ entry: ProvisioningLogEntry) -> String {
        let isUser = entry.resourceType == "User"
        return line([
            entry.time, entry.id, entry.requestID, entry.idpID, entry.method, entry.path, entry.operation.rawValue,
            entry.resourceType ?? "", entry.resourceID ?? "", entry.externalID ?? "", isUser ? entry.displayName ?? "" : "",
            isUser ? "" : entry.displayName ?? "", entry.status.rawValue, String(entry.httpStatus), entry.scimType ?? "", entry.detail ?? "",
            entry.changedAttributes.joined(separator: " "), entry.tokenPrefix ?? "",
        ])
    }

    private static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    /// One cell, neutralized and quoted as needed.
    package static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { text = "'" + text }
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
