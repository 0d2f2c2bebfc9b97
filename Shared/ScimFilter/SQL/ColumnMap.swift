import ScimCore

/// A WHERE-clause fragment with `?` placeholders and the values to bind to them, in order.
///
/// Values are never interpolated into `sql`; the only literals in it are schema-derived JSON keys (checked against a
/// strict character set), `ESCAPE '\'`, `''`, `'{}'` and type names. Booleans bind as `JSONValue.bool`: bind them as
/// 1/0 on SQLite and as `boolean` on Postgres. dateTime values bind as canonical UTC strings (`ScimDateTime.canonical`).
package struct SQLFragment: Sendable, Equatable {
    package var sql: String
    package var binds: [JSONValue]

    package init(sql: String, binds: [JSONValue] = []) {
        self.sql = sql
        self.binds = binds
    }

    /// `fragments` joined by `keyword` (`AND`/`OR`) as a balanced tree of parenthesized pairs, built level by level:
    /// SQLite's parser nests a flat `a OR b OR c …` one level per term and refuses trees deeper than 1,000, so a long
    /// chain is grouped to a depth of log2 of its length instead. The bound values keep their order.
    package static func balanced(_ fragments: [SQLFragment], joinedBy keyword: String) -> SQLFragment {
        guard !fragments.isEmpty else { return SQLFragment(sql: keyword == "AND" ? "TRUE" : "FALSE") }
        var level = fragments
        while level.count > 1 {
            var next: [SQLFragment] = []
            next.reserveCapacity((level.count + 1) / 2)
            var index = 0
            while index < level.count {
                if index + 1 < level.count {
                    let (lhs, rhs) = (level[index], level[index + 1])
                    next.append(SQLFragment(sql: "(\(lhs.sql) \(keyword) \(rhs.sql))", binds: lhs.binds + rhs.binds))
                } else {
                    next.append(level[index])
                }
                index += 2
            }
            level = next
        }
        return level[0]
    }

    /// A piece of the fragment: SQL text, or the place of one bound value.
    package enum Part: Sendable, Equatable {
        case sql(String)
        case bind(JSONValue)
    }

    /// The fragment as SQL text and bound values in order, splitting at each `?` outside quoted literals.
    ///
    /// It scans the UTF-8 bytes (quotes and `?` are ASCII, which never occurs inside a multi-byte character) and
    /// copies each run of text at once rather than building the text character by character, on every filter.
    package var parts: [Part] {
        var parts: [Part] = []
        var binds = self.binds.makeIterator()
        var inSingle = false
        var inDouble = false
        let utf8 = sql.utf8
        var runStart = utf8.startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            switch utf8[index] {
            case UInt8(ascii: "'") where !inDouble: inSingle.toggle()
            case UInt8(ascii: "\"") where !inSingle: inDouble.toggle()
            case UInt8(ascii: "?") where !inSingle && !inDouble:
                parts.append(.sql(String(sql[runStart..<index])))
                parts.append(.bind(binds.next() ?? .null))
                runStart = utf8.index(after: index)
            default: break
            }
            index = utf8.index(after: index)
        }
        parts.append(.sql(String(sql[runStart..<index])))
        return parts
    }

    /// `sql` with `?` replaced by `$start`, `$start+1`, … (PostgresNIO), skipping `?` inside quoted literals.
    package func numberedPlaceholders(startingAt start: Int = 1) -> String {
        var out = ""
        var n = start
        for part in parts {
            switch part {
            case .sql(let text): out += text
            case .bind:
                out += "$\(n)"
                n += 1
            }
        }
        return out
    }
}

/// The SQL flavour to emit: SQLite (`json_extract`, `json_each`, `julianday`) or PostgreSQL (`jsonb` `->`/`->>`,
/// `jsonb_array_elements`, `timestamptz`).
package enum SQLDialect: Sendable, Hashable {
    case sqlite, postgres
}

/// How a dedicated column stores its value.
package enum ColumnStorage: Sendable, Hashable {
    /// Text as written. Case-insensitive comparisons use `lower(column)` and `lower(?)`.
    case text
    /// Text stored lower-cased by the writer with Swift's `String.lowercased()` (index-friendly). Compare values are
    /// lower-cased in Swift and compared directly, whatever the attribute's `caseExact`.
    case lowercasedText
    /// SQLite `INTEGER` 0/1, Postgres `boolean`.
    case boolean
    /// A number column (`INTEGER`/`REAL`, `numeric`).
    case number
    /// SQLite: ISO 8601 `TEXT` (any offset and precision), compared through `julianday()`.
    /// Postgres: `timestamptz`, compared against `CAST(? AS timestamptz)`.
    case dateTime
}

/// A column of a side table that holds one row per value of a multi-valued attribute.
package struct SideColumn: Sendable, Hashable {
    package var name: String
    package var storage: ColumnStorage

    package init(_ name: String, _ storage: ColumnStorage) {
        self.name = name
        self.storage = storage
    }
}

/// A side table with one row per element of a multi-valued attribute, e.g. `user_emails(user_id, value_lower, type)`.
package struct SideTable: Sendable, Hashable {
    /// The table name, e.g. `user_emails`.
    package var table: String
    /// Its column referencing the owning row, e.g. `user_id`.
    package var foreignKey: String
    /// The owning table's key as written in the outer query, e.g. `users.id`.
    package var ownerKey: String
    /// Columns by sub-attribute name, lower-cased (`"value"` → `value_lower`).
    package var columns: [String: SideColumn]
    /// Whether the resource JSON also holds every element, so sub-attributes without a column (`emails.primary`) can
    /// be answered from the JSON instead. When false, such filters are `invalidFilter`.
    package var jsonHoldsElements: Bool

    package init(table: String, foreignKey: String, ownerKey: String, columns: [String: SideColumn], jsonHoldsElements: Bool) {
        self.table = table
        self.foreignKey = foreignKey
        self.ownerKey = ownerKey
        self.columns = Dictionary(columns.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.jsonHoldsElements = jsonHoldsElements
    }

    func column(for subAttribute: String) -> SideColumn? { columns[subAttribute.lowercased()] }
}

/// Where an attribute lives in storage.
package enum ColumnMapping: Sendable, Hashable {
    /// A dedicated column of the main table, written as it must appear in SQL (`users.user_name_lower`).
    case column(String, ColumnStorage)
    /// Inside the resource JSON column (`ColumnMap.resourceColumn`) at its canonical path: core attributes at the top
    /// level, extension attributes under their URN key. The stored resource must be `SchemaRegistry.canonicalize`d so
    /// keys have the schema's spelling, and multi-valued attributes must be arrays.
    case json
    /// A multi-valued attribute with one row per element in a side table.
    case sideTable(SideTable)
}

/// The allow-list from attributes to storage. Throw `invalidFilter` for anything that must not be filtered on.
package protocol ColumnMap: Sendable {
    /// The main table's JSON column holding the canonical resource (SQLite `TEXT`, Postgres `jsonb`), e.g. `users.resource`.
    var resourceColumn: String { get }
    /// The storage of `resolved`. `path` is its canonical path (`emails.value`, `urn:…:User:department`); for a value
    /// filter `emails[…]` it is the attribute itself (`emails`).
    func column(for resolved: ResolvedAttribute, path: AttributePath) throws(ScimError) -> ColumnMapping
}
