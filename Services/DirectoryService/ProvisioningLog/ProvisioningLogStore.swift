import Foundation
import InternalAPI
import Persistence
import SQLKit
import ScimCore

/// The provisioning log's rows (README "Provisioning log"): a gateway's batch stored in one transaction of its own,
/// pages newest first by keyset, one entry, the per-IdP summaries, retention.
struct ProvisioningLogStore: Sendable {
    let storage: any SQLStorage

    /// Rows per `INSERT`: 20 parameters each, 2,000 per statement, under every engine's limit.
    static let rowsPerInsert = 100
    /// The most rows a page with a filter no index serves (`q`, `operation`, `status` with `idp`) looks at; past it the
    /// page ends early with a `next` cursor to continue from (the change feed's bound on its filtered scan).
    static let scanWindow = 10_000

    private static let listColumns = """
        id, tenant_id, idp_id, occurred_at, request_id, method, path, operation, resource_type, resource_id, external_id, \
        display_name, status, http_status, scim_type, detail, changed_attributes, token_prefix
        """
    private static let order = " ORDER BY occurred_at DESC, id DESC"

    // MARK: Writing

    /// Stores `batch` in one transaction: entries of a tenant or IdP that does not exist (any more) are dropped, an
    /// entry whose id is stored already (a batch sent again) is not stored twice. Returns the IdP types of the
    /// batch's IdPs and the entries stored, for the metrics.
    func record(_ batch: ValidatedProvisioningBatch) async throws -> (types: [IdPKey: String], stored: [ProvisioningLogEntry]) {
        let lock = storage.engine == .postgres ? " FOR KEY SHARE" : ""
        return try await storage.write { database in
            let types = try await Self.providerTypes(of: batch.idps, lock: lock, in: database)
            let entries = batch.entries.filter { types[IdPKey($0.tenantID, $0.idpID)] != nil }
            var stored: [ProvisioningLogEntry] = []
            stored.reserveCapacity(entries.count)
            for chunk in entries.chunked(into: Self.rowsPerInsert) {
                let rows: [SQLQueryString] = chunk.map { entry in
                    """
                    (\(bind: entry.id), \(bind: entry.tenantID), \(bind: entry.idpID), \(bind: entry.time), \(bind: entry.requestID), \
                    \(bind: entry.method), \(bind: entry.path), \(bind: entry.operation.rawValue), \(bind: entry.resourceType), \
                    \(bind: entry.resourceID), \(bind: entry.externalID), \(bind: entry.displayName), \(bind: entry.status.rawValue), \
                    \(bind: entry.httpStatus), \(bind: entry.scimType), \(bind: entry.detail), \(bind: Self.attributesText(entry.changedAttributes)), \
                    \(bind: entry.requestBody), \(bind: entry.responseBody), \(bind: entry.tokenPrefix))
                    """
                }
                let inserted = try await database.raw(
                    """
                    INSERT INTO provisioning_log (id, tenant_id, idp_id, occurred_at, request_id, method, path, operation, resource_type, \
                    resource_id, external_id, display_name, status, http_status, scim_type, detail, changed_attributes, request_body, \
                    response_body, token_prefix) VALUES
                    """ + rows.joined(separator: ", ") + " ON CONFLICT (id) DO NOTHING RETURNING id"
                ).all()
                let ids = Set(try inserted.map { try $0.decode(column: "id", as: String.self) })
                stored += chunk.filter { ids.contains($0.id) }
            }
            let reads = batch.reads.filter { types[IdPKey($0.tenantID, $0.idpID)] != nil }
            try await Self.addCounts(ProvisioningTally(entries: stored, reads: reads), in: database)
            return (types, stored)
        }
    }

    /// The provider type of each of `idps` that exists, one statement per 100 (on PostgreSQL their rows stay locked
    /// against a delete until the batch commits, so no entry outlives its IdP).
    private static func providerTypes(of idps: Set<IdPKey>, lock: String, in database: any SQLDatabase) async throws -> [IdPKey: String] {
        var types: [IdPKey: String] = [:]
        for chunk in Array(idps).chunked(into: 100) {
            let conditions: [SQLQueryString] = chunk.map { "(tenant_id = \(bind: $0.tenantID) AND id = \(bind: $0.idpID))" }
            let rows = try await database.raw(
                "SELECT tenant_id, id, provider_type FROM identity_providers WHERE " + conditions.joined(separator: " OR ") + SQLQueryString(lock)
            ).all()
            for row in rows {
                let key = IdPKey(try row.decode(column: "tenant_id", as: String.self), try row.decode(column: "id", as: String.self))
                types[key] = try row.decode(column: "provider_type", as: String.self)
            }
        }
        return types
    }

