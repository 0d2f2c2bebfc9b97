import Foundation
import InternalAPI
import Persistence
import ScimCore
import ScimFilter

/// Compiles a client's list request, as the gateway passed it, into the store's query: the filter parsed, checked
/// against the schema and translated to bound SQL over allow-listed columns; `sortBy` to an allow-listed
/// expression; the cursor decoded.
struct ListQueryBuilder: Sendable {
    let resourceType: ScimResourceType
    let columns: any ColumnMap
    let dialect: SQLDialect
    let registry: SchemaRegistry

    /// The page size of a request that names none (the gateway always names one, held to its advertised maximum).
    static let defaultCount = 100

    init(resourceType: ScimResourceType, engine: SQLEngine, registry: SchemaRegistry = .standard) {
        self.resourceType = resourceType
        self.columns = resourceType == .group ? GroupColumnMap() as any ColumnMap : UserColumnMap() as any ColumnMap
        self.dialect = engine == .postgres ? .postgres : .sqlite
        self.registry = registry
    }

    /// `includeMembers`: whether a group page loads its membership rows (the answer's projection decides).
    func query(for search: SearchRequest, includeMembers: Bool) throws(ScimError) -> ListQuery {
        let translator = SQLTranslator(registry: registry, resourceType: resourceType, columns: columns, dialect: dialect)
        let descending = search.sortOrder == .descending
        var filter: SQLFragment?
        var isUniqueMatch = false
        if let text = search.filter?.trimmingSpaces(), !text.isEmpty {
            let expression = try FilterParser.parse(text)
            filter = try translator.translate(expression)  // validates the filter against the schema first
            isUniqueMatch = isUnique(expression)
        }
        var orderBy: String?
        if let sortBy = search.sortBy?.trimmingSpaces(), !sortBy.isEmpty {
            let path: AttributePath
            do throws(ScimError) {
                path = try AttributePath(parsing: sortBy)
            } catch {
                throw ScimError.invalidValue("sortBy '\(sortBy)' is not an attribute path.")
            }
            orderBy = try translator.orderBy(path, ascending: !descending)
        }
        var cursor: ListCursor?
        if let text = search.cursor {
            guard orderBy == nil, !descending else {
                throw ScimError.invalidValue("Cursor pagination lists resources in creation order; it cannot be combined with sortBy or sortOrder.")
            }
            cursor = text.isEmpty ? ListCursor(created: "", id: "") : try CursorCoding.decode(text)
        }
        return ListQuery(
            filter: filter,
            orderBy: orderBy,
            descending: descending,
            startIndex: max(search.startIndex, 1),
            count: max(search.count ?? Self.defaultCount, 0),
            cursor: cursor,
            includeMembers: includeMembers,
            isUniqueMatch: isUniqueMatch
        )
    }

    /// `id eq "…"`, or `userName eq "…"` for users (unique per identity provider, case-insensitively): at most one
    /// resource, found through a unique index.
    func isUnique(_ expression: FilterExpression) -> Bool {
        guard case .compare(let path, .eq, .string?) = expression, path.subAttribute == nil else { return false }
        if let urn = path.schemaURN, !urn.caseInsensitiveEquals(resourceType.schema) { return false }
        return path.attribute.caseInsensitiveEquals("id") || (resourceType == .user && path.attribute.caseInsensitiveEquals("userName"))
    }
}

/// Opaque RFC 9865 cursors: base64url of the position's JSON. A cursor that does not decode is `400 invalidCursor`.
enum CursorCoding {
    static func encode(_ cursor: ListCursor) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // the same position always gives the same cursor text
        let data = (try? encoder.encode(cursor)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) throws(ScimError) -> ListCursor {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64), let cursor = try? JSONDecoder().decode(ListCursor.self, from: data) else {
            throw ScimError(status: 400, scimType: .invalidCursor, detail: "The cursor '\(text)' is not one this server issued.")
        }
        return cursor
    }
}
