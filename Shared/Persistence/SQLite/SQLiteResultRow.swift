import SQLKit
import SQLiteKit
import SQLiteNIO
import VaporCSQLite

/// The column names of a prepared statement, looked up by name; shared by all rows the statement returns.
package final class SQLiteColumnNames: Sendable {
    package let names: [String]
    private let positions: [String: Int]

    init(statement: OpaquePointer) {
        let names = (0..<sqlite_nio_sqlite3_column_count(statement)).map { column in
            sqlite_nio_sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
        }
        self.names = names
        var positions: [String: Int] = [:]
        for (position, name) in names.enumerated() where positions[name] == nil { positions[name] = position }
        self.positions = positions
    }

    func position(of name: String) -> Int? { positions[name] }
}

/// One result row, read the way SQLKit reads rows. The types the stores read (`String`, `Int`, `Bool` and their
/// optionals) are converted directly; anything else goes through SQLiteKit's `SQLiteDataDecoder`, as before.
package struct SQLiteResultRow: SQLRow {
    let columns: SQLiteColumnNames
    let values: [SQLiteData]

    package var allColumns: [String] { columns.names }

    package func contains(column: String) -> Bool { columns.position(of: column) != nil }

    package func decodeNil(column: String) throws -> Bool {
        guard let position = columns.position(of: column) else { return true }
        return values[position] == .null
    }

    package func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let position = columns.position(of: column) else {
            throw SQLiteFailure(code: SQLITE_MISUSE, message: "No column '\(column)' in the result.")
        }
        let value = values[position]
        switch value {
        case .text(let text):
            if let text = text as? D { return text }
        case .integer(let number):
            if D.self == Bool.self || D.self == Bool?.self, let flag = (number != 0) as? D { return flag }
            if let number = number as? D { return number }
        case .null:
            if let none = Optional<Never>.none as? D { return none }
        default:
            break
        }
        return try SQLiteDataDecoder().decode(D.self, from: value)
    }
}