    /// Adds the batch's outcomes to the per-minute counts and moves each IdP's summary forward: one upsert per 100
    /// rows of each, never one per entry.
    private static func addCounts(_ tally: ProvisioningTally, in database: any SQLDatabase) async throws {
        for chunk in tally.minutes.sorted(by: { $0.key < $1.key }).chunked(into: rowsPerInsert) {
            let rows: [SQLQueryString] = chunk.map { key, counts in
                "(\(bind: key.idp.tenantID), \(bind: key.idp.idpID), \(bind: key.minute), \(bind: counts.success), \(bind: counts.failure), \(bind: counts.skipped), \(bind: counts.reads))"
            }
            try await database.raw(
                "INSERT INTO provisioning_counts (tenant_id, idp_id, minute, success, failure, skipped, reads) VALUES "
                    + rows.joined(separator: ", ")
                        + """
                         ON CONFLICT (tenant_id, idp_id, minute) DO UPDATE SET success = provisioning_counts.success + excluded.success, \
                        failure = provisioning_counts.failure + excluded.failure, skipped = provisioning_counts.skipped + excluded.skipped, \
                        reads = provisioning_counts.reads + excluded.reads
                        """
            ).run()
        }
        for chunk in tally.latest.sorted(by: { $0.key < $1.key }).chunked(into: rowsPerInsert) {
            let rows: [SQLQueryString] = chunk.map { key, latest in
                "(\(bind: key.tenantID), \(bind: key.idpID), \(bind: latest.request), \(bind: latest.success), \(bind: latest.failure), \(bind: latest.error))"
            }
            try await database.raw(
                "INSERT INTO provisioning_summary (tenant_id, idp_id, last_request_at, last_success_at, last_failure_at, last_error) VALUES "
                    + rows.joined(separator: ", ")
                        + """
                         ON CONFLICT (tenant_id, idp_id) DO UPDATE SET \
                        last_request_at = \(unsafeRaw: later("last_request_at")), last_success_at = \(unsafeRaw: later("last_success_at")), \
                        last_failure_at = \(unsafeRaw: later("last_failure_at")), \
                        last_error = CASE WHEN excluded.last_failure_at IS NOT NULL AND (provisioning_summary.last_failure_at IS NULL \
                        OR excluded.last_failure_at > provisioning_summary.last_failure_at) THEN excluded.last_error \
                        ELSE provisioning_summary.last_error END
                        """
            ).run()
        }
    }

    /// The later of the stored and the new value of a timestamp column (either may be null).
    private static func later(_ column: String) -> String {
        """
        CASE WHEN provisioning_summary.\(column) IS NULL OR excluded.\(column) > provisioning_summary.\(column) \
        THEN excluded.\(column) ELSE provisioning_summary.\(column) END
        """
    }

    /// A tenant's log, or one IdP's (the tenant and IdP deletes, in their own transactions).
    static func deleteAll(tenantID: String, idpID: String? = nil, in database: any SQLDatabase) async throws {
        for table in ["provisioning_log", "provisioning_counts", "provisioning_summary"] {
            var statement = SQLQueryString("DELETE FROM \(unsafeRaw: table) WHERE tenant_id = \(bind: tenantID)")
            if let idpID {
                statement.appendLiteral(" AND idp_id = ")
                statement.appendInterpolation(bind: idpID)
            }
            try await database.raw(statement).run()
        }
    }

    // MARK: Reading

