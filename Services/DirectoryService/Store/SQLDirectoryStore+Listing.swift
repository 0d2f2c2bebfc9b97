import Foundation
import SQLKit
import ScimCore
import ScimFilter

extension SQLDirectoryStore {
    /// One page of `table` in an IdP's namespace: the total under the filter, then the page itself, by index
    /// (`LIMIT/OFFSET`) or by cursor (keyset on `created, id`, RFC 9865). The order always ends in `created, id`,
    /// so pages are stable.
    static func list<Record: Sendable>(
        table: String,
        columns: String,
        tenantID: String,
        idpID: String,
        query: ListQuery,
        in database: any SQLDatabase,
        decode: (any SQLRow) throws -> Record
    ) async throws -> ListResult<Record> {
        var scope = SQLQueryString("")
        scope.appendLiteral(" FROM \(table) WHERE \(table).tenant_id = ")
        scope.appendInterpolation(bind: tenantID)
        scope.appendLiteral(" AND \(table).idp_id = ")
        scope.appendInterpolation(bind: idpID)
        if let filter = query.filter {
            scope.appendLiteral(" AND (")
            append(filter, to: &scope)
            scope.appendLiteral(")")
        }

        var countQuery = SQLQueryString("SELECT COUNT(*) AS total")
        countQuery.appendInterpolation(scope)
        guard query.count > 0 else {
            let total = try await database.raw(countQuery).first()?.decode(column: "total", as: Int.self) ?? 0
            return ListResult(totalResults: total, records: [], nextCursor: nil)
        }

        var pageQuery = SQLQueryString("SELECT \(unsafeRaw: columns)")
        pageQuery.appendInterpolation(scope)
        let direction = query.descending ? "DESC" : "ASC"
        if let cursor = query.cursor {
            pageQuery.appendLiteral(" AND (\(table).created > ")
            pageQuery.appendInterpolation(bind: cursor.created)
            pageQuery.appendLiteral(" OR (\(table).created = ")
            pageQuery.appendInterpolation(bind: cursor.created)
            pageQuery.appendLiteral(" AND \(table).id > ")
            pageQuery.appendInterpolation(bind: cursor.id)
            pageQuery.appendLiteral("))")
        }
        if let orderBy = query.orderBy {
            // `orderBy` carries its own direction and NULLS placement (SQLTranslator.orderBy).
            pageQuery.appendLiteral(" ORDER BY \(orderBy), \(table).created, \(table).id")
        } else {
            pageQuery.appendLiteral(
                " ORDER BY \(table).created \(query.cursor == nil ? direction : "ASC"), \(table).id \(query.cursor == nil ? direction : "ASC")"
            )
        }
        // LIMIT is written as a number: SQLite's planner reads a LIMIT's value (it weighs walking an index in order
        // against sorting by it), so a bound LIMIT makes SQLite plan the statement again each time it is bound, and
        // page sizes are few. OFFSET is bound: SQLite only counts rows off with it, and each distinct number
        // written in would be a statement of its own, pushing the hot ones out of the connection's cache.
        let limit: Int = query.count + (query.cursor == nil ? 0 : 1)
        pageQuery.appendLiteral(" LIMIT \(limit)")
        if query.cursor == nil {
            pageQuery.appendLiteral(" OFFSET ")
            pageQuery.appendInterpolation(bind: max(query.startIndex - 1, 0))
        }
        let rows = try await database.raw(pageQuery).all()
        var records: [Record] = []
        records.reserveCapacity(min(rows.count, query.count))
        var nextCursor: ListCursor?
        for (index, row) in rows.enumerated() {
            if index == query.count {
                break
            }
            records.append(try decode(row))
            if query.cursor != nil, index == query.count - 1, rows.count > query.count {
                nextCursor = ListCursor(
                    created: try row.decode(column: "created", as: String.self),
                    id: try row.decode(column: "id", as: String.self)
                )
            }
        }
        // A short page read from the start (or from a row that exists) already tells the total: a filter on a
        // unique attribute — an IdP's `userName eq` before each create — needs one query, not two.
        let offset = max(query.startIndex - 1, 0)
        let total: Int
        if query.cursor == nil, rows.count < query.count, !rows.isEmpty || offset == 0 {
            total = offset + rows.count
        } else {
            total = try await database.raw(countQuery).first()?.decode(column: "total", as: Int.self) ?? 0
        }
        return ListResult(totalResults: total, records: records, nextCursor: nextCursor)
    }
}
