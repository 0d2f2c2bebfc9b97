import Foundation
import InternalAPI
import Logging
import Persistence
import SQLKit
import ScimCore
import ScimFilter

/// ``DirectoryStore`` on SQL: the same code for SQLite and PostgreSQL.
struct SQLDirectoryStore: DirectoryStore {
    let storage: any SQLStorage

    /// Appended to a read of a row that the same transaction then updates: on PostgreSQL the row is locked until
    /// commit, so two replicas writing one group or user serialize instead of losing an update. SQLite needs
    /// nothing: its write transactions already run one at a time.
    var rowLock: String { storage.engine == .postgres ? " FOR UPDATE" : "" }

    func isReachable() async -> Bool {
        (try? await storage.read { database in try await database.raw("SELECT 1 AS one").first() }) != nil
    }

    // MARK: Activity

    func activity(tenantID: String, idpID: String?, limit: Int) async throws -> [ActivityEvent] {
        try await storage.read { database in
            var query = SQLQueryString(
                "SELECT tenant_id, idp_id, occurred_at, actor, action, resource_type, resource_id, detail FROM activity_log WHERE tenant_id = "
            )
            query.appendInterpolation(bind: tenantID)
            if let idpID {
                query.appendLiteral(" AND idp_id = ")
                query.appendInterpolation(bind: idpID)
            }
            query.appendLiteral(" ORDER BY id DESC LIMIT ")
            query.appendInterpolation(bind: limit)
            return try await database.raw(query).all().map { row in
                ActivityEvent(
                    tenantID: try row.decode(column: "tenant_id", as: String.self),
                    idpID: try row.decode(column: "idp_id", as: String?.self),
                    actor: try row.decode(column: "actor", as: String.self),
                    action: try row.decode(column: "action", as: String.self),
                    resourceType: try row.decode(column: "resource_type", as: String?.self),
                    resourceID: try row.decode(column: "resource_id", as: String?.self),
                    detail: try row.decode(column: "detail", as: String?.self),
                    occurredAt: try row.decode(column: "occurred_at", as: String.self)
                )
            }
        }
    }

    static func record(_ event: ActivityEvent, in database: any SQLDatabase) async throws {
        try await database.raw(
            """
            INSERT INTO activity_log (tenant_id, idp_id, occurred_at, actor, action, resource_type, resource_id, detail)
            VALUES (\(bind: event.tenantID), \(bind: event.idpID), \(bind: Timestamp.now()), \(bind: event.actor), \(bind: event.action),
                    \(bind: event.resourceType), \(bind: event.resourceID), \(bind: event.detail))
            """
        ).run()
    }

    // MARK: Row helpers

    static func date(_ row: any SQLRow, _ column: String) throws -> Date {
        let text = try row.decode(column: column, as: String.self)
        guard let date = Timestamp.date(from: text) else { throw ScimError.internalError("Stored timestamp is unreadable.") }
        return date
    }

    static func json(_ row: any SQLRow, _ column: String) throws -> JSONValue {
        let text = try row.decode(column: column, as: String.self)
        do {
            return try JSONValue.decode(text)
        } catch {
            throw ScimError.internalError("Stored JSON is unreadable.")
        }
    }
}

extension SQLDirectoryStore {
    /// Turns a filter fragment (`?` placeholders, in order) into SQLKit's bound query text.
    static func append(_ fragment: SQLFragment, to query: inout SQLQueryString) {
        for part in fragment.parts {
            switch part {
            case .sql(let text): query.appendLiteral(text)
            case .bind(let value): query.appendInterpolation(bind: sqlValue(value))
            }
        }
    }

    /// A JSON value as a database value: text, integer or double, boolean, or NULL.
    static func sqlValue(_ value: JSONValue) -> any Encodable & Sendable {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag
        case .number(let number): return number.rounded() == number && abs(number) < 9.0e15 ? Int64(number) as any Encodable & Sendable : number
        case .null, .array, .object: return String?.none
        }
    }

    /// Applies a version precondition: 404 when the row is gone, 412 when `ifMatch` names another version.
    static func check(version: Int?, ifMatch: Int?, resource: ScimResourceType, id: String) throws -> Int {
        guard let version else { throw ScimError.notFound("\(resource.name) '\(id)' not found.") }
        if let ifMatch, ifMatch != version {
            throw ScimError.invalidVersion("\(resource.name) '\(id)' is at version \(version), not \(ifMatch); read it again and retry.")
        }
        return version
    }
}