    /// A page of the tenant's log, newest first; nil when the tenant does not exist.
    func page(tenantID: String, query: ProvisioningLogQuery) async throws -> ProvisioningLogPage? {
        try await storage.read { database -> ProvisioningLogPage? in
            guard try await database.raw("SELECT id FROM tenants WHERE id = \(bind: tenantID)").first() != nil else { return nil }
            let filter = ProvisioningLogFilter(tenantID: tenantID, query: query)
            let fetch = SQLQueryString(String(query.limit + 1))
            let rows: [any SQLRow]
            if let residual = filter.residual {
                let window = SQLQueryString(String(Self.scanWindow))
                rows = try await database.raw(
                    "SELECT \(unsafeRaw: Self.listColumns) FROM (SELECT \(unsafeRaw: Self.listColumns) FROM provisioning_log WHERE "
                        + filter.leading + "\(unsafeRaw: Self.order) LIMIT " + window + ") scanned WHERE " + residual
                        + "\(unsafeRaw: Self.order) LIMIT " + fetch
                ).all()
            } else {
                rows = try await database.raw(
                    "SELECT \(unsafeRaw: Self.listColumns) FROM provisioning_log WHERE " + filter.leading + "\(unsafeRaw: Self.order) LIMIT " + fetch
                ).all()
            }
            let entries = try rows.prefix(query.limit).map { try Self.entry(from: $0, withBodies: false) }
            if rows.count > query.limit, let last = entries.last {
                return ProvisioningLogPage(entries: entries.map { .init(entry: $0, includesBodies: false) }, next: Self.cursor(after: last))
            }
            var next: String?
            if filter.residual != nil {
                // Fewer than a page in the window: continue after the window, unless it held every row there was.
                let end = try await database.raw(
                    "SELECT occurred_at, id FROM provisioning_log WHERE " + filter.leading
                        + "\(unsafeRaw: Self.order) LIMIT 1 OFFSET \(unsafeRaw: String(Self.scanWindow - 1))"
                ).first()
                if let end {
                    next =
                        ProvisioningLogCursor(
                            time: try end.decode(column: "occurred_at", as: String.self),
                            id: try end.decode(column: "id", as: String.self)
                        ).token
                }
            }
            return ProvisioningLogPage(entries: entries.map { .init(entry: $0, includesBodies: false) }, next: next)
        }
    }

    /// One entry of the tenant's log, with its bodies; nil when there is none of that id in this tenant.
    func entry(tenantID: String, id: String) async throws -> ProvisioningLogEntry? {
        try await storage.lookup { database in
            try await database.raw(
                """
                SELECT \(unsafeRaw: Self.listColumns), request_body, response_body FROM provisioning_log
                WHERE id = \(bind: id) AND tenant_id = \(bind: tenantID)
                """
            ).first().map { try Self.entry(from: $0, withBodies: true) }
        }
    }

    /// The summary of each IdP of the tenant that has one (or of `idpID` only), the last 24 hours counted up to
    /// `now`: two statements for the whole list. Nil when the tenant does not exist.
    func summaries(tenantID: String, idpID: String?, now: Date = Date()) async throws -> [String: ProvisioningSummary]? {
        let since = ProvisioningTally.minute(of: Timestamp.string(from: now.addingTimeInterval(-86_400)))
        return try await storage.read { database -> [String: ProvisioningSummary]? in
            guard try await database.raw("SELECT id FROM tenants WHERE id = \(bind: tenantID)").first() != nil else { return nil }
            var idpCondition = SQLQueryString("")
            if let idpID { idpCondition = " AND idp_id = \(bind: idpID)" }
            var summaries: [String: ProvisioningSummary] = [:]
            let latest = try await database.raw(
                """
                SELECT idp_id, last_request_at, last_success_at, last_failure_at, last_error FROM provisioning_summary
                WHERE tenant_id = \(bind: tenantID)
                """ + idpCondition
            ).all()
            for row in latest {
                summaries[try row.decode(column: "idp_id", as: String.self)] = ProvisioningSummary(
                    lastRequestAt: try row.decode(column: "last_request_at", as: String?.self),
                    lastSuccessAt: try row.decode(column: "last_success_at", as: String?.self),
                    lastFailureAt: try row.decode(column: "last_failure_at", as: String?.self),
                    lastError: try row.decode(column: "last_error", as: String?.self)
                )
            }
            let counts = try await database.raw(
                """
                SELECT idp_id, CAST(SUM(success) AS BIGINT) AS success, CAST(SUM(failure) AS BIGINT) AS failure,
                CAST(SUM(skipped) AS BIGINT) AS skipped FROM provisioning_counts
                WHERE tenant_id = \(bind: tenantID) AND minute >= \(bind: since)
                """ + idpCondition + " GROUP BY idp_id"
            ).all()
            for row in counts {
                let idp = try row.decode(column: "idp_id", as: String.self)
                summaries[idp, default: ProvisioningSummary()].last24h = ProvisioningSummary.Counts(
                    success: Int(try row.decode(column: "success", as: Int64?.self) ?? 0),
                    failure: Int(try row.decode(column: "failure", as: Int64?.self) ?? 0),
                    skipped: Int(try row.decode(column: "skipped", as: Int64?.self) ?? 0)
                )
            }
            return summaries
        }
    }

