import Foundation

/// Human output: aligned columns, and `key: value` blocks.
enum TextTable {
    /// Rows under a header, each column as wide as its widest cell (the last column is not padded).
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            .joined(separator: "  ")
        }
        .joined(separator: "\n")
    }

    /// `key: value` lines with the values aligned.
    static func keyValues(_ pairs: [(String, String)]) -> String {
        let width = (pairs.map(\.0.count).max() ?? 0) + 1
        return pairs.map { ($0.0 + ":").padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }

    /// A JSON boolean as `yes` or `no` (absent: `no`).
    static func flag(_ value: Any?) -> String { (value as? Bool) == true ? "yes" : "no" }

    /// A JSON value as a cell: text as is, empty, `null` or absent as `-`, lists joined by commas (empty: `all`).
    static func cell(_ value: Any?, emptyList: String = "all") -> String {
        switch value {
        case let text as String: return text.isEmpty ? "-" : text
        case let list as [Any]: return list.isEmpty ? emptyList : list.map { cell($0) }.joined(separator: ",")
        case let number as Int: return String(number)
        case nil, is NSNull: return "-"
        case let other?: return "\(other)"
        }
    }
}
