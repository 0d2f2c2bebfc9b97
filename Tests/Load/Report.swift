import Foundation

/// A table of results: printed compactly on the terminal, or as Markdown for BENCHMARKS.md.
struct ReportTable {
    var title: String
    var columns: [String]
    var rows: [[String]] = []

    mutating func add(_ cells: String...) { rows.append(cells) }

    func text() -> String {
        let widths = columns.indices.map { column in
            ([columns[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == 0
                    ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: max(0, widths[index] - cell.count)) + cell
            }.joined(separator: "  ")
        }
        return ([title, line(columns), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))] + rows.map(line))
            .joined(separator: "\n")
    }

    func markdown() -> String {
        var lines = ["**\(title)**", "", "| " + columns.joined(separator: " | ") + " |"]
        lines.append("|" + columns.indices.map { $0 == 0 ? "---" : "---:" }.joined(separator: "|") + "|")
        lines += rows.map { "| " + $0.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n")
    }
}

enum Format {
    static func ms(_ value: Double) -> String {
        value.isNaN ? "–" : value < 10 ? String(format: "%.2f", value) : String(format: "%.1f", value)
    }
    static func rate(_ value: Double) -> String { String(format: "%.0f", value) }
    static func ratio(_ value: Double) -> String { value.isNaN ? "–" : String(format: "%.2fx", value) }
    static func seconds(_ duration: Duration) -> String { String(format: "%.1f s", duration.seconds) }
    static func cpu(_ milliseconds: Double?) -> String { milliseconds.map { String(format: "%.3f", $0) } ?? "–" }
}

/// Prints tables as they come, then all of them as Markdown at the end when asked.
final class Reporter {
    private var tables: [ReportTable] = []
    private var notes: [String] = []
    let markdown: Bool

    init(markdown: Bool) { self.markdown = markdown }

    func progress(_ line: String) { say(line) }

    func note(_ line: String) {
        notes.append(line)
        progress(line)
    }

    func table(_ table: ReportTable) {
        tables.append(table)
        say("\n" + table.text() + "\n")
    }

    func finish() {
        guard markdown else { return }
        say("\n----- Markdown -----\n")
        for note in notes { say("- \(note)") }
        say("")
        for table in tables { say(table.markdown() + "\n") }
    }
}

/// One line to standard output, unbuffered (progress shows up at once even when the output is piped to a file).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