    // MARK: Retention

    /// Deletes entries and per-minute counts older than `cutoff`, oldest first and tenant by tenant (through the
    /// tenant's index), in batches of at most `batchSize` rows, each its own short transaction; at most
    /// `maximumBatches` batches per table. Returns how many rows went (entries and counts).
    func prune(before cutoff: String, batchSize: Int, maximumBatches: Int) async throws -> Int {
        let tenants = try await storage.read { database in
            try await database.raw("SELECT id FROM tenants ORDER BY id").all().map { try $0.decode(column: "id", as: String.self) }
        }
        let limit = String(batchSize)
        var total = 0
        var batches = 0
        for tenantID in tenants {
            while batches < maximumBatches {
                batches += 1
                let deleted = try await storage.write { database in
                    try await database.raw(
                        """
                        DELETE FROM provisioning_log WHERE id IN (SELECT id FROM provisioning_log WHERE tenant_id = \(bind: tenantID)
                        AND occurred_at < \(bind: cutoff) ORDER BY occurred_at LIMIT \(unsafeRaw: limit)) RETURNING id
                        """
                    ).all().count
                }
                total += deleted
                if deleted < batchSize { break }
            }
        }
        batches = 0
        while batches < maximumBatches {
            batches += 1
            let deleted = try await storage.write { database in
                try await database.raw(
                    """
                    DELETE FROM provisioning_counts WHERE (tenant_id, idp_id, minute) IN (SELECT tenant_id, idp_id, minute
                    FROM provisioning_counts WHERE minute < \(bind: cutoff) LIMIT \(unsafeRaw: limit)) RETURNING minute
                    """
                ).all().count
            }
            total += deleted
            if deleted < batchSize { break }
        }
        return total
    }

    // MARK: Rows

    private static func entry(from row: any SQLRow, withBodies: Bool) throws -> ProvisioningLogEntry {
        let operationText = try row.decode(column: "operation", as: String.self)
        let statusText = try row.decode(column: "status", as: String.self)
        guard let operation = ProvisioningOperation(rawValue: operationText), let status = ProvisioningStatus(rawValue: statusText) else {
            throw ScimError.internalError("A stored provisioning log entry has an unknown operation or status.")
        }
        let attributes = try JSONValue.decode(Data(try row.decode(column: "changed_attributes", as: String.self).utf8))
        return ProvisioningLogEntry(
            id: try row.decode(column: "id", as: String.self),
            time: try row.decode(column: "occurred_at", as: String.self),
            requestID: try row.decode(column: "request_id", as: String.self),
            tenantID: try row.decode(column: "tenant_id", as: String.self),
            idpID: try row.decode(column: "idp_id", as: String.self),
            method: try row.decode(column: "method", as: String.self),
            path: try row.decode(column: "path", as: String.self),
            operation: operation,
            resourceType: try row.decode(column: "resource_type", as: String?.self),
            resourceID: try row.decode(column: "resource_id", as: String?.self),
            externalID: try row.decode(column: "external_id", as: String?.self),
            displayName: try row.decode(column: "display_name", as: String?.self),
            status: status,
            httpStatus: Int(try row.decode(column: "http_status", as: Int64.self)),
            scimType: try row.decode(column: "scim_type", as: String?.self),
            detail: try row.decode(column: "detail", as: String?.self),
            changedAttributes: attributes.arrayValue?.compactMap(\.stringValue) ?? [],
            requestBody: withBodies ? try row.decode(column: "request_body", as: String?.self) : nil,
            responseBody: withBodies ? try row.decode(column: "response_body", as: String?.self) : nil,
            tokenPrefix: try row.decode(column: "token_prefix", as: String?.self)
        )
    }

    private static func attributesText(_ attributes: [String]) -> String {
        String(decoding: JSONWriter.data(.array(attributes.map(JSONValue.string))), as: UTF8.self)
    }

    private static func cursor(after entry: ProvisioningLogEntry) -> String {
        ProvisioningLogCursor(time: entry.time, id: entry.id).token
    }
}

/// A tenant and one of its identity providers.
struct IdPKey: Hashable, Sendable, Comparable {
    let tenantID: String
    let idpID: String

    init(_ tenantID: String, _ idpID: String) {
        self.tenantID = tenantID
        self.idpID = idpID
    }

    static func < (lhs: IdPKey, rhs: IdPKey) -> Bool { (lhs.tenantID, lhs.idpID) < (rhs.tenantID, rhs.idpID) }
}
