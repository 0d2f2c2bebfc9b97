import ScimCore

/// Translates a filter into a WHERE-clause fragment for SQLite or PostgreSQL (parse → validate → translate).
///
/// The filter is validated first (`FilterValidator`), then every attribute goes through the `ColumnMap` allow-list.
/// Semantics match `FilterEvaluator`:
/// - case-insensitive strings: `lower(x) = lower(?)`, or a pre-lowered column against a value lower-cased in Swift;
///   `caseExact` strings compare as stored (SQLite `co`/`sw`/`ew` use `instr`/`substr`, as its `LIKE` ignores case);
/// - `co`/`sw`/`ew` otherwise use `LIKE ? ESCAPE '\'` with `%`, `_` and `\` escaped in the bound pattern;
/// - multi-valued attributes become `EXISTS` over `json_each` / `jsonb_array_elements` or over a side table;
/// - `not` is `NOT COALESCE(…, FALSE)` and `ne` is `not eq`, so SQL NULLs (absent attributes) behave as in memory;
/// - dateTime: SQLite `julianday(x) op julianday(?)`, Postgres `timestamptz`; numbers and booleans typed.
/// Note: SQLite's `lower()` folds ASCII only, so non-ASCII case-insensitive matches on JSON paths are approximate
/// there (pre-lowered columns are exact); Postgres folds per its collation.
package struct SQLTranslator: Sendable {
    package let registry: SchemaRegistry
    package let resourceType: ScimResourceType
    package let columns: any ColumnMap
    package let dialect: SQLDialect

    package init(registry: SchemaRegistry, resourceType: ScimResourceType, columns: any ColumnMap, dialect: SQLDialect) {
        self.registry = registry
        self.resourceType = resourceType
        self.columns = columns
        self.dialect = dialect
    }

    package func translate(_ filter: FilterExpression) throws(ScimError) -> SQLFragment {
        try FilterValidator(registry: registry, resourceType: resourceType).validate(filter)
        var state = State()
        return try translate(filter, scope: .resource, state: &state)
    }

    /// An allow-listed `ORDER BY` term for `sortBy` (RFC 7644 §3.4.2.3), including the direction. Missing values sort
    /// last ascending and first descending. Multi-valued attributes sort by their primary (else first) element.
    /// Append a unique tie-breaker (e.g. `, users.id`) for stable paging.
    package func orderBy(_ path: AttributePath, ascending: Bool) throws(ScimError) -> String {
        guard let resolved = registry.resolve(path, resourceType: resourceType.name) else {
            throw .invalidValue("Unknown sortBy attribute '\(path)'.")
        }
        var target = resolved
        if target.subAttribute == nil, target.attribute.type == .complex {
            guard let value = target.attribute.subAttribute(named: "value") else {
                throw .invalidValue("The complex attribute '\(path)' cannot be used as sortBy.")
            }
            target.subAttribute = value
        }
        if target.attribute.returned == .never {
            throw .invalidValue("The attribute '\(path)' cannot be used as sortBy.")
        }
        let direction = ascending ? "ASC NULLS LAST" : "DESC NULLS FIRST"
        let mapping: ColumnMapping
        do {
            mapping = try columns.column(for: target, path: target.canonicalPath)
        } catch {
            throw .invalidValue(error.detail)
        }
        let leaf = target.effective
        if case .column(let name, let storage) = mapping {
            let expression =
                switch storage {
                case .text where !leaf.caseExact: "lower(\(name))"
                case .dateTime where dialect == .sqlite: "julianday(\(name))"
                default: name
                }
            return "\(expression) \(direction)"
        }
        // Side tables and JSON: read the JSON (side tables of emails also live in the JSON; members have no order).
        if case .sideTable(let table) = mapping, !table.jsonHoldsElements {
            throw .invalidValue("The attribute '\(path)' cannot be used as sortBy.")
        }
        let base = jsonSegments(target)
        var expression: String
        do {
            if target.attribute.multiValued {
                expression = try sortElement(base: base, leaf: leaf, sub: target.subAttribute)
            } else {
                let segments = base + (target.subAttribute.map { [$0.name] } ?? [])
                expression = try jsonScalar(root: resourceRoot, segments, leaf, isRoot: true)
            }
        } catch {
            throw .invalidValue(error.detail)
        }
        if leaf.isStringLike, !leaf.caseExact { expression = "lower(\(expression))" }
        return "\(expression) \(direction)"
    }

    // MARK: - Translation

    private struct State {
        var aliases = 0
        mutating func next(_ prefix: String) -> String {
            aliases += 1
            return "\(prefix)\(aliases)"
        }
    }

    private enum Scope {
        case resource
        /// Inside `EXISTS (… json_each/jsonb_array_elements …)`: the element is `root`.
        case jsonElement(parent: ResolvedAttribute, root: String)
        /// Inside a single-valued complex attribute: paths continue from `segments` in the resource column.
        case jsonObject(parent: ResolvedAttribute, segments: [String])
        /// Inside `EXISTS (SELECT 1 FROM side AS alias …)`.
        case sideRow(parent: ResolvedAttribute, alias: String, table: SideTable)

        var filterScope: FilterScope {
            switch self {
            case .resource: .resource
            case .jsonElement(let parent, _), .jsonObject(let parent, _), .sideRow(let parent, _, _): .element(of: parent)
            }
        }
    }

    private func translate(_ filter: FilterExpression, scope: Scope, state: inout State) throws(ScimError) -> SQLFragment {
        switch filter {
        case .logical(let op, let operands):
            var fragments: [SQLFragment] = []
            fragments.reserveCapacity(operands.count)
            for operand in operands { fragments.append(try translate(operand, scope: scope, state: &state)) }
            return SQLFragment.balanced(fragments, joinedBy: op == .and ? "AND" : "OR")
        case .not(let inner):
            return negate(try translate(inner, scope: scope, state: &state))
        case .compare(let path, .ne, let value) where value != nil && value != .null:
            return negate(try translate(.compare(path, .eq, value), scope: scope, state: &state))
        case .compare(let path, .eq, .null?):
            return negate(try translate(.compare(path, .pr, nil), scope: scope, state: &state))
        case .compare(let path, .ne, .null?):
            return try translate(.compare(path, .pr, nil), scope: scope, state: &state)
        case .compare(let path, let op, let value):
            return try compare(path, op, value, scope: scope, state: &state)
        case .valuePath(let path, let inner):
            guard case .resource = scope else { throw .invalidFilter("Nested value filter '\(path)[…]' is not allowed.") }
            return try valuePath(path, inner, state: &state)
        }
    }

    private func negate(_ fragment: SQLFragment) -> SQLFragment {
        SQLFragment(sql: "NOT COALESCE(\(fragment.sql), FALSE)", binds: fragment.binds)
    }

    private func valuePath(_ path: AttributePath, _ inner: FilterExpression, state: inout State) throws(ScimError) -> SQLFragment {
        let parent = try registry.valuePathParent(path, resourceType: resourceType.name).get()
        let mapping = try columns.column(for: parent, path: parent.canonicalPath)
        switch mapping {
        case .column:
            throw .invalidFilter("'\(path)[…]' cannot be translated: '\(path)' is stored in a single column.")
        case .sideTable(let table):
            let subs = Self.comparedNames(inner)
            if subs.allSatisfy({ table.column(for: $0) != nil }) {
                let alias = state.next("s")
                let condition = try translate(inner, scope: .sideRow(parent: parent, alias: alias, table: table), state: &state)
                return sideExists(table, alias: alias, condition: condition)
            }
            guard table.jsonHoldsElements else {
                throw .invalidFilter(
                    "'\(path)[\(inner)]' cannot be translated: only \(table.columns.keys.sorted().joined(separator: ", ")) can be filtered."
                )
            }
            return try jsonValuePath(parent, inner, state: &state)
        case .json:
            return try jsonValuePath(parent, inner, state: &state)
        }
    }

    private func jsonValuePath(_ parent: ResolvedAttribute, _ inner: FilterExpression, state: inout State) throws(ScimError) -> SQLFragment {
        let segments = jsonSegments(parent)
        if parent.attribute.multiValued {
            let alias = state.next("e")
            let condition = try translate(inner, scope: .jsonElement(parent: parent, root: elementRoot(alias)), state: &state)
            return try jsonExists(segments, alias: alias, condition: condition)
        }
        return try translate(inner, scope: .jsonObject(parent: parent, segments: segments), state: &state)
    }

    /// Sub-attribute names compared inside a value filter.
    private static func comparedNames(_ filter: FilterExpression) -> [String] {
        switch filter {
        case .compare(let path, _, _): [path.attribute]
        case .logical(_, let operands): operands.flatMap(comparedNames)
        case .not(let inner): comparedNames(inner)
        case .valuePath(let path, _): [path.attribute]
        }
    }

    private func compare(
        _ path: AttributePath,
        _ op: CompareOperator,
        _ rawValue: JSONValue?,
        scope: Scope,
        state: inout State
    ) throws(ScimError) -> SQLFragment {
        let target = try registry.filterTarget(path, op: op, resourceType: resourceType.name, scope: scope.filterScope).get()
        let value = target.leaf.flatMap { FilterValueRules.coerced(rawValue, for: $0) }
        switch scope {
        case .jsonElement(_, let root):
            guard let leaf = target.leaf else { throw .invalidFilter("'\(path)' can only be tested with 'pr'.") }
            return try condition(jsonOperand(root: root, [leaf.name], leaf, isRoot: false), leaf, op, value)
        case .jsonObject(_, let segments):
            guard let leaf = target.leaf else { throw .invalidFilter("'\(path)' can only be tested with 'pr'.") }
            return try condition(jsonOperand(root: resourceRoot, segments + [leaf.name], leaf, isRoot: true), leaf, op, value)
        case .sideRow(_, let alias, let table):
            guard let leaf = target.leaf, let column = table.column(for: leaf.name) else {
                throw .invalidFilter("'\(path)' cannot be translated.")
            }
            return try condition(columnOperand("\(alias).\(column.name)", column.storage), leaf, op, value)
        case .resource:
            break
        }
        let resolved = target.resolved
        let mapping = try columns.column(for: resolved, path: resolved.canonicalPath)
        switch mapping {
        case .column(let name, let storage):
            guard let leaf = target.leaf, !resolved.attribute.multiValued || resolved.subAttribute != nil else {
                throw .invalidFilter("'\(path)' cannot be translated.")
            }
            return try condition(columnOperand(name, storage), leaf, op, value)
        case .sideTable(let table):
            guard let sub = resolved.subAttribute else {
                // `emails pr`: any row.
                return sideExists(table, alias: state.next("s"), condition: nil)
            }
            if let column = table.column(for: sub.name) {
                let alias = state.next("s")
                let condition = try condition(columnOperand("\(alias).\(column.name)", column.storage), sub, op, value)
                return sideExists(table, alias: alias, condition: condition)
            }
            guard table.jsonHoldsElements else {
                throw .invalidFilter("'\(path)' cannot be translated: only \(table.columns.keys.sorted().joined(separator: ", ")) can be filtered.")
            }
            return try jsonCompare(target, op, value, state: &state)
        case .json:
            return try jsonCompare(target, op, value, state: &state)
        }
    }

    private func jsonCompare(_ target: FilterTarget, _ op: CompareOperator, _ value: JSONValue?, state: inout State) throws(ScimError) -> SQLFragment
    {
        let resolved = target.resolved
        let base = jsonSegments(resolved)
        if resolved.attribute.multiValued {
            let alias = state.next("e")
            guard let leaf = target.leaf else { return try jsonExists(base, alias: alias, condition: nil) }
            let subSegments = resolved.subAttribute.map { [$0.name] } ?? []
            let operand = try jsonOperand(root: elementRoot(alias), subSegments, leaf, isRoot: false)
            return try jsonExists(base, alias: alias, condition: condition(operand, leaf, op, value))
        }
        guard let leaf = target.leaf else {
            // `name pr`: a non-empty object.
            return try objectPresent(base)
        }
        let segments = base + (resolved.subAttribute.map { [$0.name] } ?? [])
        return try condition(jsonOperand(root: resourceRoot, segments, leaf, isRoot: true), leaf, op, value)
    }

    // MARK: - Operands and conditions

    private enum OperandKind {
        case text(lowered: Bool)
        case boolean
        case number
        case dateTime
    }

    private struct Operand {
        var expression: String
        var kind: OperandKind
    }

    /// The JSON document column as the dialect's JSON functions need it: PostgreSQL stores it as text, so it is
    /// read as `jsonb`.
    private var resourceRoot: String {
        dialect == .postgres ? "CAST(\(columns.resourceColumn) AS jsonb)" : columns.resourceColumn
    }

    private func columnOperand(_ name: String, _ storage: ColumnStorage) -> Operand {
        switch storage {
        case .text: Operand(expression: name, kind: .text(lowered: false))
        case .lowercasedText: Operand(expression: name, kind: .text(lowered: true))
        case .boolean: Operand(expression: name, kind: .boolean)
        case .number: Operand(expression: name, kind: .number)
        case .dateTime: Operand(expression: dialect == .postgres ? "CAST(\(name) AS timestamptz)" : name, kind: .dateTime)
        }
    }

    private func jsonOperand(root: String, _ segments: [String], _ leaf: AttributeDefinition, isRoot: Bool) throws(ScimError) -> Operand {
        let scalar = try jsonScalar(root: root, segments, leaf, isRoot: isRoot)
        switch leaf.type {
        case .string, .reference, .binary, .complex: return Operand(expression: scalar, kind: .text(lowered: false))
        case .boolean: return Operand(expression: scalar, kind: .boolean)
        case .integer, .decimal: return Operand(expression: scalar, kind: .number)
        case .dateTime: return Operand(expression: scalar, kind: .dateTime)
        }
    }

    /// A typed scalar read from JSON: SQLite `json_extract` (already typed), Postgres `->>` text cast as needed.
    private func jsonScalar(root: String, _ segments: [String], _ leaf: AttributeDefinition, isRoot: Bool) throws(ScimError) -> String {
        switch dialect {
        case .sqlite:
            if segments.isEmpty { return root }
            return "json_extract(\(root), '\(try sqlitePath(segments))')"
        case .postgres:
            let text: String
            if segments.isEmpty {
                text = "(\(root) #>> '{}')"
            } else {
                var keys: [String] = []
                for segment in segments { keys.append(try Self.key(segment)) }
                let head = keys.dropLast().map { "->\($0)" }.joined()
                text = "(\(root)\(head)->>\(keys[keys.count - 1]))"
            }
            switch leaf.type {
            case .boolean: return "CAST(\(text) AS boolean)"
            case .integer, .decimal: return "CAST(\(text) AS numeric)"
            case .dateTime: return "CAST(\(text) AS timestamptz)"
            default: return text
            }
        }
    }

    private func condition(
        _ operand: Operand,
        _ leaf: AttributeDefinition,
        _ op: CompareOperator,
        _ value: JSONValue?
    ) throws(ScimError) -> SQLFragment {
        let x = operand.expression
        if op == .pr {
            if case .text = operand.kind { return SQLFragment(sql: "\(x) <> ''") }
            return SQLFragment(sql: "\(x) IS NOT NULL")
        }
        guard let value, value != .null else { throw .invalidFilter("'\(op.rawValue)' needs a value.") }
        let sqlOp: String
        switch op {
        case .eq: sqlOp = "="
        case .ne: sqlOp = "<>"
        case .gt: sqlOp = ">"
        case .ge: sqlOp = ">="
        case .lt: sqlOp = "<"
        case .le: sqlOp = "<="
        case .co, .sw, .ew, .pr: sqlOp = "LIKE"
        }
        switch operand.kind {
        case .text(let lowered):
            guard case .string(let text) = value else { throw .invalidFilter("'\(leaf.name)' needs a string value.") }
            if [.co, .sw, .ew].contains(op) {
                if lowered {
                    return SQLFragment(sql: "\(x) LIKE ? ESCAPE '\\'", binds: [.string(Self.likePattern(text.lowercased(), op))])
                }
                if leaf.caseExact {
                    switch dialect {
                    case .postgres:
                        return SQLFragment(sql: "\(x) LIKE ? ESCAPE '\\'", binds: [.string(Self.likePattern(text, op))])
                    case .sqlite:
                        // SQLite's LIKE ignores ASCII case; instr/substr are exact.
                        switch op {
                        case .co: return SQLFragment(sql: "instr(\(x), ?) > 0", binds: [value])
                        case .sw: return SQLFragment(sql: "instr(\(x), ?) = 1", binds: [value])
                        default: return SQLFragment(sql: "substr(\(x), length(\(x)) - length(?) + 1) = ?", binds: [value, value])
                        }
                    }
                }
                return SQLFragment(sql: "lower(\(x)) LIKE lower(?) ESCAPE '\\'", binds: [.string(Self.likePattern(text, op))])
            }
            if lowered { return SQLFragment(sql: "\(x) \(sqlOp) ?", binds: [.string(text.lowercased())]) }
            if leaf.caseExact { return SQLFragment(sql: "\(x) \(sqlOp) ?", binds: [value]) }
            return SQLFragment(sql: "lower(\(x)) \(sqlOp) lower(?)", binds: [value])
        case .boolean:
            guard op == .eq, case .bool = value else { throw .invalidFilter("'\(leaf.name)' supports only 'eq' with true or false.") }
            return SQLFragment(sql: "\(x) = ?", binds: [value])
        case .number:
            guard case .number = value, sqlOp != "LIKE" else { throw .invalidFilter("'\(op.rawValue)' does not apply to '\(leaf.name)'.") }
            return SQLFragment(sql: "\(x) \(sqlOp) ?", binds: [value])
        case .dateTime:
            guard case .string(let text) = value, let canonical = ScimDateTime.canonical(text), sqlOp != "LIKE" else {
                throw .invalidFilter("'\(op.rawValue)' needs an xsd:dateTime for '\(leaf.name)'.")
            }
            switch dialect {
            case .sqlite:
                return SQLFragment(sql: "julianday(\(x)) \(sqlOp) julianday(?)", binds: [.string(canonical)])
            case .postgres:
                // Postgres: a timestamptz column, or JSON text already CAST(… AS timestamptz).
                return SQLFragment(sql: "\(x) \(sqlOp) CAST(? AS timestamptz)", binds: [.string(canonical)])
            }
        }
    }

    /// The bound LIKE pattern: `%`, `_` and `\` escaped with `\`, then wrapped for co/sw/ew.
    static func likePattern(_ text: String, _ op: CompareOperator) -> String {
        var escaped = ""
        for c in text {
            if c == "\\" || c == "%" || c == "_" { escaped.append("\\") }
            escaped.append(c)
        }
        switch op {
        case .sw: return escaped + "%"
        case .ew: return "%" + escaped
        default: return "%" + escaped + "%"
        }
    }

    // MARK: - JSON helpers

    /// Keys from the resource root to the attribute: `[urn]` for extensions, then the attribute name.
    private func jsonSegments(_ resolved: ResolvedAttribute) -> [String] {
        (resolved.isExtension ? [resolved.schema] : []) + [resolved.attribute.name]
    }

    private func elementRoot(_ alias: String) -> String {
        dialect == .sqlite ? "\(alias).value" : "\(alias).elem"
    }

    private func jsonExists(_ segments: [String], alias: String, condition: SQLFragment?) throws(ScimError) -> SQLFragment {
        let source: String
        switch dialect {
        case .sqlite: source = "json_each(\(resourceRoot), '\(try sqlitePath(segments))') AS \(alias)"
        case .postgres: source = "jsonb_array_elements(\(try pgNode(resourceRoot, segments))) AS \(alias)(elem)"
        }
        guard let condition else { return SQLFragment(sql: "EXISTS (SELECT 1 FROM \(source))") }
        return SQLFragment(sql: "EXISTS (SELECT 1 FROM \(source) WHERE \(condition.sql))", binds: condition.binds)
    }

    /// `owner IN (SELECT fk FROM side WHERE …)` rather than a correlated `EXISTS`: both engines then drive the
    /// look-up from the side table's index on the compared column (`emails.value eq …` is an index hit) instead of
    /// probing the side table once per owner row.
    private func sideExists(_ table: SideTable, alias: String, condition: SQLFragment?) -> SQLFragment {
        let head = "\(table.ownerKey) IN (SELECT \(alias).\(table.foreignKey) FROM \(table.table) AS \(alias)"
        guard let condition else { return SQLFragment(sql: head + ")") }
        return SQLFragment(sql: head + " WHERE \(condition.sql))", binds: condition.binds)
    }

    private func objectPresent(_ segments: [String]) throws(ScimError) -> SQLFragment {
        let root = resourceRoot
        switch dialect {
        case .sqlite:
            let path = try sqlitePath(segments)
            return SQLFragment(sql: "(json_type(\(root), '\(path)') = 'object' AND json_extract(\(root), '\(path)') <> '{}')")
        case .postgres:
            let node = try pgNode(root, segments)
            return SQLFragment(sql: "(jsonb_typeof(\(node)) = 'object' AND \(node) <> '{}'::jsonb)")
        }
    }

    /// `ORDER BY` expression for a multi-valued attribute: the primary element's value, else the first element's.
    private func sortElement(base: [String], leaf: AttributeDefinition, sub: AttributeDefinition?) throws(ScimError) -> String {
        let root = resourceRoot
        let subSegments = sub.map { [$0.name] } ?? []
        switch dialect {
        case .sqlite:
            let value = try jsonScalar(root: "o.value", subSegments, leaf, isRoot: false)
            let primaryFirst = sub == nil ? "" : "COALESCE(json_extract(o.value, '$.primary'), 0) DESC, "
            return "(SELECT \(value) FROM json_each(\(root), '\(try sqlitePath(base))') AS o ORDER BY \(primaryFirst)o.key LIMIT 1)"
        case .postgres:
            let value = try jsonScalar(root: "o.elem", subSegments, leaf, isRoot: false)
            let primaryFirst = sub == nil ? "" : "(o.elem->>'primary') = 'true' DESC NULLS LAST, "
            return
                "(SELECT \(value) FROM jsonb_array_elements(\(try pgNode(root, base))) WITH ORDINALITY AS o(elem, n) ORDER BY \(primaryFirst)o.n LIMIT 1)"
        }
    }

    /// `$.a.b` or `$."urn:…:User".b` for SQLite.
    private func sqlitePath(_ segments: [String]) throws(ScimError) -> String {
        var path = "$"
        for segment in segments {
            try Self.checkKey(segment)
            let plain = segment.unicodeScalars.allSatisfy { ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || $0 == "_" }
            path += plain ? ".\(segment)" : ".\"\(segment)\""
        }
        return path
    }

    /// `root->'a'->'b'` (jsonb node) for Postgres.
    private func pgNode(_ root: String, _ segments: [String]) throws(ScimError) -> String {
        var node = root
        for segment in segments { node += "->" + (try Self.key(segment)) }
        return node
    }

    private static func key(_ segment: String) throws(ScimError) -> String {
        try checkKey(segment)
        return "'\(segment)'"
    }

    /// JSON keys come from the schema, never from the filter text, but are checked anyway before they reach SQL.
    private static func checkKey(_ segment: String) throws(ScimError) {
        let allowed = segment.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.:$".unicodeScalars.contains($0))
        }
        guard allowed, !segment.isEmpty else {
            throw .invalidFilter("The attribute name '\(segment)' cannot be used in a database filter.")
        }
    }
}
